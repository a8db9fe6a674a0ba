"""The MkDocs adapter: forwards build events to the pure core and puts the results in the site.

Per page, `on_page_read_source` reads the file once and checks its design;
`on_page_content` leaves a marker where the design goes. Everything that needs all
designs (links between them, site-wide lint, the overview, badges, the export) is
done once, late, in `on_env` and `on_post_build`. Each design page is rendered with
its canvas in `on_page_context`, just before MkDocs renders the page, and its HTML is
let go once the page is rendered (`on_post_page`): a site holds one design's HTML at a
time, not every design's until the build ends.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink
from mkdocs.utils import dirname_to_title
from mkdocs.utils.templates import TemplateContext

from mkdocs_mldesign.core import lint as lint_rules
from mkdocs_mldesign.core.design import DocsPrefix, PageResult, Span, beside_real_file, read_inside
from mkdocs_mldesign.core.frontmatter import MAX_PAGE_BYTES, NotRegular, decode, read_page
from mkdocs_mldesign.core.labels import Labels
from mkdocs_mldesign.core.problems import Problem
from mkdocs_mldesign.core.settings import SettingsError
from mkdocs_mldesign.core.site import Report, Site, SiteError
from mkdocs_mldesign.git.history import HISTORY_CACHE, GitLog, Timeline, Version, cache_file
from mkdocs_mldesign.publish.options import Options, nav_mentions, parse_options
from mkdocs_mldesign.publish.publisher import (
    CSS,
    JS,
    TEMPLATES_DIR,
    Heading,
    Publisher,
    RenderError,
    overview_page,
    place,
)
from mkdocs_mldesign.publish.search_text import lean
from mkdocs_mldesign.publish.sources import RemoteDesign, load_sources
from mkdocs_mldesign.routes.zensical import extension as zensical_route

log = get_plugin_logger(__name__)

DESIGN_MARKER = "<!-- mldesign -->"
#: Problems logged once every page is read: those across designs, and those of dates
#: (which may come from git).
_LOGGED_IN_ENV = lint_rules.SITE_RULE_IDS | lint_rules.DATE_RULE_IDS
OVERVIEW_MARKER = "<!-- mldesign-overview -->"
_SLOT = "<!--mldesign:slot-->"


class MLDesignConfig(base.Config):
    key = c.Type(str, default="design")
    """The front-matter key that holds a page's design."""

    overview = c.Type((str, bool), default="designs/index.md")
    """Path of the generated overview page, relative to the docs folder; `false` for none.
    If a page already exists there, the overview is added to it (at `<!-- mldesign-overview -->`
    when that marker is present, else at its end)."""

    placement = c.Choice(("top", "bottom"), default="top")
    """Where the rendered design goes in a design page's body. A `<!-- mldesign -->` marker in
    the page always wins."""

    badges = c.Type(bool, default=True)
    """Write `badges/<id>.svg` for every design and `badges/all.svg` for the whole site."""

    canvas = c.Type(bool, default=True)
    """Write a one-page, printable ML canvas of every design at `canvas/<id>.html`."""

    export = c.Type((str, bool), default="designs.json")
    """Path of the JSON export of all designs in the built site; `false` for none."""

    extension_schema = c.Optional(c.File(exists=True))
    """A JSON or YAML file that adds an organisation's fields and requirements to the schema."""

    statuses = c.Optional(c.Type(list))
    """The site's own statuses, in order: names, or mappings with `name`, `color`, `order` and
    `complete` (a design with that status must be 100% complete)."""

    lint = c.Type(dict, default={})
    """Lint rule levels by rule id: `error`, `warning` or `off`."""

    stale_after_days = c.Type(int, default=365)
    """An approved design whose `updated` date is older than this many days is reported as stale."""

    require_approvals = c.Type(bool, default=False)
    """Every design whose status demands completeness (`approved`) must record, in `approvals`,
    an approval of its current `version` by one of its `reviewers`."""

    git_dates = c.Type(bool, default=True)
    """A design that writes no `created` or `updated` date gets it from git: the first and the
    last commit that touched its page (and its design file)."""

    history = c.Type(bool, default=True)
    """Show on each design page a timeline from git: every change of its status, with its date,
    commit and completeness then."""

    language = c.Optional(c.Type(str))
    """The language of the labels the plugin writes; by default the theme's `language` (Material,
    mldesign) or `locale` (MkDocs' own themes), else English."""

    labels = c.Type(dict, default={})
    """The site's own text for any label, by key (`mldesign labels` lists them); a key left out
    keeps the shipped text of the site's language."""

    sources = c.Type(list, default=[])
    """Other sites' `designs.json` (paths relative to mkdocs.yml, or http(s) URLs), whose designs
    the overview and the export also list, with the site that publishes each."""


