"""Reading YAML front matter strictly, with every failure located in the file.

MkDocs drops front matter it cannot parse without a word. Here every way front
matter can go wrong becomes a `Problem` with a line and column, and the data that
comes out is plain JSON (str, int, float, bool, None, list, dict with str keys),
bounded in size, so no validator, renderer or message formatter can be handed an
alias bomb, a date object or anything a tag constructed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from .problems import Problem, Severity

try:  # PyYAML's libyaml binding is several times faster; the pure parser is a fallback.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

#: Front matter (or a design file) larger than this is refused before it is parsed.
MAX_FRONT_MATTER_BYTES = 1024 * 1024
#: A design may hold at most this many values once aliases are expanded.
MAX_EXPANDED_NODES = 100_000
#: Lists and mappings may nest at most this deep in a design (its sections need five).
MAX_NESTING = 64
#: Whole numbers with more bits than this are refused (Python will not even print them).
MAX_INT_BITS = 1024

# The same delimiters MkDocs accepts (mkdocs/utils/meta.py), so we see what it sees.
# The closing line may also end the file without a newline.
_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*(?:\n|\Z)", re.DOTALL)
_OPENING = re.compile(r"^-{3}[ \t]*\n")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The YAML text between the delimiters, the line it starts on (1-based) and the
    page body after it, stripped as MkDocs strips it."""

    text: str
    first_line: int
    body: str


def split(source: str) -> FrontMatter | None:
    """The front matter block at the top of a page, if it is properly closed."""
    if m := _FRONT_MATTER.match(source):
        return FrontMatter(m.group(1), 2, source[m.end() :].lstrip("\n"))
    return None


def is_unclosed(source: str) -> bool:
    return bool(_OPENING.match(source)) and _FRONT_MATTER.match(source) is None


def decode(data: bytes, file: str) -> tuple[str, Problem | None]:
    """UTF-8 text (a BOM is dropped); bad bytes are replaced and reported where they are.

    Line endings become LF, as MkDocs reads pages in text mode, so a page saved
    with Windows line endings is a design for the command line too.
    """
    try:
        return _newlines(data.decode("utf-8-sig")), None
    except UnicodeDecodeError as exc:
        start = exc.start
        line = data.count(b"\n", 0, start) + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        problem = Problem(
            file,
            line,
            column,
            "",
            "error",
            "encoding",
            f"the file is not valid UTF-8 (byte 0x{data[start]:02x} at offset {start})",
            "save the file as UTF-8",
        )
        return _newlines(data.decode("utf-8-sig", errors="replace")), problem


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True, slots=True)
class Note:
    """Something the loader noticed and read past, at a place in the YAML text (0-based):
    a repeated key, a value that could not be read, or one that YAML read otherwise than it
    looks. `located` turns it into a problem once the field's path is known."""

    line: int
    column: int
    rule: str
    message: str
    hint: str
    severity: Severity = "error"
    at_key: bool = False
    ref_line: int = -1  # another line the hint names, as `{line}` (0-based, like `line`)

    def hint_at(self, first_line: int) -> str:
        return self.hint.replace("{line}", str(self.ref_line + first_line))


@dataclass(slots=True)
class Loaded:
    """What loading YAML gave: the data, or the problem that stopped it, and the notes."""

    data: Any = None
    problem: Problem | None = None
    notes: list[Note] = field(default_factory=list)
    #: The top-level keys (or "" for the whole document) whose value held more than
    #: `MAX_EXPANDED_NODES` values, by whether aliases made it so. Such a value is never
    #: built (it reads as null): PyYAML takes seconds to build 100,000 values.
    oversized: dict[str, bool] = field(default_factory=dict)


#: Plain scalars YAML 1.1 reads as booleans besides true and false.
_YAML11_BOOLS = frozenset({"yes", "no", "on", "off", "y", "n"})
_LOST_ZEROS = re.compile(r"[0-9]*\.[0-9]*0")  # 2.10, 1.50: the number drops the last zero
_OTHER_BASE = re.compile(r"[-+]?(0[0-7]+|0o[0-7]+|0x[0-9a-fA-F]+|0b[01]+|[0-9][0-9_]*(:[0-5]?[0-9])+)")


