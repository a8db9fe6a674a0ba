"""Fixtures for the authoring tests: designs built from front matter, a fixed day."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
import yaml

from mkdocs_mldesign.design import Checker, Design
from mkdocs_mldesign.schema import Template, load_template
from mkdocs_mldesign.settings import Settings

#: "Today" for every rule that looks at dates.
TODAY = date(2026, 11, 26)

#: An approved, complete, recently updated online design that no lint rule objects to.
GOOD: dict[str, Any] = {
    "id": "good",
    "status": "approved",
    "owners": ["Platform team"],
    "version": "1.0",
    "created": "2026-01-05",
    "updated": "2026-11-01",
    "depends_on": [],
    "supersedes": [],
    "background": {"users": "Clinic staff", "goals": "Fast check-in", "pains": "Long queues"},
    "value_proposition": {"product": "A match service", "alleviates": "Queues", "advantages": "Audit trail"},
    "objectives": [
        {"objective": "Verify returning patients", "metric": "recall"},
        {"objective": "Never admit the wrong person", "metric": "false_match_rate"},
        "Keep the line moving",
    ],
    "solution": {
        "core_features": "Capture and compare",
        "integration": "Identity service",
        "alternatives": "QR codes",
        "constraints": "Consent",
        "out_of_scope": "1:N search",
    },
    "feasibility": {"summary": "Feasible in two quarters", "resources": "Two engineers"},
    "data": {
        "training": {"access": "Bucket", "holdout": "By patient", "sampling": "Stratified", "considerations": "DPIA"},
        "production": {"access": "Real-time", "trust": "Signed templates"},
    },
    "labeling": {"assumptions": "Photos show owners", "reality": "Not always", "decisions": "Verified pairs only"},
    "metrics": [
        {"name": "recall", "target": 0.97, "priority": "primary"},
        {"name": "false_match_rate", "target": "<= 0.1%", "priority": "guardrail"},
        {"name": "latency", "target": "300 ms", "priority": "secondary"},
    ],
    "evaluation": {"offline": "Holdout", "online": "Weekly audits"},
    "modeling": {
        "end_to_end_utility": "Iteration 0 end to end",
        "manual_before_ml": "Staff compare the photo by eye",
        "augment_vs_automate": "Augment",
        "internal_vs_external": "Internal first",
        "thorough": "Behavioural tests",
    },
    "inference": {"mode": "online", "online": "POST /v1/verify"},
    "feedback": {"human_in_the_loop": "Overrides", "monitoring": "Drift dashboards"},
}


def good(**changes: Any) -> dict[str, Any]:
    """A deep copy of `GOOD` with top-level keys replaced (None removes the key)."""
    data = copy.deepcopy(GOOD)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def page(data: Any, *, title: str = "A design", key: str = "design") -> str:
    meta = {"title": title, key: data}
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n\nNarrative.\n"


def make_design(checker: Checker, data: Any, src_uri: str = "designs/a.md") -> Design:
    """The design a page holding `data` gives; schema problems are not expected."""
    result = checker.check_source(page(data), src_uri=src_uri)
    assert result.design is not None, result.problems
    assert [p.format() for p in result.design.problems] == []
    return result.design


def line_of(design: Design, needle: str, occurrence: int = 1) -> int:
    """The file line of the `occurrence`-th line of the design's YAML holding `needle`."""
    hits = [i for i, line in enumerate(design.source.text.split("\n")) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} is not in the YAML"
    return hits[occurrence - 1] + design.source.first_line


@pytest.fixture(scope="session")
def template() -> Template:
    return load_template()


@pytest.fixture(scope="session")
def checker(template: Template) -> Checker:
    return Checker(template)


@pytest.fixture
def settings() -> Settings:
    return Settings()
