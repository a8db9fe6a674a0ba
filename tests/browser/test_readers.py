"""What a reader sees is whole and true, in a real Chromium (issue 26): the overview tells
missing sections from partial ones, the coverage matrix marks a weakest section only when
one stands out and keeps `83 %` on one line in German, the design page's metrics table
hints at what a phone cannot show, and the printed canvas leaves nothing out unsaid.

Each test takes screenshots (light and dark, 390 and 1280 px) into tests/screenshots/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import EXAMPLE_SITE, ExampleSite, NewTab, Tab, build_folder, serve_folder
from tests.designs import FULL, design_page, full

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
SCHEMES = ("light", "dark")


def _expect() -> Any:
    from playwright.sync_api import expect

    return expect


def shoot(tab: Tab, name: str) -> None:
    """The page in both schemes at both widths, whole, for a person to look at."""
    for scheme in SCHEMES:
        tab.page.emulate_media(color_scheme=scheme)
        for label, size in WIDTHS.items():
            tab.page.set_viewport_size(size)
            tab.page.wait_for_timeout(100)
            tab.screenshot(f"readers-{name}-{scheme}-{label}", full_page=True)
    tab.page.emulate_media(color_scheme="light")
    tab.page.set_viewport_size(DESKTOP)


@pytest.fixture(scope="module")
def german_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example site in German, built and served."""
    root = tmp_path_factory.mktemp("german") / "example_site"
    shutil.copytree(EXAMPLE_SITE, root, ignore=shutil.ignore_patterns("site"))
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["theme"]["language"] = "de"
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    build_folder(root / "mkdocs.yml", root / "site", strict=True)
    with serve_folder(root / "site") as url:
        yield url


def small_site(root: Path, designs: dict[str, dict[str, Any]]) -> Path:
    """A site of a few designs, built; its folder."""
    docs = root / "docs"
    (docs / "designs").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    for name, data in designs.items():
        (docs / "designs" / f"{name}.md").write_text(design_page(data, title=name.title()), encoding="utf-8")
    config = {"site_name": "Test", "theme": {"name": "mldesign"}, "plugins": ["search", "mldesign"]}
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    build_folder(root / "mkdocs.yml", root / "site", strict=False)
    return root / "site"


# --- 3: missing and partial are different answers ---------------------------------------


def test_the_overview_tells_missing_sections_from_partial_ones(example_site: ExampleSite, new_tab: NewTab) -> None:
    tab = new_tab(example_site.url)
    tab.open("designs/")
    page = tab.page
    states = {d["id"]: d["states"] for d in example_site.designs.values()}
    checked = 0
    for design_id, by_section in states.items():
        cell = page.locator(f'table.mldesign-overview tr[data-mldesign-id="{design_id}"] td.mldesign-overview__gaps')
        for state in ("missing", "partial"):
            expected = [key for key, s in by_section.items() if s == state]
            line = cell.locator(f".mldesign-gaps--{state}")
            if not expected:
                assert line.count() == 0, (design_id, state)
                continue
            checked += 1
            # Each line says which it is, in words, and links exactly its own sections.
            label = line.locator(".mldesign-gaps__label")
            assert label.inner_text() == {"missing": "Missing:", "partial": "Partial:"}[state]
            assert label.is_visible()
            anchors = [h.split("#", 1)[1] for h in line.locator("a").evaluate_all("els => els.map(a => a.href)")]
            assert anchors == [f"mldesign-{key}" for key in expected], (design_id, state)
            if state == "partial":
                assert all("%" in t for t in line.locator("a").all_inner_texts())
            # A missing section does not look like a link of another kind (no dotted line).
            style = line.locator("a").first.evaluate("a => getComputedStyle(a).textDecorationStyle")
            assert style != "dotted"
    assert checked >= 3, "the example has too few gaps to show anything"
    shoot(tab, "overview")
    tab.assert_clean()


# --- 2: the coverage matrix -------------------------------------------------------------


def weakest_marks(tab: Tab) -> list[str]:
    marked: list[str] = tab.page.locator("table.mldesign-matrix th.mldesign-matrix__col--weakest").evaluate_all(
        "els => els.map(e => e.dataset.mldesignSection)"
    )
    return marked


def test_the_matrix_marks_one_weakest_section_or_none(
    tmp_path: Path, new_tab: NewTab, example_site: ExampleSite
) -> None:
    # The example: Feedback alone is lowest.
    tab = new_tab(example_site.url)
    tab.open("designs/")
    assert weakest_marks(tab) == ["feedback"]
    assert tab.page.locator(".mldesign-matrix__weakest").count() == 1
    # Every design complete: nothing is weakest.
    complete = small_site(tmp_path / "complete", {"one": FULL, "two": full(id="two")})
    # Two sections tie for lowest: marking both would single nothing out.
    tied = small_site(
        tmp_path / "tied",
        {"one": full(labeling=None, feedback=None), "two": full(id="two", labeling=None, feedback=None)},
    )
    for folder in (complete, tied):
        with serve_folder(folder) as url:
            tab = new_tab(url)
            tab.open("designs/")
            assert weakest_marks(tab) == []
            assert tab.page.locator(".mldesign-matrix__weakest, .mldesign-matrix__col--weakest").count() == 0
            tab.assert_clean()


def test_the_german_matrix_keeps_each_percentage_on_one_line(german_site: str, new_tab: NewTab) -> None:
    tab = new_tab(german_site)
    tab.open("designs/")
    page = tab.page
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        # Each average is one line of text: its number and `%` are held together.
        lines = page.locator("table.mldesign-matrix td.mldesign-matrix__average").evaluate_all(
            """cells => cells.map(c => {
                const range = document.createRange();
                range.selectNodeContents(c.firstChild);
                return [c.textContent, new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size];
            })"""
        )
        assert lines, "no averages"
        for text, count in lines:
            assert "\u00a0%" in text, text
            assert count == 1, f"{text!r} wraps at {size['width']} px"
    shoot(tab, "matrix-de")
    tab.assert_clean()


def test_a_matrix_wider_than_its_column_names_what_is_out_of_view(example_site: ExampleSite, new_tab: NewTab) -> None:
    tab = new_tab(example_site.url)
    page = tab.page
    page.set_viewport_size(PHONE)
    tab.open("designs/")
    scroller = page.locator(".mldesign-scroll--matrix")
    scroller.scroll_into_view_if_needed()
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth"), "the matrix fits a phone: nothing to test"
    hint = page.locator(".mldesign-scroll--matrix").locator("xpath=preceding-sibling::p[1]")
    expect = _expect()
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("Feedback")
    assert page.evaluate(
        "document.querySelector('.mldesign-scroll--matrix').previousElementSibling.matches('.mldesign-scroll__more')"
    )
    # Scrolled to its end, the last column is in view and no longer named.
    scroller.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    expect(hint).not_to_contain_text("Feedback")
    tab.assert_clean()