def _make_loader(notes: list[Note]) -> type[Any]:
    class StrictLoader(_BaseLoader):
        """Safe loading that notes repeated keys, values that cannot be read and values
        YAML reads otherwise than they look, and reads on past each of them."""

        def note(self, node: yaml.Node, rule: str, message: str, hint: str, **kw: Any) -> None:
            if len(notes) <= MAX_NOTES:
                notes.append(Note(node.start_mark.line, node.start_mark.column, rule, message, hint, **kw))

        def construct_mapping(self, node: yaml.Node, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode):
                self.note_repeated_keys(node)
            return super().construct_mapping(node, deep=deep)  # type: ignore[arg-type]

        def note_repeated_keys(self, node: yaml.MappingNode) -> None:
            seen: dict[Any, yaml.Node] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE or not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = (key_node.tag, key_node.value)
                if key in seen:
                    self.note(
                        key_node,
                        "yaml-duplicate-key",
                        f"the key `{_short(key_node.value)}` appears twice in this mapping; the second one wins",
                        "it was first given on line {line}; keep one of them",
                        at_key=True,
                        ref_line=seen[key].start_mark.line,
                    )
                seen[key] = key_node

        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            try:
                value = super().construct_object(node, deep=deep)
            except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError):
                # PyYAML's own constructors raise these for `2026-02-30`, `!!int abc`, ...
                text = node.value if isinstance(node.value, str) else None
                shown = f"`{_short(text)}`" if text is not None else "this value"
                if node.tag == "tag:yaml.org,2002:timestamp":
                    self.note(node, "yaml-value", f"{shown} is not a real date", "write a date that exists, YYYY-MM-DD")
                    return text
                kind = _TAG_WORDS.get(node.tag, f"`{_short(node.tag.replace('tag:yaml.org,2002:', '!!'), 60)}`")
                self.note(
                    node,
                    "yaml-value",
                    f"{shown} cannot be read as {kind}",
                    "correct it, or quote it to keep it as text",
                )
                return None
            if isinstance(node, yaml.ScalarNode) and not node.style:  # plain: libyaml says "", PyYAML None
                self._look_twice(node, value)
            return value

        def _look_twice(self, node: yaml.ScalarNode, value: Any) -> None:
            """Note a plain number that YAML reads as another value than it looks."""
            text = node.value
            if isinstance(value, float) and len(text) < 40 and _LOST_ZEROS.fullmatch(text) and str(value) != text:
                self.note(
                    node,
                    "yaml-number",
                    f"YAML reads the unquoted `{_short(text)}` as the number {value}, dropping its last zero",
                    f'put it in quotes ("{_short(text)}") to keep it as written',
                    severity="warning",
                )
            elif (
                isinstance(value, int)
                and not isinstance(value, bool)
                and value.bit_length() <= MAX_INT_BITS  # larger ones are refused later, as too large
                and _OTHER_BASE.fullmatch(text)
            ):
                self.note(
                    node,
                    "yaml-number",
                    f"YAML reads the unquoted `{_short(text)}` as the number {value}",
                    f'put it in quotes ("{_short(text)}") to keep it as written',
                    severity="warning",
                )

    StrictLoader.add_constructor("tag:yaml.org,2002:map", StrictLoader.construct_yaml_map)  # type: ignore[type-var]
    return StrictLoader


_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Unusual(Exception):
    """A node `_build` leaves to PyYAML's own constructor."""


