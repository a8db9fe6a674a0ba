"""The generated reference pages, and a strict build of the project's own docs."""

from __future__ import annotations

import inspect
import logging
import re
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mldesign_docs import (
    HELP_WIDTH,
    attribute_docstrings,
    cli_reference,
    config_options,
    config_reference,
    pages,
    refresh_lint_rules,
    replace_between,
    rules_markdown,
    schema_reference,
)

from mkdocs_mldesign.core.lint import RULES
from mkdocs_mldesign.core.schema import load_template
from mkdocs_mldesign.routes.cli import main as cli
from mkdocs_mldesign.routes.mkdocs import config as plugin

ROOT = Path(__file__).parents[2]


def positions(text: str, needles: list[str]) -> list[int]:
    found = []
    for needle in needles:
        assert needle in text, f"{needle!r} is missing"
        found.append(text.index(needle))
    return found


def anchors(text: str) -> set[str]:
    return set(re.findall(r"\{#([^}]+)\}", text))


# --- the plugin's options ----------------------------------------------------------------


def test_attribute_docstrings_pair_each_attribute_with_the_string_under_it() -> None:
    source = '''
class Other:
    a = 1
    """Not this class."""

class Config:
    """The class docstring is not an attribute's."""

    plain = 1
    """A plain assignment.

    Second paragraph, indented like the first."""

    annotated: int = 2
    """An annotated one."""

    undocumented = 3
    after_undocumented = 4
    "A single-quoted docstring."

    def method(self) -> None:
        """Not an attribute."""
'''
    docs = attribute_docstrings(source, "Config")
    assert docs == {
        "plain": "A plain assignment.\n\nSecond paragraph, indented like the first.",
        "annotated": "An annotated one.",
        "after_undocumented": "A single-quoted docstring.",
    }
    with pytest.raises(LookupError):
        attribute_docstrings(source, "Missing")


def test_every_option_has_a_docstring_and_appears_with_it() -> None:
    schema = plugin.MLDesignConfig._schema
    docs = attribute_docstrings(inspect.getsource(plugin), "MLDesignConfig")
    page = config_reference()
    assert [name for name, _ in schema] == [o.name for o in config_options()]
    assert set(docs) == {name for name, _ in schema}, "every option of MLDesignConfig needs a docstring under it"
    headings = positions(page, [f"## `{name}` {{#{name}}}" for name, _ in schema])
    assert headings == sorted(headings), "options are listed in the order the class declares them"
    for (name, _), start, end in zip(schema, headings, [*headings[1:], len(page)], strict=True):
        section = page[start:end]
        assert docs[name] in section, f"the docstring of {name} is not under its heading"
        assert f"[`{name}`](#{name})" in page, f"{name} is missing from the summary table"


def test_the_sample_configuration_holds_the_real_defaults() -> None:
    page = config_reference()
    sample = re.search(r"```yaml\n(.*?)```", page, re.DOTALL)
    assert sample is not None
    [entry] = [p for p in yaml.safe_load(sample.group(1))["plugins"] if isinstance(p, dict)]
    options = entry["mldesign"]
    for name, option in plugin.MLDesignConfig._schema:
        if option.default is None:
            assert name not in options
            assert f"# {name}: not set by default" in sample.group(1)
        else:
            assert options[name] == option.default, name


def test_option_types_come_from_the_option_objects() -> None:
    by_name = {o.name: o for o in config_options()}
    assert by_name["placement"].type == "one of `top`, `bottom`"
    assert by_name["overview"].type == "string or boolean"
    assert by_name["badges"].type == "boolean"
    assert by_name["stale_after_days"].type == "integer"
    assert by_name["extension_schema"].type.startswith("path to an existing file")
    assert by_name["extension_schema"].default == ""


# --- the design schema -------------------------------------------------------------------


