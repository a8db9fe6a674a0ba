"""A design's metrics against what was measured: the sources it names, and a verdict per
metric.

A design lists where its measurements are under `evidence` (results files, MLflow
experiments, model cards); `project.evidence` reads them and hands back one `Reading`
per source. Here, with no I/O, each metric is matched with its measurements (by `name`,
or by `measured_as`), the newest measurement wins, and its target (`core.targets`)
gives the verdict: met, not met, no evidence, or not checkable.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .completeness import is_filled
from .targets import Verdict, in_target_unit, meets, parse_target, why_not_checkable

#: How long a build waits for all its MLflow requests together, unless the site says.
TIMEOUT_SECONDS = 10.0

SourceKind = Literal["results", "mlflow", "model_card"]
SOURCE_KINDS: tuple[SourceKind, ...] = ("results", "mlflow", "model_card")


@dataclass(frozen=True, slots=True)
class EvidenceOptions:
    """What a site allows evidence to read: whether to read it at all, how long MLflow
    may take in all, its tracking server, and the other servers a design may name."""

    enabled: bool = True
    timeout: float = TIMEOUT_SECONDS
    tracking_uri: str = ""  # the site's server; "" for MLflow's own MLFLOW_TRACKING_URI
    tracking_uris: tuple[str, ...] = ()
    mlflow: bool = True  # False: read files only (`mldesign diff`: a tracking server keeps no past)


@dataclass(frozen=True, slots=True)
class EvidenceSource:
    """One entry of a design's `evidence`: `location` is the path of a results file or a
    model card (relative to the page), or an MLflow experiment's name."""

    index: int  # its place in `evidence`
    kind: SourceKind
    location: str
    run: str = ""  # MLflow: a run id, or "" for the latest finished run
    tracking_uri: str = ""  # MLflow: the server the entry names, "" for the site's

    @property
    def path(self) -> tuple[str | int, ...]:
        """Where the entry is in the design, for a problem to point at."""
        return ("evidence", self.index, self.kind)


def sources_of(data: Mapping[str, Any]) -> list[EvidenceSource]:
    """The well-formed entries of a design's `evidence`, in order (the schema reports the
    others, which are skipped here)."""
    items = data.get("evidence")
    out: list[EvidenceSource] = []
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict) or len(item) != 1:
            continue
        kind, value = next(iter(item.items()))
        if kind in ("results", "model_card") and isinstance(value, str) and value.strip():
            out.append(EvidenceSource(index, kind, value.strip()))
        elif kind == "mlflow" and isinstance(value, str) and value.strip():
            out.append(EvidenceSource(index, "mlflow", value.strip()))
        elif kind == "mlflow" and isinstance(value, dict) and isinstance(value.get("experiment"), str):
            run, uri = value.get("run", ""), value.get("tracking_uri", "")
            run = "" if not isinstance(run, str) or run.strip() in ("", "latest") else run.strip()
            uri = uri.strip() if isinstance(uri, str) else ""
            out.append(EvidenceSource(index, "mlflow", value["experiment"].strip(), run, uri))
    return out


@dataclass(frozen=True, slots=True)
class Measurement:
    """One measured number and where it comes from."""

    value: float
    source: str  # what a reader is told: "results eval/metrics.json", "MLflow run eval-3 (fraud)"
    date: str  # when it was measured: ISO 8601, a date or a UTC time ("2026-11-30T08:15:00Z")
    url: str = ""  # the run's page on the tracking server, when it has one


@dataclass(frozen=True, slots=True)
class Reading:
    """What one evidence source gave: its numbers by key, the keys whose value is not a
    number (and what it is instead), or why it gave nothing at all (`error`)."""

    values: Mapping[str, Measurement] = field(default_factory=dict)
    refused: Mapping[str, str] = field(default_factory=dict)
    error: str = ""
    hint: str = ""


@dataclass(frozen=True, slots=True)
class MetricCheck:
    """A metric of the design and its verdict."""

    index: int  # its place in `metrics`
    name: str
    key: str  # the name its sources log it under (`measured_as`, else `name`)
    target: str  # as written
    priority: str  # "", "primary", "secondary" or "guardrail"
    verdict: Verdict
    reason: str = ""  # why there is no verdict (no evidence, not checkable), for the reader
    measured: Measurement | None = None
    shown: str = ""  # the measured value as the target writes numbers ("97.4%", "150 ms")


@dataclass(frozen=True, slots=True)
class SourceNote:
    """Something wrong with one source, for a warning at its entry."""

    source: EvidenceSource
    message: str
    hint: str


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value)


