"""axe-core, the accessibility engine, run over a page open in a real Chromium.

`make routes` (and so `make test`) installs it from npm into .node/. The audit and the
test that proves the audit can fail both call `audit`, so neither can pass on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / ".node/node_modules/axe-core/axe.min.js"
#: The impacts that fail a test; "moderate" and "minor" are reported, not failed.
BLOCKING = ("critical", "serious")

_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return results.violations;
}"""


@dataclass(frozen=True)
class Node:
    """One element a rule found at fault."""

    target: str  # a CSS selector; " >> " steps into a frame or a shadow root
    html: str
    summary: str  # what axe says to fix


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    help_url: str
    nodes: tuple[Node, ...]

    @property
    def blocking(self) -> bool:
        return self.impact in BLOCKING


def require_axe() -> Path:
    """axe.min.js, or a failure (never a skip) that says how to install it."""
    if not AXE.is_file():
        shown = AXE.relative_to(ROOT) if AXE.is_relative_to(ROOT) else AXE
        pytest.fail(f"{shown} is missing: run `make routes` (or `make test`), which installs axe-core", pytrace=False)
    return AXE


def install(context: Any) -> None:
    """Load axe into every page the browser context opens from now on: sent to the browser
    once, rather than with each page (`audit` injects it into a page that lacks it)."""
    context.add_init_script(path=str(require_axe()))


def _target(target: Any) -> str:
    if isinstance(target, list):
        return " >> ".join(_target(part) for part in target)
    return str(target)


def audit(page: Any) -> list[Violation]:
    """Every violation axe finds in the page as it is now, most severe first."""
    path = require_axe()
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(path))
    results = page.evaluate(_RUN)
    found = [
        Violation(
            rule=raw["id"],
            impact=raw["impact"] or "unknown",
            help=raw["help"],
            help_url=raw["helpUrl"],
            nodes=tuple(
                Node(_target(node["target"]), node["html"], node.get("failureSummary") or "") for node in raw["nodes"]
            ),
        )
        for raw in results
    ]
    order = ("critical", "serious", "moderate", "minor")
    return sorted(found, key=lambda v: (order.index(v.impact) if v.impact in order else len(order), v.rule))


def blocking(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.blocking]


def describe(violations: list[Violation], *, examples: int = 3) -> str:
    """A message a person can act on: each rule, its impact and help, and a few elements."""
    lines = []
    for v in violations:
        count = f"{len(v.nodes)} element{'' if len(v.nodes) == 1 else 's'}"
        lines.append(f"{v.rule} ({v.impact}, {count}): {v.help} <{v.help_url}>")
        for node in v.nodes[:examples]:
            lines.append(f"    {node.target}")
            lines.append(f"        {_short(node.html)}")
            # "Fix any of the following:" and then what is wrong, one check a line.
            found = [line.strip() for line in node.summary.splitlines()[1:] if line.strip()]
            if found:
                lines.append(f"        ({_short('; '.join(found))})")
        if len(v.nodes) > examples:
            lines.append(f"    ... and {len(v.nodes) - examples} more")
    return "\n".join(lines)


def _short(text: str, most: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 3] + "..."
