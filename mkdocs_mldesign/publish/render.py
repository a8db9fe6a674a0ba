"""Turning a checked design into the views the templates render.

Authors' text is Markdown, converted by a dedicated, locked-down Markdown instance:
raw HTML is shown as text and links with a scheme other than http, https or mailto
are neutralised, so nothing an author writes in front matter can run script in a
reader's browser. All the text of one design goes through a single conversion.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import markdown
from markdown.treeprocessors import Treeprocessor

from mkdocs_mldesign.core.completeness import SectionScore, counted_fields, is_filled, is_na, lookup, score_section
from mkdocs_mldesign.core.design import Dated, Design
from mkdocs_mldesign.core.evidence import MetricCheck, lists_evidence, targets
from mkdocs_mldesign.core.frameworks import Framework
from mkdocs_mldesign.core.frontmatter import brackets_in, plain_text
from mkdocs_mldesign.core.labels import Labels
from mkdocs_mldesign.core.schema import Section, Template
from mkdocs_mldesign.core.settings import Settings, StatusSpec

from .views import (
    ApprovalView,
    DateView,
    DesignView,
    FieldView,
    FrameworkView,
    GroupView,
    LinkView,
    MeasuredView,
    MetricView,
    ObjectiveView,
    PointView,
    SectionView,
    StatusView,
    TargetsView,
)

Kind = Literal["fields", "list", "text", "objectives", "metrics"]

#: Rewrites a relative link found in an author's text; returns None to keep it as written.
LinkResolver = Callable[[str], str | None]

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
REMOVED_LINK = "Link removed: only http, https and mailto addresses are allowed"
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_SEPARATOR = "MLDESIGNSEPARATOR7F3A"
_SEPARATOR_HTML = f"<p>{_SEPARATOR}</p>"
_SINGLE_PARAGRAPH = re.compile(r"^<p>((?:(?!<p>).)*)</p>$", re.DOTALL)
#: Text that Markdown would only wrap in <p>: one line that starts with a letter and ends
#: without white space, free of every character that can start Markdown or HTML syntax.
#: Most of a design's prose is such text; it skips the converter (the same output, checked
#: against it in tests/core/test_render_plain.py), which is most of a page's render time.
_PROSE = r"[^\s\x00-\x1f\x7f-\x9f*_`\[\]!<>&\\#|~]"  # one character that is neither of those
_PLAIN = re.compile(rf"[^\W\d_](?:(?:{_PROSE}| )*{_PROSE})?")


def unsafe_url(url: str) -> bool:
    """Whether a link target would run script or leave the web (javascript:, data:, ...)."""
    plain = _INVISIBLE.sub("", html.unescape(url)).lower()
    match = _SCHEME.match(plain)
    return match is not None and match.group(1) not in SAFE_SCHEMES


class _LinkGuard(Treeprocessor):
    """Drops unsafe link targets and lets the caller rewrite relative ones."""

    resolver: LinkResolver | None = None
    removed = ""  # the title of a link whose target was removed

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            attribute = "href" if element.tag == "a" else "src" if element.tag == "img" else None
            if attribute is None or attribute not in element.attrib:
                continue
            url = element.attrib[attribute]
            if unsafe_url(url):
                del element.attrib[attribute]
                element.set("class", "mldesign-unsafe-link")
                element.set("title", self.removed)
            elif self.resolver is not None and not url.startswith(("#", "/")) and not _SCHEME.match(url.lower()):
                resolved = self.resolver(url)
                if resolved is not None:
                    element.set(attribute, resolved)


class SafeMarkdown:
    """One Markdown converter for authors' text, built once and reused for every page."""

    def __init__(
        self, extensions: Sequence[str] = ("fenced_code", "tables", "sane_lists"), *, removed: str = REMOVED_LINK
    ) -> None:
        self._md = markdown.Markdown(extensions=list(extensions))
        # Raw HTML becomes visible text: front-matter values are data, not markup.
        self._md.preprocessors.deregister("html_block")
        self._md.inlinePatterns.deregister("html")
        self._guard = _LinkGuard(self._md)
        self._guard.removed = removed
        self._md.treeprocessors.register(self._guard, "mldesign_link_guard", 0)

    def convert(self, text: str, resolver: LinkResolver | None = None) -> str:
        self._guard.resolver = resolver
        try:
            return self._md.reset().convert(text)
        finally:
            self._guard.resolver = None

    def convert_many(
        self, texts: Sequence[str], resolver: LinkResolver | None = None, *, design_brackets: int = 0
    ) -> list[str]:
        """Convert several snippets in one pass; each keeps its own HTML.

        A snippet Python-Markdown cannot afford (`frontmatter.plain_text`: too many `[`
        in it, or in the design it belongs to, which holds `design_brackets`) is shown as
        plain text, escaped, without going through the converter.
        """
        out = []
        for text in texts:
            if plain_text(text, design_brackets):
                out.append(f"<p>{html.escape(text, quote=False)}</p>")
            else:
                out.append(f"<p>{text}</p>" if _PLAIN.fullmatch(text) else "")
        rest = [t for t, done in zip(texts, out, strict=True) if not done]
        if rest:
            converted = iter(self._convert_many(rest, resolver))
            out = [done or next(converted) for done in out]
        return out

    def _convert_many(self, texts: Sequence[str], resolver: LinkResolver | None) -> list[str]:
        joined = "\n\n".join(f"{t}\n\n{_SEPARATOR}" for t in texts)
        parts = self.convert(joined, resolver).split(_SEPARATOR_HTML)
        if len(parts) == len(texts) + 1:
            return [p.strip() for p in parts[:-1]]
        # A snippet swallowed a separator (an unclosed code fence): convert one by one.
        return [self.convert(t, resolver) for t in texts]


