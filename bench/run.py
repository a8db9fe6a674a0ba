"""Benchmarks, measured side by side in one run; prints medians, spreads and ratios.

    python bench/run.py [--build-sizes 100,1000,5000] [--full-nav 1000] [--check-sizes 100,1000,5000]
                        [--serve 1000] [--git 1000] [--evidence 1000] [--runs 5] [--large-runs 3]
                        [--write-docs docs/benchmarks.md] [--json FILE]

build   A Material build of N design pages (bench/generate.py: rich designs, every text
        distinct per page, a short nav, every output on) three ways: with the plugin, as
        the same designs written by hand as Markdown, and with `enabled: false`.
full    The same with every page in the nav, reported apart: Material's nav grows with
        the square of the pages, which dilutes every other cost.
serve   `mkdocs serve`'s rebuild after one edit, plugin vs hand-written, beside the full
        build's ratio.
check   `mldesign check` over N designs, without its cache (cold) and with it (a second
        run, nothing changed), vs `check-jsonschema` on the same design data.
evidence
        The plugin build of N designs that each name a results file of their own, with the
        evidence read and with `evidence: false`: what reading and judging it adds.
git     The plugin build of N designs in a git repository where every design has 10 commits
        (its status moving from draft to where it is now) and writes no dates, four ways:
        `git_dates` and `history` off, dates from git only, and both on with the history's
        cache removed before each build (cold) or kept from the last one (warm).

Each build runs in a fresh child process, which reports its wall time and peak memory
(the build alone, not Python's start); the variants are interleaved, so a slow moment of
the machine falls on all of them alike. A ratio is the median of the ratios of the runs
taken together, its spread the lowest and highest of them.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "docs" / "hooks"))
from mldesign_docs import replace_between

sys.path.insert(0, str(Path(__file__).parent))
import generate

BIN = Path(sys.executable).parent
VARIANTS = ("plugin", "handwritten", "disabled")

BUILD = """
import logging, resource, sys, time
from mkdocs.commands.build import build
from mkdocs.config import load_config
logging.disable(logging.WARNING)
config = load_config(sys.argv[1])
start = time.perf_counter()
build(config)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

# What `mkdocs serve` does on a change: the same plugin instances (on_startup keeps them),
# the config loaded again, a full build. The page edited is a design's, each time anew.
SERVE = """
import logging, sys, tempfile, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
logging.disable(logging.WARNING)
config_file, page, edits = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
site_dir = tempfile.mkdtemp()
def load():
    return load_config(config_file, site_dir=site_dir)
config = load()
config.plugins.on_startup(command="serve", dirty=False)
build(config, serve_url="http://127.0.0.1:8000/")
original = page.read_text(encoding="utf-8")
times = []
for i in range(edits):
    page.write_text(original + f"\\nEdited {i} times.\\n", encoding="utf-8")
    config = load()
    start = time.perf_counter()
    build(config, serve_url="http://127.0.0.1:8000/")
    times.append(time.perf_counter() - start)
page.write_text(original, encoding="utf-8")
print(*times)
"""


def _child(code: str, *args: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    return [float(x) for x in out.stdout.split()]


def build_once(site: Path, config: str = "mkdocs.yml") -> tuple[float, float]:
    wall, rss = _child(BUILD, str(site / config))
    return wall, rss / 1024  # seconds, MiB


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "low": min(values), "high": max(values)}


def ratios(a: list[float], b: list[float]) -> dict[str, float]:
    return spread([x / y for x, y in zip(a, b, strict=True)])


