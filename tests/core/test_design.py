"""From a page's text to a checked, scored design."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mkdocs_mldesign.core.design import Checker, PageResult, default_id
from mkdocs_mldesign.core.schema import Template, load_template, read_extension
from tests.designs import FULL, MINIMAL, full, page

EXAMPLE_DESIGNS = Path(__file__).parents[2] / "example_site" / "docs" / "designs"


def check(checker: Checker, source: str, **kwargs: object) -> PageResult:
    return checker.check_source(source, src_uri=str(kwargs.pop("src_uri", "designs/page.md")), **kwargs)  # type: ignore[arg-type]


def test_a_full_design(checker: Checker) -> None:
    result = check(checker, page(FULL, title="Face match", body="# Ignored heading\n\nText.\n"))
    assert result.problems == []
    assert result.design is not None
    assert result.design.problems == []
    assert (result.design.id, result.design.title, result.design.status) == ("full", "Face match", "approved")
    assert result.design.owners == ["Platform team"]
    assert result.design.score.percent == 100
    assert result.meta is not None
    assert result.meta["title"] == "Face match"
    assert result.body == "# Ignored heading\n\nText.\n"


def test_dates_in_the_design_become_text(checker: Checker) -> None:
    result = check(checker, "---\ndesign:\n  status: draft\n  owners: [a]\n  updated: 2026-11-20\n---\n")
    assert result.design is not None
    assert result.design.data["updated"] == "2026-11-20"
    assert result.all_problems == []


def test_title_falls_back_to_the_first_heading_then_the_id(checker: Checker) -> None:
    with_heading = check(checker, page(MINIMAL, body="Intro\n\n# Check-in  ##\n\n# Second\n"))
    assert with_heading.design is not None
    assert with_heading.design.title == "Check-in"
    bare = check(checker, page(MINIMAL, title="  ", body="no heading"), src_uri="designs/no-show.md")
    assert bare.design is not None
    assert bare.design.title == "no-show"


@pytest.mark.parametrize(
    ("src_uri", "expected"),
    [
        ("designs/face-verification.md", "face-verification"),
        ("designs/face/index.md", "face"),
        ("designs/face/README.md", "face"),
        ("index.md", "index"),
        ("designs/Face Match (v2).md", "Face-Match-v2"),
        ("designs/ünïcode.md", "n-code-6ac203c7"),  # hostile round 3: what the name lost, as a digest
        ("designs/!!!.md", "design"),
    ],
)
def test_default_id(src_uri: str, expected: str) -> None:
    assert default_id(src_uri) == expected


def test_tags_come_from_the_page(checker: Checker) -> None:
    source = "---\ntags: [cv, 3, {x: 1}]\ndesign:\n  status: draft\n  owners: [a]\n---\n"
    result = check(checker, source)
    assert result.design is not None
    assert result.design.tags == ["cv", "3"]


@pytest.mark.parametrize(
    "source",
    [
        "# No front matter\n",
        "---\ntitle: Not a design\n---\n",
        "---\ntitle: [broken\n---\n",  # not ours to report
        "---\ntitle: x\n",  # unclosed, but no design
        "---\nnotes: the design: is elsewhere\n---\n",
        "---\ndesigner: me\n---\n",
    ],
)
def test_pages_without_a_design_give_an_empty_result(checker: Checker, source: str) -> None:
    result = check(checker, source)
    assert result.design is None
    assert result.problems == []
    assert result.meta is None


def test_the_design_key_is_configurable(template: Template) -> None:
    checker = Checker(template, key="ml_design")
    result = checker.check_source(page(full(status="nope"), key="ml_design"), src_uri="p.md")
    assert result.design is not None
    [problem] = result.design.problems
    assert problem.field == "ml_design.status"
    assert checker.check_source(page(FULL), src_uri="p.md").design is None


def test_problems_are_sorted_by_line(checker: Checker) -> None:
    source = (
        "---\n"
        "design:\n"
        "  status: draft\n"
        "  owners: []\n"
        "  metrics:\n"
        "    - name: a\n"
        "      priority: top\n"
        "  background: x\n"
        "  ownerz: [a]\n"
        "---\n"
    )
    lines = [p.format() for p in check(checker, source).all_problems]
    assert [line.split(": ")[0] for line in lines] == [
        "designs/page.md:4:11",
        "designs/page.md:7:17",
        "designs/page.md:8:15",
        "designs/page.md:9:3",
    ]


def test_windows_line_endings_only_matter_before_decoding(checker: Checker) -> None:
    from mkdocs_mldesign.core.frontmatter import decode

    text, problem = decode(page(full(status="later")).replace("\n", "\r\n").encode(), "p.md")
    assert problem is None
    result = check(checker, text)
    assert result.design is not None
    assert [p.rule for p in result.design.problems] == ["schema-enum"]


# --- design files ---------------------------------------------------------------------------


def reader(files: dict[str, bytes]):
    asked: list[str] = []

    def read(path: str) -> bytes:
        asked.append(path)
        if path not in files:
            raise FileNotFoundError(path)
        return files[path]

    return read, asked


def test_a_design_file_is_read_relative_to_the_page(checker: Checker) -> None:
    read, asked = reader({"designs/data/face.yaml": b"status: review\nowners: [a]\nfeasibility: Yes.\n"})
    result = check(checker, "---\ntitle: Face\ndesign: data/face.yaml\n---\n", read_file=read)
    assert asked == ["designs/data/face.yaml"]
    assert result.design is not None
    assert result.design.status == "review"
    assert result.design.score.section("feasibility").score == 1  # type: ignore[union-attr]


def test_problems_in_a_design_file_point_into_it(checker: Checker) -> None:
    read, _ = reader({"designs/face.yaml": b"status: review\nowners: [a]\nbackground:\n  user: x\n"})
    result = check(checker, "---\ndesign: face.yaml\n---\n", read_file=read, docs_prefix="docs/")
    assert result.design is not None
    assert [p.format() for p in result.design.problems] == [
        "docs/designs/face.yaml:4:3: error schema-unknown-key design.background.user: unknown field `user`"
        " (did you mean `users`?)"
    ]


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("../../etc/passwd", "lies outside the docs folder"),
        ("../../docs/x.yaml", "lies outside the docs folder"),
        ("/etc/passwd", "lies outside the docs folder"),
        ("  ", "is empty"),
        ("missing.yaml", "the design file `designs/missing.yaml` cannot be read"),
    ],
)
def test_design_files_outside_the_docs_or_unreadable_are_refused(checker: Checker, ref: str, message: str) -> None:
    read, asked = reader({"x.yaml": b"status: draft\nowners: [a]\n"})
    result = check(checker, f"---\ndesign: '{ref}'\n---\n", read_file=read)
    assert result.design is None
    [problem] = result.problems
    assert (problem.line, problem.column, problem.rule, problem.field) == (2, 9, "design-file", "design")
    assert message in problem.message
    assert all(not p.startswith("..") and not p.startswith("/") for p in asked)


def test_a_design_file_needs_a_reader(checker: Checker) -> None:
    [problem] = check(checker, "---\ndesign: x.yaml\n---\n").problems
    assert problem.message == "a design file cannot be read here"


def test_a_design_file_with_bad_bytes(checker: Checker) -> None:
    read, _ = reader({"designs/x.yaml": b"status: draft\nowners: [\xe9]\n"})
    [problem] = check(checker, "---\ndesign: x.yaml\n---\n", read_file=read).problems
    assert problem.location() == "designs/x.yaml:2:10"
    assert problem.rule == "encoding"


# --- hostile input ----------------------------------------------------------------------------


def alias_bomb(depth: int) -> str:
    lines = ["---", "title: Bomb", "lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, depth + 1)]
    lines += ["design:", "  status: draft", "  owners: [a]", f"  background: {{users: *a{depth}}}", "---", ""]
    return "\n".join(lines)


@pytest.mark.parametrize("depth", [7, 9, 40])
def test_alias_bombs_are_refused_quickly(checker: Checker, depth: int) -> None:
    source = alias_bomb(depth)
    start = time.perf_counter()
    result = check(checker, source)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0
    [problem] = result.problems
    assert problem.rule == "yaml-alias-bomb"
    assert problem.line == depth + 5  # the design mapping, after title and the anchors
    assert result.design is None


def test_a_small_alias_is_fine(checker: Checker) -> None:
    source = "---\nteam: &t [Platform team]\ndesign:\n  status: draft\n  owners: *t\n  reviewers: *t\n---\n"
    result = check(checker, source)
    assert result.design is not None
    assert result.all_problems == []
    assert result.design.owners == ["Platform team"]


def test_a_design_that_contains_itself(checker: Checker) -> None:
    result = check(checker, "---\ndesign: &d\n  status: draft\n  owners: [a]\n  background: {users: *d}\n---\n")
    [problem] = result.problems
    assert (problem.line, problem.column, problem.rule) == (2, 9, "yaml-alias-bomb")  # at `&d`


@pytest.mark.parametrize("depth", [65, 500, 990])
def test_deep_nesting_is_refused_without_a_recursion_error(checker: Checker, depth: int) -> None:
    source = (
        "---\ndesign:\n  status: draft\n  owners: [a]\n  background: {users: " + "[" * depth + "]" * depth + "}\n---\n"
    )
    result = check(checker, source)
    [problem] = result.all_problems
    assert problem.rule in ("yaml-too-deep", "yaml-syntax")
    assert problem.line in (3, 5)


def test_nesting_within_the_limit_is_checked_normally(checker: Checker) -> None:
    source = "---\ndesign:\n  status: draft\n  owners: [a]\n  background: {users: " + "[" * 60 + "]" * 60 + "}\n---\n"
    [problem] = check(checker, source).all_problems
    assert problem.format().startswith("designs/page.md:5:24: error schema-type design.background.users[0]:")


@pytest.mark.parametrize("path", sorted(EXAMPLE_DESIGNS.glob("*.md")), ids=lambda p: p.name)
def test_the_example_designs_are_valid(path: Path) -> None:
    # Checked as the example site checks them: with its extension schema.
    extension = read_extension(str(EXAMPLE_DESIGNS.parents[1] / "org-extension.yaml"))
    checker = Checker(load_template(extension))
    result = check(checker, path.read_text("utf-8"), src_uri=f"designs/{path.name}")
    assert result.design is not None
    assert result.all_problems == []
    assert result.design.id == path.stem