def test_every_section_and_field_appears_in_template_order() -> None:
    template = load_template()
    page = schema_reference(template)
    headings = positions(page, [f"### {s.title} {{#{s.key}}}" for s in template.sections])
    assert headings == sorted(headings)
    ends = [*headings[1:], page.index("## Shared types")]
    for section, start, end in zip(template.sections, headings, ends, strict=True):
        body = page[start:end]
        assert section.description in body
        rows = positions(body, [f"| `{f.key}` | {f.title} |" for f in section.fields])
        assert rows == sorted(rows), f"the fields of {section.key} are out of order"
        for f in section.fields:
            assert f.description in body
    groups = positions(page, [f"## {template.group(s.group).title} {{#group-{s.group}}}" for s in template.sections])
    assert all(g < h for g, h in zip(groups, headings, strict=True))
    for f in template.metadata:
        assert f"| `{f.key}` | {f.title} |" in page


def test_the_schema_reference_reads_types_and_scoring_from_the_schema() -> None:
    page = schema_reference()
    status = next(line for line in page.splitlines() if line.startswith("| `status` |"))
    assert "one of `draft`, `review`, `approved`, `deprecated`" in status
    assert "| yes |" in status
    priority = next(line for line in page.splitlines() if line.startswith("| `priority` |"))
    assert "one of `primary`, `secondary`, `guardrail`" in priority
    assert "| `mode` | Mode | one of `batch`, `online`, `both` (required) | yes |" in page
    assert "| `batch` | Batch | [text](#type-text) | when `mode` is `batch` or `both` |" in page
    assert "| `summary` | Summary | [text](#type-text) | yes: decides the section |" in page
    assert "Each of its 6 fields counts equally" in page
    assert "mean of the scores of its 12 counted sections" in page
    assert "| `team` | Team | [text](#type-text) | no |" in page
    assert "Placeholder text counts as empty, in any case: " in page
    assert "`TODO`" in page


def test_the_schema_reference_follows_a_sites_own_template() -> None:
    extension = {
        "properties": {
            "cost_center": {"title": "Cost center", "description": "Budget code.", "type": "string"},
            "risk_review": {
                "title": "Risk review",
                "description": "What did the risk committee ask?",
                "x-mldesign": {"group": "governance", "counts": True},
                "type": "object",
                "additionalProperties": False,
                "properties": {"findings": {"title": "Findings", "description": "Risks raised.", "type": "string"}},
            },
        },
        "x-mldesign": {"groups": [{"key": "governance", "title": "Governance"}]},
    }
    page = schema_reference(load_template(extension, ["proposed", "accepted"]))
    assert "### Risk review {#risk_review}" in page
    assert "## Governance {#group-governance}" in page
    assert "| `findings` | Findings | string | yes | Risks raised. |" in page
    assert "| `cost_center` | Cost center | string | no | Budget code. |" in page
    assert "one of `proposed`, `accepted`" in page
    assert "mean of the scores of its 13 counted sections" in page


@pytest.mark.parametrize("path", ["reference/configuration.md", "reference/schema.md", "reference/cli.md"])
def test_links_inside_a_generated_page_have_targets(path: str) -> None:
    text = pages()[path]
    targets = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert targets, "the page links nowhere within itself"
    assert targets <= anchors(text)


# --- the command line --------------------------------------------------------------------


def test_every_subcommand_and_option_appears() -> None:
    page = cli_reference()
    top = cli.parser()
    [subparsers] = [a for a in top._actions if a.choices and isinstance(a.choices, dict)]
    assert isinstance(subparsers.choices, dict)
    names = list(subparsers.choices)
    assert names == ["check", "diff", "new", "export", "schema", "labels", "zensical", "lsp", "mcp"]
    headings = positions(page, [f"## `mldesign {n}` {{#mldesign-{n}}}" for n in names])
    assert headings == sorted(headings)
    for name, start, end in zip(names, headings, [*headings[1:], len(page)], strict=True):
        section = page[start:end]
        assert f"usage: mldesign {name}" in section
        for action in subparsers.choices[name]._actions:
            for option in action.option_strings:
                assert option in section, f"mldesign {name} {option}"
    for code in (cli.EXIT_OK, cli.EXIT_PROBLEMS, cli.EXIT_USAGE):
        assert f"\n| {code} | " in page


