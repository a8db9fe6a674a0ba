"""Whatever an author (or an attacker) writes, checking never raises and stays in bounds."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_mldesign.core import frontmatter
from mkdocs_mldesign.core.completeness import score_design
from mkdocs_mldesign.core.design import Checker, PageResult
from mkdocs_mldesign.core.problems import Problem
from mkdocs_mldesign.core.schema import Section, load_template, read_extension
from mkdocs_mldesign.core.validation import Issue, Validator, field_path

EXAMPLE = (Path(__file__).parents[2] / "example_site/docs/designs/face-verification.md").read_text("utf-8")
EXAMPLE_LINES = EXAMPLE.split("\n")
FRONT_MATTER_END = EXAMPLE_LINES.index("---", 1)

# The example site's own template: the built-in one with Kera's extension schema, which the
# mutation base (its face verification design) uses.
TEMPLATE = load_template(read_extension(str(Path(__file__).parents[2] / "example_site/org-extension.yaml")))
CHECKER = Checker(TEMPLATE)
VALIDATOR = Validator(TEMPLATE)

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_sound(result: PageResult, source: str, file: str) -> None:
    assert isinstance(result, PageResult)
    # YAML also breaks lines at a lone CR, NEL, LS and PS (the CLI and MkDocs turn CRs into LFs first).
    last_line = len(re.split("\r\n|[\r\n\x85\u2028\u2029]", source))
    for problem in result.all_problems:
        assert isinstance(problem, Problem)
        assert problem.file == file
        assert 0 <= problem.line <= last_line, problem
        assert problem.column >= 0
        assert problem.message.strip()
        assert problem.rule
        assert problem.severity in ("error", "warning")
        assert problem.format().startswith(f"{file}:{problem.line}:{problem.column}: ")
    if result.design is not None:
        assert 0 <= result.design.score.percent <= 100
        assert result.design.problems == sorted(result.design.problems, key=Problem.sort_key)


def check(source: str) -> PageResult:
    result = CHECKER.check_source(source, src_uri="designs/p.md", file="p.md")
    assert_sound(result, source, "p.md")
    return result


# --- random text -------------------------------------------------------------------------

YAMLISH = st.text(
    alphabet=st.sampled_from([*"design:status owners-[]{},&*!|>'\"#?%@`\t\n\r ab12.~\\", "\x00", "é", "\ufeff"]),
    max_size=200,
)


@FAST
@given(YAMLISH)
def test_random_yamlish_front_matter_never_raises(text: str) -> None:
    check("---\ndesign:\n" + text + "\n---\n")
    check("---\n" + text + "\n---\n")


@FAST
@given(st.text(max_size=300))
def test_random_text_never_raises(text: str) -> None:
    check(text)
    check("---\ndesign:\n  " + text + "\n---\n")


# --- mutating a real design ---------------------------------------------------------------------


#: Values YAML reads in surprising ways, or PyYAML's constructors choke on.
TRICKY = st.sampled_from(
    [
        "2026-02-30",
        "2026-13-01 10:00",
        "!!int twelve",
        "!!float",
        "!!bool maybe",
        "!!timestamp x",
        "!!binary aGk=",
        "!!set {a: null}",
        "!!python/object/apply:os.system ['true']",
        "!custom",
        "&anchor",
        "*anchor",
        "<<: *nothing",
        "0x" + "f" * 400,
        "9" * 4400,
        ".nan",
        "-.inf",
        "~",
        "? [a]",
        "{",
        "[[[[",
        "'unterminated",
        "|",
        ">-",
        "- -",
        "yes",
        '"\\ud800"',
    ]
)


@st.composite
def mutated_example(draw: st.DrawFn) -> str:
    lines = list(EXAMPLE_LINES)
    for _ in range(draw(st.integers(1, 6))):
        # Mutate inside the front matter, where it matters.
        i = draw(st.integers(1, FRONT_MATTER_END))
        kind = draw(
            st.sampled_from(["delete", "duplicate", "tab", "chars", "indent", "dedent", "swap", "cut", "value"])
        )
        if kind == "value":
            head, colon, _ = lines[i].partition(": ")
            lines[i] = f"{head}{colon or ': '}{draw(TRICKY)}"
        elif kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "tab":
            lines[i] = "\t" + lines[i]
        elif kind == "chars":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(YAMLISH) + lines[i][at:]
        elif kind == "indent":
            lines[i] = " " * draw(st.integers(1, 5)) + lines[i]
        elif kind == "dedent":
            lines[i] = lines[i].lstrip(" ")
        elif kind == "swap":
            j = draw(st.integers(1, FRONT_MATTER_END))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
    return "\n".join(lines)


@FAST
@given(mutated_example())
def test_a_mutated_design_never_raises(source: str) -> None:
    check(source)


@FAST
@given(st.data())
def test_random_bytes_in_a_design_never_raise(data: st.DataObject) -> None:
    raw = bytearray(EXAMPLE.encode("utf-8"))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw)))
        raw[at:at] = data.draw(st.binary(min_size=1, max_size=8))
    text, bad = frontmatter.decode(bytes(raw), "p.md")
    if bad is not None:
        assert bad.rule == "encoding"
        assert bad.line >= 1
    check(text)


def test_the_mutation_base_is_a_valid_full_design() -> None:
    result = check(EXAMPLE)
    assert result.design is not None
    assert result.all_problems == []


# --- random design data -----------------------------------------------------------------------

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["TODO", "tbd", "...", "-", "?", " ", "draft", "online", "both", "batch", "primary"])
)
KEYS = st.sampled_from(
    [s.key for s in TEMPLATE.sections]
    + [f.key for f in TEMPLATE.metadata]
    + ["na", "mode", "batch", "online", "summary", "users", "training", "production", "access", "name", "priority"]
) | st.text(max_size=10)
JSON: st.SearchStrategy[Any] = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4), max_leaves=12
)
#: Cheap to draw: what a field usually holds.
TEXTISH = SCALARS | st.lists(SCALARS, max_size=3)


def section_value(section: Section) -> st.SearchStrategy[Any]:
    names = sorted({f.key.split(".")[0] for f in section.fields} | {"na", "mode", "summary"})
    return st.dictionaries(st.sampled_from(names), TEXTISH | st.dictionaries(KEYS, TEXTISH, max_size=3), max_size=4)


#: Designs shaped roughly right, so validation and scoring go deep.
DESIGNS = st.fixed_dictionaries(
    {},
    optional={
        "status": SCALARS,
        "owners": TEXTISH,
        "objectives": st.lists(TEXTISH | st.dictionaries(KEYS, SCALARS, max_size=3), max_size=3),
        "metrics": st.lists(st.dictionaries(KEYS, SCALARS, max_size=4) | SCALARS, max_size=3),
        **{s.key: section_value(s) | TEXTISH for s in TEMPLATE.sections if s.key not in ("objectives", "metrics")},
    },
)


@FAST
@given(DESIGNS | st.dictionaries(KEYS, JSON, max_size=6))
def test_random_design_data_validates_and_scores(raw: dict[str, Any]) -> None:
    data, dropped = frontmatter.normalise(raw)
    assert dropped == []
    issues = VALIDATOR.issues(data)
    for issue in issues:
        assert isinstance(issue, Issue)
        assert issue.message.strip()
        assert field_path(issue.path).startswith("design")
    assert len(issues) == len(set(issues))
    score = score_design(TEMPLATE, data)
    assert 0 <= score.value <= 1
    assert 0 <= score.percent <= 100
    assert len(score.sections) == 12
    for section in score.sections:
        assert 0 <= section.score <= 1
        assert set(section.filled).isdisjoint(section.missing)
    if score.percent == 100:
        assert all(s.state in ("complete", "na") for s in score.sections)
