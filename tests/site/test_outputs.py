"""Where the plugin writes, and what it writes into pages' titles and tables of contents."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from tests.conftest import BuildSite, write_site
from tests.designs import SMALL_DESIGN, page


def refused(tmp_path: Path, plugin: dict[str, object]) -> str:
    """The message of the PluginError that stops a real build (MkDocs wraps it in Abort)."""
    config = write_site(tmp_path, {"index.md": "# Home\n", "designs/identity.md": SMALL_DESIGN}, plugin=plugin)
    with pytest.raises(Abort) as caught:
        build(load_config(str(config)))
    cause = caught.value.__context__
    assert isinstance(cause, PluginError), repr(cause)
    return str(cause)


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("overview", "/tmp/mldesign-outside.md", "must name a file inside the site"),
        ("overview", "../../x.md", "must name a file inside the site"),
        ("export", "../../x.json", "must name a file inside the site"),
        ("export", "api/", "must name a file inside the site"),
        ("export", "C:\\\\x.json", "must name a file inside the site"),
        ("export", "assets/mldesign/mldesign.css", "would replace one of the plugin's own files"),
        ("export", "badges/all.svg", "would replace one of the plugin's own files"),
        ("export", "index.html", "would replace index.md"),
    ],
)
def test_an_output_path_outside_its_place_is_refused_naming_the_option(
    tmp_path: Path, option: str, value: str, words: str
) -> None:
    message = refused(tmp_path, {option: value})
    assert f"`{option}: " in message
    assert words in message
    assert not Path("/tmp/mldesign-outside.md").exists()
    assert not (tmp_path.parent / "x.json").exists()


def test_an_overview_that_names_a_design_page_is_refused(tmp_path: Path) -> None:
    assert "names a design page" in refused(tmp_path, {"overview": "designs/identity.md"})


def test_a_design_cannot_take_the_site_badges_name(build_site: BuildSite) -> None:
    built = build_site(
        {"index.md": "# Home\n", "designs/a.md": page({"id": "all", "status": "draft", "owners": ["A"]})},
        expect_warnings=True,
    )
    assert any("the id `all` is reserved" in w for w in built.warnings())
    assert "designs" in built.html("badges/all.svg")  # still the site's badge
    assert (built.site / "badges/a.svg").is_file()


def test_titles_are_escaped_once_and_extension_titles_in_the_toc_too(build_site: BuildSite, tmp_path: Path) -> None:
    payload = "<img src=x onerror=alert(1)>"
    pages = {
        "index.md": "# Home\n",
        "designs/a.md": page({"status": "draft", "owners": ["A"]}, title="R&D " + payload),
        "designs/b.md": f"---\ntitle: '{payload}'\ndesign: [not, a, mapping]\n---\n\nText.\n",
        "designs/c.md": f"---\ntitle: '{payload}'\ndesign: missing.design.yaml\n---\n\nText.\n",
    }
    built = build_site(pages, expect_warnings=True)
    for name in ("a", "b", "c"):
        html = built.html(f"designs/{name}/index.html")
        assert payload not in html, name
        assert "&lt;img src=x onerror=alert(1)&gt;" in html, name
    # Escaped once: Material's footer escapes the title itself, and must not show `&amp;amp;`.
    around = built.html("designs/index.html") + built.html("designs/b/index.html")
    assert "R&amp;D" in around  # the neighbours name it in their footer
    assert "&amp;amp;" not in around


def test_extension_titles_reach_the_table_of_contents_as_text(build_site: BuildSite, tmp_path: Path) -> None:
    payload = "<img src=x onerror=alert(2)>"
    extension = tmp_path / "ext.yaml"
    extension.write_text(
        "x-mldesign:\n  groups:\n    - {key: risk, title: '" + payload + "'}\n"
        "properties:\n  review:\n    title: '" + payload + "'\n    x-mldesign: {group: risk}\n    type: string\n",
        encoding="utf-8",
    )
    data = {"status": "draft", "owners": ["A"], "review": "Done by the committee"}
    built = build_site(
        {"index.md": "# Home\n", "designs/a.md": page(data, title="A")}, plugin={"extension_schema": str(extension)}
    )
    html = built.html("designs/a/index.html")
    assert payload not in html
    assert html.count("&lt;img src=x onerror=alert(2)&gt;") >= 4  # group and section, in the page and its TOC
