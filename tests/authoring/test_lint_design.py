"""The single-design lint rules: each one fires where it should, stays quiet where it
should not, and gives way to its two off switches and to a severity override."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest

from mkdocs_mldesign.core.design import Checker
from mkdocs_mldesign.core.lint import RULES, lint_design, rule
from mkdocs_mldesign.core.problems import Problem
from mkdocs_mldesign.core.schema import Template
from mkdocs_mldesign.core.settings import Settings
from tests.conftest import line_of, make_design
from tests.designs import GOOD, TODAY, good
from tests.designs import design_page as page


@dataclass(frozen=True)
class Case:
    """A design that breaks `rule` once, and where the problem must be reported."""

    name: str
    rule: str
    data: dict[str, Any]
    field: str
    needle: str  # text on the line the problem points at
    says: tuple[str, ...] = ()  # pieces the message or hint must hold
    occurrence: int = 1


def _with(section: str, **fields: Any) -> dict[str, Any]:
    value = dict(GOOD[section])
    for key, item in fields.items():
        if item is None:
            value.pop(key, None)
        else:
            value[key] = item
    return value


def _metrics(*priorities: str) -> list[dict[str, Any]]:
    return [{**m, "priority": p} for m, p in zip(GOOD["metrics"], priorities, strict=True)]


CASES = [
    Case(
        "objective-metric",
        "objective-metric",
        good(objectives=[{"objective": "Verify", "metric": "recal"}, "Keep the line moving"]),
        "design.objectives[0].metric",
        "metric: recal",
        ("`recal`", "did you mean `recall`?"),
    ),
    Case(
        "primary-metric-two",
        "primary-metric",
        good(metrics=_metrics("primary", "guardrail", "primary")),
        "design.metrics[2].priority",
        "priority: primary",
        ("`latency`", "`recall`"),
        occurrence=2,
    ),
    Case(
        "primary-metric-none",
        "primary-metric",
        good(metrics=_metrics("secondary", "guardrail", "secondary")),
        "design.metrics",
        "metrics:",
        ("none of them is `primary`",),
    ),
    Case(
        "online-monitoring",
        "online-monitoring",
        good(feedback=_with("feedback", monitoring="TODO")),
        "design.feedback.monitoring",
        "monitoring: TODO",
        ("`online`", "`feedback.monitoring`"),
    ),
    Case(
        "online-monitoring-no-feedback",
        "online-monitoring",
        good(feedback=None, inference={"mode": "both", "batch": "Nightly", "online": "An endpoint"}),
        "design.inference.mode",
        "mode: both",
        ("`both`",),
    ),
    Case(
        "online-evaluation",
        "online-evaluation",
        good(evaluation=_with("evaluation", online="TBD")),
        "design.evaluation.online",
        "online: TBD",
        ("`evaluation.online`",),
    ),
    Case(
        "manual-baseline",
        "manual-baseline",
        good(status="review", modeling=_with("modeling", manual_before_ml="...")),
        "design.modeling.manual_before_ml",
        "manual_before_ml:",
        ("`review`",),
    ),
    Case(
        "manual-baseline-no-modeling",
        "manual-baseline",
        good(status="deprecated", modeling=None),
        "design.status",
        "status: deprecated",
        ("`deprecated`",),
    ),
    Case(
        "complete-status",
        "complete-status",
        good(solution=_with("solution", alternatives=None), labeling=None),
        "design.status",
        "status: approved",
        ("`approved`", "90% complete", "Solution (Alternatives)", "Labeling"),
    ),
    Case(
        "stale",
        "stale",
        good(updated="2025-06-01"),
        "design.updated",
        "updated:",
        ("2025-06-01", "543 days ago", "stale after 365 days"),
    ),
    Case(
        "stale-created",
        "stale",
        good(updated=None, created="2024-01-02"),
        "design.created",
        "created:",
        ("last created on 2024-01-02",),
    ),
    Case(
        "approved-version-old",
        "approved-version",
        good(reviewers=["Safety lead"], approvals=[{"by": "Safety lead", "version": "0.9", "date": "2026-10-01"}]),
        "design.approvals",
        "approvals:",
        ("`approved`", "version 0.9, not of its current version 1.0", 'version: "1.0"'),
    ),
    Case(
        "approved-version-not-a-reviewer",
        "approved-version",
        good(reviewers=["Safety lead"], approvals=[{"by": "Someone else", "version": "1.0"}]),
        "design.approvals",
        "approvals:",
        ("approved by Someone else, who is not among its reviewers",),
    ),
    Case(
        "approved-version-no-version",
        "approved-version",
        good(version=None, reviewers=["Safety lead"], approvals=[{"by": "Safety lead", "version": "1.0"}]),
        "design.status",
        "status: approved",
        ("need a `version`",),
    ),
    Case(
        "approved-version-no-reviewers",
        "approved-version",
        good(approvals=[{"by": "Safety lead", "version": "1.0"}]),
        "design.status",
        "status: approved",
        ("names no `reviewers`",),
    ),
    Case(
        "lint-ignore-unknown",
        "lint-ignore-unknown",
        good(lint_ignore=["stael"]),
        "design.lint_ignore[0]",
        "- stael",
        ("`stael`", "did you mean `stale`?"),
    ),
    Case(
        "lint-ignore-schema-rule",
        "lint-ignore-unknown",
        good(lint_ignore=["schema-required"]),
        "design.lint_ignore[0]",
        "- schema-required",
        ("schema and YAML problems cannot be ignored",),
    ),
]

#: One case per rule, for the switches.
FIRST = {c.rule: c for c in reversed(CASES)}


def _run(checker: Checker, data: dict[str, Any], settings: Settings) -> list[Problem]:
    design = make_design(checker, data)
    return lint_design(design, checker.template, settings, TODAY)


def test_every_design_rule_has_cases() -> None:
    design_rules = {r.id for r in RULES if r.scope == "design"}
    assert set(FIRST) == design_rules


def test_the_good_design_is_clean(checker: Checker, settings: Settings) -> None:
    assert _run(checker, good(), settings) == []


def test_an_approval_of_the_current_version_by_a_reviewer_passes(checker: Checker, settings: Settings) -> None:
    approvals = [{"by": "Someone else", "version": "0.9"}, {"by": "Safety lead", "version": 1.0}]
    both = good(reviewers=["Safety lead"], approvals=approvals)
    assert _run(checker, both, settings) == []  # 1.0 written as a number counts too


def test_approvals_are_only_required_where_asked(checker: Checker, settings: Settings) -> None:
    # A design that records none, on a site that does not ask, builds as before.
    assert _run(checker, good(), settings) == []
    asked = replace(settings, require_approvals=True)
    found = [p for p in _run(checker, good(reviewers=["Safety lead"]), asked) if p.rule == "approved-version"]
    assert [(p.field, p.severity) for p in found] == [("design.status", "error")]
    assert "no approval of version 1.0 is recorded, and the site requires one" in found[0].message
    # Only designs whose status demands completeness need one.
    assert [p for p in _run(checker, good(status="review"), asked) if p.rule == "approved-version"] == []


def test_an_approved_design_without_dates_is_not_called_stale(checker: Checker, settings: Settings) -> None:
    # Dates are optional: with none written there is nothing to judge staleness by.
    assert _run(checker, good(updated=None, created=None), settings) == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_rule_fires_once_where_it_should(checker: Checker, settings: Settings, case: Case) -> None:
    design = make_design(checker, case.data)
    found = [p for p in lint_design(design, checker.template, settings, TODAY) if p.rule == case.rule]
    assert len(found) == 1, [p.format() for p in found]
    problem = found[0]
    assert problem.severity == rule(case.rule).severity
    assert problem.field == case.field
    assert problem.file == "designs/a.md"
    assert problem.line == line_of(design, case.needle, case.occurrence)
    for piece in case.says:
        assert piece in f"{problem.message} ({problem.hint})"
    # Linting reports; it never changes the design it looks at.
    assert design.problems == []


QUIET = [
    ("objective-metric", good(objectives=[{"objective": "Verify", "metric": "TODO"}])),
    ("objective-metric", good(objectives=["Verify", "Keep the line moving"])),
    ("objective-metric", good(objectives=[{"objective": "Verify"}], metrics={"na": "judged by people"})),
    ("primary-metric", good(metrics=[{"name": "recall"}, {"name": "latency"}])),
    ("primary-metric", good(metrics=["recall above 0.9", "latency under 300 ms"])),
    ("online-monitoring", good(inference={"mode": "batch", "batch": "Nightly"}, feedback=None)),
    ("online-monitoring", good(feedback={"na": "a pilot of two weeks, watched by hand"})),
    ("online-monitoring", good(inference=None, feedback=None)),
    ("online-evaluation", good(inference={"mode": "batch", "batch": "Nightly"}, evaluation=None)),
    ("online-evaluation", good(evaluation={"na": "no production traffic yet"})),
    ("manual-baseline", good(status="draft", modeling=None)),
    ("manual-baseline", good(status="review", modeling={"na": "no model: rules only"})),
    ("complete-status", good(status="review", labeling=None)),
    ("complete-status", good(labeling={"na": "labels come with the data"})),
    ("stale", good(status="review", updated="2020-01-01")),
    ("stale", good(updated="2025-11-26")),  # exactly 365 days: not older than the limit
    ("stale", good(updated="2027-01-01")),
    ("stale", good(updated=None, created="2026-10-01")),
    ("lint-ignore-unknown", good(lint_ignore=["stale", "link-cycle"])),
]


@pytest.mark.parametrize(("rule_id", "data"), QUIET, ids=[f"{r}-{i}" for i, (r, _) in enumerate(QUIET)])
def test_rule_stays_quiet(checker: Checker, settings: Settings, rule_id: str, data: dict[str, Any]) -> None:
    assert [p.format() for p in _run(checker, data, settings) if p.rule == rule_id] == []


def test_stale_follows_the_configured_age(checker: Checker) -> None:
    data = good(updated="2026-10-01")  # 56 days before TODAY
    assert [p.rule for p in _run(checker, data, Settings(stale_after_days=60))] == []
    found = _run(checker, data, Settings(stale_after_days=30))
    assert [p.rule for p in found] == ["stale"]
    assert "stale after 30 days" in found[0].message


@pytest.mark.parametrize("case", FIRST.values(), ids=lambda c: c.rule)
def test_site_setting_turns_a_rule_off(checker: Checker, settings: Settings, case: Case) -> None:
    before = _run(checker, case.data, settings)
    assert case.rule in {p.rule for p in before}
    after = _run(checker, case.data, Settings(lint={case.rule: "off"}))
    assert [p for p in before if p.rule != case.rule] == after


@pytest.mark.parametrize("case", FIRST.values(), ids=lambda c: c.rule)
def test_lint_ignore_turns_a_rule_off_for_one_design(checker: Checker, settings: Settings, case: Case) -> None:
    ignore = [*case.data.get("lint_ignore", []), case.rule]
    found = _run(checker, {**case.data, "lint_ignore": ignore}, settings)
    assert case.rule not in {p.rule for p in found}
    # Only that rule: the design with the same fault and no ignore list still reports it.
    assert case.rule in {p.rule for p in _run(checker, case.data, settings)}


@pytest.mark.parametrize("case", FIRST.values(), ids=lambda c: c.rule)
def test_site_setting_changes_the_severity(checker: Checker, case: Case) -> None:
    flipped = "warning" if rule(case.rule).severity == "error" else "error"
    found = [p for p in _run(checker, case.data, Settings(lint={case.rule: flipped})) if p.rule == case.rule]
    assert found
    assert {p.severity for p in found} == {flipped}


def test_a_bare_off_in_yaml_is_read_as_off(checker: Checker) -> None:
    case = FIRST["stale"]
    assert [p for p in _run(checker, case.data, Settings(lint={"stale": False})) if p.rule == "stale"] == []  # type: ignore[dict-item]


def test_objective_metric_without_any_metric_says_what_to_add(checker: Checker, settings: Settings) -> None:
    data = good(metrics=None, objectives=[{"objective": "Verify", "metric": "recall"}])
    found = [p for p in _run(checker, data, settings) if p.rule == "objective-metric"]
    assert len(found) == 1
    assert "add an entry `- name: recall` under `metrics`" in found[0].hint


def test_each_extra_primary_metric_is_reported(checker: Checker, settings: Settings) -> None:
    data = good(metrics=_metrics("primary", "primary", "primary"))
    found = [p for p in _run(checker, data, settings) if p.rule == "primary-metric"]
    assert [p.field for p in found] == ["design.metrics[1].priority", "design.metrics[2].priority"]


def test_complete_status_names_selector_fields(checker: Checker, settings: Settings, template: Template) -> None:
    data = good(inference={"mode": "both", "online": "An endpoint", "batch": "TODO"})
    found = [p for p in _run(checker, data, settings) if p.rule == "complete-status"]
    assert len(found) == 1
    assert "Inference (Batch)" in found[0].message


def test_rules_run_on_a_design_with_schema_errors(checker: Checker, settings: Settings) -> None:
    data = good(
        metrics="recall",
        objectives={"objective": "x"},
        lint_ignore="stale",
        inference=["online"],
        feedback="monitored",
        status="approved",
        updated=20261101,
    )
    result = checker.check_source(page(data), src_uri="broken.md")
    assert result.design is not None
    assert len(result.design.problems) >= 6  # the schema complains ...
    found = lint_design(result.design, checker.template, settings, TODAY)  # ... and linting copes
    assert [p.rule for p in found] == ["complete-status"]


def test_lint_design_ignores_unknown_statuses(checker: Checker) -> None:
    design = make_design(checker, good(status="review"))
    only_drafts = Settings(statuses=(replace(Settings().statuses[0], order=0),))
    assert [p.rule for p in lint_design(design, checker.template, only_drafts, TODAY)] == []
