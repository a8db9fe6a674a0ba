"""`make bench` keeps working: bench/run.py measures every figure on tiny sites and
writes them into a copy of docs/benchmarks.md; its git site is the history it claims."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench/run.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_measures_every_figure(tmp_path: Path) -> None:
    page = tmp_path / "benchmarks.md"
    shutil.copy(ROOT / "docs/benchmarks.md", page)
    out = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench/run.py"),
            *("--build-sizes", "4", "--full-nav", "4", "--serve", "4", "--check-sizes", "4", "--git", "4"),
            *("--evidence", "4"),
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
    [git] = results["git"]
    [evidence] = results["evidence"]
    assert set(evidence["wall_s"]) == {"evidence", "off"}
    assert evidence["evidence_vs_off_wall"]["median"] > 0
    assert "evidence/off **" in done.stdout
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
    assert (git["designs"], git["commits"]) == (4, 41)
    assert set(git["wall_s"]) == {"off", "dates", "cold", "warm"}
    for ratio in ("dates_vs_off_wall", "cold_vs_off_wall", "warm_vs_off_wall"):
        assert git[ratio]["median"] > 0
    shown = git["shown"]
    assert (shown["off"]["git_dates"], shown["off"]["timelines"]) == (0, 0)
    assert (shown["dates"]["git_dates"], shown["dates"]["timelines"]) == (4, 0)
    for v in ("cold", "warm"):
        assert (shown[v]["git_dates"], shown[v]["timelines"], shown[v]["unreadable"]) == (4, 4, 0)
        assert shown[v]["steps"] > 4  # some designs moved from draft
    assert git["verdicts"] == {"cold": 40, "warm": 0}  # every version judged cold, none warm
    assert "dates/off **" in done.stdout
    assert "cold/off **" in done.stdout
    assert "warm/off **" in done.stdout
    text = page.read_text(encoding="utf-8")
    assert text != (ROOT / "docs/benchmarks.md").read_text(encoding="utf-8")
    assert "Builds, short nav" in text
    assert "`mkdocs serve`" in text
    assert "faster, cold" in text
    assert "Dates and history from git" in text
    assert "| 4 | 41 | 1 |" in text
    assert "Evidence from results files" in text


def test_the_git_site_is_a_history_of_ten_commits_a_design(tmp_path: Path) -> None:
    bench = _bench()
    site = bench.write_git_site(tmp_path / "git", 3)
    git = ["git", "-C", str(site)]
    assert subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True, check=True).stdout == ""
    pages = sorted((site / "docs/designs").glob("design-*.md"))
    assert len(pages) == 3
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "created:" not in text
        assert "updated:" not in text  # so the dates come from git
        log = subprocess.run(
            [*git, "log", "--format=%an <%ae> %ad %s", "--date=short", "--", f"docs/designs/{page.name}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        assert len(log) == 10
        assert all(line.startswith("Bench <bench@example.com> 2026-") for line in log)
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(site / "mkdocs.yml")], check=True, capture_output=True
    )
    steps = 0
    for page in pages:
        final = next(
            line.split(":")[1].strip()
            for line in page.read_text(encoding="utf-8").splitlines()
            if line.startswith("  status:")
        )
        html = (site / "site/designs" / page.stem / "index.html").read_text(encoding="utf-8")
        assert 'class="mldesign-meta__source"' in html  # a date from git
        assert 'class="mldesign-history"' in html
        # the timeline: from draft through review to where the design is now
        assert html.count('class="mldesign-history__step"') == ("draft", "review", "approved").index(final) + 1
        steps += html.count('class="mldesign-history__step"')
        assert "first draft" in html
    assert steps > len(pages)  # some design moved


def test_the_evidence_site_names_a_results_file_for_every_design(tmp_path: Path) -> None:
    bench = _bench()
    site = bench.generate.write_evidence_site(tmp_path / "site", 3)
    pages = sorted((site / "docs" / "designs").glob("*.md"))
    assert len(pages) == 3
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert f"results: {page.stem}.results.json" in text
        results = json.loads((page.parent / f"{page.stem}.results.json").read_text(encoding="utf-8"))
        assert len(results["eval"]) == text.count("measured_as: eval.")
    assert "evidence: false" in (site / "mkdocs.no-evidence.yml").read_text(encoding="utf-8")
