"""Rendering a checked site into every output, without a build tool.

`Publisher` takes a site's `Report` and the URL of each page and returns what the site
shows: each design page's block of HTML and its table of contents, the overview, the
canvases, the badges and the export. Each adapter (the MkDocs plugin, the Zensical
stage) only puts these where its tool wants them.

URLs follow MkDocs' rules (`page_url`), so every route links the same way.
"""

from __future__ import annotations

import html
import json
import math
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from importlib import resources
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import jinja2

from mkdocs_mldesign.core.design import Design, PageResult
from mkdocs_mldesign.core.evidence import lists_evidence, targets
from mkdocs_mldesign.core.labels import Labels, localize
from mkdocs_mldesign.core.problems import Problem
from mkdocs_mldesign.core.report import FORMAT_VERSION, design_dict, unreadable_dict
from mkdocs_mldesign.core.site import Report, Site, mean_percent
from mkdocs_mldesign.git.history import Version, changes

from .badges import TARGET_COLORS, UNREADABLE_COLOR, badge, badge_svg
from .canvas import plan as plan_sheet
from .modelcard import model_card
from .render import Content, LinkResolver, Renderer, SafeMarkdown, framework_views, relations, targets_view
from .sources import RemoteDesign
from .views import (
    ChangeView,
    DesignView,
    FrameworkView,
    LinkView,
    MatrixColumn,
    OverviewView,
    SectionView,
    UnreadableView,
)

TEMPLATES_DIR = str(resources.files(__package__) / "templates")
CSS = "assets/mldesign/mldesign.css"
JS = "assets/mldesign/mldesign.js"
#: The folders of the built site whose files the plugin writes itself.
OWN_FOLDERS = ("assets/mldesign/", "badges/", "canvas/", "model-cards/")
#: Characters that make Python hold a whole page in two or four bytes each: the overview,
#: which grows with every design, writes them as character references.
_OUTSIDE_LATIN1 = re.compile(r"[^\x00-\xff]")
#: A design page's timeline shows this many of its latest status changes.
HISTORY_SHOWN = 12


class RenderError(Exception):
    """A template (usually a user's override) that failed to render."""


@dataclass(frozen=True, slots=True)
class Outputs:
    """Which outputs a site has, and where: the plugin's options, checked."""

    overview: str | None = "designs/index.md"  # the overview page's source path
    placement: str = "top"  # where a design goes in its page when it has no marker
    badges: bool = True
    canvas: bool = True
    export: str | None = "designs.json"
    permalink: str = ""  # the symbol after headings, "" for none
    language: str = "en"  # the language of the site's labels (`theme.language`)
    labels: Mapping[str, Any] = field(default_factory=dict)  # the site's own labels, by key
    palette: tuple[tuple[str, str], ...] = ()  # the site's colour schemes: (media query, scheme)
    scope: str = ""  # where Material keeps the reader's settings (`extra.scope`), "" for the site root
    model_cards: bool = False  # model-cards/<id>.md, a Hugging Face model card of each design


@dataclass(frozen=True, slots=True)
class Heading:
    """An entry of a page's table of contents: a group (level 2) or a section (level 3)."""

    level: int
    title: str  # text, not HTML
    anchor: str
    children: tuple[Heading, ...] = ()


@dataclass(frozen=True, slots=True)
class PageOutput:
    """What one page shows of its design: its HTML block, the headings it adds to the
    table of contents, the view its <head> uses, and its canvas file."""

    src_uri: str
    html: str
    toc: tuple[Heading, ...] = ()
    head: DesignView | None = None
    canvas: tuple[str, str] | None = None  # (path in the site, HTML)


def page_url(src_uri: str, use_directory_urls: bool = True) -> str:
    """The URL of a Markdown page, relative to the site root, as MkDocs makes it."""
    stem, _ = posixpath.splitext(src_uri)
    folder, name = posixpath.split(stem)
    if name in ("index", "README"):
        dest = posixpath.join(folder, "index.html")
    elif use_directory_urls:
        dest = posixpath.join(folder, name, "index.html")
    else:
        dest = posixpath.join(folder, f"{name}.html")
    if use_directory_urls and dest.endswith("index.html"):
        dest = (posixpath.dirname(dest) or ".") + "/"
    return quote(dest)


def relative_url(url: str, base: str) -> str:
    """`url` (relative to the site root) as seen from the page at `base`, as MkDocs'
    `get_relative_url` gives it."""
    if base != ".":
        head, tail = posixpath.split(base)
        base = head if "." in tail else base
    rel = posixpath.relpath(url or ".", base or ".")
    return rel + "/" if url.endswith("/") and not rel.endswith("/") else rel


