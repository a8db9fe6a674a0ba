"""Hostile round 3: what mldesign keeps on disk for itself.

The cache must never delete or hide the user's files, never write through a link out
of the project, and never believe an entry it did not write for these inputs.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from mkdocs_mldesign.core.storage import IGNORE, MARK, read_entry, write_entry
from mkdocs_mldesign.git.history import HISTORY_CACHE
from mkdocs_mldesign.project.cache import MAX_ENTRIES, NAMES
from tests.core.test_cli import run, write
from tests.designs import FULL, page
from tests.lifecycle.test_history import history_repo

BROKEN = "---\ntitle: Broken\ndesign:\n  status: finished\n  owners: [a]\n---\n"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write(root / "mkdocs.yml", "site_name: Tiny\n")
    write(root / "docs/designs/full.md", page(FULL, title="Full design"))
    return root


def _user_files(folder: Path) -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {f"results-{i:02}.json": json.dumps({"run": i}).encode() for i in range(20)}
    files["a" * 40 + ".json"] = b'{"mine": true}'  # named as an entry would be, and still the user's
    files[".gitignore"] = b"# the user's own\n*.tmp\n"
    for i, (name, data) in enumerate(files.items()):
        (folder / name).write_bytes(data)
        os.utime(folder / name, (1_000_000 + i, 1_000_000 + i))
    return files


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_a_cache_dir_holding_the_users_files_is_left_as_it_was(tiny: Path, tmp_path: Path) -> None:
    folder = tmp_path / "results"
    before = _user_files(folder)
    for _ in range(2):
        done = run("check", "--cache-dir", str(folder), cwd=tiny)
        assert done.returncode == 0, done.stderr
        assert "checked: 0 errors" in done.stdout
        assert "nothing cached in" in done.stderr
    assert _snapshot(folder) == before


def test_an_empty_cache_dir_becomes_the_caches_own(tiny: Path, tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    done = run("check", "--cache-dir", str(folder), cwd=tiny)
    assert done.returncode == 0, done.stderr
    assert (folder / ".gitignore").read_text(encoding="utf-8") == IGNORE
    assert len([p for p in folder.iterdir() if NAMES.fullmatch(p.name)]) == 1


def test_a_new_nested_cache_dir_is_made(tiny: Path, tmp_path: Path) -> None:
    folder = tmp_path / "a/b/c"
    done = run("check", "--cache-dir", str(folder), cwd=tiny)
    assert done.returncode == 0, done.stderr
    assert (folder / ".gitignore").read_text(encoding="utf-8").startswith(MARK)


def test_pruning_removes_only_entries(tiny: Path) -> None:
    run("check", cwd=tiny)
    folder = tiny / ".mldesign/cache"
    for i in range(MAX_ENTRIES + 5):
        stale = folder / f"{i:040x}.json"
        stale.write_text("{}", encoding="utf-8")
        os.utime(stale, (1000 + i, 1000 + i))
    (folder / "notes.json").write_text("{}", encoding="utf-8")
    (folder / "keep.txt").write_text("mine", encoding="utf-8")
    write(tiny / "docs/designs/other.md", page(FULL, title="Other"))
    run("check", cwd=tiny)
    assert (folder / "notes.json").exists()
    assert (folder / "keep.txt").exists()
    assert len([p for p in folder.iterdir() if NAMES.fullmatch(p.name)]) == MAX_ENTRIES


def test_the_zensical_stage_keeps_the_users_gitignore(tiny: Path) -> None:
    own = "# mine: keep the stage, ignore the cache\ncache/\n"
    write(tiny / ".mldesign/.gitignore", own)
    for command in (["zensical"], ["check"], ["zensical"]):
        done = run(*command, cwd=tiny)
        assert done.returncode == 0, done.stderr
        assert (tiny / ".mldesign/.gitignore").read_text(encoding="utf-8") == own


def test_the_zensical_stage_marks_a_new_folder(tiny: Path) -> None:
    done = run("zensical", cwd=tiny)
    assert done.returncode == 0, done.stderr
    assert (tiny / ".mldesign/.gitignore").read_text(encoding="utf-8").startswith(MARK)


@pytest.mark.parametrize("link", [".mldesign", ".mldesign/cache", ".mldesign/cache/history"])
def test_nothing_is_made_through_a_link_out_of_the_project(tmp_path: Path, link: str) -> None:
    repo, _ = history_repo(tmp_path / "repo")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo.root / link).parent.mkdir(parents=True, exist_ok=True)
    (repo.root / link).symlink_to(elsewhere, target_is_directory=True)
    build(load_config(str(repo.root / "mkdocs.yml")))
    done = run("check", cwd=repo.root)
    assert done.returncode == 0, done.stderr
    assert "mldesign-history" in (repo.root / "site/a/index.html").read_text(encoding="utf-8")
    assert list(elsewhere.iterdir()) == []


def _entry(folder: Path) -> Path:
    [entry] = [p for p in folder.iterdir() if NAMES.fullmatch(p.name)]
    return entry


def test_an_entry_whose_content_was_replaced_is_not_believed(tiny: Path) -> None:
    write(tiny / "docs/designs/broken.md", BROKEN)
    first = run("check", cwd=tiny)
    assert first.returncode == 1
    entry = _entry(tiny / ".mldesign/cache")
    forged = {"output": "all good", "code": 0, "inputs": []}
    for content in (forged, {"mac": "0" * 64, "entry": json.dumps(forged)}):
        entry.write_text(json.dumps(content), encoding="utf-8")
        again = run("check", cwd=tiny)
        assert again.returncode == 1
        assert "schema-enum" in again.stdout
        assert "all good" not in again.stdout


def test_an_entry_signed_for_another_run_is_not_believed(tiny: Path) -> None:
    """A passing run's entry, copied over a failing run's name (both visible in the folder)."""
    write(tiny / "docs/designs/broken.md", BROKEN)
    assert run("check", cwd=tiny).returncode == 1
    folder = tiny / ".mldesign/cache"
    failing = _entry(folder)
    good = page(dict(FULL, id="broken"), title="Broken")
    write(tiny / "docs/designs/broken.md", good)
    time.sleep(0.01)
    assert run("check", cwd=tiny).returncode == 0
    passing = next(p for p in folder.iterdir() if NAMES.fullmatch(p.name) and p != failing)
    write(tiny / "docs/designs/broken.md", BROKEN)
    failing.write_bytes(passing.read_bytes())
    again = run("check", cwd=tiny)
    assert again.returncode == 1, again.stdout


def test_an_entry_signed_with_another_users_secret_is_not_believed(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tiny / "docs/designs/broken.md", BROKEN)
    assert run("check", cwd=tiny).returncode == 1
    entry = _entry(tiny / ".mldesign/cache")
    stored = read_entry(entry)
    assert stored is not None
    stored.update(output="all good", code=0)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    assert write_entry(entry.parent, entry.name, stored, keep=MAX_ENTRIES, names=NAMES)
    monkeypatch.undo()
    again = run("check", cwd=tiny)
    assert again.returncode == 1
    assert "all good" not in again.stdout


def test_a_planted_history_file_is_not_believed(tmp_path: Path) -> None:
    repo, _ = history_repo(tmp_path / "repo")
    build(load_config(str(repo.root / "mkdocs.yml")))
    [kept] = list((repo.root / HISTORY_CACHE).glob("history-*.json"))
    verdicts = read_entry(kept)
    assert isinstance(verdicts, dict)
    assert verdicts
    lies = {key: ["approved", 100, "v-planted-97", "design"] for key in verdicts}
    kept.write_text(json.dumps(lies), encoding="utf-8")  # the old, unsigned form
    build(load_config(str(repo.root / "mkdocs.yml")))
    html = (repo.root / "site/a/index.html").read_text(encoding="utf-8")
    assert "v-planted-97" not in html
    assert "approved" not in html.split("mldesign-history", 1)[-1]
