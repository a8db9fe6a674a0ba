"""New designs, in process: every section and field of the template, in order, each
with its question and an empty placeholder, valid as written."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from mkdocs_mldesign.core import scaffold
from mkdocs_mldesign.core.completeness import PLACEHOLDERS, is_filled
from mkdocs_mldesign.core.design import Checker
from mkdocs_mldesign.core.lint import lint_design
from mkdocs_mldesign.core.scaffold import NewDesign, create_files, design_file_text, page_text
from mkdocs_mldesign.core.schema import Template, load_template
from mkdocs_mldesign.core.settings import Settings

NEW = NewDesign('Churn: "risk" — früh', "churn", "draft", ("Ana", "Data team"), date(2026, 11, 26))


def comments(text: str) -> str:
    """Every comment of a text, joined into one line, so wrapped questions can be found."""
    parts = [line.split("#", 1)[1].strip() for line in text.splitlines() if line.lstrip().startswith("#")]
    return " ".join(parts)


def test_the_placeholder_counts_as_empty() -> None:
    assert scaffold.PLACEHOLDER.lower() in PLACEHOLDERS
    assert not is_filled(scaffold.PLACEHOLDER)


def test_a_new_page_is_a_valid_draft_at_zero(checker: Checker) -> None:
    result = checker.check_source(page_text(checker.template, NEW), src_uri="designs/churn.md")
    assert result.problems == []
    design = result.design
    assert design is not None
    assert design.problems == []
    assert design.score.percent == 0
    assert all(s.state == "missing" for s in design.score.sections)
    assert (design.id, design.title, design.status) == ("churn", 'Churn: "risk" — früh', "draft")
    assert design.owners == ["Ana", "Data team"]
    assert (design.data["created"], design.data["updated"]) == ("2026-11-26", "2026-11-26")
    assert lint_design(design, checker.template, Settings(), date(2026, 11, 26)) == []


def test_every_section_is_there_in_template_order(template: Template) -> None:
    text = page_text(template, NEW)
    found = [m.group(1) for m in re.finditer(r"^  (?:# )?([a-z_]+):", text, re.MULTILINE)]
    sections = [s.key for s in template.sections]
    assert [k for k in found if k in sections] == sections
    metadata = [f.key for f in template.metadata]
    assert [k for k in found if k in metadata] == metadata


def test_every_field_carries_its_question(template: Template) -> None:
    said = comments(page_text(template, NEW))
    for section in template.sections:
        assert section.description in said, section.key
        for field in section.fields:
            assert field.description in said, f"{section.key}.{field.key}"
    for meta in template.metadata:
        assert meta.description in said, meta.key
    # Fields of list items, read from the schema too: a metric's priority, an objective's metric.
    assert "The name of the entry under `metrics` that measures this objective." in said
    assert "# priority: primary | secondary | guardrail" in page_text(template, NEW)


def _leaves(value: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, f"{path}[{i}]")]
    return [(path, value)]


def test_every_field_of_every_live_section_holds_the_placeholder(template: Template) -> None:
    data = yaml.safe_load(design_file_text(template, NEW))
    for section in template.sections:
        if section.key == "inference":
            assert section.key not in data  # commented out until a mode is chosen
            continue
        leaves = _leaves(data[section.key])
        assert leaves, section.key
        assert {v for _, v in leaves} == {scaffold.PLACEHOLDER}, section.key
        if section.fields:
            assert [p for p, _ in leaves] == [f.key for f in section.fields], section.key


def test_the_commented_inference_section_is_a_ready_skeleton(checker: Checker) -> None:
    lines = page_text(checker.template, NEW).splitlines()
    start = lines.index("  # inference:")
    end = lines.index("", start)
    block = [re.sub(r"^  # ", "  ", line) for line in lines[start:end]]
    assert block[0] == "  inference:"
    assert "    mode: batch | online | both" in block
    chosen = [line.replace("batch | online | both", "batch") for line in block]
    text = "\n".join([*lines[:start], *chosen, *lines[end:]]) + "\n"
    result = checker.check_source(text, src_uri="churn.md")
    assert result.design is not None
    assert result.design.problems == []
    inference = result.design.score.section("inference")
    assert inference is not None
    assert (inference.filled, inference.missing) == (("mode",), ("batch",))
    # Left as written, the choice line is refused with the choices in the hint.
    as_is = "\n".join([*lines[:start], *block, *lines[end:]]) + "\n"
    result = checker.check_source(as_is, src_uri="churn.md")
    assert result.design is not None
    assert [(p.rule, p.hint) for p in result.design.problems] == [("schema-enum", "use one of: batch, online, both")]


def test_a_design_file_has_the_modeline_and_the_page_points_at_it(checker: Checker, template: Template) -> None:
    text = design_file_text(template, NEW)
    assert text.splitlines()[0] == f"# yaml-language-server: $schema={template.schema['$id']}"
    assert design_file_text(template, NEW, schema_url="../design.schema.json").startswith(
        "# yaml-language-server: $schema=../design.schema.json\n"
    )
    page = page_text(template, NEW, design_file="churn.design.yaml")
    files = {"designs/churn.design.yaml": text.encode()}
    result = checker.check_source(page, src_uri="designs/churn.md", read_file=lambda rel: files[rel])
    assert result.design is not None
    assert result.design.problems == []
    assert result.design.source.file == "designs/churn.design.yaml"
    assert result.design.score.percent == 0


def test_another_key_and_the_site_statuses_are_followed() -> None:
    template = load_template(statuses=["idea", "accepted"])
    new = NewDesign("X", "x", template.statuses[0], ("T",), date(2026, 1, 1))
    text = page_text(template, new, key="ml")
    result = Checker(template, key="ml").check_source(text, src_uri="x.md")
    assert result.design is not None
    assert result.design.problems == []
    assert result.design.status == "idea"


def test_create_files_writes_all_or_nothing(tmp_path: Path) -> None:
    first, second = tmp_path / "a.design.yaml", tmp_path / "a.md"
    second.write_bytes(b"\x00mine")
    with pytest.raises(FileExistsError) as caught:
        create_files([(first, "one"), (second, "two")])
    assert caught.value.filename == str(second)
    assert not first.exists()
    assert second.read_bytes() == b"\x00mine"
    second.unlink()
    create_files([(first, "one"), (second, "two\n")])
    assert (first.read_text(), second.read_bytes()) == ("one", b"two\n")


def test_create_files_refuses_a_dangling_symlink(tmp_path: Path) -> None:
    link = tmp_path / "a.md"
    link.symlink_to(tmp_path / "elsewhere.md")
    with pytest.raises(FileExistsError):
        create_files([(link, "x")])
    assert not (tmp_path / "elsewhere.md").exists()


# --- a new draft, as a reader and the linter see it --------------------------------------


def with_inference(template: Template, status: str = "draft") -> str:
    """A new page whose author has chosen online inference and nothing else yet."""
    new = NewDesign("Churn", "churn", status, ("Ana",), date(2026, 11, 26))
    return page_text(template, new).replace("  # inference:\n", '  inference: {mode: online, online: "TODO"}\n', 1)


def test_the_scaffold_placeholders_never_show_as_content(build_site: Any, template: Template) -> None:
    built = build_site({"index.md": "# Home\n", "designs/churn.md": with_inference(template)})
    page = built.html("designs/churn/index.html")
    canvas = built.html("canvas/churn.html")
    for html in (page, canvas):
        design = html[html.index('class="mldesign-') :]
        assert "TODO" not in design
    # The metrics section asks its question, as every other empty section does.
    assert '<table class="mldesign-table mldesign-metrics"' not in page
    metrics = canvas[canvas.index('data-mldesign-section="metrics"') :]
    assert metrics.index('class="mldesign-question"') < metrics.index("</article>")


def test_a_draft_is_not_linted_for_the_scaffold_placeholders(checker: Checker) -> None:
    result = checker.check_source(with_inference(checker.template), src_uri="designs/churn.md")
    assert result.design is not None
    assert result.design.problems == []
    assert lint_design(result.design, checker.template, Settings(), date(2026, 11, 26)) == []
    # From review on, a placeholder is a gap the author has to close.
    result = checker.check_source(with_inference(checker.template, "review"), src_uri="designs/churn.md")
    assert result.design is not None
    found = lint_design(result.design, checker.template, Settings(), date(2026, 11, 26))
    assert {p.rule for p in found} >= {"online-evaluation", "online-monitoring"}


def test_placeholder_owners_and_reviewers_are_not_shown(build_site: Any) -> None:
    page = "---\ntitle: Churn\ndesign:\n  status: draft\n  owners: [Ana, TODO]\n  reviewers: [TBD]\n---\n"
    built = build_site({"index.md": "# Home\n", "designs/churn.md": page})
    html = built.html("designs/churn/index.html")
    design = html[html.index('class="mldesign-') :]
    assert "Ana" in design
    assert "TODO" not in design
    assert "TBD" not in design
    export = json.loads(built.html("designs.json"))
    assert export["designs"][0]["owners"] == ["Ana"]
    overview = built.html("designs/index.html")
    assert "TODO" not in overview[overview.index('class="mldesign-index"') :]
