"""Plain prose skips the Markdown converter: its HTML must be exactly the converter's."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mkdocs_mldesign.core.design import Checker
from mkdocs_mldesign.publish.render import _PLAIN, SafeMarkdown

MD = SafeMarkdown()
FAST = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Letters and the characters that start Markdown or HTML syntax, at a line start or inside one.
TRICKY = st.text(
    alphabet=st.sampled_from(list("aZé1 .,:;-+=()'\"%/@$^{}?…\u00a0\t\n\r*_`[]!<>&\\#|~\x02\x03")),
    max_size=24,
)


@FAST
@given(TRICKY)
@example("Foo bar.")
@example("Foo bar  ")
@example("Foo\n===")
@example("A 1. b -- c --- d")
@example("x\u2028y")
def test_plain_text_gets_the_converters_html(text: str) -> None:
    assert MD.convert_many([text]) == MD._convert_many([text], None)


@FAST
@given(st.lists(TRICKY, max_size=6))
@example(["Z", "\t"])
def test_a_batch_keeps_each_snippets_place(texts: list[str]) -> None:
    # Plain snippets take the short path; the others are still converted together, in order.
    out = MD.convert_many(texts)
    rest = iter(MD._convert_many([t for t in texts if not _PLAIN.fullmatch(t)], None))
    assert out == [MD._convert_many([t], None)[0] if _PLAIN.fullmatch(t) else next(rest) for t in texts]


def test_prose_takes_the_short_path() -> None:
    assert _PLAIN.fullmatch("Faces are matched on the device; nothing leaves it (99.5% of the time).")
    for text in ("**bold**", "- item", "<b>x</b>", "a & b", "[x](y)", "line\nbreak", "x  ", "#1", "1. one"):
        assert not _PLAIN.fullmatch(text), text


def test_a_snippet_with_too_many_brackets_is_shown_as_plain_text() -> None:
    # Python-Markdown's time grows with the square of the `[` in a paragraph: 20 KB of them
    # took a minute. Past the bound, the text skips the converter and is shown escaped.
    from mkdocs_mldesign.core.frontmatter import MAX_BRACKETS, MAX_DESIGN_BRACKETS
    from mkdocs_mldesign.publish.render import SafeMarkdown

    md = SafeMarkdown()
    hostile = "[<b>" * 5000
    [shown] = md.convert_many([hostile])
    assert shown == "<p>" + "[&lt;b&gt;" * 5000 + "</p>"
    # Under the bound, Markdown as usual; in a design over its budget, plain again.
    link = "[" * (MAX_BRACKETS - 1) + " [a](https://example.org)"
    [linked] = md.convert_many([link], design_brackets=MAX_DESIGN_BRACKETS)
    assert '<a href="https://example.org">a</a>' in linked
    [plain] = md.convert_many([link], design_brackets=MAX_DESIGN_BRACKETS + 1)
    assert plain == "<p>" + link + "</p>"


def test_the_check_warns_where_a_text_is_shown_plain(checker: Checker) -> None:
    text = "---\ndesign:\n  status: draft\n  owners: [A]\n  background:\n    users: '" + "[" * 300 + "'\n---\n"
    [problem] = checker.check_source(text, src_uri="a.md").all_problems
    assert (problem.rule, problem.severity, problem.field) == ("markdown-plain", "warning", "design.background.users")
    assert "300 `[`" in problem.message
