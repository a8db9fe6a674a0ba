"""The built site in a real Chromium: the overview's sorting and filtering, a design page,
the dark scheme, the one-page canvas, and author strings that try to run script.

Screenshots go to tests/screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CASES, CorpusBuild, ExampleSite, NewTab, Tab, build_folder, serve_folder, write_site
from tests.designs import FULL_DESIGN, SMALL_DESIGN

pytestmark = pytest.mark.browser

ROWS = "table.mldesign-overview tbody tr"
PALETTE_TOGGLE = 'form[data-md-component="palette"] label.md-header__button:visible'
# The design used for the design-page checks: in review, partly complete, so its
# checklist is open and lists gaps.
DESIGN = "identity-service"


def _expect() -> Any:
    from playwright.sync_api import expect

    return expect


# --- reading the page -------------------------------------------------------------------


def rows(tab: Tab, *, visible_only: bool = False) -> list[dict[str, Any]]:
    """The overview's rows as a reader sees them, in their current order."""
    found = []
    locator = tab.page.locator(ROWS)
    for i in range(locator.count()):
        row = locator.nth(i)
        visible = row.is_visible()
        if visible_only and not visible:
            continue
        badge = row.locator("td.mldesign-overview__completeness [data-mldesign-completeness]")
        shown = badge.locator(".mldesign-completeness__value").inner_text()
        number = re.match(r"(\d+)%", shown)
        assert number, f"no percentage in {shown!r}"
        percent = int(badge.get_attribute("data-mldesign-completeness"))
        assert percent == int(number.group(1)), "the number shown and the data attribute disagree"
        found.append(
            {
                "id": row.get_attribute("data-mldesign-id"),
                "status": row.get_attribute("data-mldesign-status"),
                "percent": percent,
                "text": row.text_content() or "",
                "visible": visible,
            }
        )
    return found


# Colours as Chromium computes them, backgrounds composited from the root down (a
# translucent surface over the page colour), text blended by its opacity.
_COLOURS_JS = """
(selector) => {
  // rgb()/rgba() from 0 to 255, or color(srgb ...) from 0 to 1, which color-mix() gives.
  const parse = (c) => {
    const m = c.match(/(rgba?|color)\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[2].split(/[\\s,\\/]+/).filter(Boolean);
    if (m[1] === "color") {
      if (p.shift() !== "srgb") return null;
      return [Number(p[0]) * 255, Number(p[1]) * 255, Number(p[2]) * 255, p.length > 3 ? Number(p[3]) : 1];
    }
    const n = p.map(Number);
    return [n[0], n[1], n[2], n.length > 3 ? n[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    return [0, 1, 2].map((i) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a).concat([a]);
  };
  const describe = (el) => {
    const chain = [];
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) chain.push(n);
    let bg = [255, 255, 255, 1];
    let opacity = 1;
    for (const n of chain.reverse()) {
      const style = getComputedStyle(n);
      const c = parse(style.backgroundColor);
      if (c && c[3] > 0) bg = over(c, bg);
      opacity *= Number(style.opacity);
    }
    const style = getComputedStyle(el);
    const fg = parse(style.color);
    return {
      selector: typeof el.className === "string" && el.className
        ? "." + el.className.trim().split(/\\s+/).join(".")
        : el.tagName,
      text: el.textContent.trim().slice(0, 40),
      raw: style.color + " on " + style.backgroundColor,
      fg: fg ? over([fg[0], fg[1], fg[2], fg[3] * opacity], bg) : null,
      bg: bg,
      ownBackground: style.backgroundColor,
    };
  };
  const texts = [];
  for (const el of document.querySelectorAll(selector)) {
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!own || box.width === 0 || box.height === 0 || el.closest(".mldesign-sr-only, [hidden]")) continue;
    if (getComputedStyle(el).visibility === "hidden") continue;
    texts.push(describe(el));
  }
  return texts;
}
"""


