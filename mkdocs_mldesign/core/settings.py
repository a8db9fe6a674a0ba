"""What a site configures about its designs, shared by the plugin and the command line."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .schema import default_statuses

Level = str  # "error", "warning" or "off"

# Colours end up in a style attribute: accept only what cannot carry anything else.
_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30}|(rgb|rgba|hsl|hsla)\([0-9.,%\s/a-z]{1,60}\))$")


@dataclass(frozen=True, slots=True)
class StatusSpec:
    """One status a design can have: its name, chip colour, place in the cycle, and
    whether a design with it must be complete."""

    name: str
    color: str
    order: int
    requires_complete: bool = False


#: The statuses of a site that names none: the schema's `x-mldesign.statuses`.
DEFAULT_STATUSES: tuple[StatusSpec, ...] = tuple(
    StatusSpec(s.name, s.color, order, s.complete) for order, s in enumerate(default_statuses())
)


class SettingsError(ValueError):
    """A setting that cannot be used, with a message a person can act on; `path` is the
    option's place among the plugin's options (`("labels", "overview.title")`), for the
    routes to name its line in mkdocs.yml."""

    def __init__(self, message: str, path: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.path = path


def parse_statuses(raw: Sequence[Any] | None) -> tuple[StatusSpec, ...]:
    """Statuses from config: a list of names, or of mappings {name, color, order, complete}."""
    if not raw:
        return DEFAULT_STATUSES
    defaults = {s.name: s for s in DEFAULT_STATUSES}
    out: list[StatusSpec] = []
    for index, item in enumerate(raw):
        where = f"statuses[{index}]"
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, Mapping):
            raise SettingsError(
                f"{where} must be a status name or a mapping with `name`, `color`, `order`, `complete`",
                path=("statuses",),
            )
        unknown = set(item) - {"name", "color", "order", "complete"}
        if unknown:
            raise SettingsError(f"{where} has unknown keys: {', '.join(sorted(map(str, unknown)))}", path=("statuses",))
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise SettingsError(f"{where} needs a `name`", path=("statuses",))
        base = defaults.get(name)
        color = item.get("color", base.color if base else DEFAULT_STATUSES[0].color)
        if not isinstance(color, str) or not _COLOR.match(color.strip()):
            raise SettingsError(
                f"{where}.color must be a CSS colour: '#16a34a', a colour name, or rgb()/hsl(); got {color!r}",
                path=("statuses",),
            )
        order = item.get("order", index)
        if not isinstance(order, int) or isinstance(order, bool):
            raise SettingsError(f"{where}.order must be a whole number", path=("statuses",))
        complete = item.get("complete", base.requires_complete if base else False)
        if not isinstance(complete, bool):
            raise SettingsError(f"{where}.complete must be true or false", path=("statuses",))
        out.append(StatusSpec(name, color, order, complete))
    names = [s.name for s in out]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SettingsError(f"statuses names must be unique; repeated: {', '.join(dupes)}", path=("statuses",))
    return tuple(sorted(out, key=lambda s: s.order))


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything that decides how designs are read and checked on one site."""

    key: str = "design"
    extension_schema: str | None = None
    statuses: tuple[StatusSpec, ...] = DEFAULT_STATUSES
    lint: Mapping[str, Level] = field(default_factory=dict)  # rule id -> level, overriding defaults
    stale_after_days: int = 365
    require_approvals: bool = False  # every design whose status demands completeness must record its approval
    evidence_max_age_days: int | None = None  # a design's newest measurement older than this is stale
    frameworks: tuple[str, ...] = ()  # shipped presets by name, or the paths of a site's own framework files

    @property
    def status_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.statuses)

    def status(self, name: str) -> StatusSpec | None:
        return next((s for s in self.statuses if s.name == name), None)
