"""How a design fills the printed one-page canvas, decided before the page is written.

Paper has no scroll bar, and a canvas page runs no script that could measure it, so the
sheet is laid out here, in millimetres, from the text of each box: every band gets a
height and every box a width by how much it has to say; a box's type shrinks, step by
step down to a readable minimum, until its content fits; and when even the smallest
type cannot hold it all, the box shows what fits in order and says what it leaves out
("+2 metrics, on the design page", linked). Nothing is cut off unsaid.

The estimate errs on the side of room: characters are counted wider and lines taller
than a sans-serif font sets them. The sheet's size is the smaller of A4 and Letter
landscape inside canvas.html's margins, so one plan prints on both. On a screen the
canvas shows everything (a long box scrolls); only print follows the plan.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .views import DesignView, GroupView, SectionView

#: The sheet inside the page margins, in mm (Letter's width, A4's height, less 7 mm a side).
SHEET_WIDTH = 265.0
SHEET_HEIGHT = 195.0
#: The type sizes a box may use, in pt: the sheet's own, then smaller, down to a size still
#: read comfortably on paper.
STEPS = (6.8, 6.3, 5.8)
LINE = 1.3  # line height, in em
CHAR = 0.58  # the width of an average character, in em: wider than sans-serif sets it
PT = 0.3528  # mm per pt
GAP = 1.5  # between boxes and beside a band's title
BAND_TITLE = 4.5
LABEL_PT = 5.4  # a field's label
#: What a box spends on other things than its body: title, padding, borders (mm).
BOX_TITLE = 5.6
BOX_PADDING_X = 3.6 + 0.6
BOX_PADDING_Y = 1.4 + 1.2 + 0.6
#: An optional band (the project, an organisation's own sections) is at most this tall.
OPTIONAL_MAX = 22.0
#: Room kept free in every box, for the lines a font sets longer than estimated (mm).
SAFETY = 3.0
#: Each band's share of the height is at least this (less when there are three or more).
BAND_MIN = 0.4

_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(?:p|li|ul|ol|pre|blockquote|table|tr|h\d)>|<br\s*/?>", re.IGNORECASE)


def plain(markup: str) -> str:
    """The text an HTML snippet shows, paragraphs kept apart by line breaks."""
    text = _BLOCK_END.sub("\n", markup)
    return html.unescape(_TAG.sub("", text)).strip()


@dataclass(frozen=True, slots=True)
class Unit:
    """One thing a box shows that can be left out whole: a field, an item, a metric."""

    id: str  # "f:<field>", "i:<n>", "o:<n>", "m:<n>", "n:<n>", "t" (the whole text), "q" (the question)
    kind: str  # what the note counts it as: fields, items, objectives, metrics
    text: str  # what it says, plain
    label: str = ""  # a field: the label above it ("Training data · Access")
    indent: bool = False  # a list item: set in from the left


@dataclass(frozen=True, slots=True)
class BoxFit:
    """What one box shows on paper."""

    step: int = 0  # index into STEPS
    columns: int = 1  # a wide box sets its fields side by side, in this many columns
    hidden: frozenset[str] = frozenset()  # ids of the units left out
    more: tuple[tuple[str, int], ...] = ()  # (kind, count) of what is left out, in order
    shortened: dict[str, str] = field(default_factory=dict)  # id -> the unit's text, cut at a word, with "…"

    @property
    def cut(self) -> bool:
        return bool(self.more or self.shortened)


@dataclass(frozen=True, slots=True)
class SheetPlan:
    boxes: dict[str, BoxFit] = field(default_factory=dict)
    tracks: dict[str, str] = field(default_factory=dict)  # group -> grid-template-columns
    heights: dict[str, float] = field(default_factory=dict)  # group -> band height, mm

    def box(self, key: str) -> BoxFit:
        return self.boxes.get(key, BoxFit())


def units(section: SectionView) -> list[Unit]:
    """What a canvas box shows, as canvas-section.html writes it, unit by unit."""
    if section.state == "na":
        return [Unit("t", "text", section.title + " " + section.question)]
    if section.kind == "fields":
        out = []
        for f in section.fields:
            if f.html is None and not f.counts:
                continue
            text = plain(f.html) if f.html is not None else f.question
            label = f"{f.parent} · {f.title}" if f.parent else f.title
            out.append(Unit(f"f:{f.key}", "fields", text, label=label))
        return out
    if section.kind == "list" and section.items_html:
        return [Unit(f"i:{n}", "items", plain(h), indent=True) for n, h in enumerate(section.items_html)]
    if section.kind in ("list", "text"):
        return [Unit("t", "text", plain(section.html) if section.html is not None else section.question)]
    if section.kind == "objectives":
        if not section.objectives:
            return [Unit("q", "text", section.question)]
        return [
            Unit(f"o:{n}", "objectives", plain(o.html) + (f" → {o.metric}" if o.metric else ""), indent=True)
            for n, o in enumerate(section.objectives)
        ]
    # A metric's name is set bold and its priority as a badge: both count wider.
    found = [
        Unit(
            f"m:{n}",
            "metrics",
            f"{m.name}{m.name[: len(m.name) // 5]}: {m.target}"
            + (f" {'M' * (len(m.priority) + 4)}" if m.priority else "")
            # the measured value, and the verdict in bold with its mark
            + (f" {m.measured.value} MM{m.measured.verdict}" if m.measured else ""),
            indent=True,
        )
        for n, m in enumerate(section.metrics)
    ]
    found += [Unit(f"n:{n}", "items", plain(h), indent=True) for n, h in enumerate(section.metric_notes_html)]
    return found or [Unit("q", "text", section.question)]


def _line(pt: float) -> float:
    return pt * LINE * PT


def _lines(text: str, per_line: int) -> int:
    """The lines `text` takes, wrapped at spaces as a browser wraps it (a word longer than
    a line is broken)."""
    total = 0
    for part in text.split("\n"):
        words = part.split()
        if not words:
            continue
        lines, used = 1, -1
        for word in words:
            size = len(word)
            if used + 1 + size <= per_line:
                used += 1 + size
                continue
            if used >= 0:
                lines += 1
            lines += (size - 1) // per_line
            used = size % per_line or per_line
        total += lines
    return total or 1


def _per_line(width: float, pt: float, indent: bool = False) -> int:
    return max(8, int((width - (3.0 if indent else 0.0)) / (pt * CHAR * PT)))


def _cost(unit: Unit, width: float, pt: float) -> float:
    """The height a unit takes in a box `width` mm wide, at `pt`, with its margins."""
    height = _lines(unit.text, _per_line(width, pt, unit.indent)) * _line(pt)
    if unit.label:
        height += _label(unit, width)
    return height + (0.4 if unit.indent else 0.8)


def _label(unit: Unit, width: float) -> float:
    """A field's label and its margin: capitals, spaced out, wider than text."""
    return _lines(unit.label, _per_line(width, LABEL_PT * 1.4)) * _line(LABEL_PT) + 0.9


