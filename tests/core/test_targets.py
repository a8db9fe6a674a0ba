"""Targets as comparisons: the forms read, the units converted, and what stays free text."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mkdocs_mldesign.core.targets import Target, in_target_unit, meets, parse_target, why_not_checkable


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (">= 97%", Target(">=", 97, None, "%")),
        ("≥ 97 %", Target(">=", 97, None, "%")),
        ("=> 97%", Target(">=", 97, None, "%")),
        ("at least 97 percent", Target(">=", 97, None, "%")),
        ("<= 0.1%", Target("<=", 0.1, None, "%")),
        ("≤0.1%", Target("<=", 0.1, None, "%")),
        ("at most 0.1%", Target("<=", 0.1, None, "%")),
        ("< 200 ms", Target("<", 200, None, "ms")),
        ("<200ms", Target("<", 200, None, "ms")),
        ("<= 1.5 s", Target("<=", 1.5, None, "s")),
        ("< 2 min", Target("<", 2, None, "min")),
        ("< 50 µs", Target("<", 50, None, "us")),
        ("less than 3 hours", Target("<", 3, None, "h")),
        ("> 0.9", Target(">", 0.9, None, "")),
        ("= 1", Target("=", 1, None, "")),
        (">= 1,000", Target(">=", 1000, None, "")),
        ("> -0.5", Target(">", -0.5, None, "")),
        ("< 1e-3", Target("<", 0.001, None, "")),
        ("between 0.2 and 0.4", Target("between", 0.2, 0.4, "")),
        ("0.2 to 0.4", Target("between", 0.2, 0.4, "")),
        ("0.2–0.4", Target("between", 0.2, 0.4, "")),
        ("0.2 - 0.4", Target("between", 0.2, 0.4, "")),
        ("between 20% and 40%", Target("between", 20, 40, "%")),
        ("between 100 and 300 ms", Target("between", 100, 300, "ms")),
        ("  >=   97%  ", Target(">=", 97, None, "%")),
    ],
)
def test_a_comparison_is_read_with_its_unit(text: str, expected: Target) -> None:
    assert parse_target(text) == expected


@pytest.mark.parametrize(
    "value",
    [
        "high",  # words
        "as good as the current rules",
        "< 2 GB",  # a unit that is not converted
        "> 5 req/s",
        "between 0.4 and 0.2",  # an empty range
        "between 20% and 300 ms",  # two units
        ">= nan",
        ">= inf",
        "> " + "9" * 400,  # past any float: read as free text, not infinity
        "x" * 200,
        0.95,  # a bare number says neither < nor >
        True,
        None,
        "",
    ],
)
def test_anything_else_is_free_text(value: object) -> None:
    assert parse_target(value) is None
    assert why_not_checkable(value)


def test_a_percent_target_reads_a_fraction_unless_the_metric_says_percent() -> None:
    target = parse_target("<= 0.1%")
    assert target is not None
    assert meets(target, in_target_unit(target, 0.001) or 0)
    assert not meets(target, in_target_unit(target, 0.003) or 0)
    assert meets(target, in_target_unit(target, 0.1, "percent") or 0)
    assert not meets(target, in_target_unit(target, 0.3, "percent") or 0)
    assert target.shown(in_target_unit(target, 0.003) or 0) == "0.3%"


def test_times_convert_between_units() -> None:
    target = parse_target("< 200 ms")
    assert target is not None
    assert in_target_unit(target, 150) == 150  # read in the target's unit
    assert in_target_unit(target, 0.15, "s") == pytest.approx(150)
    assert in_target_unit(target, 0.25, "s") == pytest.approx(250)
    assert in_target_unit(target, 150_000, "us") == pytest.approx(150)
    assert in_target_unit(target, 0.5, "percent") is None  # a rate cannot meet a time
    rate = parse_target(">= 97%")
    assert rate is not None
    assert in_target_unit(rate, 1, "s") is None


@pytest.mark.parametrize(
    ("text", "value", "met"),
    [
        ("< 200", 199.99, True),
        ("< 200", 200, False),
        ("<= 200", 200, True),
        ("> 0.9", 0.9, False),
        (">= 0.9", 0.9, True),
        (">= 97%", 0.97, True),  # 0.97 / 0.01 is 96.99999999999999 in floating point
        ("<= 0.1%", 0.001, True),
        ("= 1", 1.0000000000001, True),
        ("= 1", 1.01, False),
        ("between 0.2 and 0.4", 0.2, True),
        ("between 0.2 and 0.4", 0.4, True),
        ("between 0.2 and 0.4", 0.41, False),
    ],
)
def test_a_bound_is_judged_as_written(text: str, value: float, met: bool) -> None:
    target = parse_target(text)
    assert target is not None
    assert meets(target, in_target_unit(target, value) or 0) is met


@given(st.floats(-1e6, 1e6, allow_nan=False), st.floats(-1e6, 1e6, allow_nan=False))
def test_at_most_and_more_than_never_agree(bound: float, value: float) -> None:
    at_most, above = Target("<=", bound, None, ""), Target(">", bound, None, "")
    assert meets(at_most, value) != meets(above, value)
    at_least, below = Target(">=", bound, None, ""), Target("<", bound, None, "")
    assert meets(at_least, value) != meets(below, value)
    assert not math.isnan(value)
