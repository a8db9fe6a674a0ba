"""Turning check results into the text, GitHub and JSON reports (and `designs.json`)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .design import Design, PageResult
from .problems import Problem


@dataclass(slots=True)
class Report:
    """Every design checked in one run, and the problems not tied to a readable design."""

    designs: list[Design] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def from_results(cls, results: Iterable[PageResult]) -> Report:
        report = cls()
        for result in results:
            if result.design is not None:
                report.designs.append(result.design)
            report.problems.extend(result.problems)
        report.problems.sort(key=Problem.sort_key)
        return report

    def all_problems(self) -> list[Problem]:
        found = list(self.problems)
        for design in self.designs:
            found.extend(design.problems)
        return sorted(found, key=Problem.sort_key)

    def count(self, severity: str) -> int:
        return sum(1 for p in self.all_problems() if p.severity == severity)

    def summary(self) -> dict[str, int]:
        return {"designs": len(self.designs), "errors": self.count("error"), "warnings": self.count("warning")}


def design_dict(design: Design, **extra: Any) -> dict[str, Any]:
    """A design as `mldesign check --format json` and `designs.json` give it."""
    out: dict[str, Any] = {
        "file": design.file,
        "id": design.id,
        "title": design.title,
        "status": design.status,
        "owners": design.owners,
        "completeness": design.score.percent,
        "sections": {s.key: round(float(s.score), 4) for s in design.score.sections},
        "problems": [p.to_dict() for p in design.problems],
    }
    out.update(extra)
    return out


def to_json(report: Report) -> str:
    data = {
        "designs": [design_dict(d) for d in report.designs],
        "problems": [p.to_dict() for p in report.problems],
        "summary": report.summary(),
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def to_text(report: Report) -> str:
    lines = [p.format() for p in report.all_problems()]
    if lines:
        lines.append("")
    for design in sorted(report.designs, key=lambda d: d.file):
        gaps = [s.key for s in design.score.gaps]
        missing = f"; gaps: {', '.join(gaps)}" if gaps else ""
        status = f" [{design.status}]" if design.status else ""
        lines.append(f"{design.file}: {design.id}{status} {design.score.percent}% complete{missing}")
    s = report.summary()
    lines.append(
        f"{s['designs']} design{'s' if s['designs'] != 1 else ''} checked: "
        f"{s['errors']} error{'s' if s['errors'] != 1 else ''}, "
        f"{s['warnings']} warning{'s' if s['warnings'] != 1 else ''}"
    )
    return "\n".join(lines)


def _escape_property(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def to_github(report: Report) -> str:
    """GitHub Actions workflow commands, one per problem, so they annotate the diff."""
    lines = []
    for p in report.all_problems():
        props = f"file={_escape_property(p.file)},line={p.line},col={p.column},title={_escape_property(p.rule)}"
        text = p.format(with_severity=False).split(": ", 1)[1]
        lines.append(f"::{p.severity} {props}::{_escape_data(text)}")
    s = report.summary()
    lines.append(f"{s['designs']} designs checked: {s['errors']} errors, {s['warnings']} warnings")
    return "\n".join(lines)
