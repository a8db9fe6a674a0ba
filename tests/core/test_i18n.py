"""Labels in the site's language: the shipped catalogs, the fallback of each key, the
site's own labels and an extension's translations."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from mkdocs_mldesign.core.labels import SHIPPED, Labels, catalog, language_of, localize, schema_texts, shipped_language
from mkdocs_mldesign.core.schema import SchemaError, Template, load_template
from mkdocs_mldesign.core.settings import SettingsError

PLACEHOLDER = re.compile(r"\{(\w+)")
#: The keys that only English's catalog has: CLDR writes dates for every other language.
CLDR_KEYS = {"date.format", "date.months"}


def placeholders(text: Any) -> set[str]:
    forms = text.values() if isinstance(text, dict) else [text]
    return {name for form in forms for name in PLACEHOLDER.findall(form)}


@pytest.mark.parametrize("language", [code for code in SHIPPED if code != "en"])
def test_every_catalog_has_every_english_key_with_the_same_placeholders(language: str) -> None:
    english, translated = catalog("en"), catalog(language)
    # Dates come from CLDR: only English keeps a format and month names, for a site's own
    # `date.format` to be checked against and for a language CLDR does not know.
    assert set(translated) == set(english) - CLDR_KEYS
    for key, text in english.items():
        if key in CLDR_KEYS:
            continue
        assert placeholders(translated[key]) == placeholders(text), key
        assert isinstance(translated[key], dict) == isinstance(text, dict), key
        if isinstance(text, dict):
            assert set(translated[key]) <= {"one", "other"}, key
            assert "other" in translated[key], key


def test_the_catalog_files_are_the_shipped_languages() -> None:
    files = {p.name.removesuffix(".json") for p in (resources.files("mkdocs_mldesign") / "locales").iterdir()}
    assert files == set(SHIPPED)
    for name in files:  # each is plain JSON a translator can edit
        json.loads((resources.files("mkdocs_mldesign") / "locales" / f"{name}.json").read_text("utf-8"))


#: Words a language borrows from English as they are, in the schema's titles.
BORROWED = {
    "de": {"Status", "Version", "Team", "Integration", "Offline", "Online", "Batch", "Feedback", "Labeling"},
    "fr": {"Version", "Solution", "Alternatives", "Mode"},
    "es": set(),
    "pt-BR": {"Status", "Offline", "Online", "Feedback"},
    "ja": set(),
    "zh": set(),
}


@pytest.mark.parametrize("language", [code for code in SHIPPED if code != "en"])
def test_the_schema_is_translated_in_full(template: Template, language: str) -> None:
    """Every title and question of the template, in every shipped language."""
    english, translated = schema_texts(template), schema_texts(template, language)
    assert set(translated) == set(english)
    same = {english[k] for k in english if translated[k] == english[k]}
    assert same <= BORROWED[language]
    for key, text in english.items():  # `backticks` and numbers are kept as written
        assert re.findall(r"`[^`]*`", translated[key]) == re.findall(r"`[^`]*`", text), key


def test_language_comes_from_the_option_then_the_theme() -> None:
    assert language_of({"language": "de"}) == "de"
    assert language_of({"language": "de"}, "fr") == "fr"
    assert language_of({"locale": "pt_BR"}) == "pt-BR"
    assert language_of({}) == language_of(None) == "en"
    assert language_of("material") == "en"  # type: ignore[arg-type]  # a theme given by name only


@pytest.mark.parametrize(
    ("code", "shipped"),
    [
        ("de", "de"),
        ("de-CH", "de"),
        ("DE", "de"),
        ("pt", "pt-BR"),
        ("pt-BR", "pt-BR"),
        ("pt_BR", "pt-BR"),
        ("zh", "zh"),
        ("zh-Hans", "zh"),
        ("zh-TW", "en"),
        ("zh-Hant", "en"),
        ("ja", "ja"),
        ("nl", "en"),
        ("", "en"),
    ],
)
def test_a_language_reads_its_own_catalog_or_its_base_or_english(code: str, shipped: str) -> None:
    assert shipped_language(code) == shipped


def test_plurals_follow_the_language(template: Template) -> None:
    english, french, japanese = (Labels.build(template, code) for code in ("en", "fr", "ja"))
    assert [english("overview.total", count=n) for n in (0, 1, 2)] == ["0 designs", "1 design", "2 designs"]
    assert [french("overview.total", count=n) for n in (0, 1, 2)] == ["0 design", "1 design", "2 designs"]
    assert japanese("overview.total", count=1) == japanese("overview.total", count=5).replace("5", "1")


def test_dates_are_written_the_languages_way(template: Template) -> None:
    shown = {code: Labels.build(template, code).date("2026-03-05") for code in SHIPPED}
    assert shown == {
        "en": "Mar 5, 2026",
        "de": "5. März 2026",
        "fr": "5 mars 2026",
        "es": "5 mar 2026",
        "pt-BR": "5 de mar. de 2026",
        "ja": "2026年3月5日",
        "zh": "2026年3月5日",
    }
    german = Labels.build(template, "de")
    assert german.date("2026-13-01") == "2026-13-01"  # not a date: shown as written
    assert german.date("soon") == "soon"
    iso = Labels.build(template, "de", {"date.format": "{iso}"})
    assert iso.date("2026-03-05") == "2026-03-05"


def test_a_site_label_wins_and_a_missing_one_keeps_the_shipped_text_not_english(template: Template) -> None:
    labels = Labels.build(template, "de", {"checklist.heading": "Prüfliste", "overview.total": {"one": "ein Entwurf"}})
    assert labels("checklist.heading") == "Prüfliste"
    assert labels("checklist.filled") == "Ausgefüllt"  # left out: the German, not "Filled"
    assert labels("overview.total", count=1) == "ein Entwurf"
    assert labels("overview.total", count=3) == "3 Designs"  # the form left out: the German one
    assert labels("section.data.title") == "Daten"
    assert Labels.build(template, "de", {"section.data.title": "Datenlage"})("section.data.title") == "Datenlage"


def test_a_language_without_a_catalog_is_english_key_by_key(template: Template) -> None:
    labels = Labels.build(template, "nl", {"checklist.heading": "Controlelijst"})
    assert labels.shipped == "en"
    assert labels("checklist.heading") == "Controlelijst"
    assert labels("checklist.filled") == "Filled"
    # An extension's section with no French of its own: English for that key only.
    french = Labels.build(load_template(EXTENSION), "fr")
    assert french("section.runbook.title") == "Runbook"
    assert french("section.data.title") == "Données"
    assert french("checklist.heading") == "Liste de contrôle"


def test_a_site_label_that_does_not_exist_is_refused_with_a_suggestion(template: Template) -> None:
    with pytest.raises(SettingsError, match=r"no label `checklist.heding`; did you mean `checklist.heading`\?"):
        Labels.build(template, "de", {"checklist.heding": "x"})
    with pytest.raises(SettingsError, match="must be text"):
        Labels.build(template, "de", {"checklist.heading": 3})
    with pytest.raises(SettingsError, match="`one` and `other`"):
        Labels.build(template, "de", {"overview.total": {"few": "x"}})
    # A status of the site's own is a label too.
    assert Labels.build(template, "de", {"status.parked": "geparkt"}).status("parked") == "geparkt"
    assert Labels.build(template, "de").status("parked") == "parked"


def test_a_brace_that_holds_no_value_is_refused(template: Template) -> None:
    """Hostile round 3: braces hold a value's name and nothing else (tests/hostile/test_labels.py)."""
    with pytest.raises(SettingsError, match=r"`\{count!r\}` is not a value: braces hold only"):
        Labels.build(template, "en", {"overview.total": "{count} designs {count!r} { }"})


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"overview.total": "{cuont} designs"}, r"`\{cuont\}` is not a value of this label \(its values: \{count\}\)"),
        ({"overview.shown": {"one": "{shown}", "other": "{shown} of {total}"}}, r"`\{total\}`.*\{count\}, \{shown\}"),
        ({"checklist.heading": "Review {name}"}, r"its values: none"),
        (
            {"date.format": "{year}/{mon}"},
            r"`\{mon\}`.*\{day\}, \{dd\}, \{iso\}, \{mm\}, \{month\}, \{month_name\}, \{year\}",
        ),
        ({"date.months": "Jan|Feb|Mar"}, r"twelve month names.*\(it has 3\)"),
    ],
)
def test_a_site_label_with_a_value_it_does_not_have_is_refused(
    template: Template, overrides: dict[str, Any], message: str
) -> None:
    """Left alone, the misspelt `{name}` or the short list of months would show on every page."""
    with pytest.raises(SettingsError, match=message):
        Labels.build(template, "de", overrides)


