"""The one shape every reported problem takes, wherever it is shown."""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]

#: A design reports at most this many problems of one kind (schema, design lint, site
#: lint); past it, one more problem says that the rest were left out. Hostile input can
#: hold tens of thousands of mistakes, and each costs time to locate and explain.
MAX_PROBLEMS = 100
TOO_MANY = "too-many-problems"

# Control characters (terminal escapes among them), bidirectional overrides and
# zero-width characters: a YAML escape such as `"\e]0;..."` can put them in a key or
# value that a message quotes, where they would be unseen or rewrite the line.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def shown_path(path: str | os.PathLike[str]) -> str:
    """A file as messages name it: relative to the current folder, with `/`; as given when
    it is on another drive (Windows)."""
    try:
        return os.path.relpath(path).replace(os.sep, "/")
    except ValueError:
        return str(path)


def visible(text: str) -> str:
    """`text` with every control character written as an escape, as Python writes it."""
    return _INVISIBLE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


@dataclass(frozen=True, slots=True)
class Problem:
    """A located problem in a design: what is wrong, where, and what to do about it.

    `line` and `column` count from 1; 0 means the whole file.
    """

    file: str
    line: int
    column: int
    field: str
    severity: Severity
    rule: str
    message: str
    hint: str = ""

    def __post_init__(self) -> None:
        # Messages quote authors' keys and values; they reach terminals and logs as they are.
        for name in ("file", "field", "message", "hint"):
            text = getattr(self, name)
            if _INVISIBLE.search(text):
                object.__setattr__(self, name, visible(text))

    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def format(self, *, with_severity: bool = True) -> str:
        """`file:line:col: severity rule field: message (hint)`."""
        head = f"{self.severity} {self.rule} " if with_severity else ""
        field = f"{self.field}: " if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.location()}: {head}{field}{self.message}{hint}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.field)
