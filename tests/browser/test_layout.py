"""The layout in a real Chromium, at a phone's, a tablet's and a desktop's width: the
one-page canvas reflows on a screen, follows the dark scheme and still prints on one
light landscape page; the overview's wide table keeps the design's name and
completeness in sight while it scrolls sideways, and names the columns out of sight.

Screenshots go to tests/screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.test_browser import _contrast, _luminance, colours
from tests.conftest import ExampleSite, NewTab, Tab

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
DESKTOP = {"width": 1280, "height": 900}
# The example's complete design (every section, long texts) and a partial one.
COMPLETE = "face-verification"
PARTIAL = "no-show-prediction"
SCROLLER = ".mldesign-scroll--overview"
HINT = ".mldesign-scroll__more:has(+ .mldesign-scroll--overview)"
MORE_PREFIX = "Columns out of view: "


def _expect() -> Any:
    from playwright.sync_api import expect

    return expect


def open_canvas(tab: Tab, design_id: str, viewport: dict[str, int]) -> None:
    tab.page.set_viewport_size(viewport)
    tab.open(f"canvas/{design_id}.html")


def _channels(css: str) -> list[float]:
    match = re.match(r"rgba?\(([^)]+)\)", css)
    assert match, css
    return [float(p) for p in re.split(r"[\s,/]+", match.group(1).strip()) if p]


def opaque(css: str) -> bool:
    channels = _channels(css)
    return len(channels) == 3 or channels[3] == 1


def _parse_rgb(css: str) -> list[float]:
    """The red, green and blue of an opaque colour as Chromium computes it."""
    assert opaque(css), f"{css} is not opaque"
    return _channels(css)[:3]


def computed(tab: Tab, selector: str, prop: str, pseudo: str | None = None) -> str:
    value: str = tab.page.evaluate(
        "([s, p, pseudo]) => getComputedStyle(document.querySelector(s), pseudo).getPropertyValue(p)",
        [selector, prop, pseudo],
    )
    return value


def boxes(tab: Tab, selector: str = "article.mldesign-canvas__box") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = tab.page.locator(selector).evaluate_all(
        """els => els.map(e => {
          const r = e.getBoundingClientRect();
          const band = e.closest('[data-mldesign-group]');
          return {key: e.dataset.mldesignSection, band: band && band.dataset.mldesignGroup,
                  left: r.left, right: r.right, top: r.top + scrollY, width: r.width};
        })"""
    )
    assert found, f"no {selector}"
    return found


def no_sideways_scrolling(tab: Tab) -> None:
    width, inner = tab.page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
    assert width <= inner, f"the page scrolls sideways: {width} px wide in a {inner} px window"
    # Nor does anything stick out of the window and get cut off; what scrolls inside
    # its own box (a wide table, a code block) is fine.
    sticking_out = tab.page.evaluate(
        """() => {
          const scrolls = (e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
          const inScroller = (e) => {
            for (let n = e.parentElement; n; n = n.parentElement) if (scrolls(n)) return true;
            return false;
          };
          return Array.from(document.querySelectorAll('body *'))
            .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5 && !inScroller(e))
            .map(e => e.tagName + '.' + e.className);
        }"""
    )
    assert sticking_out == []


def low_contrast(tab: Tab, root: str, floor: float = 4.5) -> list[str]:
    """Texts below WCAG AA for body text (every text of the canvas is small)."""
    return [
        f"{_contrast(item['fg'], item['bg']):.2f} {item['selector']} {item['text']!r} ({item['raw']})"
        for item in colours(tab, f"{root} *")
        if _contrast(item["fg"], item["bg"]) < floor
    ]


# --- the canvas on a screen --------------------------------------------------------------


@pytest.mark.parametrize("design_id", [COMPLETE, PARTIAL])
def test_the_canvas_on_a_phone_is_one_column(example_site: ExampleSite, new_tab: NewTab, design_id: str) -> None:
    tab = new_tab(example_site.url)
    open_canvas(tab, design_id, PHONE)
    no_sideways_scrolling(tab)
    found = boxes(tab)
    assert {b["key"] for b in found} >= set(example_site.designs[design_id]["sections"])
    sheet = tab.page.locator("main.mldesign-canvas__sheet").bounding_box()
    assert sheet is not None
    # One column: every box starts at the same left, spans nearly the sheet, and sits
    # below the one before it.
    assert max(b["left"] for b in found) - min(b["left"] for b in found) < 1
    assert min(b["width"] for b in found) > 0.85 * sheet["width"]
    tops = [b["top"] for b in found]
    assert tops == sorted(tops)
    assert len(set(tops)) == len(tops), "two boxes share a row"
    # Readable sizes: the body text of a box, a field's label, the title.
    assert float(computed(tab, ".mldesign-canvas__body", "font-size").removesuffix("px")) >= 14
    assert float(computed(tab, ".mldesign-canvas__label", "font-size").removesuffix("px")) >= 11
    assert float(computed(tab, ".mldesign-canvas__title", "font-size").removesuffix("px")) >= 20
    # The toolbar wraps inside the window; the link back is on screen.
    expect = _expect()
    expect(tab.page.locator("a.mldesign-canvas__back")).to_be_in_viewport()
    # Status and completeness are told in words, not only by colour.
    status = example_site.designs[design_id]["status"]
    expect(tab.page.locator(".mldesign-canvas__meta .mldesign-status")).to_have_text(re.compile(status, re.IGNORECASE))
    percent = example_site.designs[design_id]["completeness"]
    expect(tab.page.locator(".mldesign-canvas__meta .mldesign-completeness__value")).to_contain_text(f"{percent}%")
    tab.screenshot(f"layout-canvas-{design_id}-phone")
    tab.assert_clean()


def test_the_canvas_on_a_tablet_puts_several_boxes_a_row(example_site: ExampleSite, new_tab: NewTab) -> None:
    tab = new_tab(example_site.url)
    open_canvas(tab, COMPLETE, TABLET)
    no_sideways_scrolling(tab)
    found = boxes(tab)
    product = [b for b in found if b["band"] == "product"]
    assert len(product) >= 4
    first_row = [b for b in product if abs(b["top"] - product[0]["top"]) < 1]
    assert len(first_row) >= 3, f"only {len(first_row)} boxes in the first row at 1024 px"
    # Side by side, not overlapping.
    lefts = sorted(b["left"] for b in first_row)
    rights = sorted(b["right"] for b in first_row)
    assert all(right <= left for right, left in zip(rights, lefts[1:], strict=False))
    tab.screenshot("layout-canvas-tablet")
    tab.assert_clean()


@pytest.mark.parametrize("where", ["html", "body"])
def test_the_canvas_follows_the_dark_scheme(example_site: ExampleSite, new_tab: NewTab, where: str) -> None:
    """Light by default; dark when <html> (the canvas' own script) or <body> says `slate`."""
    tab = new_tab(example_site.url)
    open_canvas(tab, PARTIAL, DESKTOP)
    page = tab.page
    assert page.evaluate("document.documentElement.dataset.mdColorScheme") == "default"
    light_page = _parse_rgb(computed(tab, "body", "background-color"))
    light_sheet = _parse_rgb(computed(tab, ".mldesign-canvas__sheet", "background-color"))
    light_text = _parse_rgb(computed(tab, ".mldesign-canvas__title", "color"))
    assert _luminance(light_sheet) > 0.9
    assert computed(tab, "html", "color-scheme") == "light"
    assert low_contrast(tab, "body.mldesign-canvas") == []

    if where == "html":
        page.evaluate("document.documentElement.setAttribute('data-md-color-scheme', 'slate')")
    else:
        page.evaluate(
            "document.documentElement.removeAttribute('data-md-color-scheme');"
            "document.body.setAttribute('data-md-color-scheme', 'slate')"
        )
    dark_page = _parse_rgb(computed(tab, "body", "background-color"))
    dark_sheet = _parse_rgb(computed(tab, ".mldesign-canvas__sheet", "background-color"))
    dark_text = _parse_rgb(computed(tab, ".mldesign-canvas__title", "color"))
    assert _luminance(dark_page) < 0.05 < _luminance(light_page)
    assert _luminance(dark_sheet) < 0.05
    assert _luminance(dark_text) > 0.7 > _luminance(light_text)
    assert computed(tab, "html", "color-scheme") == "dark"
    assert low_contrast(tab, "body.mldesign-canvas") == []
    # The states are still told apart: a colour each, visible on the box's surface.
    rings = {
        state: _parse_rgb(
            computed(tab, f".mldesign-canvas__box .mldesign-state--{state} .mldesign-state__icon", "border-top-color")
        )
        for state in ("complete", "partial", "missing")
    }
    assert len({tuple(c) for c in rings.values()}) == 3
    for state, ring in rings.items():
        assert _contrast(ring, dark_sheet) >= 3, state
    tab.screenshot(f"layout-canvas-dark-{where}", full_page=True)
    tab.assert_clean()


def test_the_dark_scheme_of_the_browser_reaches_the_canvas(example_site: ExampleSite, new_tab: NewTab) -> None:
    # The example's palette follows prefers-color-scheme, so a dark browser gets a dark canvas.
    tab = new_tab(example_site.url, color_scheme="dark")
    open_canvas(tab, COMPLETE, PHONE)
    assert tab.page.evaluate("document.documentElement.dataset.mdColorScheme") == "slate"
    assert _luminance(_parse_rgb(computed(tab, ".mldesign-canvas__sheet", "background-color"))) < 0.05
    no_sideways_scrolling(tab)
    assert low_contrast(tab, "body.mldesign-canvas") == []
    tab.screenshot("layout-canvas-dark-phone")
    tab.assert_clean()


# --- the canvas on paper ---------------------------------------------------------------------


def pdf_pages(tab: Tab, paper: str) -> int:
    pdf: bytes = tab.page.pdf(format=paper, landscape=True, prefer_css_page_size=True)
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize("design_id", [COMPLETE, PARTIAL])
def test_the_printed_canvas_is_light_and_one_page(example_site: ExampleSite, new_tab: NewTab, design_id: str) -> None:
    tab = new_tab(example_site.url, color_scheme="dark")
    open_canvas(tab, design_id, DESKTOP)
    page = tab.page
    assert _luminance(_parse_rgb(computed(tab, "body", "background-color"))) < 0.05, "the screen is dark first"
    page.emulate_media(media="print")
    for selector in ("body", ".mldesign-canvas__sheet", ".mldesign-canvas__box"):
        background = computed(tab, selector, "background-color")
        if background != "rgba(0, 0, 0, 0)":
            assert _luminance(_parse_rgb(background)) > 0.9, selector
    assert _luminance(_parse_rgb(computed(tab, ".mldesign-canvas__title", "color"))) < 0.05
    assert computed(tab, "html", "color-scheme") == "light"
    assert low_contrast(tab, "body.mldesign-canvas") == []
    # The sheet's layout, not the phone's: the template's columns, a fixed height.
    found = boxes(tab)
    product = [b for b in found if b["band"] == "product"]
    assert len({b["top"] for b in product}) == 1, "a band is one row on paper"
    tab.screenshot(f"layout-canvas-{design_id}-print", full_page=True)
    for paper in ("A4", "Letter"):
        assert pdf_pages(tab, paper) == 1, f"the canvas prints on more than one {paper} page"
    tab.assert_clean()


# --- the overview on a phone -----------------------------------------------------------------


def columns_in_hint(tab: Tab) -> list[str]:
    text: str = tab.page.locator(HINT).inner_text()
    assert text.startswith(MORE_PREFIX), text
    return text.removeprefix(MORE_PREFIX).split(", ")


def header_box(tab: Tab, name: str) -> dict[str, float]:
    box: dict[str, float] | None = tab.page.locator(
        "table.mldesign-overview thead th", has_text=re.compile(f"^{name}$")
    ).bounding_box()
    assert box is not None, name
    return box


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_overview_on_a_phone_keeps_the_name_in_sight(
    example_site: ExampleSite, new_tab: NewTab, scheme: str
) -> None:
    tab = new_tab(example_site.url, color_scheme=scheme)
    page = tab.page
    page.set_viewport_size(PHONE)
    tab.open("designs/")
    expect = _expect()
    expect(page.locator("table.mldesign-overview")).to_have_attribute("data-mldesign-enhanced", "true")
    assert page.evaluate("document.body.dataset.mdColorScheme") == ("slate" if scheme == "dark" else "default")
    no_sideways_scrolling(tab)
    scroller = page.locator(SCROLLER)
    scroller.scroll_into_view_if_needed()
    hint = page.locator(HINT)
    expect(hint).to_be_visible()
    assert hint.get_attribute("aria-hidden") == "true"
    # The hint is right before the table it is about.
    assert page.evaluate(f"document.querySelector('{HINT}').nextElementSibling.matches('{SCROLLER}')")
    before = columns_in_hint(tab)
    # Before scrolling, the status is read in words on its chip.
    chip = page.locator("table.mldesign-overview tbody td.mldesign-overview__status .mldesign-status").first
    expect(chip).to_be_in_viewport()
    expect(chip).to_have_text(re.compile(r"\w{4}"))
    assert "Updated" in before
    assert "Design" not in before
    assert "Completeness" not in before

    scroll_width = scroller.evaluate("el => { el.scrollLeft = el.scrollWidth; return el.scrollWidth; }")
    assert scroller.evaluate("el => el.scrollLeft") > 0, "the table does not scroll sideways at all"
    assert scroll_width > scroller.evaluate("el => el.clientWidth")
    expect(hint).not_to_have_text(MORE_PREFIX + ", ".join(before))
    after = columns_in_hint(tab)
    # At the right end the last column is in full view and the first columns after the
    # fixed ones have scrolled under them.
    assert "Updated" not in after
    assert "Status" in after
    view = scroller.bounding_box()
    assert view is not None
    fixed_right = header_box(tab, "Completeness")["x"] + header_box(tab, "Completeness")["width"]
    assert header_box(tab, "Status")["x"] + header_box(tab, "Status")["width"] <= fixed_right + 1
    for cell in ("td.mldesign-overview__title", "td.mldesign-overview__completeness"):
        cells = page.locator(f"table.mldesign-overview tbody {cell}")
        for i in range(cells.count()):
            box = cells.nth(i).bounding_box()
            assert box is not None
            assert box["x"] >= view["x"] - 1, cell
            assert box["x"] + box["width"] <= min(view["x"] + view["width"], PHONE["width"]) + 1, cell
            # On an opaque background: what scrolls under it does not show through.
            background = cells.nth(i).evaluate("el => getComputedStyle(el).backgroundColor")
            assert opaque(background), (cell, background)
    # The name cell is at most a third of the window, so the rest can be reached.
    assert header_box(tab, "Design")["width"] <= PHONE["width"] / 3
    # What the name says is still readable: the completeness text is there, not only a bar.
    expect(page.locator("table.mldesign-overview tbody td.mldesign-overview__completeness").first).to_contain_text("%")
    assert low_contrast(tab, ".mldesign-index", floor=3.0) == []
    tab.screenshot(f"layout-overview-phone-{scheme}-scrolled")

    # The coverage matrix keeps its design column in sight too.
    matrix = page.locator(".mldesign-scroll:has(> table.mldesign-matrix:not(.mldesign-matrix--framework))")
    matrix.scroll_into_view_if_needed()
    matrix.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert matrix.evaluate("el => el.scrollLeft") > 0
    names = page.locator("table.mldesign-matrix:not(.mldesign-matrix--framework) tbody th.mldesign-matrix__design")
    box = names.first.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"] / 2
    tab.screenshot(f"layout-matrix-phone-{scheme}-scrolled")
    tab.assert_clean()


def test_the_hint_is_hidden_when_every_column_is_in_sight(example_site: ExampleSite, new_tab: NewTab) -> None:
    tab = new_tab(example_site.url)
    page = tab.page
    tab.open("designs/")
    expect = _expect()
    expect(page.locator("table.mldesign-overview")).to_have_attribute("data-mldesign-enhanced", "true")
    scroller = page.locator(SCROLLER)
    assert scroller.evaluate("el => el.scrollWidth <= el.clientWidth"), "the table does not fit at 1280 px"
    expect(page.locator(HINT)).to_be_hidden()
    assert page.locator(HINT).get_attribute("hidden") is not None
    # Narrowed to a phone's width, the window's resize brings the hint back, and widened
    # again it goes.
    page.set_viewport_size(PHONE)
    expect(page.locator(HINT)).to_be_visible()
    assert "Updated" in columns_in_hint(tab)
    page.set_viewport_size(DESKTOP)
    expect(page.locator(HINT)).to_be_hidden()
    tab.assert_clean()


# --- the sort controls -----------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_sort_button_fills_its_header_cell(
    example_site: ExampleSite, new_tab: NewTab, viewport: dict[str, int]
) -> None:
    tab = new_tab(example_site.url)
    page = tab.page
    page.set_viewport_size(viewport)
    tab.open("designs/")
    expect = _expect()
    headers = page.locator("table.mldesign-overview thead th[data-mldesign-sort]")
    assert headers.count() >= 6
    for i in range(headers.count()):
        cell = headers.nth(i).bounding_box()
        button = headers.nth(i).locator("button.mldesign-sort").bounding_box()
        assert cell is not None
        assert button is not None
        for key in ("x", "y", "width", "height"):
            assert abs(cell[key] - button[key]) <= 1, (headers.nth(i).inner_text(), key, cell, button)

    def arrow(name: str) -> str:
        icon: str = (
            page.locator("table.mldesign-overview thead th", has_text=name)
            .locator("button")
            .evaluate("el => { const s = getComputedStyle(el, '::after'); return s.maskImage || s.webkitMaskImage; }")
        )
        assert icon.startswith("url("), icon
        return icon

    unsorted = arrow("Completeness")
    header = page.locator("table.mldesign-overview thead th", has_text="Completeness")
    header.locator("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    ascending = arrow("Completeness")
    header.locator("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    descending = arrow("Completeness")
    assert len({unsorted, ascending, descending}) == 3, "the arrow does not show the direction"
    assert arrow("Status") == unsorted

    # A visible focus ring when reached by keyboard: the first button after the filter.
    page.locator("input[data-mldesign-filter='text']").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const e = document.activeElement, s = getComputedStyle(e);"
        " return [e.classList.contains('mldesign-sort'), s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert focused[0], "the focus is not on a sort button"
    assert focused[1] != "none"
    assert focused[2] >= 2
    tab.assert_clean()
