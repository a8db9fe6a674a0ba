"""Lint rules: what a design should say, beyond having a valid shape.

The schema decides whether a design can be read. These rules carry the lecture's
principles a step further: objectives are tied to defined metrics, one metric comes
first, an online system is monitored and evaluated in production, a rule-based
baseline comes before a model, an approved design is complete and kept current, and
the designs of a site refer to each other consistently.

Every rule has an id, a default severity, a scope and a one-line rationale, all in
`RULES`, which the docs and the tests read. A site changes a rule's severity or turns
it off with `Settings.lint` (`{rule-id: error | warning | off}`); a design turns rules
off for itself with `lint_ignore: [rule-id, ...]`.

Two entry points, both pure (no MkDocs):

- `lint_design(design, template, settings, today)` runs the rules that look at one
  design and returns their problems; it does not change the design.
- `lint_site(designs, settings)` runs the rules that need every design of the site
  (unique ids, links, cycles), appends each problem to the `problems` of the design it
  is about, and returns the problems it added.

Text fields follow `completeness.is_filled`: a placeholder such as `TODO` is empty, and
a section marked `na` counts as answered, as it does for completeness. The rules lint
what the author wrote: while a design is before `review`, a field still holding its
placeholder is a question not yet answered (the checklist lists it), not a contradiction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from .completeness import is_filled, is_na, is_placeholder
from .design import Design, too_many
from .evidence import SourceNote
from .frameworks import Framework
from .problems import MAX_PROBLEMS, TOO_MANY, Problem, Severity
from .schema import Template
from .settings import Level, Settings, SettingsError
from .suggest import closest
from .validation import Path

Scope = Literal["design", "site", "evidence"]
LintLevel = Literal["error", "warning", "off"]

LEVELS: tuple[LintLevel, ...] = ("error", "warning", "off")

#: The fields through which one design refers to others, in the order they are checked.
LINK_FIELDS = ("depends_on", "supersedes")


@dataclass(frozen=True, slots=True)
class Rule:
    """A lint rule as the docs list it.

    `scope` says whether the rule looks at one design (`design`), needs every design
    of the site (`site`), or judges a design's measurements once they are read
    (`evidence`); `summary` says what it checks, `rationale` why. `severity` is the
    level a site that says nothing gets; "off" for a rule a site turns on.
    """

    id: str
    severity: LintLevel
    scope: Scope
    summary: str
    rationale: str


RULES: tuple[Rule, ...] = (
    Rule(
        "objective-metric",
        "error",
        "design",
        "An objective's `metric` names an entry of `metrics`.",
        "An objective is only measurable when the metric it points to is actually defined.",
    ),
    Rule(
        "primary-metric",
        "warning",
        "design",
        "When metrics carry priorities, exactly one of them is `primary`.",
        "A model is optimised for one thing at a time; the other metrics are watched or bounded.",
    ),
    Rule(
        "online-monitoring",
        "warning",
        "design",
        "Online inference (`mode: online` or `both`) has `feedback.monitoring` filled in.",
        "A live endpoint drifts with the traffic it serves, and someone has to notice.",
    ),
    Rule(
        "online-evaluation",
        "warning",
        "design",
        "Online inference (`mode: online` or `both`) has `evaluation.online` filled in.",
        "A holdout score says little about production; served predictions need continuous evaluation.",
    ),
    Rule(
        "manual-baseline",
        "warning",
        "design",
        "From `review` on, `modeling.manual_before_ml` is filled in.",
        "A simple rule-based approach comes first: it is the baseline any model has to beat.",
    ),
    Rule(
        "complete-status",
        "error",
        "design",
        "A design whose status demands completeness (`approved` by default) is 100% complete.",
        "Approving a design with gaps approves decisions nobody has written down.",
    ),
    Rule(
        "stale",
        "warning",
        "design",
        "A design whose status demands completeness was `updated` (or, lacking that, `created`) "
        "within `stale_after_days`; an unwritten date comes from git when the site reads it. "
        "A design with neither date is not judged.",
        "A design nobody has looked at for a long time probably no longer describes the system.",
    ),
    Rule(
        "approved-version",
        "error",
        "design",
        "A design that records `approvals` (or any, when the site sets `require_approvals`) and whose "
        "status demands completeness has an approval of its current `version` by one of its `reviewers`.",
        "An approval is of the text that was reviewed; a later version nobody approved is not approved.",
    ),
    Rule(
        "lint-ignore-unknown",
        "warning",
        "design",
        "Every id in `lint_ignore` names a lint rule.",
        "A misspelt id silences nothing, and nobody notices.",
    ),
    Rule(
        "evidence-unreadable",
        "warning",
        "evidence",
        "Every source under `evidence` can be read, and holds a number for each metric it is asked for.",
        "A measurement that silently goes missing turns a checked target back into a promise.",
    ),
    Rule(
        "target-not-met",
        "warning",
        "evidence",
        "A `primary` or `guardrail` metric of a design whose status demands completeness meets its target, "
        "by its newest measurement.",
        "The design says where to stop; a system that misses what was approved needs a decision, not a green badge.",
    ),
    Rule(
        "evidence-missing",
        "off",
        "evidence",
        "The `primary` metric of a design whose status demands completeness has a measurement. Off by default: "
        "a site that wants every approved design to bring its evidence turns it on.",
        "An approved target nobody measures is never known to be met.",
    ),
    Rule(
        "evidence-stale",
        "warning",
        "evidence",
        "The newest measurement of the metrics of a design whose status demands completeness is no older than "
        "the design's last change, nor than `evidence_max_age_days` when the site sets it.",
        "Numbers measured before the design changed, or long ago, may not describe the system it now describes.",
    ),
    Rule(
        "framework-gap",
        "off",
        "site",
        "A design whose status demands completeness answers every point of each framework the site names "
        "(`frameworks`). Off by default: a site that requires the map to be whole turns it on.",
        "A regulator's or a review board's checklist is only useful when nothing on it is left open.",
    ),
    Rule(
        "link-exists",
        "error",
        "site",
        "Every id in `depends_on` and `supersedes` names a design on the site.",
        "A link to a design that does not exist leaves the reader stranded.",
    ),
    Rule(
        "link-cycle",
        "error",
        "site",
        "`depends_on` and `supersedes` never lead from a design back to itself.",
        "A design cannot build on, or replace, something that in turn builds on or replaces it.",
    ),
    Rule(
        "unique-id",
        "error",
        "site",
        "No two designs on the site share an id.",
        "Links and the overview name designs by id; a shared id makes them ambiguous.",
    ),
)

RULE_IDS: frozenset[str] = frozenset(r.id for r in RULES)
#: Says that a design's site problems passed `MAX_PROBLEMS` and the rest were left out.
TOO_MANY_SITE = f"{TOO_MANY}-on-site"
#: The rule ids of every problem `lint_site` reports.
SITE_RULE_IDS: frozenset[str] = frozenset(r.id for r in RULES if r.scope == "site") | {TOO_MANY_SITE}
FRAMEWORK_GAP = "framework-gap"
#: The rule ids of every problem `lint_evidence` reports.
EVIDENCE_RULE_IDS: frozenset[str] = frozenset(r.id for r in RULES if r.scope == "evidence")


def rule(rule_id: str) -> Rule:
    """The rule with this id; KeyError for an unknown one."""
    for r in RULES:
        if r.id == rule_id:
            return r
    raise KeyError(rule_id)


# --- settings ---------------------------------------------------------------------------


def _did_you_mean(name: str, known: Sequence[str]) -> str:
    close = closest(name, known)
    return f" (did you mean `{close}`?)" if close else ""


def parse_lint_settings(raw: Any) -> dict[str, Level]:
    """The site's `lint` setting, checked: rule id -> "error", "warning" or "off".

    YAML reads a bare `off` as false, so false is taken as "off". Raises SettingsError
    naming the first unknown rule id or level.
    """
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise SettingsError("lint must be a mapping of rule ids to error, warning or off")
    known = sorted(RULE_IDS)
    out: dict[str, Level] = {}
    for key, value in raw.items():
        if key not in RULE_IDS:
            raise SettingsError(
                f"lint names an unknown rule `{key}`{_did_you_mean(str(key), known)}; known rules: {', '.join(known)}",
                path=("lint", str(key)),
            )
        level = "off" if value is False else value
        if level not in LEVELS:
            raise SettingsError(f"lint.{key} must be error, warning or off, not `{value}`", path=("lint", key))
        out[key] = level
    return out


def check_lint_settings(mapping: Any) -> None:
    """Raise SettingsError when the `lint` setting names an unknown rule or level."""
    parse_lint_settings(mapping)


def level_for(rule: Rule, settings: Settings, ignored: frozenset[str] = frozenset()) -> LintLevel:
    """How a rule reports on a design: its default, the site's override, or off."""
    if rule.id in ignored:
        return "off"
    value: Any = settings.lint.get(rule.id, rule.severity)
    if value is False:  # a bare `off` in YAML
        return "off"
    for level in LEVELS:
        if value == level:
            return level
    return rule.severity