def interleaved(
    variants: tuple[str, ...], runs: int, build: Any
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Each variant's wall times and peak memory over `runs` rounds, one build of each
    variant per round, so that a slow moment of the machine falls on all of them."""
    walls: dict[str, list[float]] = {v: [] for v in variants}
    mems: dict[str, list[float]] = {v: [] for v in variants}
    for _ in range(runs):
        for v in variants:
            wall, mem = build(v)
            walls[v].append(wall)
            mems[v].append(mem)
    return walls, mems


def bench_build(tmp: Path, n: int, runs: int, *, full_nav: bool = False) -> dict[str, Any]:
    sites = {v: generate.write_site(tmp / v, n, v, full_nav=full_nav) for v in VARIANTS}
    for v in VARIANTS:  # the file cache and bytecode warmed once, unmeasured
        build_once(sites[v])
    walls, mems = interleaved(VARIANTS, runs, lambda v: build_once(sites[v]))
    own = [(p - d) / n * 1000 for p, d in zip(walls["plugin"], walls["disabled"], strict=True)]
    out: dict[str, Any] = {
        "designs": n,
        "runs": runs,
        "wall_s": {v: spread(walls[v]) for v in VARIANTS},
        "peak_mib": {v: spread(mems[v]) for v in VARIANTS},
        "plugin_vs_handwritten_wall": ratios(walls["plugin"], walls["handwritten"]),
        "plugin_vs_handwritten_mem": ratios(mems["plugin"], mems["handwritten"]),
        "plugin_vs_disabled_wall": ratios(walls["plugin"], walls["disabled"]),
        "plugin_ms_per_design": spread([w / n * 1000 for w in walls["plugin"]]),
        "handwritten_ms_per_design": spread([w / n * 1000 for w in walls["handwritten"]]),
        "added_ms_per_design": spread(own),
    }
    for v in VARIANTS:
        shutil.rmtree(sites[v] / "site", ignore_errors=True)
    return out


# The evidence step alone, timed in one process: the site's designs checked once, then
# every results file they name read and every metric judged, `runs` times.
EVIDENCE_STEP = """
import sys, time
from pathlib import Path
from mkdocs_mldesign.core.evidence import EvidenceOptions
from mkdocs_mldesign.core.settings import Settings
from mkdocs_mldesign.core.site import Site
from mkdocs_mldesign.project.check import check_paths
from mkdocs_mldesign.project.evidence import add_evidence
root, runs = Path(sys.argv[1]), int(sys.argv[2])
site = Site.load(Settings())
docs = root / "docs"
report = check_paths(site, [(docs, docs)])
placed = [(d, str((docs / d.src_uri).parent)) for d in report.designs]
for _ in range(runs):
    start = time.perf_counter()
    add_evidence(site, placed, project_dir=str(root), options=EvidenceOptions())
    print(time.perf_counter() - start)
"""


def bench_evidence(tmp: Path, n: int, runs: int) -> dict[str, Any]:
    site = generate.write_evidence_site(tmp, n)
    configs = {"evidence": "mkdocs.yml", "off": "mkdocs.no-evidence.yml"}
    for config in configs.values():  # the file cache and bytecode warmed once, unmeasured
        build_once(site, config)
    walls, mems = interleaved(tuple(configs), runs, lambda v: build_once(site, configs[v]))
    added = [(e - o) / n * 1000 for e, o in zip(walls["evidence"], walls["off"], strict=True)]
    shutil.rmtree(site / "site", ignore_errors=True)
    step = _child(EVIDENCE_STEP, str(site), str(runs))
    return {
        "step_s": spread(step),
        "step_vs_build": ratios(step, walls["off"]),
        "designs": n,
        "runs": runs,
        "wall_s": {v: spread(walls[v]) for v in configs},
        "peak_mib": {v: spread(mems[v]) for v in configs},
        "evidence_vs_off_wall": ratios(walls["evidence"], walls["off"]),
        "added_ms_per_design": spread(added),
    }


def bench_serve(tmp: Path, n: int, runs: int, edits: int = 3) -> dict[str, Any]:
    sites = {v: generate.write_site(tmp / v, n, v) for v in ("plugin", "handwritten")}
    page = "docs/designs/design-00001.md"
    walls: dict[str, list[float]] = {"plugin": [], "handwritten": []}
    for _ in range(runs):
        for v, site in sites.items():
            walls[v].extend(_child(SERVE, str(site / "mkdocs.yml"), str(site / page), str(edits)))
    return {
        "designs": n,
        "rebuilds": len(walls["plugin"]),
        "wall_s": {v: spread(w) for v, w in walls.items()},
        "plugin_vs_handwritten_wall": ratios(walls["plugin"], walls["handwritten"]),
    }


GIT_VARIANTS = ("off", "dates", "cold", "warm")
GIT_COMMITS = 10  # per design
#: Each variant's config file (in the repository's root) and its (git_dates, history).
GIT_CONFIGS = {
    "off": ("mkdocs-off.yml", False, False),
    "dates": ("mkdocs-dates.yml", True, False),
    "cold": ("mkdocs.yml", True, True),
    "warm": ("mkdocs.yml", True, True),
}
_AUTHOR = "Bench <bench@example.com>"
_EPOCH = 1767225600  # 2026-01-01T00:00:00Z, the first commit; a round of commits a week
_WEEK = 7 * 86400
_STATUSES = ("draft", "review", "approved")
_HISTORY_CACHE = Path(".mldesign") / "cache" / "history"  # beside mkdocs.yml (mkdocs_mldesign.git.history)
_GITIGNORE = "# The plugin's caches, the built site and the bench's other configs\n.mldesign/\n/site/\n/mkdocs-*.yml\n"
_WORDS = frozenset(generate.WORDS)


def _git_env() -> dict[str, str]:
    return {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "LC_ALL": "C"}


def _git(site: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=site, env=_git_env(), capture_output=True, check=True, text=True).stdout


def _undated(page: str) -> str:
    """The page without its written `created` and `updated` dates, so git gives them."""
    return re.sub(r"^  (?:created|updated): .*\n", "", page, flags=re.MULTILINE)


def _status_at(final: str, r: int) -> str:
    """The status in round `r`: from draft through review to `final`, which the last round has."""
    steps = _STATUSES[: _STATUSES.index(final) + 1] if final in _STATUSES else (final,)
    return steps[min(r * len(steps) // (GIT_COMMITS - 1), len(steps) - 1)]


def _revised(page: str, i: int, r: int) -> tuple[str, str]:
    """The page as round `r` (not the last) left it: one word of one sentence of its design
    changed (a different sentence each round) and the status of that round; and the
    commit's subject."""
    head, sep, rest = page.partition("\n---\n")
    lines = head.split("\n")
    final = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("  status:"))
    status = _status_at(final, r)
    section, sentences = "", []
    for at, line in enumerate(lines):
        key = re.match(r"  (\w+):", line)
        if key:
            section = key[1]
        words = line.split()
        if section and len(words) >= 6 and any(w in _WORDS for w in words):
            sentences.append((at, section))
    if len(sentences) < GIT_COMMITS - 1:
        raise RuntimeError(f"design {i} has too few sentences to change one a round")
    stride = len(sentences) // (GIT_COMMITS - 1)  # a different sentence each round, spread over the sections
    at, section = sentences[(i + r * stride) % len(sentences)]
    words = lines[at].split(" ")
    k = next(k for k, w in enumerate(words) if w in _WORDS)
    shift = i + r
    while True:  # a real word, not the same one
        shift += 1
        word = generate.WORDS[(generate.WORDS.index(words[k]) + shift) % len(generate.WORDS)]
        if word != words[k]:
            break
    words[k] = word
    lines[at] = " ".join(words)
    lines = [f"  status: {status}" if line.startswith("  status:") else line for line in lines]
    did = (
        "first draft" if r == 0 else "move to " + status if status != _status_at(final, r - 1) else f"revise {section}"
    )
    return "\n".join(lines) + sep + rest, did


