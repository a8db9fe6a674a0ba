"""The design template, read from its JSON Schema.

The schema is the single source of truth for the sections, their order, their titles,
the guiding question shown for a gap, which fields count toward completeness, the
default statuses and their colours, the completeness colour bands and the hints shown
for a value of the wrong form. Everything else (checklist, rendering, scaffold,
scoring, badges, reference docs) reads the `Template` built here and keeps no list of
its own. `Template` is also the one place that walks the schema (`resolve`, `forms`,
`mapping_form`): nothing else follows a `$ref` or looks through `if`/`then`/`else`.

Loading a site's template (`load_template`) checks everything an organisation's
extension schema can get wrong and turns each failure into a `SchemaError` that names
the file, the line and the path inside it.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

SCHEMA_RESOURCE = "design.schema.json"

JSON = dict[str, Any]

#: How many `$ref`s a walk follows in a row before it calls the chain a cycle.
_MAX_REF_CHAIN = 32


class SchemaError(Exception):
    """An extension schema or a status list that cannot be used.

    `path` is where in the extension the mistake is, when it is inside one; the caller
    that has the file's text turns it into a line and column (`locate_in`).
    """

    def __init__(self, message: str, path: Sequence[str | int] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path = tuple(path)

    def __str__(self) -> str:
        return f"{_pointer(self.path)}: {self.message}" if self.path else self.message


@dataclass(frozen=True, slots=True)
class Field:
    """A field of a section or of the design's metadata.

    `key` is its dotted path inside the section and `parent` the title of the mapping it
    sits in, if it is nested (data's training). `shown` says where a metadata field is
    shown: "header" for those the design header writes itself, "none" for those never
    shown, "" for an organisation's own fields, listed with the header's details.
    """

    key: str
    title: str
    description: str
    parent: str = ""
    shown: str = ""

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
class Level:
    """A completeness colour band: every percentage from `floor` up to the next band's."""

    floor: int
    color: str


@dataclass(frozen=True, slots=True)
class DefaultStatus:
    name: str
    color: str
    complete: bool


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
    levels: tuple[Level, ...] = ()
    reserved_ids: frozenset[str] = frozenset()

    @property
    def counted(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.counts)

    @property
    def statuses(self) -> tuple[str, ...]:
        return tuple(self.schema["properties"]["status"]["enum"])

    @property
    def id_hint(self) -> str:
        """What an id must look like, in words (the schema's hint for `id`)."""
        meta = self.resolve(self.schema.get("properties", {}).get("id")).get("x-mldesign")
        hint = meta.get("hint") if isinstance(meta, dict) else None
        return hint if isinstance(hint, str) else "use the form the schema asks for"

    @property
    def id_pattern(self) -> str | None:
        pattern = self.resolve(self.schema.get("properties", {}).get("id")).get("pattern")
        return pattern if isinstance(pattern, str) else None

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def group(self, key: str) -> Group:
        return next((g for g in self.groups if g.key == key), Group(key, key.title(), ""))

    def level(self, percent: int) -> Level:
        """The colour band a completeness percentage falls in."""
        for band in self.levels:  # highest first
            if percent >= band.floor:
                return band
        return self.levels[-1] if self.levels else Level(0, "#9e9e9e")

    def fields_named(self, name: str) -> list[str]:
        """The dotted paths (`background.pains`) of every section field whose last part is `name`."""
        return [f"{s.key}.{f.key}" for s in self.sections for f in s.fields if f.key.rsplit(".", 1)[-1] == name]

    # --- walking the schema: the only code that follows $ref and if/then/else -------

    def resolve(self, node: Any) -> JSON:
        """`node` with its local `$ref`s followed (a `$ref`'s siblings win); {} for a
        node that is not a mapping or a reference that leads nowhere."""
        return resolve(self.schema, node)

    def forms(self, node: Any) -> list[Any]:
        """The alternatives a node accepts through `if`/`then`/`else`, as the (unresolved)
        leaf nodes; the not-applicable form, when there is one, comes last."""
        return forms(self.schema, node)

    def is_na_form(self, node: Any) -> bool:
        return is_na_form(self.schema, node)

    def mapping_form(self, node: Any) -> JSON | None:
        """The object schema of a section's mapping form (not the `{na: ...}` one)."""
        return mapping_form(self.schema, node)

    def leaf_fields(self, body: JSON, prefix: str = "", parent: str = "") -> tuple[Field, ...]:
        out: list[Field] = []
        for key, raw in body.get("properties", {}).items():
            node = self.resolve(raw)
            path = f"{prefix}{key}"
            if is_mapping(node):
                out.extend(self.leaf_fields(node, f"{path}.", _text(node.get("title"), key)))
            else:
                out.append(Field(path, _text(node.get("title"), key), _text(node.get("description")), parent))
        return tuple(out)


def is_mapping(node: JSON) -> bool:
    return isinstance(node.get("properties"), dict) and node.get("type", "object") == "object"


def _text(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def pointer(schema: Any, ref: str) -> Any:
    """The node a local reference (`#/$defs/text`) points to; KeyError when there is none."""
    if ref == "#":
        return schema
    if not ref.startswith("#/"):
        raise KeyError(ref)
    target: Any = schema
    for raw in ref[2:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(target, dict) and part in target:
            target = target[part]
        elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
            target = target[int(part)]
        else:
            raise KeyError(ref)
    return target


def forms(schema: JSON, node: Any, _depth: int = 0) -> list[Any]:
    """See `Template.forms`."""
    resolved = resolve(schema, node)
    if ("then" not in resolved and "else" not in resolved) or _depth > _MAX_REF_CHAIN:
        return [node]
    out: list[Any] = []
    for branch in ("then", "else"):
        if branch in resolved:
            out.extend(forms(schema, resolved[branch], _depth + 1))
    return sorted(out, key=lambda form: is_na_form(schema, form))


def is_na_form(schema: JSON, node: Any) -> bool:
    props = resolve(schema, node).get("properties")
    return isinstance(props, dict) and list(props) == ["na"]


def mapping_form(schema: JSON, node: Any) -> JSON | None:
    for form in forms(schema, node):
        resolved = resolve(schema, form)
        if is_mapping(resolved) and not is_na_form(schema, resolved):
            return resolved
    return None


def resolve(schema: JSON, node: Any) -> JSON:
    """See `Template.resolve`."""
    if not isinstance(node, dict):
        return {}
    current: JSON = node
    for _ in range(_MAX_REF_CHAIN):
        ref = current.get("$ref")
        if not isinstance(ref, str):
            return current
        try:
            target = pointer(schema, ref)
        except KeyError:
            target = {}
        rest = {k: v for k, v in current.items() if k != "$ref"}
        current = {**target, **rest} if isinstance(target, dict) else rest
    return current


@cache
def builtin_schema_text() -> str:
    return (resources.files("mkdocs_mldesign") / "schema" / SCHEMA_RESOURCE).read_text("utf-8")


def builtin_schema() -> JSON:
    """A fresh copy of the built-in schema (callers may change it)."""
    schema: JSON = json.loads(builtin_schema_text())
    return schema


def default_statuses(schema: JSON | None = None) -> tuple[DefaultStatus, ...]:
    """The statuses a site has when it names none, from the schema's `x-mldesign`."""
    meta = (schema or builtin_schema()).get("x-mldesign", {})
    return tuple(DefaultStatus(s["name"], s["color"], bool(s.get("complete", False))) for s in meta.get("statuses", []))


def build_template(schema: JSON) -> Template:
    """Read the sections, groups and metadata fields out of a (merged, checked) schema."""
    shell = Template(schema, (), (), ())
    meta = schema.get("x-mldesign", {})
    groups = tuple(Group(g["key"], g.get("title", g["key"]), g.get("description", "")) for g in meta.get("groups", []))
    levels = tuple(sorted((Level(b["from"], b["color"]) for b in meta.get("levels", [])), key=lambda b: -b.floor))
    sections: list[Section] = []
    metadata: list[Field] = []
    for key, raw in schema.get("properties", {}).items():
        node = shell.resolve(raw)
        title = _text(node.get("title"), key)
        description = _text(node.get("description"))
        ext = node.get("x-mldesign")
        if not isinstance(ext, dict) or "group" not in ext:
            shown = ext.get("shown", "") if isinstance(ext, dict) else ""
            metadata.append(Field(key, title, description, shown=shown))
            continue
        body = None if ext.get("single") else shell.mapping_form(node)
        choices = {k: tuple(v) for k, v in ext.get("choices", {}).items()}
        sections.append(
            Section(
                key=key,
                title=title,
                description=description,
                group=ext["group"],
                counts=bool(ext.get("counts", True)),
                fields=shell.leaf_fields(body) if body else (),
                single=ext.get("single"),
                selector=ext.get("selector"),
                choices=choices,
            )
        )
    reserved = frozenset(meta.get("reserved_ids", []))
    return Template(schema, groups, tuple(sections), tuple(metadata), levels, reserved)


# --- extension schemas --------------------------------------------------------------


class _ExtensionError(Exception):
    """A mistake in an extension, at a path inside it; `load_template` locates it."""

    def __init__(self, path: Sequence[str | int], message: str) -> None:
        super().__init__(message)
        self.path = tuple(path)
        self.message = message


def _merge(base: JSON, ext: JSON, where: tuple[str | int, ...], template: Template) -> None:
    for key, value in ext.items():
        here = (*where, key)
        if key == "properties":
            if not isinstance(value, dict):
                raise _ExtensionError(here, "`properties` must be a mapping of field names to schemas")
            props = base.setdefault("properties", {})
            for name, sub in value.items():
                if not isinstance(sub, dict):
                    raise _ExtensionError((*here, name), "a field's schema must be a mapping")
                if name in props and isinstance(props[name], dict):
                    target = props[name]
                    sub = dict(sub)
                    if isinstance(sub.get("x-mldesign"), dict):  # about the field itself: its translations
                        _merge_field_meta(target, sub.pop("x-mldesign"))
                    # Sections accept `{na: ...}` through if/then/else: extend the mapping form.
                    body = target if "properties" in target else template.mapping_form(target)
                    _merge(body if body is not None else target, sub, (*here, name), template)
                else:
                    sub = copy.deepcopy(sub)
                    ext_meta = sub.get("x-mldesign")
                    if isinstance(ext_meta, dict) and "group" in ext_meta:
                        # An organisation's section counts only when it says so.
                        ext_meta.setdefault("counts", False)
                    props[name] = sub
        elif key == "required":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise _ExtensionError(here, "`required` must be a list of field names")
            required = base.setdefault("required", [])
            required.extend(v for v in value if v not in required)
        elif key == "x-mldesign" and not where:
            _merge_site_meta(base.setdefault("x-mldesign", {}), value)
        elif key == "$defs":
            if not isinstance(value, dict):
                raise _ExtensionError(here, "`$defs` must be a mapping of names to schemas")
            base.setdefault("$defs", {}).update(copy.deepcopy(value))
        elif key in ("$schema", "$id", "title", "description", "version") and not where:
            continue
        else:
            base[key] = copy.deepcopy(value)


def _merge_field_meta(target: JSON, meta: JSON) -> None:
    """An extension's `x-mldesign` for a field the schema has: its translations are added
    language by language, anything else replaces the schema's."""
    own = target.setdefault("x-mldesign", {})
    for key, value in meta.items():
        if key == "translations":
            _merge_translations(own, value)
        else:
            own[key] = copy.deepcopy(value)


def _merge_translations(node: JSON, translations: JSON) -> None:
    merged = node.setdefault("translations", {})
    for language, texts in translations.items():
        merged[language] = {**merged.get(language, {}), **texts}


def _merge_site_meta(base: JSON, value: JSON) -> None:
    groups = base.setdefault("groups", [])
    known = {g["key"]: g for g in groups}
    for group in value.get("groups", []):
        if group["key"] not in known:
            groups.append(copy.deepcopy(group))
        elif "translations" in group:  # the extension translates one of the schema's groups
            _merge_translations(known[group["key"]], group["translations"])


def merge_extension(base: JSON, extension: JSON) -> JSON:
    """The built-in schema with an organisation's extension laid over it.

    The extension may add metadata fields and whole sections under `properties`, add
    fields to an existing section, and add names to `required`. The built-in schema
    itself is never changed. Call `check_extension` on the extension first.
    """
    if not isinstance(extension, dict):
        raise SchemaError("an extension schema must be a mapping at its top level")
    merged = copy.deepcopy(base)
    try:
        _merge(merged, extension, (), build_template(base))
    except _ExtensionError as exc:
        raise SchemaError(exc.message, exc.path) from None
    return merged


def with_statuses(schema: JSON, statuses: Sequence[str]) -> JSON:
    """The schema with the site's own set of status names."""
    merged = copy.deepcopy(schema)
    merged["properties"]["status"]["enum"] = list(statuses)
    return merged


def load_template(
    extension: JSON | None = None, statuses: Sequence[str] | None = None, *, source: str = "the extension schema"
) -> Template:
    """The template of a site: the built-in schema, an extension laid over it, and the
    site's statuses (the schema's own defaults when None).

    Every mistake in the extension raises `SchemaError`, never anything else.
    """
    schema = builtin_schema()
    if extension is not None:
        try:
            check_extension(extension, schema)
        except _ExtensionError as exc:
            raise SchemaError(exc.message, exc.path) from None
        _check_as_json_schema(extension)
        schema = merge_extension(schema, extension)
    names = list(statuses) if statuses else [s.name for s in default_statuses(schema)]
    schema = with_statuses(schema, names)
    if extension is not None:
        check_schema(schema, source)
    return build_template(schema)


_JSON_TYPES = ("string", "number", "integer", "boolean", "array", "object", "null")


def _check_as_json_schema(extension: JSON) -> None:
    """The extension on its own against the JSON Schema meta-schema, so that a mistake
    is reported at its place in the extension file."""
    import jsonschema

    if not isinstance(extension, dict):
        raise SchemaError("an extension schema must be a mapping at its top level")
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(jsonschema.Draft202012Validator.META_SCHEMA).iter_errors(extension)
    )
    if error is None:
        return
    path = tuple(error.absolute_path)
    if (path and path[-1] == "type") or (len(path) > 1 and path[-2] == "type"):
        message = f"not a JSON Schema type; use {', '.join(_JSON_TYPES)}"
    elif path and path[-1] == "pattern":
        message = "a `pattern` must be a regular expression written as text"
    else:
        message = f"not valid JSON Schema here ({error.message[:200]})"
    raise SchemaError(message, path)


def _pointer(path: Sequence[str | int]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(path))


#: Keys that give a schema node a new base URI or a name to be found by: an extension
#: that used them could make a reference resolve outside the schema.
_IDENTIFYING = ("$id", "$anchor", "$dynamicAnchor", "$recursiveAnchor")
_REFERENCING = ("$ref", "$dynamicRef", "$recursiveRef")
_FIELD_META = {"group", "counts", "single", "selector", "choices", "hint", "shown", "synonyms", "translations"}


def _walk(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], JSON]]:
    """Every mapping inside `node`, with its path, parents first. Bounded by nesting."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [(path, node)]
    while stack:
        here, current = stack.pop()
        if len(here) > 64:
            raise _ExtensionError(here, "the schema nests more than 64 levels deep")
        if isinstance(current, dict):
            yield here, current
            stack.extend(((*here, k), v) for k, v in reversed(list(current.items())))
        elif isinstance(current, list):
            stack.extend(((*here, i), v) for i, v in reversed(list(enumerate(current))))


def check_extension(extension: JSON, base: JSON) -> None:
    """Refuse an extension that could not be merged, read as a template, or that refers
    to anything outside the schema; raises `_ExtensionError` at the first mistake."""
    if not isinstance(extension, dict):
        raise _ExtensionError((), "an extension schema must be a mapping at its top level")
    site_meta = extension.get("x-mldesign", {})
    if not isinstance(site_meta, dict):
        raise _ExtensionError(("x-mldesign",), "`x-mldesign` must be a mapping")
    unknown = set(site_meta) - {"groups"}
    if unknown:
        raise _ExtensionError(
            ("x-mldesign", sorted(map(str, unknown))[0]), "an extension's `x-mldesign` may only add `groups`"
        )
    groups = site_meta.get("groups", [])
    if not isinstance(groups, list):
        raise _ExtensionError(("x-mldesign", "groups"), "`groups` must be a list of {key, title, description}")
    group_keys = {g["key"] for g in base.get("x-mldesign", {}).get("groups", [])}
    for index, group in enumerate(groups):
        where = ("x-mldesign", "groups", index)
        if not isinstance(group, dict):
            raise _ExtensionError(where, "a group must be a mapping with `key`, `title` and `description`")
        if not isinstance(group.get("key"), str) or not group["key"].strip():
            raise _ExtensionError(where, "a group needs a `key`: the name its sections give as `group`")
        for name in ("title", "description"):
            if name in group and not isinstance(group[name], str):
                raise _ExtensionError((*where, name), f"a group's `{name}` must be text")
        extra = set(group) - {"key", "title", "description", "translations"}
        if extra:
            raise _ExtensionError(
                (*where, sorted(map(str, extra))[0]),
                "a group has only `key`, `title`, `description` and `translations`",
            )
        _check_translations(group.get("translations", {}), (*where, "translations"))
        group_keys.add(group["key"])

    for path, node in _walk(extension):
        for key in _IDENTIFYING:
            if key in node and not (key == "$id" and not path):
                raise _ExtensionError(
                    (*path, key), f"`{key}` is not allowed inside an extension: it changes where references resolve"
                )
        for key in _REFERENCING:
            ref = node.get(key)
            if key not in node:
                continue
            if not isinstance(ref, str) or not ref.startswith("#"):
                shown = ref if isinstance(ref, str) else json.dumps(ref)
                raise _ExtensionError(
                    (*path, key),
                    f"the reference `{shown[:80]}` leaves the schema; only references inside it (`#/...`) are "
                    "followed, never files or addresses",
                )
        meta = node.get("x-mldesign")
        if path and path[-1] != "properties" and meta is not None:
            _check_field_meta(meta, (*path, "x-mldesign"), group_keys)
        pattern = node.get("pattern")
        if path and path[-1] != "properties" and isinstance(pattern, str):
            try:
                re.compile(ecma_pattern(pattern))
            except re.error as exc:
                raise _ExtensionError((*path, "pattern"), f"the pattern cannot be used: {exc}") from None

    merged = merge_extension(base, extension)  # a mistake in the shape surfaces here
    for path, node in _walk(extension):
        for key in _REFERENCING:
            ref = node.get(key)
            if not isinstance(ref, str):
                continue
            try:
                target = pointer(merged, ref)
            except KeyError:
                raise _ExtensionError((*path, key), f"the reference `{ref[:80]}` points to nothing") from None
            if not isinstance(target, dict | bool):
                raise _ExtensionError(
                    (*path, key), f"the reference `{ref[:80]}` points to a value that is not a schema"
                )


def _check_field_meta(meta: Any, where: tuple[str | int, ...], group_keys: set[str]) -> None:
    if not isinstance(meta, dict):
        raise _ExtensionError(where, "`x-mldesign` must be a mapping")
    extra = set(meta) - _FIELD_META
    if extra:
        raise _ExtensionError(
            (*where, sorted(map(str, extra))[0]), f"`x-mldesign` knows only {', '.join(sorted(_FIELD_META))}"
        )
    if "group" in meta and (not isinstance(meta["group"], str) or meta["group"] not in group_keys):
        raise _ExtensionError(
            (*where, "group"), f"`group` must name a group of the template: {', '.join(sorted(group_keys))}"
        )
    if "counts" in meta and not isinstance(meta["counts"], bool):
        raise _ExtensionError((*where, "counts"), "`counts` must be true or false")
    for name in ("single", "selector", "hint", "shown"):
        if name in meta and not isinstance(meta[name], str):
            raise _ExtensionError((*where, name), f"`{name}` must be text")
    _check_translations(meta.get("translations", {}), (*where, "translations"))
    synonyms = meta.get("synonyms", {})
    if not isinstance(synonyms, dict) or not all(isinstance(v, str) for v in synonyms.values()):
        raise _ExtensionError(
            (*where, "synonyms"), "`synonyms` must map each word an author may write to the allowed value it means"
        )
    choices = meta.get("choices", {})
    if not isinstance(choices, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in choices.values()
    ):
        raise _ExtensionError(
            (*where, "choices"), "`choices` must map each value of the selector to a list of field names"
        )


def _check_translations(value: Any, where: tuple[str | int, ...]) -> None:
    """`translations`: a mapping of language codes (`de`, `pt-BR`) to a `title` and a
    `description`, each text."""
    if not isinstance(value, dict):
        raise _ExtensionError(where, "`translations` must map language codes, such as de, to a title and a description")
    for language, texts in value.items():
        here = (*where, language)
        if not isinstance(language, str) or not re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*", language):
            raise _ExtensionError(here, "a translation is named by a language code, such as de, fr or pt-BR")
        if not isinstance(texts, dict) or not texts:
            raise _ExtensionError(here, "a translation must be a mapping with `title` and/or `description`")
        for name, text in texts.items():
            if name not in ("title", "description"):
                raise _ExtensionError((*here, name), "a translation has only `title` and `description`")
            if not isinstance(text, str):
                raise _ExtensionError((*here, name), f"a translated `{name}` must be text")


def read_extension(path: str) -> JSON:
    """Read an extension schema from a JSON or YAML file, or say plainly why not."""
    return parse_extension(path, read_extension_text(path))


#: An extension schema larger than this is refused before it is parsed.
MAX_EXTENSION_BYTES = 4 * 1024 * 1024


def read_extension_text(path: str) -> str:
    from .frontmatter import read_regular

    try:
        return read_regular(path, MAX_EXTENSION_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SchemaError(f"cannot read the extension schema {path}: {exc}") from None


def parse_extension(path: str, text: str) -> JSON:
    import yaml

    try:
        data = json.loads(text) if path.endswith(".json") else yaml.load(text, Loader=_plain_loader())
    except (ValueError, yaml.YAMLError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        if isinstance(exc, json.JSONDecodeError):
            where = f":{exc.lineno}:{exc.colno}"
        reason = getattr(exc, "problem", None) or getattr(exc, "msg", None) or "it cannot be parsed"
        raise SchemaError(f"the extension schema {path}{where} is not valid: {reason}") from None
    if not isinstance(data, dict):
        raise SchemaError(f"the extension schema {path} must hold a mapping at its top level")
    try:
        json.dumps(data)
    except (TypeError, ValueError, RecursionError):
        raise SchemaError(
            f"the extension schema {path} holds values JSON cannot hold (keys that are not text, or aliases "
            "that refer to themselves)"
        ) from None
    return data


def _plain_loader() -> type[Any]:
    """YAML's safe loader, with dates left as text, as they would be in JSON."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_str)  # type: ignore[type-var]
    return Loader


