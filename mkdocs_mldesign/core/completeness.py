"""How complete a design is, exactly as the design model defines it.

Pure functions over a normalised design and the `Template`; scores are exact
fractions so that "100%" can only mean every counted field is filled.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from .schema import Section, Template

PLACEHOLDERS = frozenset({"todo", "tbd", "...", "…", "?", "-"})

State = Literal["complete", "partial", "missing", "na"]

#: A place in a design: ("metrics", 2, "priority").
Path = tuple[str | int, ...]


def is_filled(value: Any) -> bool:
    """Non-blank text that is not a placeholder, a number, or a list with one such item.

    A mapping inside a list (an objective or a metric) is filled when any of its
    values is.
    """
    if isinstance(value, str):
        text = value.strip()
        return bool(text) and text.lower() not in PLACEHOLDERS
    if isinstance(value, bool):
        return True
    if isinstance(value, int | float):
        return True
    if isinstance(value, list):
        return any(is_filled(item) for item in value)
    if isinstance(value, dict):
        return any(is_filled(item) for item in value.values())
    return False


class Rejected:
    """The places in a design whose values the schema refuses.

    A value the schema refuses is no answer (`mode: realtime`, `priority: must-have`):
    a field, or one item of a list field, holding such a value is not filled. A problem
    with a section as a whole (a field it requires, a key it does not know) leaves the
    fields beside it as they are.
    """

    __slots__ = ("_paths",)

    def __init__(self, paths: Collection[Path] = ()) -> None:
        self._paths = frozenset(paths)

    def __bool__(self) -> bool:
        return bool(self._paths)

    def within(self, path: Path) -> bool:
        """Whether the value at `path`, or anything inside it, is refused."""
        size = len(path)
        return any(p[:size] == path for p in self._paths)

    def at(self, path: Path) -> bool:
        return path in self._paths


def is_answered(value: Any, path: Path, rejected: Rejected) -> bool:
    """`is_filled`, counting only what the schema accepts: a list is answered by one
    accepted, filled item; any other value by being filled and accepted whole."""
    if not rejected:
        return is_filled(value)
    if isinstance(value, list):
        return not rejected.at(path) and any(is_answered(item, (*path, i), rejected) for i, item in enumerate(value))
    return not rejected.within(path) and is_filled(value)


def is_placeholder(value: Any) -> bool:
    """Text that is only a placeholder (`TODO`, `TBD`, ...), or a list of nothing else
    with at least one: what stands in for an answer not yet written."""
    if isinstance(value, str):
        return value.strip().lower() in PLACEHOLDERS
    if isinstance(value, list):
        return any(is_placeholder(v) for v in value) and not is_filled(value)
    return False


def is_na(value: Any) -> bool:
    return isinstance(value, dict) and "na" in value


def lookup(mapping: Any, dotted: str) -> Any:
    """The value at a dotted field path (`training.access`), or None."""
    for part in dotted.split("."):
        if not isinstance(mapping, dict):
            return None
        mapping = mapping.get(part)
    return mapping


@dataclass(frozen=True, slots=True)
class SectionScore:
    key: str
    state: State
    score: Fraction
    filled: tuple[str, ...]
    missing: tuple[str, ...]
    reason: str = ""

    @property
    def percent(self) -> int:
        return math.floor(self.score * 100)


@dataclass(frozen=True, slots=True)
class DesignScore:
    sections: tuple[SectionScore, ...]
    value: Fraction

    @property
    def percent(self) -> int:
        return math.floor(self.value * 100)

    def section(self, key: str) -> SectionScore | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def gaps(self) -> tuple[SectionScore, ...]:
        return tuple(s for s in self.sections if s.state in ("partial", "missing"))


def counted_fields(section: Section, value: Any) -> tuple[str, ...]:
    """The fields of `section` that count for this value of it."""
    if not section.fields:
        return (section.key,)
    if section.selector:
        chosen = lookup(value, section.selector)
        extra = section.choices.get(chosen, ()) if isinstance(chosen, str) else ()
        return (section.selector, *extra)
    return tuple(f.key for f in section.fields)


def score_section(section: Section, value: Any, rejected: Rejected | None = None) -> SectionScore:
    """The section's score; `rejected` holds the places the schema refused, which
    are not filled."""
    refused = rejected or Rejected()
    if value is None:
        return SectionScore(section.key, "missing", Fraction(0), (), counted_fields(section, {}))
    if is_na(value):
        reason = value.get("na")
        return SectionScore(section.key, "na", Fraction(1), (), (), reason if isinstance(reason, str) else "")
    names = counted_fields(section, value)
    root: Path = (section.key,)
    if not section.fields:
        if section.single and isinstance(value, dict):
            ok = is_answered(value.get(section.single), (*root, section.single), refused)
        else:
            ok = is_answered(value, root, refused)
        filled = names if ok else ()
    else:
        filled = tuple(n for n in names if is_answered(lookup(value, n), (*root, *n.split(".")), refused))
    missing = tuple(n for n in names if n not in filled)
    score = Fraction(len(filled), len(names))
    state: State = "complete" if not missing else ("partial" if filled else "missing")
    return SectionScore(section.key, state, score, filled, missing)


def score_design(template: Template, design: dict[str, Any], rejected: Collection[Path] = ()) -> DesignScore:
    """Score every counted section; the design's value is their mean. `rejected` are the
    places of the values the schema refused."""
    refused = Rejected(rejected)
    scores = tuple(score_section(s, design.get(s.key), refused) for s in template.counted)
    value = sum((s.score for s in scores), Fraction(0)) / len(scores) if scores else Fraction(1)
    return DesignScore(scores, value)
