"""An organisation's extension schema: new fields and sections that validate, count when
they say so, show in the template (so in the checklist) and in new designs."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from mkdocs_mldesign.core.design import Checker
from mkdocs_mldesign.core.lint import lint_design
from mkdocs_mldesign.core.scaffold import NewDesign, page_text
from mkdocs_mldesign.core.schema import (
    SchemaError,
    Template,
    builtin_schema,
    check_schema,
    load_template,
    merge_extension,
    read_extension,
)
from mkdocs_mldesign.core.settings import Settings
from tests.designs import TODAY, good
from tests.designs import design_page as page

EXAMPLE_SITE = Path(__file__).parents[2] / "example_site"


def extension(*, counts: bool = True, required: tuple[str, ...] = ("risk_review", "cost_center")) -> dict[str, Any]:
    return {
        "x-mldesign": {
            "groups": [{"key": "governance", "title": "Governance", "description": "Who answers for the risks."}]
        },
        "required": list(required),
        "properties": {
            "cost_center": {
                "title": "Cost center",
                "description": "The budget code the work is charged to.",
                "type": "string",
            },
            "risk_review": {
                "title": "Risk review",
                "description": "What did the risk committee ask, and how is it answered?",
                "x-mldesign": {"group": "governance", "counts": counts},
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "findings": {
                        "title": "Findings",
                        "description": "Which risks were raised?",
                        "$ref": "#/$defs/text",
                    },
                    "mitigations": {
                        "title": "Mitigations",
                        "description": "How is each risk reduced?",
                        "$ref": "#/$defs/text",
                    },
                },
            },
        },
    }


@pytest.fixture(scope="module")
def extended() -> Checker:
    return Checker(load_template(extension=extension()))


def with_governance(**changes: Any) -> dict[str, Any]:
    data = good(cost_center="PL-2040", risk_review={"findings": "Bias by age", "mitigations": "Per-age thresholds"})
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def problems(checker: Checker, data: Any) -> list[tuple[str, str]]:
    result = checker.check_source(page(data), src_uri="a.md")
    assert result.design is not None
    return [(p.rule, p.field) for p in result.design.problems]


def test_the_merged_schema_is_valid_json_schema() -> None:
    merged = merge_extension(builtin_schema(), extension())
    check_schema(merged, "the test extension")
    assert "cost_center" not in builtin_schema()["properties"]  # the built-in schema is untouched


def test_the_new_section_is_in_the_template_and_its_group(extended: Checker) -> None:
    template = extended.template
    assert [s.key for s in template.sections][-1] == "risk_review"
    section = template.section("risk_review")
    assert section is not None
    assert (section.title, section.group, section.counts) == ("Risk review", "governance", True)
    assert [f.key for f in section.fields] == ["findings", "mitigations"]
    assert template.group("governance").title == "Governance"
    assert "risk_review" in [s.key for s in template.counted]
    assert "cost_center" in [f.key for f in template.metadata]


def test_a_complete_extended_design_is_valid(extended: Checker) -> None:
    assert problems(extended, with_governance()) == []


def test_a_missing_required_section_or_field_is_an_error(extended: Checker) -> None:
    assert problems(extended, with_governance(risk_review=None)) == [("schema-required", "design.risk_review")]
    assert problems(extended, with_governance(cost_center=None)) == [("schema-required", "design.cost_center")]


def test_fields_of_the_extension_are_type_checked(extended: Checker) -> None:
    assert problems(extended, with_governance(cost_center=2040)) == [("yaml-coerced", "design.cost_center")]
    review = {"findings": "x", "mitigatons": "y"}
    assert problems(extended, with_governance(risk_review=review)) == [
        ("schema-unknown-key", "design.risk_review.mitigatons")
    ]


def test_a_section_that_counts_changes_completeness(extended: Checker) -> None:
    data = with_governance(risk_review={"findings": "Bias by age", "mitigations": "TODO"})
    design = extended.check_source(page(data), src_uri="a.md").design
    assert design is not None
    assert design.score.percent == 96  # (12 + 1/2) / 13
    assert design.score.section("risk_review") is not None
    # ... and so what an approved design must hold.
    found = lint_design(design, extended.template, Settings(), TODAY)
    assert [p.rule for p in found] == ["complete-status"]
    assert "Risk review (Mitigations)" in found[0].message


def test_a_section_that_does_not_count_leaves_completeness_alone() -> None:
    checker = Checker(load_template(extension=extension(counts=False)))
    data = with_governance(risk_review={"findings": "TODO"})
    design = checker.check_source(page(data), src_uri="a.md").design
    assert design is not None
    assert design.score.percent == 100
    assert design.score.section("risk_review") is None
    assert "risk_review" not in [s.key for s in checker.template.counted]
    assert "risk_review" in [s.key for s in checker.template.sections]  # still shown


def test_a_section_counts_only_when_it_says_so() -> None:
    ext = extension()
    del ext["properties"]["risk_review"]["x-mldesign"]["counts"]
    assert "risk_review" not in [s.key for s in load_template(extension=ext).counted]


def test_an_extension_may_add_a_field_to_a_built_in_section() -> None:
    ext = {"properties": {"evaluation": {"properties": {"fairness": {"description": "Per group?", "type": "string"}}}}}
    template = load_template(extension=ext)
    section = template.section("evaluation")
    assert section is not None
    assert [f.key for f in section.fields] == ["offline", "online", "fairness"]
    checker = Checker(template)
    assert problems(checker, good(evaluation={"offline": "x", "online": "y", "fairness": "z"})) == []


def test_new_designs_carry_the_extension(extended: Checker) -> None:
    template: Template = extended.template
    text = page_text(template, NewDesign("Risky", "risky", "draft", ("T",), date(2026, 11, 26)))
    assert "risk_review:" in text
    assert "# What did the risk committee ask, and how is it answered?" in text
    assert 'cost_center: "TODO"' in text  # required, so written out
    result = extended.check_source(text, src_uri="risky.md")
    assert result.design is not None
    assert result.design.problems == []
    assert result.design.score.percent == 0


def test_a_broken_extension_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "ext.yaml"
    bad.write_text("properties:\n  cost_center: {type: 12}\n", encoding="utf-8")
    merged = merge_extension(builtin_schema(), read_extension(str(bad)))
    with pytest.raises(SchemaError, match="makes the design schema invalid at properties/cost_center/type"):
        check_schema(merged, str(bad))


def test_the_example_site_uses_its_extension_and_needs_it() -> None:
    ext = read_extension(str(EXAMPLE_SITE / "org-extension.yaml"))
    merged = merge_extension(builtin_schema(), copy.deepcopy(ext))
    check_schema(merged, "org-extension.yaml")
    template = load_template(extension=ext)
    section = template.section("risk_review")
    assert section is not None
    assert not section.counts
    checker = Checker(template)
    plain = Checker(load_template())
    pages = sorted((EXAMPLE_SITE / "docs").rglob("*.md"))
    assert pages
    assert "extension_schema: org-extension.yaml" in (EXAMPLE_SITE / "mkdocs.yml").read_text(encoding="utf-8")
    flagged: set[str] = set()
    for path in pages:
        text = path.read_text(encoding="utf-8")
        with_ext = checker.check_source(text, src_uri=path.name)
        without = plain.check_source(text, src_uri=path.name)
        # With the extension the example is clean; without it, only its own fields are unknown.
        assert with_ext.all_problems == []
        extra = {p.field for p in without.all_problems}
        assert {p.rule for p in without.all_problems} <= {"schema-unknown-key"}
        assert extra <= {"design.cost_center", "design.risk_review"}
        flagged |= extra
        if with_ext.design is not None and without.design is not None:
            # risk_review does not count, so the extension leaves every score as it was.
            assert with_ext.design.score.percent == without.design.score.percent
    assert flagged == {"design.cost_center", "design.risk_review"}
    assert problems(checker, good(cost_center="PL-2040")) == []
    assert problems(checker, good(cost_center="pl2040")) == [("schema-format", "design.cost_center")]
