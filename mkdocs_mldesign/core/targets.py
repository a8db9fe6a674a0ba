"""A metric's target as a comparison that a measurement can be checked against.

A target is free text in the schema, so any text stays valid; the forms below are the
ones that can be checked. Anything else is shown as written and judged "not checkable".

- a comparator and a number: `< 200 ms`, `<= 1.5 s`, `≤ 0.1%`, `> 0.9`, `>= 97%`,
  `≥ 97 %`, `= 1`, and in words `at least 97%`, `at most 0.1%`;
- a range, both ends included: `between 0.2 and 0.4`, `0.2 to 0.4`, `0.2–0.4`
  (a unit after either end applies to both);
- units: `%` (a measured rate is a fraction: 0.1% is 0.001), and time: `us`/`µs`,
  `ms`, `s`, `min`, `h`. A measured number is read in the target's unit, unless the
  metric names its source's unit with `unit:` (`percent`, `fraction`, or a time unit).

Pure: no I/O, nothing but the text and the numbers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Literal

Op = Literal["<", "<=", ">", ">=", "=", "between"]
Verdict = Literal["met", "not-met", "no-evidence", "not-checkable"]
VERDICTS: tuple[Verdict, ...] = ("met", "not-met", "no-evidence", "not-checkable")

#: Seconds per unit of time.
TIME_UNITS: dict[str, float] = {"us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "min": 60.0, "h": 3600.0}
#: What a metric's `unit:` may say its source logs (the schema's enum is the same list).
SOURCE_UNITS = ("percent", "fraction", "us", "ms", "s", "min", "h")

_UNIT_WORDS = {
    "%": "%",
    "percent": "%",
    "us": "us",
    "µs": "us",
    "μs": "us",
    "ms": "ms",
    "s": "s",
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
    "min": "min",
    "mins": "min",
    "minute": "min",
    "minutes": "min",
    "h": "h",
    "hr": "h",
    "hour": "h",
    "hours": "h",
}
_OPS = {
    "<": "<",
    "<=": "<=",
    "≤": "<=",
    "=<": "<=",
    ">": ">",
    ">=": ">=",
    "≥": ">=",
    "=>": ">=",
    "=": "=",
    "==": "=",
    "at least": ">=",
    "at most": "<=",
    "less than": "<",
    "more than": ">",
    "greater than": ">",
}
_NUMBER = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|[-+]?\.\d+"
_UNIT = r"%|[A-Za-zµμ]+"
_OP = "|".join(re.escape(o) for o in sorted(_OPS, key=len, reverse=True))
_COMPARISON = re.compile(rf"^(?P<op>{_OP})\s*(?P<n>{_NUMBER})\s*(?P<u>{_UNIT})?$", re.IGNORECASE)
_RANGE = re.compile(
    rf"^(?:between\s+)?(?P<a>{_NUMBER})\s*(?P<ua>{_UNIT})?\s*(?:and|to|–|—|-|\.\.)\s*"
    rf"(?P<b>{_NUMBER})\s*(?P<ub>{_UNIT})?$",
    re.IGNORECASE,
)
#: Texts longer than this are prose, not a comparison.
_MAX_TARGET = 80


@dataclass(frozen=True, slots=True)
class Target:
    """A target that can be checked: `low` is the number (a range's lower end), `high` a
    range's upper end; both in `unit` as written (97 for `>= 97%`)."""

    op: Op
    low: float
    high: float | None
    unit: str  # "", "%", or a key of TIME_UNITS

    def scale(self) -> float:
        """The factor from the target's unit to what sources log: 1% is 0.01."""
        return 0.01 if self.unit == "%" else 1.0

    def shown(self, value: float) -> str:
        """A measured value (already in the target's unit) as the target writes numbers."""
        number = f"{value:.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
        if self.unit == "%":
            return f"{number}%"
        return f"{number} {self.unit}" if self.unit else number


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _unit(word: str | None) -> str | None:
    """The unit a word stands for: "" for none, None for one that is not understood."""
    if not word:
        return ""
    return _UNIT_WORDS.get(word.lower() if word not in ("µs", "μs") else "µs")


def parse_target(value: Any) -> Target | None:
    """The comparison a target writes, or None when it is free text (or no target)."""
    if not isinstance(value, str) or len(value) > _MAX_TARGET:
        return None
    text = " ".join(value.split())
    match = _COMPARISON.match(text)
    if match:
        unit = _unit(match["u"])
        number = _number(match["n"])
        if unit is None or not math.isfinite(number):
            return None
        op: Op = _OPS[match["op"].lower()]  # type: ignore[assignment]
        return Target(op, number, None, unit)
    match = _RANGE.match(text)
    if match:
        ua, ub = _unit(match["ua"]), _unit(match["ub"])
        if ua is None or ub is None or (ua and ub and ua != ub):
            return None
        low, high = _number(match["a"]), _number(match["b"])
        if not (math.isfinite(low) and math.isfinite(high)) or low > high:
            return None
        return Target("between", low, high, ua or ub)
    return None


def why_not_checkable(value: Any) -> str:
    """Why a target cannot be checked, for the page: no target, or free text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "no target"
    if isinstance(value, bool) or not isinstance(value, str):
        return "a bare number says neither `<` nor `>`"
    return "free text, not a comparison such as >= 97% or < 200 ms"


def in_target_unit(target: Target, measured: float, source_unit: str = "") -> float | None:
    """The measured number in the target's unit, or None when the units cannot meet
    (a time target measured in percent)."""
    if source_unit in ("percent", "fraction"):
        if target.unit in TIME_UNITS:
            return None
        fraction = measured / 100 if source_unit == "percent" else measured
        return fraction / target.scale()
    if source_unit in TIME_UNITS:
        if target.unit not in TIME_UNITS:
            return None
        return measured * TIME_UNITS[source_unit] / TIME_UNITS[target.unit]
    return measured / target.scale()


def meets(target: Target, value: float) -> bool:
    """Whether `value` (in the target's unit) meets the target; a value equal to a bound
    within floating-point noise counts as on it."""

    def same(a: float, b: float) -> bool:
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)

    low = target.low
    if target.op == "<":
        return value < low and not same(value, low)
    if target.op == "<=":
        return value < low or same(value, low)
    if target.op == ">":
        return value > low and not same(value, low)
    if target.op == ">=":
        return value > low or same(value, low)
    if target.op == "=":
        return same(value, low)
    high = target.high if target.high is not None else low
    return (value > low or same(value, low)) and (value < high or same(value, high))
