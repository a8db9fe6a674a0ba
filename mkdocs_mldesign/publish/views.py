"""The data the templates receive: plain, already-escaped where it holds HTML.

Templates (`fragments/mldesign/*.html`, `partials/mldesign/*.html`) render these with
autoescape on. Attributes named `*_html` hold HTML this package produced from
authors' Markdown with raw HTML escaped and unsafe links neutralised; templates
mark them `|safe`. Everything else is plain text and is escaped by Jinja.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mkdocs_mldesign.core.problems import Problem

State = Literal["complete", "partial", "missing", "na"]


@dataclass(frozen=True, slots=True)
class FieldView:
    key: str  # dotted path inside the section, e.g. "training.access"
    title: str
    question: str  # the schema's description: what the author should answer
    html: str | None  # rendered content; None when the field is not filled
    parent: str = ""  # title of the mapping a nested field sits in ("Training data"), else ""
    counts: bool = True  # asked for with this value (inference's `batch` is not when mode is online)
    items_html: tuple[str, ...] = ()  # a list's items, each as `html` shows it; () for a text


@dataclass(frozen=True, slots=True)
class MeasuredView:
    """A metric's verdict against its evidence (`core.evidence.MetricCheck`)."""

    verdict: str  # "met", "not-met", "no-evidence" or "not-checkable"
    value: str  # the measured value as the target writes numbers; "" when nothing was measured
    source: str  # where it was measured: "results eval/metrics.json", "MLflow run … of `fraud`"
    date: str  # YYYY-MM-DD
    url: str  # the run's page on its tracking server, "" when none
    reason: str  # why there is no verdict ("no source lists it", "no target")


@dataclass(frozen=True, slots=True)
class MetricView:
    name: str
    anchor: str  # id of the table row, for objectives to link to
    objective_html: str
    target: str
    priority: str  # "", "primary", "secondary" or "guardrail"
    measured: MeasuredView | None = None  # None when the design lists no evidence


@dataclass(frozen=True, slots=True)
class TargetsView:
    """How many of a design's checkable targets its evidence shows met."""

    met: int
    total: int  # metrics with a checkable target
    state: str  # "met" (all), "not-met" (one measured and missed), "no-evidence" (one not measured)
    guardrail_missed: bool  # a guardrail's target is missed: what the overview sorts first


@dataclass(frozen=True, slots=True)
class ObjectiveView:
    html: str
    metric: str  # "" when the objective names no metric
    metric_anchor: str  # "" when `metric` names no entry of `metrics`


@dataclass(frozen=True, slots=True)
class SectionView:
    key: str
    title: str
    question: str
    anchor: str  # "mldesign-<key>"
    group: str
    counts: bool
    state: State
    percent: int  # the section's score as a whole percentage
    kind: Literal["fields", "list", "text", "objectives", "metrics"]
    fields: tuple[FieldView, ...] = ()  # kind "fields": every field of the template, filled or not
    html: str | None = None  # kinds "list" and "text": the rendered value
    objectives: tuple[ObjectiveView, ...] = ()
    metrics: tuple[MetricView, ...] = ()  # mapping entries of `metrics`, shown as a table
    metric_notes_html: tuple[str, ...] = ()  # plain-text entries of `metrics`, shown as bullets
    items_html: tuple[str, ...] = ()  # kind "list": the items `html` shows, one by one
    na_reason: str = ""
    filled: tuple[str, ...] = ()  # titles of the filled fields
    missing: tuple[tuple[str, str], ...] = ()  # (title, question) of each counted field not filled


@dataclass(frozen=True, slots=True)
class GroupView:
    key: str
    title: str
    description: str
    anchor: str  # "mldesign-group-<key>"
    sections: tuple[SectionView, ...]


@dataclass(frozen=True, slots=True)
class LinkView:
    id: str
    title: str
    url: str | None  # relative to the current page; None when no design has that id
    status: str = ""


@dataclass(frozen=True, slots=True)
class StatusView:
    name: str
    color: str  # a CSS colour
    order: int


@dataclass(frozen=True, slots=True)
class DateView:
    """A date a view shows, and where it came from: `written` in the design, or `git`
    (the commit whose date it is)."""

    date: str  # YYYY-MM-DD
    source: str  # "written" or "git"
    commit: str = ""  # the full commit id of a date from git