def _build(loader: Any, root: yaml.Node, notes: list[Note]) -> Any:
    """The data of a composed document, as `loader.construct_document` builds it.

    Front matter is mostly plain mappings, lists and text, which PyYAML builds through
    a generic, generator-driven machine costing more than the parse itself. Those are
    built here directly, sharing what aliases share as PyYAML does, and every other
    value (numbers, dates, booleans, null) still goes through the loader's own
    `construct_object`, with its notes. Anything else (merge keys, other tags, keys
    that are lists or mappings, deep nesting) is left to PyYAML, for the whole
    document, with the notes taken so far undone. tests/core/test_frontmatter.py
    compares both on every front matter of the repository and on unusual documents.
    """
    taken = len(notes)
    built: dict[int, Any] = {}

    def build(node: yaml.Node, depth: int) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return node.value if node.tag == _STR else loader.construct_object(node)
        found = built.get(id(node))
        if found is not None:
            return found
        if depth > MAX_NESTING:
            raise _Unusual
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
            items: list[Any] = []
            built[id(node)] = items
            items.extend(build(child, depth + 1) for child in node.value)
            return items
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
            mapping: dict[Any, Any] = {}
            built[id(node)] = mapping
            if any(k.tag == _MERGE or not isinstance(k, yaml.ScalarNode) for k, _ in node.value):
                raise _Unusual
            loader.note_repeated_keys(node)
            for key_node, value_node in node.value:
                key = build(key_node, depth + 1)
                try:
                    mapping[key] = build(value_node, depth + 1)
                except TypeError:  # an unhashable key, such as a date PyYAML could not read
                    raise _Unusual from None
            return mapping
        raise _Unusual

    try:
        return build(root, 0)
    except _Unusual:
        del notes[taken:]
        loader.constructed_objects.clear()
        return loader.construct_document(root)


#: Notes kept per document: past this, the rest are not worth the time to locate.
MAX_NOTES = 100

_TAG_WORDS = {
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true or false",
}


