"""What the template says about one place in a design, found by its path of keys: the
keys a mapping there takes, the values a field allows, and a field's title and guiding
question in the site's language. Editors (completion, hover) and agents (`explain`) ask
this; it reads the JSON Schema, so there is no second list of fields to keep up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .labels import Labels
from .schema import JSON, Template

#: A place in a design: keys of mappings and indexes of lists, from the design's top.
Path = Sequence[str | int]


@dataclass(frozen=True, slots=True)
class Key:
    """A key a mapping takes: its name, title and guiding question (in the site's
    language where the schema translates them) and whether it is required."""

    name: str
    title: str
    description: str
    required: bool = False


def nodes_at(template: Template, path: Path) -> list[JSON]:
    """Every schema node (resolved, each `if`/`then`/`else` form apart) that a value at
    `path` may have to match; [] for a place the template has no field for."""
    current: list[JSON] = [template.schema]
    for part in path:
        following: list[JSON] = []
        for node in current:
            for form in _forms(template, node):
                child: Any = None
                if isinstance(part, int):
                    child = form.get("items")
                else:
                    properties = form.get("properties")
                    child = properties.get(part) if isinstance(properties, dict) else None
                if isinstance(child, dict):
                    following.append(template.resolve(child))
        current = following
        if not current:
            return []
    return [form for node in current for form in _forms(template, node)]


def _forms(template: Template, node: JSON) -> list[JSON]:
    return [template.resolve(form) for form in template.forms(node)]


def label_key(template: Template, path: Path) -> str | None:
    """The start of the label keys of the field at `path` (`section.data.training.access`,
    `field.status`), or None where the labels have none (inside a list)."""
    if not path or any(isinstance(p, int) for p in path):
        return None
    first = str(path[0])
    if template.section(first) is None:
        return f"field.{first}" if len(path) == 1 else None
    return "section." + ".".join(str(p) for p in path)


def describe(template: Template, labels: Labels | None, path: Path) -> tuple[str, str]:
    """The title and guiding question of the field at `path`, in the labels' language."""
    title = description = ""
    for node in nodes_at(template, path):
        title = title or _text(node.get("title"))
        description = description or _text(node.get("description"))
    key = label_key(template, path)
    if labels is not None and key is not None:
        if _has(labels, f"{key}.title"):
            title = _text(labels.text(f"{key}.title"), title)
        if _has(labels, f"{key}.description"):
            description = _text(labels.text(f"{key}.description"), description)
    if not title and path:
        title = str(path[-1])
    return title, description


def _has(labels: Labels, key: str) -> bool:
    return any(key in layer for layer in labels.layers)


def keys_at(template: Template, labels: Labels | None, path: Path) -> list[Key]:
    """The keys the mapping at `path` takes, in the schema's order."""
    seen: dict[str, Key] = {}
    for node in nodes_at(template, path):
        properties = node.get("properties")
        if not isinstance(properties, dict) or node.get("type", "object") != "object":
            continue
        given = node.get("required")
        required: list[Any] = given if isinstance(given, list) else []
        for name in properties:
            if name not in seen:
                title, description = describe(template, labels, [*path, name])
                seen[name] = Key(name, title, description, name in required)
    return list(seen.values())


def values_at(template: Template, path: Path) -> list[str]:
    """The values the field at `path` allows, when the schema lists them (statuses,
    priorities, modes)."""
    found: dict[str, None] = {}
    for node in nodes_at(template, path):
        for value in node.get("enum", []) if isinstance(node.get("enum"), list) else []:
            found[str(value)] = None
        if "const" in node:
            found[str(node["const"])] = None
    return list(found)


def takes_mapping(template: Template, path: Path) -> bool:
    """Whether the value at `path` may be a mapping with named keys."""
    return any(isinstance(n.get("properties"), dict) for n in nodes_at(template, path))


def _text(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default
