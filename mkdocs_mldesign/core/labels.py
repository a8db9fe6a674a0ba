"""The words a site shows, in the site's language.

Every label the templates write, and the titles and guiding questions of the template's
sections, are looked up by key in one `Labels`. Each key is looked up, in this order:

1. the site's own text for it (`labels:` in mkdocs.yml);
2. the shipped translation into the site's language (`locales/<language>.json`, and for
   the schema's text the `translations` of its `x-mldesign`, an extension's included);
3. English (`locales/en.json`, and the schema's own `title` and `description`).

So a key the site or a translation leaves out falls back one step, never the whole
page to English. Messages in the build log and from `mldesign check` are not labels:
they stay English, so that people can search for them.

A label may depend on a number (`{"one": "{count} design", "other": "{count} designs"}`):
the language's plural rule picks the form, and a missing form falls back like a key.

What CLDR knows of a language comes from Babel, for every language it has data for (all
that Material ships, and many more), whether or not a catalog translates our labels:
dates (`Nov 20, 2026`, `20. Nov. 2026`), plural rules, and numbers and percentages with
the language's separators and spaces (`83 %` in German, with a space that never breaks).
A site's own `date.format` and `date.months` still win; a language Babel does not know
reads English's.
Braces in a label hold only the name of one of its values (`{count}`); a site's label
that holds anything else is refused when the site is loaded, and filling a label reads
nothing but its values.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup, escape

from .problems import visible
from .schema import Field, Section, Template
from .settings import SettingsError
from .suggest import closest

#: Languages with a shipped catalog, by the code Material's `theme.language` uses.
SHIPPED = ("en", "de", "fr", "es", "pt-BR", "ja", "zh")
#: Codes that read another shipped catalog: Portuguese from Brazil's, Chinese written in
#: simplified characters from `zh`. Traditional Chinese (zh-Hant, zh-TW) gets English.
_ALIASES = {"pt": "pt-BR", "zh-cn": "zh", "zh-hans": "zh", "zh-sg": "zh"}
_TRADITIONAL_CHINESE = frozenset({"zh-tw", "zh-hk", "zh-mo"})
#: Languages whose plural has one form for 0 and 1 ("0 design" in French), and those
#: with no plural at all (CLDR's rules, for the counts a site shows).
_ONE_FOR_ZERO = frozenset({"fr", "pt-BR"})
_NO_PLURAL = frozenset({"ja", "zh"})

Text = str | Mapping[str, str]  # a label, or its plural forms by CLDR category


def language_of(theme: Mapping[str, Any] | None, option: str | None = None) -> str:
    """The language a site's labels are in: the plugin's `language` option, else the
    theme's `language` (Material, mldesign, Zensical), else its `locale` (MkDocs' own
    themes), else English."""
    given = theme if isinstance(theme, Mapping) else {}
    for value in (option, given.get("language"), given.get("locale")):
        if value:
            return str(value).replace("_", "-")
    return "en"


def shipped_language(code: str) -> str:
    """The shipped catalog a language code reads: itself, an alias, its base language
    (`de-CH` reads `de`), or English."""
    lower = code.strip().lower().replace("_", "-")
    if lower in _TRADITIONAL_CHINESE or lower.startswith("zh-hant"):
        return "en"
    by_lower = {c.lower(): c for c in SHIPPED}
    for candidate in (lower, _ALIASES.get(lower, ""), lower.split("-")[0]):
        if candidate in by_lower:
            return by_lower[candidate]
        if candidate in _ALIASES:
            return _ALIASES[candidate]
    return "en"


@cache
def catalog(language: str) -> Mapping[str, Text]:
    """A shipped catalog: its labels by key."""
    text = (resources.files("mkdocs_mldesign") / "locales" / f"{language}.json").read_text("utf-8")
    data: dict[str, Text] = json.loads(text)
    data.pop("$comment", None)
    return data


@cache
def cldr_locale(code: str) -> Locale | None:
    """CLDR's data for a language code (`de`, `pt-BR`, `zh-Hant`), or None when Babel
    has none."""
    name = code.strip().replace("-", "_")
    try:
        return Locale.parse(_CLDR_ALIASES.get(name.lower(), name))
    except (ValueError, TypeError, UnknownLocaleError):
        return None


#: Codes Material uses that CLDR knows by another name: Serbo-Croatian is Serbian in Latin.
_CLDR_ALIASES = {"sh": "sr_Latn"}


def plural_form(language: str, count: int) -> str:
    """The CLDR plural category of `count` ("one" or "other") in `language`."""
    if language in _NO_PLURAL:
        return "other"
    if language in _ONE_FOR_ZERO:
        return "one" if count in (0, 1) else "other"
    return "one" if count == 1 else "other"


def schema_texts(template: Template, language: str | None = None) -> dict[str, str]:
    """The schema's text by label key: English (`language` None) or one translation.

    Keys: `group.<key>.title`, `group.<key>.description`, `section.<key>.title` and
    `.description` for a section and each of its fields and nested mappings
    (`section.data.training.access.title`), `field.<key>.title` for a metadata field.
    """
    out: dict[str, str] = {}
    for key, node in _schema_nodes(template):
        texts: Any = node if language is None else translations_of(node).get(language)
        if not isinstance(texts, Mapping):
            continue
        for part in ("title", "description"):
            value = texts.get(part)
            if isinstance(value, str) and value:
                out[f"{key}.{part}"] = value
    return out


def translations_of(node: Mapping[str, Any]) -> Mapping[str, Any]:
    """A schema node's `translations` (in its `x-mldesign`; a group's are its own)."""
    meta = node.get("x-mldesign")
    found = meta.get("translations") if isinstance(meta, dict) else node.get("translations")
    return found if isinstance(found, dict) else {}


def _schema_nodes(template: Template) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Each schema node that has text of its own, with the start of its label keys."""
    for group in template.schema.get("x-mldesign", {}).get("groups", []):
        yield f"group.{group['key']}", group
    sections = {s.key for s in template.sections}
    for key, raw in template.schema.get("properties", {}).items():
        node = template.resolve(raw)
        if key not in sections:
            yield f"field.{key}", node
            continue
        yield f"section.{key}", node
        body = template.mapping_form(node)
        if body is not None:
            yield from _field_nodes(template, body, f"section.{key}")