def _note_cost(width: float, pt: float) -> float:
    """The note's height: "+2 metrics, +1 item, on the design page" takes two lines of a
    narrow box, one of a wide one."""
    return (1 if width > 100 else 2) * _line(pt) + 0.8


def fit_box(found: Sequence[Unit], width: float, height: float) -> BoxFit:
    """The largest type at which everything fits, else the smallest with what fits first."""
    height -= SAFETY
    for step, pt in enumerate(STEPS):
        if sum(_cost(u, width, pt) for u in found) <= height:
            return BoxFit(step)
    step = len(STEPS) - 1
    pt = STEPS[step]
    room = height - _note_cost(width, pt)
    shown: list[Unit] = []
    used = 0.0
    shortened: dict[str, str] = {}
    for unit in found:
        cost = _cost(unit, width, pt)
        if used + cost <= room:
            shown.append(unit)
            used += cost
            continue
        # The first unit that does not fit whole is shown as far as it fits (the first
        # one always, at least a line of it), and the note says the rest is elsewhere.
        lines = int((room - used - (_label(unit, width) if unit.label else 0.0) - 0.8) / _line(pt))
        if lines >= 2 or not shown:
            per = _per_line(width, pt, unit.indent)
            shortened[unit.id] = shorten(unit.text, max(1, lines) * per - per // 4)
            shown.append(unit)
        break
    hidden = [u for u in found if u not in shown]
    counts: dict[str, int] = {}
    for unit in hidden:
        counts[unit.kind] = counts.get(unit.kind, 0) + 1
    return BoxFit(step, hidden=frozenset(u.id for u in hidden), more=tuple(counts.items()), shortened=shortened)


def fit_columns(found: Sequence[Unit], width: float, height: float, columns: int) -> BoxFit:
    """A wide box's fields side by side, a row of them per `columns`: each field fits its
    own cell, or is shortened to it and the note says the rest is on the design page."""
    height -= SAFETY
    rows = math.ceil(len(found) / columns)
    cell_width = (width - 3.0 * (columns - 1)) / columns
    for step, pt in enumerate(STEPS):
        if all(_cost(u, cell_width, pt) <= height / rows for u in found):
            return BoxFit(step, columns=columns)
    step = len(STEPS) - 1
    pt = STEPS[step]
    cell_height = (height - _note_cost(width, pt)) / rows
    shortened = {}
    for unit in found:
        if _cost(unit, cell_width, pt) > cell_height:
            label = _label(unit, cell_width) if unit.label else 0.0
            lines = max(1, int((cell_height - label - 0.8) / _line(pt)))
            per = _per_line(cell_width, pt, unit.indent)
            shortened[unit.id] = shorten(unit.text, lines * per - per // 4)
    return BoxFit(step, columns=columns, shortened=shortened)


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at the end of a word, with "…"; its
    paragraphs and items run on, set apart by " · "."""
    flat = " · ".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
    if len(flat) <= limit:
        return flat
    cut = flat[: max(1, limit - 1)]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:.") + "…"


def _need(found: Sequence[Unit], width: float) -> float:
    return sum(_cost(u, width, STEPS[0]) for u in found) + BOX_TITLE + BOX_PADDING_Y


def plan(design: DesignView, title_lines: int | None = None) -> SheetPlan:
    """Where everything goes on the printed sheet of `design`."""
    groups = [g for g in design.groups if g.sections]
    if not groups:
        return SheetPlan()
    if title_lines is None:
        title_lines = 1 if len(design.title) <= 34 else 2
    header = 2.9 + 0.5 + 6.1 * title_lines + 2.6
    free = SHEET_HEIGHT - header - 2.5 - 2.0 * len(groups) - 1.0  # footer, gaps between bands
    found = {s.key: units(s) for g in groups for s in g.sections}
    tracks: dict[str, str] = {}
    widths: dict[str, float] = {}
    rows: dict[str, int] = {}
    for g in groups:
        tracks[g.key], band_widths, rows[g.key] = _columns(g, found)
        widths.update(band_widths)
    needs = {
        g.key: rows[g.key] * max(_need(found[s.key], widths[s.key]) for s in g.sections) + GAP * (rows[g.key] - 1)
        for g in groups
    }
    heights: dict[str, float] = {}
    optional = [g for g in groups if not any(s.counts for s in g.sections)]
    for g in optional:
        heights[g.key] = min(needs[g.key], OPTIONAL_MAX)
    main = [g for g in groups if g not in optional]
    # A band shares out by what its boxes need on the whole, so one long box does not
    # starve the other band of room.
    weights = {
        g.key: rows[g.key] * sum(_need(found[s.key], widths[s.key]) for s in g.sections) / len(g.sections) for g in main
    }
    heights.update(_share(free - sum(heights.values()), {g.key: needs[g.key] for g in main}, weights))
    boxes = {}
    for g in groups:
        box_height = (heights[g.key] - GAP * (rows[g.key] - 1)) / rows[g.key]
        body = box_height - BOX_TITLE - BOX_PADDING_Y
        for s in g.sections:
            wide = len(g.sections) == 1 and s.kind == "fields" and widths[s.key] > 120 and len(found[s.key]) > 1
            if wide:
                boxes[s.key] = fit_columns(found[s.key], widths[s.key], body, min(len(found[s.key]), 4))
            else:
                boxes[s.key] = fit_box(found[s.key], widths[s.key], body)
    return SheetPlan(boxes, tracks, {k: round(v, 2) for k, v in heights.items()})


def _share(room: float, needs: dict[str, float], weights: dict[str, float] | None = None) -> dict[str, float]:
    """The height of each band, from what its tallest box needs: a band that needs less
    than an even share gets what it needs, and the others share the rest by `weights`
    (their needs, unless given), each keeping at least `BAND_MIN` of the room; what is
    left over goes to all by need."""
    weights = weights or needs
    if not needs:
        return {}
    out: dict[str, float] = {}
    open_ = dict(needs)
    left = room
    while open_:
        even = left / len(open_)
        settled = {k: v for k, v in open_.items() if v <= even}
        if not settled:
            break
        for key, need in settled.items():
            out[key] = need
            left -= need
            del open_[key]
    if open_:
        total = sum(weights[k] for k in open_) or 1.0
        for key in open_:
            out[key] = left * weights[key] / total
    floor = room * min(BAND_MIN, 0.8 / len(needs))
    short = {k: floor - v for k, v in out.items() if v < floor and needs[k] > v}
    for key, missing in short.items():  # a starved band takes from the tallest
        tallest = max(out, key=out.__getitem__)
        taken = min(missing, out[tallest] - floor)
        out[key] += max(taken, 0.0)
        out[tallest] -= max(taken, 0.0)
    spare = room - sum(out.values())
    if spare > 0:
        total = sum(needs.values()) or 1.0
        for key in out:
            out[key] += spare * needs[key] / total
    return out


def _columns(group: GroupView, found: dict[str, list[Unit]]) -> tuple[str, dict[str, float], int]:
    """A band's grid columns, weighted by how much each box says when they fit one row;
    each box's body width in mm; and the band's number of rows."""
    sections = group.sections
    cols = min(len(sections), 7)
    rows = math.ceil(len(sections) / cols)
    inner = SHEET_WIDTH - BAND_TITLE - GAP - GAP * (cols - 1)
    if rows > 1:
        width = inner / cols - BOX_PADDING_X
        return f"repeat({cols}, minmax(0, 1fr))", {s.key: width for s in sections}, rows
    sizes = [sum(len(u.text) for u in found[s.key]) + 40 for s in sections]
    mean = sum(sizes) / len(sizes)
    # A metric's name is one word that should not break: the metrics box is never narrow.
    floors = [1.1 if s.kind == "metrics" else 0.85 for s in sections]
    weights = [min(1.7, max(floor, (size / mean) ** 0.5)) for size, floor in zip(sizes, floors, strict=True)]
    total = sum(weights)
    tracks = " ".join(f"minmax(0, {w:.3f}fr)" for w in weights)
    return tracks, {s.key: inner * w / total - BOX_PADDING_X for s, w in zip(sections, weights, strict=True)}, rows