def write_git_site(root: Path, n: int) -> Path:
    """The plugin site of `n` designs (generate.write_site), none with a written date, as a
    git repository: a first commit with the site, then GIT_COMMITS rounds of one commit
    per design, the last leaving each page as the generator wrote it (less its dates).
    One `git fast-import` writes them all; the work tree is HEAD's."""
    site = generate.write_site(root, n, "plugin")
    folder = site / "docs" / "designs"
    pages = sorted(folder.glob("design-*.md"))
    for page in pages:
        page.write_text(_undated(page.read_text(encoding="utf-8")), encoding="utf-8")
    config = yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))
    for name, dates, history in GIT_CONFIGS.values():
        config["plugins"] = ["search", {"mldesign": {"git_dates": dates, "history": history}}]
        (site / name).write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (site / ".gitignore").write_text(_GITIGNORE, encoding="utf-8")
    _git(site, "init", "-q", "-b", "main")
    importer = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=site, env=_git_env(), stdin=subprocess.PIPE)
    assert importer.stdin is not None
    write = importer.stdin.write

    def data(text: str) -> None:
        raw = text.encode("utf-8")
        write(b"data %d\n%s\n" % (len(raw), raw))

    def commit(when: int, subject: str, files: dict[str, str]) -> None:
        write(f"commit refs/heads/main\nauthor {_AUTHOR} {when} +0000\ncommitter {_AUTHOR} {when} +0000\n".encode())
        data(subject)
        for path, text in files.items():
            write(f"M 100644 inline {path}\n".encode())
            data(text)

    first = (".gitignore", "mkdocs.yml", "docs/index.md")
    commit(_EPOCH, "Start the design portal", {p: (site / p).read_text(encoding="utf-8") for p in first})
    texts = [page.read_text(encoding="utf-8") for page in pages]
    step = _WEEK // (len(pages) + 1)
    for r in range(GIT_COMMITS):
        for i, (page, text) in enumerate(zip(pages, texts, strict=True)):
            subject = "revise" if r == GIT_COMMITS - 1 else ""
            if r < GIT_COMMITS - 1:
                text, subject = _revised(text, i, r)
            commit(_EPOCH + r * _WEEK + (i + 1) * step, f"{page.stem}: {subject}", {f"docs/designs/{page.name}": text})
    importer.stdin.close()
    if importer.wait() != 0:
        raise RuntimeError(f"git fast-import failed in {site}")
    _git(site, "reset", "-q", "--hard")
    if _git(site, "status", "--porcelain"):
        raise RuntimeError(f"the work tree of {site} is not its HEAD")
    return site


