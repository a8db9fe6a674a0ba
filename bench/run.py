"""Benchmarks, measured side by side in one run; prints medians, spreads and ratios.

    python bench/run.py [--build-sizes 100,1000,5000] [--full-nav 1000] [--check-sizes 100,1000,5000]
                        [--serve 1000] [--runs 5] [--large-runs 3] [--write-docs docs/benchmarks.md]
                        [--json FILE]

build   A Material build of N design pages (bench/generate.py: rich designs, every text
        distinct per page, a short nav, every output on) three ways: with the plugin, as
        the same designs written by hand as Markdown, and with `enabled: false`.
full    The same with every page in the nav, reported apart: Material's nav grows with
        the square of the pages, which dilutes every other cost.
serve   `mkdocs serve`'s rebuild after one edit, plugin vs hand-written, beside the full
        build's ratio.
check   `mldesign check` over N designs, without its cache (cold) and with it (a second
        run, nothing changed), vs `check-jsonschema` on the same design data.

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


def build_once(site: Path) -> tuple[float, float]:
    wall, rss = _child(BUILD, str(site / "mkdocs.yml"))
    return wall, rss / 1024  # seconds, MiB


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "low": min(values), "high": max(values)}


def ratios(a: list[float], b: list[float]) -> dict[str, float]:
    return spread([x / y for x, y in zip(a, b, strict=True)])


def bench_build(tmp: Path, n: int, runs: int, *, full_nav: bool = False) -> dict[str, Any]:
    sites = {v: generate.write_site(tmp / v, n, v, full_nav=full_nav) for v in VARIANTS}
    walls: dict[str, list[float]] = {v: [] for v in VARIANTS}
    mems: dict[str, list[float]] = {v: [] for v in VARIANTS}
    for v in VARIANTS:  # the file cache and bytecode warmed once, unmeasured
        build_once(sites[v])
    for _ in range(runs):
        for v in VARIANTS:
            wall, mem = build_once(sites[v])
            walls[v].append(wall)
            mems[v].append(mem)
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
