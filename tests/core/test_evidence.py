"""A design's metrics judged by what its sources read, and the evidence rules, in the core
(no files, no server: the readings are given as the project layer would hand them over)."""

from __future__ import annotations

from typing import Any

import pytest

from mkdocs_mldesign.core.design import Checker, Dated, Design
from mkdocs_mldesign.core.evidence import EvidenceSource, Measurement, Reading, judge, sources_of, targets
from mkdocs_mldesign.core.settings import Settings
from mkdocs_mldesign.core.site import Site
from tests.conftest import line_of, make_design
from tests.designs import TODAY, good

METRICS = [
    {"name": "recall", "target": ">= 97%", "priority": "primary"},
    {"name": "false_match_rate", "target": "<= 0.1%", "priority": "guardrail", "measured_as": "eval.fmr"},
    {"name": "latency", "target": "< 300 ms", "priority": "secondary", "unit": "s"},
    {"name": "coverage", "target": "as wide as today's rules", "priority": "secondary"},
]
RESULTS = EvidenceSource(0, "results", "eval/results.json")
CARD = EvidenceSource(1, "model_card", "README.md")


def design(checker: Checker, **changes: Any) -> Design:
    data = good(metrics=METRICS, evidence=[{"results": "eval/results.json"}, {"model_card": "README.md"}])
    data.update(changes)
    return make_design(checker, data)


def reading(values: dict[str, float], date: str = "2026-11-20T10:00:00Z", **refused: str) -> Reading:
    label = "results eval/results.json"
    return Reading({k: Measurement(v, label, date) for k, v in values.items()}, refused)


def add(site: Site, d: Design, *readings: tuple[EvidenceSource, Reading]) -> list[str]:
    site.add_evidence(d, readings, TODAY)
    return [f"{p.rule} {p.field}" for p in d.problems]


@pytest.fixture
def site() -> Site:
    return Site.load(Settings())


def test_the_sources_are_read_from_the_design(checker: Checker) -> None:
    d = design(
        checker,
        evidence=[
            {"results": "a.json"},
            {"mlflow": "fraud"},
            {"mlflow": {"experiment": "fraud", "run": "abc", "tracking_uri": "http://127.0.0.1:5000"}},
            {"mlflow": {"experiment": "fraud", "run": "latest"}},
            {"model_card": "card/README.md"},
        ],
    )
    assert sources_of(d.data) == [
        EvidenceSource(0, "results", "a.json"),
        EvidenceSource(1, "mlflow", "fraud"),
        EvidenceSource(2, "mlflow", "fraud", "abc", "http://127.0.0.1:5000"),
        EvidenceSource(3, "mlflow", "fraud"),
        EvidenceSource(4, "model_card", "card/README.md"),
    ]


def test_each_metric_gets_a_verdict(checker: Checker, site: Site) -> None:
    d = design(checker)
    found = reading({"recall": 0.974, "eval.fmr": 0.003, "latency": 0.12, "coverage": 0.8})
    assert add(site, d, (RESULTS, found)) == ["target-not-met design.metrics[1].target"]
    verdicts = {c.name: (c.verdict, c.shown) for c in d.checks}
    assert verdicts == {
        "recall": ("met", "97.4%"),
        "false_match_rate": ("not-met", "0.3%"),  # matched by `measured_as`
        "latency": ("met", "120 ms"),  # logged in seconds, as the metric says
        "coverage": ("not-checkable", "0.8"),  # measured, but its target is prose
    }
    assert d.checks[3].measured is not None
    assert d.checks[3].measured.value == 0.8
    problem = next(p for p in d.problems if p.rule == "target-not-met")
    assert problem.severity == "warning"
    assert problem.line == line_of(d, "target: <= 0.1%")
    assert "measured 0.3%" in problem.message
    assert "`<= 0.1%`" in problem.message
    assert targets([(c.verdict, c.priority) for c in d.checks]) == targets(
        [("met", "primary"), ("not-met", "guardrail"), ("met", "secondary"), ("not-checkable", "secondary")]
    )
    summary = targets([(c.verdict, c.priority) for c in d.checks])
    assert (summary.met, summary.total, summary.state, summary.guardrail_missed) == (2, 3, "not-met", True)


def test_the_newest_measurement_wins(checker: Checker, site: Site) -> None:
    d = design(checker)
    older = reading({"recall": 0.90}, date="2026-10-01T00:00:00Z")
    newer = Reading({"recall": Measurement(0.99, "model card README.md", "2026-11-01T00:00:00Z")})
    add(site, d, (RESULTS, older), (CARD, newer))
    recall = d.checks[0]
    assert (recall.verdict, recall.measured and recall.measured.source) == ("met", "model card README.md")