def locate_in(path: str, text: str, where: Sequence[str | int]) -> tuple[int, int]:
    """The line and column (from 1) of a path inside an extension file's text; 1, 1 when unknown."""
    from . import frontmatter

    node = frontmatter.find_node(frontmatter.compose(text), tuple(where), key=True)
    if node is None:
        return 1, 1
    return node.start_mark.line + 1, node.start_mark.column + 1


def check_schema(schema: JSON, source: str) -> None:
    """Refuse a merged schema that is not itself valid JSON Schema, or whose patterns
    cannot be compiled."""
    import jsonschema

    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "its top level"
        raise SchemaError(f"{source} makes the design schema invalid at {where}: {exc.message}") from None
    try:
        for path, node in _walk(schema):
            if path and path[-1] in ("properties", "patternProperties", "$defs", "definitions"):
                continue  # a mapping of names (or patterns) to schemas, not a schema
            pattern = node.get("pattern")
            if isinstance(pattern, str):
                _check_pattern(source, path, pattern)
            keys = node.get("patternProperties")
            for key in keys if isinstance(keys, dict) else ():
                _check_pattern(source, (*path, "patternProperties", key), key)
    except _ExtensionError as exc:
        raise SchemaError(f"{source}: {exc.message}") from None


def _check_pattern(source: str, path: tuple[str | int, ...], pattern: str) -> None:
    """Refuse a pattern either reading of it cannot compile: Python's (which explains) or
    the compiled validator's (which judges)."""
    try:
        re.compile(ecma_pattern(pattern))
    except re.error as exc:
        raise SchemaError(f"{source}: the pattern at {_pointer(path)} cannot be used: {exc}") from None
    if not _rs_compiles(pattern):
        raise SchemaError(
            f"{source}: the pattern at {_pointer(path)} cannot be used: it is not a regular expression "
            "as JSON Schema reads it (ECMA-262: no \\Z, (?P=name) or other syntax only Python reads)"
        )


def _rs_compiles(pattern: str) -> bool:
    """Whether the compiled validator (jsonschema-rs) reads `pattern` as a regular expression."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - without it, Python's reading is the only one
        return True
    try:
        jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    except ValueError:
        return False
    return True


def ecma_pattern(pattern: str) -> str:
    """A JSON Schema (ECMA-262) pattern as a Python one with the same meaning of `$`.

    In ECMA-262, `$` matches only at the very end of the text; in Python it also matches
    before a final newline, so `^[a-z]+$` would accept "abc\\n". Outside a character
    class, an unescaped `$` becomes `\\Z`.
    """
    out: list[str] = []
    in_class = False
    escaped = False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif in_class:
            out.append(char)
            in_class = char != "]"
        elif char == "[":
            out.append(char)
            in_class = True
        elif char == "$":
            out.append(r"\Z")
        else:
            out.append(char)
    return "".join(out)
