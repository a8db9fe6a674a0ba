"""`make bench` keeps working: bench/run.py measures every figure on tiny sites and
writes them into a copy of docs/benchmarks.md."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_measures_every_figure(tmp_path: Path) -> None:
    page = tmp_path / "benchmarks.md"
    shutil.copy(ROOT / "docs/benchmarks.md", page)
    out = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench/run.py"),
            *("--build-sizes", "4", "--full-nav", "4", "--serve", "4", "--check-sizes", "4"),
            *("--runs", "1", "--large-runs", "1", "--json", str(out), "--write-docs", str(page)),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text(encoding="utf-8"))
    [build], [full], [serve], [check] = results["build"], results["full"], results["serve"], results["check"]
    for b in (build, full):
        assert b["designs"] == 4
        assert set(b["wall_s"]) == {"plugin", "handwritten", "disabled"}
        assert b["plugin_vs_handwritten_wall"]["median"] > 0
        assert b["plugin_vs_handwritten_mem"]["median"] > 0
        assert b["added_ms_per_design"]["low"] <= b["added_ms_per_design"]["high"]
    assert serve["rebuilds"] == 3
    assert serve["plugin_vs_handwritten_wall"]["median"] > 0
    assert check["cold_s"]["median"] > 0
    assert check["speedup_cold"]["median"] > 0
    text = page.read_text(encoding="utf-8")
    assert text != (ROOT / "docs/benchmarks.md").read_text(encoding="utf-8")
    assert "Builds, short nav" in text
    assert "`mkdocs serve`" in text
    assert "faster, cold" in text
