"""Where the plugin's HTML sits in each page's content, so that Material's search can be
handed a lean copy of it and the page can let it go once rendered."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from mkdocs_mldesign.publish.search_text import lean

#: Material's search plugin removes these attributes from every page it indexes.
MATERIAL_SEARCH_ATTRIBUTES = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")


@dataclass(slots=True)
class Block:
    """Where the plugin's HTML sits in a page's content: [start, end) of a content of `length`."""

    start: int
    end: int
    length: int
    head: str  # its first characters, to tell that it is still there
    before: str  # the content before the block was put in
    full: str | None = None  # the page's content while search reads the lean one


class Blocks:
    """The blocks of this build's pages, by `src_uri`."""

    def __init__(self) -> None:
        self.by_page: dict[str, Block] = {}
        self.lean_search = False  # whether Material's search alone reads pages between our two events

    def clear(self) -> None:
        self.by_page.clear()

    def insert(self, src_uri: str, content: str, marker: str, html: str) -> str:
        """`content` with `html` at `marker`, remembering where it went."""
        start = content.find(marker)
        if start == -1:
            return content
        out = content[:start] + html + content[start + len(marker) :]
        self.by_page[src_uri] = Block(start, start + len(html), len(out), html[:64], content)
        return out

    def lean(self, page: Page) -> None:
        """Hand Material's search, which reads the page next, our HTML as its parser sees it
        (`search_text.lean`); `after_search` puts the page back."""
        block = self.by_page.get(page.file.src_uri)
        content = page.content
        if (
            self.lean_search
            and block is not None
            and content is not None
            and len(content) == block.length
            and content.startswith(block.head, block.start)
        ):
            block.full = content
            page.content = content[: block.start] + lean(content[block.start : block.end]) + content[block.end :]

    def after_search(self, page: Page) -> None:
        block = self.by_page.get(page.file.src_uri)
        if block is not None and block.full is not None:
            # What Material's search does to the page it reads, done to the page itself.
            page.content, block.full = MATERIAL_SEARCH_ATTRIBUTES.sub("", block.full), None

    def release(self, page: Page) -> None:
        """The page is rendered: its content goes back to what it was before the block."""
        block = self.by_page.pop(page.file.src_uri, None)
        if block is not None:
            page.content = block.before


def only_material_search_between(config: MkDocsConfig, plugin: Any) -> bool:
    """Whether Material's search plugin, and nothing else, reads pages between the
    plugin's two `on_page_context` handlers: only then may it be handed the lean HTML."""
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