def _shown(site_dir: Path) -> dict[str, int]:
    """What the built design pages show: how many a git date, how many a timeline, and its steps."""
    pages = [p.read_text(encoding="utf-8") for p in sorted(site_dir.glob("designs/design-*/index.html"))]
    return {
        "pages": len(pages),
        "git_dates": sum('class="mldesign-meta__source"' in p for p in pages),
        "timelines": sum('class="mldesign-history"' in p for p in pages),
        "steps": sum(p.count('class="mldesign-history__step"') for p in pages),
        "unreadable": sum(p.count('class="mldesign-history__unreadable"') for p in pages),
    }


def _verdicts(cache: Path) -> int:
    """The versions whose verdicts the history's cache holds."""
    from mkdocs_mldesign.core.storage import read_entry  # signed with this user's secret, as the build wrote it

    return sum(len(read_entry(f) or {}) for f in cache.glob("history-*.json"))


def bench_git(tmp: Path, n: int, runs: int) -> dict[str, Any]:
    start = time.perf_counter()
    site = write_git_site(tmp, n)
    setup = time.perf_counter() - start
    cache = site / _HISTORY_CACHE
    shown: dict[str, dict[str, int]] = {}
    verdicts: dict[str, int] = {}

    def build(v: str) -> tuple[float, float]:
        if v == "cold":
            shutil.rmtree(cache, ignore_errors=True)
        before = _verdicts(cache)
        out = build_once(site, GIT_CONFIGS[v][0])
        verdicts[v] = _verdicts(cache) - before  # the versions this build judged (and kept)
        return out

    for v in GIT_VARIANTS:  # the file cache and bytecode warmed once, unmeasured; warm's cache filled
        build(v)
        shown[v] = _shown(site / "site")
    wanted = {"off": (0, 0), "dates": (n, 0), "cold": (n, n), "warm": (n, n)}
    for v, (dates, timelines) in wanted.items():
        s = shown[v]
        if (s["pages"], s["git_dates"], s["timelines"], s["unreadable"]) != (n, dates, timelines, 0):
            raise RuntimeError(f"git {n}, {v}: the pages do not show what is measured: {s}")
    walls, mems = interleaved(GIT_VARIANTS, runs, build)
    shutil.rmtree(site / "site", ignore_errors=True)
    return {
        "designs": n,
        "commits": n * GIT_COMMITS + 1,
        "runs": runs,
        "setup_s": setup,
        "wall_s": {v: spread(walls[v]) for v in GIT_VARIANTS},
        "peak_mib": {v: spread(mems[v]) for v in GIT_VARIANTS},
        "dates_vs_off_wall": ratios(walls["dates"], walls["off"]),
        "cold_vs_off_wall": ratios(walls["cold"], walls["off"]),
        "warm_vs_off_wall": ratios(walls["warm"], walls["off"]),
        "shown": shown,
        "verdicts": {"cold": verdicts["cold"], "warm": verdicts["warm"]},  # judged in the last run
    }


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def bench_check(tmp: Path, n: int, runs: int) -> dict[str, Any]:
    docs = tmp / "docs"
    data = tmp / "data"
    docs.mkdir(parents=True)
    data.mkdir(parents=True)
    import random

    rng = random.Random(11)
    for i, d in enumerate(generate.designs(n)):
        (docs / f"{d['id']}.md").write_text(generate.plugin_page(i, d, generate.body(rng, i)), encoding="utf-8")
        (data / f"{d['id']}.yaml").write_text(yaml.safe_dump(d, sort_keys=False), encoding="utf-8")
    schema = tmp / "design.schema.json"
    subprocess.run([str(BIN / "mldesign"), "schema", "-o", str(schema)], check=True)
    cache = tmp / "cache"
    env_cmd = [str(BIN / "mldesign"), "check", "--cache-dir", str(cache)]
    cold_cmd = [*env_cmd, "--no-cache", str(docs)]
    warm_cmd = [*env_cmd, str(docs)]
    peer_cmd = [str(BIN / "check-jsonschema"), "--schemafile", str(schema), *map(str, sorted(data.iterdir()))]
    timed(warm_cmd)  # fills the cache; warms the file cache for all three
    timed(peer_cmd)
    cold, warm, peer = [], [], []
    for _ in range(runs):
        cold.append(timed(cold_cmd))
        warm.append(timed(warm_cmd))
        peer.append(timed(peer_cmd))
    return {
        "designs": n,
        "runs": runs,
        "cold_s": spread(cold),
        "warm_s": spread(warm),
        "check_jsonschema_s": spread(peer),
        "speedup_cold": ratios(peer, cold),
        "speedup_warm": ratios(peer, warm),
    }


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    names = ("mkdocs", "mkdocs-material", "pyyaml", "jsonschema-rs", "check-jsonschema")
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in names)
    return (
        f"{cpu}, {os.cpu_count()} cores; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; {versions}"
    )