@dataclass(slots=True)
class _Entry:
    """What the plugin keeps of one page between events and, under `serve`, between builds.

    Not the page's text: when a change of the plugin's settings must re-check pages that
    `serve --dirty` does not read again, `file` reads it again.
    """

    digest: str
    file: File
    shown: str
    result: PageResult


@dataclass(slots=True)
class _Block:
    """Where the plugin's HTML sits in a page's content: [start, end) of a content of `length`."""

    start: int
    end: int
    length: int
    head: str  # its first characters, to tell that it is still there
    before: str  # the content before the block was put in
    full: str | None = None  # the page's content while search reads the lean one


#: Material's search plugin removes these attributes from every page it indexes.
_MATERIAL_SEARCH_ATTRIBUTES = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")


def _only_material_search_between(config: MkDocsConfig, plugin: MLDesignPlugin) -> bool:
    """Whether Material's search plugin, and nothing else, reads pages between our two
    `on_page_context` handlers: only then may it be handed the lean HTML."""
    inside = [
        m
        for m in config.plugins.events.get("page_context", [])
        if -1 < getattr(m, "mkdocs_priority", 0) < 1 and getattr(m, "__self__", None) is not plugin
    ]
    owners = [getattr(m, "__self__", None) for m in inside]
    return (
        bool(owners)
        and all(type(p).__module__ == "material.plugins.search.plugin" for p in owners)
        and any(getattr(p, "config", {}).get("enabled", True) for p in owners)
    )


def _digest(data: bytes | str) -> str:
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