def inline(html_text: str) -> str:
    """A single paragraph's content without the <p>, for list items and table cells."""
    match = _SINGLE_PARAGRAPH.match(html_text)
    return match.group(1) if match else html_text


class _Batch:
    """Collects snippets of Markdown, converts them at once, hands back each result."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.out: list[str] = []

    def add(self, text: str) -> int:
        self.texts.append(text)
        return len(self.texts) - 1

    def run(self, md: SafeMarkdown, resolver: LinkResolver | None, design_brackets: int = 0) -> None:
        self.out = md.convert_many(self.texts, resolver, design_brackets=design_brackets)

    def __getitem__(self, index: int) -> str:
        return self.out[index]


def _text_items(value: Any) -> list[str] | str | None:
    """A text field as Markdown: a string, a list of strings, or None when unfilled."""
    if not is_filled(value):
        return None
    if isinstance(value, list):
        return [str(v) for v in value if is_filled(v) and not isinstance(v, dict | list)]
    if isinstance(value, dict | bool):
        return None
    return str(value)


def _shown(value: Any) -> str:
    """A scalar as it is shown: "" for nothing, a list or mapping, and for a placeholder,
    which is never shown as content."""
    if value is None or isinstance(value, dict | list) or not is_filled(value):
        return ""
    return str(value).strip() if isinstance(value, str) else str(value)


def _kind(section: Section, value: Any) -> Kind:
    """How a section shows `value` (`Renderer._section` follows the same cases)."""
    if is_na(value):
        return "fields" if section.fields else "text"
    if section.key in ("metrics", "objectives") and isinstance(value, list):
        return "metrics" if section.key == "metrics" else "objectives"
    if section.fields:
        return "fields"
    if section.single and isinstance(value, dict):
        value = value.get(section.single)
    return "list" if isinstance(value, list) else "text"


def _na_reason(value: Any) -> str:
    """The reason given for a section marked not applicable, or ""."""
    reason = value.get("na") if isinstance(value, dict) and is_na(value) else ""
    return reason if isinstance(reason, str) else ""


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


@dataclass(frozen=True, slots=True)
class Content:
    """A design's rendered sections: independent of where the design is shown."""

    groups: tuple[GroupView, ...]
    checklist: tuple[SectionView, ...]
    gaps: tuple[SectionView, ...]


