"""Where the cursor is in a design's YAML while it is being typed.

A page being edited is mostly not valid YAML, so the place under the cursor is read from
indentation alone, line by line upwards, as a person reads it: the keys with less
indentation above the cursor are its parents, a `- ` opens a list item. Everything here
works on plain lines; nothing parses the whole page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

#: A line's leading spaces, then any `- ` that open list items.
_LEAD = re.compile(r"^( *)((?:- +)*)")
#: A key and its colon (plain or quoted), then the rest of the line.
_KEY = re.compile(r"""^(?P<key>[^\s:#'"\[\]{},-][^:#]*?|"[^"]*"|'[^']*')[ \t]*:(?:[ \t]+|$)(?P<rest>.*)$""")
_WORD = re.compile(r"[A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class Block:
    """The YAML of a document that holds a design: its lines' range and the path of keys
    before the design's own (the design key in a page's front matter, none in a design
    file)."""

    start: int  # first line of the YAML (0-based)
    end: int  # the line after its last
    root: tuple[str, ...]


def yaml_block(lines: list[str], *, page: bool, key: str) -> Block | None:
    """The front matter of a page (between its `---` lines; to the end while unclosed), or
    the whole of a design file."""
    if not page:
        return Block(0, len(lines), ())
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return Block(1, index, (key,))
    return Block(1, len(lines), (key,))


@dataclass(frozen=True, slots=True)
class Place:
    """What the cursor stands on: a key being typed in the mapping at `path`, or the value
    of the field at `path` (`prefix` is what is typed of it so far; `start` its column)."""

    kind: Literal["key", "value"]
    path: tuple[str | int, ...]
    prefix: str
    start: int
    siblings: frozenset[str] = frozenset()


def _indent(line: str) -> tuple[int, int, int]:
    """Columns of a line: its first character, the content after its `- `s, and how many
    list items it opens."""
    m = _LEAD.match(line)
    assert m is not None
    return len(m.group(1)), m.end(), m.group(2).count("-")


def _key_of(text: str) -> tuple[str, str] | None:
    m = _KEY.match(text)
    if m is None:
        return None
    key = m.group("key").strip()
    if key[:1] in "\"'":
        key = key[1:-1]
    return key, m.group("rest")


def _parents(
    lines: list[str], block: Block, line: int, column: int, *, item: bool = False
) -> tuple[tuple[str | int, ...], bool] | None:
    """The path of the mapping or list that holds a node starting at `column` on `line`
    (`item`: a list item's `- ` starts there), and whether that place sits inside a block
    scalar (`|`, `>`), where no key is typed."""
    path: list[str | int] = []
    limit = column
    after_item = item  # a `- ` was passed at `limit`: a key there with no value owns the list
    for index in range(line - 1, block.start - 1, -1):
        text = lines[index]
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        first, content, items = _indent(text)
        found = _key_of(text[content:])
        if found is not None and (content < limit or (after_item and content == limit and not found[1].strip())):
            key, rest = found
            if not path and rest.strip()[:1] in ("|", ">"):
                return None  # inside a block of text
            path.append(key)
            limit, after_item = content, False
            if items:
                path.extend([0] * items)
                limit, after_item = first, True
            continue
        if items and first < limit:
            path.extend([0] * items)
            limit, after_item = first, True
            continue
        if content < limit and found is None and not items:
            return None  # a line of plain text (a folded value) above: not a place for keys
        if first == 0 and limit == 0:
            break
    path.reverse()
    if tuple(str(p) for p in path[: len(block.root)]) != block.root:
        return None
    return tuple(path[len(block.root) :]), False


def place_at(lines: list[str], block: Block, line: int, column: int) -> Place | None:
    """The place at `line`, `column` (0-based, in characters), inside the design; None
    outside it or where nothing can be completed (in a comment, in a block of text)."""
    if not (block.start <= line < block.end):
        return None
    text = lines[line][:column]
    if "#" in text and re.search(r"(^|\s)#", text):
        return None
    first, content, items = _indent(text)
    head = text[content:]
    found = _key_of(head)
    if found is None and ":" not in head:
        # A key being typed, or a bare list item (`- ida`).
        if not re.fullmatch(r"[A-Za-z0-9._-]*", head):
            return None
        parents = _parents(lines, block, line, first if items else content, item=bool(items))
        if parents is None:
            return None
        path = parents[0] + (0,) * items
        return Place("key", path, head, content, _siblings(lines, block, line, content))
    if found is None:
        return None
    key, rest = found
    parents = _parents(lines, block, line, first if items else content, item=bool(items))
    if parents is None:
        return None
    path = (*parents[0], *(0,) * items, key)
    value = rest
    if value.lstrip().startswith("["):  # a flow list: `depends_on: [a, b`
        inner = value.lstrip()[1:]
        typed = re.split(r"[,\[]", inner)[-1].lstrip()
        return Place("value", (*path, 0), typed, column - len(typed))
    typed = value.lstrip().strip("\"'")
    return Place("value", path, typed, column - len(typed))


def _siblings(lines: list[str], block: Block, line: int, column: int) -> frozenset[str]:
    """The keys already written at `column` in the mapping around `line`."""
    found: set[str] = set()
    for step in (-1, 1):
        index = line + step
        while block.start <= index < block.end:
            text = lines[index]
            if text.strip() and not text.strip().startswith("#"):
                first, content, items = _indent(text)
                outside = content < column or (items and first < column)
                if outside and not (items and content == column):
                    break
                if content == column:
                    key = _key_of(text[content:])
                    if key is not None:
                        found.add(key[0])
                    if items:
                        break  # the first key of this list item: the item starts here
            index += step
    return frozenset(found)


def word_at(line: str, column: int) -> tuple[str, int, int] | None:
    """The id-like word under `column` and its start and end columns."""
    for m in _WORD.finditer(line):
        if m.start() <= column <= m.end():
            return m.group(), m.start(), m.end()
    return None


def token_end(line: str, column: int) -> int:
    """Where the key or value that starts at `column` ends: before the key's colon, or at
    the end of the value (before a comment); the whole rest of a plain line otherwise."""
    rest = line[column:]
    if rest[:1] in ("'", '"'):
        close = rest.find(rest[0], 1)
        if close > 0:
            return column + close + 1
    found = _key_of(rest)
    if found is not None:
        key_end = rest.find(":")
        return column + len(rest[:key_end].rstrip())
    for stop in (" #", ", ", ",", "]", "}"):
        at = rest.find(stop)
        if at > 0:
            rest = rest[:at]
    return column + len(rest.rstrip())


def block_end(lines: list[str], block: Block, line: int) -> int:
    """The line after the last one of the entry whose key is on `line` (its nested lines,
    blank lines between them, not trailing blank lines or comments)."""
    _, content, _ = _indent(lines[line])
    last = line
    for index in range(line + 1, block.end):
        text = lines[index]
        if not text.strip():
            continue
        if _indent(text)[0] <= content:
            break
        last = index
    return last + 1


def metric_names_in(lines: list[str], block: Block) -> list[str]:
    """The `name`s of the design's metrics as the text stands, for a page that cannot be
    read while it is typed."""
    depth = 1 if block.root else 0
    for index in range(block.start, block.end):
        m = re.match(r"^( *)metrics[ \t]*:[ \t]*(#.*)?$", lines[index])
        if m is None or (depth and not m.group(1)) or (not depth and m.group(1)):
            continue
        names = []
        for line in lines[index + 1 : block_end(lines, block, index)]:
            found = re.match(r"^ *(?:- +)?name[ \t]*:[ \t]*(.+?)[ \t]*(#.*)?$", line)
            if found:
                names.append(found.group(1).strip("\"'"))
        return names
    return []
