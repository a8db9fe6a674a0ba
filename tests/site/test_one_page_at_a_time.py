"""A design page's HTML is rendered just before MkDocs renders the page and let go once
it is written: every reader of the page in between sees it, and the site does not hold
every design's HTML until the build ends."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from mkdocs_mldesign.core.settings import Settings
from mkdocs_mldesign.core.site import Site
from mkdocs_mldesign.publish.render import Renderer
from tests.conftest import EXAMPLE_SITE, build_folder

HOOK = """
import json
from mkdocs.plugins import event_priority

seen = {}

@event_priority(50)
def on_page_context(context, page, config, nav):
    seen.setdefault(page.file.src_uri, {})["page_context"] = 'class="mldesign' in (page.content or "")
    return context

def on_post_page(output, page, config):
    seen[page.file.src_uri]["post_page"] = 'class="mldesign' in (page.content or "")
    return output

def on_post_build(config):
    after = {f.src_uri: 'class="mldesign' in (f.page.content or "") for f in config["_mldesign_files"]}
    with open(config.config_file_path + ".seen.json", "w") as handle:
        json.dump({"during": seen, "after": after}, handle)

def on_files(files, config):
    config["_mldesign_files"] = [f for f in files.documentation_pages()]
    return files
"""


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    root = tmp_path_factory.mktemp("one-at-a-time") / "example_site"
    shutil.copytree(EXAMPLE_SITE, root, ignore=shutil.ignore_patterns("site"))
    (root / "hook.py").write_text(HOOK, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - hook.py\n", encoding="utf-8")
    build_folder(config, root / "site", strict=True)
    result: dict[str, dict[str, object]] = json.loads(Path(f"{config}.seen.json").read_text(encoding="utf-8"))
    return result


DESIGNS = [f"designs/{n}.md" for n in ("face-verification", "identity-service", "no-show-prediction")]


def test_readers_of_the_page_see_the_design_while_it_is_built(seen: dict[str, dict[str, object]]) -> None:
    during = seen["during"]
    for page in [*DESIGNS, "designs/index.md"]:
        assert during[page] == {"page_context": True, "post_page": True}, page
    assert during["about.md"] == {"page_context": False, "post_page": False}


def test_no_design_html_is_held_once_its_page_is_written(seen: dict[str, dict[str, object]]) -> None:
    after = seen["after"]
    assert [p for p, held in after.items() if held] == []
    assert set(DESIGNS) <= set(after)


def test_the_overview_summary_is_the_content_without_its_bodies() -> None:
    site = Site.load(Settings())
    docs = EXAMPLE_SITE / "docs"
    results = [
        site.check_file(path, src_uri=path.relative_to(docs).as_posix(), file=str(path), docs_dir=docs)
        for path in sorted(docs.glob("designs/*.md"))
    ]
    renderer = Renderer(site.template, site.settings)
    designs = [r.design for r in results if r.design is not None]
    assert len(designs) == 4
    for design in designs:
        content = renderer.content(design)
        bare = tuple(
            replace(s, fields=(), html=None, objectives=(), metrics=(), metric_notes_html=()) for s in content.checklist
        )
        summary = renderer.summary(design)
        assert summary.checklist == bare
        assert summary.gaps == tuple(s for s in bare if s.state in ("partial", "missing"))
