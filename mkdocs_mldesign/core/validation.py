"""Checking a normalised design against the template's JSON Schema.

The common case, a valid design, costs one call to a compiled validator
(jsonschema-rs). Only a design that fails is walked again with `jsonschema`,
whose errors carry the paths, keywords and schema nodes needed for a message a
person can act on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from .schema import Template, ecma_pattern
from .suggest import closest

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
    expected: str = ""  # for a value of the wrong type or outside an enum: what the field takes


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
        text = value.replace("\r", "\\r").replace("\n", "\\n")  # a line break shown, not hidden
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


def is_date(value: object) -> bool:
    """The `mldesign-date` format: text that starts with a date that exists (YYYY-MM-DD)."""
    if not isinstance(value, str):
        return True
    try:
        dt.date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True


#: The formats of the schema's own making, checked the same way by both validators.
FORMATS: dict[str, Callable[[object], bool]] = {"mldesign-date": is_date}


@cache
def _matcher(pattern: str) -> Callable[[str], bool]:
    """A JSON Schema `pattern`, compiled once. With jsonschema-rs, by its own regular
    expressions, which take time linear in the text: a pattern that backtracks in Python's
    `re` (`^([A-Z0-9]+-?)+$`) costs the explanation no more than the verdict."""
    if HAVE_RS:
        checker: Callable[[str], bool] = jsonschema_rs.validator_for({"type": "string", "pattern": pattern}).is_valid
        return checker
    compiled = re.compile(ecma_pattern(pattern))
    return lambda text: compiled.search(text) is not None


def pattern_matches(pattern: str, text: str) -> bool:
    """Whether `text` matches a JSON Schema `pattern` as ECMA-262 reads it, as the compiled
    validator reads it (see `ecma_pattern` for the fallback without it)."""
    return _matcher(pattern)(text)


def _explainer_class() -> Any:
    """jsonschema's 2020-12 validator, with every keyword that matches a `pattern`
    (`pattern`, `patternProperties`, `additionalProperties` beside them) reading it as the
    compiled validator does: never with Python's backtracking `re`."""
    import jsonschema

    def pattern(validator: Any, value: str, instance: Any, schema: Any) -> Iterator[jsonschema.ValidationError]:
        if validator.is_type(instance, "string") and not pattern_matches(value, instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {value!r}")

    def pattern_properties(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not validator.is_type(instance, "object"):
            return
        for regex, subschema in value.items():
            for key, item in instance.items():
                if pattern_matches(regex, key):
                    yield from validator.descend(item, subschema, path=key, schema_path=regex)

    def additional_properties(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not validator.is_type(instance, "object"):
            return
        known = schema.get("properties", {})
        regexes = list(schema.get("patternProperties", {}))
        extras = [k for k in instance if k not in known and not any(pattern_matches(r, k) for r in regexes)]
        if validator.is_type(value, "object"):
            for extra in extras:
                yield from validator.descend(instance[extra], value, path=extra)
        elif not value and extras:
            names = ", ".join(repr(e) for e in sorted(extras, key=str))
            yield jsonschema.ValidationError(f"Additional properties are not allowed ({names} unexpected)")

    keywords = {
        "pattern": pattern,
        "patternProperties": pattern_properties,
        "additionalProperties": additional_properties,
    }
    return jsonschema.validators.extend(jsonschema.Draft202012Validator, keywords)


class Validator:
    """A template's schema, compiled once, checking many designs.

    Both validators read the schema alike: references only inside it (no file, no
    network), `pattern` with ECMA-262's `$`, and the same format checks. Should they
    still disagree, the compiled one's verdict stands and a design it refuses always
    gets a problem.
    """

    def __init__(self, template: Template) -> None:
        self.template = template
        self._explainer: jsonschema.Draft202012Validator | None = None
        self._fast: Callable[[Any], bool] = (
            jsonschema_rs.validator_for(
                template.schema, formats=FORMATS, validate_formats=True, retriever=_refuse
            ).is_valid
            if HAVE_RS
            else self._slow.is_valid
        )

    @property
    def _slow(self) -> jsonschema.Draft202012Validator:
        # Made on first need: `jsonschema` takes several MiB, which a site whose designs
        # are all valid never has to pay.
        if self._explainer is None:
            import jsonschema
            from referencing import Registry

            checker = jsonschema.FormatChecker(formats=())
            for name, check in FORMATS.items():
                checker.checks(name)(check)
            self._explainer = _explainer_class()(self.template.schema, registry=Registry(), format_checker=checker)
        return self._explainer

    def issues(self, design: Any, limit: int | None = None) -> list[Issue]:
        """Every violation in `design` (plain JSON data), or [] when it is valid.

        With `limit`, the search stops once that many are found.
        """
        if self._fast(design):
            return []
        # One issue per place: jsonschema gives one `required` error per missing name, each
        # naming all, and a value may break several rules at once (a type and an enum, a
        # date's form and its calendar); the first says enough.
        out: dict[tuple[Path, bool], Issue] = {}
        for error in self._slow.iter_errors(design):
            for issue in self._explain(error):
                out.setdefault((issue.path, issue.at_key), issue)
                if limit is not None and len(out) >= limit:
                    return list(out.values())
        if not out:  # the compiled validator refused what the explaining one accepts
            out[((), False)] = Issue(
                (), "schema-invalid", "the design does not pass the schema", "check it against `mldesign schema`"
            )
        return list(out.values())

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
            yield Issue(
                (*path, key),
                "schema-unknown-key",
                f"unknown field {_quote(key)}",
                self._key_hint(key, known, path),
                at_key=True,
            )

    def _key_hint(self, key: str, known: list[str], path: Path) -> str:
        """Where a misspelt or misplaced key probably belongs: a field of that name deeper
        down (`holdout` written straight under `data`), a known key spelt alike, or a
        field of that name in another section."""
        homes = self.template.fields_named(key)
        here = ".".join(str(p) for p in path)
        # Not the key's own place: a field refused beside `na` is not misplaced.
        below = [h for h in homes if (not path or h.startswith(here + ".")) and h != f"{here}.{key}"]
        if below:  # a field dedented out of the mapping it belongs in
            home = below[0]
            under = home.rsplit(".", 1)[0][len(here) + 1 if path else 0 :]
            return f"did you mean `{home}`? indent it under `{under}`"
        close = _closest(key, known)
        if close is not None:
            return f"did you mean `{close}`?"
        if not path:
            homes = self.template.fields_named(_closest(key, self._field_names(), cutoff=0.8) or "")
            if homes:
                return f"did you mean `{homes[0]}`? indent it under `{homes[0].split('.')[0]}`"
        elif homes and f"{here}.{key}" not in homes and not any(isinstance(p, int) for p in path):
            home = homes[0]
            return f"did you mean `{home}`? move it under `{home.rsplit('.', 1)[0]}`"
        return "known fields: " + ", ".join(known)

    def _field_names(self) -> list[str]:
        return sorted({f.key.rsplit(".", 1)[-1] for s in self.template.sections for f in s.fields})

    def _required_here(self, path: Path) -> bool:
        """Whether the field at `path` is one the schema requires (a top-level field)."""
        return len(path) == 1 and path[0] in self.template.schema.get("required", [])

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
                sub = self.template.resolve(schema.get("properties", {}).get(name, {}))
                hint = sub.get("description") or f"add `{name}`"
                out.append(Issue((*path, name), "schema-required", f"the field `{name}` is required here", hint))
            return out
        if kind == "enum":
            allowed = [str(v) for v in error.validator_value]  # type: ignore[union-attr]
            # What a word means comes before how it is spelt: `offline` is `batch`, not `online`.
            close = (_synonym(value, schema, allowed) or _closest(value, allowed)) if isinstance(value, str) else None
            hint = f"did you mean `{close}`? " if close else ""
            return [
                Issue(
                    path,
                    "schema-enum",
                    f"{_quote(value)} is not an allowed value",
                    f"{hint}use one of: {', '.join(allowed)}",
                    expected="one of: " + ", ".join(allowed),
                )
            ]
        if kind == "type" and isinstance(schema.get("enum"), list):  # say the choices, not only "text"
            choices = ", ".join(str(v) for v in schema["enum"])
            return [
                Issue(
                    path,
                    "schema-enum",
                    f"{_quote(value)} is not an allowed value",
                    f"use one of: {choices}",
                    expected=f"one of: {choices}",
                )
            ]
        if kind == "type":
            expected = _expected(schema)
            return [
                Issue(
                    path,
                    "schema-type",
                    f"expected {expected}, found {json_type(value)}",
                    _type_hint(expected, path),
                    expected=expected,
                )
            ]
        if kind in ("minItems", "minLength"):
            what = "at least one entry" if kind == "minItems" else "some text"
            if self._required_here(path):
                hint = f"this field is required: give {what}"
            elif isinstance(path[-1:][0] if path else None, int):
                hint = "write it, or remove the empty entry"
            else:
                hint = "fill it in or remove the field"
            return [Issue(path, "schema-empty", f"must hold {what}", hint)]
        if kind == "pattern":
            return [Issue(path, "schema-format", f"{_quote(value)} does not have the expected form", _hint(schema))]
        if kind == "format":
            what = "a real date" if error.validator_value == "mldesign-date" else f"a valid {error.validator_value}"
            return [Issue(path, "schema-format", f"{_quote(value)} is not {what}", _hint(schema))]
        return [Issue(path, f"schema-{kind}", "this value is not valid here", f"the schema's `{kind}` rule fails")]


def _refuse(uri: str) -> Any:
    """The compiled validator's retriever: a schema reference never reaches a file or the network."""
    raise ValueError(f"references outside the schema are not followed: {uri}")


def _closest(name: str, known: list[str], cutoff: float = 0.6) -> str | None:
    """The known name `name` most likely stands for: the same but for case, spaces or
    dashes, else the closest spelling."""
    if not known:
        return None
    folded = {re.sub(r"[\s_-]+", "_", k.strip().lower()): k for k in known}
    same = folded.get(re.sub(r"[\s_-]+", "_", name.strip().lower()))
    if same is not None:
        return same
    close = closest(name, known, cutoff) or closest(name.lower(), [k.lower() for k in known], cutoff)
    if close is None:
        return None
    return next((k for k in known if k.lower() == close.lower()), close)


def _synonym(value: str, schema: dict[str, Any], allowed: list[str]) -> str | None:
    """The allowed value a word means, by the node's `x-mldesign.synonyms` (`realtime`
    means `online`): what an author meant is rarely a matter of spelling alone."""
    meta = schema.get("x-mldesign")
    synonyms = meta.get("synonyms") if isinstance(meta, dict) else None
    if not isinstance(synonyms, dict):
        return None
    folded = {re.sub(r"[\s_-]+", "", str(k).lower()): v for k, v in synonyms.items()}
    meant = folded.get(re.sub(r"[\s_-]+", "", value.lower()))
    return meant if isinstance(meant, str) and meant in allowed else None


def _hint(schema: dict[str, Any]) -> str:
    meta = schema.get("x-mldesign")
    hint = meta.get("hint") if isinstance(meta, dict) else None
    return hint if isinstance(hint, str) else "check the value's spelling"


def _type_hint(expected: str, path: Path) -> str:
    if expected == "text or a list of text":
        return "write a sentence, or a list of short items; quote text that YAML would read as a number or date"
    if expected == "a mapping":
        return "indent the fields under this key, or write `na: <reason>` if it does not apply"
    if expected == "a list":
        return "write the items on their own lines, each starting with `- `"
    return f"write {expected} here"
