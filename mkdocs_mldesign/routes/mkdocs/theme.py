"""What the plugin changes in MkDocs' own structures: the theme's template folders and
palette toggles, the search plugin's name, the nav's overview section and a design
page's table of contents."""

from __future__ import annotations

import posixpath

import jinja2
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink
from mkdocs.utils import dirname_to_title

from mkdocs_mldesign.core.labels import Labels
from mkdocs_mldesign.project.config import translate_toggles
from mkdocs_mldesign.publish.publisher import TEMPLATES_DIR, Heading


def extend_toc(page: Page, headings: tuple[Heading, ...], placement: str, marked: bool) -> None:
    """Add the design's groups and sections to the page's table of contents, where the
    design is: after the page's own headings that come before it (`marked`: the page
    places the design with a marker)."""
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
    if placement == "bottom" and not marked:
        target.extend(items)
        return
    # Keep the page's own headings that come before the design where they are.
    index = 0
    for i, item in enumerate(target):
        position = content.find(f'id="{item.id}"')
        if position != -1 and at != -1 and position < at:
            index = i + 1
    target[index:index] = items


def translate_palette_toggles(config: MkDocsConfig, labels: Labels) -> None:
    """The mldesign theme names its colour toggles in English; a site in another language
    gets them in its own, as text in an attribute."""
    if config.theme.name == "mldesign" and "palette" in config.theme:
        translate_toggles(config.theme["palette"], lambda key: Markup.escape(labels(key)))


def template_env(theme_env: jinja2.Environment) -> jinja2.Environment:
    """Our own environment over the theme's loader: autoescape on, custom_dir still first.
    The package's templates come last, for a plugin that replaced the theme after our
    `on_config` (techdocs-core does, when it is listed after mldesign)."""
    own = jinja2.FileSystemLoader(TEMPLATES_DIR)
    loader = jinja2.ChoiceLoader([theme_env.loader, own]) if theme_env.loader is not None else own
    env = jinja2.Environment(loader=loader, autoescape=True, auto_reload=False)
    env.filters.update(theme_env.filters)
    env.globals.update(theme_env.globals)
    return env


def alias_search(config: MkDocsConfig) -> None:
    """Under `theme: mldesign`, `search` loads Material's search plugin as `mldesign/search`,
    but Material's header draws the search box only for `material/search`. The same
    instance is listed under that name too: a plain dict entry, so its events are not
    registered a second time."""
    plugins = config.plugins
    found = plugins.get("mldesign/search")
    if found is not None and "material/search" not in plugins:
        dict.__setitem__(plugins, "material/search", found)


def name_overview_section(nav: Navigation, overview: str, title: str) -> None:
    """A generated overview's folder is a section of the automatic nav, which MkDocs names
    after the folder ("Designs"): it takes the overview's title, in the site's language."""
    folder = posixpath.dirname(overview)
    if not folder:
        return
    named = dirname_to_title(posixpath.basename(folder))
    sections = [item for item in nav.items if isinstance(item, Section)]
    while sections:
        section = sections.pop()
        children = section.children or []
        if section.title == named and any(
            isinstance(child, Page) and child.file.src_uri == overview for child in children
        ):
            section.title = Markup.escape(title)
        sections.extend(child for child in children if isinstance(child, Section))