def _luminance(rgb: list[float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: list[float], b: list[float]) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def colours(tab: Tab, selector: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = tab.page.evaluate(_COLOURS_JS, selector)
    for item in found:
        assert item["fg"] is not None, f"unreadable colour {item['raw']} for {item['selector']}"
    return found


# Texts that are decoration or hidden until hovered. Anything else below the floor is a bug.
_CONTRAST_EXEMPT = (".headerlink",)
# WCAG's minimum for large text and for UI parts; body text should reach 4.5.
_CONTRAST_FLOOR = 3.0


def low_contrast(tab: Tab, root: str) -> list[str]:
    found = []
    for item in colours(tab, f"{root} *"):
        if any(exempt in item["selector"] for exempt in _CONTRAST_EXEMPT):
            continue
        ratio = _contrast(item["fg"], item["bg"])
        if ratio < _CONTRAST_FLOOR:
            found.append(f"{ratio:.2f} {item['selector']} {item['text']!r} ({item['raw']})")
    return found


def switch_to_dark(tab: Tab) -> None:
    body = tab.page.locator("body")
    _expect()(body).to_have_attribute("data-md-color-scheme", "default")
    toggle = tab.page.locator(PALETTE_TOGGLE)
    _expect()(toggle).to_have_count(1)
    assert toggle.get_attribute("title") == "Switch to dark mode"
    toggle.click()
    _expect()(body).to_have_attribute("data-md-color-scheme", "slate")


# --- the overview -------------------------------------------------------------------------


def test_overview_sorts_and_filters(example_site: ExampleSite, new_tab: NewTab) -> None:
    tab = new_tab(example_site.url)
    tab.open("designs/")
    page = tab.page
    expect = _expect()
    # The script has enhanced the table and revealed the controls, which are hidden without it.
    expect(page.locator("table.mldesign-overview")).to_have_attribute("data-mldesign-enhanced", "true")
    expect(page.locator(".mldesign-overview__controls")).to_be_visible()

    initial = rows(tab)
    assert len(initial) == len(example_site.designs)
    assert {r["id"]: r["percent"] for r in initial} == {i: d["completeness"] for i, d in example_site.designs.items()}
    assert all(r["visible"] for r in initial)
    expect(page.locator(".mldesign-overview__count")).to_have_text(f"{len(initial)} of {len(initial)} designs shown")
    assert low_contrast(tab, ".mldesign-index") == []
    tab.screenshot("overview-light", full_page=True)

    # Sort by completeness: ascending, then descending on a second click.
    percents = [r["percent"] for r in initial]
    assert percents != sorted(percents), "the example's first order must not already be sorted"
    header = page.locator("table.mldesign-overview thead th", has_text="Completeness")
    header.locator("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    ascending = [r["percent"] for r in rows(tab)]
    assert ascending == sorted(percents)
    header.locator("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    assert [r["percent"] for r in rows(tab)] == sorted(percents, reverse=True)

    # Filter by status: only the drafts stay visible.
    drafts = {i for i, d in example_site.designs.items() if d["status"] == "draft"}
    assert 0 < len(drafts) < len(initial)
    status = page.locator('select[data-mldesign-filter="status"]')
    status.select_option("draft")
    shown = rows(tab, visible_only=True)
    assert {r["id"] for r in shown} == drafts
    assert all(r["status"] == "draft" for r in shown)
    expect(page.locator(".mldesign-overview__count")).to_have_text(f"{len(drafts)} of {len(initial)} designs shown")
    tab.screenshot("overview-filtered", full_page=True)

    # Free text, over every column: here an owner shared by some designs.
    status.select_option("")
    assert len(rows(tab, visible_only=True)) == len(initial)
    needle = "Patient platform"
    owned = {i for i, d in example_site.designs.items() if any(needle in owner for owner in d["owners"])}
    assert 0 < len(owned) < len(initial)
    page.locator('input[data-mldesign-filter="text"]').fill(needle.lower())
    shown = rows(tab, visible_only=True)
    assert {r["id"] for r in shown} == owned
    assert all(needle.lower() in r["text"].lower() for r in shown)
    # Both filters at once.
    status.select_option("draft")
    assert {r["id"] for r in rows(tab, visible_only=True)} == owned & drafts
    expect(page.locator(".mldesign-overview__count")).to_have_text(
        f"{len(owned & drafts)} of {len(initial)} designs shown"
    )
    tab.assert_clean()


def _mark(cell: Any) -> str:
    """The verdict's mark in a cell, drawn by the stylesheet before its word."""
    content: str = cell.locator(".mldesign-verdict__mark").first.evaluate(
        "el => getComputedStyle(el, '::before').content"
    )
    return content.strip('"').strip()


def test_overview_targets_sort_missed_guardrails_first_and_filter(example_site: ExampleSite, new_tab: NewTab) -> None:
    tab = new_tab(example_site.url)
    tab.open("designs/")
    page = tab.page
    expect = _expect()
    expect(page.locator("table.mldesign-overview")).to_have_attribute("data-mldesign-enhanced", "true")
    states = {
        i: (d["evidence"], {m["measured"]["verdict"] for m in d["metrics"]}) for i, d in example_site.designs.items()
    }
    missed = {i for i, (listed, verdicts) in states.items() if listed and "not-met" in verdicts}
    met = {i for i, (listed, verdicts) in states.items() if listed and verdicts <= {"met", "not-checkable"}}
    assert missed, "the example has a design that misses a target"
    assert met, "the example has a design that meets every target"
    header = page.locator("table.mldesign-overview thead th", has_text="Targets")
    header.locator("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    order = [r["id"] for r in rows(tab)]
    assert set(order[: len(missed)]) == missed  # a missed guardrail comes first
    targets = page.locator('select[data-mldesign-filter="targets"]')
    targets.select_option("not-met")
    assert {r["id"] for r in rows(tab, visible_only=True)} == missed
    targets.select_option("met")
    assert {r["id"] for r in rows(tab, visible_only=True)} == met
    targets.select_option("none")
    assert {r["id"] for r in rows(tab, visible_only=True)} == {i for i, (listed, _) in states.items() if not listed}
    cell = page.locator(f'tr[data-mldesign-id="{next(iter(missed))}"] td.mldesign-overview__targets')
    assert re.fullmatch(r"\d+ of \d+ \(a guardrail is not met\)", cell.inner_text().strip())
    assert _mark(cell) == "✗"  # a sign besides the colour
    assert low_contrast(tab, ".mldesign-index") == []
    tab.screenshot("overview-targets", full_page=True)
    tab.assert_clean()


def test_the_metrics_table_shows_what_was_measured(example_site: ExampleSite, new_tab: NewTab) -> None:
    for scheme, width in (("light", 1280), ("dark", 390)):
        tab = new_tab(example_site.url, color_scheme=scheme)
        tab.page.set_viewport_size({"width": width, "height": 900})
        tab.open(f"designs/{DESIGN}/")
        table = tab.page.locator("table.mldesign-metrics")
        assert table.locator("thead th").all_inner_texts()[3] == "Measured"
        cell = table.locator("tbody tr").first.locator("td.mldesign-metrics__measured")
        assert re.match(r"[\d.]+% met\nresults ", cell.inner_text()), cell.inner_text()
        assert _mark(cell) == "✓"
        assert low_contrast(tab, ".mldesign-metrics") == []
        tab.screenshot(f"metrics-measured-{scheme}-{width}", full_page=True)
        tab.assert_clean()


# --- a design page ------------------------------------------------------------------------


def test_design_page_badge_checklist_and_toc(example_site: ExampleSite, new_tab: NewTab) -> None:
    design = example_site.designs[DESIGN]
    tab = new_tab(example_site.url)
    tab.open(f"designs/{DESIGN}/")
    page = tab.page
    expect = _expect()

    badge = page.locator(".mldesign-header [data-mldesign-completeness]")
    expect(badge).to_be_visible()
    expect(badge).to_have_attribute("data-mldesign-completeness", str(design["completeness"]))
    expect(badge).to_contain_text(f"{design['completeness']}%")
    # The SVG badge next to it is in the site and loads.
    svg = page.locator(".mldesign-header__badge img")
    expect(svg).to_be_visible()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", svg.element_handle())

    # The checklist: every section once, in the order of the page's headings, each linking to it.
    checklist = page.locator("details.mldesign-checklist")
    expect(checklist).to_be_visible()
    assert checklist.get_attribute("open") is not None, "a design with gaps shows its checklist open"
    items = page.locator(".mldesign-checklist__item")
    keys = items.evaluate_all("els => els.map(e => e.dataset.mldesignSection)")
    assert keys == list(design["sections"])
    headings = page.locator(".mldesign-section > h3").evaluate_all("els => els.map(e => e.id)")
    assert [f"mldesign-{k}" for k in keys] == [h for h in headings if h.removeprefix("mldesign-") in keys]
    gaps = [k for k, score in design["sections"].items() if score < 1]
    assert gaps, "the chosen design has gaps"
    for key in gaps:
        question = page.locator(f'.mldesign-checklist__item[data-mldesign-section="{key}"] .mldesign-question')
        expect(question.first).to_be_visible()

    # The table of contents lists the groups and every section.
    toc = page.locator(".md-sidebar--secondary nav.md-nav--secondary")
    expect(toc.first).to_be_visible()
    for anchor in ["mldesign-group-product", "mldesign-group-system", *(f"mldesign-{k}" for k in keys)]:
        expect(toc.locator(f'a[href="#{anchor}"]').first).to_be_attached()
    expect(toc.locator('a[href="#mldesign-background"]').first).to_be_visible()
    tab.screenshot("design-light")

    # A checklist link scrolls to its section, far down the page.
    target = gaps[-1]
    heading = page.locator(f"#mldesign-{target}")
    expect(heading).not_to_be_in_viewport()
    page.locator(f'.mldesign-checklist__item[data-mldesign-section="{target}"] a.mldesign-checklist__link').click()
    expect(page).to_have_url(re.compile(f"#mldesign-{target}$"))
    expect(heading).to_be_in_viewport()
    assert page.evaluate("document.querySelector(':target')?.id") == f"mldesign-{target}"
    tab.screenshot("design-light-section")
    tab.assert_clean()


def test_dark_scheme(example_site: ExampleSite, new_tab: NewTab) -> None:
    tab = new_tab(example_site.url)
    tab.open(f"designs/{DESIGN}/")
    page = tab.page
    owners = ".mldesign .mldesign-header .mldesign-meta__item:first-child .mldesign-meta__value"

    def looks() -> tuple[list[float], list[float]]:
        """The header's surface and the text on it: the owners' names."""
        (text,) = colours(tab, owners)
        return text["bg"], text["fg"]

    light_bg, light_fg = looks()
    assert low_contrast(tab, ".mldesign") == []
    switch_to_dark(tab)
    dark_bg, dark_fg = looks()
    # The design's surface turned dark and its text light, with readable contrast in both.
    assert _luminance(dark_bg) < _luminance(light_bg), (light_bg, dark_bg)
    assert _luminance(dark_bg) < 0.1, dark_bg
    assert _luminance(dark_fg) > _luminance(light_fg), (light_fg, dark_fg)
    assert _contrast(light_fg, light_bg) >= 4.5
    assert _contrast(dark_fg, dark_bg) >= 4.5
    assert low_contrast(tab, ".mldesign") == []
    tab.screenshot("design-dark")
    page.locator("#mldesign-metrics").scroll_into_view_if_needed()
    tab.screenshot("design-dark-metrics")

    # The choice is kept (Material stores it) when the reader moves to the overview.
    tab.open("designs/")
    _expect()(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    assert low_contrast(tab, ".mldesign-index") == []
    tab.screenshot("overview-dark", full_page=True)
    tab.assert_clean()


def test_canvas_is_reachable_and_fits_one_page(example_site: ExampleSite, new_tab: NewTab) -> None:
    design_id = "face-verification"
    design = example_site.designs[design_id]
    tab = new_tab(example_site.url)
    tab.open(f"designs/{design_id}/")
    page = tab.page
    expect = _expect()
    page.locator(".mldesign-header a.mldesign-button", has_text="One-page canvas").click()
    expect(page).to_have_url(re.compile(f"/canvas/{design_id}\\.html$"))
    expect(page.locator(".mldesign-canvas__title")).to_have_text(design["title"])
    boxes = page.locator("article.mldesign-canvas__box").evaluate_all("els => els.map(e => e.dataset.mldesignSection)")
    assert set(design["sections"]) <= set(boxes)
    for key in design["sections"]:
        expect(page.locator(f'article.mldesign-canvas__box[data-mldesign-section="{key}"]')).to_be_visible()
    overflowing = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    assert not overflowing, "the canvas is wider than the window"
    tab.screenshot("canvas", full_page=True)
    # Printed (landscape, as its @page rule asks), the full 100% design fits one sheet.
    pdf: bytes = page.pdf(format="A4", landscape=True, prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the canvas prints on {pages} pages"
    page.locator("a.mldesign-canvas__back").click()
    expect(page).to_have_url(re.compile(f"/designs/{design_id}/$"))
    tab.assert_clean()


# --- author strings that try to run script --------------------------------------------------

PAYLOAD_SCRIPT = "<script>window.__pwned=1</script>"
PAYLOAD_IMG = '<img src=x onerror="window.__pwned=1">'
PAYLOAD_LINK = "[x](javascript:window.__pwned=1)"


def _hostile_design() -> str:
    page = FULL_DESIGN
    replacements = {
        "goals: Check in without queuing.": f"goals: '{PAYLOAD_SCRIPT} {PAYLOAD_IMG} {PAYLOAD_LINK}'",
        "owners: [Patient platform]": f"owners: ['{PAYLOAD_IMG}', '{PAYLOAD_SCRIPT}']",
        'version: "1.2"': f"version: '{PAYLOAD_SCRIPT}'",
        "alternatives: NFC cards": (
            "alternatives: '[y](JaVaScRiPt:window.__pwned=1) and [z]( javascript&#58;window.__pwned=1)'"
        ),
        'target: "< 0.1%"': f"target: '{PAYLOAD_IMG}'",
        "    - Keep staff in control": f"    - '{PAYLOAD_LINK}'",
        "tags: [vision]": f"tags: ['{PAYLOAD_IMG}']",
    }
    for old, new in replacements.items():
        assert old in page, old
        page = page.replace(old, new)
    # A control: the author's own Markdown body may hold a script (MkDocs allows raw HTML
    # there), and it does run, so an undefined `__pwned` below means something.
    return page + "\n<script>window.__control = 1</script>\n"


def test_author_strings_cannot_run_script(tmp_path: Path, new_tab: NewTab) -> None:
    root = tmp_path / "hostile"
    config = write_site(
        root,
        {"index.md": "# Home\n", "designs/face.md": _hostile_design(), "designs/identity.md": SMALL_DESIGN},
        extra={"site_url": "http://127.0.0.1/"},
    )
    build_folder(config, root / "site", strict=False)
    with serve_folder(root / "site") as url:
        tab = new_tab(url)
        page = tab.page
        tab.open("designs/face/")
        # Without the control running, the check below would prove nothing.
        assert page.evaluate("window.__control") == 1, "the control script did not run"
        unsafe = page.locator(".mldesign a.mldesign-unsafe-link")
        assert unsafe.count() >= 3
        for i in range(unsafe.count()):
            link = unsafe.nth(i)
            assert link.get_attribute("href") is None
            link.click()
        assert page.evaluate("typeof window.__pwned") == "undefined"
        # The payloads are shown as text, not run.
        _expect()(page.locator(".mldesign-meta")).to_contain_text(PAYLOAD_SCRIPT)
        for path in ("designs/", "canvas/face.html"):
            tab.open(path)
            assert page.locator("text=window.__pwned=1").count() >= 1, f"the payload is not shown as text on {path}"
            assert page.evaluate("typeof window.__pwned") == "undefined", path
        tab.assert_clean()


# --- search and sorting, as Material users expect them ---------------------------------------


def test_search_finds_a_word_from_a_design_section(example_site: ExampleSite, new_tab: NewTab) -> None:
    # Under theme mldesign, `search` is Material's plugin registered as mldesign/search; the
    # header must still draw the box, and the index must hold the rendered sections.
    tab = new_tab(example_site.url)
    tab.open("")
    page = tab.page
    expect = _expect()
    box = page.locator("input.md-search__input")
    expect(box).to_be_visible()
    box.click()
    page.keyboard.type("maximisation", delay=20)  # only in the identity service's labeling section
    result = page.locator(".md-search-result__item").first
    expect(result).to_be_visible(timeout=10_000)
    link = page.locator(".md-search-result__link").first
    assert "designs/identity-service/" in (link.get_attribute("href") or "")
    tab.screenshot("search-result")
    tab.assert_clean()


def test_a_click_anywhere_in_a_header_cell_sorts(example_site: ExampleSite, new_tab: NewTab) -> None:
    tab = new_tab(example_site.url)
    tab.open("designs/")
    page = tab.page
    expect = _expect()
    header = page.locator("table.mldesign-overview thead th", has_text="Completeness")
    box = header.bounding_box()
    button = header.locator("button").bounding_box()
    assert box is not None
    assert button is not None
    # The button fills its cell, so there is no dead area beside the label.
    assert button["width"] >= box["width"] * 0.7
    # A click at the cell's far right and bottom edge, away from the label text.
    page.mouse.click(box["x"] + box["width"] - 3, box["y"] + box["height"] - 3)
    expect(header).to_have_attribute("aria-sort", "ascending")
    page.mouse.click(box["x"] + 3, box["y"] + 3)
    expect(header).to_have_attribute("aria-sort", "descending")
    # And by keyboard: the button takes focus and Enter sorts.
    header.locator("button").focus()
    page.keyboard.press("Enter")
    expect(header).to_have_attribute("aria-sort", "ascending")
    tab.assert_clean()


# --- hostile input, in a real browser -----------------------------------------------------


def test_no_page_built_from_the_hostile_corpus_runs_script(built: CorpusBuild, new_tab: NewTab) -> None:
    """Every page of the corpus site, design pages, overview and canvases: a payload that
    ran would open a dialog (they call alert) or set a property on the window."""
    assert built.error is None, f"the build failed: {built.error!r}"
    scripts = [c.target.removesuffix(".md") for c in CASES if c.script]
    assert len(scripts) >= 20, "the corpus holds the injection cases"
    # The injection cases' pages, their canvases (by page name or by their own id), the
    # overview and the home page, which lists every title in its navigation.
    pages = sorted(
        p.relative_to(built.site).as_posix()
        for p in built.site.rglob("*.html")
        if p.stem in scripts or p.parent.name == "canvas" or p.name == "index.html"
    )
    with serve_folder(built.site) as url:
        tab = new_tab(url)
        dialogs: list[str] = []

        def on_dialog(dialog: Any) -> None:
            dialogs.append(f"{tab.page.url}: {dialog.message}")
            dialog.dismiss()

        tab.page.on("dialog", on_dialog)
        for path in pages:
            tab.open(path)
            tab.page.wait_for_load_state("load")
            ran = tab.page.evaluate("() => Boolean(window.pwned || window.__mldesign_pwned)")
            assert not ran, path
            # A payload tag reaching the DOM as an element, not as text, is a failure even
            # if nothing fired: an image with an error handler, an svg with onload.
            live = tab.page.evaluate(
                "() => Array.from(document.querySelectorAll('[onerror],[onload]')).map(e => e.outerHTML)"
            )
            assert live == [], f"{path}: {live}"
    assert dialogs == []