def _field_nodes(template: Template, body: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for name, raw in body.get("properties", {}).items():
        node = template.resolve(raw)
        yield f"{prefix}.{name}", node
        if isinstance(node.get("properties"), dict):
            yield from _field_nodes(template, node, f"{prefix}.{name}")


@dataclass(frozen=True, slots=True)
class Labels:
    """The labels of one site, looked up as the module's docstring says."""

    language: str  # the site's language code, as written (`de`, `pt-BR`)
    shipped: str  # the shipped catalog it reads
    layers: tuple[Mapping[str, Text], ...]  # site's own, translation, English: first wins
    cldr: Locale | None = None  # dates, plurals and numbers of `language`; None: Babel has no data

    @classmethod
    def build(cls, template: Template, language: str = "en", overrides: Mapping[str, Any] | None = None) -> Labels:
        """The labels of a site; `SettingsError` names an override that cannot be used."""
        shipped = shipped_language(language)
        english = {**catalog("en"), **schema_texts(template)}
        translated: dict[str, Text] = {}
        if shipped != "en":
            translated = {**catalog(shipped), **schema_texts(template, shipped)}
        own = check_overrides(overrides or {}, english)
        return cls(language, shipped, (own, translated, english), cldr_locale(language))

    def text(self, key: str) -> Text:
        for layer in self.layers:
            if key in layer:
                return layer[key]
        return key

    def __call__(self, key: str, /, count: int | None = None, default: str | None = None, **values: Any) -> str:
        """The label `key` with `{name}` filled in from `values` (and `{count}`). When a
        value is Markup the result is Markup too, with everything else escaped."""
        template = self._form(key, count, default)
        if count is not None:
            values["count"] = self.number(count)
        percent = values.get("percent")
        if isinstance(percent, int) and not isinstance(percent, bool) and self.cldr is not None:
            # The label's `{percent}%` as the language writes a percentage.
            template = _PERCENT_TOKEN.sub("{percent}", template)
            values["percent"] = format_percent(percent / 100, locale=self.cldr)
        return _fill(template, values, markup=any(isinstance(v, Markup) for v in values.values()))

    def number(self, value: int) -> str:
        """A whole number as the language writes it (`12,345`, `12.345`, `12 345`)."""
        return format_decimal(value, locale=self.cldr) if self.cldr is not None else str(value)

    def plural(self, count: int) -> str:
        """The CLDR plural category of `count` in the site's language."""
        if self.cldr is not None:
            return str(self.cldr.plural_form(abs(count)))
        return plural_form(self.shipped, count)

    def _form(self, key: str, count: int | None, default: str | None) -> str:
        form = "other" if count is None else self.plural(count)
        for layer in self.layers:
            value = layer.get(key)
            if isinstance(value, str):
                return value
            if isinstance(value, Mapping):
                # A catalog writes `one` and `other`; CLDR's other categories (`few`,
                # `many`, ...) read `other` of the same layer.
                fallback = layer is self.layers[-1] or form not in ("one", "other")
                found = value.get(form) or (value.get("other") if fallback else None)
                if found:
                    return found
        return default if default is not None else key

    def date(self, iso: str) -> str:
        """A date (YYYY-MM-DD) written the language's way; anything else as it is."""
        match = _ISO_DATE.match(iso or "")
        if match is None:
            return iso
        year, month, day = (int(g) for g in match.groups())
        if not 1 <= month <= 12:
            return iso
        own = self.layers[0]
        if self.cldr is not None and "date.format" not in own and "date.months" not in own:
            try:
                return str(format_skeleton("yMMMd", dt.date(year, month, day), locale=self.cldr))
            except ValueError:  # a day the month does not have
                return iso
        months = self.text("date.months")
        names = months.split("|") if isinstance(months, str) else []
        if "date.months" not in own and self.cldr is not None:  # the site's format, CLDR's names
            names = [str(self.cldr.months["format"]["abbreviated"][m]) for m in range(1, 13)]
        name = names[month - 1] if len(names) == 12 else str(month)
        return _fill(
            self._form("date.format", None, "{iso}"),
            {
                "year": year,
                "month": month,
                "day": day,
                "month_name": name,
                "mm": f"{month:02}",
                "dd": f"{day:02}",
                "iso": iso,
            },
        )

    def status(self, name: str) -> str:
        """A status as shown: its label (`status.<name>`), else its name."""
        return self(f"status.{name}", default=name)

    def script_texts(self, key: str) -> dict[str, str]:
        """A label with a number that the overview's script fills in itself, as its two
        forms: for a count the language calls "one", and for any other."""
        return {"one": self._form(key, 1, None), "other": self._form(key, 2, None)}


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
#: A value in a label: `{name}`. Nothing else between braces is ever read.
_FIELD = re.compile(r"\{(\w+)\}")
#: A label's percentage: `{percent}` and the `%` after it, with or without a space.
_PERCENT_TOKEN = re.compile("\\{percent\\}[ \u00a0\u202f]?%")
#: A space between a number and a `%` after it.
_SPACED_PERCENT = re.compile(r"(?<=\d) %")
#: Every brace of a label: a `{...}` group, or a brace on its own.
_BRACES = re.compile(r"\{[^{}]*\}|[{}]")


def _fill(template: str, values: Mapping[str, Any], *, markup: bool = False) -> str:
    """`template` with each `{name}` that `values` has replaced by the value as text, and
    every other character kept as written: no attribute, index, conversion or format spec
    is ever read, so filling a label cannot raise or reach anything but `values`. With
    `markup`, the result is Markup: the template's text and every value that is not
    Markup already are escaped."""
    parts: list[str] = []
    at = 0
    for match in _FIELD.finditer(template):
        if match.group(1) not in values:
            continue
        value = values[match.group(1)]
        text = template[at : match.start()]
        parts += [escape(text), escape(value)] if markup else [text, str(value)]
        at = match.end()
    rest = template[at:]
    parts.append(escape(rest) if markup else rest)
    # A number and its `%` (`83 %`, as German and French write it) never part at a line end.
    joined = _SPACED_PERCENT.sub("\u00a0%", "".join(parts))
    return Markup(joined) if markup else joined


def check_overrides(overrides: Mapping[str, Any], known: Mapping[str, Text]) -> dict[str, Text]:
    """A site's own labels, checked against the keys there are (`status.<name>` for any
    status name)."""
    if not isinstance(overrides, Mapping):
        raise SettingsError("`labels` must map label keys to text, such as `checklist.heading: Review list`")
    out: dict[str, Text] = {}
    for key, value in overrides.items():
        if not isinstance(key, str) or not (key in known or key.startswith("status.")):
            hint = closest(str(key), list(known))
            also = f"; did you mean `{hint}`?" if hint else ""
            raise SettingsError(
                f"`labels`: there is no label `{key}`{also} (`mldesign labels` lists every key with its text)",
                path=("labels", str(key)),
            )
        if isinstance(value, str):
            out[key] = value
        elif (
            isinstance(value, Mapping)
            and value
            and all(k in ("one", "other") and isinstance(v, str) for k, v in value.items())
        ):
            out[key] = dict(value)
        else:
            raise SettingsError(
                f"`labels.{key}` must be text, or a mapping of `one` and `other` to text for a label with a number",
                path=("labels", key),
            )
        _check_values(key, out[key])
    return out


#: The values `date.format` is written with (see `Labels.date`).
_DATE_VALUES = frozenset({"year", "month", "day", "mm", "dd", "month_name", "iso"})


def _names_in(text: Text) -> set[str]:
    forms = text.values() if isinstance(text, Mapping) else [text]
    return {m.group(1) for form in forms for m in _FIELD.finditer(form)}


@cache
def _values_of(key: str) -> frozenset[str]:
    """The `{name}`s a label is filled with: those any shipped catalog writes it with."""
    if key == "date.format":
        return _DATE_VALUES
    return frozenset(name for language in SHIPPED for name in _names_in(catalog(language).get(key, "")))


def _check_values(key: str, text: Text) -> None:
    """An override names only values its label has, and `date.months` has twelve names:
    either mistake would otherwise show on every page as it was written."""
    if key == "date.months":
        count = len(text.split("|")) if isinstance(text, str) else 0
        if count != 12:
            raise SettingsError(
                "`labels.date.months` must be the twelve month names, January first, separated by `|` "
                f"(it has {count})",
                path=("labels", key),
            )
        return
    if key.startswith(("status.", "group.", "section.", "field.")):
        return  # plain text: no label of these is filled with a value, so a brace is a brace
    known = ", ".join(f"{{{name}}}" for name in sorted(_values_of(key))) or "none"
    for form in text.values() if isinstance(text, Mapping) else [text]:
        for match in _BRACES.finditer(form):
            found = _FIELD.fullmatch(match.group(0))
            if found is not None and found.group(1) in _values_of(key):
                continue
            shown = visible(match.group(0)[:60])
            example = min(_values_of(key), default="count")
            why = (
                "is not a value of this label"
                if found is not None
                else f"is not a value: braces hold only the name of one, such as {{{example}}}, without "
                "attributes, indexes or formats"
            )
            raise SettingsError(
                f"`labels.{key}`: `{shown}` {why} (its values: {known}); "
                "`mldesign labels` lists each label with the values it has",
                path=("labels", key),
            )


def localize(template: Template, labels: Labels) -> Template:
    """`template` with its titles and questions in the labels' language, for the views: the
    check and its messages keep using the schema's own (English) text."""

    def text(key: str, part: str, fallback: str) -> str:
        found = labels.text(f"{key}.{part}")
        return found if isinstance(found, str) else fallback

    def field(section: Section, f: Field) -> Field:
        key = f"section.{section.key}.{f.key}"
        parent = f.parent
        if parent and "." in f.key:
            parent = text(f"section.{section.key}.{f.key.rsplit('.', 1)[0]}", "title", parent)
        return replace(
            f, title=text(key, "title", f.title), description=text(key, "description", f.description), parent=parent
        )

    sections = tuple(
        replace(
            s,
            title=text(f"section.{s.key}", "title", s.title),
            description=text(f"section.{s.key}", "description", s.description),
            fields=tuple(field(s, f) for f in s.fields),
        )
        for s in template.sections
    )
    groups = tuple(
        replace(
            g,
            title=text(f"group.{g.key}", "title", g.title),
            description=text(f"group.{g.key}", "description", g.description),
        )
        for g in template.groups
    )
    metadata = tuple(
        replace(
            f,
            title=text(f"field.{f.key}", "title", f.title),
            description=text(f"field.{f.key}", "description", f.description),
        )
        for f in template.metadata
    )
    return replace(template, groups=groups, sections=sections, metadata=metadata)