def ignored_rules(design: Design) -> frozenset[str]:
    """The rule ids a design turns off for itself with `lint_ignore`."""
    value = design.data.get("lint_ignore")
    if not isinstance(value, list):
        return frozenset()
    return frozenset(v for v in value if isinstance(v, str))


# --- rules on one design ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule found, before it is located in the file."""

    path: Path
    message: str
    hint: str
    at_key: bool = False


@dataclass(frozen=True, slots=True)
class _Context:
    design: Design
    template: Template
    settings: Settings
    today: date

    @property
    def data(self) -> dict[str, Any]:
        return self.design.data


def _mapping(value: Any) -> dict[str, Any] | None:
    """A section's mapping, or None when it is absent, marked `na` or of another shape."""
    return value if isinstance(value, dict) and not is_na(value) else None


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _some(names: Sequence[str], shown: int = 10) -> str:
    """The first few names, and how many there are in all when that is more."""
    listed = ", ".join(names[:shown])
    return listed if len(names) <= shown else f"{listed}, … ({len(names)} in all)"


def _metric_names(data: dict[str, Any]) -> list[str]:
    names = []
    for item in _items(data.get("metrics")):
        if isinstance(item, dict) and isinstance(item.get("name"), str) and is_filled(item["name"]):
            names.append(item["name"].strip())
    return names


