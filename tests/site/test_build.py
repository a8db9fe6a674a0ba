"""Builds of real sites with the plugin, under each theme."""

from __future__ import annotations

import json
import re

import pytest
from mkdocs.exceptions import Abort

from mkdocs_mldesign.routes.cli.main import main
from tests.conftest import THEMES, BuildSite, Capture
from tests.designs import FULL_DESIGN, SMALL_DESIGN

PAGES = {
    "index.md": "# Home\n\nAn ordinary page.\n",
    "designs/face.md": FULL_DESIGN,
    "designs/identity.md": SMALL_DESIGN,
}


def section_ids(html: str) -> list[str]:
    return re.findall(r'<h3 id="mldesign-([a-z_]+)"', html)


@pytest.mark.parametrize("theme", THEMES)
def test_design_page_under_every_theme(build_site: BuildSite, theme: str) -> None:
    built = build_site(PAGES, theme=theme)
    page = built.html("designs/face/index.html")
    assert 'data-mldesign-completeness="100"' in page
    assert section_ids(page) == [
        "background",
        "value_proposition",
        "objectives",
        "solution",
        "feasibility",
        "data",
        "labeling",
        "metrics",
        "evaluation",
        "modeling",
        "inference",
        "feedback",
    ]
    assert page.index('id="mldesign-group-product"') < page.index('id="mldesign-group-system"')
    # Authors' Markdown is rendered, and the relative link resolved to the other page.
    assert "<strong>returning</strong>" in page
    assert 'href="../identity/"' in page
    # The stylesheet is in the site and linked from the page.
    assert (built.site / "assets/mldesign/mldesign.css").is_file()
    assert "assets/mldesign/mldesign.css" in page
    small = built.html("designs/identity/index.html")
    assert 'data-mldesign-completeness="' in small
    assert "No labels are used" in small


def test_sections_are_in_toc_and_search(build_site: BuildSite) -> None:
    built = build_site(PAGES, theme="material")
    page = built.html("designs/face/index.html")
    toc = page[page.index('class="md-nav md-nav--secondary"') :]
    assert 'href="#mldesign-metrics"' in toc
    assert 'href="#mldesign-group-system"' in toc
    index = json.loads(built.html("search/search_index.json"))
    locations = {d["location"] for d in index["docs"]}
    assert "designs/face/#mldesign-metrics" in locations


def test_checklist_names_gaps_with_questions(build_site: BuildSite) -> None:
    built = build_site(PAGES)
    page = built.html("designs/identity/index.html")
    checklist = page[page.index("mldesign-checklist") :]
    # A section that is missing links to its heading and asks its guiding question.
    assert 'href="#mldesign-metrics"' in checklist
    assert "Which quantitative metrics stand for the objectives" in checklist
    # A partial section names the fields still to write.
    assert "What are those users ultimately trying to get done?" in checklist


def test_overview_badges_and_export(build_site: BuildSite) -> None:
    built = build_site(PAGES)
    overview = built.html("designs/index.html")
    assert "mldesign-overview" in overview
    assert overview.count('data-mldesign-completeness="') >= 2
    assert 'href="../designs/face/"' in overview or 'href="face/"' in overview
    assert "mldesign-matrix" in overview
    face_badge = (built.site / "badges/face.svg").read_text(encoding="utf-8")
    assert "100%" in face_badge
    assert (built.site / "badges/all.svg").is_file()
    export = json.loads(built.html("designs.json"))
    by_id = {d["id"]: d for d in export["designs"]}
    assert by_id["face"]["completeness"] == 100
    assert by_id["face"]["url"] == "designs/face/"
    assert set(by_id["face"]) >= {"id", "title", "url", "status", "owners", "completeness", "sections", "problems"}
    assert by_id["identity"]["sections"]["labeling"] == 1.0
    assert (built.site / "canvas/face.html").is_file()


