"""A site in German shows no English label of ours, in a real browser.

The site has every view and state there is: a complete design with approvals, history
from git and an extension's section, a partial one with problems, a broken link and a
section marked not applicable, an unreadable one, the overview and each canvas. Its own
text is German too, so that any English left on a page is ours. The test reads what a
reader sees (the visible text of each page, and the titles, alternative texts and
placeholders of our elements) and looks for every English label that German words
differently. The messages of problems stay English on purpose (people search for
them), so they are left out of what is read.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from mkdocs_mldesign.core.labels import SHIPPED, catalog, schema_texts
from mkdocs_mldesign.core.schema import load_template, read_extension
from tests.conftest import EXAMPLE_SITE, NewTab, build_folder, serve_folder
from tests.designs import full
from tests.lifecycle.repo import git

EXTENSION = EXAMPLE_SITE / "org-extension.yaml"


def german(value: Any, path: str = "") -> Any:
    """`value` with every text an author writes replaced by German words; ids, names of
    metrics, modes and priorities stay."""
    if isinstance(value, dict):
        return {k: german(v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [german(v, f"{path}[{i}]") for i, v in enumerate(value)]
    keep = {"id", "status", "version", "date", "name", "metric", "mode", "priority", "target", "by", "owners"}
    keep |= {"reviewers", "depends_on", "tags", "cost_center", "committee_date"}
    if not isinstance(value, str) or path.rsplit(".", 1)[-1].split("[")[0] in keep:
        return value
    return f"Antwort Nummer {sum(map(ord, path)) % 997}"


COMPLETE = german(
    full(
        id="vollstaendig",
        status="approved",
        owners=["Plattformteam"],
        reviewers=["Sicherheitsleitung"],
        updated=None,
        created=None,
        depends_on=["teilweise"],
        approvals=[{"by": "Sicherheitsleitung", "version": "1.0", "date": "2026-11-20"}],
        cost_center="PL-2040",
        risk_review={"committee_date": "2026-10-01", "findings": "Befund", "mitigations": "Massnahme"},
    )
)
PARTIAL = german(
    {
        "id": "teilweise",
        "status": "draft",
        "owners": ["Terminteam", "Datenteam"],
        "version": "0.2",
        "depends_on": ["gibt-es-nicht"],
        "background": {"users": "Nutzer"},
        "objectives": [{"objective": "Weniger Ausfälle", "metric": "ausfallquote"}, "Ohne Messgröße"],
        "metrics": [{"name": "trefferquote", "target": "0.9", "priority": "secondary"}, "Eine Notiz"],
        "solution": {"na": "Hier nicht zutreffend"},
        "inference": {"mode": "batch"},
    }
)


def page(design: dict[str, Any], title: str) -> str:
    meta = {"title": title, "tags": ["gesicht", "anmeldung"], "design": design}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\nText.\n"


BROKEN = "---\ntitle: Kaputt\ndesign:\n  status: [entwurf\n---\n\nText.\n"


def make_site(root: Path, language: str, *, extension: bool) -> Path:
    """A site in `language` with every view and state, its history in git; its folder."""
    config: dict[str, Any] = {
        "site_name": "Designportal",
        "theme": {"name": "mldesign", "language": language},
        "markdown_extensions": ["admonition", "attr_list", "tables", {"toc": {"permalink": True}}],
        "plugins": ["search", {"mldesign": {"stale_after_days": 36500}}],
    }
    complete = COMPLETE
    if extension:
        shutil.copy(EXTENSION, root / "org-extension.yaml")
        config["plugins"][1]["mldesign"]["extension_schema"] = "org-extension.yaml"
    else:  # the extension's fields are German only
        complete = {k: v for k, v in COMPLETE.items() if k not in ("risk_review", "cost_center")}
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    docs = root / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Startseite\n\nWillkommen.\n", encoding="utf-8")
    git(root, "init", "-q")
    draft = {**complete, "status": "draft", "approvals": []}
    (docs / "vollstaendig.md").write_text(page(draft, "Vollständig"), encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Erster Entwurf", date="2026-09-01")
    (docs / "vollstaendig.md").write_text(page(complete, "Vollständig"), encoding="utf-8")
    (docs / "teilweise.md").write_text(page(PARTIAL, "Teilweise"), encoding="utf-8")
    (docs / "kaputt.md").write_text(BROKEN, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Freigabe", date="2026-11-20")
    build_folder(root / "mkdocs.yml", root / "site", strict=False)
    return root / "site"


@pytest.fixture(scope="module")
def german_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_folder(make_site(tmp_path_factory.mktemp("deutsch"), "de", extension=True)) as url:
        yield url


def english_labels(language: str = "de", extension: Path | None = EXTENSION) -> dict[str, re.Pattern[str]]:
    """Each English label (of the catalog and of the schema, an extension's included) that
    `language` words differently, as a pattern of what a page would show."""
    template = load_template(read_extension(str(extension)) if extension else None)
    english = {**catalog("en"), **schema_texts(template)}
    theirs_all = {**catalog(language), **schema_texts(template, language)}
    found = {}
    for key, text in english.items():
        if key.startswith("date."):
            continue  # the dates are looked for on their own
        forms = list(text.values()) if isinstance(text, Mapping) else [text]
        theirs = theirs_all[key]
        others = list(theirs.values()) if isinstance(theirs, Mapping) else [theirs]
        for i, form in enumerate(forms):
            if form.lower() in {o.lower() for o in others}:
                continue  # the same words in both languages ("Status", "Version", "design")
            literal = re.split(r"\{\w+\}", form)
            if not any(re.search(r"[A-Za-z]{3}", part) for part in literal):
                continue  # no words of its own ("{percent}%")
            pattern = r"\S+".join(re.escape(part) for part in literal)
            # Any case: the stylesheet writes some labels in capitals, and the browser reads them so.
            found[f"{key}[{i}]"] = re.compile(rf"(?<![\w-]){pattern}(?![\w-])", re.IGNORECASE)
    # An English label that is also a word of the language is not looked for: Portuguese
    # writes "a data do commit" (the date), which is no English "Data" left on the page.
    own = "\n".join(
        form for text in theirs_all.values() for form in ([*text.values()] if isinstance(text, Mapping) else [text])
    )
    return {key: pattern for key, pattern in found.items() if not pattern.search(own)}


ENGLISH_DATE = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}\b", re.IGNORECASE)

#: What a reader sees of a page: its visible text, and the titles, alternative texts,
#: labels and placeholders of our elements; without the messages of problems, and the
#: files and fields they are about.
READ = """() => {
  const LEFT_OUT = ".mldesign-problem__message, .mldesign-problem__hint, .mldesign-unreadable__reason, " +
    ".mldesign-problem__location, .mldesign-problem__field";
  const left_out = document.querySelectorAll(
    LEFT_OUT);
  left_out.forEach((el) => { el.dataset.display = el.style.display; el.style.display = "none"; });
  const ours = ".mldesign, .mldesign-index, body.mldesign-canvas";
  const attributes = [];
  document.querySelectorAll(ours).forEach((root) => {
    for (const el of [root, ...root.querySelectorAll("*")]) {
      if (el.closest(LEFT_OUT)) continue;
      for (const name of ["title", "alt", "aria-label", "placeholder"]) {
        if (el.getAttribute(name)) attributes.push(el.getAttribute(name));
      }
    }
  });
  const text = document.body.innerText;
  left_out.forEach((el) => { el.style.display = el.dataset.display; });
  return {text, attributes, lang: document.documentElement.lang};
}"""

PAGES = [
    "designs/",
    "vollstaendig/",
    "teilweise/",
    "kaputt/",
    "canvas/vollstaendig.html",
    "canvas/teilweise.html",
    "canvas/kaputt.html",
]


def read_pages(tab: Any, language: str) -> dict[str, str]:
    """What a reader sees of each page, with every `<details>` opened."""
    seen: dict[str, str] = {}
    for path in PAGES:
        tab.open(path)
        tab.page.wait_for_load_state("networkidle")
        if path == "designs/":  # the script has written its count
            tab.page.wait_for_function("document.querySelector('.mldesign-overview__count').textContent !== ''")
        for details in tab.page.locator("details").all():  # what a reader opens is read too
            details.evaluate("el => el.open = true")
        got = tab.page.evaluate(READ)
        # Material writes Brazilian Portuguese as `pt`; the canvas, ours, as the site does.
        assert got["lang"] in {language, language.split("-")[0]}, path
        seen[path] = got["text"] + "\n" + "\n".join(got["attributes"])
    return seen


def english_in(seen: dict[str, str], labels: dict[str, re.Pattern[str]]) -> dict[str, list[str]]:
    return {
        path: sorted({key for key, pattern in labels.items() if pattern.search(text)} | set(ENGLISH_DATE.findall(text)))
        for path, text in seen.items()
    }


def test_a_german_site_shows_no_english_label_of_ours(german_site: str, new_tab: NewTab) -> None:
    labels = english_labels()
    assert len(labels) > 150  # the catalog and the schema, not a handful
    tab = new_tab(german_site)
    seen = read_pages(tab, "de")
    assert english_in(seen, labels) == {path: [] for path in PAGES}
    # The mldesign theme's own colour toggles are named in German too.
    tab.open("vollstaendig/")
    toggles = tab.page.evaluate(
        "Array.from(document.querySelectorAll('[data-md-component=palette] label'), l => l.title)"
    )
    assert set(toggles) == {"Zum dunklen Modus wechseln", "Zum hellen Modus wechseln"}
    # And the pages did show what the labels are for (the test would pass on empty pages).
    everything = "\n".join(seen.values()).lower()
    for shown in (
        "Checkliste",
        "Noch nicht geschrieben",
        "Hintergrund",
        "Was wollen diese Nutzer:innen letztlich erledigen?",  # a guiding question, from the schema's German
        "Risikoprüfung",  # an extension's section, from its own translation
        "Kostenstelle",
        "Schlagwörter",
        "Entwurf",
        "Verlauf",
        "(aus Git,",
        "Freigegeben",
        "Hängt ab von",
        "fehlt",
        "Nicht zutreffend:",
        "4 Probleme in diesem Design",
        "3 Designs, 1 nicht lesbar",
        "3 von 3 Designs gezeigt",
        "Abdeckung nach Abschnitt",
        "20. Nov. 2026",
        "Zurück zur Seite des Designs",
        "Dieses Design kann nicht gelesen werden.",
    ):
        assert shown.lower() in everything, shown
    tab.assert_clean()


OTHER_LANGUAGES = [code for code in SHIPPED if code not in ("en", "de")]


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_shipped_language_shows_no_english_label_of_ours(language: str, tmp_path: Path, new_tab: NewTab) -> None:
    """The same site in each other shipped language (without the extension, whose text is
    German only): no English label of ours, the schema's questions included."""
    labels = english_labels(language, None)
    assert len(labels) > 150
    for value in ("batch", "online"):  # the inference modes the designs name: the author's words
        labels = {key: pattern for key, pattern in labels.items() if not pattern.fullmatch(value)}
    with serve_folder(make_site(tmp_path, language, extension=False)) as url:
        tab = new_tab(url)
        seen = read_pages(tab, language)
        tab.assert_clean()
    assert english_in(seen, labels) == {path: [] for path in PAGES}
    # And the page did show the translation: a guiding question of the schema, in its language.
    question = schema_texts(load_template(), language)["section.background.goals.description"]
    assert question.lower() in "\n".join(seen.values()).lower()
