"""What a reader sees is whole and true, in a real Chromium (issue 26): the overview tells
missing sections from partial ones, the coverage matrix marks a weakest section only when
one stands out and keeps `83 %` on one line in German, the design page's metrics table
hints at what a phone cannot show, and the printed canvas leaves nothing out unsaid.

Each test takes screenshots (light and dark, 390 and 1280 px) into tests/screenshots/.
"""

from __future__ import annotations

import re
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
        # The page picks its scheme as it loads; Material keeps the one it picked first.
        tab.page.evaluate("localStorage.clear()")
        tab.page.reload(wait_until="load")
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


# --- 1: the printed canvas says what it leaves out, and reads as a canvas on a screen ---

#: The page area inside canvas.html's 7 mm margins, in CSS pixels: A4 and Letter landscape.
PAPER = {"A4": (283.0, 196.0), "Letter": (265.4, 201.9)}
MM = 96 / 25.4

#: For each box on paper: the bottom of what it shows against the bottom of its body, the
#: units it leaves out, and what its note says.
BOXES_ON_PAPER = """() => Array.from(document.querySelectorAll('.mldesign-canvas__body')).map(body => {
  const shown = Array.from(body.querySelectorAll('*')).filter(e => e.getClientRects().length);
  const bottom = Math.max(0, ...shown.map(e => e.getBoundingClientRect().bottom));
  const limit = body.getBoundingClientRect().bottom - parseFloat(getComputedStyle(body).paddingBottom);
  const note = body.querySelector('.mldesign-canvas__more');
  return {
    key: body.closest('article').dataset.mldesignSection,
    over: bottom - limit,
    off: body.querySelectorAll('.mldesign-canvas__off').length,
    note: note && note.getClientRects().length ? note.textContent : '',
    href: note && note.querySelector('a') ? note.querySelector('a').getAttribute('href') : '',
    mask: getComputedStyle(body).maskImage || getComputedStyle(body).webkitMaskImage || 'none',
  };
})"""


def on_paper(tab: Tab, paper: str) -> list[dict[str, Any]]:
    width, height = PAPER[paper]
    tab.page.emulate_media(media="print")
    tab.page.set_viewport_size({"width": round(width * MM), "height": round(height * MM)})
    found: list[dict[str, Any]] = tab.page.evaluate(BOXES_ON_PAPER)
    assert found, "no boxes"
    return found


def counted(note: str) -> int:
    return sum(int(n) for n in re.findall(r"\+(\d+)", note))


HUGE = full(
    id="huge",
    background={
        k: ["A long answer that goes on and on about the users. " * 6] * 4 for k in ("users", "goals", "pains")
    },
    metrics=[
        {"name": f"metric_{i}", "objective": "Stands for an objective " * 3, "target": f"<= {i} ms at p95 " * 3}
        for i in range(14)
    ],
    objectives=["An objective said at some length, with its reasons. " * 2] * 9,
    feasibility="Feasible, and here is why, at great length. " * 30,
)


@pytest.fixture(scope="module")
def huge_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_folder(small_site(tmp_path_factory.mktemp("huge"), {"huge": HUGE})) as url:
        yield url


@pytest.mark.parametrize("design_id", ["face-verification", "no-show-prediction", "identity-service", "huge"])
def test_the_printed_canvas_cuts_nothing_off_unsaid(
    example_site: ExampleSite, huge_site: str, new_tab: NewTab, design_id: str
) -> None:
    tab = new_tab(huge_site if design_id == "huge" else example_site.url)
    tab.open(f"canvas/{design_id}.html")
    for paper in PAPER:
        for box in on_paper(tab, paper):
            assert box["over"] <= 1, f"{paper}: {box['key']} is cut off by {box['over']:.0f} px"
            assert box["mask"] == "none", f"{box['key']} fades its text out"
            # What a box leaves out, its note counts; and the note says where it is.
            assert counted(box["note"]) == box["off"], box
            if box["note"]:
                assert "on the design page" in box["note"], box
                assert box["href"].endswith(f"#mldesign-{box['key']}"), box
        pdf: bytes = tab.page.pdf(format=paper, landscape=True, prefer_css_page_size=True)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, f"the canvas prints on more than one {paper} page"
    tab.assert_clean()


