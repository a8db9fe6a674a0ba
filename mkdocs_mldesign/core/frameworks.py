"""Frameworks: a regulation's or a checklist's points, mapped to the template's fields, so
that each design shows which points it answers (an evidence map, not an assessment).

A framework is data: a YAML file with a title and a list of points, each naming the
fields (dotted paths, an extension's included) that answer it, all of them (`all`) or
one of them (`any`); `extension` names fields the template lacks, which an organisation
adds with its extension schema; `history: true` says the design's history from git
answers it. Two are shipped (`frameworks/annex-iv.yaml`, `frameworks/model-card.yaml`);
a site names them, or files of its own, in its `frameworks` option.

Pure: `parse_framework` turns a file's text into a `Framework` (or a `FrameworkError`
naming the file, line and column), `judge_framework` a design into its points' states.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

from . import frontmatter
from .completeness import is_filled, lookup
from .design import Design
from .schema import Template
from .suggest import closest

PointState = Literal["answered", "partial", "unanswered"]
#: What every view of a framework says of itself.
NOT_AN_ASSESSMENT = "evidence map, not a conformity assessment"

PRESETS = ("annex-iv", "model-card")
_FRAMEWORK_KEYS = ("title", "short", "description", "translations", "points")
_POINT_KEYS = ("id", "title", "guidance", "all", "any", "extension", "history", "translations")
_TEXT_KEYS = ("title", "short", "description", "guidance")


class FrameworkError(ValueError):
    """A framework file that cannot be used: the message names its file, line and column."""


@dataclass(frozen=True, slots=True)
class Point:
    id: str
    title: str
    guidance: str
    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    extension: tuple[str, ...] = ()
    history: bool = False
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    absent: frozenset[str] = frozenset()  # the `extension` fields the site's template does not have

    @property
    def fields(self) -> tuple[str, ...]:
        return (*self.all, *self.any, *self.extension)

    def text(self, key: str, language: str) -> str:
        return _translated(self.translations, language, key) or getattr(self, key)


@dataclass(frozen=True, slots=True)
class Framework:
    name: str  # the preset's name, or the file's stem
    title: str
    description: str
    points: tuple[Point, ...]
    source: str  # the file it was read from, as messages name it
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    short: str = ""  # the overview column's title ("Annex IV"); the title when empty

    def text(self, key: str, language: str) -> str:
        found = _translated(self.translations, language, key) or getattr(self, key)
        return found or (self.text("title", language) if key == "short" else "")


@dataclass(frozen=True, slots=True)
class PointResult:
    """How one design answers one point."""

    point: Point
    state: PointState
    answered_by: tuple[str, ...]  # the fields (of the point's) that hold an answer
    missing: tuple[str, ...]  # those that do not, extension fields the template lacks among them


def _translated(translations: Mapping[str, Mapping[str, str]], language: str, key: str) -> str:
    for code in (language, language.split("-")[0]):
        found = translations.get(code, {}).get(key)
        if found:
            return found
    return ""


def preset_text(name: str) -> str:
    return (resources.files("mkdocs_mldesign") / "frameworks" / f"{name}.yaml").read_text(encoding="utf-8")


def parse_framework(name: str, text: str, source: str, template: Template) -> Framework:
    """The framework a file's text holds, checked against the site's template: every
    field a point names must be one the template has (an `extension` field may be one it
    lacks). A `FrameworkError` names the first problem's line and column."""
    data, problem = frontmatter.load(text, source)
    if problem is not None:
        raise FrameworkError(f"{source}:{problem.line}:{problem.column}: {problem.message}")
    root = frontmatter.compose(text)

    def fail(path: tuple[str | int, ...], message: str, *, key: bool = False) -> FrameworkError:
        node = frontmatter.find_node(root, path, key=key) if path else None
        line, column = (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else (1, 1)
        return FrameworkError(f"{source}:{line}:{column}: {message}")

    if not isinstance(data, dict):
        raise fail((), "a framework is a mapping with `title` and `points`")
    _known_keys(data, _FRAMEWORK_KEYS, (), fail)
    title = _text(data, "title", (), fail, required=True)
    points_raw = data.get("points")
    if not isinstance(points_raw, list) or not points_raw:
        raise fail(("points",) if "points" in data else (), "`points` must be a list of points, each with an `id`")
    known = known_fields(template)
    points: list[Point] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(points_raw):
        where: tuple[str | int, ...] = ("points", index)
        if not isinstance(raw, dict):
            raise fail(where, "a point is a mapping with `id`, `title`, `guidance` and the fields that answer it")
        _known_keys(raw, _POINT_KEYS, where, fail)
        ident = raw.get("id")
        if isinstance(ident, int | float) and not isinstance(ident, bool):
            ident = str(ident)
        if not isinstance(ident, str) or not ident.strip():
            raise fail((*where, "id") if "id" in raw else where, "a point needs an `id` (text, such as 2 or 2(a))")
        if ident in seen:
            raise fail((*where, "id"), f"the id `{ident}` is used twice; the first is point {seen[ident] + 1}")
        seen[ident] = index
        lists = {}
        for key in ("all", "any", "extension"):
            value = raw.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise fail((*where, key), f"`{key}` must be a list of field paths, such as solution.constraints")
            lists[key] = tuple(v.strip() for v in value)
        for key in ("all", "any"):
            for position, path in enumerate(lists[key]):
                if path not in known:
                    near = closest(path, sorted(known))
                    hint = f" (did you mean `{near}`?)" if near else ""
                    raise fail(
                        (*where, key, position),
                        f"the template has no field `{path}`{hint}; a field an organisation adds goes under "
                        "`extension` until its extension schema defines it",
                    )
        history = raw.get("history", False)
        if not isinstance(history, bool):
            raise fail((*where, "history"), "`history` must be true or false")
        if not any(lists.values()) and not history:
            raise fail(where, f"the point `{ident}` names no field that answers it (`all`, `any` or `extension`)")
        points.append(
            Point(
                ident.strip(),
                _text(raw, "title", where, fail, required=True),
                _text(raw, "guidance", where, fail),
                lists["all"],
                lists["any"],
                lists["extension"],
                history,
                _translations(raw.get("translations"), (*where, "translations"), fail),
                frozenset(lists["extension"]) - known,
            )
        )
    return Framework(
        name,
        title,
        _text(data, "description", (), fail),
        tuple(points),
        source,
        _translations(data.get("translations"), ("translations",), fail),
        _text(data, "short", (), fail),
    )


def _known_keys(data: Mapping[str, Any], keys: Sequence[str], where: tuple[str | int, ...], fail: Any) -> None:
    for key in data:
        if key not in keys:
            near = closest(str(key), list(keys))
            hint = f" (did you mean `{near}`?)" if near else f"; known keys: {', '.join(keys)}"
            raise fail((*where, key), f"unknown key `{key}`{hint}", key=True)


def _text(data: Mapping[str, Any], key: str, where: tuple[str | int, ...], fail: Any, *, required: bool = False) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise fail((*where, key) if key in data else where, f"`{key}` must be text")
    return " ".join(value.split())


def _translations(raw: Any, where: tuple[str | int, ...], fail: Any) -> dict[str, dict[str, str]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise fail(where, "`translations` maps language codes to `title` and `guidance` (or `description`)")
    out: dict[str, dict[str, str]] = {}
    for code, texts in raw.items():
        if not isinstance(texts, dict) or not all(k in _TEXT_KEYS and isinstance(v, str) for k, v in texts.items()):
            raise fail((*where, code), f"the `{code}` translation maps `title`, `description` or `guidance` to text")
        out[str(code)] = {k: " ".join(v.split()) for k, v in texts.items()}
    return out


def known_fields(template: Template) -> frozenset[str]:
    """Every path a point may name: sections, their fields and the mappings that group
    them (`data.training`), and the metadata fields (`version`, `evidence`)."""
    found: set[str] = {f.key for f in template.metadata}
    for section in template.sections:
        found.add(section.key)
        for f in section.fields:
            parts = f.key.split(".")
            found.update(f"{section.key}.{'.'.join(parts[: i + 1])}" for i in range(len(parts)))
    return frozenset(found)


# --- judging a design ----------------------------------------------------------------

FieldState = Literal["filled", "partial", "empty"]


def field_state(path: str, design: Design, template: Template) -> FieldState:
    """Whether the design answers a field path: a section by its state, a field or a
    group of fields by what the completeness check found filled, metadata by its value."""
    head, _, rest = path.partition(".")
    section = template.section(head)
    if section is None:
        return "filled" if is_filled(design.data.get(path)) else "empty"
    score = next((s for s in design.score.sections if s.key == head), None)
    if score is None:  # a section that does not count: its value decides
        return "filled" if is_filled(lookup(design.data, path)) else "empty"
    if not rest:
        return {"complete": "filled", "na": "filled", "partial": "partial"}.get(score.state, "empty")  # type: ignore[return-value]
    if score.state == "na":
        return "filled"
    if not section.fields:
        return "filled" if is_filled(lookup(design.data, path)) else "empty"
    under = [f.key for f in section.fields if f.key == rest or f.key.startswith(rest + ".")]
    filled = [k for k in under if k in score.filled]
    if under and len(filled) == len(under):
        return "filled"
    if filled:
        return "partial"
    # A field that does not count with this design's choices (inference's `batch` when
    # the mode is online) is answered when written, as the page shows it.
    return (
        "filled" if under and not set(under) & set(score.missing) and is_filled(lookup(design.data, path)) else "empty"
    )


def judge_framework(
    framework: Framework, design: Design, template: Template, *, has_history: bool = False
) -> list[PointResult]:
    """Each point's state for `design`: answered when every field it needs holds an
    answer (and one of `any`), partly when some do, unanswered when none does. An
    extension field the template lacks (`Point.absent`, found when the framework was read
    against the same template) is never answered."""
    out = []
    for point in framework.points:
        needed: list[tuple[str, FieldState]] = [
            (f, "empty" if f in point.absent else field_state(f, design, template))
            for f in (*point.all, *point.extension)
        ]
        if point.history:
            needed.append(("history", "filled" if has_history else "empty"))
        options = [(f, field_state(f, design, template)) for f in point.any]
        states = [s for _, s in needed]
        option_states = [s for _, s in options]
        done = all(s == "filled" for s in states) and (not options or "filled" in option_states)
        some = any(s != "empty" for s in (*states, *option_states))
        state: PointState = "answered" if done else "partial" if some else "unanswered"
        answered_by = tuple(f for f, s in (*needed, *options) if s != "empty")
        missing = tuple(f for f, s in needed if s != "filled")
        if options and "filled" not in option_states:
            missing += tuple(f for f, _ in options)
        out.append(PointResult(point, state, answered_by, missing))
    return out


def answered(results: Sequence[PointResult]) -> int:
    return sum(1 for r in results if r.state == "answered")