class Renderer:
    """Builds views for one site's template and settings."""

    def __init__(self, template: Template, settings: Settings, md: SafeMarkdown | None = None) -> None:
        self.template = template
        self.settings = settings
        self.md = md or SafeMarkdown()

    # --- page-independent content ---------------------------------------------------

    def content(self, design: Design, resolver: LinkResolver | None = None) -> Content:
        batch = _Batch()
        pending: list[Callable[[], SectionView]] = []
        scored = {s.key: s for s in design.score.sections}  # the check scored the counted ones
        # Each metric's verdict, for its row; none when the design names no evidence.
        checks = {c.index: c for c in design.checks} if lists_evidence(design.data) else None
        for section in self.template.sections:
            value = design.data.get(section.key)
            if value is None and not section.counts:
                continue  # an optional section the author left out is not shown
            score = scored.get(section.key) or score_section(section, value)
            pending.append(self._section(section, value, score, batch, checks))
        batch.run(self.md, resolver, brackets_in(design.data))
        sections = [build() for build in pending]
        groups = []
        for group in self.template.groups:
            members = tuple(s for s in sections if s.group == group.key)
            if members:
                groups.append(
                    GroupView(group.key, group.title, group.description, f"mldesign-group-{group.key}", members)
                )
        checklist = tuple(s for s in sections if s.counts)
        gaps = tuple(s for s in checklist if s.state in ("partial", "missing"))
        return Content(tuple(groups), checklist, gaps)

    def summary(self, design: Design) -> Content:
        """The checklist alone, without rendering any text: each counted section's state,
        title and anchor, all an overview row needs (the checklist of `content`, without
        the sections' bodies)."""
        scored = {s.key: s for s in design.score.sections}
        checklist = []
        for section in self.template.sections:
            if not section.counts:
                continue
            value = design.data.get(section.key)
            score = scored.get(section.key) or score_section(section, value)
            checklist.append(
                SectionView(**self._base(section, score), kind=_kind(section, value), na_reason=_na_reason(value))
            )
        return Content((), tuple(checklist), tuple(s for s in checklist if s.state in ("partial", "missing")))

    @staticmethod
    def _base(section: Section, score: SectionScore) -> dict[str, Any]:
        titles = {f.key: f.label for f in section.fields}
        questions = {f.key: f.description for f in section.fields}
        return {
            "key": section.key,
            "title": section.title,
            "question": section.description,
            "anchor": f"mldesign-{section.key}",
            "group": section.group,
            "counts": section.counts,
            "state": score.state,
            "percent": score.percent,
            "filled": tuple(titles.get(k, section.title) for k in score.filled),
            "missing": tuple(
                (titles.get(k, section.title), questions.get(k, section.description)) for k in score.missing
            ),
        }

    def _section(
        self,
        section: Section,
        value: Any,
        score: SectionScore,
        batch: _Batch,
        checks: Mapping[int, MetricCheck] | None,
    ) -> Callable[[], SectionView]:
        base = self._base(section, score)
        kind = _kind(section, value)
        if is_na(value):
            na_reason = _na_reason(value)
            return lambda: SectionView(**base, kind=kind, na_reason=na_reason)
        if section.key == "metrics" and isinstance(value, list):
            return self._metrics(base, value, batch, checks)
        if section.key == "objectives" and isinstance(value, list):
            return self._objectives(base, value, batch)
        if section.fields:
            asked = set(counted_fields(section, value)) if section.counts else {f.key for f in section.fields}
            slots = [(f, self._queue(_text_items(lookup(value, f.key)), batch)) for f in section.fields]
            return lambda: SectionView(
                **base,
                kind="fields",
                fields=tuple(
                    FieldView(
                        f.key,
                        f.title,
                        f.description,
                        self._take(ref, batch),
                        f.parent,
                        f.key in asked,
                        self._items(ref, batch),
                    )
                    for f, ref in slots
                ),
            )
        if section.single and isinstance(value, dict):
            value = value.get(section.single)
        ref = self._queue(_text_items(value), batch)
        return lambda: SectionView(**base, kind=kind, html=self._take(ref, batch), items_html=self._items(ref, batch))

    @staticmethod
    def _queue(text: list[str] | str | None, batch: _Batch) -> Any:
        if text is None:
            return None
        if isinstance(text, list):
            return [batch.add(t) for t in text]
        return batch.add(text)

    @staticmethod
    def _items(ref: Any, batch: _Batch) -> tuple[str, ...]:
        """A list's items as `_take` writes them, for a view that shows some of them."""
        return tuple(inline(batch[i]) for i in ref) if isinstance(ref, list) else ()

    @staticmethod
    def _take(ref: Any, batch: _Batch) -> str | None:
        if ref is None:
            return None
        if isinstance(ref, list):
            if not ref:
                return None
            return "<ul>" + "".join(f"<li>{inline(batch[i])}</li>" for i in ref) + "</ul>"
        out: str = batch[ref]
        return out

    def _metrics(
        self, base: dict[str, Any], value: list[Any], batch: _Batch, checks: Mapping[int, MetricCheck] | None
    ) -> Callable[[], SectionView]:
        """The metrics table; with `checks` (the design lists evidence), each row's verdict."""
        rows: list[tuple[str, int | None, str, str, MeasuredView | None]] = []
        notes: list[int] = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                name = item.get("name")
                # A metric nobody has written yet (the scaffold's `name: TODO`) is no row.
                if not isinstance(name, str) or not is_filled(item):
                    continue
                objective = _text_items(item.get("objective"))
                ref = batch.add(objective if isinstance(objective, str) else "; ".join(objective or []))
                priority = item.get("priority")
                check = checks.get(index) if checks is not None else None
                rows.append(
                    (
                        _shown(name),
                        ref if objective else None,
                        _shown(item.get("target")),
                        priority if isinstance(priority, str) else "",
                        _measured(check) if check is not None else None,
                    )
                )
            elif isinstance(item, str) and is_filled(item):
                notes.append(batch.add(item))

        def build() -> SectionView:
            metrics = tuple(
                MetricView(
                    name, f"mldesign-metric-{slug(name)}", inline(batch[ref]) if ref is not None else "", t, p, m
                )
                for name, ref, t, p, m in rows
            )
            return SectionView(
                **base,
                kind="metrics",
                metrics=metrics,
                metric_notes_html=tuple(inline(batch[i]) for i in notes),
            )

        return build

    def _objectives(self, base: dict[str, Any], value: list[Any], batch: _Batch) -> Callable[[], SectionView]:
        items: list[tuple[int, str]] = []
        for item in value:
            if isinstance(item, dict):
                text = item.get("objective")
                metric = item.get("metric")
                if isinstance(text, str) and is_filled(text):
                    items.append((batch.add(text), _shown(metric) if isinstance(metric, str) else ""))
            elif isinstance(item, str) and is_filled(item):
                items.append((batch.add(item), ""))
        return lambda: SectionView(
            **base,
            kind="objectives",
            objectives=tuple(
                ObjectiveView(inline(batch[ref]), metric, f"mldesign-metric-{slug(metric)}" if metric else "")
                for ref, metric in items
            ),
        )

    # --- page-dependent view ----------------------------------------------------------

    def status_view(self, name: str) -> StatusView:
        spec = self.settings.status(name) or StatusSpec(name or "unknown", "#9e9e9e", 99)
        return StatusView(spec.name, spec.color, spec.order)

    def view(
        self,
        design: Design,
        content: Content,
        *,
        url: str,
        links: Mapping[str, Sequence[LinkView]] | None = None,
        canvas_url: str = "",
        badge_url: str = "",
        targets_badge_url: str = "",
    ) -> DesignView:
        data = design.data
        links = links or {}
        metric_names = {m.name for s in content.checklist for m in s.metrics}
        groups = content.groups
        if metric_names:
            groups = tuple(_drop_dead_metric_links(g, metric_names) for g in groups)
        extra = {}
        for f in self.template.metadata:
            if not f.shown and is_filled(data.get(f.key)):  # an organisation's own field
                value = data.get(f.key)
                extra[f.title] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        return DesignView(
            id=design.id,
            title=design.title,
            url=url,
            status=self.status_view(design.status),
            owners=tuple(design.owners),
            reviewers=tuple(_strings(data.get("reviewers"))),
            version=design.version,
            created=design.created.date if design.created else "",
            updated=design.updated.date if design.updated else "",
            tags=tuple(design.tags),
            completeness=design.score.percent,
            groups=groups,
            checklist=content.checklist,
            gaps=content.gaps,
            problems=tuple(design.problems),
            depends_on=tuple(links.get("depends_on", ())),
            supersedes=tuple(links.get("supersedes", ())),
            used_by=tuple(links.get("used_by", ())),
            superseded_by=tuple(links.get("superseded_by", ())),
            canvas_url=canvas_url,
            badge_url=badge_url,
            targets_badge_url=targets_badge_url,
            extra=extra,
            created_at=_date_view(design.created),
            updated_at=_date_view(design.updated),
            approvals=_approvals(design),
            targets=targets_view([(c.verdict, c.priority) for c in design.checks]) if lists_evidence(data) else None,
        )


