"""The `mldesign` theme: Material underneath, its search, and no outside requests."""

from __future__ import annotations

import json

from tests.conftest import BuildSite
from tests.designs import FULL_DESIGN, SMALL_DESIGN

PAGES = {"index.md": "# Home\n", "designs/face.md": FULL_DESIGN, "designs/identity.md": SMALL_DESIGN}


def test_plain_search_entry_gets_materials_search(build_site: BuildSite) -> None:
    built = build_site(PAGES, theme="mldesign")
    index = json.loads(built.html("search/search_index.json"))
    # Material's search writes its own config (separator, pipeline); MkDocs' does not.
    assert "separator" in index["config"]
    assert "pipeline" in index["config"]
    assert (built.site / "assets/javascripts/workers").is_dir()


def test_theme_extends_material_without_web_fonts(build_site: BuildSite) -> None:
    built = build_site(PAGES, theme="mldesign")
    html = built.html("designs/face/index.html")
    assert "assets/stylesheets/main." in html  # Material's own stylesheet
    assert "fonts.googleapis.com" not in html
    assert "fonts.gstatic.com" not in html
    assert 'data-md-color-scheme="default"' in html or "data-md-color-media" in html


def test_theme_links_its_own_stylesheet_on_every_page(build_site: BuildSite) -> None:
    """The theme's changes to Material's look (tests/browser/test_accessibility.py audits
    them) come with the theme: linked from each page, copied into the site."""
    built = build_site(PAGES, theme="mldesign")
    for page, href in (
        ("index.html", "assets/mldesign-theme/theme.css"),
        ("designs/face/index.html", "../../assets/mldesign-theme/theme.css"),
    ):
        assert f'<link rel="stylesheet" href="{href}">' in built.html(page)
    css = (built.site / "assets/mldesign-theme/theme.css").read_text(encoding="utf-8")
    assert ".md-copyright" in css