def test_a_site_label_may_use_any_value_a_shipped_language_uses(template: Template) -> None:
    labels = Labels.build(template, "de", {"date.format": "{day}.{mm}.{year}", "date.months": "|".join("abcdefghijkl")})
    assert labels.date("2024-03-01") == "1.03.2024"
    assert (
        Labels.build(
            template, "en", {"date.format": "{month_name} {year}", "date.months": "|".join("abcdefghijkl")}
        ).date("2024-03-01")
        == "c 2024"
    )


def test_a_value_with_markup_is_kept_and_everything_else_is_escaped(template: Template) -> None:
    from markupsafe import Markup

    labels = Labels.build(template, "en", {"objective.measured_by": "<b>by</b> {metric}"})
    out = labels("objective.measured_by", metric=Markup('<a href="#m">m</a>'))
    assert out == '&lt;b&gt;by&lt;/b&gt; <a href="#m">m</a>'


EXTENSION = {
    "x-mldesign": {
        "groups": [
            {"key": "ops", "title": "Operations", "translations": {"de": {"title": "Betrieb"}}},
            {"key": "product", "translations": {"fr": {"title": "Produit"}}},
        ]
    },
    "properties": {
        "runbook": {
            "title": "Runbook",
            "description": "Who is woken up at night?",
            "x-mldesign": {
                "group": "ops",
                "translations": {"de": {"title": "Betriebshandbuch", "description": "Wer wird nachts geweckt?"}},
            },
            "type": "object",
            "properties": {
                "pager": {
                    "title": "Pager",
                    "type": "string",
                    "x-mldesign": {"translations": {"de": {"title": "Rufbereitschaft"}}},
                }
            },
        },
        "background": {
            "x-mldesign": {"translations": {"fr": {"title": "Contexte"}}},
            "properties": {
                "market": {
                    "title": "Market",
                    "type": "string",
                    "x-mldesign": {"translations": {"de": {"title": "Markt"}}},
                }
            },
        },
    },
}


