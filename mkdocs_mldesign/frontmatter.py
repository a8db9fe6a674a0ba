"""Reading YAML front matter strictly, with every failure located in the file.

MkDocs drops front matter it cannot parse without a word. Here every way front
matter can go wrong becomes a `Problem` with a line and column, and the data that
comes out is plain JSON (str, int, float, bool, None, list, dict with str keys),
bounded in size, so no validator, renderer or message formatter can be handed an
alias bomb, a date object or anything a tag constructed.
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from .problems import Problem

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
_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_OPENING = re.compile(r"^-{3}[ \t]*\n")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The YAML text between the delimiters, the line it starts on (1-based) and the
    page body after it, stripped as MkDocs strips it."""

    text: str
    first_line: int
    body: str


class YAMLProblem(Exception):
    """Raised inside the loader; carries a located problem out of PyYAML."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


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


def _make_loader(file: str, first_line: int) -> type[Any]:
    class StrictLoader(_BaseLoader):
        """Safe loading that also refuses duplicate keys."""

        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode):
                seen: dict[Any, yaml.Node] = {}
                for key_node, _ in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        continue
                    if isinstance(key_node, yaml.ScalarNode):
                        key = (key_node.tag, key_node.value)
                        if key in seen:
                            first = seen[key].start_mark.line + first_line
                            raise YAMLProblem(
                                _at(
                                    file,
                                    first_line,
                                    key_node.start_mark,
                                    "yaml-duplicate-key",
                                    f"the key `{_short(key_node.value)}` appears twice in this mapping",
                                    f"it was first given on line {first}; keep one of them",
                                )
                            )
                        seen[key] = key_node
            return super().construct_mapping(node, deep=deep)

        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep=deep)
            except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError):
                # PyYAML's own constructors raise these for `2024-02-30`, `!!int abc`, ...
                kind = _TAG_WORDS.get(node.tag, f"`{_short(node.tag.replace('tag:yaml.org,2002:', '!!'), 60)}`")
                shown = _short(node.value) if isinstance(node.value, str) else "this value"
                raise YAMLProblem(
                    _at(
                        file,
                        first_line,
                        node.start_mark,
                        "yaml-value",
                        f"`{shown}` cannot be read as {kind}",
                        "correct the value, or quote it to keep it as text",
                    )
                ) from None

    StrictLoader.add_constructor("tag:yaml.org,2002:map", StrictLoader.construct_yaml_map)  # type: ignore[type-var]
    return StrictLoader


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
    """
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_FRONT_MATTER_BYTES:
        return None, Problem(
            file,
            first_line,
            1,
            "",
            "error",
            "yaml-too-large",
            f"the YAML is {size:,} bytes, more than the {MAX_FRONT_MATTER_BYTES:,}-byte limit",
            "move long prose into the page body",
        )
    try:
        return yaml.load(text, Loader=_make_loader(file, first_line)), None
    except YAMLProblem as exc:
        return None, exc.problem
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        tag = re.search(r"tag '([^']*)'", exc.problem or "")
        if tag is None:  # e.g. a list used as a mapping key
            context = f" {exc.context}" if exc.context else ""
            return None, _at(
                file,
                first_line,
                mark,
                "yaml-syntax",
                f"invalid YAML: {(exc.problem or 'a value cannot be read').strip()}{context}",
                "use plain text for keys and remove explicit `!!` tags",
            )
        shown = _short(tag.group(1).replace("tag:yaml.org,2002:", "!!"), 60)
        return None, _at(
            file,
            first_line,
            mark,
            "yaml-tag",
            f"the tag `{shown}` is not allowed in front matter",
            "remove the tag; only plain YAML values (text, numbers, lists, mappings, dates) are read",
        )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        problem = (exc.problem or "invalid YAML").strip()
        if _tab_at(text, mark):
            return None, _at(
                file,
                first_line,
                mark,
                "yaml-tab",
                "a tab character is used for indentation",
                "YAML indents with spaces only; replace the tab with spaces",
            )
        context = f" {exc.context}" if exc.context else ""
        start = exc.context_mark
        if start is not None and mark is not None and start.line != mark.line:
            context += f" that starts on line {start.line + first_line}, column {start.column + 1}"
        return None, _at(
            file,
            first_line,
            mark,
            "yaml-syntax",
            f"invalid YAML: {problem}{context}",
            "check the indentation and quoting around this point",
        )
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        where: Any = getattr(exc, "problem_mark", None) or getattr(exc, "mark", None)
        position = getattr(exc, "position", None)  # a ReaderError has no mark, only the offset
        if where is None and isinstance(position, int) and 0 <= position <= len(text):
            where = _Mark(text.count("\n", 0, position), position - (text.rfind("\n", 0, position) + 1))
        character = getattr(exc, "character", None)
        shown = f" (U+{character:04X})" if isinstance(character, int) else ""
        return None, _at(
            file,
            first_line,
            where,
            "yaml-syntax",
            f"invalid YAML: the text holds a character YAML cannot read{shown}",
            "remove control characters from the front matter",
        )
    except RecursionError:
        return None, _at(
            file,
            first_line,
            None,
            "yaml-syntax",
            "the YAML is nested too deeply to read",
            "flatten the structure",
        )


def _tab_at(text: str, mark: Any) -> bool:
    """Whether the parser stopped on a tab in the indentation (a common paste accident)."""
    if mark is None:
        return False
    lines = text.split("\n")
    if mark.line >= len(lines):
        return False
    line = lines[mark.line]
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    return "\t" in indent or line[mark.column : mark.column + 1] == "\t"


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


# --- locating a field in the YAML text ------------------------------------------------


def compose(text: str) -> yaml.Node | None:
    """The YAML node tree with marks, or None when it cannot be composed."""
    try:
        return yaml.compose(text, Loader=_BaseLoader)
    except (yaml.YAMLError, RecursionError):
        return None


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
