"""A design's history on its page: each status change from git, with its date, commit
and completeness then, read by the same core; kept by blob, so a rebuild reads only
what is new."""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from mkdocs_mldesign.core.settings import Settings
from mkdocs_mldesign.core.site import Site
from mkdocs_mldesign.git.history import HISTORY_CACHE, GitLog, Timeline, cache_file, changes
from tests.lifecycle.repo import Repo, page

BACKGROUND = {"users": "Clinic staff", "goals": "Fast check-in", "pains": "Long queues"}


def steps(html: str) -> list[str]:
    """The timeline's steps as text: date, status, completeness, version, commit, subject."""
    found = re.search(r'<details class="mldesign-history" id="mldesign-history">(.*?)</details>', html, re.S)
    assert found is not None, "no timeline on the page"
    items = re.findall(r'<li class="mldesign-history__step">(.*?)</li>', found.group(1), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def history_repo(root: Path, **plugin: object) -> tuple[Repo, list[str]]:
    repo = Repo(root, plugin=plugin or None)
    shas = [
        repo.commit("2024-01-05", "First draft", {"a.md": page("draft")}),
        repo.commit("2024-02-01", "Background", {"a.md": page("draft", background=BACKGROUND)}),
        repo.commit("2024-03-01", "Ready for review", {"a.md": page("review", version="0.2", background=BACKGROUND)}),
        repo.commit("2024-04-01", "Back to the drawing board", {"a.md": page("draft", version="0.3")}),
    ]
    return repo, shas


def test_the_page_shows_each_status_change(tmp_path: Path) -> None:
    repo, shas = history_repo(tmp_path / "repo")
    build(load_config(str(repo.root / "mkdocs.yml")))
    html = (repo.root / "site/a/index.html").read_text(encoding="utf-8")
    assert steps(html) == [
        f"Jan 5, 2024 draft 0% complete {shas[0][:7]} First draft",
        f"Mar 1, 2024 review 8% complete version 0.2 {shas[2][:7]} Ready for review",
        f"Apr 1, 2024 draft 0% complete version 0.3 {shas[3][:7]} Back to the drawing board",
    ]
    assert "3 statuses in git since Jan 5, 2024" in html
    assert f'title="commit {shas[2]}"' in html


def test_history_can_be_turned_off(tmp_path: Path) -> None:
    repo, _ = history_repo(tmp_path / "repo", history=False)
    build(load_config(str(repo.root / "mkdocs.yml")))
    html = (repo.root / "site/a/index.html").read_text(encoding="utf-8")
    assert "mldesign-history" not in html
    assert "(from git," in html  # the dates still come from git
    assert not (repo.root / HISTORY_CACHE).exists()


def test_a_version_that_could_not_be_read_is_a_step_of_its_own(tmp_path: Path) -> None:
    repo, _ = history_repo(tmp_path / "repo")
    repo.commit("2024-05-01", "Broken", {"a.md": "---\ndesign:\n  status: [draft\n---\n"})
    repo.commit("2024-06-01", "Mended", {"a.md": page("draft", version="0.4")})
    build(load_config(str(repo.root / "mkdocs.yml")))
    html = (repo.root / "site/a/index.html").read_text(encoding="utf-8")
    # The date as written on the page ("Apr 1, 2024"), then the status or "could not be read".
    assert [s.split(" ", 4)[3:4] for s in steps(html)][-3:] == [["draft"], ["could"], ["draft"]]
    assert [s.split(" ", 3)[:3] for s in steps(html)][-3:] == [
        ["Apr", "1,", "2024"],
        ["May", "1,", "2024"],
        ["Jun", "1,", "2024"],
    ]


def test_the_timeline_follows_a_design_into_its_yaml_file(tmp_path: Path) -> None:
    repo, _ = history_repo(tmp_path / "repo")
    head = "---\ntitle: A design\ndesign: a.design.yaml\n---\n"
    repo.commit("2024-05-01", "Into YAML", {"a.md": head, "a.design.yaml": "status: draft\nowners: [Team]\n"})
    approved = f"status: approved\nowners: [Team]\nbackground: {BACKGROUND}\n"
    repo.commit("2024-06-01", "Approve in the YAML", {"a.design.yaml": approved})
    site = Site.load(Settings())
    log = GitLog.read(repo.docs)
    timeline = Timeline(log, site.verdict)
    versions = timeline.versions("a.md", "a.design.yaml")
    timeline.close()
    assert [(v.commit.date, v.status, v.percent) for v in changes(versions)][-2:] == [
        ("2024-04-01", "draft", 0),
        ("2024-06-01", "approved", 8),
    ]


def test_a_rebuild_reads_only_new_versions(tmp_path: Path) -> None:
    repo, _ = history_repo(tmp_path / "repo")
    site = Site.load(Settings())
    where = cache_file(repo.root / HISTORY_CACHE, site.fingerprint())
    assert where is not None

    def judged() -> int:
        timeline = Timeline(GitLog.read(repo.docs), site.verdict, cache_file=where)
        timeline.versions("a.md")
        timeline.close()
        return timeline.judged

    assert judged() == 4  # every version, the first time
    assert judged() == 0  # all known
    repo.commit("2024-05-01", "Approve", {"a.md": page("approved", version="1.0")})
    assert judged() == 1  # only the new one
    assert (where.parent / ".gitignore").read_text(encoding="utf-8").endswith("*\n")


def test_the_build_keeps_its_verdicts_beside_mkdocs_yml(tmp_path: Path) -> None:
    repo, _ = history_repo(tmp_path / "repo")
    build(load_config(str(repo.root / "mkdocs.yml")))
    kept = list((repo.root / HISTORY_CACHE).glob("history-*.json"))
    assert len(kept) == 1
    first = (repo.root / "site/a/index.html").read_text(encoding="utf-8")
    build(load_config(str(repo.root / "mkdocs.yml")))  # from what was kept: the same page
    assert (repo.root / "site/a/index.html").read_text(encoding="utf-8") == first


def test_a_symlinked_cache_folder_is_never_written_through(tmp_path: Path) -> None:
    repo, _ = history_repo(tmp_path / "repo")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo.root / ".mldesign").symlink_to(elsewhere, target_is_directory=True)
    build(load_config(str(repo.root / "mkdocs.yml")))
    assert list(elsewhere.rglob("history-*.json")) == []
    assert "mldesign-history" in (repo.root / "site/a/index.html").read_text(encoding="utf-8")
