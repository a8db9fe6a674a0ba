"""Designs and pages to test with, written out in full so every expectation is visible."""

from __future__ import annotations

import copy
from typing import Any

import yaml

#: Every counted field of every section filled: a 100% design.
FULL: dict[str, Any] = {
    "id": "full",
    "status": "approved",
    "owners": ["Platform team"],
    "reviewers": ["Safety lead"],
    "version": "1.0",
    "created": "2026-01-05",
    "updated": "2026-02-10",
    "depends_on": [],
    "supersedes": [],
    "background": {"users": "Clinic staff", "goals": ["Fast check-in"], "pains": "Long queues"},
    "value_proposition": {"product": "A match service", "alleviates": "Queues", "advantages": "Audit trail"},
    "objectives": [{"objective": "Verify returning patients", "metric": "tar"}, "Keep the line moving"],
    "solution": {
        "core_features": ["Capture", "Compare"],
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
        {"name": "tar", "objective": "Genuine accepted", "target": 0.97, "priority": "primary"},
        {"name": "fmr", "target": "<= 0.1%", "priority": "guardrail"},
    ],
    "evaluation": {"offline": "Holdout", "online": "Shadow mode"},
    "modeling": {
        "end_to_end_utility": "Iteration 0 end to end",
        "manual_before_ml": "Side-by-side photo",
        "augment_vs_automate": "Augment",
        "internal_vs_external": "Internal first",
        "thorough": "Behavioural tests",
    },
    "inference": {"mode": "online", "online": "POST /v1/verify"},
    "feedback": {"human_in_the_loop": "Overrides", "monitoring": "Dashboards"},
    "project": {"team": "Four people", "deliverables": "Service", "timeline": "Q3"},
}

#: Only what the schema requires: a valid design at 0%.
MINIMAL: dict[str, Any] = {"status": "draft", "owners": ["Someone"]}


def full(**changes: Any) -> dict[str, Any]:
    """A deep copy of `FULL` with top-level keys replaced (a value of None removes the key)."""
    design = copy.deepcopy(FULL)
    for key, value in changes.items():
        if value is None:
            design.pop(key, None)
        else:
            design[key] = value
    return design


def page(design: Any, *, title: str | None = None, body: str = "Some narrative.\n", key: str = "design") -> str:
    """A Markdown page whose front matter holds `design` under `key`."""
    meta: dict[str, Any] = {}
    if title is not None:
        meta["title"] = title
    meta[key] = design
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n\n" + body