def test_a_missing_measurement_says_why(checker: Checker, site: Site) -> None:
    d = design(checker)
    add(site, d, (RESULTS, reading({})))
    assert [(c.verdict, c.reason) for c in d.checks] == [
        ("no-evidence", "no source lists it"),
        ("no-evidence", "no source lists it (as `eval.fmr`)"),
        ("no-evidence", "no source lists it"),
        ("not-checkable", "free text, not a comparison such as >= 97% or < 200 ms"),
    ]
    failed = Reading(error="the results file `eval/results.json` does not exist", hint="write it")
    assert add(site, d, (RESULTS, failed)) == ["evidence-unreadable design.evidence[0].results"]
    assert d.checks[0].reason == "its sources failed"
    assert d.problems[0].line == line_of(d, "results: eval/results.json")


def test_values_that_are_not_numbers_are_one_warning_at_their_source(checker: Checker, site: Site) -> None:
    d = design(checker)
    found = reading({"eval.fmr": 0.0005}, recall="the text 'high'", latency="NaN")
    assert add(site, d, (RESULTS, found)) == ["evidence-unreadable design.evidence[0].results"]
    assert d.problems[0].message == (
        "`recall` is the text 'high'; `latency` is NaN: not a number, so the metrics cannot be judged from it"
    )
    assert d.checks[0].verdict == "no-evidence"


def test_verdicts_are_judged_again_and_never_pile_up(checker: Checker, site: Site) -> None:
    d = design(checker)
    add(site, d, (RESULTS, reading({"recall": 0.5, "eval.fmr": 0.5})))
    add(site, d, (RESULTS, reading({"recall": 0.5, "eval.fmr": 0.5})))
    assert [p.rule for p in d.problems] == ["target-not-met", "target-not-met"]
    add(site, d, (RESULTS, reading({"recall": 0.99, "eval.fmr": 0.0001})))
    assert d.problems == []


def test_a_missed_target_is_reported_only_for_what_the_design_promised(checker: Checker, site: Site) -> None:
    bad = {"recall": 0.5, "eval.fmr": 0.5, "latency": 9.0}
    draft = design(checker, status="draft")
    assert add(site, draft, (RESULTS, reading(bad))) == []  # a draft promised nothing yet
    assert [c.verdict for c in draft.checks][:3] == ["not-met"] * 3
    approved = design(checker)
    assert add(site, approved, (RESULTS, reading(bad))) == [
        "target-not-met design.metrics[0].target",
        "target-not-met design.metrics[1].target",  # the secondary latency is not reported
    ]


def test_levels_and_lint_ignore_apply_to_the_evidence_rules(checker: Checker) -> None:
    bad = reading({"recall": 0.5, "eval.fmr": 0.5})
    strict = Site.load(Settings(lint={"target-not-met": "error"}))
    d = design(checker)
    add(strict, d, (RESULTS, bad))
    assert {p.severity for p in d.problems} == {"error"}
    off = Site.load(Settings(lint={"target-not-met": "off"}))
    assert add(off, design(checker), (RESULTS, bad)) == []
    ignoring = design(checker, lint_ignore=["target-not-met"])
    assert add(Site.load(Settings()), ignoring, (RESULTS, bad)) == []


def test_evidence_missing_is_off_until_a_site_turns_it_on(checker: Checker) -> None:
    nothing = reading({})
    assert add(Site.load(Settings()), design(checker), (RESULTS, nothing)) == []
    on = Site.load(Settings(lint={"evidence-missing": "warning"}))
    d = design(checker)
    assert add(on, d, (RESULTS, nothing)) == ["evidence-missing design.metrics[0].name"]
    assert "the primary metric `recall`" in d.problems[0].message
    measured = design(checker)
    assert add(on, measured, (RESULTS, reading({"recall": 0.99}))) == []


def test_a_measurement_older_than_the_design_or_the_site_allows_is_stale(checker: Checker) -> None:
    site = Site.load(Settings())
    d = design(checker)  # updated 2026-11-01
    assert add(site, d, (RESULTS, reading({"recall": 0.99}, date="2026-10-31T23:00:00Z"))) == [
        "evidence-stale design.evidence"
    ]
    assert "older than the design's last change on 2026-11-01" in d.problems[0].message
    assert add(site, d, (RESULTS, reading({"recall": 0.99}, date="2026-11-01T08:00:00Z"))) == []
    d.updated = Dated("2026-11-20", "git", "a" * 40)  # a date from git counts the same
    assert add(site, d, (RESULTS, reading({"recall": 0.99}, date="2026-11-10"))) == ["evidence-stale design.evidence"]
    aged = Site.load(Settings(evidence_max_age_days=30))
    fresh = design(checker, updated="2026-01-01")
    assert add(aged, fresh, (RESULTS, reading({"recall": 0.99}, date="2026-10-01"))) == [
        "evidence-stale design.evidence"
    ]
    assert "56 days ago (stale after 30 days)" in fresh.problems[0].message


def test_without_sources_every_measurable_target_shows_no_evidence(checker: Checker) -> None:
    d = make_design(checker, good(metrics=METRICS))
    assert [c.verdict for c in d.checks] == ["no-evidence", "no-evidence", "no-evidence", "not-checkable"]
    assert next(c.reason for c in d.checks) == "no evidence source"
    checks, notes = judge(d.data, [])
    assert checks == d.checks
    assert notes == []