def link_resolver(urls: Mapping[str, str], src_uri: str) -> LinkResolver:
    """Rewrites an author's relative link to another page into that page's URL."""
    here = urls.get(src_uri)

    def resolve(href: str) -> str | None:
        path, _, anchor = href.partition("#")
        if here is None or not path:
            return None
        target = urls.get(posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), path)))
        if target is None:
            return None
        url = relative_url(target, here)
        return f"{url}#{anchor}" if anchor else url

    return resolve


def template_env(loader: jinja2.BaseLoader | None = None, **globals_: Any) -> jinja2.Environment:
    """Our templates, autoescaped; `loader` (a theme's, with a user's overrides first)
    must also find the package's templates."""
    env = jinja2.Environment(
        loader=loader or jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True, auto_reload=False
    )
    env.globals.update(globals_)
    return env


class Publisher:
    """Every output of one checked site. `urls` maps each page's source path to its URL."""

    def __init__(
        self,
        site: Site,
        report: Report,
        outputs: Outputs,
        urls: Mapping[str, str],
        *,
        env: jinja2.Environment | None = None,
        site_name: str = "",
        site_url: str = "",
        page_context: Callable[[str], Mapping[str, Any]] | None = None,
        source_links: bool = False,
        remote: Sequence[RemoteDesign] = (),
        history: Callable[[str], Sequence[Version]] | None = None,
        labels: Labels | None = None,
    ) -> None:
        self.site, self.report, self.outputs, self.urls = site, report, outputs, urls
        # How a page is linked from inside a page: by its URL (MkDocs writes the HTML as
        # given), or by its source path (Zensical rewrites every relative link in a page,
        # raw HTML included, as a link relative to the page's Markdown file).
        self.links: Mapping[str, str] = {src: quote(src) for src in urls} if source_links else urls
        self.remote = tuple(remote)  # other sites' designs, listed by the overview and the export
        self.page_context = page_context  # more context for a page's templates, by source path
        self.history = history  # a design page's versions in git, by source path
        self.labels = labels or Labels.build(site.template, outputs.language, outputs.labels)
        # The views show the template in the site's language; the check keeps the schema's.
        self.template = localize(site.template, self.labels)
        self.renderer = Renderer(self.template, site.settings, SafeMarkdown(removed=self.labels("unsafe_link.title")))
        self.env = env or template_env()
        self.env.globals.setdefault("mldesign_level", site.template.level)
        self.env.globals["mldesign_t"] = self.labels
        self.site_name, self.site_url = site_name, site_url
        if history is not None and site.frameworks:  # the site shows each design's timeline from git
            for design in report.designs:
                site.judge_frameworks(design, timeline=True)
        self._rel = relations(report.designs)
        self._by_id = {d.id: d for d in report.designs}
        self._designs = {d.src_uri: d for d in report.designs}
        self._unreadable = {r.src_uri: r for r in report.unreadable}
        self._stray = {r.src_uri: r for r in report.stray}

    # --- pages ------------------------------------------------------------------------

    def url(self, src_uri: str) -> str:
        """A page's URL, relative to the site root."""
        return self.urls.get(src_uri) or page_url(src_uri)

    def here(self, src_uri: str) -> str:
        """What links inside the page at `src_uri` are relative to."""
        return self.links.get(src_uri) or self.url(src_uri)

    def pages(self) -> Iterator[PageOutput]:
        """Each page that shows a design or problems, rendered with its canvas: the
        designs, then the unreadable designs, then the pages with problems alone."""
        for src_uri in (*self._designs, *self._unreadable, *self._stray):
            output = self.page(src_uri)
            if output is not None:
                yield output

    def page(self, src_uri: str) -> PageOutput | None:
        """What the page at `src_uri` shows, rendered once with its canvas; None for a
        page with neither a design nor problems. Each page costs only its own render, so
        a builder may render each just before it writes it, and forget it after."""
        design = self._designs.get(src_uri)
        if design is not None:
            return self._design_page(design)
        result = self._unreadable.get(src_uri)
        if result is not None:
            canvas = None
            if self.outputs.canvas:
                canvas = (f"canvas/{result.id}.html", self._unreadable_canvas(result))
            return PageOutput(result.src_uri, self._problems(result), canvas=canvas)
        result = self._stray.get(src_uri)
        return PageOutput(result.src_uri, self._problems(result)) if result is not None else None

    def _design_page(self, design: Design) -> PageOutput:
        here = self.here(design.src_uri)
        content = self.renderer.content(design, link_resolver(self.links, design.src_uri))
        view = self._view(design, content, here)
        if self.history is not None:
            view.history, view.history_more = self._timeline(self.history(design.src_uri))
        html = self.render_page(
            design.src_uri, "fragments/mldesign/design.html", design=view, permalink=self.outputs.permalink
        )
        canvas = None
        if self.outputs.canvas:
            shown = view
            if self.links is not self.urls:  # the canvas is a file no tool rewrites: real URLs
                real = self.renderer.content(design, link_resolver(self.urls, design.src_uri))
                shown = self._view(design, real, self.url(design.src_uri), links=self.urls)
            canvas = (f"canvas/{design.id}.html", self._canvas(design.id, design.src_uri, shown))
        toc = tuple(
            Heading(2, g.title, g.anchor, tuple(Heading(3, s.title, s.anchor) for s in g.sections)) for g in view.groups
        )
        return PageOutput(design.src_uri, html, toc, replace(view, groups=(), checklist=(), gaps=()), canvas)

    def _timeline(self, versions: Sequence[Version]) -> tuple[tuple[ChangeView, ...], int]:
        """The status changes among a design's versions, the latest `HISTORY_SHOWN` of
        them, and how many earlier ones were left out."""
        steps = changes(versions)
        shown = steps[-HISTORY_SHOWN:]
        views = tuple(
            ChangeView(
                v.commit.date,
                v.commit.sha,
                v.commit.subject,
                self.renderer.status_view(v.status) if v.state == "design" else None,
                v.percent,
                v.version,
            )
            for v in shown
        )
        return views, len(steps) - len(shown)

    def _problems(self, result: PageResult) -> str:
        unreadable = SimpleNamespace(problems=result.all_problems)
        return self.render_page(result.src_uri, "fragments/mldesign/problems.html", design=unreadable)

    def _view(self, design: Design, content: Content, here: str, links: Mapping[str, str] | None = None) -> DesignView:
        space = self.links if links is None else links

        def link(target: str) -> LinkView:
            other = self._by_id.get(target)
            url = space.get(other.src_uri) if other else None
            return LinkView(
                target,
                other.title if other else target,
                relative_url(url, here) if url is not None else None,
                other.status if other else "",
            )

        related = {kind: [link(t) for t in ids] for kind, ids in self._rel.get(design.id, {}).items()}
        view = self.renderer.view(
            design,
            content,
            url=relative_url(space.get(design.src_uri) or self.url(design.src_uri), here),
            links=related,
            canvas_url=relative_url(f"canvas/{design.id}.html", here) if self.outputs.canvas else "",
            badge_url=relative_url(f"badges/{design.id}.svg", here) if self.outputs.badges else "",
            targets_badge_url=(
                relative_url(f"badges/{design.id}-targets.svg", here)
                if self.outputs.badges and lists_evidence(design.data)
                else ""
            ),
        )
        view.frameworks = framework_views(design, self.site.frameworks, self.template, self.labels)
        if self.outputs.model_cards:
            view.model_card_url = relative_url(f"model-cards/{design.id}.md", here)
        return view

    def _canvas(self, design_id: str, src_uri: str, view: DesignView) -> str:
        """The one-page canvas; the links in `view` are the design page's."""
        return self.render(
            "fragments/mldesign/canvas.html", design=view, sheet=plan_sheet(view), **self._canvas_context(src_uri)
        )

    def _unreadable_canvas(self, result: PageResult) -> str:
        return self.render(
            "fragments/mldesign/canvas-unreadable.html",
            design=SimpleNamespace(id=result.id, title=result.title, problems=result.all_problems),
            **self._canvas_context(result.src_uri),
        )

    def _canvas_context(self, src_uri: str) -> dict[str, Any]:
        """What a canvas document needs besides its design: it is a page of its own."""
        return {
            "css_url": "../" + CSS,
            "page_url": relative_url(self.url(src_uri), "canvas/x.html"),
            "site_name": self.site_name,
            "lang": self.labels.language,
            "palette": [{"media": media, "scheme": scheme} for media, scheme in self.outputs.palette],
            "scope": self.outputs.scope or "../",
        }

    # --- the overview -----------------------------------------------------------------

    def overview(self) -> str:
        """The overview's HTML, for the page at `outputs.overview`."""
        src_uri = self.outputs.overview or "designs/index.md"
        here = self.here(src_uri)
        report = self.report
        site = self.site_name if self.remote else ""
        rows = []
        for d in report.designs:
            rows.append(replace(self._view(d, self.renderer.summary(d), here), site=site))
        rows.extend(self._remote_view(r) for r in self.remote if r.readable)
        broken = [
            UnreadableView(r.id, r.title, relative_url(self.here(r.src_uri), here), tuple(r.all_problems), site)
            for r in report.unreadable
        ]
        broken.extend(
            UnreadableView(r.entry["id"], r.entry["title"], r.url, _problems(r), r.site)
            for r in self.remote
            if not r.readable
        )
        columns = tuple(
            MatrixColumn(s.key, s.title, mean_percent(self._section_scores(s.key))) for s in self.template.counted
        )
        view = OverviewView(
            designs=tuple(sorted(rows, key=lambda d: (d.title.lower(), d.site))),
            columns=columns,
            statuses=tuple(self.renderer.status_view(s.name) for s in self.site.settings.statuses),
            completeness=self.completeness(),
            badge_url=relative_url("badges/all.svg", here) if self.outputs.badges else "",
            export_url=relative_url(self.outputs.export, here) if self.outputs.export else "",
            unreadable=tuple(sorted(broken, key=lambda r: (r.title.lower(), r.site))),
            sites=tuple(dict.fromkeys([self.site_name, *(r.site for r in self.remote)])) if self.remote else (),
            evidence=any(d.targets is not None for d in rows),
            frameworks=tuple(
                FrameworkView(f.name, f.text("short", self.labels.language), "", 0, len(f.points), ())
                for f in self.site.frameworks
            ),
            weakest=weakest(columns),
        )
        html = self.render_page(
            src_uri, "fragments/mldesign/overview.html", overview=view, design_key=self.site.settings.key
        )
        return _OUTSIDE_LATIN1.sub(lambda m: f"&#{ord(m.group())};", html)

    def completeness(self) -> int:
        """The mean completeness the overview and `badges/all.svg` show: this site's
        designs, and the other sites' at the completeness they published."""
        values = [d.score.value for d in self.report.designs]
        values.extend(Fraction(r.entry["completeness"], 100) for r in self.remote if r.readable)
        return mean_percent(values)

    def _section_scores(self, key: str) -> list[Fraction]:
        scores = [s.score for d in self.report.designs for s in d.score.sections if s.key == key]
        for r in self.remote:
            value = r.entry["sections"].get(key) if r.readable else None
            if value is not None:
                scores.append(Fraction(str(value)))
        return scores

    def _remote_view(self, remote: RemoteDesign) -> DesignView:
        """Another site's design as an overview row: what its export says, linked to its page."""
        entry = remote.entry
        checklist = []
        for section in self.template.counted:
            state = entry["states"].get(section.key)
            if state is None:
                continue  # the other site's template has no such section
            score = entry["sections"].get(section.key, 1 if state in ("complete", "na") else 0)
            checklist.append(
                SectionView(
                    key=section.key,
                    title=section.title,
                    question="",
                    anchor=f"mldesign-{section.key}",
                    group=section.group,
                    counts=True,
                    state=state,
                    percent=math.floor(Fraction(str(score)) * 100),
                    kind="text",
                )
            )
        return DesignView(
            id=entry["id"],
            title=entry["title"],
            url=remote.url,
            status=self.renderer.status_view(entry["status"]),
            owners=tuple(entry["owners"]),
            reviewers=(),
            version="",
            created="",
            updated=entry["updated"][:10],
            tags=(),
            completeness=entry["completeness"],
            groups=(),
            checklist=tuple(checklist),
            gaps=tuple(s for s in checklist if s.state in ("partial", "missing")),
            problems=_problems(remote),
            site=remote.site,
            targets=(
                targets_view([(m["measured"]["verdict"], m["priority"]) for m in entry["metrics"]])
                if entry["evidence"]
                else None
            ),
        )

    # --- files ------------------------------------------------------------------------

    def files(self) -> Iterator[tuple[str, str]]:
        """The badges and the export, as (path in the site, text)."""
        report = self.report
        if self.outputs.badges:
            for d in report.designs:
                yield f"badges/{d.id}.svg", self._badge(self.labels("badge.design"), d.score.percent)
                if lists_evidence(d.data):
                    yield f"badges/{d.id}-targets.svg", self._targets_badge(d)
            for r in report.unreadable:
                yield f"badges/{r.id}.svg", self._badge(self.labels("badge.design"), None)
            scored = report.designs or any(r.readable for r in self.remote) or not report.unreadable
            yield "badges/all.svg", self._badge(self.labels("badge.designs"), self.completeness() if scored else None)
        if self.outputs.model_cards:
            for d in report.designs:
                card = f"model-cards/{d.id}.md"
                page = self._public(d.src_uri) if self.site_url else relative_url(self.url(d.src_uri), card)
                yield card, model_card(d, self.template, self.labels, page_url=page)
        if self.outputs.export:
            yield self.outputs.export, json.dumps(self.export(), indent=2, ensure_ascii=False)

    def export(self) -> dict[str, Any]:
        """`designs.json`: every design with its scores, and the site that published it."""
        entries = [design_dict(d, url=self._public(d.src_uri)) for d in self.report.designs]
        entries.extend(unreadable_dict(r, url=self._public(r.src_uri)) for r in self.report.unreadable)
        entries.sort(key=lambda e: e["file"])
        for r in sorted(self.remote, key=lambda r: (r.site, r.entry["file"])):
            entries.append({**r.entry, "url": r.url, "site": {"name": r.site, "url": r.site_url or None}})
        return {
            "format": FORMAT_VERSION,
            "site": {"name": self.site_name, "url": self.site_url or None},
            "designs": entries,
        }

    def _public(self, src_uri: str) -> str:
        """A page's URL as the export gives it: absolute when the site has a `site_url`."""
        url = self.url(src_uri)
        if not self.site_url:
            return url
        base = self.site_url if self.site_url.endswith("/") else self.site_url + "/"
        return base + ("" if url == "./" else url)

    def _badge(self, label: str, percent: int | None) -> str:
        return badge_svg(label, percent, self.site.template.level(percent or 0).color, self.labels("badge.unreadable"))

    def _targets_badge(self, design: Design) -> str:
        summary = targets([(c.verdict, c.priority) for c in design.checks])
        if summary.total == 0:
            return badge(self.labels("badge.targets"), self.labels("badge.targets.none"), UNREADABLE_COLOR)
        shown = self.labels("badge.targets.value", met=summary.met, total=summary.total)
        return badge(self.labels("badge.targets"), shown, TARGET_COLORS[summary.state])

    def render_page(self, src_uri: str, name: str, **context: Any) -> str:
        """A fragment that goes into the page at `src_uri`, with `base_url` as MkDocs gives it."""
        context["base_url"] = _root(self.here(src_uri))
        if self.page_context is not None:
            context.update(self.page_context(src_uri))
        return self.render(name, **context)

    def render(self, name: str, **context: Any) -> str:
        try:
            return self.env.get_template(name).render(**context)
        except jinja2.TemplateError as exc:
            raise RenderError(f"the template {name} failed: {exc}") from None


