"""Real MkDocs builds in temporary folders; unexpected warnings fail the test."""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

THEMES = ("mldesign", "material", "mkdocs", "readthedocs")

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


@dataclass
class Built:
    root: Path
    site: Path
    records: list[logging.LogRecord] = field(default_factory=list)

    def html(self, path: str) -> str:
        return (self.site / path).read_text(encoding="utf-8")

    def warnings(self) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= logging.WARNING]


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def capture_mkdocs_log() -> Iterator[Capture]:
    handler = Capture()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old)


def write_site(
    root: Path,
    pages: Mapping[str, str | bytes],
    *,
    theme: str = "mldesign",
    plugin: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    strict: bool = False,
) -> Path:
    """Write `docs/*` and a `mkdocs.yml` using the plugin into `root`; return the config file."""
    docs = root / "docs"
    for name, content in pages.items():
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if content.startswith("\n") else content, encoding="utf-8")
    config: dict[str, Any] = {
        "site_name": "Test",
        "theme": {"name": theme},
        "plugins": ["search", {"mldesign": plugin or {}}],
        "markdown_extensions": ["admonition", {"toc": {"permalink": True}}],
        "strict": strict,
    }
    config.update(extra or {})
    config_file = root / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    return config_file


BuildSite = Callable[..., Built]


@pytest.fixture
def build_site(tmp_path: Path, capture_mkdocs_log: Capture) -> BuildSite:
    """Write pages and a mkdocs.yml, build for real, return the site and the log."""
    counter = iter(range(1000))

    def run(
        pages: dict[str, str | bytes],
        *,
        theme: str = "mldesign",
        plugin: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        strict: bool = False,
        expect_warnings: bool = False,
    ) -> Built:
        root = tmp_path / f"site{next(counter)}"
        write_site(root, pages, theme=theme, plugin=plugin, extra=extra, strict=strict)
        capture_mkdocs_log.records.clear()
        build(load_config(str(root / "mkdocs.yml")))
        built = Built(root, root / "site", list(capture_mkdocs_log.records))
        if not expect_warnings:
            assert built.warnings() == [], "unexpected warnings in the build log"
        return built

    return run
