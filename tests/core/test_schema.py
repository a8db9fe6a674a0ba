"""The template is read from the JSON Schema, in the order and shape the design model gives."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from mkdocs_mldesign.core.schema import (
    SchemaError,
    Template,
    build_template,
    builtin_schema,
    builtin_schema_text,
    load_template,
    merge_extension,
    read_extension,
)

# The table in spec/design-model.md, in its order.
SPEC_SECTIONS = [
    "background",
    "value_proposition",
    "objectives",
    "solution",
    "feasibility",
    "data",
    "labeling",
    "metrics",
    "evaluation",
    "modeling",
    "inference",
    "feedback",
]

SPEC_FIELDS = {
    "background": ["users", "goals", "pains"],
    "value_proposition": ["product", "alleviates", "advantages"],
    "objectives": [],
    "solution": ["core_features", "integration", "alternatives", "constraints", "out_of_scope"],
    "feasibility": [],
    "data": [
        "training.access",
        "training.holdout",
        "training.sampling",
        "training.considerations",
        "production.access",
        "production.trust",
    ],
    "labeling": ["assumptions", "reality", "decisions"],
    "metrics": [],
    "evaluation": ["offline", "online"],
    "modeling": ["end_to_end_utility", "manual_before_ml", "augment_vs_automate", "internal_vs_external", "thorough"],
    "inference": ["mode", "batch", "online"],
    "feedback": ["human_in_the_loop", "monitoring"],
}


def test_twelve_counted_sections_in_the_spec_order(template: Template) -> None:
    assert [s.key for s in template.counted] == SPEC_SECTIONS


def test_project_is_a_section_that_does_not_count(template: Template) -> None:
    project = template.section("project")
    assert project is not None
    assert project.counts is False
    assert project.group == "project"
    assert [f.key for f in project.fields] == ["team", "deliverables", "timeline"]
    assert [s.key for s in template.sections] == [*SPEC_SECTIONS, "project"]


@pytest.mark.parametrize("key", SPEC_SECTIONS)
def test_fields_of_each_section(template: Template, key: str) -> None:
    section = template.section(key)
    assert section is not None
    assert [f.key for f in section.fields] == SPEC_FIELDS[key]


def test_groups_split_product_from_system(template: Template) -> None:
    assert [g.key for g in template.groups] == ["product", "system", "project"]
    assert [g.title for g in template.groups] == ["Product design", "System design", "Delivery"]
    by_group = {g.key: [s.key for s in template.counted if s.group == g.key] for g in template.groups}
    assert by_group == {
        "product": SPEC_SECTIONS[: SPEC_SECTIONS.index("feasibility") + 1],
        "system": SPEC_SECTIONS[SPEC_SECTIONS.index("data") :],
        "project": [],
    }


def test_data_has_six_fields_under_training_and_production(template: Template) -> None:
    data = template.section("data")
    assert data is not None
    assert len(data.fields) == 6
    assert sum(f.key.startswith("training.") for f in data.fields) == 4
    assert sum(f.key.startswith("production.") for f in data.fields) == 2


def test_inference_mode_selects_the_fields(template: Template) -> None:
    inference = template.section("inference")
    assert inference is not None
    assert inference.selector == "mode"
    assert inference.choices == {"batch": ("batch",), "online": ("online",), "both": ("batch", "online")}


def test_single_value_sections(template: Template) -> None:
    feasibility = template.section("feasibility")
    objectives = template.section("objectives")
    assert feasibility is not None
    assert objectives is not None
    assert feasibility.single == "summary"
    assert objectives.single is None
    assert objectives.selector is None


def test_metadata_fields_are_not_sections(template: Template) -> None:
    keys = [f.key for f in template.metadata]
    assert keys[:3] == ["id", "status", "owners"]
    assert not set(keys) & {s.key for s in template.sections}
    assert template.statuses == ("draft", "review", "approved", "deprecated")


def test_every_section_and_field_carries_its_title_and_guidance(template: Template) -> None:
    for section in template.sections:
        assert section.title
        assert section.description, section.key
        for field in section.fields:
            assert field.title
            assert field.description, f"{section.key}.{field.key}"
    assert template.section("data").field("training.access").title == "Access"  # type: ignore[union-attr]
    assert template.section("background").field("nope") is None  # type: ignore[union-attr]
    assert template.section("nope") is None


def test_the_template_follows_the_schema_not_a_list_of_its_own() -> None:
    """Reordering or retitling sections in the schema reorders and retitles the template."""
    schema = builtin_schema()
    schema["properties"] = dict(reversed(list(schema["properties"].items())))
    schema["properties"]["labeling"]["title"] = "Labels"
    template = build_template(schema)
    assert [s.key for s in template.counted] == list(reversed(SPEC_SECTIONS))
    assert template.section("labeling").title == "Labels"  # type: ignore[union-attr]


def test_builtin_schema_is_valid_json_schema_and_a_fresh_copy() -> None:
    schema = builtin_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    schema["properties"].clear()
    assert builtin_schema()["properties"], "callers must not change the shared schema"
    shipped = (resources.files("mkdocs_mldesign") / "schema" / "design.schema.json").read_text("utf-8")
    assert builtin_schema_text() == shipped
    assert json.loads(shipped) == builtin_schema()


def test_an_extension_adds_fields_and_an_uncounted_section() -> None:
    extension = {
        "required": ["cost_centre"],
        "properties": {
            "cost_centre": {"type": "string"},
            "background": {"properties": {"market": {"$ref": "#/$defs/text", "description": "Which market?"}}},
            "risks": {
                "title": "Risks",
                "x-mldesign": {"group": "system"},
                "type": "object",
                "properties": {"top": {"$ref": "#/$defs/text"}},
            },
        },
    }
    template = load_template(extension)
    background = template.section("background")
    risks = template.section("risks")
    assert background is not None
    assert risks is not None
    assert [f.key for f in background.fields] == ["users", "goals", "pains", "market"]
    assert risks.counts is False
    assert [s.key for s in template.counted] == SPEC_SECTIONS
    assert template.schema["required"] == ["status", "owners", "cost_centre"]
    assert "market" not in builtin_schema()["properties"]["background"]["else"]["properties"]


def test_a_site_can_rename_its_statuses() -> None:
    assert load_template(statuses=["idea", "live"]).statuses == ("idea", "live")


@pytest.mark.parametrize("bad", [[], {"properties": []}, {"properties": {"x": 1}}, {"required": "status"}])
def test_unusable_extensions_are_refused(bad: object) -> None:
    with pytest.raises(SchemaError):
        merge_extension(builtin_schema(), bad)  # type: ignore[arg-type]


def test_read_extension_locates_syntax_errors(tmp_path) -> None:
    broken = tmp_path / "ext.yaml"
    broken.write_text("properties:\n  a: [1\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"ext\.yaml:3:1 is not valid"):
        read_extension(str(broken))
    with pytest.raises(SchemaError, match="cannot read"):
        read_extension(str(tmp_path / "missing.yaml"))
    listed = tmp_path / "ext.json"
    listed.write_text("[1]", encoding="utf-8")
    with pytest.raises(SchemaError, match="must hold a mapping"):
        read_extension(str(listed))
