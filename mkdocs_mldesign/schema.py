"""The design template, read from its JSON Schema.

The schema is the single source of truth for the sections, their order, their titles,
the guiding question shown for a gap and which fields count toward completeness.
Everything else (checklist, rendering, scaffold, scoring, reference docs) reads the
`Template` built here and keeps no list of its own.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

SCHEMA_RESOURCE = "design.schema.json"

JSON = dict[str, Any]


class SchemaError(Exception):
    """An extension schema or a status list that cannot be used."""


@dataclass(frozen=True, slots=True)
class Field:
    """A leaf field of a section; `key` is its dotted path inside the section and
    `parent` the title of the mapping it sits in, if it is nested (data's training)."""

    key: str
    title: str
    description: str
    parent: str = ""

    @property
    def label(self) -> str:
        """The title, qualified by its parent's where it is nested: "Training data: Access"."""
        return f"{self.parent}: {self.title}" if self.parent else self.title


@dataclass(frozen=True, slots=True)
class Group:
    key: str
    title: str
    description: str


@dataclass(frozen=True, slots=True)
class Section:
    """One section of the template, in template order.

    A section is either a mapping of `fields`, or a single value (a list or a text,
    `fields` empty) that counts as one field. `single` names the key that decides
    whether a section given in its mapping form is filled (feasibility's `summary`).
    `selector` names the field whose value picks which other fields count
    (inference's `mode`), with `choices` mapping each value to those fields.
    """

    key: str
    title: str
    description: str
    group: str
    counts: bool
    fields: tuple[Field, ...]
    single: str | None = None
    selector: str | None = None
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def field(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)


@dataclass(frozen=True, slots=True)
class Template:
    schema: JSON
    groups: tuple[Group, ...]
    sections: tuple[Section, ...]
    metadata: tuple[Field, ...]

    @property
    def counted(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.counts)

    @property
    def statuses(self) -> tuple[str, ...]:
        return tuple(self.schema["properties"]["status"]["enum"])

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def group(self, key: str) -> Group:
        return next((g for g in self.groups if g.key == key), Group(key, key.title(), ""))


@cache
def builtin_schema_text() -> str:
    return (resources.files(__package__) / "schema" / SCHEMA_RESOURCE).read_text("utf-8")


def builtin_schema() -> JSON:
    """A fresh copy of the built-in schema (callers may change it)."""
    schema: JSON = json.loads(builtin_schema_text())
    return schema


def _resolve(schema: JSON, node: JSON) -> JSON:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = schema
        for part in ref[2:].split("/"):
            target = target[part]
        return {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _mapping_body(node: JSON) -> JSON | None:
    """The object schema of a section's mapping form, looking through if/then/else."""
    if "properties" in node and node.get("type") == "object":
        return node
    for branch in ("else", "then"):
        sub = node.get(branch)
        if isinstance(sub, dict):
            found = _mapping_body(sub)
            if found is not None and "na" not in found.get("properties", {}):
                return found
    return None


def _leaf_fields(schema: JSON, body: JSON, prefix: str = "", parent: str = "") -> tuple[Field, ...]:
    out: list[Field] = []
    for key, raw in body.get("properties", {}).items():
        node = _resolve(schema, raw)
        path = f"{prefix}{key}"
        if node.get("type") == "object" and "properties" in node:
            out.extend(_leaf_fields(schema, node, f"{path}.", node.get("title", key)))
        else:
            out.append(Field(path, node.get("title", key), node.get("description", ""), parent))
    return tuple(out)


def build_template(schema: JSON) -> Template:
    """Read the sections, groups and metadata fields out of a (merged) schema."""
    meta = schema.get("x-mldesign", {})
    groups = tuple(Group(g["key"], g.get("title", g["key"]), g.get("description", "")) for g in meta.get("groups", []))
    sections: list[Section] = []
    metadata: list[Field] = []
    for key, raw in schema.get("properties", {}).items():
        node = _resolve(schema, raw)
        title = node.get("title", key)
        description = node.get("description", "")
        ext = node.get("x-mldesign")
        if not isinstance(ext, dict) or "group" not in ext:
            metadata.append(Field(key, title, description))
            continue
        body = None if ext.get("single") else _mapping_body(node)
        choices = {k: tuple(v) for k, v in ext.get("choices", {}).items()}
        sections.append(
            Section(
                key=key,
                title=title,
                description=description,
                group=ext["group"],
                counts=bool(ext.get("counts", True)),
                fields=_leaf_fields(schema, body) if body else (),
                single=ext.get("single"),
                selector=ext.get("selector"),
                choices=choices,
            )
        )
    return Template(schema, groups, tuple(sections), tuple(metadata))


def _merge(base: JSON, ext: JSON, where: str) -> None:
    for key, value in ext.items():
        if key == "properties":
            if not isinstance(value, dict):
                raise SchemaError(f"{where}properties must be a mapping")
            props = base.setdefault("properties", {})
            for name, sub in value.items():
                if not isinstance(sub, dict):
                    raise SchemaError(f"{where}properties.{name} must be a mapping")
                if name in props:
                    target = props[name]
                    # Sections accept `{na: ...}` through if/then/else: extend the mapping form.
                    body = _mapping_body(target) if "properties" not in target else target
                    _merge(body if body is not None else target, sub, f"{where}{name}.")
                else:
                    sub = copy.deepcopy(sub)
                    ext_meta = sub.get("x-mldesign")
                    if isinstance(ext_meta, dict) and "group" in ext_meta:
                        # An organisation's section counts only when it says so.
                        ext_meta.setdefault("counts", False)
                    props[name] = sub
        elif key == "required":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SchemaError(f"{where}required must be a list of field names")
            required = base.setdefault("required", [])
            required.extend(v for v in value if v not in required)
        elif key == "x-mldesign" and isinstance(value, dict) and "groups" in value:
            groups = base.setdefault("x-mldesign", {}).setdefault("groups", [])
            known = {g["key"] for g in groups}
            groups.extend(g for g in value["groups"] if g.get("key") not in known)
        elif key in ("$defs",):
            base.setdefault("$defs", {}).update(copy.deepcopy(value))
        elif key in ("$schema", "$id", "title", "description", "version"):
            continue
        else:
            base[key] = copy.deepcopy(value)


def merge_extension(base: JSON, extension: JSON) -> JSON:
    """The built-in schema with an organisation's extension laid over it.

    The extension may add metadata fields and whole sections under `properties`, add
    fields to an existing section, and add names to `required`. The built-in schema
    itself is never changed.
    """
    if not isinstance(extension, dict):
        raise SchemaError("an extension schema must be a mapping at its top level")
    merged = copy.deepcopy(base)
    _merge(merged, extension, "")
    return merged


def with_statuses(schema: JSON, statuses: list[str]) -> JSON:
    """The schema with the site's own set of status names."""
    merged = copy.deepcopy(schema)
    merged["properties"]["status"]["enum"] = list(statuses)
    return merged


def load_template(extension: JSON | None = None, statuses: list[str] | None = None) -> Template:
    schema = builtin_schema()
    if extension:
        schema = merge_extension(schema, extension)
    if statuses:
        schema = with_statuses(schema, statuses)
    return build_template(schema)


def read_extension(path: str) -> JSON:
    """Read an extension schema from a JSON or YAML file, or say plainly why not."""
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaError(f"cannot read the extension schema {path}: {exc}") from None
    try:
        data = json.loads(text) if path.endswith(".json") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        if isinstance(exc, json.JSONDecodeError):
            where = f":{exc.lineno}:{exc.colno}"
        raise SchemaError(f"the extension schema {path}{where} is not valid: {exc}") from None
    if not isinstance(data, dict):
        raise SchemaError(f"the extension schema {path} must hold a mapping at its top level")
    return data


def check_schema(schema: JSON, source: str) -> None:
    """Refuse a merged schema that is not itself valid JSON Schema."""
    import jsonschema

    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "its top level"
        raise SchemaError(f"{source} makes the design schema invalid at {where}: {exc.message}") from None