def _short(text: str, limit: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class _Mark:
    """A place in the YAML text (0-based), as PyYAML's marks give it."""

    line: int
    column: int


def _at(file: str, first_line: int, mark: Any, rule: str, message: str, hint: str) -> Problem:
    line = mark.line + first_line if mark is not None else first_line
    column = mark.column + 1 if mark is not None else 1
    return Problem(file, line, column, "", "error", rule, message, hint)


def load(text: str, file: str, first_line: int = 1) -> tuple[Any, Problem | None]:
    """Parse YAML safely; return the data or the located reason it cannot be read.

    `first_line` is the file line on which `text` starts, so marks point into the file.
    What `load_noting` notes and reads past is left out: use it to have those too.
    """
    loaded = load_noting(text, file, first_line)
    return loaded.data, loaded.problem


def load_noting(text: str, file: str, first_line: int = 1) -> Loaded:
    """Parse YAML safely: the data, or the located problem that stops it, and the notes
    of everything read past (repeated keys, impossible dates, numbers YAML changes)."""
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_FRONT_MATTER_BYTES:
        return Loaded(
            problem=Problem(
                file,
                first_line,
                1,
                "",
                "error",
                "yaml-too-large",
                f"the YAML is {size:,} bytes, more than the {MAX_FRONT_MATTER_BYTES:,}-byte limit",
                "move long prose into the page body",
            )
        )
    notes: list[Note] = []
    try:
        loader = _make_loader(notes)(text)
        try:
            node = loader.get_single_node()
            _remember(text, node)  # composed once: locating a problem in it later needs the same tree
            oversized = _drop_oversized(node)
            data = _build(loader, node, notes) if node is not None else None
        finally:
            loader.dispose()
        return Loaded(data, None, notes, oversized)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        tag = re.search(r"tag '([^']*)'", exc.problem or "")
        if tag is None:  # e.g. a list used as a mapping key
            return Loaded(
                problem=_at(
                    file,
                    first_line,
                    mark,
                    "yaml-syntax",
                    "a list or a mapping is used as a key",
                    "keys must be plain text; quote the key if it is meant as text",
                )
            )
        shown = _short(tag.group(1).replace("tag:yaml.org,2002:", "!!"), 60)
        return Loaded(
            problem=_at(
                file,
                first_line,
                mark,
                "yaml-tag",
                f"the tag `{shown}` is not allowed in front matter",
                "remove the tag; only plain YAML values (text, numbers, lists, mappings, dates) are read",
            )
        )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if _tab_at(text, mark):
            return Loaded(
                problem=_at(
                    file,
                    first_line,
                    mark,
                    "yaml-tab",
                    "a tab character is used for indentation",
                    "YAML indents with spaces only; replace the tab with spaces",
                )
            )
        message, hint = _misaligned_key(text, mark, first_line, exc.problem or "") or _syntax_words(
            exc.problem or "", exc.context or ""
        )
        start = exc.context_mark
        if start is not None and mark is not None and start.line != mark.line:
            message += f" (in what starts on line {start.line + first_line}, column {start.column + 1})"
        return Loaded(problem=_at(file, first_line, mark, "yaml-syntax", message, hint))
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        where: Any = getattr(exc, "problem_mark", None) or getattr(exc, "mark", None)
        position = getattr(exc, "position", None)  # a ReaderError has no mark, only the offset
        if where is None and isinstance(position, int) and 0 <= position <= len(text):
            where = _Mark(text.count("\n", 0, position), position - (text.rfind("\n", 0, position) + 1))
        character = getattr(exc, "character", None)
        shown = f" (U+{character:04X})" if isinstance(character, int) else ""
        return Loaded(
            problem=_at(
                file,
                first_line,
                where,
                "yaml-syntax",
                f"the text holds a character YAML cannot read{shown}",
                "remove control characters from the front matter",
            )
        )
    except RecursionError:
        return Loaded(
            problem=_at(
                file, first_line, None, "yaml-syntax", "the YAML is nested too deeply to read", "flatten the structure"
            )
        )


#: PyYAML's account of a syntax error, by a phrase of it, in the words of this project.
_SYNTAX: tuple[tuple[str, str, str], ...] = (
    (
        "mapping values are not allowed",
        "a `: ` inside a value starts a mapping where none can begin",
        "put the value in quotes, or move it to its own indented line",
    ),
    (
        "could not find expected ':'",
        "this line is neither `key: value` nor a list item",
        "add the `:` after the key, or quote the text if it belongs to the line above",
    ),
    (
        "did not find expected '-' indicator",
        "this list item is not lined up with the items before it",
        "start every item of a list at the same column",
    ),
    (
        "expected <block end>",
        "this line is indented differently from the keys around it",
        "line it up with the other keys of the same mapping, or indent it under the key it belongs to",
    ),
    (
        "did not find expected key",
        "this line is indented differently from the keys around it",
        "line it up with the other keys of the same mapping, or quote a value that starts with a quote",
    ),
    ("found undefined alias", "an `*alias` names no `&anchor`", "define the anchor first, or quote the text"),
    ("found duplicate anchor", "an `&anchor` is defined twice", "give each anchor its own name"),
    (
        "found unknown escape character",
        "a backslash in double quotes starts an escape YAML does not know",
        "write `\\\\` for a backslash, or use single quotes",
    ),
    ("found unexpected end of stream", "a quote is opened and never closed", "close the quote"),
    (
        "expected ',' or ']'",
        "a `[` list is not closed where it should be",
        "close it with `]`, or quote a value that starts with `[`",
    ),
    (
        "expected ',' or '}'",
        "a `{` mapping is not closed where it should be",
        "close it with `}`, or quote a value that starts with `{`",
    ),
    (
        "that cannot start any token",
        "a plain value cannot start with this character",
        "put the value in quotes",
    ),
    (
        "expected alphabetic or numeric character",
        "`*` and `&` must be followed by a name",
        "put the value in quotes if it is meant as text",
    ),
    (
        "expected a comment or a line break",
        "only an indentation number, `+`, `-` or a comment may follow `|` or `>`",
        "move the text to the next line, indented",
    ),
    (
        "expected a single document",
        "the front matter holds more than one YAML document",
        "remove the `---` or `...` line inside the front matter",
    ),
    (
        "expected the node content",
        "a value is missing or cannot start here",
        "check the indentation and quoting around this point",
    ),
    (
        "found a tab character",
        "a tab character is used where YAML expects spaces",
        "YAML indents with spaces only; replace the tab with spaces",
    ),
)


#: A line that starts a `key:` (after any `- ` of the list items it opens): its indent,
#: its dashes and its key.
_KEY_LINE = re.compile(r"""^( *)((?:- +)*)([A-Za-z0-9_][\w.-]*|"[^"\n]*"|'[^'\n]*') *:(?: |$)""")

#: The phrases of libyaml and PyYAML for a line that does not fit the block it is in.
_MISALIGNED = ("did not find expected '-' indicator", "did not find expected key", "expected <block end>")


def _misaligned_key(text: str, mark: Any, first_line: int, problem: str) -> tuple[str, str] | None:
    """The message for a key indented to no block's column, which libyaml calls a list
    item out of line when it falls inside a list item: name the key, and the nearest key
    above at the closest column, which is most likely the one it belongs beside."""
    if mark is None or not any(phrase in problem for phrase in _MISALIGNED):
        return None
    lines = text.split("\n")
    if not 0 <= mark.line < len(lines):
        return None
    found = _KEY_LINE.match(lines[mark.line])
    if found is None or found.group(2):  # a list item's own `-` has a message of its own
        return None
    column = len(found.group(1))
    best: tuple[int, int, int, str] | None = None  # distance, line, column, key
    for index in range(mark.line - 1, -1, -1):
        above = _KEY_LINE.match(lines[index])
        if above is None:
            continue
        at = len(above.group(1)) + len(above.group(2))
        if best is None or abs(at - column) < best[0]:
            best = (abs(at - column), index, at, above.group(3))
    message = f"invalid YAML: the key `{_short(found.group(3))}` is not lined up with the keys around it"
    if best is None:
        return message, "line it up with the other keys of the same mapping"
    _, index, at, beside = best
    return (
        message,
        f"line it up with `{_short(beside)}` on line {index + first_line} (column {at + 1}), "
        "or indent it under the key it belongs to",
    )


def _syntax_words(problem: str, context: str) -> tuple[str, str]:
    """Our message and hint for a YAML syntax error; PyYAML's wording never reaches users."""
    for phrase, message, hint in _SYNTAX:
        if phrase in problem or phrase in context:
            return f"invalid YAML: {message}", hint
    return "invalid YAML: the text cannot be read at this point", "check the indentation and quoting around this point"


def _node_size(node: yaml.Node, limit: int = MAX_EXPANDED_NODES) -> tuple[int, int]:
    """How many values a node holds once aliases are expanded, and how many distinct ones,
    each stopping past `limit`. Memoised over shared nodes, so aliases cost nothing."""
    sizes: dict[int, int] = {}
    distinct = 0

    def size(current: yaml.Node, depth: int) -> int:
        nonlocal distinct
        if not isinstance(current, yaml.MappingNode | yaml.SequenceNode):
            return 1
        key = id(current)
        if key in sizes:
            return sizes[key]
        if depth > MAX_NESTING:  # nesting_depth reports it on the built data
            return 1
        sizes[key] = limit + 1  # a node that contains itself expands without end
        if isinstance(current, yaml.MappingNode):
            # A merge (`<<: *base`) copies keys in, each at most once: the built data's own
            # walk (`expanded_size`) counts it; here it would count a self-merge forever.
            children = [v for k, val in current.value if k.tag != "tag:yaml.org,2002:merge" for v in (k, val)]
        else:
            children = list(current.value)
        distinct += len(children)
        total = 1
        for child in children:
            total += size(child, depth + 1)
            if total > limit:
                break
        sizes[key] = total
        return total

    return size(node, 0), distinct


def _drop_oversized(root: yaml.Node | None) -> dict[str, bool]:
    """Replace each oversized top-level value (or the whole document) with null before it
    is built; return where that was done and whether aliases made it so."""
    if root is None:
        return {}
    total, distinct = _node_size(root)
    if total <= MAX_EXPANDED_NODES:
        return {}
    if not isinstance(root, yaml.MappingNode):
        _nullify(root)
        return {"": distinct <= MAX_EXPANDED_NODES}
    dropped: dict[str, bool] = {}
    for index, (key_node, value_node) in enumerate(root.value):
        total, distinct = _node_size(value_node)
        if total > MAX_EXPANDED_NODES:
            name = _scalar_key(key_node) or ""
            dropped[name] = distinct <= MAX_EXPANDED_NODES
            root.value[index] = (key_node, yaml.ScalarNode("tag:yaml.org,2002:null", "", value_node.start_mark))
    return dropped


def _nullify(node: yaml.Node) -> None:
    node.value = []  # an empty list or mapping: nothing left to build


def _tab_at(text: str, mark: Any) -> bool:
    """Whether the parser stopped on a tab in the indentation (a common paste accident)."""
    if mark is None:
        return False
    start = 0
    for _ in range(mark.line):
        start = text.find("\n", start) + 1
        if start == 0:
            return False
    end = text.find("\n", start)
    line = text[start : end if end != -1 else len(text)]
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    return "\t" in indent or line[mark.column : mark.column + 1] == "\t"


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file, reading no more than `limit` and one byte.

    A pipe, a device or a folder is refused before it is opened, so neither a FIFO nor
    `/dev/zero` can hang or fill memory; a file larger than `limit` raises `TooLarge`
    after `limit + 1` bytes, whatever its size.
    """
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise NotRegular(f"{os.fspath(path)} is not a regular file")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # replaced since the look
            raise NotRegular(f"{os.fspath(path)} is not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"{os.fspath(path)} is larger than {limit:,} bytes")
    return data


#: A page is read whole up to this size; past it, only its start, which holds the front
#: matter (itself limited to `MAX_FRONT_MATTER_BYTES`).
MAX_PAGE_BYTES = 16 * 1024 * 1024


def read_page(path: str | os.PathLike[str]) -> tuple[bytes, bool]:
    """A page's bytes and whether they are all of it; a larger page gives its start, cut
    at a line end. Refuses what is not a regular file (`NotRegular`)."""
    try:
        return read_regular(path, MAX_PAGE_BYTES), True
    except TooLarge:
        with open(path, "rb") as handle:
            start = handle.read(MAX_FRONT_MATTER_BYTES + 64 * 1024)
        return start[: start.rfind(b"\n") + 1], False


class NotRegular(OSError):
    """A path that names a pipe, a device, a socket or a folder, not a file."""


class TooLarge(OSError):
    """A file larger than the limit it is read with."""


def path_at(root: yaml.Node | None, line: int, column: int) -> tuple[tuple[str | int, ...], bool] | None:
    """The path of the node that starts at `line`, `column` (0-based) and whether it is a
    key, or None when no node starts there."""
    stack: list[tuple[yaml.Node, tuple[str | int, ...]]] = [(root, ())] if root is not None else []
    seen: set[int] = set()
    while stack:
        node, here = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                name = _scalar_key(key_node)
                if name is None:
                    continue
                if (key_node.start_mark.line, key_node.start_mark.column) == (line, column):
                    return (*here, name), True
                stack.append((value_node, (*here, name)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*here, i)) for i, item in enumerate(node.value))
        if (node.start_mark.line, node.start_mark.column) == (line, column) and isinstance(node, yaml.ScalarNode):
            return here, False
    return None


# --- bounding and normalising --------------------------------------------------------


def expanded_size(value: Any, limit: int = MAX_EXPANDED_NODES) -> int:
    """How many values `value` holds once aliases are expanded, stopping past `limit`.

    A memoised walk over distinct containers: linear in the document, whatever the
    aliases would expand to.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Any) -> int:
        if not isinstance(node, dict | list):
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:  # a recursive structure expands without end
            return limit + 1
        active.add(key)
        children = node.values() if isinstance(node, dict) else node
        total = 1
        for child in children:
            total += size(child)
            if total > limit:
                break
        active.discard(key)
        sizes[key] = total
        return total

    return size(value)


