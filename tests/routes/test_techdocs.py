"""Backstage TechDocs: `mkdocs-techdocs-core` with the plugin in either order, built for
real in `.venv-techdocs` (which `make test` installs), and the pages run through
DOMPurify in Chromium with the options of Backstage's TechDocs reader."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import write_site
from tests.designs import FULL_DESIGN, SMALL_DESIGN

ROOT = Path(__file__).resolve().parents[2]
TECHDOCS_MKDOCS = ROOT / ".venv-techdocs/bin/mkdocs"
DOMPURIFY = ROOT / ".node/node_modules/dompurify/dist/purify.min.js"
PAGES = {
    "index.md": "# Home\n",
    "designs/face.md": FULL_DESIGN,
    "designs/identity.md": SMALL_DESIGN,
}
#: Backstage's TechDocs reader (plugins/techdocs/src/reader/transformers/sanitizeDOM).
SANITIZE = "{ADD_TAGS: ['link'], FORBID_TAGS: ['style'], WHOLE_DOCUMENT: true, RETURN_DOM: true}"


def _require(path: Path) -> None:
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: `make test` (or `make routes`) installs it", pytrace=False)


def techdocs_build(tmp: Path, order: tuple[str, str]) -> Path:
    _require(TECHDOCS_MKDOCS)
    config = write_site(tmp, PAGES, theme="material")
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data.pop("theme")  # techdocs-core sets its own
    data["plugins"] = list(order)
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = subprocess.run(
        [str(TECHDOCS_MKDOCS), "build", "--strict"], cwd=tmp, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return tmp / "site"


@pytest.fixture(scope="module", params=[("techdocs-core", "mldesign"), ("mldesign", "techdocs-core")], ids=str)
def techdocs_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return techdocs_build(tmp_path_factory.mktemp("techdocs"), request.param)


def test_techdocs_builds_designs_overview_badges_and_export(techdocs_site: Path) -> None:
    page = (techdocs_site / "designs/face/index.html").read_text(encoding="utf-8")
    assert page.count('class="mldesign"') == 1
    assert 'data-mldesign-section="metrics"' in page
    overview = (techdocs_site / "designs/index.html").read_text(encoding="utf-8")
    assert set(re.findall(r'<tr data-mldesign-id="([^"]+)"', overview)) == {"face", "identity"}
    assert "100%" in (techdocs_site / "badges/face.svg").read_text(encoding="utf-8")
    export = json.loads((techdocs_site / "designs.json").read_text(encoding="utf-8"))
    assert {d["id"]: d["completeness"] for d in export["designs"]} == {"face": 100, "identity": 11}


def _sanitized(chromium: Any, html: str, script: str) -> Any:
    _require(DOMPURIFY)
    page = chromium.new_page()
    try:
        page.set_content("<!doctype html><title>reader</title>")
        page.add_script_tag(content=DOMPURIFY.read_text(encoding="utf-8"))
        return page.evaluate(f"(html) => {{ const dom = DOMPurify.sanitize(html, {SANITIZE}); {script} }}", html)
    finally:
        page.close()


@pytest.mark.browser
def test_a_design_page_survives_the_techdocs_sanitiser(techdocs_site: Path, chromium: Any) -> None:
    html = (techdocs_site / "designs/face/index.html").read_text(encoding="utf-8")
    kept = _sanitized(
        chromium,
        html,
        """
        const block = dom.querySelector('.mldesign');
        return {
          sections: [...dom.querySelectorAll('[data-mldesign-section]')].map(e => e.dataset.mldesignSection),
          headings: [...dom.querySelectorAll('.mldesign h3')].map(e => e.textContent.trim()),
          status: block && block.dataset.mldesignStatus,
          text: block ? block.textContent : '',
          scripts: dom.querySelectorAll('script').length,
          styleTags: dom.querySelectorAll('style').length,
        };
        """,
    )
    assert kept["status"] == "approved"
    assert {"background", "metrics", "evaluation", "feedback"} <= set(kept["sections"])
    assert "Metrics" in [h.rstrip("¶") for h in kept["headings"]]
    assert "approved" in kept["text"]
    assert "100% complete" in kept["text"]
    assert kept["scripts"] == 0
    assert kept["styleTags"] == 0


@pytest.mark.browser
def test_the_overview_survives_the_techdocs_sanitiser(techdocs_site: Path, chromium: Any) -> None:
    html = (techdocs_site / "designs/index.html").read_text(encoding="utf-8")
    kept = _sanitized(
        chromium,
        html,
        """
        const rows = [...dom.querySelectorAll('.mldesign-overview tbody tr')];
        return {
          rows: rows.map(r => [r.dataset.mldesignId, r.textContent]),
          matrix: dom.querySelectorAll('.mldesign-matrix tbody tr').length,
          cellWords: [...dom.querySelectorAll('.mldesign-matrix__cell .mldesign-sr-only')].map(e => e.textContent),
          controlsHidden: [...dom.querySelectorAll('.mldesign-overview__controls')].every(e => e.hidden),
        };
        """,
    )
    rows = dict(kept["rows"])
    assert set(rows) == {"face", "identity"}
    assert "100%" in rows["face"]
    assert "approved" in rows["face"]
    assert "11%" in rows["identity"]
    assert kept["matrix"] == 2
    # Without our stylesheet the matrix cells still say their state in words.
    assert len(kept["cellWords"]) == 2 * 12
    assert all(words.strip() for words in kept["cellWords"])
    assert kept["controlsHidden"], "the filter needs our script; without it, it stays hidden"