def _objective_metric(ctx: _Context) -> Iterator[Finding]:
    names = _metric_names(ctx.data)
    known = set(names)
    for index, item in enumerate(_items(ctx.data.get("objectives"))):
        if not isinstance(item, dict):
            continue
        metric = item.get("metric")
        if not isinstance(metric, str) or not is_filled(metric) or metric.strip() in known:
            continue
        if names:
            hint = f"known metrics: {_some(names)}{_did_you_mean(metric.strip(), names)}"
        else:
            hint = f"add an entry `- name: {metric.strip()}` under `metrics`"
        yield Finding(
            ("objectives", index, "metric"),
            f"the objective refers to the metric `{metric.strip()}`, which is not among `metrics`",
            hint,
        )


def _primary_metric(ctx: _Context) -> Iterator[Finding]:
    entries = [(i, m) for i, m in enumerate(_items(ctx.data.get("metrics"))) if isinstance(m, dict)]
    if not any("priority" in m for _, m in entries):
        return
    primaries = [(i, m) for i, m in entries if m.get("priority") == "primary"]
    if not primaries:
        yield Finding(
            ("metrics",),
            "the metrics carry priorities, but none of them is `primary`",
            "mark the one metric the model is optimised for with `priority: primary`",
            at_key=True,
        )
        return
    first = _metric_label(*primaries[0])
    for index, metric in primaries[1:]:
        yield Finding(
            ("metrics", index, "priority"),
            f"{_metric_label(index, metric)} is marked `primary`, and so is {first}; exactly one metric comes first",
            "keep one primary metric and make the others `secondary` or `guardrail`",
        )


def _metric_label(index: int, metric: dict[str, Any]) -> str:
    name = metric.get("name")
    return f"`{name}`" if isinstance(name, str) and name.strip() else f"metric {index + 1}"


def _online_mode(ctx: _Context) -> str | None:
    inference = _mapping(ctx.data.get("inference"))
    mode = inference.get("mode") if inference else None
    return mode if mode in ("online", "both") else None


def _online_needs(ctx: _Context, section: str, field: str, what: str) -> Iterator[Finding]:
    mode = _online_mode(ctx)
    value = ctx.data.get(section)
    if mode is None or is_na(value):
        return
    body = _mapping(value)
    if body is not None and (is_filled(body.get(field)) or _pending(ctx, body.get(field))):
        return
    path: Path = (section, field) if body is not None else ("inference", "mode")
    yield Finding(
        path,
        f"inference is `{mode}`, but `{section}.{field}` is not filled in",
        what,
    )


def _pending(ctx: _Context, value: Any) -> bool:
    """A field that still holds a placeholder (the scaffold's `TODO`) in a design before
    `review`: not yet answered, which completeness reports; no rule holds it against the
    author."""
    return is_placeholder(value) and not reached_review(ctx.design.status, ctx.settings)