def test_invalid_design_warns_with_location_and_still_builds(build_site: BuildSite) -> None:
    bad = FULL_DESIGN.replace("status: approved", "status: aproved").replace("    pains:", "    painz:")
    built = build_site({**PAGES, "designs/face.md": bad}, expect_warnings=True)
    warnings = built.warnings()
    assert any(
        w.startswith("mkdocs_mldesign: docs/designs/face.md:6:11: error schema-enum design.status:") and "approved" in w
        for w in warnings
    ), warnings
    assert any("design.background.painz" in w and "did you mean `pains`?" in w for w in warnings), warnings
    page = built.html("designs/face/index.html")
    assert "admonition failure" in page
    assert "aproved" in page
    # Other pages are untouched by the problem.
    assert "admonition" not in built.html("index.html")


def test_the_build_log_says_what_the_command_says(
    build_site: BuildSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Severity and rule id in both places: a warning never reads like an error."""
    bad = FULL_DESIGN.replace("status: approved", "status: aproved").replace('version: "1.2"', "version: 1.10")
    assert bad.count("1.10") == 1
    built = build_site({**PAGES, "designs/face.md": bad}, expect_warnings=True)
    prefix = "mkdocs_mldesign: "
    from_build = sorted(w[len(prefix) :] for w in built.warnings() if w.startswith(prefix))
    monkeypatch.chdir(built.root)
    main(["check", "docs"])
    from_command = sorted(
        line for line in capsys.readouterr().out.splitlines() if re.match(r"docs/designs/[^:]+:\d+:\d+: ", line)
    )
    assert from_build == from_command
    assert any(": warning yaml-number design.version: " in line for line in from_build), from_build
    assert any(": error schema-enum design.status: " in line for line in from_build), from_build


def test_strict_build_fails_on_a_problem(build_site: BuildSite) -> None:
    bad = FULL_DESIGN.replace("status: approved", "status: nope")
    with pytest.raises(Abort):
        build_site({**PAGES, "designs/face.md": bad}, strict=True, expect_warnings=True)


def test_yaml_error_is_reported_and_page_builds(build_site: BuildSite) -> None:
    broken = "---\ntitle: Broken\ndesign:\n  status: draft\n  owners: [a\n---\n\n# Broken\n"
    built = build_site({**PAGES, "designs/broken.md": broken}, expect_warnings=True)
    assert any(
        w.startswith("mkdocs_mldesign: docs/designs/broken.md:6:1:") and "starts on line 5, column 11" in w
        for w in built.warnings()
    )
    page = built.html("designs/broken/index.html")
    assert "admonition failure" in page
    # The unreadable front matter is reported, not shown to readers as body text.
    assert "owners: [a" not in page
    assert "<h1" in page
    assert "Broken</h1>" in page or 'id="broken">Broken' in page


def test_author_html_and_script_links_are_neutralised(build_site: BuildSite) -> None:
    hostile = FULL_DESIGN.replace(
        "goals: Check in without queuing.",
        "goals: '<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>'",
    )
    built = build_site({**PAGES, "designs/face.md": hostile})
    page = built.html("designs/face/index.html")
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page
    assert "javascript:" not in page
    assert "<img src=x" not in page


@pytest.mark.parametrize(("placement", "marker"), [("top", False), ("bottom", False), ("top", True)])
def test_placement(build_site: BuildSite, placement: str, marker: bool) -> None:
    page = FULL_DESIGN + "\n## Before\n\ntext\n\n" + ("<!-- mldesign -->\n\n" if marker else "") + "## After\n\nend\n"
    pages = {"designs/face.md": page, "designs/identity.md": SMALL_DESIGN}
    built = build_site(pages, plugin={"placement": placement, "overview": False})
    html = built.html("designs/face/index.html")
    design_at = html.index('class="mldesign"')
    before, after = html.index('id="before"'), html.index('id="after"')
    if marker:
        assert before < design_at < after
    elif placement == "top":
        assert design_at < before
    else:
        assert design_at > after


def test_overview_and_export_can_be_disabled(build_site: BuildSite) -> None:
    built = build_site(PAGES, plugin={"overview": False, "export": False, "badges": False})
    assert not (built.site / "designs/index.html").exists()
    assert not (built.site / "designs.json").exists()
    assert not (built.site / "badges").exists()


@pytest.mark.parametrize(
    ("plugin", "message"),
    [
        ({"overview": "designs/index.html"}, "`overview` must be a Markdown path"),
        ({"statuses": [{"name": "draft"}, {"name": "draft"}]}, "repeated: draft"),
        ({"lint": {"no-such-rule": "off"}}, "unknown rule `no-such-rule`"),
        ({"extension_schema": "ext.yaml"}, "the extension schema"),
    ],
)
def test_broken_config_stops_the_build_with_a_clear_message(
    build_site: BuildSite, capture_mkdocs_log: Capture, plugin: dict[str, object], message: str
) -> None:
    pages = {**PAGES, "../ext.yaml": "properties: [not, a, mapping\n"}
    with pytest.raises(Abort):
        build_site(pages, plugin=plugin, expect_warnings=True)
    errors = [r.getMessage() for r in capture_mkdocs_log.records if r.levelname == "ERROR"]
    assert any(message in e and e.count("Traceback") == 0 for e in errors), errors


def test_theme_makes_no_outside_request(build_site: BuildSite) -> None:
    built = build_site(PAGES, theme="mldesign")
    for page in ("index.html", "designs/face/index.html", "designs/index.html"):
        html = built.html(page)
        external = re.findall(r'<(?:link|script)[^>]+(?:href|src)="(https?:)?//[^"]+"', html)
        assert external == [], (page, external)


def test_design_pages_carry_their_metadata_in_head(build_site: BuildSite) -> None:
    built = build_site(PAGES, theme="mldesign")
    head = built.html("designs/face/index.html").split("</head>", 1)[0]
    assert '<meta name="mldesign:completeness" content="100">' in head
    assert '<meta name="mldesign:status" content="approved">' in head
    assert "mldesign:completeness" not in built.html("index.html").split("</head>", 1)[0]


def test_a_partial_is_overridden_from_custom_dir(build_site: BuildSite) -> None:
    pages = {**PAGES, "../overrides/partials/mldesign/checklist.html": "<p id='our-own-checklist'>{{ design.id }}</p>"}
    built = build_site(pages, theme="mldesign", extra={"theme": {"name": "mldesign", "custom_dir": "overrides"}})
    page = built.html("designs/face/index.html")
    assert "<p id='our-own-checklist'>face</p>" in page
    assert "mldesign-checklist" not in page
    # The rest of the design block is still ours.
    assert 'id="mldesign-metrics"' in page


def test_a_canvas_box_overridden_as_the_docs_say_still_builds(build_site: BuildSite) -> None:
    """A copy of canvas-section.html written before the printed sheet's plan existed keeps
    working: the macro's name and arguments are what the docs promise."""
    macro = "{% macro canvas_section(s, design) %}<p class='our-box'>{{ s.title }}</p>{% endmacro %}"
    pages = {**PAGES, "../overrides/partials/mldesign/canvas-section.html": macro}
    built = build_site(pages, theme="mldesign", extra={"theme": {"name": "mldesign", "custom_dir": "overrides"}})
    canvas = built.html("canvas/face.html")
    assert "<p class='our-box'>Metrics</p>" in canvas
    assert "mldesign-canvas__more" not in canvas


def test_the_url_filter_works_in_overridden_fragments(build_site: BuildSite) -> None:
    override = "<a id='home-link' href=\"{{ 'index.html' | url }}\">home</a>"
    pages = {**PAGES, "../overrides/partials/mldesign/relations.html": override}
    built = build_site(pages, theme="material", extra={"theme": {"name": "material", "custom_dir": "overrides"}})
    assert "<a id='home-link' href=\"../../index.html\">home</a>" in built.html("designs/face/index.html")
