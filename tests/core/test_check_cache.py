"""`mldesign check` on all cores, and its cache: the same report either way, a second
run that reads nothing it need not, and a cache no file in a checkout can fool."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest

from mkdocs_mldesign.core.report import to_json
from mkdocs_mldesign.core.settings import Settings
from mkdocs_mldesign.core.site import Site
from mkdocs_mldesign.core.storage import read_entry, write_entry
from mkdocs_mldesign.project import check as cli
from mkdocs_mldesign.project.cache import MAX_ENTRIES, NAMES
from tests.core.test_cli import MLDESIGN, run, write
from tests.designs import FULL, MINIMAL, page

TODAY = date(2026, 11, 20)


def _many(docs: Path, n: int) -> None:
    """n designs; some with errors, one id twice and links across the whole set, so the
    rules across designs must see every page whichever process checked it."""
    for i in range(n):
        data = dict(FULL if i % 2 else MINIMAL, id=f"d-{i:04d}")
        if i % 7 == 0:
            data["status"] = "finished"
        if i % 5 == 0:
            data["depends_on"] = [f"d-{(i * 37) % n:04d}", "nowhere"]
        if i == n - 1:
            data["id"] = "d-0000"
        write(docs / f"d-{i:04d}.md", page(data, title=f"Design {i}"))


def test_many_pages_checked_on_several_cores_give_the_same_report(tmp_path: Path) -> None:
    assert "fork" in multiprocessing.get_all_start_methods()  # the suite runs where workers fork
    docs = tmp_path / "docs"
    _many(docs, 3 * cli.PARALLEL_FROM)
    site = Site.load(Settings())
    asked, rest = cli.list_jobs([(docs, docs)])
    alone, _ = cli.check_jobs(site, asked, rest, TODAY, workers=1)
    shared, _ = cli.check_jobs(site, asked, rest, TODAY, workers=3)
    assert to_json(shared) == to_json(alone)
    report = json.loads(to_json(shared))
    rules = {p["rule"] for d in report["designs"] for p in d["problems"]}
    assert {"schema-enum", "unique-id", "link-exists"} <= rules


def test_the_command_uses_the_cores_it_may(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_cores", lambda: 2)
    assert cli._workers(cli.PARALLEL_FROM - 1) == 1
    assert cli._workers(3 * cli.PARALLEL_FROM) == 2
    monkeypatch.setattr(cli, "_cores", lambda: 8)
    assert cli._workers(3 * cli.PARALLEL_FROM) == 6  # a worker is worth it for a hundred pages or more


def _only_entry(folder: Path) -> Path:
    [entry] = list(folder.glob("*.json"))
    return entry


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    write(tmp_path / "mkdocs.yml", "site_name: Tiny\n")
    write(tmp_path / "docs/designs/full.md", page(FULL, title="Full design"))
    write(tmp_path / "docs/designs/file.md", "---\ntitle: In a file\ndesign: file.design.yaml\n---\n")
    write(tmp_path / "docs/designs/file.design.yaml", "status: draft\nowners: [a]\n")
    return tmp_path


def _plant(tiny: Path) -> Path:
    """Run once, then replace the entry's report by a marker: a run that prints the
    marker read the cache; one that does not, checked again."""
    first = run("check", cwd=tiny)
    assert first.returncode == 0, first.stderr
    entry = _only_entry(tiny / ".mldesign/cache")
    stored = read_entry(entry)
    assert stored["output"] + "\n" == first.stdout
    stored["output"] = "FROM THE CACHE"
    # Written as the cache writes, with this user's secret: a signed entry is believed.
    assert write_entry(entry.parent, entry.name, stored, keep=MAX_ENTRIES, names=NAMES)
    return entry


def test_a_second_run_with_nothing_changed_prints_the_stored_report(tiny: Path) -> None:
    _plant(tiny)
    again = run("check", cwd=tiny)
    assert again.stdout == "FROM THE CACHE\n"
    assert (tiny / ".mldesign/cache/.gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


@pytest.mark.parametrize(
    "change",
    ["page", "design file", "mkdocs.yml", "format", "no-cache", "another user", "current folder"],
)
def test_what_the_report_depends_on_misses_the_cache(
    tiny: Path, tmp_path_factory: pytest.TempPathFactory, change: str
) -> None:
    _plant(tiny)
    args, cwd, env = ["check"], tiny, dict(os.environ)
    if change == "page":
        full = tiny / "docs/designs/full.md"
        text = full.read_text(encoding="utf-8")
        full.write_text(text.replace("status: approved", "status: review"), encoding="utf-8")
    elif change == "design file":
        write(tiny / "docs/designs/file.design.yaml", "status: finished\nowners: [a]\n")
    elif change == "mkdocs.yml":
        write(tiny / "mkdocs.yml", "site_name: Tiny\nplugins:\n  - mldesign:\n      stale_after_days: 1\n")
    elif change == "format":
        args += ["--format", "json"]
    elif change == "no-cache":
        args += ["--no-cache"]
    elif change == "another user":  # an entry made with someone else's secret, e.g. committed
        env["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("someone-else"))
    elif change == "current folder":  # messages name files relative to it
        cwd = tiny / "docs"
        args += ["-f", "../mkdocs.yml"]
    assert MLDESIGN is not None
    done = subprocess.run([MLDESIGN, *args], cwd=cwd, capture_output=True, text=True, env=env, check=False)
    assert "FROM THE CACHE" not in done.stdout
    assert "designs checked" in done.stdout or '"designs"' in done.stdout, done.stderr


def test_no_cache_neither_reads_nor_writes(tiny: Path) -> None:
    done = run("check", "--no-cache", cwd=tiny)
    assert done.returncode == 0, done.stderr
    assert not (tiny / ".mldesign").exists()


def test_a_symlinked_cache_folder_is_not_used(tiny: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (tiny / ".mldesign").mkdir()
    (tiny / ".mldesign/cache").symlink_to(elsewhere, target_is_directory=True)
    for _ in range(2):
        done = run("check", cwd=tiny)
        assert done.returncode == 0, done.stderr
        assert "designs checked" in done.stdout
    assert list(elsewhere.iterdir()) == []


def test_a_cache_folder_that_cannot_be_written_only_turns_the_cache_off(tiny: Path) -> None:
    write(tiny / ".mldesign/cache", "a file, not a folder")
    done = run("check", cwd=tiny)
    assert done.returncode == 0, done.stderr
    assert "designs checked" in done.stdout
    assert (tiny / ".mldesign/cache").read_text(encoding="utf-8") == "a file, not a folder"


def test_a_design_file_outside_the_docs_is_not_read_for_the_cache(tiny: Path) -> None:
    """The entry records a design file as the check reads it: never outside the docs."""
    write(tiny / "docs/designs/out.md", "---\ntitle: Out\ndesign: ../../../../../../dev/zero\n---\n")
    done = run("check", cwd=tiny)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "design-file" in done.stdout
    stored = read_entry(_only_entry(tiny / ".mldesign/cache"))
    [outside] = [i for i in stored["inputs"] if "zero" in i[1]]
    assert outside[2].startswith("unreadable")