def _online_monitoring(ctx: _Context) -> Iterator[Finding]:
    return _online_needs(
        ctx,
        "feedback",
        "monitoring",
        "say what is watched automatically in production, such as inputs, predictions and latency, "
        "and who acts on drift",
    )


def _online_evaluation(ctx: _Context) -> Iterator[Finding]:
    return _online_needs(
        ctx,
        "evaluation",
        "online",
        "say how served predictions are judged continuously, from manual labels or proxy signals",
    )


def reached_review(status: str, settings: Settings) -> bool:
    """Whether a status is `review` or later in the site's order.

    Without a `review` status, every status after the first one counts.
    """
    spec = settings.status(status)
    if spec is None or not settings.statuses:
        return False
    review = settings.status("review")
    if review is not None:
        return spec.order >= review.order
    return spec.order > min(s.order for s in settings.statuses)


def _manual_baseline(ctx: _Context) -> Iterator[Finding]:
    status = ctx.design.status
    if not reached_review(status, ctx.settings):
        return
    value = ctx.data.get("modeling")
    if is_na(value):
        return
    body = _mapping(value)
    if body is not None and is_filled(body.get("manual_before_ml")):
        return
    path: Path = ("modeling", "manual_before_ml") if body is not None else ("status",)
    yield Finding(
        path,
        f"the design is in `{status}`, but `modeling.manual_before_ml` is not filled in",
        "describe the simple rule-based approach that comes first, and that any model has to beat",
    )


def _complete_status(ctx: _Context) -> Iterator[Finding]:
    status = ctx.design.status
    spec = ctx.settings.status(status)
    score = ctx.design.score
    if spec is None or not spec.requires_complete or score.value >= 1:
        return
    gaps = []
    for gap in score.gaps:
        section = ctx.template.section(gap.key)
        if section is None:
            continue
        if section.fields or section.selector:
            titles = [_field_label(ctx.template, gap.key, name) for name in gap.missing]
            gaps.append(f"{section.title} ({', '.join(titles)})")
        else:
            gaps.append(section.title)
    yield Finding(
        ("status",),
        f"the design is `{status}` but {score.percent}% complete; missing: {'; '.join(gaps)}",
        "fill in the missing fields or mark a section `na: <reason>`, or give the design an earlier status",
    )


def _field_label(template: Template, section_key: str, name: str) -> str:
    """A field's title, with its parent's where two fields share one ("Training data: Access")."""
    section = template.section(section_key)
    found = section.field(name) if section else None
    return found.label if found else name


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _stale(ctx: _Context) -> Iterator[Finding]:
    status = ctx.design.status
    spec = ctx.settings.status(status)
    if spec is None or not spec.requires_complete:
        return
    key = "updated" if ctx.design.updated is not None else "created"
    dated = ctx.design.updated or ctx.design.created
    changed = _parse_date(dated.date) if dated is not None else None
    if dated is None or changed is None:  # no date to judge by, or not a real one (the schema says so)
        return
    age = (ctx.today - changed).days
    limit = ctx.settings.stale_after_days
    if age > limit:
        source = f" (its last commit, {dated.commit[:7]})" if dated.source == "git" else ""
        yield Finding(
            (key,),
            f"the design is `{status}` and was last {key} on {changed.isoformat()}{source}, {age} days ago "
            f"(stale after {limit} days)",
            f"review it; if it still holds, set `updated: {ctx.today.isoformat()}`, otherwise change its status",
        )


def _version_text(value: Any) -> str:
    return "" if value is None or isinstance(value, bool | dict | list) else str(value).strip()