def framework_views(
    design: Design, frameworks: Sequence[Framework], template: Template, labels: Labels
) -> tuple[FrameworkView, ...]:
    """Each framework of the site as `design` answers it (`design.frameworks`), in the
    site's language, with a link to the section behind each field."""
    out = []
    for framework in frameworks:
        results = design.frameworks.get(framework.name, [])
        points = tuple(
            PointView(
                r.point.id,
                r.point.text("title", labels.language),
                r.state,
                r.point.text("guidance", labels.language),
                tuple(_field_link(f, template, labels, framework) for f in r.point.fields)
                + (((labels("framework.history"), "mldesign-history"),) if r.point.history else ()),
                tuple(_field_link(f, template, labels, framework)[0] for f in r.missing),
            )
            for r in results
        )
        answered = sum(1 for p in points if p.state == "answered")
        out.append(
            FrameworkView(
                framework.name,
                framework.text("title", labels.language),
                framework.text("description", labels.language),
                answered,
                len(points),
                points,
            )
        )
    return tuple(out)


def _field_link(path: str, template: Template, labels: Labels, framework: Framework) -> tuple[str, str]:
    if path == "history":
        return labels("framework.history"), "mldesign-history"
    head, _, rest = path.partition(".")
    section = template.section(head)
    if section is None:
        meta = next((f for f in template.metadata if f.key == path), None)
        return (meta.title, "") if meta else (labels("framework.extension", field=path), "")
    found = section.field(rest) if rest else None
    if rest and found is None:  # a group of fields (data's training)
        found = next((f for f in section.fields if f.key.startswith(rest + ".")), None)
        title = found.parent if found and found.parent else rest
        return f"{section.title}: {title}", section_anchor(head)
    return (f"{section.title}: {found.label}" if found else section.title), section_anchor(head)


