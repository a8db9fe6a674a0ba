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

import os
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from mkdocs_mldesign import routes
from mkdocs_mldesign.core import lint as lint_rules
from mkdocs_mldesign.core.evidence import EvidenceOptions
from mkdocs_mldesign.core.frontmatter import NotRegular, decode
from mkdocs_mldesign.core.labels import Labels
from mkdocs_mldesign.core.problems import Problem
from mkdocs_mldesign.core.settings import SettingsError
from mkdocs_mldesign.core.site import Report, Site, SiteError
from mkdocs_mldesign.core.storage import digest
from mkdocs_mldesign.git.history import Version
from mkdocs_mldesign.project.config import option_error
from mkdocs_mldesign.project.evidence import add_evidence
from mkdocs_mldesign.project.history import SiteHistory
from mkdocs_mldesign.publish.options import Options, nav_mentions, parse_options
from mkdocs_mldesign.publish.publisher import CSS, JS, TEMPLATES_DIR, Publisher, RenderError, overview_page, place
from mkdocs_mldesign.publish.sources import RemoteDesign, remote_designs
from mkdocs_mldesign.routes.mkdocs import pages as page_files
from mkdocs_mldesign.routes.mkdocs.blocks import Blocks, only_material_search_between
from mkdocs_mldesign.routes.mkdocs.config import MLDesignConfig
from mkdocs_mldesign.routes.mkdocs.theme import (
    alias_search,
    extend_toc,
    name_overview_section,
    template_env,
    translate_palette_toggles,
)

log = get_plugin_logger(__name__)

DESIGN_MARKER = "<!-- mldesign -->"
#: Problems logged once every page is read: those across designs, those of dates (which
#: may come from git) and those of measurements (read once for the whole site).
_LOGGED_IN_ENV = lint_rules.SITE_RULE_IDS | lint_rules.DATE_RULE_IDS | lint_rules.EVIDENCE_RULE_IDS
OVERVIEW_MARKER = "<!-- mldesign-overview -->"
_SLOT = "<!--mldesign:slot-->"

__all__ = ["MLDesignConfig", "MLDesignPlugin"]