def has_aliases(value: Any, limit: int = MAX_EXPANDED_NODES) -> bool:
    """Whether `value` is large only through aliases: counting every container once,
    it holds no more than `limit` values (a plain list of 100,000 items does not)."""
    seen: set[int] = set()
    stack = [value]
    total = 0
    while stack:
        node = stack.pop()
        if not isinstance(node, dict | list) or id(node) in seen:
            continue
        seen.add(id(node))
        children = list(node.values()) if isinstance(node, dict) else node
        total += 1 + len(children)
        if total > limit:
            return False
        stack.extend(children)
    return True


def nesting_depth(value: Any, limit: int = MAX_NESTING) -> int:
    """How deeply lists and mappings nest in `value`, stopping past `limit`.

    Memoised like `expanded_size` and never recursing more than `limit` levels, so
    neither aliases nor deep nesting can exhaust the stack. A cycle adds no depth:
    `expanded_size` reports it.
    """
    depths: dict[int, int] = {}
    active: set[int] = set()

    def depth(node: Any, level: int) -> int:
        if not isinstance(node, dict | list):
            return 0
        key = id(node)
        if key in depths:
            return depths[key]
        if key in active:
            return 0
        if level > limit:
            return limit + 1
        active.add(key)
        deepest = 0
        for child in node.values() if isinstance(node, dict) else node:
            deepest = max(deepest, depth(child, level + 1))
            if level + deepest > limit:
                break
        active.discard(key)
        depths[key] = deepest + 1
        return deepest + 1

    return depth(value, 1)


