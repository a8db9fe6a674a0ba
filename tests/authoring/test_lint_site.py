"""The site lint rules: unique ids, links that resolve, and no cycles through links."""

from __future__ import annotations

import time
from typing import Any

import pytest

from mkdocs_mldesign.core.design import Checker, Design
from mkdocs_mldesign.core.lint import lint_site, rule
from mkdocs_mldesign.core.settings import Settings
from tests.conftest import line_of, make_design


def design(checker: Checker, name: str, ident: str | None = None, **links: Any) -> Design:
    """A small draft design on page `name`.md; `ident` None leaves the id to the path."""
    data: dict[str, Any] = {"status": "draft", "owners": ["Team"]}
    if ident is not None:
        data["id"] = ident
    data.update(links)
    return make_design(checker, data, src_uri=f"designs/{name}.md")


def by_rule(designs: list[Design], rule_id: str) -> list[tuple[str, str]]:
    """(page, field) of every problem of `rule_id` now attached to the designs."""
    return [(d.src_uri, p.field) for d in designs for p in d.problems if p.rule == rule_id]


# --- unique-id -----------------------------------------------------------------------------


def test_unique_ids_are_quiet(checker: Checker) -> None:
    designs = [design(checker, "a", "a"), design(checker, "b"), design(checker, "c", "c")]
    assert lint_site(designs, Settings()) == []
    assert all(d.problems == [] for d in designs)


def test_a_shared_id_is_reported_on_every_design_after_the_first(checker: Checker) -> None:
    first = design(checker, "a", "face")
    second = design(checker, "b", "face")
    third = design(checker, "c")  # id "c" from its path: no clash
    fourth = design(checker, "d", "face")
    returned = lint_site([fourth, third, second, first], Settings())  # the order given does not matter
    designs = [first, second, third, fourth]
    assert by_rule(designs, "unique-id") == [("designs/b.md", "design.id"), ("designs/d.md", "design.id")]
    problem = second.problems[0]
    assert problem.severity == rule("unique-id").severity == "error"
    assert problem.line == line_of(second, "id: face")
    assert "designs/a.md" in problem.message
    assert "designs/a.md" in problem.hint
    assert sorted(p.file for p in returned) == ["designs/b.md", "designs/d.md"]


def test_an_id_from_the_path_can_clash_with_a_given_one(checker: Checker) -> None:
    first = design(checker, "face")  # id "face", from the path
    second = design(checker, "other", "face")
    lint_site([first, second], Settings())
    assert by_rule([first, second], "unique-id") == [("designs/other.md", "design.id")]


def test_unique_id_off_switches(checker: Checker) -> None:
    def pair(**extra: Any) -> list[Design]:
        return [design(checker, "a", "x"), design(checker, "b", "x", **extra)]

    assert lint_site(pair(), Settings(lint={"unique-id": "off"})) == []
    assert lint_site(pair(lint_ignore=["unique-id"]), Settings()) == []
    assert [p.severity for p in lint_site(pair(), Settings(lint={"unique-id": "warning"}))] == ["warning"]


# --- link-exists ---------------------------------------------------------------------------


def test_links_to_existing_designs_are_quiet(checker: Checker) -> None:
    designs = [
        design(checker, "a", "a", depends_on=["b"], supersedes=["c"]),
        design(checker, "b", "b", depends_on=["c"]),
        design(checker, "c", "c"),
    ]
    assert lint_site(designs, Settings()) == []


def test_a_link_to_an_unknown_id_is_reported_where_it_is_written(checker: Checker) -> None:
    a = design(checker, "a", "a", depends_on=["identity-service", "identty-servce"], supersedes=["gone"])
    b = design(checker, "b", "identity-service")
    lint_site([a, b], Settings())
    assert by_rule([a, b], "link-exists") == [
        ("designs/a.md", "design.depends_on[1]"),
        ("designs/a.md", "design.supersedes[0]"),
    ]
    typo, gone = [p for p in a.problems if p.rule == "link-exists"]
    assert typo.line == line_of(a, "- identty-servce")
    assert "`identty-servce`" in typo.message
    assert typo.hint == "did you mean `identity-service`?"
    assert gone.line == line_of(a, "- gone")
    assert gone.severity == "error"


def test_link_exists_off_switches(checker: Checker) -> None:
    def lonely(**extra: Any) -> list[Design]:
        return [design(checker, "a", "a", depends_on=["nowhere"], **extra)]

    assert lint_site(lonely(), Settings(lint={"link-exists": "off"})) == []
    assert lint_site(lonely(lint_ignore=["link-exists"]), Settings()) == []
    assert [p.severity for p in lint_site(lonely(), Settings(lint={"link-exists": "warning"}))] == ["warning"]


# --- link-cycle ----------------------------------------------------------------------------


def three_in_a_circle(checker: Checker, **extra_on_c: Any) -> list[Design]:
    return [
        design(checker, "c", "c", depends_on=["a"], **extra_on_c),
        design(checker, "b", "b", supersedes=["c"]),
        design(checker, "a", "a", depends_on=["x", "b"]),
        design(checker, "x", "x"),
    ]