class MLDesignPlugin(BasePlugin[MLDesignConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}  # by src_uri; survives rebuilds under `serve`
        self._pages: dict[str, Page] = {}  # design and problem pages rendered in this build
        self._overview_page: Page | None = None
        self._blocks: dict[str, _Block] = {}  # where our HTML sits in each page's content
        self._lean_search = False  # whether Material's search alone reads pages between our two events
        self._publisher: Publisher | None = None  # this build's outputs, for on_post_build
        self._fingerprint = ""  # of the settings and schema the entries were checked with
        self._dirty = False  # `--dirty`: MkDocs rebuilds only the pages whose file changed
        self._reading: Callable[[], GitLog] | None = None  # the git log being read for this build
        self._log: GitLog | None = None  # this build's git history, once read
        self._known: dict[str, list[Any]] | None = None  # the timeline's verdicts, kept under `serve`
        self._timeline: Timeline | None = None
        self._docs_dir = ""  # of the site the entries are of

    # --- configuration ------------------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so MkDocs keeps one plugin instance, and its cache, for a whole `serve`."""
        self._dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        toc = config.mdx_configs.get("toc", {})
        permalink = toc.get("permalink", False)
        theme = {k: config.theme[k] for k in ("language", "locale", "palette") if k in config.theme}
        options = self.options(
            permalink="¶" if permalink is True else (permalink or ""), theme=theme, extra=dict(config.extra)
        )
        try:
            self.site = Site.load(options.settings)
            self.labels = Labels.build(self.site.template, options.outputs.language, options.outputs.labels)
        except (SiteError, SettingsError) as exc:
            raise PluginError(f"mldesign: {exc}") from None
        self.settings, self.template, self.outputs = self.site.settings, self.site.template, options.outputs
        self.sources = options.sources
        self.git_dates, self.history = options.git_dates, options.history
        # Read while MkDocs lists files and builds the nav; waited for at the first page.
        self._reading = GitLog.start(config.docs_dir) if self.git_dates or self.history else None
        self._log = None
        self.overview_path, self.export_path = self.outputs.overview, self.outputs.export
        zensical_route.plugin_active = True  # the guard extension, if listed, has nothing to do
        _alias_search(config)
        _translate_palette_toggles(config, self.labels)
        # Appended, never prepended: a user's custom_dir must keep winning.
        if TEMPLATES_DIR not in config.theme.dirs:
            config.theme.dirs.append(TEMPLATES_DIR)
        if CSS not in [str(x) for x in config.extra_css]:
            config.extra_css.append(CSS)
        if JS not in [str(x) for x in config.extra_javascript]:
            config.extra_javascript.append(JS)
        if self.overview_path and config.nav is not None and not nav_mentions(config.nav, self.overview_path):
            config.nav.append({self.labels("overview.title"): self.overview_path})
        if config.docs_dir != self._docs_dir:
            # Another site built in the same process (MkDocs keeps this instance): nothing
            # kept from the last one is this site's.
            self._entries.clear()
            self._docs_dir, self._known = config.docs_dir, None
        fingerprint = self.site.fingerprint()
        if fingerprint != self._fingerprint:
            self._known = None  # the timeline's verdicts were the old template's
            # mkdocs.yml changed under `serve`: what was checked before may now read otherwise.
            self._fingerprint = fingerprint
            for src_uri, entry in list(self._entries.items()):
                try:
                    data = _read(entry.file)
                except OSError:
                    del self._entries[src_uri]  # gone: MkDocs will not list it either
                    continue
                entry.digest = _digest(data)
                _, entry.result = self._check(src_uri, data, entry, config)
        return config

    def options(self, permalink: str = "", **site: Any) -> Options:
        """This plugin's options, checked by the core; the command line uses them too."""
        try:
            return parse_options(dict(self.config), permalink=permalink, **site)
        except SettingsError as exc:
            raise PluginError(f"mldesign: {exc}") from None

    # --- reading pages --------------------------------------------------------------

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        present = {f.src_uri for f in files.documentation_pages()}
        for gone in set(self._entries) - present:
            del self._entries[gone]
        self._pages.clear()
        self._blocks.clear()
        self._overview_page = None
        if self._dirty and self._entries:
            self._rebuild_changed_verdicts(files, config)
        if self.export_path:
            taken = next((f for f in files if f.dest_uri == self.export_path), None)
            if taken is not None:
                raise PluginError(
                    f"mldesign: `export: {self.export_path}` would replace {taken.src_uri} in the built site; "
                    "choose another path, such as designs.json"
                )
        if self.overview_path and files.get_file_from_path(self.overview_path) is None:
            files.append(
                File.generated(
                    config,
                    self.overview_path,
                    content=overview_page(self.labels("overview.title"), OVERVIEW_MARKER),
                )
            )
        return files

    def _rebuild_changed_verdicts(self, files: Files, config: MkDocsConfig) -> None:
        """Under `--dirty`, MkDocs rebuilds only the pages whose own file changed, but a
        design's verdict also depends on the others (a link to an id that went away). The
        changed pages are checked now, the site rules run over all of them, and every
        unchanged page whose site problems differ loses its built file in the site folder,
        so that MkDocs sees it as changed and builds it again."""

        def site_problems(result: PageResult) -> frozenset[str]:
            return frozenset(p.format() for p in result.all_problems if p.rule in lint_rules.SITE_RULE_IDS)

        before = {uri: site_problems(e.result) for uri, e in self._entries.items()}
        pages = list(files.documentation_pages())
        unchanged = {f.src_uri for f in pages if not f.is_modified()}
        for file in pages:
            if file.src_uri in unchanged:
                continue
            try:
                data = _read(file)
            except OSError:
                continue  # reported when MkDocs reads it
            entry = self._entries.get(file.src_uri)
            if entry is None or entry.digest != _digest(data):
                self._check_into_entry(file, data, config)
        present = {f.src_uri for f in pages}
        self.site.check_site(e.result for uri, e in self._entries.items() if uri in present)
        stale = [
            f
            for f in pages
            if f.src_uri in unchanged
            and f.src_uri in self._entries
            and before.get(f.src_uri) != site_problems(self._entries[f.src_uri].result)
        ]
        for file in stale:
            with contextlib.suppress(OSError):
                os.remove(file.abs_dest_path)
        if stale:
            log.info("mldesign: rebuilding %d unchanged page(s) whose verdict changed", len(stale))

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        file = page.file
        try:
            data = _read(file)
        except NotRegular:
            raise PluginError(
                f"mldesign: {file.src_uri} is not a regular file (a pipe or a device), so no page can be read from it"
            ) from None
        except OSError:
            return None  # MkDocs reports a missing file itself
        digest = _digest(data)
        entry = self._entries.get(file.src_uri)
        # A page naming a design file is checked again every build: the file may have changed.
        if entry is None or entry.digest != digest or entry.result.design_file is not None:
            text, entry = self._check_into_entry(file, data, config)
        else:
            entry.file = file  # this build's File; it reads the same text
            text, _ = decode(data, entry.shown)
        if file.src_uri == self.overview_path and entry.result.is_design:
            raise PluginError(
                f"mldesign: `overview: {self.overview_path}` names a design page; the overview would hide its "
                "design. Point `overview` at another page, or move the design"
            )
        for problem in entry.result.all_problems:
            if problem.rule not in _LOGGED_IN_ENV:
                _warn(problem)
        if entry.result.body is not None and _whole(file, data):
            # The front matter was read above, strictly; spare MkDocs a second parse and
            # hand it the body alone (the leading newline keeps MkDocs' meta-data reader
            # from mistaking the body's first lines for meta-data). on_page_markdown
            # restores page.meta. Front matter that could not be read is reported on the
            # page instead of leaking into it as text.
            return "\n" + entry.result.body
        return text

    def _check_into_entry(self, file: File, data: bytes, config: MkDocsConfig) -> tuple[str, _Entry]:
        """Check a page's bytes and keep the result as its entry: the page's text and the entry."""
        entry = _Entry(_digest(data), file, _shown(config, file), PageResult())
        text, entry.result = self._check(file.src_uri, data, entry, config)
        self._entries[file.src_uri] = entry
        return text, entry

    def _check(self, src_uri: str, data: bytes, entry: _Entry, config: MkDocsConfig) -> tuple[str, PageResult]:
        """Check one page with the core, and lint the design it holds: its text and the
        result. Its dates from git come later (`_add_git_dates`), once git has told them."""
        return self.site.check_page(
            data,
            src_uri=src_uri,
            file=entry.shown,
            read_file=lambda rel: read_inside(config.docs_dir, rel),
            docs_prefix=_docs_prefix(config, entry.file),
            today=date.today(),
        )

    def _add_git_dates(self, config: MkDocsConfig, present: set[str]) -> None:
        """Every design's dates from git, now that every page is read (git read its history
        meanwhile), and the stale rule over them. A page another plugin moved has its
        history elsewhere: it keeps the dates it writes, as does every page when git has
        none to give."""
        git = self._git_log() if self.git_dates else None
        usable = git is not None and not git.reason

        def none(src_uri: str, design_file: str | None) -> Span | None:
            return None

        for src_uri, entry in self._entries.items():
            if src_uri not in present or entry.result.design is None:
                continue
            real = entry.file.abs_src_path
            moved = real is not None and not _inside(real, config.docs_dir)
            self.site.add_git_dates(entry.result, git.span if usable and git is not None and not moved else none)

    def _git_log(self) -> GitLog | None:
        """This build's git history, waited for on first use; None when the site reads none."""
        if self._reading is not None:
            self._log, self._reading = self._reading(), None
        return self._log

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """A generated overview's folder is a section of the automatic nav, which MkDocs names
        after the folder ("Designs"): it takes the overview's title, in the site's language."""
        folder = posixpath.dirname(self.overview_path or "")
        overview = files.get_file_from_path(self.overview_path or "")
        if config.nav is not None or not folder or overview is None or overview.generated_by is None:
            return nav
        named = dirname_to_title(posixpath.basename(folder))
        sections = [item for item in nav.items if isinstance(item, Section)]
        while sections:
            section = sections.pop()
            children = section.children or []
            if section.title == named and any(
                isinstance(child, Page) and child.file.src_uri == self.overview_path for child in children
            ):
                section.title = self.labels("overview.title")
            sections.extend(child for child in children if isinstance(child, Section))
        return nav

    @event_priority(100)
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        entry = self._entries.get(page.file.src_uri)
        if entry is not None and entry.result.meta is not None:
            # Every page whose front matter the plugin hands back passes here, readable
            # design or not. Themes print a page's title as HTML (nav, toc, <title>); a
            # design page's title is data like the rest of its front matter, so it is
            # escaped here, as Markup: themes that escape it themselves (`| e`, as
            # Material's footer does) then do not escape it twice.
            page.meta = dict(entry.result.meta)
            title = page.meta.get("title")
            if isinstance(title, str):
                page.meta["title"] = Markup.escape(title)
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        src_uri = page.file.src_uri
        if src_uri == self.overview_path:
            self._overview_page = page
            return html if OVERVIEW_MARKER in html else f"{html}\n{OVERVIEW_MARKER}"
        entry = self._entries.get(src_uri)
        if entry is None or not (entry.result.is_design or entry.result.problems):
            return html
        self._pages[src_uri] = page
        return place(html, _SLOT, self.config.placement, DESIGN_MARKER)

    # --- the site-wide part ---------------------------------------------------------

    @event_priority(-50)
    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        present = {f.src_uri for f in files.documentation_pages()}
        self._add_git_dates(config, present)
        report = self.site.check_site(e.result for uri, e in self._entries.items() if uri in present)
        for problem in report.all_problems():
            if problem.rule in _LOGGED_IN_ENV:
                _warn(problem)
        remote: list[RemoteDesign] = []
        if (self.sources and self.outputs.overview) or (self.sources and self.outputs.export):
            config_file = config.config_file_path or "mkdocs.yml"
            found, problems = load_sources(
                self.sources, config_file=config_file, base_dir=os.path.dirname(os.path.abspath(config_file))
            )
            for problem in problems:
                _warn(problem)
            remote = [d for source in found for d in source.designs]
        self._timeline = self._open_timeline(config)
        self._say_why_no_git(report)
        self._publisher = publisher = Publisher(
            self.site,
            report,
            self.outputs,
            {f.src_uri: f.url for f in files.documentation_pages()},
            env=_template_env(env),
            site_name=config.site_name,
            site_url=config.site_url or "",
            page_context=self._page_context,
            remote=remote,
            history=self._versions if self._timeline is not None else None,
            labels=self.labels,
        )
        try:
            overview = self._overview_page
            if overview is not None and overview.content is not None:
                html = publisher.overview()
                overview.content = self._insert(overview.file.src_uri, overview.content, OVERVIEW_MARKER, html)
        except RenderError as exc:
            raise PluginError(f"mldesign: {exc}") from None
        self._lean_search = _only_material_search_between(config, self)
        return env

    def _open_timeline(self, config: MkDocsConfig) -> Timeline | None:
        git = self._git_log() if self.history else None
        if git is None or git.reason:
            return None
        home = Path(os.path.dirname(config.config_file_path or "") or os.getcwd())
        where = cache_file(home / HISTORY_CACHE, self.site.fingerprint())
        timeline = Timeline(git, self.site.verdict, cache_file=where, known=self._known)
        self._known = timeline.known
        return timeline

    def _versions(self, src_uri: str) -> list[Version]:
        entry = self._entries.get(src_uri)
        if self._timeline is None or entry is None:
            return []
        return self._timeline.versions(src_uri, entry.result.design_file)

    def _say_why_no_git(self, report: Report) -> None:
        """Once a build, when a design lacks a written date and git could not give it."""
        git = self._git_log()
        if git is None or not git.reason:
            return
        if report.undated():
            log.info(
                "mldesign: no dates or history from git: %s; a design that writes no `created` or "
                "`updated` date shows none",
                git.reason,
            )

    def _insert(self, src_uri: str, content: str, marker: str, html: str) -> str:
        """`content` with `html` at `marker`, remembering where it went."""
        start = content.find(marker)
        if start == -1:
            return content
        out = content[:start] + html + content[start + len(marker) :]
        self._blocks[src_uri] = _Block(start, start + len(html), len(out), html[:64], content)
        return out

    def _page_context(self, src_uri: str) -> dict[str, Any]:
        """Our fragments get the MkDocs page, as MkDocs' own templates do (the `url` filter needs it)."""
        page = self._overview_page if src_uri == self.overview_path else self._pages.get(src_uri)
        return {"page": page} if page is not None else {}

    @event_priority(90)
    def _render(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """A design page's block, table of contents and canvas, rendered now, just before
        the page is: only one page's HTML is held at a time (`on_post_page` lets it go).
        The page also gets its view, without its sections, as `mldesign`
        (partials/mldesign/head.html uses it)."""
        src_uri = page.file.src_uri
        if self._publisher is None or src_uri not in self._pages or page.content is None:
            return context
        try:
            output = self._publisher.page(src_uri)
        except RenderError as exc:
            raise PluginError(f"mldesign: {exc}") from None
        if output is None:
            return context
        page.content = self._insert(src_uri, page.content, _SLOT, output.html)
        if output.toc:
            _extend_toc(page, output.toc, self.config.placement)
        if output.head is not None:
            context["mldesign"] = output.head  # type: ignore[typeddict-unknown-key]
        if output.canvas is not None:
            _write(config.site_dir, *output.canvas)
        return context

    @event_priority(1)
    def _before_search(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """Material's search, which reads the page next, is handed our HTML as its parser
        sees it (`search_text.lean`); `_after_search` puts the page back."""
        block = self._blocks.get(page.file.src_uri)
        content = page.content
        if (
            self._lean_search
            and block is not None
            and content is not None
            and len(content) == block.length
            and content.startswith(block.head, block.start)
        ):
            block.full = content
            page.content = content[: block.start] + lean(content[block.start : block.end]) + content[block.end :]
        return context

    @event_priority(-1)
    def _after_search(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        block = self._blocks.get(page.file.src_uri)
        if block is not None and block.full is not None:
            # What Material's search does to the page it reads, done to the page itself.
            page.content, block.full = _MATERIAL_SEARCH_ATTRIBUTES.sub("", block.full), None
        return context

    on_page_context = CombinedEvent(_render, _before_search, _after_search)

    @event_priority(-100)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """The page is rendered (MkDocs writes `output` next): its content goes back to what
        it was before our block was put in, so a site does not hold every design's HTML
        until the build ends. Plugins that read pages in this event, at the default
        priority, still see the block."""
        block = self._blocks.pop(page.file.src_uri, None)
        if block is not None:
            page.content = block.before
        return output

    # --- files written after the build ----------------------------------------------

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._close_timeline()
        if self._publisher is None:
            return
        for path, text in self._publisher.files():
            _write(config.site_dir, path, text)

    def on_build_error(self, *, error: Exception) -> None:
        self._close_timeline()

    def _close_timeline(self) -> None:
        if self._timeline is not None:
            self._timeline.close()  # stops git, keeps what it learnt for the next build
            self._timeline = None


# --- helpers (MkDocs-specific glue, kept out of the core) -----------------------------


def _warn(problem: Problem) -> None:
    log.warning(problem.format(with_severity=False))


def _shown(config: MkDocsConfig, file: File) -> str:
    if file.abs_src_path is None:
        return file.src_uri
    config_dir = os.path.dirname(config.config_file_path or "") or os.getcwd()
    return os.path.relpath(file.abs_src_path, config_dir).replace(os.sep, "/")


def _docs_prefix(config: MkDocsConfig, file: File) -> DocsPrefix:
    """How the docs folder's files are named in messages about `file`'s design file.

    A page another plugin moved (mkdocs-monorepo-plugin builds from a merged copy of
    each included docs folder, and points the page back at its real file) names its
    design file beside its real file, not in the copy."""
    config_dir = os.path.dirname(config.config_file_path or "") or os.getcwd()
    real = file.abs_src_path
    if real is not None and not _inside(real, config.docs_dir):
        return beside_real_file(real, file.src_uri, config_dir)
    prefix = os.path.relpath(config.docs_dir, config_dir).replace(os.sep, "/")
    return "" if prefix == "." else prefix + "/"


def _inside(path: str, folder: str) -> bool:
    rel = os.path.relpath(os.path.realpath(path), os.path.realpath(folder))
    return rel != ".." and not rel.startswith(".." + os.sep)


def _extend_toc(page: Page, headings: tuple[Heading, ...], placement: str) -> None:
    items = []
    for group in headings:
        # AnchorLink's title is HTML (Material prints it as it is): an extension's titles are text.
        link = AnchorLink(Markup.escape(group.title), group.anchor, group.level)
        link.children = [AnchorLink(Markup.escape(s.title), s.anchor, s.level) for s in group.children]
        items.append(link)
    target: list[AnchorLink] = page.toc.items
    if len(target) == 1 and target[0].level == 1:
        target = target[0].children
    content = page.content or ""
    at = content.find('id="mldesign-group-')
    if placement == "bottom" and DESIGN_MARKER not in (page.markdown or ""):
        target.extend(items)
        return
    # Keep the page's own headings that come before the design where they are.
    index = 0
    for i, item in enumerate(target):
        position = content.find(f'id="{item.id}"')
        if position != -1 and at != -1 and position < at:
            index = i + 1
    target[index:index] = items


#: The names of the mldesign theme's own light and dark toggles (mkdocs_theme.yml), by label.
_THEME_TOGGLES = {"Switch to dark mode": "theme.to_dark", "Switch to light mode": "theme.to_light"}


def _translate_palette_toggles(config: MkDocsConfig, labels: Labels) -> None:
    """The mldesign theme names its colour toggles in English; a site in another language
    gets them in its own (a name the site wrote itself is left as it is)."""
    if config.theme.name != "mldesign" or "palette" not in config.theme:
        return
    palette = config.theme["palette"]
    for entry in [palette] if isinstance(palette, dict) else palette if isinstance(palette, list) else []:
        toggle = entry.get("toggle") if isinstance(entry, dict) else None
        if isinstance(toggle, dict) and toggle.get("name") in _THEME_TOGGLES:
            toggle["name"] = labels(_THEME_TOGGLES[toggle["name"]])


def _template_env(theme_env: jinja2.Environment) -> jinja2.Environment:
    """Our own environment over the theme's loader: autoescape on, custom_dir still first.
    The package's templates come last, for a plugin that replaced the theme after our
    `on_config` (techdocs-core does, when it is listed after mldesign)."""
    own = jinja2.FileSystemLoader(TEMPLATES_DIR)
    loader = jinja2.ChoiceLoader([theme_env.loader, own]) if theme_env.loader is not None else own
    env = jinja2.Environment(loader=loader, autoescape=True, auto_reload=False)
    env.filters.update(theme_env.filters)
    env.globals.update(theme_env.globals)
    return env


def _alias_search(config: MkDocsConfig) -> None:
    """Under `theme: mldesign`, `search` loads Material's search plugin as `mldesign/search`,
    but Material's header draws the search box only for `material/search`. The same
    instance is listed under that name too: a plain dict entry, so its events are not
    registered a second time."""
    plugins = config.plugins
    found = plugins.get("mldesign/search")
    if found is not None and "material/search" not in plugins:
        dict.__setitem__(plugins, "material/search", found)


def _read(file: File) -> bytes:
    """A page's bytes, bounded: only a regular file, and only the start of a huge one
    (`_whole` says which)."""
    if file.abs_src_path is None or file.generated_by is not None:
        return file.content_bytes
    data, _ = read_page(file.abs_src_path)
    return data


def _whole(file: File, data: bytes) -> bool:
    return file.abs_src_path is None or len(data) <= MAX_PAGE_BYTES


def _write(site_dir: str, rel: str, text: str) -> None:
    path = os.path.join(site_dir, *rel.split("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
