"""Checking a normalised design against the template's JSON Schema.

The common case, a valid design, costs one call to a compiled validator
(jsonschema-rs). Only a design that fails is walked again with `jsonschema`,
whose errors carry the paths, keywords and schema nodes needed for a message a
person can act on.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .schema import Template

if TYPE_CHECKING:
    import jsonschema

try:
    import jsonschema_rs

    HAVE_RS = True
except ImportError:  # pragma: no cover - a platform without wheels still works, slower
    HAVE_RS = False

Path = tuple[str | int, ...]

_TYPE_WORDS = {
    "string": "text",
    "array": "a list",
    "object": "a mapping",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "nothing",
}


@dataclass(frozen=True, slots=True)
class Issue:
    """A schema violation, before it is located in a file.

    `at_key` says the key node is at fault (an unknown key), not its value.
    """

    path: Path
    rule: str
    message: str
    hint: str
    at_key: bool = False


def field_path(path: Path, root: str = "design") -> str:
    """`design.metrics[0].priority` from ("metrics", 0, "priority")."""
    out = root
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else "an unsupported value"


def _quote(value: Any) -> str:
    """A short, safe rendering of a scalar for a message; never a container's repr."""
    if isinstance(value, str):
        text = value.replace("\n", " ")
        return f"`{text if len(text) <= 40 else text[:39] + '…'}`"
    if isinstance(value, bool) or value is None:  # as YAML spells them, not Python
        return "`null`" if value is None else f"`{str(value).lower()}`"
    if isinstance(value, int | float):
        return f"`{value}`"
    return json_type(value)


def _expected(schema: dict[str, Any]) -> str:
    types = schema.get("type")
    names = [types] if isinstance(types, str) else list(types or [])
    if set(names) == {"string", "array"}:
        return "text or a list of text"
    return " or ".join(_TYPE_WORDS.get(n, n) for n in names) or "another kind of value"


class Validator:
    """A template's schema, compiled once, checking many designs."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self._explainer: jsonschema.Draft202012Validator | None = None
        self._fast: Callable[[Any], bool] = (
            jsonschema_rs.validator_for(template.schema).is_valid if HAVE_RS else self._slow.is_valid
        )

    @property
    def _slow(self) -> jsonschema.Draft202012Validator:
        # Made on first need: `jsonschema` takes several MiB, which a site whose designs
        # are all valid never has to pay.
        if self._explainer is None:
            import jsonschema

            self._explainer = jsonschema.Draft202012Validator(self.template.schema)
        return self._explainer

    def issues(self, design: Any, limit: int | None = None) -> list[Issue]:
        """Every violation in `design` (plain JSON data), or [] when it is valid.

        With `limit`, the search stops once that many are found.
        """
        if self._fast(design):
            return []
        out: dict[Issue, None] = {}  # jsonschema gives one `required` error per missing name, each naming all
        for error in self._slow.iter_errors(design):
            for issue in self._explain(error):
                out[issue] = None
                if limit is not None and len(out) >= limit:
                    return list(out)
        return list(out)

    def _explain(self, error: jsonschema.ValidationError) -> Iterator[Issue]:
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            yield from self._unknown_keys(error)
        else:
            yield from self._explain_one(error)

    def _unknown_keys(self, error: jsonschema.ValidationError) -> Iterator[Issue]:
        """One issue per unknown key, made lazily: a mapping may hold thousands of them."""
        path: Path = tuple(error.absolute_path)
        schema = error.schema if isinstance(error.schema, dict) else {}
        known = list(schema.get("properties", {}))
        instance = error.instance
        for key in instance if isinstance(instance, dict) else ():
            if key in known:
                continue
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"did you mean `{close[0]}`?" if close else "known fields: " + ", ".join(known)
            yield Issue((*path, key), "schema-unknown-key", f"unknown field {_quote(key)}", hint, at_key=True)

    def _explain_one(self, error: jsonschema.ValidationError) -> list[Issue]:
        path: Path = tuple(error.absolute_path)
        schema = error.schema if isinstance(error.schema, dict) else {}
        value = error.instance
        kind = error.validator
        if kind == "required" and isinstance(value, dict):
            out = []
            for name in error.validator_value:  # type: ignore[union-attr]
                if name in value:
                    continue
                sub = schema.get("properties", {}).get(name, {})
                hint = sub.get("description") or f"add `{name}`"
                if "$ref" in sub and not sub.get("description"):
                    hint = f"add `{name}`"
                out.append(Issue((*path, name), "schema-required", f"the field `{name}` is required here", hint))
            return out
        if kind == "enum":
            allowed = ", ".join(str(v) for v in error.validator_value)  # type: ignore[union-attr]
            return [Issue(path, "schema-enum", f"{_quote(value)} is not an allowed value", f"use one of: {allowed}")]
        if kind == "type":
            expected = _expected(schema)
            return [
                Issue(path, "schema-type", f"expected {expected}, found {json_type(value)}", _type_hint(expected, path))
            ]
        if kind in ("minItems", "minLength"):
            what = "at least one entry" if kind == "minItems" else "some text"
            return [Issue(path, "schema-empty", f"must hold {what}", "fill it in or remove the field")]
        if kind == "pattern":
            return [
                Issue(path, "schema-format", f"{_quote(value)} does not have the expected form", _pattern_hint(path))
            ]
        return [Issue(path, f"schema-{kind}", "this value is not valid here", f"the schema's `{kind}` rule fails")]


def _type_hint(expected: str, path: Path) -> str:
    if expected == "text or a list of text":
        return "write a sentence, or a list of short items; quote text that YAML would read as a number or date"
    if expected == "a mapping":
        return "indent the fields under this key, or write `na: <reason>` if it does not apply"
    if expected == "a list":
        return "write the items on their own lines, each starting with `- `"
    return f"write {expected} here"


def _pattern_hint(path: Path) -> str:
    last = path[-1] if path else ""
    if last in ("created", "updated"):
        return "write a date as YYYY-MM-DD"
    if last == "id":
        return "use letters, digits, '.', '_' and '-', starting with a letter or digit"
    return "check the value's spelling"
