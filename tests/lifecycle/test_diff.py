"""`mldesign diff`: what changed in the designs between two revisions, run through the
installed command on real git repositories."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.designs import FULL
from tests.lifecycle.repo import Repo, git, page

MLDESIGN = shutil.which("mldesign", path=str(Path(sys.executable).parent))
BACKGROUND = {"users": "Clinic staff", "goals": "Fast check-in", "pains": "Long queues"}
EVALUATION = {"offline": "A holdout of last year's visits", "online": "Weekly audit of matches"}
#: A complete design's fields, without its metadata: `page(status, **SECTIONS)` is 100%.
SECTIONS = {k: v for k, v in FULL.items() if k not in ("id", "status", "owners", "version", "created", "updated")}


def diff(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert MLDESIGN is not None
    done = subprocess.run([MLDESIGN, "diff", *args], cwd=root, capture_output=True, text=True, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def as_json(root: Path, *args: str) -> dict[str, Any]:
    done = diff(root, *args, "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def by_id(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["id"]: d for d in report["designs"]}


def sections(entry: dict[str, Any]) -> dict[str, str]:
    return {s["key"]: s["change"] for s in entry["sections"]}


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.commit(
        "2024-01-05",
        "Designs",
        {
            "a.md": page("draft", background=BACKGROUND),
            "b.md": page("review", title="B", evaluation=EVALUATION),
            "gone.md": page("draft", title="Gone"),
            "c.md": page("approved", title="C", version="1.0", **SECTIONS),
        },
    )
    return repo


def test_each_kind_of_change_is_reported(repo: Repo) -> None:
    base = git(repo.root, "rev-parse", "HEAD")
    repo.write("a.md", page("review", background=BACKGROUND, evaluation=EVALUATION))  # filled, status
    repo.write("b.md", page("review", title="B", evaluation={"na": "No model in production yet"}))  # marked na
    (repo.docs / "gone.md").unlink()
    repo.write("new.md", page("draft", title="New"))
    report = as_json(repo.root, base)
    assert report["format"] == 1
    assert report["base"] == {"name": base, "commit": base}
    assert report["head"] == {"name": "working tree", "commit": None}
    assert report["summary"] == {"changed": 2, "added": 1, "removed": 1}
    found = by_id(report)
    assert (found["gone"]["change"], found["new"]["change"]) == ("removed", "added")
    a = found["a"]
    assert sections(a) == {"evaluation": "filled"}
    assert (a["before"]["status"], a["after"]["status"]) == ("draft", "review")
    assert a["before"]["completeness"] < a["after"]["completeness"]
    assert sections(found["b"]) == {"evaluation": "marked-na"}
    assert "c" not in found  # unchanged


def test_a_section_emptied_and_text_changed(repo: Repo) -> None:
    repo.write("a.md", page("draft", background={"users": "TODO"}))
    repo.write("b.md", page("review", title="B", evaluation={**EVALUATION, "online": "Daily audit of matches"}))
    found = by_id(as_json(repo.root, "HEAD"))
    assert sections(found["a"]) == {"background": "emptied"}
    assert found["a"]["sections"][0]["before_percent"] == 100
    assert found["a"]["sections"][0]["after_percent"] == 0
    assert found["a"]["completeness_dropped"] is True
    assert sections(found["b"]) == {"evaluation": "text"}
    assert found["b"]["completeness_dropped"] is False


def test_problems_introduced_and_fixed(repo: Repo) -> None:
    repo.write("a.md", page("draft", background=BACKGROUND, inference={"mode": "sometimes"}))
    found = by_id(as_json(repo.root, "HEAD"))
    introduced = found["a"]["problems_introduced"]
    assert [(p["rule"], p["field"]) for p in introduced] == [("schema-enum", "design.inference.mode")]
    repo.commit("2024-02-01", "Broken mode")
    repo.write("a.md", page("draft", background=BACKGROUND, inference={"mode": "batch", "batch": "Nightly"}))
    fixed = by_id(as_json(repo.root, "HEAD"))["a"]["problems_fixed"]
    assert [p["rule"] for p in fixed] == ["schema-enum"]


def test_an_unreadable_design_on_either_side(repo: Repo) -> None:
    repo.write("a.md", "---\ntitle: A design\ndesign:\n  status: [draft\n---\n")
    found = by_id(as_json(repo.root, "HEAD"))["a"]
    assert (found["change"], found["before"]["readable"], found["after"]["readable"]) == ("changed", True, False)
    assert found["after"]["completeness"] is None
    assert found["completeness_dropped"] is True
    assert [p["rule"] for p in found["problems_introduced"]] == ["yaml-syntax"]
    repo.commit("2024-02-01", "Broken")
    repo.write("a.md", page("draft", background=BACKGROUND))
    back = by_id(as_json(repo.root, "HEAD"))["a"]
    assert (back["before"]["readable"], back["after"]["readable"], back["completeness_dropped"]) == (False, True, False)


def test_fail_on_drop_exits_1(repo: Repo) -> None:
    repo.write("a.md", page("draft"))
    assert diff(repo.root, "HEAD").returncode == 0
    done = diff(repo.root, "HEAD", "--fail-on-drop")
    assert done.returncode == 1
    assert "failed: a: completeness dropped from 8% to 0%" in done.stdout


def test_an_approved_design_that_changes_without_review(repo: Repo) -> None:
    changed = {**SECTIONS, "feasibility": "Now with a bigger budget"}
    repo.write("c.md", page("approved", title="C", version="1.0", **changed))
    done = diff(repo.root, "HEAD", "--fail-on-approved-change")
    assert done.returncode == 1
    assert "note: approved, and its sections changed while its version stayed 1.0" in done.stdout
    assert "failed: c: approved, and its sections changed without it going back to review" in done.stdout
    # Sent back to review, the same change passes.
    repo.write("c.md", page("review", title="C", version="1.1", **changed))
    assert diff(repo.root, "HEAD", "--fail-on-approved-change").returncode == 0
    # Only its metadata changed (an approval recorded): no review needed.
    approvals = [{"by": "Safety lead", "version": "1.0"}]
    repo.write("c.md", page("approved", title="C", version="1.0", approvals=approvals, **SECTIONS))
    assert diff(repo.root, "HEAD", "--fail-on-approved-change").returncode == 0


def test_the_default_base_is_the_merge_base_with_main(repo: Repo) -> None:
    git(repo.root, "checkout", "-q", "-b", "topic")
    repo.commit("2024-02-01", "On the branch", {"a.md": page("review", background=BACKGROUND)})
    git(repo.root, "checkout", "-q", "main")
    repo.commit("2024-02-02", "On main", {"b.md": page("draft", title="B")})
    git(repo.root, "checkout", "-q", "topic")
    report = as_json(repo.root)
    assert report["base"]["name"] == "merge base with main"
    assert sorted(by_id(report)) == ["a"]  # main's own change to b is not this branch's
    between = as_json(repo.root, "main", "topic")
    assert sorted(by_id(between)) == ["a", "b"]
    assert between["head"] == {"name": "topic", "commit": git(repo.root, "rev-parse", "topic")}


def test_a_moved_page_is_one_changed_design(repo: Repo) -> None:
    (repo.docs / "sub").mkdir()
    git(repo.root, "mv", "docs/gone.md", "docs/sub/kept.md")
    report = as_json(repo.root, "HEAD")
    assert report["summary"] == {"changed": 1, "added": 0, "removed": 0}
    (moved,) = report["designs"]
    assert moved["id"] == "kept"
    assert moved["notes"] == ["its page moved from docs/gone.md to docs/sub/kept.md, and its id from gone"]


def test_markdown_fits_a_pull_request_comment(repo: Repo) -> None:
    repo.write("a.md", page("review", title="A <b>bold</b> | design", background=BACKGROUND, evaluation=EVALUATION))
    done = diff(repo.root, "HEAD", "--format", "markdown", "--fail-on-drop")
    assert done.returncode == 0
    text = done.stdout
    assert text.startswith("## ML designs in this change\n")
    assert "| changed | A \\<b\\>bold\\</b\\> \\| design (`a`) | draft → review | 8% → 16% |" in text
    assert "- **Evaluation**: filled (0% → 100%)" in text


def test_bad_revisions_are_usage_errors(repo: Repo, tmp_path: Path) -> None:
    done = diff(repo.root, "no-such-branch")
    assert done.returncode == 2
    assert "`no-such-branch` names no commit here" in done.stderr
    assert diff(repo.root, "--upload-pack=evil").returncode == 2
    outside = tmp_path / "plain"
    (outside / "docs").mkdir(parents=True)
    (outside / "mkdocs.yml").write_text("site_name: Plain\nplugins: [mldesign]\n", encoding="utf-8")
    done = diff(outside)
    assert done.returncode == 2
    assert "no default branch" in done.stderr


def test_measured_values_that_changed_are_shown_when_the_results_file_is_in_git(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    metrics = [
        {"name": "recall", "target": ">= 97%", "priority": "primary"},
        {"name": "fmr", "target": "<= 0.1%", "priority": "guardrail"},
        {"name": "latency", "target": "< 300 ms", "priority": "secondary"},
    ]
    design = page("review", title="E", metrics=metrics, evidence=[{"results": "../results/eval.json"}])
    (repo.root / "results").mkdir()
    (repo.root / "results" / "eval.json").write_text('{"recall": 0.96, "fmr": 0.0005, "latency": 210}')
    repo.commit("2026-11-01", "First evaluation", {"e.md": design})
    (repo.root / "results" / "eval.json").write_text('{"recall": 0.975, "fmr": 0.0005, "latency": 320}')
    entry = by_id(as_json(repo.root))["e"]
    assert entry["measured"] == [
        {
            "metric": "latency",
            "before": {"value": "210 ms", "verdict": "met"},
            "after": {"value": "320 ms", "verdict": "not-met"},
        },
        {
            "metric": "recall",
            "before": {"value": "96%", "verdict": "not-met"},
            "after": {"value": "97.5%", "verdict": "met"},
        },
    ]
    text = diff(repo.root).stdout
    assert "measured recall: 96% (not met) → 97.5% (met)" in text
    assert "measured latency: 210 ms (met) → 320 ms (not met)" in text
    repo.commit("2026-11-20", "Second evaluation")
    recall = by_id(as_json(repo.root, "HEAD~1", "HEAD"))["e"]["measured"][1]
    assert recall["after"] == {"value": "97.5%", "verdict": "met"}
    assert "e" not in by_id(as_json(repo.root))  # nothing changed since the last commit