def test_the_help_is_wrapped_at_a_fixed_width() -> None:
    blocks = re.findall(r"```text\n(.*?)```", cli_reference(width=60), re.DOTALL)
    assert len(blocks) == 10  # the top level and each of its nine commands
    assert all(len(line) <= 60 for block in blocks for line in block.splitlines())
    wide = re.findall(r"```text\n(.*?)```", cli_reference(), re.DOTALL)
    assert any(len(line) > 60 for block in wide for line in block.splitlines())
    assert all(len(line) <= HELP_WIDTH for block in wide for line in block.splitlines())


# --- the lint rules page -----------------------------------------------------------------


def test_the_lint_rules_page_is_current() -> None:
    text = (ROOT / "docs" / "lint-rules.md").read_text(encoding="utf-8")
    fresh, stale = refresh_lint_rules(text)
    assert not stale
    assert fresh == text
    for rule in RULES:
        assert f"`{rule.id}`" in fresh


def test_a_stale_lint_table_is_detected_and_replaced() -> None:
    text = "intro\n<!-- rules:start (generated) -->\n| old |\n<!-- rules:end -->\noutro\n"
    fresh, stale = refresh_lint_rules(text)
    assert stale
    assert fresh == f"intro\n<!-- rules:start (generated) -->\n{rules_markdown()}<!-- rules:end -->\noutro\n"
    assert refresh_lint_rules(fresh) == (fresh, False)
    with pytest.raises(LookupError):
        replace_between("no markers here", "<!-- a", "<!-- b -->", "x")
    with pytest.raises(LookupError):
        replace_between("<!-- a -->\nno end", "<!-- a", "<!-- b -->", "x")


# --- the documentation site --------------------------------------------------------------


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def built_docs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    site = tmp_path_factory.mktemp("docs") / "site"
    handler = Capture()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site), strict=True))
    except Abort:  # a strict build stops at the end on warnings, which the test then shows
        assert handler.messages, "the build aborted without a warning"
    finally:
        logger.removeHandler(handler)
    return site, handler.messages


def test_the_docs_build_strict_without_warnings(built_docs: tuple[Path, list[str]]) -> None:
    _, warnings = built_docs
    assert warnings == []


def test_the_reference_pages_are_generated_into_the_site(built_docs: tuple[Path, list[str]]) -> None:
    site, _ = built_docs
    assert not (ROOT / "docs" / "reference").exists(), "the reference pages are generated; none is kept by hand"
    config = (site / "reference/configuration/index.html").read_text(encoding="utf-8")
    for name, _ in plugin.MLDesignConfig._schema:
        assert f'id="{name}"' in config
    schema = (site / "reference/schema/index.html").read_text(encoding="utf-8")
    for section in load_template().sections:
        assert f'id="{section.key}"' in schema
    commands = (site / "reference/cli/index.html").read_text(encoding="utf-8")
    assert "usage: mldesign check" in commands
    lint = (site / "lint-rules/index.html").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"<code>{rule.id}</code>" in lint
    assert not (site / "hooks").exists(), "the hook is excluded from the site"


def test_the_example_design_is_rendered(built_docs: tuple[Path, list[str]]) -> None:
    site, _ = built_docs
    page = (site / "examples/example-design/index.html").read_text(encoding="utf-8")
    assert 'data-mldesign-completeness="98"' in page
    # The `<!-- mldesign -->` marker puts the design between the intro and the next heading.
    intro = page.index("<p>This page is an example")
    assert intro < page.index('<div class="mldesign"') < page.index('id="how-this-page-is-written"')
    overview = (site / "examples/index.html").read_text(encoding="utf-8")
    assert 'href="example-design/"' in overview
    assert (site / "badges/ticket-routing.svg").is_file()
    assert (site / "designs.json").is_file()


def test_the_docs_make_no_request_to_another_host(built_docs: tuple[Path, list[str]]) -> None:
    site, _ = built_docs
    outside = re.compile(r"<(?:link|script|img|iframe)\b[^>]*\b(?:href|src)=[\"']?(?:https?:)?//", re.IGNORECASE)
    pages_checked = 0
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        pages_checked += 1
        assert not outside.search(text), f"{page.relative_to(site)} loads something from another host"
    assert pages_checked > 15