def section_anchor(key: str) -> str:
    return f"mldesign-{key}"


def targets_view(verdicts: Sequence[tuple[str, str]]) -> TargetsView:
    summary = targets(verdicts)
    return TargetsView(summary.met, summary.total, summary.state, summary.guardrail_missed)


def _measured(check: MetricCheck) -> MeasuredView:
    m = check.measured
    if m is None:
        return MeasuredView(check.verdict, "", "", "", "", check.reason)
    return MeasuredView(check.verdict, check.shown or f"{m.value:.4g}", m.source, m.date[:10], m.url, check.reason)


def _date_view(dated: Dated | None) -> DateView | None:
    return DateView(dated.date, dated.source, dated.commit) if dated is not None else None


def _approvals(design: Design) -> tuple[ApprovalView, ...]:
    current = design.version.strip()
    items = design.data.get("approvals")
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("by"), str):
            version = _scalar(item.get("version")).strip()
            shown = _scalar(item.get("date"))[:10]
            out.append(ApprovalView(item["by"], version, shown, bool(current) and version == current))
    return tuple(out)


def _strings(value: Any) -> list[str]:
    """The texts of a list, without placeholders, which are never shown."""
    if not isinstance(value, list):
        return []
    return [str(v) for v in value if isinstance(v, str | int | float) and is_filled(v)]


def _scalar(value: Any) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value)


def _drop_dead_metric_links(group: GroupView, names: set[str]) -> GroupView:
    sections = []
    for s in group.sections:
        if s.kind == "objectives" and any(o.metric and o.metric not in names for o in s.objectives):
            fixed = tuple(
                o if not o.metric or o.metric in names else ObjectiveView(o.html, o.metric, "") for o in s.objectives
            )
            s = replace(s, objectives=fixed)
        sections.append(s)
    return GroupView(group.key, group.title, group.description, group.anchor, tuple(sections))


def relations(designs: Sequence[Design]) -> dict[str, dict[str, list[str]]]:
    """For each design id: the ids it depends on / supersedes, and the reverse relations."""
    out: dict[str, dict[str, list[str]]] = {
        d.id: {"depends_on": [], "supersedes": [], "used_by": [], "superseded_by": []} for d in designs
    }
    for d in designs:
        for forward, backward in (("depends_on", "used_by"), ("supersedes", "superseded_by")):
            for target in _strings(d.data.get(forward)):
                out[d.id][forward].append(target)
                if target in out and d.id not in out[target][backward]:
                    out[target][backward].append(d.id)
    return out