def test_an_extension_carries_its_own_translations() -> None:
    template = load_template(EXTENSION)
    german, french = Labels.build(template, "de"), Labels.build(template, "fr")
    assert german("section.runbook.title") == "Betriebshandbuch"
    assert german("section.runbook.pager.title") == "Rufbereitschaft"
    assert german("section.runbook.pager.description", default="") == ""  # none in any language
    assert german("group.ops.title") == "Betrieb"
    assert german("section.background.market.title") == "Markt"
    # Translating the schema's own text into a language it lacks, and keeping its German.
    assert french("section.background.title") == "Contexte"
    assert german("section.background.title") == "Hintergrund"
    assert french("group.product.title") == "Produit"
    assert german("group.product.title") == "Produktdesign"
    shown = localize(template, german)
    runbook = shown.section("runbook")
    assert runbook is not None
    assert runbook.title == "Betriebshandbuch"
    assert [f.title for f in runbook.fields] == ["Rufbereitschaft"]
    data = shown.section("data")
    assert data is not None
    assert {f.parent for f in data.fields} == {"Trainingsdaten", "Produktionsdaten"}
    assert load_template(EXTENSION).section("runbook").title == "Runbook"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("translations", "message"),
    [
        ("de", "must map language codes"),
        ({"deutsch!": {"title": "x"}}, "language code"),
        ({"de": {"label": "x"}}, "only `title` and `description`"),
        ({"de": {"title": 3}}, "must be text"),
        ({"de": {}}, "a mapping with `title`"),
    ],
)
def test_a_translation_that_cannot_be_used_is_refused_at_its_place(translations: Any, message: str) -> None:
    extension = {
        "properties": {"extra": {"title": "Extra", "type": "string", "x-mldesign": {"translations": translations}}}
    }
    with pytest.raises(SchemaError, match=message) as raised:
        load_template(extension)
    assert raised.value.path[:4] == ("properties", "extra", "x-mldesign", "translations")