def _problems(remote: RemoteDesign) -> tuple[Problem, ...]:
    """Another site's problems with a design, as far as its export states them."""

    def number(value: Any) -> int:
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    found = []
    for p in remote.entry["problems"]:
        if isinstance(p, dict):
            found.append(
                Problem(
                    str(p.get("file", remote.entry["file"])),
                    number(p.get("line")),
                    number(p.get("column")),
                    str(p.get("field", "")),
                    "error" if p.get("severity") == "error" else "warning",
                    str(p.get("rule", "")),
                    str(p.get("message", "")),
                    str(p.get("hint", "")),
                )
            )
    return tuple(found)


def weakest(columns: Sequence[MatrixColumn]) -> str:
    """The key of the section with the lowest average, as shown (whole percent): only when
    one section alone is lowest and below 100%. A mark on several sections, or on every
    one of a complete site, singles nothing out."""
    if not columns:
        return ""
    low = min(c.average for c in columns)
    lowest = [c for c in columns if c.average == low]
    return lowest[0].key if len(lowest) == 1 and low < 100 else ""


def _root(url: str) -> str:
    return relative_url(".", url)


def overview_page(title: str, marker: str, *, title_as_html: bool = False) -> str:
    """The Markdown of an overview page the site does not have: a title and `marker`. The
    tables want the page's full width: Material hides the (empty) table of contents.
    With `title_as_html`, the front matter's title is escaped, for a tool that prints a
    page's title as HTML (Zensical); the plugin escapes it itself under MkDocs."""
    meta_title = html.escape(title) if title_as_html else title
    return f"---\ntitle: {json.dumps(meta_title)}\nhide: [toc]\n---\n\n# {html.escape(title)}\n\n{marker}\n"


def place(html: str, slot: str, placement: str, marker: str) -> str:
    """`html` (a page's body) with `slot` where its design goes: at `marker` when the page
    has one, else after its first <h1> (top) or at its end (bottom)."""
    if marker in html:
        return html.replace(marker, slot, 1)
    if placement == "bottom":
        return f"{html}\n{slot}"
    stripped = html.lstrip()
    if stripped.startswith("<h1"):
        end = stripped.find("</h1>")
        if end != -1:
            end += len("</h1>")
            return f"{stripped[:end]}\n{slot}\n{stripped[end:]}"
    return f"{slot}\n{html}"
