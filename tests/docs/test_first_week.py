"""A newcomer's first week: install commands that work before a release, `make test` that
says at once what it lacks instead of skipping, and an example home page whose words about
its designs are what the designs say."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mkdocs_mldesign.core.design import Checker
from tests.conftest import EXAMPLE_SITE

ROOT = Path(__file__).resolve().parents[2]
#: A `pip install` of the package by its bare name, which no index serves before a release.
FROM_AN_INDEX = re.compile(r"pip install (?:[^\n`]*\s)?mkdocs-mldesign(?=[\s`]|$)", re.MULTILINE)


def commands(text: str) -> list[str]:
    """The lines of a Markdown text's fenced code blocks (indented ones too) and its inline code."""
    out = []
    for block in re.findall(r"^ *```[a-z]*\n(.*?)^ *```", text, re.MULTILINE | re.DOTALL):
        out.extend(block.splitlines())
    out.extend(re.findall(r"`([^`\n]+)`", re.sub(r"^ *```.*?^ *```", "", text, flags=re.MULTILINE | re.DOTALL)))
    return out


@pytest.mark.parametrize("path", ["README.md", *(f"docs/{p.name}" for p in sorted((ROOT / "docs").glob("*.md")))])
def test_no_install_command_asks_an_index_for_the_package(path: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    wrong = [line for line in commands(text) if FROM_AN_INDEX.search(line)]
    assert wrong == [], f"{path}: these install from a package index, which serves no release yet"


def test_the_install_page_says_how_to_install_from_the_repository() -> None:
    text = (ROOT / "docs/installing.md").read_text(encoding="utf-8")
    said = commands(text)
    assert "pip install ./mkdocs-mldesign" in said
    assert any("git+" in line and line.startswith("pip install") for line in said)


def test_the_quick_start_says_what_make_test_needs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "Chromium" in quick
    assert "npm" in quick


needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@needs_make
def test_make_test_stops_at_once_without_chromium(tmp_path: Path) -> None:
    missing = tmp_path / "no-chromium"
    run = subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), "test", f"CHROMIUM={missing}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode != 0
    # make's own line after a failed step, "make[1]: ***" when a make (CI's) runs this one
    said = [line for line in run.stderr.splitlines() if not re.match(r"make(\[\d+\])?: \*\*\*", line)]
    assert len(said) == 1, run.stderr
    assert "Chromium" in said[0]
    assert str(missing) in said[0]
    assert "ruff" not in run.stdout, "it ran something before saying what is missing"


@needs_make
def test_under_make_a_browser_test_never_skips() -> None:
    run = subprocess.run(
        ["make", "--no-print-directory", "-n", "-C", str(ROOT), "pytest"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    pytest_line = [line for line in run.stdout.splitlines() if "bin/pytest" in line]
    assert pytest_line, run.stdout + run.stderr
    assert "MLDESIGN_REQUIRE_BROWSER=1" in pytest_line[-1]


def test_the_example_home_page_says_what_its_designs_say(checker: Checker) -> None:
    home = (EXAMPLE_SITE / "docs/index.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \[([^\]]+)\]\((designs/[^)]+\.md)\) \| (\w+) \|", home, re.MULTILINE)
    assert len(rows) >= 4, "the home page's table of designs is gone"
    for title, link, status in rows:
        page = EXAMPLE_SITE / "docs" / link
        result = checker.check_source(page.read_text(encoding="utf-8"), src_uri=link)
        assert result.design is not None, link
        assert (title, status) == (result.design.title, result.design.status), link