def number_value(value: Any) -> float | None:
    """A measurement's number: an int or a finite float, never a bool or a string."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def judge(
    data: Mapping[str, Any], readings: Sequence[tuple[EvidenceSource, Reading]]
) -> tuple[list[MetricCheck], list[SourceNote]]:
    """A verdict for every named metric of a design, given what its sources read, and a
    note for each source that could not be read or held something unusable for one of
    its metrics."""
    notes = [SourceNote(s, r.error, r.hint) for s, r in readings if r.error]
    usable = [(s, r) for s, r in readings if not r.error]
    checks: list[MetricCheck] = []
    unusable: dict[int, list[str]] = {}  # by source: what its keys hold instead of numbers
    items = data.get("metrics")
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not is_filled(item["name"]):
            continue
        name = item["name"].strip()
        alias = item.get("measured_as")
        key = alias.strip() if isinstance(alias, str) and alias.strip() else name
        raw_target = item.get("target")
        target_text = _text(raw_target).strip()
        priority, unit = _text(item.get("priority")), _text(item.get("unit"))
        base = {"index": index, "name": name, "key": key, "target": target_text, "priority": priority}

        found = [(r.values[key], s) for s, r in usable if key in r.values]
        for position, (_, r) in enumerate(usable):
            if key in r.refused:
                unusable.setdefault(position, []).append(f"`{key}` is {r.refused[key]}")
        if not found:
            why = "no source lists it" if usable else "no evidence source" if not readings else "its sources failed"
            if key != name:
                why = f"{why} (as `{key}`)"
            target = parse_target(raw_target)
            verdict: Verdict = "no-evidence" if target is not None else "not-checkable"
            reason = why if target is not None else why_not_checkable(raw_target)
            checks.append(MetricCheck(**base, verdict=verdict, reason=reason))
            continue
        measured, _ = max(found, key=lambda pair: pair[0].date)  # the newest; the first listed on a tie
        target = parse_target(raw_target)
        if target is None:
            shown = f"{measured.value:.4g}"
            reason = why_not_checkable(raw_target)
            checks.append(MetricCheck(**base, verdict="not-checkable", reason=reason, measured=measured, shown=shown))
            continue
        value = in_target_unit(target, measured.value, unit)
        if value is None:
            reason = f"its source logs `{unit}`, which cannot be read as `{target.unit or 'a plain number'}`"
            checks.append(MetricCheck(**base, verdict="not-checkable", reason=reason, measured=measured))
            continue
        verdict = "met" if meets(target, value) else "not-met"
        checks.append(MetricCheck(**base, verdict=verdict, measured=measured, shown=target.shown(value)))
    for position, said in sorted(unusable.items()):
        listed = "; ".join(said[:5]) + (f"; and {len(said) - 5} more" if len(said) > 5 else "")
        notes.append(
            SourceNote(
                usable[position][0],
                f"{listed}: not a number, so the metric{'s' if len(said) > 1 else ''} cannot be judged from it",
                "write the measured number there, or point `measured_as` at the key that holds it",
            )
        )
    return checks, notes


def lists_evidence(data: Mapping[str, Any]) -> bool:
    """Whether a design names any evidence: only then do its pages show verdicts."""
    items = data.get("evidence")
    return isinstance(items, list) and bool(items)


@dataclass(frozen=True, slots=True)
class Targets:
    """A design's targets in one line: `met` of `total` checkable targets are met;
    `state` is "not-met" when one measured misses, else "no-evidence" when one is not
    measured, else "met" ("none" when no target is checkable)."""

    met: int
    total: int
    state: str
    guardrail_missed: bool


def targets(verdicts: Sequence[tuple[str, str]]) -> Targets:
    """The summary of (verdict, priority) pairs, one per metric."""
    judged = [(v, p) for v, p in verdicts if v in ("met", "not-met", "no-evidence")]
    met = sum(1 for v, _ in judged if v == "met")
    missed = any(v == "not-met" for v, _ in judged)
    state = (
        "not-met"
        if missed
        else "no-evidence"
        if any(v == "no-evidence" for v, _ in judged)
        else "met"
        if judged
        else "none"
    )
    return Targets(met, len(judged), state, any(v == "not-met" and p == "guardrail" for v, p in judged))


def measured_dict(check: MetricCheck) -> dict[str, Any]:
    """A metric and its verdict as `designs.json` gives it."""
    m = check.measured
    return {
        "name": check.name,
        "target": check.target,
        "priority": check.priority,
        "measured": {
            "value": m.value if m else None,
            "verdict": check.verdict,
            "source": m.source if m else None,
            "date": m.date if m else None,
            "url": (m.url or None) if m else None,
            "reason": check.reason or None,
        },
    }
