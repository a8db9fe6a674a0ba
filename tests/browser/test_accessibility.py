"""An accessibility audit with axe-core of every kind of page the plugin draws, in a real
Chromium: the overview, a complete design, a design with problems and gaps, a design
that cannot be read, and the one-page canvas, each in the light and the dark scheme, on
a desktop and a phone. A serious or critical violation fails; the others are left to
the report (`-rA` prints them).

The example site gives the complete views; a small non-strict site of its own gives
the ones with problems. A page with known violations proves the audit can fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.browser import axe
from tests.conftest import ExampleSite, build_folder, serve_folder
from tests.designs import FULL_DESIGN, SMALL_DESIGN

pytestmark = pytest.mark.browser

#: Lints and gaps: no `owners` (required), an objective whose metric is not among
#: `metrics`, a review status with fields still empty, a batch mode without its field.
PARTIAL = {
    "id": "partial",
    "status": "review",
    "version": "0.2",
    "background": {"users": "Reception staff"},
    "objectives": [{"objective": "Fewer missed appointments", "metric": "no_show_rate"}, "Keep staff in control"],
    "metrics": [{"name": "recall", "target": 0.9, "priority": "primary"}],
    "solution": {"na": "Not decided yet"},
    "inference": {"mode": "batch"},
}
#: A `[` list never closed: the front matter cannot be read.
BROKEN = "---\ntitle: Broken risk model\ndesign:\n  status: [draft\n  owners: [A]\n---\n\nText.\n"

# Where each view is: on the example site or on this module's site with problems.
EXAMPLE, PROBLEMS = "example", "problems"
COMPLETE = "face-verification"  # 100% in the example site
VIEWS: dict[str, tuple[str, str]] = {
    "overview": (EXAMPLE, "designs/"),
    "overview-problems": (PROBLEMS, "designs/"),
    "design-complete": (EXAMPLE, f"designs/{COMPLETE}/"),
    "design-problems": (PROBLEMS, "designs/partial/"),
    "design-unreadable": (PROBLEMS, "designs/broken/"),
    "canvas": (EXAMPLE, f"canvas/{COMPLETE}.html"),
    "canvas-problems": (PROBLEMS, "canvas/partial.html"),
    "canvas-unreadable": (PROBLEMS, "canvas/broken.html"),
}
SCHEMES = ("light", "dark")
WIDTHS = {1280: 900, 390: 844}  # a desktop and a phone, with their heights


@pytest.fixture(scope="module")
def problems_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Material site (the mldesign theme, as the example) with a complete design, the
    one it depends on, a partial design with problems and an unreadable one; non-strict."""
    root = tmp_path_factory.mktemp("a11y")
    docs = root / "docs"
    (docs / "designs").mkdir(parents=True)
    meta = {"title": "Appointment reminders", "design": PARTIAL}
    pages = {
        "index.md": "# Home\n\nThe designs of this site.\n",
        "designs/face.md": FULL_DESIGN,
        "designs/identity.md": SMALL_DESIGN,
        "designs/partial.md": "---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n\nSome narrative.\n",
        "designs/broken.md": BROKEN,
    }
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    config = {
        "site_name": "Accessibility audit",
        "theme": {"name": "mldesign"},
        "markdown_extensions": ["admonition", "attr_list", "tables", {"toc": {"permalink": True}}],
        "plugins": ["search", "mldesign"],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    build_folder(root / "mkdocs.yml", root / "site", strict=False)
    with serve_folder(root / "site") as url:
        yield url


@pytest.fixture(scope="module")
def tabs(chromium: Any) -> Iterator[dict[tuple[str, int], Any]]:
    """One page per scheme and width, each in its own context with axe, reused across views."""
    contexts: list[Any] = []
    pages: dict[tuple[str, int], Any] = {}
    for scheme in SCHEMES:
        for width, height in WIDTHS.items():
            context = chromium.new_context(
                viewport={"width": width, "height": height}, color_scheme=scheme, service_workers="block"
            )
            contexts.append(context)
            axe.install(context)
            pages[scheme, width] = context.new_page()
    yield pages
    for context in contexts:
        context.close()


# The dark scheme is set on <body> as Material's palette toggle does; the canvas follows
# the same attribute (and sets its own on <html> from the reader's preference). Then what
# a reader can open is opened, and the transitions are let finish, two seconds at most
# (those that run in time: scroll-driven animations never finish).
_PREPARE = """async (dark) => {
  if (dark) document.body.setAttribute('data-md-color-scheme', 'slate');
  document.querySelectorAll('.mldesign details, .mldesign-index details, body.mldesign-canvas details')
    .forEach((d) => { d.open = true; });
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const timed = document.getAnimations().filter((a) =>
    a.timeline === document.timeline && Number.isFinite(a.effect?.getComputedTiming().endTime));
  const finished = Promise.all(timed.map((a) => a.finished.catch(() => null)));
  await Promise.race([finished, new Promise((done) => setTimeout(done, 2000))]);
  const scheme = (el) => el.getAttribute('data-md-color-scheme');
  return scheme(document.body) || scheme(document.documentElement);
}"""


def _open(page: Any, url: str, *, dark: bool) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None, url
    assert response.ok, f"{url}: HTTP {response.status}"
    scheme = page.evaluate(_PREPARE, dark)
    assert scheme == ("slate" if dark else "default"), f"{url}: the body's colour scheme is {scheme!r}"


#: What each view must show, so the audit reads what it claims to: (selector, at least).
SHOWN: dict[str, tuple[tuple[str, int], ...]] = {
    "overview": (
        ('table.mldesign-overview[data-mldesign-enhanced="true"]', 1),
        ("table.mldesign-matrix:not(.mldesign-matrix--framework)", 1),
    ),
    "overview-problems": (
        ('table.mldesign-overview[data-mldesign-enhanced="true"]', 1),
        (".mldesign-overview__row--unreadable", 1),
    ),
    "design-complete": ((".md-content .mldesign", 1), (".mldesign-section", 12)),
    "design-problems": ((".md-content .mldesign-problem", 4), (".md-content .mldesign-empty", 1)),
    "design-unreadable": ((".md-content .mldesign-problem", 1),),
    "canvas": (("body.mldesign-canvas article.mldesign-canvas__box--complete", 12),),
    "canvas-problems": ((".mldesign-canvas__problems", 1), ("article.mldesign-canvas__box--missing", 1)),
    "canvas-unreadable": (("body.mldesign-canvas .mldesign-problem", 1),),
}


def _check_view(page: Any, view: str) -> None:
    for selector, least in SHOWN[view]:
        page.locator(selector).first.wait_for(state="attached", timeout=5_000)  # the script may be at work
        count = page.locator(selector).count()
        assert count >= least, f"{view}: {count} of {selector}, expected at least {least}"


@pytest.mark.parametrize("width", list(WIDTHS), ids=lambda w: f"{w}px")
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("view", list(VIEWS))
def test_no_serious_accessibility_violation(
    view: str,
    scheme: str,
    width: int,
    example_site: ExampleSite,
    problems_site: str,
    tabs: dict[tuple[str, int], Any],
) -> None:
    site, path = VIEWS[view]
    if site == EXAMPLE:
        assert example_site.designs[COMPLETE]["completeness"] == 100, "the complete views need a complete design"
    base = example_site.url if site == EXAMPLE else problems_site
    page = tabs[scheme, width]
    _open(page, base + path, dark=scheme == "dark")
    _check_view(page, view)
    found = axe.audit(page)
    others = [v for v in found if not v.blocking]
    if others:
        print(f"{view} {scheme} {width}px, not failed:\n{axe.describe(others, examples=1)}")
    serious = axe.blocking(found)
    if serious:
        pytest.fail(
            f"{path} ({scheme}, {width}px): serious or critical violations\n{axe.describe(serious)}", pytrace=False
        )


# --- the audit can fail -------------------------------------------------------------------

FAULTY = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Faulty</title></head>
<body><main>
  <h1>Faulty</h1>
  <img src="dot.png">
  <button type="button"></button>
  <p style="color: #c8c8c8; background: #ffffff">Text far too pale to read.</p>
</main></body></html>
"""
CLEAN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clean</title></head>
<body><main>
  <h1>Clean</h1>
  <img src="dot.png" alt="A red dot">
  <button type="button">Send</button>
  <p style="color: #1f2328; background: #ffffff">Text anyone can read.</p>
</main></body></html>
"""
# A 1x1 PNG, so the image loads.
DOT = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("a11y-samples")
    (folder / "faulty.html").write_text(FAULTY, encoding="utf-8")
    (folder / "clean.html").write_text(CLEAN, encoding="utf-8")
    (folder / "dot.png").write_bytes(DOT)
    with serve_folder(folder) as url:
        yield url


def test_the_audit_reports_known_serious_violations(samples: str, tabs: dict[tuple[str, int], Any]) -> None:
    page = tabs["light", 1280]
    page.goto(samples + "faulty.html", wait_until="load")
    serious = axe.blocking(axe.audit(page))
    by_rule = {v.rule: v for v in serious}
    assert set(by_rule) == {"image-alt", "button-name", "color-contrast"}, axe.describe(serious)
    assert by_rule["image-alt"].impact == "critical"
    assert by_rule["color-contrast"].impact == "serious"
    assert by_rule["color-contrast"].nodes[0].target == "p"
    message = axe.describe(serious)
    for expected in ("image-alt (critical, 1 element)", "Images must have alternative text", '<img src="dot.png">'):
        assert expected in message


def test_the_audit_passes_a_clean_page(samples: str, chromium: Any) -> None:
    # A page without `axe.install`: `audit` injects axe itself.
    page = chromium.new_page(viewport={"width": 390, "height": 844}, color_scheme="dark")
    try:
        page.goto(samples + "clean.html", wait_until="load")
        assert page.evaluate("document.querySelector('img').naturalWidth") == 1
        assert page.evaluate("typeof window.axe") == "undefined"
        found = axe.audit(page)
        assert page.evaluate("typeof window.axe.run") == "function"
        assert found == [], axe.describe(found)
    finally:
        page.close()


def test_a_missing_axe_fails_and_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, chromium: Any
) -> None:
    monkeypatch.setattr(axe, "AXE", tmp_path / "axe.min.js")
    page = chromium.new_page()
    try:
        page.set_content("<!doctype html><html lang='en'><title>t</title><main><img src='x.png'></main></html>")
        # A failure, not a skip: CI must not pass an audit that never ran.
        with pytest.raises(pytest.fail.Exception, match=r"axe\.min\.js is missing: run `make routes`"):
            axe.audit(page)
    finally:
        page.close()
