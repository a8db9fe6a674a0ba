"""The one shape every reported problem takes, wherever it is shown."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


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
