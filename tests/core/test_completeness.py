"""Completeness exactly as spec/design-model.md defines it."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from mkdocs_mldesign.core.completeness import DesignScore, SectionScore, is_filled, score_design, score_section
from mkdocs_mldesign.core.design import Checker
from mkdocs_mldesign.core.schema import Template, load_template
from tests.designs import FULL, MINIMAL, design_page, full


def section_score(template: Template, key: str, value: Any) -> SectionScore:
    section = template.section(key)
    assert section is not None
    return score_section(section, value)


@pytest.mark.parametrize(
    "value",
    ["TODO", "todo", "ToDo", "TBD", "tbd", "Tbd", "...", "?", "-", " TODO ", "\tTBD\n", "  ...  ", "", " ", "\n\t "],
)
def test_blank_and_placeholder_text_is_empty(value: str) -> None:
    assert not is_filled(value)


@pytest.mark.parametrize("value", ["x", "TODO list for the desk", "-1 %", "??", "N/A", ["", "x"], ["TODO", "done"]])
def test_real_text_is_filled(value: Any) -> None:
    assert is_filled(value)


@pytest.mark.parametrize("value", [[], ["", "  "], ["TODO", "tbd", "?", "-", "..."], None, {}])
def test_empty_lists_and_lists_of_blanks_are_empty(value: Any) -> None:
    assert not is_filled(value)


def test_a_mapping_section_scores_the_share_of_filled_fields(template: Template) -> None:
    score = section_score(template, "background", {"users": "Clinic staff", "goals": "TODO", "pains": "   "})
    assert score.score == Fraction(1, 3)
    assert score.percent == 33
    assert score.state == "partial"
    assert score.filled == ("users",)
    assert score.missing == ("goals", "pains")


def test_a_section_whose_fields_are_all_placeholders_is_missing(template: Template) -> None:
    score = section_score(template, "evaluation", {"offline": "tbd", "online": ["-", "?"]})
    assert (score.score, score.state) == (Fraction(0), "missing")


@pytest.mark.parametrize("key", ["background", "objectives", "feasibility", "data", "inference", "metrics"])
def test_na_scores_one_and_keeps_its_reason(template: Template, key: str) -> None:
    score = section_score(template, key, {"na": "Internal tool, no product discovery"})
    assert (score.score, score.state, score.reason) == (Fraction(1), "na", "Internal tool, no product discovery")
    assert score.missing == ()


def test_a_missing_section_scores_zero_and_lists_its_fields(template: Template) -> None:
    score = section_score(template, "solution", None)
    assert (score.score, score.state) == (Fraction(0), "missing")
    assert score.missing == ("core_features", "integration", "alternatives", "constraints", "out_of_scope")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([], 0),
        (["", "  "], 0),
        (["TODO"], 0),
        ([{"objective": "TBD", "metric": ""}], 0),
        (["", "Confirm identity"], 1),
        ([{"objective": "Confirm identity", "metric": "tar"}], 1),
    ],
)
def test_objectives_count_as_one_field(template: Template, value: Any, expected: int) -> None:
    score = section_score(template, "objectives", value)
    assert score.score == expected
    assert score.filled + score.missing == ("objectives",)


def test_metrics_count_as_one_field(template: Template) -> None:
    assert section_score(template, "metrics", [{"name": "tar", "priority": "primary"}]).score == 1
    assert section_score(template, "metrics", []).score == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Feasible within two quarters.", 1),
        (["Data exists", "Team available"], 1),
        ("TBD", 0),
        ({"summary": "Feasible", "resources": "Two engineers"}, 1),
        ({"summary": "Feasible"}, 1),
        ({"resources": "Two engineers, one GPU"}, 0),
        ({"summary": "TODO", "resources": "Two engineers"}, 0),
        ({"summary": ["", " "]}, 0),
    ],
)
def test_feasibility_text_or_summary(template: Template, value: Any, expected: int) -> None:
    assert section_score(template, "feasibility", value).score == expected


def test_data_has_six_fields(template: Template) -> None:
    only_access = section_score(template, "data", {"training": {"access": "Bucket"}})
    assert only_access.score == Fraction(1, 6)
    assert only_access.missing == (
        "training.holdout",
        "training.sampling",
        "training.considerations",
        "production.access",
        "production.trust",
    )
    training = section_score(template, "data", {"training": FULL["data"]["training"], "production": {"trust": "-"}})
    assert training.score == Fraction(4, 6)
    assert section_score(template, "data", FULL["data"]).score == 1


@pytest.mark.parametrize(
    ("value", "expected", "missing"),
    [
        ({"mode": "online", "online": "POST /verify"}, Fraction(1), ()),
        ({"mode": "online", "batch": "Nightly"}, Fraction(1, 2), ("online",)),
        ({"mode": "batch", "online": "POST /verify"}, Fraction(1, 2), ("batch",)),
        ({"mode": "batch", "batch": "Nightly"}, Fraction(1), ()),
        ({"mode": "both", "batch": "Nightly"}, Fraction(2, 3), ("online",)),
        ({"mode": "both", "online": "POST /verify"}, Fraction(2, 3), ("batch",)),
        ({"mode": "both", "batch": "Nightly", "online": "POST /verify"}, Fraction(1), ()),
        ({"mode": "both"}, Fraction(1, 3), ("batch", "online")),
        ({"batch": "Nightly", "online": "POST /verify"}, Fraction(0), ("mode",)),
    ],
)
def test_inference_counts_mode_and_the_fields_it_names(
    template: Template, value: dict[str, str], expected: Fraction, missing: tuple[str, ...]
) -> None:
    score = section_score(template, "inference", value)
    assert score.score == expected
    assert score.missing == missing


def test_a_full_design_is_100(template: Template) -> None:
    score = score_design(template, FULL)
    assert score.value == 1
    assert score.percent == 100
    assert {s.state for s in score.sections} == {"complete"}
    assert score.gaps == ()


def test_a_design_of_only_metadata_is_0(template: Template) -> None:
    score = score_design(template, MINIMAL)
    assert score.percent == 0
    assert [s.key for s in score.gaps] == [s.key for s in template.counted]


def test_project_does_not_count(template: Template) -> None:
    only_project = score_design(template, {**MINIMAL, "project": FULL["project"]})
    assert only_project.percent == 0
    assert only_project.section("project") is None
    assert score_design(template, full(project=None)).percent == 100


def test_the_design_is_the_mean_of_its_twelve_sections(template: Template) -> None:
    design = full(modeling={"na": "Rules only"}, feedback=None, labeling={"assumptions": "x", "reality": "y"})
    score = score_design(template, design)
    assert len(score.sections) == 12
    assert score.value == (10 + 0 + Fraction(2, 3)) / 12  # 88.88...%
    assert score.percent == 88
    assert [s.key for s in score.gaps] == ["labeling", "feedback"]
    assert score.section("modeling").state == "na"  # type: ignore[union-attr]


def test_the_percentage_is_rounded_down(template: Template) -> None:
    # Five of six data fields: (11 + 5/6) / 12 = 98.6%, which rounding would show as 99.
    data = {"training": FULL["data"]["training"], "production": {"access": "Stream"}}
    score = score_design(template, full(data=data))
    assert score.value == (11 + Fraction(5, 6)) / 12
    assert score.percent == 98
    assert DesignScore((), Fraction(2, 3)).percent == 66
    assert DesignScore((), Fraction(999, 1000)).percent == 99


def test_a_design_at_99_9_percent_shows_99() -> None:
    """With a counted section of 1000 fields, one gap leaves 99.99%: never shown as 100."""
    fields = {f"f{i}": {"$ref": "#/$defs/text"} for i in range(1000)}
    extension = {
        "properties": {
            "risks": {"x-mldesign": {"group": "system", "counts": True}, "type": "object", "properties": fields}
        }
    }
    template = load_template(extension)
    risks = {f"f{i}": "covered" for i in range(999)}
    score = score_design(template, full(risks=risks))
    assert len(score.sections) == 13
    assert score.value == (12 + Fraction(999, 1000)) / 13
    assert score.percent == 99
    risks["f999"] = "covered too"
    assert score_design(template, full(risks=risks)).percent == 100


def test_an_unknown_section_value_shape_scores_without_error(template: Template) -> None:
    # The schema rejects these; scoring must still not fail on them.
    design = full(background="just text", data=["a list"], inference={"mode": ["both"]}, feasibility=3)
    score = score_design(template, design)
    assert score.section("background").score == 0  # type: ignore[union-attr]
    assert score.section("data").score == 0  # type: ignore[union-attr]
    assert score.section("inference").missing == ()  # type: ignore[union-attr]
    assert 0 <= score.percent <= 100


# --- a value the schema refuses is no answer (spec: "and the schema accepts its value") ---


def checked_score(checker: Checker, data: dict[str, Any]) -> tuple[DesignScore, list[str]]:
    result = checker.check_source(design_page(data), src_uri="designs/a.md")
    assert result.design is not None, result.problems
    return result.design.score, [p.rule for p in result.design.problems]


def test_an_inference_mode_the_schema_refuses_is_not_filled(checker: Checker) -> None:
    score, rules = checked_score(checker, full(inference={"mode": "realtime", "online": "POST /v1/verify"}))
    assert "schema-enum" in rules
    inference = score.section("inference")
    assert inference is not None
    assert (inference.state, inference.percent, inference.missing) == ("missing", 0, ("mode",))
    assert score.percent < 100


def test_a_metric_the_schema_refuses_does_not_fill_metrics(checker: Checker) -> None:
    metric = {"name": "tar", "objective": "Genuine accepted", "target": 0.97, "priority": "must-have"}
    score, rules = checked_score(checker, full(metrics=[metric], objectives=["Keep the line moving"]))
    assert "schema-enum" in rules
    assert score.section("metrics").missing == ("metrics",)  # type: ignore[union-attr]
    # One accepted metric beside it answers the section: only the refused item is no answer.
    fine = {"name": "fmr", "target": "<= 0.1%", "priority": "guardrail"}
    score, _ = checked_score(checker, full(metrics=[metric, fine], objectives=["Keep the line moving"]))
    assert score.section("metrics").state == "complete"  # type: ignore[union-attr]


def test_a_text_field_of_the_wrong_type_is_not_filled(checker: Checker) -> None:
    score, rules = checked_score(checker, full(evaluation={"offline": {"how": "Holdout"}, "online": "Shadow mode"}))
    assert "schema-type" in rules
    assert score.section("evaluation").missing == ("offline",)  # type: ignore[union-attr]


def test_a_problem_with_a_section_as_a_whole_leaves_its_fields_filled(checker: Checker) -> None:
    # An unknown key beside the fields is an error, but the fields still answer.
    background = {**FULL["background"], "audience": "Nurses"}
    score, rules = checked_score(checker, full(background=background))
    assert "schema-unknown-key" in rules
    assert score.section("background").state == "complete"  # type: ignore[union-attr]
