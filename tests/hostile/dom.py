"""A small tree of a built page, from `html.parser`, to look for injected script.

Independent of the renderer on purpose: it decides what is dangerous by itself,
the way a browser would read the page, and does not reuse the code under test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
#: Attributes a browser follows or loads as a URL.
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "poster",
        "background",
        "data",
        "cite",
        "longdesc",
        "ping",
        "manifest",
        "codebase",
        "srcset",
    }
)
#: Elements that run or embed something; none of them belongs inside a design block.
ACTIVE = frozenset(
    {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "meta", "link", "style"}
)
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# As a browser reads a URL: C0 controls and spaces around it dropped, tabs and newlines
# inside it removed (https://url.spec.whatwg.org/#concept-basic-url-parser).
_EDGES = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_INSIDE = re.compile(r"[\t\n\r]")


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # text directly inside, and after children

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    def all_text(self) -> str:
        parts: list[str] = list(self.text)
        for child in self.children:
            parts.append(child.all_text())
        return "".join(parts)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find(self, match: Callable[[Node], bool]) -> list[Node]:
        """The outermost nodes that match: a match's own descendants are not listed again."""
        found: list[Node] = []
        for child in self.children:
            if match(child):
                found.append(child)
            else:
                found.extend(child.find(match))
        return found


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:  # an end tag with no start is ignored
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.text.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def url_scheme(url: str) -> str | None:
    plain = _INSIDE.sub("", _EDGES.sub("", url))
    match = _SCHEME.match(plain)
    return match.group(1).lower() if match else None


def dangers(node: Node, *, allow: Callable[[Node, str, str], bool] | None = None) -> list[str]:
    """Everything under `node` (itself included) that a browser could run."""
    found = []
    for element in node.walk():
        if element.tag in ACTIVE:
            found.append(f"<{element.tag}> element")
        for name, value in element.attrs.items():
            if allow is not None and allow(element, name, value):
                continue
            if name.startswith("on"):
                found.append(f"<{element.tag} {name}={value!r}>")
            elif name in URL_ATTRIBUTES:
                urls = [u.strip().split(" ")[0] for u in value.split(",")] if name == "srcset" else [value]
                for url in urls:
                    scheme = url_scheme(url)
                    if scheme is not None and scheme not in SAFE_SCHEMES:
                        found.append(f"<{element.tag} {name}={value!r}>")
            elif name == "style" and re.search(r"url\s*\(|expression\s*\(|@import", value, re.IGNORECASE):
                found.append(f"<{element.tag} style={value!r}>")
            elif name == "srcdoc":
                found.append(f"<{element.tag} srcdoc>")
    return found
