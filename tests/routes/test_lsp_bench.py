"""bench/lsp_bench.py keeps working, as `make bench` runs it: on a small site, every figure
is printed and saved."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_the_benchmark_measures_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "lsp.json"
    bench = Path(__file__).parents[2] / "bench" / "lsp_bench.py"
    small = ["--designs", "12", "--starts", "1", "--changes", "4", "--completions", "4"]
    done = subprocess.run(
        [sys.executable, str(bench), *small, "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for label in ("ready after initialize", "every design checked", "diagnostics of a change", "completion", "memory"):
        assert label in done.stdout
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["designs"] == 12
    assert 0 < figures["change_s"]["low"] <= figures["change_s"]["median"] <= figures["change_s"]["high"]
    assert figures["ready_s"]["median"] <= figures["complete_s"]["median"]
    assert figures["rss_mib"] > 10
