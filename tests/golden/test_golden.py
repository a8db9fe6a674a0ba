"""Golden cases for bad input: each `cases/NAME.md` beside `cases/NAME.expected`.

An expected file holds the problem lines exactly as `Problem.format()` prints them,
with paths relative to the cases folder, in the order the command line prints them.
Run with `MLDESIGN_UPDATE_GOLDEN=1` to rewrite the expected files, then read every
changed line against its input before committing it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from mkdocs_mldesign.core import frontmatter
from mkdocs_mldesign.core.design import Checker, PageResult
from mkdocs_mldesign.core.schema import load_template

CASES = Path(__file__).parent / "cases"
UPDATE = os.environ.get("MLDESIGN_UPDATE_GOLDEN") == "1"
PAGES = sorted(CASES.glob("*.md"))


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(load_template())


def read_case_file(rel: str) -> bytes:
    """The reader the plugin and CLI give the checker, rooted at the cases folder."""
    return (CASES / rel).read_bytes()


def check_case(checker: Checker, name: str, data: bytes) -> PageResult:
    """What `mldesign check` does with one file: decode, check, report bad bytes first."""
    text, bad_bytes = frontmatter.decode(data, name)
    result = checker.check_source(text, src_uri=name, file=name, read_file=read_case_file)
    if bad_bytes is not None:
        result.problems.insert(0, bad_bytes)
    return result


def render(result: PageResult) -> str:
    return "".join(f"{p.format()}\n" for p in result.all_problems)


def test_there_are_cases_and_each_has_its_expected_file() -> None:
    assert len(PAGES) >= 40
    expected = {p.stem for p in CASES.glob("*.expected")}
    assert expected == {p.stem for p in PAGES}


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_golden(checker: Checker, path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a tag that ran a command would leave a file here
    start = time.perf_counter()
    result = check_case(checker, path.name, path.read_bytes())
    elapsed = time.perf_counter() - start
    actual = render(result)
    expected_file = path.with_suffix(".expected")
    if UPDATE:
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected_file.read_text(encoding="utf-8")
    assert elapsed < 1.0, f"{path.name} took {elapsed:.2f}s"
    assert list(tmp_path.iterdir()) == []
    for problem in result.all_problems:
        assert problem.file in (path.name, f"{path.stem}.yaml")
        assert 1 <= problem.line <= (CASES / problem.file).read_bytes().count(b"\n") + 1
        assert problem.column >= 1


def test_a_valid_design_file_is_used(checker: Checker) -> None:
    result = check_case(checker, "design-file-valid.md", (CASES / "design-file-valid.md").read_bytes())
    assert result.design is not None
    assert result.design.status == "review"
    assert result.design.source.file == "design-file-valid.yaml"


def test_the_refused_file_outside_exists() -> None:
    """`design: ../outside.yaml` is refused although the file is there to read."""
    assert (CASES.parent / "outside.yaml").is_file()
    assert "../outside.yaml" in (CASES / "design-file-traversal.md").read_text("utf-8")


@pytest.mark.parametrize("depth", [7, 9])
def test_alias_bombs_finish_in_well_under_a_second(checker: Checker, depth: int) -> None:
    path = CASES / f"alias-bomb-{depth}.md"
    start = time.perf_counter()
    result = check_case(checker, path.name, path.read_bytes())
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0
    assert [p.rule for p in result.all_problems] == ["yaml-alias-bomb"]


def test_oversize_front_matter(checker: Checker) -> None:
    """Generated rather than stored: a page whose front matter passes the byte limit."""
    filler = "x" * 1000
    lines = [f"    - {filler}" for _ in range(frontmatter.MAX_FRONT_MATTER_BYTES // 1000 + 10)]
    source = "---\ntitle: Big\ndesign:\n  status: draft\n  owners: [a]\n  background:\n    users:\n"
    source += "\n".join(lines) + "\n---\n"
    size = len(source.encode()) - len("---\n---\n")
    start = time.perf_counter()
    result = check_case(checker, "oversize.md", source.encode())
    assert time.perf_counter() - start < 1.0
    assert render(result) == (
        f"oversize.md:2:1: error yaml-too-large the YAML is {size:,} bytes, more than the 1,048,576-byte limit"
        " (move long prose into the page body)\n"
    )