def _approved_version(ctx: _Context) -> Iterator[Finding]:
    status = ctx.design.status
    spec = ctx.settings.status(status)
    recorded = ctx.data.get("approvals")
    if spec is None or not spec.requires_complete or not (recorded or ctx.settings.require_approvals):
        return
    approvals = [a for a in _items(recorded) if isinstance(a, dict)]
    version = _version_text(ctx.data.get("version"))
    reviewers = {r.strip() for r in _items(ctx.data.get("reviewers")) if isinstance(r, str) and r.strip()}
    if not version:
        yield Finding(
            ("status",),
            f"the design is `{status}` and its approvals need a `version` to name, but it has none",
            'give the design a `version` (such as "1.0") and record who approved it in `approvals`',
        )
        return
    if not reviewers:
        yield Finding(
            ("status",),
            f"the design is `{status}`, but it names no `reviewers` whose approval would count",
            "list who reviews the design in `reviewers`, and record their approval in `approvals`",
        )
        return
    matching = [a for a in approvals if _version_text(a.get("version")) == version]
    if any(isinstance(a.get("by"), str) and a["by"].strip() in reviewers for a in matching):
        return
    if matching:
        by = ", ".join(sorted({str(a.get("by")) for a in matching}))
        detail = f"version {version} was approved by {by}, who is not among its reviewers"
    elif approvals:
        versions = ", ".join(dict.fromkeys(_version_text(a.get("version")) or "?" for a in approvals))
        detail = f"its approvals are of version {versions}, not of its current version {version}"
    else:
        detail = f"no approval of version {version} is recorded, and the site requires one"
    who = sorted(reviewers)[0]
    yield Finding(
        ("approvals",) if recorded is not None else ("status",),
        f"the design is `{status}`, but {detail}",
        f'record the approval (`{{by: {who}, version: "{version}", date: {ctx.today.isoformat()}}}` in '
        "`approvals`), or move the design back to review",
        at_key=recorded is not None,
    )


def _lint_ignore_unknown(ctx: _Context) -> Iterator[Finding]:
    known = sorted(RULE_IDS)
    for index, value in enumerate(_items(ctx.data.get("lint_ignore"))):
        if not isinstance(value, str) or value in RULE_IDS:
            continue
        close = _did_you_mean(value, known)
        if close:
            hint = close.strip(" ()")
        elif value.startswith(("schema-", "yaml-", "frontmatter-", "design-", "encoding")):
            hint = "schema and YAML problems cannot be ignored, only lint rules"
        else:
            hint = f"known rules: {', '.join(known)}"
        yield Finding(("lint_ignore", index), f"`{value}` is not a lint rule, so it ignores nothing", hint)


_DESIGN_CHECKS: dict[str, Callable[[_Context], Iterator[Finding]]] = {
    "objective-metric": _objective_metric,
    "primary-metric": _primary_metric,
    "online-monitoring": _online_monitoring,
    "online-evaluation": _online_evaluation,
    "manual-baseline": _manual_baseline,
    "complete-status": _complete_status,
    "stale": _stale,
    "approved-version": _approved_version,
    "lint-ignore-unknown": _lint_ignore_unknown,
}


def _located(design: Design, rule: Rule, level: Severity, finding: Finding) -> Problem:
    return design.problem(finding.path, rule.id, finding.message, finding.hint, severity=level, at_key=finding.at_key)


#: The rules whose verdict depends on the design's dates, which may come from git later.
DATE_RULE_IDS: frozenset[str] = frozenset({"stale"})


def lint_design(
    design: Design, template: Template, settings: Settings, today: date, *, only: frozenset[str] | None = None
) -> list[Problem]:
    """The problems the single-design rules (or those of `only`) find in `design`,
    sorted by place.

    `design.problems` is left as it is; the caller adds the result where it wants it.
    """
    ctx = _Context(design, template, settings, today)
    ignored = ignored_rules(design)
    found: list[Problem] = []
    for r in RULES:
        check = _DESIGN_CHECKS.get(r.id)
        if check is None or (only is not None and r.id not in only):
            continue
        level = level_for(r, settings, ignored)
        if level == "off":
            continue
        for finding in check(ctx):  # checks make their findings lazily: stop at the limit
            if len(found) == MAX_PROBLEMS:
                found.append(too_many(design, level))
                return sorted(found, key=Problem.sort_key)
            found.append(_located(design, r, level, finding))
    return sorted(found, key=Problem.sort_key)


# --- rules on a design's measurements ---------------------------------------------------


def _newest(design: Design) -> str:
    return max((c.measured.date for c in design.checks if c.measured is not None), default="")


