"""How complete a design is, exactly as the design model defines it.

Pure functions over a normalised design and the `Template`; scores are exact
fractions so that "100%" can only mean every counted field is filled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from .schema import Section, Template

PLACEHOLDERS = frozenset({"todo", "tbd", "...", "…", "?", "-"})

State = Literal["complete", "partial", "missing", "na"]


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


def score_section(section: Section, value: Any) -> SectionScore:
    if value is None:
        return SectionScore(section.key, "missing", Fraction(0), (), counted_fields(section, {}))
    if is_na(value):
        reason = value.get("na")
        return SectionScore(section.key, "na", Fraction(1), (), (), reason if isinstance(reason, str) else "")
    names = counted_fields(section, value)
    if not section.fields:
        ok = is_filled(value.get(section.single)) if section.single and isinstance(value, dict) else is_filled(value)
        filled = names if ok else ()
    else:
        filled = tuple(n for n in names if is_filled(lookup(value, n)))
    missing = tuple(n for n in names if n not in filled)
    score = Fraction(len(filled), len(names))
    state: State = "complete" if not missing else ("partial" if filled else "missing")
    return SectionScore(section.key, state, score, filled, missing)


def score_design(template: Template, design: dict[str, Any]) -> DesignScore:
    """Score every counted section; the design's value is their mean."""
    scores = tuple(score_section(s, design.get(s.key)) for s in template.counted)
    value = sum((s.score for s in scores), Fraction(0)) / len(scores) if scores else Fraction(1)
    return DesignScore(scores, value)