class MLDesignPlugin(BasePlugin[MLDesignConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self._pages = page_files.Pages()  # every page's verdict; survives rebuilds under `serve`
        self._rendered: dict[str, Page] = {}  # design and problem pages rendered in this build
        self._overview_page: Page | None = None
        self._blocks = Blocks()  # where our HTML sits in each page's content
        self._publisher: Publisher | None = None  # this build's outputs, for on_post_build
        self._fingerprint = ""  # of the settings and schema the entries were checked with
        self._dirty = False  # `--dirty`: MkDocs rebuilds only the pages whose file changed
        self._history: SiteHistory | None = None  # this build's git history
        self._known: dict[str, list[Any]] | None = None  # the timeline's verdicts, kept under `serve`
        self._evidence = EvidenceOptions()  # what the designs' measurements may be read from

    # --- configuration ------------------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so MkDocs keeps one plugin instance, and its cache, for a whole `serve`."""
        self._dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        toc = config.mdx_configs.get("toc", {})
        permalink = toc.get("permalink", False)
        theme = {k: config.theme[k] for k in ("language", "locale", "palette") if k in config.theme}
        options = self.options(
            permalink="¶" if permalink is True else (permalink or ""),
            config_file=config.config_file_path,
            theme=theme,
            extra=dict(config.extra),
        )
        try:
            self.site = Site.load(options.settings)
            self.labels = Labels.build(self.site.template, options.outputs.language, options.outputs.labels)
        except SiteError as exc:
            raise PluginError(f"mldesign: {exc}") from None
        except SettingsError as exc:
            raise PluginError(option_error(config.config_file_path or "mkdocs.yml", exc)) from None
        self.settings, self.template, self.outputs = self.site.settings, self.site.template, options.outputs
        self.sources, self._evidence = options.sources, options.evidence
        # Read while MkDocs lists files and builds the nav; waited for once every page is read.
        home = Path(os.path.dirname(config.config_file_path or "") or os.getcwd())
        self._history = SiteHistory(config.docs_dir, home, dates=options.git_dates, history=options.history)
        self.overview_path, self.export_path = self.outputs.overview, self.outputs.export
        routes.plugin_active = True  # the Zensical guard extension, if listed, has nothing to do
        alias_search(config)
        translate_palette_toggles(config, self.labels)
        # Appended, never prepended: a user's custom_dir must keep winning.
        if TEMPLATES_DIR not in config.theme.dirs:
            config.theme.dirs.append(TEMPLATES_DIR)
        if CSS not in [str(x) for x in config.extra_css]:
            config.extra_css.append(CSS)
        if JS not in [str(x) for x in config.extra_javascript]:
            config.extra_javascript.append(JS)
        if self.overview_path and config.nav is not None and not nav_mentions(config.nav, self.overview_path):
            config.nav.append({Markup.escape(self.labels("overview.title")): self.overview_path})
        if self._pages.for_site(config.docs_dir):
            self._known = None  # another site built in the same process: nothing kept is this one's
        fingerprint = self.site.fingerprint()
        if fingerprint != self._fingerprint:
            self._known = None  # the timeline's verdicts were the old template's
            # mkdocs.yml changed under `serve`: what was checked before may now read otherwise.
            self._fingerprint = fingerprint
            self._pages.check_again(self.site, config)
        return config

    def options(self, permalink: str = "", config_file: str | None = None, **site: Any) -> Options:
        """This plugin's options, checked by the core; the command line uses them too."""
        try:
            config_dir = os.path.dirname(os.path.abspath(config_file)) if config_file else ""
            return parse_options(dict(self.config), permalink=permalink, config_dir=config_dir, **site)
        except SettingsError as exc:
            raise PluginError(option_error(config_file or "mkdocs.yml", exc)) from None

    # --- reading pages --------------------------------------------------------------

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self._pages.keep_only({f.src_uri for f in files.documentation_pages()})
        self._rendered.clear()
        self._blocks.clear()
        self._overview_page = None
        if self._dirty and self._pages.entries:
            stale = self._pages.rebuild_changed(self.site, files, config)
            if stale:
                log.info("mldesign: rebuilding %d unchanged page(s) whose verdict changed", stale)
        if self.export_path:
            taken = next((f for f in files if f.dest_uri == self.export_path), None)
            if taken is not None:
                raise PluginError(
                    f"mldesign: `export: {self.export_path}` would replace {taken.src_uri} in the built site; "
                    "choose another path, such as designs.json"
                )
        if self.overview_path and files.get_file_from_path(self.overview_path) is None:
            content = overview_page(self.labels("overview.title"), OVERVIEW_MARKER)
            files.append(File.generated(config, self.overview_path, content=content))
        return files

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        file = page.file
        try:
            data = page_files.read(file)
        except NotRegular:
            raise PluginError(
                f"mldesign: {file.src_uri} is not a regular file (a pipe or a device), so no page can be read from it"
            ) from None
        except OSError:
            return None  # MkDocs reports a missing file itself
        entry = self._pages.entries.get(file.src_uri)
        # A page naming a design file is checked again every build: the file may have changed.
        if entry is None or entry.digest != digest(data) or entry.result.design_file is not None:
            text, entry = self._pages.check(self.site, file, data, config)
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
        if entry.result.body is not None and page_files.whole(file, data):
            # The front matter was read above, strictly; spare MkDocs a second parse and
            # hand it the body alone (the leading newline keeps MkDocs' meta-data reader
            # from mistaking the body's first lines for meta-data). on_page_markdown
            # restores page.meta. Front matter that could not be read is reported on the
            # page instead of leaking into it as text.
            return "\n" + entry.result.body
        return text

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        overview = files.get_file_from_path(self.overview_path or "")
        if config.nav is None and overview is not None and overview.generated_by is not None:
            name_overview_section(nav, overview.src_uri, self.labels("overview.title"))
        return nav

    @event_priority(100)
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        entry = self._pages.entries.get(page.file.src_uri)
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
        if page.file.src_uri == self.overview_path and page.file.generated_by is not None:
            page.meta["title"] = Markup.escape(self.labels("overview.title"))  # a label is text
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        src_uri = page.file.src_uri
        if src_uri == self.overview_path:
            self._overview_page = page
            return html if OVERVIEW_MARKER in html else f"{html}\n{OVERVIEW_MARKER}"
        entry = self._pages.entries.get(src_uri)
        if entry is None or not (entry.result.is_design or entry.result.problems):
            return html
        self._rendered[src_uri] = page
        return place(html, _SLOT, self.config.placement, DESIGN_MARKER)

    # --- the site-wide part ---------------------------------------------------------

    @event_priority(-50)
    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        present = {f.src_uri for f in files.documentation_pages()}
        history = self._history
        entries = list(self._pages.of(present))
        if history is not None:  # now that every page is read, git has read its history meanwhile
            history.date(self.site, [(e.result, page_files.moved(config, e.file)) for e in entries])
        placed = [
            (e.result.design, os.path.dirname(e.file.abs_src_path or os.path.join(config.docs_dir, e.file.src_uri)))
            for e in entries
            if e.result.design is not None
        ]
        home = os.path.dirname(config.config_file_path or "") or os.getcwd()
        add_evidence(self.site, placed, project_dir=home, options=self._evidence)
        report = self.site.check_site(e.result for e in entries)
        remote: list[RemoteDesign] = []
        if self.sources and (self.outputs.overview or self.outputs.export):
            config_file = config.config_file_path or "mkdocs.yml"
            remote, problems = remote_designs(self.sources, config_file)
            for problem in problems:
                _warn(problem)
        timeline = history.open_timeline(self.site, len(report.designs), self._known) if history is not None else None
        if timeline is not None:
            self._known = timeline.known
        self._say_why_no_git(report)
        self._publisher = publisher = Publisher(
            self.site,
            report,
            self.outputs,
            {f.src_uri: f.url for f in files.documentation_pages()},
            env=template_env(env),
            site_name=config.site_name,
            site_url=config.site_url or "",
            page_context=self._page_context,
            remote=remote,
            history=self._versions if timeline is not None else None,
            labels=self.labels,
        )
        # Logged once the publisher has judged what only a build knows (a timeline answers
        # a framework's point on the history).
        for problem in report.all_problems():
            if problem.rule in _LOGGED_IN_ENV:
                _warn(problem)
        try:
            overview = self._overview_page
            if overview is not None and overview.content is not None:
                html = publisher.overview()
                overview.content = self._blocks.insert(overview.file.src_uri, overview.content, OVERVIEW_MARKER, html)
        except RenderError as exc:
            raise PluginError(f"mldesign: {exc}") from None
        self._blocks.lean_search = only_material_search_between(config, self)
        return env

    def _versions(self, src_uri: str) -> list[Version]:
        entry = self._pages.entries.get(src_uri)
        timeline = self._history.timeline if self._history is not None else None
        if timeline is None or entry is None:
            return []
        return timeline.versions(src_uri, entry.result.design_file)

    def _say_why_no_git(self, report: Report) -> None:
        """Once a build, when a design lacks a written date and git could not give it."""
        reason = self._history.reason if self._history is not None else ""
        if reason and report.undated():
            log.info(
                "mldesign: no dates or history from git: %s; a design that writes no `created` or "
                "`updated` date shows none",
                reason,
            )

    def _page_context(self, src_uri: str) -> dict[str, Any]:
        """Our fragments get the MkDocs page, as MkDocs' own templates do (the `url` filter needs it)."""
        page = self._overview_page if src_uri == self.overview_path else self._rendered.get(src_uri)
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
        if self._publisher is None or src_uri not in self._rendered or page.content is None:
            return context
        try:
            output = self._publisher.page(src_uri)
        except RenderError as exc:
            raise PluginError(f"mldesign: {exc}") from None
        if output is None:
            return context
        page.content = self._blocks.insert(src_uri, page.content, _SLOT, output.html)
        if output.toc:
            extend_toc(page, output.toc, self.config.placement, DESIGN_MARKER in (page.markdown or ""))
        if output.head is not None:
            context["mldesign"] = output.head  # type: ignore[typeddict-unknown-key]
        if output.canvas is not None:
            page_files.write(config.site_dir, *output.canvas)
        return context

    @event_priority(1)
    def _before_search(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """Material's search, which reads the page next, is handed our HTML as its parser
        sees it; `_after_search` puts the page back."""
        self._blocks.lean(page)
        return context

    @event_priority(-1)
    def _after_search(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        self._blocks.after_search(page)
        return context

    on_page_context = CombinedEvent(_render, _before_search, _after_search)

    @event_priority(-100)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """The page is rendered (MkDocs writes `output` next): its content goes back to what
        it was before our block was put in, so a site does not hold every design's HTML
        until the build ends. Plugins that read pages in this event, at the default
        priority, still see the block."""
        self._blocks.release(page)
        return output

    # --- files written after the build ----------------------------------------------

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        cut = self._history.cut_short() if self._history is not None else ""
        if cut:
            log.info("mldesign: %s", cut)
        self._close_history()
        if self._publisher is None:
            return
        for path, text in self._publisher.files():
            page_files.write(config.site_dir, path, text)

    def on_build_error(self, *, error: Exception) -> None:
        self._close_history()

    def _close_history(self) -> None:
        if self._history is not None:
            self._history.close()  # stops git, keeps what it learnt for the next build


def _warn(problem: Problem) -> None:
    log.warning(problem.format())
