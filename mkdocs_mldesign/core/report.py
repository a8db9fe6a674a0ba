"""Turning a site's `Report` into the text, GitHub and JSON reports (and `designs.json`)."""

from __future__ import annotations

import json
from typing import Any

from .design import Design, PageResult
from .evidence import lists_evidence, measured_dict, targets
from .site import Report

#: The version of the shape `designs.json` and `mldesign check --format json` give.
FORMAT_VERSION = 4


def design_dict(design: Design, **extra: Any) -> dict[str, Any]:
    """A design as `mldesign check --format json` and `designs.json` give it."""
    out: dict[str, Any] = {
        "file": design.file,
        "id": design.id,
        "title": design.title,
        "readable": True,
        "status": design.status,
        "owners": design.owners,
        "completeness": design.score.percent,
        "created": design.created.date if design.created else "",
        "updated": design.updated.date if design.updated else "",
        "dates_from": {k: d.source for k, d in (("created", design.created), ("updated", design.updated)) if d},
        "sections": {s.key: round(float(s.score), 4) for s in design.score.sections},
        "states": {s.key: s.state for s in design.score.sections},
        "evidence": lists_evidence(design.data),
        "metrics": [measured_dict(c) for c in design.checks],
        "frameworks": {
            name: {
                "points": [
                    {"id": r.point.id, "title": r.point.title, "state": r.state, "fields": list(r.point.fields)}
                    for r in results
                ]
            }
            for name, results in design.frameworks.items()
        },
        "problems": [p.to_dict() for p in design.problems],
    }
    out.update(extra)
    return out


def unreadable_dict(result: PageResult, **extra: Any) -> dict[str, Any]:
    """A design that cannot be read, as the same reports give it: no status, no score."""
    out: dict[str, Any] = {
        "file": result.file,
        "id": result.id,
        "title": result.title,
        "readable": False,
        "status": "",
        "owners": [],
        "completeness": None,
        "created": "",
        "updated": "",
        "dates_from": {},
        "sections": {},
        "states": {},
        "evidence": False,
        "metrics": [],
        "frameworks": {},
        "problems": [p.to_dict() for p in result.all_problems],
    }
    out.update(extra)
    return out


def to_json(report: Report) -> str:
    entries = [*(design_dict(d) for d in report.designs), *(unreadable_dict(r) for r in report.unreadable)]
    listed = {id(p) for r in report.unreadable for p in r.problems}  # given with their design
    data = {
        "format": FORMAT_VERSION,
        "designs": sorted(entries, key=lambda e: e["file"]),
        "problems": [p.to_dict() for p in report.problems if id(p) not in listed],
        "summary": report.summary(),
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(report: Report) -> str:
    s = report.summary()
    unreadable = f" ({s['unreadable']} unreadable)" if s["unreadable"] else ""
    return (
        f"{plural(s['designs'], 'design')} checked{unreadable}: "
        f"{plural(s['errors'], 'error')}, {plural(s['warnings'], 'warning')}"
    )


def to_text(report: Report) -> str:
    lines = [p.format() for p in report.all_problems()]
    if lines:
        lines.append("")
    rows: list[tuple[str, str]] = []
    for design in report.designs:
        gaps = [s.key for s in design.score.gaps]
        missing = f"; gaps: {', '.join(gaps)}" if gaps else ""
        status = f" [{design.status}]" if design.status else ""
        met = ""
        if lists_evidence(design.data):
            summary = targets([(c.verdict, c.priority) for c in design.checks])
            met = f", targets met: {summary.met} of {summary.total}" if summary.total else ", no checkable target"
        rows.append((design.file, f"{design.file}: {design.id}{status} {design.score.percent}% complete{met}{missing}"))
    for result in report.unreadable:
        rows.append((result.file, f"{result.file}: {result.id} unreadable: the design cannot be checked"))
    lines.extend(row for _, row in sorted(rows))
    lines.append(summary_line(report))
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
    lines.append(summary_line(report))
    return "\n".join(lines)