_JSON_SCALARS = (str, int, float, bool, type(None))


def key_name(key: Any) -> str | None:
    """The text a mapping key becomes in a design, or None when it cannot be text.

    Numbers, booleans, null and dates keep their YAML spelling (`true`, `null`, ...).
    """
    if isinstance(key, str):
        return key
    if isinstance(key, int) and not isinstance(key, bool) and key.bit_length() > MAX_INT_BITS:
        return None
    if isinstance(key, bool | int | float) or key is None:
        return "null" if key is None else str(key).lower() if isinstance(key, bool) else str(key)
    if isinstance(key, dt.date):
        return key.isoformat()
    return None


def _type_name(value: Any) -> str:
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, set):
        return "a set"
    return f"a value of type {type(value).__name__}"


def normalise(value: Any, path: tuple[str | int, ...] = ()) -> tuple[Any, list[tuple[tuple[str | int, ...], str]]]:
    """Plain JSON data, and the (path, reason) of every value that could not be kept.

    Dates become ISO strings; keys that are numbers, booleans or dates become text;
    binary data and sets are dropped and reported. Call only on bounded data.
    A plain dict or list that needs no change is returned as it is, not copied: the
    data then shares its memory with the page's meta-data (neither is ever changed).
    """
    issues: list[tuple[tuple[str | int, ...], str]] = []

    def walk(node: Any, here: tuple[str | int, ...]) -> Any:
        if isinstance(node, dict):
            out: dict[str, Any] = {}
            same = type(node) is dict
            for k, v in node.items():
                key = key_name(k)
                if key is None:
                    if isinstance(k, int) and not isinstance(k, bool):
                        issues.append((here, "a mapping key is a number too large to read; keys must be text"))
                    else:
                        issues.append((here, f"a mapping key is {_type_name(k)}; keys must be text"))
                    same = False
                    continue
                out[key] = walked = walk(v, (*here, key))
                same = same and key is k and walked is v
            return node if same else out
        if isinstance(node, list):
            items = [walk(v, (*here, i)) for i, v in enumerate(node)]
            return node if type(node) is list and all(a is b for a, b in zip(items, node, strict=True)) else items
        if isinstance(node, _JSON_SCALARS):
            if isinstance(node, float) and node != node:  # NaN: keep data comparable
                return None
            if isinstance(node, int) and node.bit_length() > MAX_INT_BITS:
                issues.append((here, "a number this large is not allowed here"))
                return None
            return node
        if isinstance(node, dt.datetime | dt.date):
            return node.isoformat()
        issues.append((here, f"{_type_name(node)} is not allowed here"))
        return None

    return walk(value, path), issues


