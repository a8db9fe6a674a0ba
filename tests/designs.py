"""The designs and pages the tests share, written out in full so every expectation is visible.

`FULL` (every counted field filled), `MINIMAL` (only what the schema requires) and `GOOD`
(an approved online design no lint rule objects to) are data; `FULL_DESIGN` and
`SMALL_DESIGN` are whole pages for real builds.
"""

from __future__ import annotations

import copy
from datetime import date
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


def design_page(data: Any, *, title: str = "A design", key: str = "design") -> str:
    """A page holding `data` under a title, as the lint tests write them."""
    meta = {"title": title, key: data}
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n\nNarrative.\n"


FULL_DESIGN = """\
---
title: Face verification
tags: [vision]
design:
  id: face
  status: approved
  owners: [Patient platform]
  reviewers: [Clinical safety]
  version: "1.2"
  updated: 2026-11-20
  depends_on: [identity]
  background:
    users: Reception staff and **returning** patients.
    goals: Check in without queuing.
    pains: [Manual ID checks are slow, Queues at peak times]
  value_proposition: {product: A kiosk that verifies faces, alleviates: Shorter queues, advantages: Fewer errors}
  objectives:
    - objective: Verify returning patients quickly
      metric: false accept rate
    - Keep staff in control
  solution:
    core_features: [Face match, Manual fallback]
    integration: Calls the [identity service](identity.md).
    alternatives: NFC cards
    constraints: Runs on the kiosk
    out_of_scope: New patients
  feasibility: {summary: Feasible with existing cameras, resources: Two engineers}
  data:
    training: {access: Consented photos, holdout: Last month, sampling: Stratified by age, considerations: Consent}
    production: {access: Camera stream, trust: Liveness checks}
  labeling: {assumptions: IDs are right, reality: Some are wrong, decisions: Double review}
  metrics:
    - {name: false accept rate, objective: Safety, target: "< 0.1%", priority: primary}
    - {name: latency, objective: Speed, target: 300 ms, priority: guardrail}
  evaluation: {offline: Holdout FAR and FRR, online: Weekly audits}
  modeling:
    end_to_end_utility: Every release is usable
    manual_before_ml: Staff check IDs
    augment_vs_automate: Augment
    internal_vs_external: Pilot first
    thorough: Tests on data and code
  inference: {mode: online, online: An endpoint on the kiosk}
  feedback: {human_in_the_loop: Staff confirm, monitoring: Drift dashboards}
---

# Face verification

Some narrative.
"""

SMALL_DESIGN = """\
---
title: Identity service
design:
  id: identity
  status: draft
  owners: [Records team]
  background: {users: Every service}
  labeling: {na: No labels are used}
---

# Identity service
"""