def test_a_cycle_of_three_is_reported_once_on_its_first_design(checker: Checker) -> None:
    designs = three_in_a_circle(checker)
    returned = lint_site(designs, Settings())
    assert [p.rule for p in returned] == ["link-cycle"]
    a = designs[2]
    assert by_rule(designs, "link-cycle") == [("designs/a.md", "design.depends_on[1]")]
    problem = a.problems[0]
    assert "`a` → `b` → `c` → `a`" in problem.message
    assert problem.line == line_of(a, "- b")
    assert problem.severity == "error"


def test_the_order_designs_are_given_in_does_not_matter(checker: Checker) -> None:
    forward = three_in_a_circle(checker)
    backward = list(reversed(three_in_a_circle(checker)))
    assert [p.format() for p in lint_site(forward, Settings())] == [p.format() for p in lint_site(backward, Settings())]


def test_a_design_linking_to_itself_is_a_cycle(checker: Checker) -> None:
    a = design(checker, "a", "a", supersedes=["a"])
    lint_site([a], Settings())
    assert [(p.rule, p.field) for p in a.problems] == [("link-cycle", "design.supersedes[0]")]
    assert "`a` → `a`" in a.problems[0].message


def test_two_cycles_are_two_problems(checker: Checker) -> None:
    designs = [
        design(checker, "a", "a", depends_on=["b"]),
        design(checker, "b", "b", depends_on=["a"]),
        design(checker, "c", "c", depends_on=["d"]),
        design(checker, "d", "d", depends_on=["c"]),
        design(checker, "e", "e", depends_on=["a", "c"]),  # leads into both, is in neither
    ]
    lint_site(designs, Settings())
    assert by_rule(designs, "link-cycle") == [
        ("designs/a.md", "design.depends_on[0]"),
        ("designs/c.md", "design.depends_on[0]"),
    ]


def test_a_chain_without_a_way_back_is_no_cycle(checker: Checker) -> None:
    designs = [
        design(checker, "a", "a", depends_on=["b", "c"]),
        design(checker, "b", "b", depends_on=["c"]),
        design(checker, "c", "c"),
    ]
    assert lint_site(designs, Settings()) == []


def test_link_cycle_off_switches(checker: Checker) -> None:
    assert lint_site(three_in_a_circle(checker), Settings(lint={"link-cycle": "off"})) == []
    # Any design of the cycle may declare it intended, not only the one it is reported on.
    assert lint_site(three_in_a_circle(checker, lint_ignore=["link-cycle"]), Settings()) == []
    found = lint_site(three_in_a_circle(checker), Settings(lint={"link-cycle": "warning"}))
    assert [p.severity for p in found] == ["warning"]


def test_a_long_cycle_is_found_without_recursion(checker: Checker) -> None:
    count = 1500  # deeper than Python's default recursion limit
    designs = [
        make_design(
            checker,
            {"id": f"d{i:04}", "status": "draft", "owners": ["T"], "depends_on": [f"d{(i + 1) % count:04}"]},
            src_uri=f"d{i:04}.md",
        )
        for i in range(count)
    ]
    start = time.perf_counter()
    found = lint_site(designs, Settings())
    assert time.perf_counter() - start < 2
    assert [p.file for p in found] == ["d0000.md"]
    assert found[0].message.count("→") == count


# --- all together --------------------------------------------------------------------------


def test_site_problems_are_added_to_their_designs_in_order(checker: Checker) -> None:
    a = design(checker, "a", "a", depends_on=["zzz", "a"])
    b = design(checker, "b", "a")
    returned = lint_site([a, b], Settings())
    assert sorted(p.format() for p in returned) == sorted(p.format() for p in [*a.problems, *b.problems])
    assert [p.rule for p in a.problems] == ["link-exists", "link-cycle"]
    assert a.problems == sorted(a.problems, key=lambda p: p.sort_key())
    assert [p.rule for p in b.problems] == ["unique-id"]


def test_linting_the_site_again_replaces_its_problems(checker: Checker) -> None:
    a = design(checker, "a", "a", depends_on=["b"], lint_ignore=["nonsense"])
    a.problems.append(a.problem(("lint_ignore", 0), "lint-ignore-unknown", "kept", "", severity="warning"))
    first = lint_site([a], Settings())
    again = lint_site([a], Settings())
    assert [p.format() for p in first] == [p.format() for p in again]
    assert [p.rule for p in a.problems] == ["link-exists", "lint-ignore-unknown"]  # once each
    # Once the missing design is there, the old problem goes.
    assert lint_site([a, design(checker, "b", "b")], Settings()) == []
    assert [p.rule for p in a.problems] == ["lint-ignore-unknown"]  # not a site rule: left alone


@pytest.mark.parametrize("rule_id", ["unique-id", "link-exists", "link-cycle"])
def test_site_rules_are_site_scoped(rule_id: str) -> None:
    assert rule(rule_id).scope == "site"