#: Labels a language writes as English does: the same word ("Status", "Design"), or no
#: words at all ("{severity} · {rule}"). Any other label equal to its English was left
#: untranslated.
SAME_AS_ENGLISH = {
    "de": {
        "canvas.status",
        "canvas.toolbar",
        "column.design",
        "column.status",
        "meta.version",
        "overview.filter",
        "overview.status",
        "overview.title",
        "measured.source",
        "modelcard.evaluation",
        "problems.rule",
        "state.cell",
    },
    "fr": {
        "badge.design",
        "badge.designs",
        "column.design",
        "column.site",
        "history.commit",
        "history.version",
        "meta.version",
        "overview.title",
        "overview.total",
        "measured.source",
        "header.model_card",
        "problems.rule",
    },
    "es": {"history.commit", "measured.source", "header.model_card", "problems.rule", "severity.error", "state.cell"},
    "pt-BR": {
        "badge.design",
        "badge.designs",
        "canvas.status",
        "canvas.toolbar",
        "column.design",
        "column.site",
        "column.status",
        "completeness.percent",
        "history.commit",
        "overview.status",
        "overview.title",
        "overview.total",
        "measured.source",
        "header.model_card",
        "problems.rule",
        "state.cell",
    },
    "ja": {"completeness.percent", "problems.rule"},
    "zh": {"completeness.percent", "problems.rule"},
}


@pytest.mark.parametrize("language", sorted(SAME_AS_ENGLISH))
def test_no_label_is_left_in_english(language: str) -> None:
    english, translated = catalog("en"), catalog(language)
    assert {k for k in english if k not in CLDR_KEYS and translated[k] == english[k]} == SAME_AS_ENGLISH[language]


# --- dates, plurals and numbers by CLDR (Babel), for every language Material ships -------


def material_languages() -> list[str]:
    folder = Path(str(resources.files("material"))) / "templates/partials/languages"
    return sorted(p.stem for p in folder.glob("*.html"))


def test_every_material_language_gets_its_own_dates(template: Template) -> None:
    codes = material_languages()
    assert len(codes) >= 60
    english = Labels.build(template, "en").date("2026-03-05")
    for code in codes:
        labels = Labels.build(template, code)
        assert labels.cldr is not None, code
        shown = labels.date("2026-03-05")
        assert "2026" in shown or "٢٠٢٦" in shown or "২০২৬" in shown, (code, shown)
        # Its own language's data, not English's (CLDR calls Serbo-Croatian Serbian, Tagalog Filipino).
        assert labels.cldr.language == {"sh": "sr", "tl": "fil"}.get(code, code.split("-")[0]), code
    assert Labels.build(template, "de").date("2026-03-05") != english


@pytest.mark.parametrize(
    ("code", "date", "percent", "count"),
    [
        ("sv", "5 mars 2026", "83\u00a0% complete", "1\u00a0234 designs"),
        ("de", "5. März 2026", "83\u00a0% vollständig", "1.234 Designs"),
        ("fr", "5 mars 2026", "83\u00a0% complet", "1\u202f234 designs"),
        ("en", "Mar 5, 2026", "83% complete", "1,234 designs"),
    ],
)
def test_dates_numbers_and_percentages_follow_cldr(
    template: Template, code: str, date: str, percent: str, count: str
) -> None:
    labels = Labels.build(template, code)
    assert labels.date("2026-03-05") == date
    assert labels("completeness.value", percent=83) == percent
    assert labels("overview.total", count=1234) == count


def test_a_plural_category_a_catalog_does_not_write_reads_its_other_form(template: Template) -> None:
    # Polish has one, few, many and other: a site's label with one and other is enough.
    polish = Labels.build(template, "pl", {"overview.total": {"one": "{count} projekt", "other": "{count} projektów"}})
    assert [polish("overview.total", count=n) for n in (1, 2, 5)] == ["1 projekt", "2 projektów", "5 projektów"]
    # French's 0 is singular, as CLDR says.
    assert Labels.build(template, "fr")("overview.total", count=0) == "0 design"


def test_a_site_date_format_keeps_cldr_month_names(template: Template) -> None:
    german = Labels.build(template, "de", {"date.format": "{month_name} {year}"})
    assert german.date("2026-03-05") == "März 2026"
    assert Labels.build(template, "de").date("2026-02-30") == "2026-02-30"