def lint_evidence(design: Design, notes: Sequence[SourceNote], settings: Settings, today: date) -> list[Problem]:
    """The problems the evidence rules find, once `design.checks` holds the verdicts from
    its sources and `notes` says what went wrong reading them. Pure, like `lint_design`."""
    ignored = ignored_rules(design)
    found: list[Problem] = []

    def add(rule_id: str, finding: Finding) -> None:
        r = rule(rule_id)
        level = level_for(r, settings, ignored)
        if level == "off" or len(found) > MAX_PROBLEMS:
            return
        found.append(too_many(design, level) if len(found) == MAX_PROBLEMS else _located(design, r, level, finding))

    for note in notes:
        add("evidence-unreadable", Finding(note.source.path, note.message, note.hint))
    spec = settings.status(design.status)
    demands = spec is not None and spec.requires_complete
    for check in design.checks:
        if demands and check.measured is not None and check.verdict == "not-met" and check.priority in _GUARDED:
            add(
                "target-not-met",
                Finding(
                    ("metrics", check.index, "target"),
                    f"the {check.priority} metric `{check.name}` measured {check.shown} ({check.measured.source}, "
                    f"{check.measured.date[:10]}), which misses its target `{check.target}`",
                    "improve the system, or revise the target and have the design approved again",
                ),
            )
        if demands and check.priority == "primary" and check.measured is None:
            add(
                "evidence-missing",
                Finding(
                    ("metrics", check.index, "name"),
                    f"the primary metric `{check.name}` of the `{design.status}` design has no measurement "
                    f"({check.reason})",
                    "list where it is measured under `evidence` (a results file, an MLflow experiment or a model "
                    "card), or name its key there with `measured_as`",
                ),
            )
    newest = _newest(design) if demands else ""
    measured_on = _parse_date(newest)
    max_age_days = settings.evidence_max_age_days
    changed = _parse_date(design.updated.date) if design.updated is not None else None
    if measured_on is not None and changed is not None and measured_on < changed:
        add(
            "evidence-stale",
            Finding(
                ("evidence",),
                f"the newest measurement is of {measured_on.isoformat()}, older than the design's last change on "
                f"{changed.isoformat()}",
                "evaluate the system as the design now describes it, and write the results again",
                at_key=True,
            ),
        )
    elif measured_on is not None and max_age_days is not None and (today - measured_on).days > max_age_days:
        add(
            "evidence-stale",
            Finding(
                ("evidence",),
                f"the newest measurement is of {measured_on.isoformat()}, {(today - measured_on).days} days ago "
                f"(stale after {max_age_days} days)",
                "evaluate the system again and write the results",
                at_key=True,
            ),
        )
    return sorted(found, key=Problem.sort_key)


_GUARDED = ("primary", "guardrail")


def lint_frameworks(design: Design, frameworks: Sequence[Framework], settings: Settings) -> list[Problem]:
    """`framework-gap`: one problem per framework whose points a design that must be
    complete leaves open (`design.frameworks` holds the judged points)."""
    r = rule(FRAMEWORK_GAP)
    level = level_for(r, settings, ignored_rules(design))
    spec = settings.status(design.status)
    if level == "off" or spec is None or not spec.requires_complete:
        return []
    found = []
    for framework in frameworks:
        open_points = [p for p in design.frameworks.get(framework.name, []) if p.state != "answered"]
        if not open_points:
            continue
        listed = ", ".join(f"{p.point.id} ({p.state})" for p in open_points[:10])
        more = f" and {len(open_points) - 10} more" if len(open_points) > 10 else ""
        finding = Finding(
            ("status",),
            f"the design is `{design.status}`, but {len(open_points)} point(s) of {framework.title} are open: "
            f"{listed}{more}",
            "fill in the fields each point names (the design page's framework map lists them), or give the design "
            "an earlier status",
        )
        found.append(_located(design, r, level, finding))
    return found


# --- rules across the site --------------------------------------------------------------


def _links(design: Design, field: str) -> Iterator[tuple[int, str]]:
    for index, value in enumerate(_items(design.data.get(field))):
        if isinstance(value, str) and value.strip():
            yield index, value.strip()


@dataclass(frozen=True, slots=True)
class _Edge:
    target: str
    field: str
    index: int


