"""Evidence files made at test time that a repository cannot hold: a pipe, a file past the
size limit, JSON nested past the recursion limit, a symbolic link out of the project, and
a flood of keys. Each is one located warning, read quickly, never a hang or a traceback.
(The corpus case `evidence-files` holds the rest; `test_mlflow.py` the servers.)"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from mkdocs_mldesign.core.evidence import EvidenceOptions
from mkdocs_mldesign.core.readings import MAX_RESULTS_BYTES
from mkdocs_mldesign.core.settings import Settings
from mkdocs_mldesign.core.site import Site
from mkdocs_mldesign.project.check import check_paths
from tests.designs import design_page

PAGE = design_page(
    {
        "status": "draft",
        "owners": ["ML platform"],
        "metrics": [{"name": "recall", "target": ">= 90%", "priority": "primary"}],
        "evidence": [{"results": "results.json"}],
    }
)


def check(root: Path) -> list[str]:
    docs = root / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "page.md").write_text(PAGE, encoding="utf-8")
    report = check_paths(
        Site.load(Settings()), [(docs / "page.md", docs)], evidence=(root, EvidenceOptions(timeout=1.0))
    )
    return [f"{p.rule} {p.field}: {p.message}" for p in report.all_problems()]


def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    os.mkfifo(tmp_path / "docs" / "results.json")
    started = time.monotonic()
    [problem] = check(tmp_path)
    assert time.monotonic() - started < 10
    assert (
        problem
        == "evidence-unreadable design.evidence[0].results: the results file `results.json` is not a regular file"
    )


def test_a_file_past_the_limit_is_refused_after_reading_the_limit(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    with open(tmp_path / "docs" / "results.json", "wb") as handle:
        handle.truncate(MAX_RESULTS_BYTES + 1)  # sparse: large on paper, nothing on disk
    [problem] = check(tmp_path)
    assert problem.endswith(f"the results file `results.json` is larger than {MAX_RESULTS_BYTES:,} bytes")


def test_json_nested_past_the_recursion_limit_is_not_json_to_us(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "results.json").write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    [problem] = check(tmp_path)
    assert "the results file `results.json` is not JSON" in problem


def test_deep_mappings_are_read_to_a_depth_and_a_flood_of_keys_to_a_count(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    deep: dict[str, object] = {"recall": 0.95}
    for _ in range(500):
        deep = {"x": deep}
    flood = {f"k{i}": i for i in range(300_000)}
    (tmp_path / "docs" / "results.json").write_text(json.dumps({**flood, "deep": deep}), encoding="utf-8")
    started = time.monotonic()
    assert check(tmp_path) == []  # nothing to report for a draft: no key matched, no error
    assert time.monotonic() - started < 30


def test_a_symbolic_link_out_of_the_project_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"recall": 0.99}), encoding="utf-8")
    root = tmp_path / "project"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "results.json").symlink_to(secret)
    [problem] = check(root)
    assert problem.endswith("the results file `results.json` is outside the site's project folder")


def test_a_symbolic_link_inside_the_project_is_followed(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "eval.json").write_text(json.dumps({"recall": 0.99}), encoding="utf-8")
    link = tmp_path / "docs" / "results.json"
    link.parent.mkdir(parents=True)
    link.symlink_to(tmp_path / "data" / "eval.json")
    assert check(tmp_path) == []


def test_a_nul_in_a_path_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    page = PAGE.replace("results: results.json", 'results: "results\\0.json"')
    assert "\\0" in page
    (docs / "page.md").write_text(page, encoding="utf-8")
    report = check_paths(
        Site.load(Settings()), [(docs / "page.md", docs)], evidence=(tmp_path, EvidenceOptions(timeout=1.0))
    )
    assert [p.message for p in report.all_problems()] == ["the results file path holds a NUL character"]