@dataclass(frozen=True, slots=True)
class ApprovalView:
    by: str
    version: str
    date: str
    current: bool  # of the design's current version


@dataclass(frozen=True, slots=True)
class ChangeView:
    """One step of a design's history: a commit at which its status changed."""

    date: str  # YYYY-MM-DD, the commit's author date
    commit: str  # the full commit id
    subject: str
    status: StatusView | None  # None: the design could not be read at that commit
    completeness: int | None
    version: str


@dataclass(frozen=True, slots=True)
class PointView:
    """One point of a framework, as one design answers it."""

    id: str
    title: str
    state: str  # "answered", "partial" or "unanswered"
    guidance: str
    fields: tuple[tuple[str, str], ...]  # (label, anchor) of each field the point names; anchor "" for none
    missing: tuple[str, ...]  # labels of the fields still open


@dataclass(frozen=True, slots=True)
class FrameworkView:
    name: str
    title: str
    description: str
    answered: int
    total: int
    points: tuple[PointView, ...]


@dataclass(slots=True)
class DesignView:
    id: str
    title: str
    url: str  # relative to the page being rendered
    status: StatusView
    owners: tuple[str, ...]
    reviewers: tuple[str, ...]
    version: str
    created: str
    updated: str
    tags: tuple[str, ...]
    completeness: int  # whole percent, rounded down
    groups: tuple[GroupView, ...]
    checklist: tuple[SectionView, ...]  # every counted section, in template order
    gaps: tuple[SectionView, ...]  # counted sections that are partial or missing
    problems: tuple[Problem, ...]
    depends_on: tuple[LinkView, ...] = ()
    supersedes: tuple[LinkView, ...] = ()
    used_by: tuple[LinkView, ...] = ()  # designs whose depends_on names this one
    superseded_by: tuple[LinkView, ...] = ()
    canvas_url: str = ""  # the one-page canvas, relative to the page being rendered
    badge_url: str = ""  # the SVG badge, relative to the page being rendered
    extra: dict[str, str] = field(default_factory=dict)  # organisation metadata fields, title -> text
    site: str = ""  # the site that publishes the design, when the overview lists other sites' designs
    created_at: DateView | None = None  # `created`, with where it came from
    updated_at: DateView | None = None
    approvals: tuple[ApprovalView, ...] = ()
    history: tuple[ChangeView, ...] = ()  # oldest first; empty when the site shows none
    history_more: int = 0  # earlier changes left out of `history`
    targets: TargetsView | None = None  # None when the design lists no evidence
    frameworks: tuple[FrameworkView, ...] = ()  # each framework the site names, point by point
    model_card_url: str = ""  # model-cards/<id>.md, relative to the page being rendered
    targets_badge_url: str = ""  # badges/<id>-targets.svg, relative to the page being rendered


@dataclass(frozen=True, slots=True)
class MatrixColumn:
    key: str
    title: str
    average: int  # the section's mean score across designs, whole percent


@dataclass(frozen=True, slots=True)
class UnreadableView:
    """A design whose page holds a design that cannot be read: listed, never scored."""

    id: str
    title: str
    url: str  # relative to the page being rendered; "" for no link
    problems: tuple[Problem, ...]
    site: str = ""


@dataclass(slots=True)
class OverviewView:
    designs: tuple[DesignView, ...]  # urls relative to the overview page
    columns: tuple[MatrixColumn, ...]  # counted sections, template order
    statuses: tuple[StatusView, ...]
    completeness: int  # mean across designs, whole percent
    badge_url: str  # badges/all.svg relative to the overview page
    export_url: str  # designs.json relative to the overview page, "" when disabled
    unreadable: tuple[UnreadableView, ...] = ()  # designs that cannot be read, by title
    sites: tuple[str, ...] = ()  # when other sites' designs are listed: every site's name, this one first
    evidence: bool = False  # some design lists evidence: the overview shows a column of targets met
    frameworks: tuple[FrameworkView, ...] = ()  # the site's frameworks, their points unjudged (for headers)
    weakest: str = ""  # the one column with the lowest average below 100%; "" for none or a tie
