"""Material's search reads the plugin's HTML lean (`search_text.lean`) and indexes
exactly what it would index from the whole HTML."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from material.plugins.search.plugin import Parser  # type: ignore[import-untyped]

from mkdocs_mldesign.publish.search_text import lean
from tests.conftest import EXAMPLE_SITE, CorpusBuild, build_folder

# A hook reading pages between the plugin's two page_context handlers: the plugin must then
# hand every reader the whole HTML.
HOOK = """
from mkdocs.plugins import event_priority

@event_priority(0)
def on_page_context(context, page, config, nav):
    return context
"""


def sections(html: str) -> list[tuple[str | None, str, str]]:
    parser = Parser()
    parser.feed(html)
    parser.close()
    return [(s.id, "".join(s.title), "".join(s.text)) for s in parser.data if not s.is_excluded()]


def _article(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    start = html.index("<article")
    return html[html.index(">", start) + 1 : html.index("</article>")]


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example site, built as it is and with the hook in the way."""
    out = []
    for name, hooked in (("plain", False), ("hooked", True)):
        root = tmp_path_factory.mktemp(name) / "example_site"
        shutil.copytree(EXAMPLE_SITE, root, ignore=shutil.ignore_patterns("site"))
        if hooked:
            (root / "hook.py").write_text(HOOK, encoding="utf-8")
            config = root / "mkdocs.yml"
            config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - hook.py\n", encoding="utf-8")
        build_folder(root / "mkdocs.yml", root / "site", strict=True)
        out.append(root / "site")
    return out[0], out[1]


def test_the_index_is_the_same_whether_search_read_the_lean_or_the_whole_html(two_builds: tuple[Path, Path]) -> None:
    plain, hooked = two_builds
    index: list[Any] = [json.loads((s / "search/search_index.json").read_text(encoding="utf-8")) for s in two_builds]
    design_entries = [d for d in index[0]["docs"] if d["location"].startswith("designs/face-verification/#")]
    assert len(design_entries) > 10  # one per group and section of the design
    assert index[0] == index[1]
    # ... and the readers see the same pages.
    for page in sorted(plain.rglob("*.html")):
        assert page.read_bytes() == (hooked / page.relative_to(plain)).read_bytes(), page


def test_lean_html_gives_the_parser_the_same_sections_for_less(two_builds: tuple[Path, Path]) -> None:
    plain, _ = two_builds
    pages = sorted(plain.glob("designs/*/index.html"))
    assert len(pages) == 4
    for page in [*pages, plain / "designs/index.html"]:
        html = _article(page)
        start = html.index('<div class="mldesign')
        block = html[start:]
        assert sections(html[:start] + lean(block)) == sections(html), page
        assert len(lean(block)) < 0.75 * len(block)


@pytest.mark.parametrize(
    "html",
    [
        '<div><h2 id="a">A<a class="headerlink" href="#a" title="x">¶</a></h2>'
        "<p>one <b>two</b> <i> </i>three</p></div>",
        '<section><h3 id="s">S</h3><ul><li><code>x &lt; y</code></li></ul></section><p>after</p>',
        "<details data-search-exclude><summary>x</summary><details>inner</details></details><p>kept</p>",
        '<div data-search-exclude><div><h2 id="hidden">Hidden</h2></div></div><h2 id="b">B</h2><p>b</p>',
        '<p>a <span title="1 &gt; 0">b</span> <a href="x">c</a></p>'
        '<table class="linenodiv"><tr><td>1</td></tr></table>',
        "<h1>No id</h1><p>text</p><img src=x alt=y><br><p>more</p>",
    ],
)
def test_lean_html_keeps_what_the_parser_keeps(html: str) -> None:
    assert sections(lean(html)) == sections(html)


def test_lean_html_on_the_hostile_corpus(built: CorpusBuild) -> None:
    """Authors' text in every odd shape the corpus holds, as the plugin rendered it."""
    checked = 0
    for page in sorted(built.site.rglob("*.html")):
        html = _article(page) if "<article" in page.read_text(encoding="utf-8") else ""
        start = html.find('<div class="mldesign')
        if start == -1:
            continue
        assert sections(html[:start] + lean(html[start:])) == sections(html), page
        checked += 1
    assert checked > 20
