"""Dates from git: a design that writes no `created` or `updated` gets its first and
last commit's, through one `git log`, in every view; written dates win; outside git or
in a shallow clone the build says so once and carries on."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from mkdocs_mldesign.git.history import GitLog
from tests.conftest import Capture
from tests.lifecycle.repo import Repo, git, page

MLDESIGN = shutil.which("mldesign", path=str(Path(sys.executable).parent))


def built(root: Path, log: Capture) -> tuple[dict[str, dict[str, object]], list[logging.LogRecord]]:
    log.records.clear()
    build(load_config(str(root / "mkdocs.yml")))
    export = json.loads((root / "site" / "designs.json").read_text(encoding="utf-8"))
    return {d["id"]: d for d in export["designs"]}, list(log.records)


def check_json(root: Path, *args: str) -> dict[str, dict[str, Any]]:
    assert MLDESIGN is not None
    done = subprocess.run(
        [MLDESIGN, "check", "--format", "json", *args], cwd=root, capture_output=True, text=True, check=False
    )
    assert "Traceback" not in done.stderr
    return {d["id"]: d for d in json.loads(done.stdout)["designs"]}


def dates(entry: dict[str, object]) -> tuple[object, object, object]:
    return entry["created"], entry["updated"], entry["dates_from"]


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-01-05", "Start", {"a.md": page("draft")})
    repo.commit("2024-02-10", "Unrelated page", {"index.md": "# Home, again\n"})
    repo.commit("2024-03-01", "To review", {"a.md": page("review")})
    return repo


def test_unwritten_dates_come_from_the_first_and_last_commit(repo: Repo, capture_mkdocs_log: Capture) -> None:
    designs, records = built(repo.root, capture_mkdocs_log)
    assert dates(designs["a"]) == ("2024-01-05", "2024-03-01", {"created": "git", "updated": "git"})
    html = (repo.root / "site/a/index.html").read_text(encoding="utf-8")
    last = git(repo.root, "rev-parse", "HEAD")
    assert '<time datetime="2024-03-01">Mar 1, 2024</time><span class="mldesign-meta__source"' in html
    assert f"(from git, {last[:7]})" in html
    assert [r for r in records if "git" in r.getMessage()] == []  # nothing to say about git
    # The command line gives the same dates, from the same history.
    assert dates(check_json(repo.root)["a"]) == dates(designs["a"])


def test_written_dates_win_each_on_its_own(repo: Repo, capture_mkdocs_log: Capture) -> None:
    repo.commit("2024-04-01", "Write the update", {"a.md": page("review", updated="2023-12-31")})
    designs, _ = built(repo.root, capture_mkdocs_log)
    assert dates(designs["a"]) == ("2024-01-05", "2023-12-31", {"created": "git", "updated": "written"})


def test_a_rename_keeps_the_first_date(repo: Repo, capture_mkdocs_log: Capture) -> None:
    (repo.docs / "moved").mkdir()
    git(repo.root, "mv", "docs/a.md", "docs/moved/b.md")
    repo.commit("2024-05-01", "Move it")
    designs, _ = built(repo.root, capture_mkdocs_log)
    assert dates(designs["b"])[:2] == ("2024-01-05", "2024-05-01")


def test_a_design_moved_into_a_yaml_file_counts_both_files(repo: Repo, capture_mkdocs_log: Capture) -> None:
    repo.commit(
        "2024-06-01",
        "Into YAML",
        {
            "a.md": "---\ntitle: A design\ndesign: a.design.yaml\n---\n",
            "a.design.yaml": "status: review\nowners: [Team]\n",
        },
    )
    repo.commit("2024-07-01", "Edit the YAML only", {"a.design.yaml": "status: review\nowners: [Team, Other]\n"})
    designs, _ = built(repo.root, capture_mkdocs_log)
    assert dates(designs["a"])[:2] == ("2024-01-05", "2024-07-01")


def test_a_merged_branch_dates_by_its_own_commits(repo: Repo, capture_mkdocs_log: Capture) -> None:
    git(repo.root, "checkout", "-q", "-b", "topic")
    repo.commit("2024-08-01", "On the branch", {"a.md": page("approved")})
    git(repo.root, "checkout", "-q", "main")
    repo.commit("2024-08-05", "Meanwhile on main", {"index.md": "# Home, third\n"})
    git(repo.root, "merge", "-q", "--no-ff", "-m", "Merge topic", "topic", date="2024-09-09")
    designs, _ = built(repo.root, capture_mkdocs_log)
    # The page changed on the branch, on 2024-08-01; the merge itself changed nothing of it.
    assert dates(designs["a"])[:2] == ("2024-01-05", "2024-08-01")


def test_an_uncommitted_page_has_no_git_dates(repo: Repo, capture_mkdocs_log: Capture) -> None:
    repo.write("new.md", page("draft", title="New"))
    designs, _ = built(repo.root, capture_mkdocs_log)
    assert dates(designs["new"]) == ("", "", {})


def test_the_stale_rule_judges_a_date_from_git(tmp_path: Path, capture_mkdocs_log: Capture) -> None:
    repo = Repo(tmp_path / "repo", plugin={"stale_after_days": 30, "lint": {"complete-status": "off"}})
    sha = repo.commit("2020-01-01", "Approve", {"a.md": page("approved")})
    _, records = built(repo.root, capture_mkdocs_log)
    stale = [r.getMessage() for r in records if "stale" in r.getMessage() and r.levelno == logging.WARNING]
    assert len(stale) == 1
    assert f"last updated on 2020-01-01 (its last commit, {sha[:7]})" in stale[0]
    found = check_json(repo.root)["a"]["problems"]
    assert [p["rule"] for p in found if p["rule"] == "stale"] == ["stale"]


def test_git_dates_can_be_turned_off(tmp_path: Path, capture_mkdocs_log: Capture) -> None:
    repo = Repo(tmp_path / "repo", plugin={"git_dates": False})
    repo.commit("2024-01-05", "Start", {"a.md": page("draft")})
    designs, _ = built(repo.root, capture_mkdocs_log)
    assert dates(designs["a"]) == ("", "", {})
    assert dates(check_json(repo.root)["a"]) == ("", "", {})
    assert check_json(repo.root, "--no-git")["a"]["dates_from"] == {}


def _said_once(records: list[logging.LogRecord], words: str) -> None:
    said = [r for r in records if "no dates or history from git" in r.getMessage()]
    assert len(said) == 1, [r.getMessage() for r in said]
    assert said[0].levelno == logging.INFO
    assert words in said[0].getMessage()


def test_outside_git_the_build_says_so_once_and_carries_on(tmp_path: Path, capture_mkdocs_log: Capture) -> None:
    root = tmp_path / "plain"
    (root / "docs").mkdir(parents=True)
    (root / "docs/a.md").write_text(page("draft"), encoding="utf-8")
    (root / "docs/b.md").write_text(page("draft", title="B"), encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: Plain\nstrict: true\nplugins: [mldesign]\n", encoding="utf-8")
    designs, records = built(root, capture_mkdocs_log)
    assert dates(designs["a"]) == ("", "", {})
    _said_once(records, "not in a git checkout")


def test_a_shallow_clone_says_its_history_is_cut(repo: Repo, tmp_path: Path, capture_mkdocs_log: Capture) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone))
    assert git(clone, "rev-parse", "--is-shallow-repository") == "true"
    designs, records = built(clone, capture_mkdocs_log)
    # The only commit a shallow clone has would pass for the first: no dates rather than wrong ones.
    assert dates(designs["a"]) == ("", "", {})
    _said_once(records, "shallow")
    assert (
        "no dates or history from git"
        in subprocess.run([str(MLDESIGN), "check"], cwd=clone, capture_output=True, text=True, check=False).stderr
    )


def test_a_design_with_both_dates_written_is_quiet_outside_git(tmp_path: Path, capture_mkdocs_log: Capture) -> None:
    root = tmp_path / "plain"
    (root / "docs").mkdir(parents=True)
    (root / "docs/a.md").write_text(page("draft", created="2024-01-01", updated="2024-02-02"), encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: Plain\nplugins: [mldesign]\n", encoding="utf-8")
    _, records = built(root, capture_mkdocs_log)
    assert not [r for r in records if "from git" in r.getMessage()]


def test_one_git_log_reads_the_whole_folder(repo: Repo) -> None:
    log = GitLog.read(repo.docs)
    assert log.reason == ""
    assert sorted(log.touches) == ["a.md", "index.md"]
    assert [c.subject for c in log.commits] == ["To review", "Unrelated page", "Start"]
    span = log.span("a.md")
    assert span is not None
    assert (span.first.date, span.last.date) == ("2024-01-05", "2024-03-01")


def test_paths_with_odd_characters_are_read_whole(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    name = "odd \t\x1e name é.md"
    repo.commit("2024-01-05", "Odd", {name: page("draft")})
    repo.commit("2024-01-06", "Odd again", {name: page("review")})
    log = GitLog.read(repo.docs)
    span = log.span(name)
    assert span is not None
    assert (span.first.date, span.last.date) == ("2024-01-05", "2024-01-06")


def test_the_parallel_check_dates_every_design(tmp_path: Path) -> None:
    # Past PARALLEL_FROM pages the check forks workers while git log runs: the dates
    # are the same as one process gives.
    from mkdocs_mldesign.project.check import PARALLEL_FROM

    repo = Repo(tmp_path / "repo")
    repo.commit("2024-01-05", "Many", {f"d{i:03}.md": page("draft", title=f"D{i}") for i in range(PARALLEL_FROM + 10)})
    repo.commit("2024-02-01", "One more edit", {"d007.md": page("review", title="D7")})
    found = check_json(repo.root, "--no-cache")
    assert len(found) == PARALLEL_FROM + 10
    assert {dates(d)[:2] for k, d in found.items() if k != "d007"} == {("2024-01-05", "2024-01-05")}
    assert dates(found["d007"]) == ("2024-01-05", "2024-02-01", {"created": "git", "updated": "git"})