def lint_site(designs: Sequence[Design], settings: Settings, *, known_ids: Iterable[str] = ()) -> list[Problem]:
    """Check ids and links across every design of a site.

    Each problem is appended to the `problems` of the design it is reported on (which
    stay sorted) and returned, so the caller can also log them. Site-rule problems left
    on the designs by an earlier call are dropped first, so a design kept from one
    build to the next (`mkdocs serve`) never shows them twice, nor after their cause
    is gone. The designs are taken in the order of their `src_uri`, whatever order they
    are given in: "the first" design with an id, or in a cycle, is the first in that
    order. `known_ids` are the ids of designs that cannot be read: a link to one of
    them is not broken (the design itself is reported).
    """
    for design in designs:
        design.problems[:] = [p for p in design.problems if p.rule not in SITE_RULE_IDS]
    ordered = sorted(designs, key=lambda d: (d.src_uri, d.file))
    found: list[tuple[Design, Problem]] = []
    counts: dict[int, int] = {}  # site problems per design, up to MAX_PROBLEMS and one more

    def full(design: Design) -> bool:
        return counts.get(id(design), 0) > MAX_PROBLEMS

    def report(design: Design, rule_id: str, finding: Finding, *, ignored: frozenset[str] | None = None) -> None:
        r = rule(rule_id)
        level = level_for(r, settings, ignored_rules(design) if ignored is None else ignored)
        if level == "off" or full(design):
            return
        count = counts[id(design)] = counts.get(id(design), 0) + 1
        problem = (
            too_many(design, level, TOO_MANY_SITE) if count > MAX_PROBLEMS else _located(design, r, level, finding)
        )
        found.append((design, problem))

    first: dict[str, Design] = {}
    for design in ordered:
        owner = first.setdefault(design.id, design)
        if owner is not design:
            written = design.data.get("id") == design.id
            report(
                design,
                "unique-id",
                Finding(
                    ("id",) if written else (),  # an id from the file name: the page, not a field
                    f"the id `{design.id}`{'' if written else ', from the file name,'} is already used by {owner.file}",
                    f"give this design or {owner.file} another `id:`; links to `{design.id}` go to {owner.file}",
                ),
            )

    known = sorted(first)
    unreadable = frozenset(known_ids)
    for design in ordered:
        for field in LINK_FIELDS:
            for index, target in _links(design, field):
                if full(design):
                    break
                if target not in first and target not in unreadable:
                    report(
                        design,
                        "link-exists",
                        Finding(
                            (field, index),
                            f"no design on the site has the id `{target}`",
                            _did_you_mean(target, known).strip(" ()") or "give the `id` of a design on this site",
                        ),
                    )

    for cycle, edge in _cycles(first):
        start = first[cycle[0]]
        ignored = frozenset().union(*(ignored_rules(first[i]) for i in cycle[:-1]))
        if "link-cycle" in ignored:
            continue
        chain = " → ".join(f"`{i}`" for i in cycle)
        report(
            start,
            "link-cycle",
            Finding(
                (edge.field, edge.index),
                f"the links form a cycle: {chain}",
                "`depends_on` and `supersedes` must not lead back to the design they start from; remove one link",
            ),
            ignored=frozenset(),
        )

    touched: dict[int, Design] = {}
    for design, problem in found:
        design.problems.append(problem)
        touched[id(design)] = design
    for design in touched.values():
        design.problems.sort(key=Problem.sort_key)
    return [p for _, p in found]


def _cycles(first: Mapping[str, Design]) -> Iterator[tuple[tuple[str, ...], _Edge]]:
    """Each cycle found by a depth-first walk, once, as (ids from start back to start, the
    start's link to the next id). `first` maps each id to its design in site order; a
    cycle starts at its member that comes first in that order."""
    rank = {ident: i for i, ident in enumerate(first)}  # `first` was filled in site order
    edges: dict[str, list[_Edge]] = {}
    for ident, design in first.items():
        seen: set[str] = set()
        out = edges.setdefault(ident, [])
        for field in LINK_FIELDS:
            for index, target in _links(design, field):
                if target in first and target not in seen:
                    seen.add(target)
                    out.append(_Edge(target, field, index))

    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(first, white)
    reported: set[tuple[str, ...]] = set()
    for root in first:
        if colour[root] != white:
            continue
        path: list[str] = [root]
        stack: list[Iterator[_Edge]] = [iter(edges[root])]
        colour[root] = grey
        while stack:
            edge = next(stack[-1], None)
            if edge is None:
                colour[path.pop()] = black
                stack.pop()
                continue
            if colour[edge.target] == white:
                colour[edge.target] = grey
                path.append(edge.target)
                stack.append(iter(edges[edge.target]))
            elif colour[edge.target] == grey:
                members = path[path.index(edge.target) :]
                start = min(range(len(members)), key=lambda i: rank[members[i]])
                members = members[start:] + members[:start]
                if tuple(members) in reported:
                    continue
                reported.add(tuple(members))
                following = members[1] if len(members) > 1 else members[0]
                link = next(e for e in edges[members[0]] if e.target == following)
                yield (*members, members[0]), link