def test_the_flagship_canvas_says_which_metrics_are_on_the_design_page(
    example_site: ExampleSite, new_tab: NewTab, tmp_path: Path
) -> None:
    tab = new_tab(example_site.url)
    tab.open("canvas/face-verification.html")
    total = tab.page.locator('[data-mldesign-section="metrics"] .mldesign-canvas__metrics > li').count()
    assert total == 6
    metrics = next(b for b in on_paper(tab, "A4") if b["key"] == "metrics")
    shown = tab.page.locator(
        '[data-mldesign-section="metrics"] .mldesign-canvas__metrics > li:not(.mldesign-canvas__off)'
    ).count()
    # Every metric is either on the sheet or counted in the note, the guardrail p95_latency too.
    assert shown + counted(metrics["note"]) == total
    p95 = tab.page.locator('[data-mldesign-section="metrics"] li', has_text="p95_latency")
    assert p95.is_visible() or counted(metrics["note"]) >= 1
    pdf = tmp_path / "face-verification-A4.pdf"
    tab.page.pdf(path=str(pdf), format="A4", landscape=True, prefer_css_page_size=True)
    assert pdf.stat().st_size > 10_000
    tab.screenshot("readers-canvas-face-verification-print", full_page=True)
    tab.page.emulate_media(media="screen")
    shoot(tab, "canvas-face-verification")
    tab.assert_clean()


def test_on_a_wide_screen_the_canvas_reads_as_a_canvas(example_site: ExampleSite, new_tab: NewTab) -> None:
    tab = new_tab(example_site.url)
    tab.open("canvas/face-verification.html")
    page = tab.page
    page.set_viewport_size(DESKTOP)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 2.5 * DESKTOP["height"], f"the canvas is a strip {height} px tall at 1280 px"
    # One row a band, and a long box scrolls inside itself, reachable by keyboard.
    tops = page.locator('[data-mldesign-group="system"] article').evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops
    for body in page.locator(".mldesign-canvas__body").all():
        if body.evaluate("el => el.scrollHeight > el.clientHeight + 1"):
            assert body.evaluate("el => getComputedStyle(el).overflowY") == "auto"
            assert body.get_attribute("tabindex") == "0"
    # Nothing is left out on a screen: no note, no unit hidden.
    assert page.locator(".mldesign-canvas__more:visible").count() == 0
    assert page.locator(".mldesign-canvas__off:visible").count() == page.locator(".mldesign-canvas__off").count()
    tab.assert_clean()


# --- 6: the metrics table on a phone ----------------------------------------------------


def test_on_a_phone_every_metric_shows_all_it_says(example_site: ExampleSite, new_tab: NewTab) -> None:
    tab = new_tab(example_site.url)
    page = tab.page
    page.set_viewport_size(PHONE)
    tab.open("designs/face-verification/")
    rows = page.locator("table.mldesign-metrics > tbody > tr")
    assert rows.count() == 6
    rows.first.scroll_into_view_if_needed()
    cells = page.locator("table.mldesign-metrics > tbody > tr > :is(th, td)").evaluate_all(
        """cells => cells.map(c => {
            const r = c.getBoundingClientRect();
            return {label: c.dataset.label || 'name', text: c.textContent.trim(), left: r.left, right: r.right,
                    width: r.width, empty: !c.textContent.trim()};
        })"""
    )
    # No column is out of sight: every cell lies within the screen, the priority too.
    for cell in cells:
        if cell["empty"]:
            continue
        assert cell["left"] >= 0, cell
        assert cell["right"] <= PHONE["width"] + 1, cell
    priorities = [c for c in cells if c["label"] == "Priority" and not c["empty"]]
    assert len(priorities) == 6
    assert all(p["text"] in ("primary", "secondary", "guardrail") for p in priorities)
    # The objective gets the width of the card, not ten characters a line.
    objectives = [c for c in cells if c["label"] == "Objective"]
    assert objectives
    assert min(c["width"] for c in objectives) >= PHONE["width"] * 0.6
    # Each value says which column it is, visibly.
    label = page.locator("table.mldesign-metrics td[data-label='Target']").first.evaluate(
        "td => getComputedStyle(td, '::before').content"
    )
    assert label == '"Target"'
    # No sideways scrolling is left to discover.
    scroller = page.locator(".mldesign-scroll:has(> table.mldesign-metrics)")
    assert scroller.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    # On a desktop it is a table again, with its header row.
    page.set_viewport_size(DESKTOP)
    assert page.locator("table.mldesign-metrics > thead").evaluate("el => getComputedStyle(el).display") == (
        "table-header-group"
    )
    shoot(tab, "design-page-metrics")
    tab.assert_clean()