# --- what Markdown can afford --------------------------------------------------------

#: Python-Markdown takes time quadratic in the `[` of a paragraph (upstream #798). A text
#: with more than `MAX_BRACKETS` of them, or every text of a design holding more than
#: `MAX_DESIGN_BRACKETS` in all, is shown as plain text instead; the check warns of it.
MAX_BRACKETS = 200
MAX_DESIGN_BRACKETS = 2000


def texts_of(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every text in plain JSON data, with its path, in document order."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from texts_of(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from texts_of(child, (*path, index))


def brackets_in(data: Any) -> int:
    """How many `[` the texts of a design hold in all."""
    return sum(text.count("[") for _, text in texts_of(data))


def plain_text(text: str, design_brackets: int) -> bool:
    """Whether a text of a design holding `design_brackets` in all is shown without Markdown."""
    return (design_brackets > MAX_DESIGN_BRACKETS and "[" in text) or text.count("[") > MAX_BRACKETS


# --- locating a field in the YAML text ------------------------------------------------


#: The node trees of the last texts loaded or composed, to locate their problems without
#: parsing them again. Two: the page, and the design file it names.
_composed: dict[str, yaml.Node | None] = {}


def _remember(text: str, node: yaml.Node | None) -> None:
    if len(_composed) >= 2:
        _composed.pop(next(iter(_composed)))
    _composed[text] = node


def compose(text: str) -> yaml.Node | None:
    """The YAML node tree with marks, or None when it cannot be composed."""
    if text in _composed:
        return _composed[text]
    try:
        node = yaml.compose(text, Loader=_BaseLoader)
    except (yaml.YAMLError, RecursionError):
        node = None
    _remember(text, node)
    return node


def _pairs(node: yaml.MappingNode, seen: set[int] | None = None) -> Iterator[tuple[yaml.Node, yaml.Node]]:
    seen = set() if seen is None else seen
    seen.add(id(node))  # a mapping may merge itself (`design: &d {<<: *d}`)
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            merged = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for sub in merged:
                if isinstance(sub, yaml.MappingNode) and id(sub) not in seen:
                    yield from _pairs(sub, seen)
        else:
            yield key_node, value_node


def _scalar_key(node: yaml.Node) -> str | None:
    """The design's name for a key node: `~` is `null`, `True` is `true`, `0x1F` is `31`."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    if node.tag == "tag:yaml.org,2002:str":
        return str(node.value)
    try:
        return key_name(yaml.SafeLoader("").construct_object(node, deep=True))
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        return str(node.value)


#: Each mapping node's pairs by key name, built once: locating many problems in one
#: large mapping must not walk it once per problem.
_INDEX: weakref.WeakKeyDictionary[yaml.MappingNode, dict[str, tuple[yaml.Node, yaml.Node]]] = (
    weakref.WeakKeyDictionary()
)


def _index(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    index = _INDEX.get(node)
    if index is None:
        index = {}
        for key_node, value_node in _pairs(node):
            name = _scalar_key(key_node)
            if name is not None:
                index[name] = (key_node, value_node)  # the last one wins, as when loading
        _INDEX[node] = index
    return index


def find_node(root: yaml.Node | None, path: tuple[str | int, ...], *, key: bool = False) -> yaml.Node | None:
    """The node at `path` (its key node when `key`); the deepest existing parent if absent."""
    node = root
    for i, part in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            pair = _index(node).get(part)
            if pair is None:
                return node
            node = pair[0] if (last and key) else pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node
