"""Schema issues, before they are placed in a file."""

from __future__ import annotations

import pytest

from mkdocs_mldesign.core.validation import Issue, Validator, field_path, json_type
from tests.designs import FULL, MINIMAL, full


@pytest.mark.parametrize(
    ("path", "root", "expected"),
    [
        (("metrics", 0, "priority"), "design", "design.metrics[0].priority"),
        (("data", "training", "access"), "design", "design.data.training.access"),
        (("objectives", 2), "design", "design.objectives[2]"),
        (("owners", 0), "ml", "ml.owners[0]"),
        ((), "design", "design"),
        (("metrics", 0, "name"), "", "metrics[0].name"),
        ((0, 1), "", "[0][1]"),
    ],
)
def test_field_path(path: tuple[str | int, ...], root: str, expected: str) -> None:
    assert field_path(path, root) == expected


def test_json_type_names() -> None:
    values: list[object] = ["x", 1, 1.5, True, None, [], {}]
    assert [json_type(v) for v in values] == [
        "text",
        "a number",
        "a number",
        "true or false",
        "nothing",
        "a list",
        "a mapping",
    ]


def test_valid_designs_have_no_issues(validator: Validator) -> None:
    assert validator.issues(FULL) == []
    assert validator.issues(MINIMAL) == []
    assert validator.issues(full(background={"na": "Internal"}, feasibility="Yes.")) == []


def test_an_unknown_key_is_at_its_key_with_the_nearest_name(validator: Validator) -> None:
    issues = validator.issues(full(reviewer=["x"]))
    assert issues == [
        Issue(("reviewer",), "schema-unknown-key", "unknown field `reviewer`", "did you mean `reviewers`?", True)
    ]


def test_an_unknown_key_without_a_near_name_lists_the_known_ones(validator: Validator) -> None:
    [issue] = validator.issues(full(evaluation={"offline": "x", "zzz": "y"}))
    assert issue.path == ("evaluation", "zzz")
    assert issue.hint == "known fields: offline, online"


def test_missing_status_and_owners_are_each_reported_once(validator: Validator) -> None:
    issues = validator.issues({"background": FULL["background"]})
    assert [(i.path, i.rule) for i in issues] == [(("status",), "schema-required"), (("owners",), "schema-required")]
    assert issues[0].hint == "Where the design stands in its review cycle."


def test_inference_both_requires_both_fields(validator: Validator) -> None:
    issues = validator.issues(full(inference={"mode": "both"}))
    assert sorted(i.path for i in issues) == [("inference", "batch"), ("inference", "online")]
    assert {i.rule for i in issues} == {"schema-required"}
    assert validator.issues(full(inference={"mode": "both", "batch": "x", "online": "y"})) == []


def test_inference_needs_a_mode(validator: Validator) -> None:
    [issue] = validator.issues(full(inference={"online": "x"}))
    assert (issue.path, issue.rule) == (("inference", "mode"), "schema-required")


@pytest.mark.parametrize(
    ("changes", "path", "rule", "message"),
    [
        ({"status": "done"}, ("status",), "schema-enum", "`done` is not an allowed value"),
        ({"owners": []}, ("owners",), "schema-empty", "must hold at least one entry"),
        ({"owners": [""]}, ("owners", 0), "schema-empty", "must hold some text"),
        ({"owners": "me"}, ("owners",), "schema-type", "expected a list, found text"),
        ({"updated": "20/11/2026"}, ("updated",), "schema-format", "`20/11/2026` does not have the expected form"),
        ({"id": "-x"}, ("id",), "schema-format", "`-x` does not have the expected form"),
        ({"background": "text"}, ("background",), "schema-type", "expected a mapping, found text"),
        ({"background": {"users": 3}}, ("background", "users"), "schema-type", "expected text or a list of text"),
        ({"objectives": {"a": "b"}}, ("objectives",), "schema-type", "expected a list, found a mapping"),
        ({"objectives": [{"metric": "tar"}]}, ("objectives", 0, "objective"), "schema-required", "is required"),
        ({"metrics": [{"name": "a", "priority": "high"}]}, ("metrics", 0, "priority"), "schema-enum", "`high`"),
        ({"metrics": [{"priority": "primary"}]}, ("metrics", 0, "name"), "schema-required", "is required"),
        ({"inference": {"mode": "stream"}}, ("inference", "mode"), "schema-enum", "`stream`"),
        ({"background": {"na": ""}}, ("background", "na"), "schema-empty", "must hold some text"),
        ({"data": {"training": {"access": ["ok", 3]}}}, ("data", "training", "access", 1), "schema-type", "text"),
    ],
)
def test_violations(
    validator: Validator, changes: dict[str, object], path: tuple[str | int, ...], rule: str, message: str
) -> None:
    issues = validator.issues(full(**changes))
    assert [(i.path, i.rule) for i in issues] == [(path, rule)]
    assert message in issues[0].message
    assert issues[0].hint


def test_messages_never_hold_a_containers_repr(validator: Validator) -> None:
    issues = validator.issues(full(status=["draft", {"x": "y" * 500}]))
    assert [i.message for i in issues] == ["a list is not an allowed value"]  # one problem per field
    [enum] = validator.issues(full(status="x" * 500))
    assert enum.message == f"`{'x' * 39}…` is not an allowed value"


# --- hints that point the right way ---------------------------------------------------


def test_a_field_written_one_level_too_high_is_sent_down(validator: Validator) -> None:
    [issue] = validator.issues(full(data={"training": FULL["data"]["training"], "holdout": "By clinic"}))
    assert issue.path == ("data", "holdout")
    assert issue.hint == "did you mean `data.training.holdout`? indent it under `training`"


def test_a_field_of_another_section_says_where_it_lives(validator: Validator) -> None:
    [issue] = validator.issues(full(evaluation={"offline": "x", "online": "y", "monitoring": "z"}))
    assert issue.hint == "did you mean `feedback.monitoring`? move it under `feedback`"


@pytest.mark.parametrize(
    ("changes", "meant"),
    [
        ({"inference": {"mode": "realtime", "online": "POST /v1"}}, "online"),
        ({"inference": {"mode": "Real-Time", "online": "POST /v1"}}, "online"),
        ({"inference": {"mode": "offline", "batch": "Nightly"}}, "batch"),
        ({"metrics": [{"name": "a", "priority": "threshold"}]}, "guardrail"),
    ],
)
def test_a_word_that_means_an_allowed_value_is_suggested(
    validator: Validator, changes: dict[str, object], meant: str
) -> None:
    [issue] = validator.issues(full(**changes))
    assert issue.rule == "schema-enum"
    assert issue.hint.startswith(f"did you mean `{meant}`?")