def _sizes(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def _x(r: dict[str, float], digits: int = 3) -> str:
    return f"**{r['median']:.{digits}f}x** ({r['low']:.{digits}f}–{r['high']:.{digits}f})"


def _s(r: dict[str, float], unit: str = "s", digits: int = 2) -> str:
    return f"{r['median']:.{digits}f} {unit}"


def _sr(r: dict[str, float], unit: str = "s", digits: int = 2) -> str:
    return f"{r['median']:.{digits}f} {unit} ({r['low']:.{digits}f}–{r['high']:.{digits}f})"


def _build_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| designs | runs | plugin | hand-written | `enabled: false` | plugin / hand-written, wall "
        "| plugin / hand-written, peak memory | plugin / off, wall |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for b in rows:
        w, m = b["wall_s"], b["peak_mib"]
        lines.append(
            f"| {b['designs']} | {b['runs']} | {_s(w['plugin'])}, {_s(m['plugin'], 'MiB', 0)} "
            f"| {_s(w['handwritten'])}, {_s(m['handwritten'], 'MiB', 0)} | {_s(w['disabled'])} "
            f"| {_x(b['plugin_vs_handwritten_wall'])} | {_x(b['plugin_vs_handwritten_mem'])} "
            f"| {_x(b['plugin_vs_disabled_wall'], 2)} |"
        )
    return lines


def _markdown(results: dict[str, Any]) -> str:
    lines = [
        f"Measured on {results['date']}: {results['machine']}.",
        "",
        "Each figure is the median of the runs, with the lowest and highest in brackets; a ratio "
        "is the median of the runs' own ratios.",
        "",
    ]
    if results["build"]:
        lines += ["**Builds, short nav** (the home page and the overview):", ""]
        lines += _build_table(results["build"])
        lines += ["", "**Cost per design** (wall time of the build divided by its designs):", ""]
        lines += [
            "| designs | plugin | hand-written | added by the plugin (plugin − `enabled: false`) |",
            "|---:|---:|---:|---:|",
        ]
        for b in results["build"]:
            p, h, a = b["plugin_ms_per_design"], b["handwritten_ms_per_design"], b["added_ms_per_design"]
            lines.append(
                f"| {b['designs']} | {p['median']:.2f} ms ({p['low']:.2f}–{p['high']:.2f}) "
                f"| {h['median']:.2f} ms ({h['low']:.2f}–{h['high']:.2f}) "
                f"| {a['median']:.2f} ms ({a['low']:.2f}–{a['high']:.2f}) |"
            )
        lines.append("")
    if results["full"]:
        lines += ["**Builds, every page in the nav** (reported apart: Material's nav dominates them):", ""]
        lines += _build_table(results["full"])
        lines.append("")
    if results["serve"]:
        lines += ["**`mkdocs serve`, rebuild after editing one design** (hand-written: the same page edited):", ""]
        lines += ["| designs | rebuilds | plugin | hand-written | plugin / hand-written |", "|---:" * 5 + "|"]
        for s in results["serve"]:
            w = s["wall_s"]
            lines.append(
                f"| {s['designs']} | {s['rebuilds']} | {_s(w['plugin'])} | {_s(w['handwritten'])} "
                f"| {_x(s['plugin_vs_handwritten_wall'])} |"
            )
        lines.append("")
    if results["git"]:
        lines += [
            f"**Dates and history from git** (a git repository where every design has {GIT_COMMITS} commits "
            "and writes no date; the history's cache removed before each build, cold, or kept from the last, warm):",
            "",
            "| designs | commits | runs | `git_dates`, `history` off | dates from git | history, cold "
            "| history, warm | dates / off | cold / off | warm / off |",
            "|---:" * 10 + "|",
        ]
        for g in results["git"]:
            w = g["wall_s"]
            lines.append(
                f"| {g['designs']} | {g['commits']} | {g['runs']} | {_sr(w['off'])} | {_sr(w['dates'])} "
                f"| {_sr(w['cold'])} | {_sr(w['warm'])} | {_x(g['dates_vs_off_wall'], 2)} "
                f"| {_x(g['cold_vs_off_wall'], 2)} | {_x(g['warm_vs_off_wall'], 2)} |"
            )
        lines.append("")
    if results.get("evidence"):
        lines += [
            "**Evidence from results files** (every design names a results file of its own; the same site "
            "built with `evidence: false` beside it):",
            "",
            "| designs | runs | evidence read | `evidence: false` | read / off | added per design "
            "| the evidence step alone | step / build |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for e in results["evidence"]:
            w = e["wall_s"]
            lines.append(
                f"| {e['designs']} | {e['runs']} | {_sr(w['evidence'])} | {_sr(w['off'])} "
                f"| {_x(e['evidence_vs_off_wall'], 3)} | {_sr(e['added_ms_per_design'], 'ms', 3)} "
                f"| {_sr(e['step_s'], 's', 3)} | {_x(e['step_vs_build'], 4)} |"
            )
        lines.append("")
    if results["check"]:
        lines += [
            "**`mldesign check` vs `check-jsonschema`** (the same designs; ours also scores and lints them):",
            "",
            "| designs | `mldesign check`, cold | `mldesign check`, second run | `check-jsonschema` "
            "| faster, cold | faster, second run |",
            "|---:|---:|---:|---:|---:|---:|",
        ]
        for c in results["check"]:
            lines.append(
                f"| {c['designs']} | {_s(c['cold_s'], 's', 3)} | {_s(c['warm_s'], 's', 3)} "
                f"| {_s(c['check_jsonschema_s'])} | {_x(c['speedup_cold'], 1)} | {_x(c['speedup_warm'], 1)} |"
            )
        lines.append("")
    return "\n".join(lines)


def _say(kind: str, r: dict[str, Any]) -> None:
    if kind in ("build", "full"):
        w, m = r["wall_s"], r["peak_mib"]
        print(
            f"{kind} {r['designs']} designs, {r['runs']} runs: plugin {w['plugin']['median']:.2f}s "
            f"{m['plugin']['median']:.0f} MiB, hand-written {w['handwritten']['median']:.2f}s "
            f"{m['handwritten']['median']:.0f} MiB, off {w['disabled']['median']:.2f}s\n"
            f"  plugin/hand-written wall {_x(r['plugin_vs_handwritten_wall'])}, "
            f"memory {_x(r['plugin_vs_handwritten_mem'])}; plugin/off {_x(r['plugin_vs_disabled_wall'], 2)}\n"
            f"  per design: plugin {r['plugin_ms_per_design']['median']:.2f} ms, "
            f"added {r['added_ms_per_design']['median']:.2f} ms",
            flush=True,
        )
    elif kind == "serve":
        print(
            f"serve {r['designs']} designs, {r['rebuilds']} rebuilds: plugin {r['wall_s']['plugin']['median']:.2f}s, "
            f"hand-written {r['wall_s']['handwritten']['median']:.2f}s -> {_x(r['plugin_vs_handwritten_wall'])}",
            flush=True,
        )
    elif kind == "git":
        w, shown, judged = r["wall_s"], r["shown"]["warm"], r["verdicts"]
        print(
            f"git {r['designs']} designs, {r['commits']} commits, {r['runs']} runs: off {w['off']['median']:.2f}s, "
            f"dates {w['dates']['median']:.2f}s, history cold {w['cold']['median']:.2f}s, "
            f"warm {w['warm']['median']:.2f}s\n"
            f"  dates/off {_x(r['dates_vs_off_wall'], 2)}, cold/off {_x(r['cold_vs_off_wall'], 2)}, "
            f"warm/off {_x(r['warm_vs_off_wall'], 2)}\n"
            f"  {shown['git_dates']} of {shown['pages']} pages show dates from git, {shown['timelines']} a timeline "
            f"({shown['steps']} steps); versions judged: cold {judged['cold']}, warm {judged['warm']}; "
            f"repository written in {r['setup_s']:.1f}s",
            flush=True,
        )
    elif kind == "evidence":
        w = r["wall_s"]
        print(
            f"evidence {r['designs']} designs, a results file each, {r['runs']} runs: read "
            f"{w['evidence']['median']:.2f}s, off {w['off']['median']:.2f}s -> evidence/off "
            f"{_x(r['evidence_vs_off_wall'], 3)}, added {r['added_ms_per_design']['median']:.3f} ms a design\n"
            f"  the evidence step alone {r['step_s']['median'] * 1000:.0f} ms, step/build {_x(r['step_vs_build'], 4)}",
            flush=True,
        )
    else:
        print(
            f"check {r['designs']} designs: cold {r['cold_s']['median']:.3f}s, second run "
            f"{r['warm_s']['median']:.3f}s, check-jsonschema {r['check_jsonschema_s']['median']:.2f}s -> "
            f"{_x(r['speedup_cold'], 1)} cold, {_x(r['speedup_warm'], 1)} second run",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-sizes", type=_sizes, default=[100, 1000], help="design counts to build (short nav)")
    parser.add_argument("--full-nav", type=_sizes, default=[], help="design counts to build with every page in the nav")
    parser.add_argument("--serve", type=_sizes, default=[], help="design counts to rebuild as `mkdocs serve` does")
    parser.add_argument(
        "--git", type=_sizes, default=[], metavar="N", help="design counts to build from git history, dates and history"
    )
    parser.add_argument(
        "--evidence", type=_sizes, default=[], metavar="N", help="design counts to build with a results file each"
    )
    parser.add_argument("--check-sizes", type=_sizes, default=[1000], help="design counts to check")
    parser.add_argument("--runs", type=int, default=5, help="runs of each variant")
    parser.add_argument(
        "--large-runs", type=int, default=3, help="runs at 2,000 designs and more, with the full nav, and of serve"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--write-docs", metavar="PAGE", help="put the results into this docs page")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "date": datetime.date.today().isoformat(),
        "machine": _machine(),
        "check": [],
        "build": [],
        "full": [],
        "serve": [],
        "git": [],
        "evidence": [],
    }
    print(results["machine"], flush=True)

    def runs(n: int) -> int:
        return args.large_runs if n >= 2000 else args.runs

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for n in args.check_sizes:
            results["check"].append(bench_check(root / f"check-{n}", n, runs(n)))
            _say("check", results["check"][-1])
        for n in args.build_sizes:
            results["build"].append(bench_build(root / f"build-{n}", n, runs(n)))
            _say("build", results["build"][-1])
        for n in args.full_nav:  # minutes a build at 1,000: as few runs as the largest sites
            results["full"].append(bench_build(root / f"full-{n}", n, args.large_runs, full_nav=True))
            _say("full", results["full"][-1])
        for n in args.serve:
            results["serve"].append(bench_serve(root / f"serve-{n}", n, args.large_runs))
            _say("serve", results["serve"][-1])
        for n in args.git:
            results["git"].append(bench_git(root / f"git-{n}", n, runs(n)))
            _say("git", results["git"][-1])
        for n in args.evidence:
            results["evidence"].append(bench_evidence(root / f"evidence-{n}", n, runs(n)))
            _say("evidence", results["evidence"][-1])
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    if args.write_docs:
        page = Path(args.write_docs)
        text, _ = replace_between(
            page.read_text(encoding="utf-8"), "<!-- bench:start -->", "<!-- bench:end -->", _markdown(results)
        )
        page.write_text(text, encoding="utf-8")
        print(f"wrote {page}")


if __name__ == "__main__":
    main()
