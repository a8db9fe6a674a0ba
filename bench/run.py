"""Benchmarks, measured side by side in one run; prints medians and ratios.

    python bench/run.py [--build-sizes 100,1000] [--check-sizes 100,1000,5000] [--runs 5]
                        [--write-docs docs/benchmarks.md] [--json FILE]

* check:  `mldesign check` over N designs vs `check-jsonschema` on the same design data.
* build:  a Material build of N design pages with the plugin, vs the same designs
          written by hand as Markdown (our machinery's own cost), vs the plugin
          with `enabled: false` (for information: the added content's own cost).
Each build runs in a fresh child process, which reports its wall time and peak memory;
the variants are interleaved so machine noise falls on all of them alike.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
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

CHILD = """
import resource, sys, time, logging
from mkdocs.commands.build import build
from mkdocs.config import load_config
logging.disable(logging.WARNING)
t = time.perf_counter()
build(load_config(sys.argv[1]))
wall = time.perf_counter() - t
print(wall, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def build_once(site: Path) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(site / "mkdocs.yml")], check=True, capture_output=True, text=True
    )
    wall, rss = out.stdout.split()
    return float(wall), float(rss) / 1024  # seconds, MiB


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def bench_check(tmp: Path, n: int, runs: int) -> dict[str, float]:
    docs = tmp / "docs"
    data = tmp / "data"
    docs.mkdir(parents=True)
    data.mkdir(parents=True)
    for i, d in enumerate(generate.designs(n)):
        (docs / f"design-{i:05d}.md").write_text(generate.plugin_page(i, d), encoding="utf-8")
        (data / f"design-{i:05d}.yaml").write_text(yaml.safe_dump(d, sort_keys=False), encoding="utf-8")
    schema = tmp / "design.schema.json"
    subprocess.run([str(BIN / "mldesign"), "schema", "-o", str(schema)], check=True)
    ours_cmd = [str(BIN / "mldesign"), "check", str(docs)]
    theirs_cmd = [str(BIN / "check-jsonschema"), "--schemafile", str(schema), *map(str, sorted(data.iterdir()))]
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(timed(ours_cmd))
        theirs.append(timed(theirs_cmd))
    return {"mldesign_check_s": statistics.median(ours), "check_jsonschema_s": statistics.median(theirs)}


def _paired(a: list[float], b: list[float]) -> float:
    return statistics.median(x / y for x, y in zip(a, b, strict=True))


def bench_build(tmp: Path, n: int, runs: int) -> dict[str, float]:
    variants = ("plugin", "handwritten", "disabled")
    sites = {v: generate.write_site(tmp / f"site-{v}", n, v) for v in variants}
    walls: dict[str, list[float]] = {v: [] for v in variants}
    mems: dict[str, list[float]] = {v: [] for v in variants}
    for v in variants:  # warm the file cache and bytecode once, unmeasured
        build_once(sites[v])
    for _ in range(runs):
        for v in variants:
            wall, mem = build_once(sites[v])
            walls[v].append(wall)
            mems[v].append(mem)
    out: dict[str, float] = {}
    for v in variants:
        out[f"{v}_wall_s"] = statistics.median(walls[v])
        out[f"{v}_peak_mib"] = statistics.median(mems[v])
    # Ratios of per-run pairs, then their median: robust against a slow moment.
    out["plugin_vs_handwritten_wall"] = statistics.median(
        p / h for p, h in zip(walls["plugin"], walls["handwritten"], strict=False)
    )
    out["plugin_vs_handwritten_mem"] = statistics.median(
        p / h for p, h in zip(mems["plugin"], mems["handwritten"], strict=False)
    )
    out["plugin_vs_disabled_wall"] = statistics.median(
        p / d for p, d in zip(walls["plugin"], walls["disabled"], strict=False)
    )
    return out


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
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in ("mkdocs", "mkdocs-material", "jsonschema-rs"))
    return (
        f"{cpu}, {os.cpu_count()} cores; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; {versions}"
    )


def _sizes(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def _markdown(results: dict[str, Any]) -> str:
    lines = [
        f"Measured on {results['date']}: {results['machine']}. Medians of {results['runs']} runs; "
        "each build runs in a fresh process, the variants interleaved.",
        "",
    ]
    if results["build"]:
        lines += [
            "| designs | plugin | hand-written | `enabled: false` | plugin / hand-written (wall) "
            "| plugin / hand-written (peak memory) | plugin / off (wall) |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for n, b in results["build"].items():
            lines.append(
                f"| {n} | {b['plugin_wall_s']:.2f} s, {b['plugin_peak_mib']:.0f} MiB "
                f"| {b['handwritten_wall_s']:.2f} s, {b['handwritten_peak_mib']:.0f} MiB "
                f"| {b['disabled_wall_s']:.2f} s | **{b['plugin_vs_handwritten_wall']:.3f}x** "
                f"| **{b['plugin_vs_handwritten_mem']:.3f}x** | {b['plugin_vs_disabled_wall']:.3f}x |"
            )
        lines.append("")
    if results["check"]:
        lines += [
            "| designs | `mldesign check` | `check-jsonschema` | ratio |",
            "|---:|---:|---:|---:|",
        ]
        for n, c in results["check"].items():
            ratio = c["check_jsonschema_s"] / c["mldesign_check_s"]
            lines.append(
                f"| {n} | {c['mldesign_check_s']:.2f} s | {c['check_jsonschema_s']:.2f} s | **{ratio:.1f}x faster** |"
            )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-sizes", type=_sizes, default=[1000], help="comma-separated design counts to build")
    parser.add_argument("--check-sizes", type=_sizes, default=[1000], help="comma-separated design counts to check")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--write-docs", metavar="PAGE", help="put the results table into this docs page")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "date": datetime.date.today().isoformat(),
        "runs": args.runs,
        "machine": _machine(),
        "check": {},
        "build": {},
    }
    print(results["machine"])
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.check_sizes:
            r = bench_check(Path(tmp) / f"check-{n}", n, args.runs)
            results["check"][n] = r
            print(
                f"check {n} designs: mldesign {r['mldesign_check_s']:.2f}s, "
                f"check-jsonschema {r['check_jsonschema_s']:.2f}s -> "
                f"{r['check_jsonschema_s'] / r['mldesign_check_s']:.1f}x faster (median of {args.runs})",
                flush=True,
            )
        for n in args.build_sizes:
            b = bench_build(Path(tmp) / f"build-{n}", n, args.runs)
            results["build"][n] = b
            print(
                f"build {n} designs (Material), medians of {args.runs}:\n"
                f"  plugin      {b['plugin_wall_s']:.2f}s  {b['plugin_peak_mib']:.0f} MiB\n"
                f"  handwritten {b['handwritten_wall_s']:.2f}s  {b['handwritten_peak_mib']:.0f} MiB\n"
                f"  disabled    {b['disabled_wall_s']:.2f}s  {b['disabled_peak_mib']:.0f} MiB\n"
                f"  plugin / handwritten: wall {b['plugin_vs_handwritten_wall']:.3f}x, "
                f"peak memory {b['plugin_vs_handwritten_mem']:.3f}x\n"
                f"  plugin / enabled:false: wall {b['plugin_vs_disabled_wall']:.3f}x",
                flush=True,
            )
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
