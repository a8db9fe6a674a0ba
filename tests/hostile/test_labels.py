"""Hostile round 3: a site's labels are text, never code or markup.

`labels:` in mkdocs.yml used to be filled with `str.format`: a field could walk Python
objects (and print the environment into a page), raise, or pad a page to megabytes; and
three labels reached the page as markup. A pull request that edits mkdocs.yml must get
neither code nor script into the published site.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml
from markupsafe import Markup, escape

from mkdocs_mldesign.core.labels import Labels
from mkdocs_mldesign.core.schema import load_template
from mkdocs_mldesign.core.settings import SettingsError
from tests.conftest import NewTab, serve_folder
from tests.core.test_cli import run, write
from tests.designs import MINIMAL, page
from tests.routes.test_zensical import zensical

MKDOCS = Path(sys.executable).parent / "mkdocs"
SECRET = "s3cr3t-token-from-the-ci-job"


def _site(root: Path, labels: Mapping[str, object], *, theme: str = "mldesign", nav: bool = False) -> Path:
    config: dict[str, object] = {
        "site_name": "Labels",
        "theme": {
            "name": theme,
            "palette": [
                {"scheme": "default", "toggle": {"icon": "material/brightness-4", "name": "Switch to dark mode"}},
                {"scheme": "slate", "toggle": {"icon": "material/brightness-7", "name": "Switch to light mode"}},
            ],
        },
        "plugins": ["search", {"mldesign": {"labels": dict(labels)}}],
    }
    if nav:
        config["nav"] = [{"Home": "index.md"}, {"A": "designs/a.md"}]
    write(root / "mkdocs.yml", yaml.safe_dump(config, sort_keys=False))
    write(root / "docs/index.md", "# Home\n")
    write(root / "docs/designs/a.md", page(MINIMAL, title="A design"))
    return root


def _mkdocs(root: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "SECRET": SECRET, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [str(MKDOCS), "build", "-q"], cwd=root, capture_output=True, text=True, timeout=120, env=env, check=False
    )


def _line_of(root: Path, key: str) -> str:
    """`LINE:COLUMN` of `key` in the site's mkdocs.yml."""
    text = (root / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, x in enumerate(text, 1) if f"{key}:" in x)
    return f"{line}:{text[line - 1].index(key) + 1}"


WALKS_OBJECTS = "{state.escape.__globals__[os].environ[SECRET]}"


@pytest.mark.parametrize(
    "text",
    [
        WALKS_OBJECTS,
        "{section.__class__}",
        "{state[0]}",
        "{state!r}",
        "{state:>50000000}",
        "{}",
        "{",
        "}",
        "a {nope} b",
        "{section.nope}",
    ],
)
def test_a_label_that_is_not_plain_text_with_its_values_is_a_located_error(tmp_path: Path, text: str) -> None:
    root = _site(tmp_path, {"state.cell": text})
    built = _mkdocs(root)
    assert built.returncode != 0
    assert "Traceback" not in built.stderr
    assert SECRET not in built.stderr + built.stdout
    assert f"mkdocs.yml:{_line_of(root, 'state.cell')}: mldesign: `labels.state.cell`" in built.stderr, built.stderr
    checked = run("check", cwd=root)
    assert checked.returncode == 2
    assert "Traceback" not in checked.stderr
    assert "`labels.state.cell`" in checked.stderr
    assert not (root / "site/designs/index.html").exists()


def test_the_error_names_the_line_of_the_label(tmp_path: Path) -> None:
    root = _site(tmp_path, {"checklist.heading": "ok", "state.cell": "{count:50000000}"})
    checked = run("labels", cwd=root)
    assert f"mkdocs.yml:{_line_of(root, 'state.cell')}: mldesign: `labels.state.cell`" in checked.stderr


def test_a_label_with_its_own_values_still_works(tmp_path: Path) -> None:
    root = _site(tmp_path, {"state.cell": "{section} ist {state}"})
    built = _mkdocs(root)
    assert built.returncode == 0, built.stderr
    overview = (root / "site/designs/index.html").read_text(encoding="utf-8")
    assert " ist " in overview


@pytest.mark.parametrize(
    "template",
    [WALKS_OBJECTS, "{count:99999999}", "{", "{}", "{count!s}", "{{count}}", "{0}", "<b>{count}</b>"],
)
def test_filling_a_label_cannot_raise_or_read_anything_but_its_values(template: str) -> None:
    """A shipped or site label reaching `Labels.__call__` (whatever the check let through)."""
    labels = Labels("en", "en", ({"x": template}, {}, {}))
    plain = labels("x", count=3)
    assert plain == template.replace("{count}", "3")  # every other brace kept as written, never read
    marked = labels("x", count=3, state=Markup("<i>ok</i>"))
    assert isinstance(marked, Markup)
    assert str(marked) == str(escape(template)).replace("{count}", "3")  # the label's own text escaped


def test_a_checked_label_refuses_what_filling_would_not_read() -> None:
    template = load_template()
    with pytest.raises(SettingsError) as caught:
        Labels.build(template, "en", {"state.cell": WALKS_OBJECTS})
    assert caught.value.path == ("labels", "state.cell")


PAYLOADS = {
    "overview.title": "<img src=x onerror=alert(1)>R&D designs",
    "theme.to_dark": '"><script>alert(2)</script>',
    "theme.to_light": "x' onmouseover='alert(3)",
}


@pytest.mark.parametrize(("theme", "nav"), [("mldesign", False), ("mldesign", True), ("material", False)])
def test_labels_reach_every_page_as_text(tmp_path: Path, theme: str, nav: bool) -> None:
    root = _site(tmp_path, PAYLOADS, theme=theme, nav=nav)
    built = _mkdocs(root)
    assert built.returncode == 0, built.stderr
    pages = list((root / "site").rglob("*.html"))
    assert len(pages) >= 3
    for path in pages:
        html = path.read_text(encoding="utf-8")
        for raw in ("<img src=x", "<script>alert(2)", "' onmouseover='", '"><script>'):
            assert raw not in html, f"{path.name}: {raw}"
    overview = (root / "site/designs/index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;R&amp;D designs" in overview
    assert "R&amp;amp;D" not in overview  # escaped once, not twice


def test_labels_reach_the_zensical_site_as_text(tmp_path: Path) -> None:
    root = _site(tmp_path, PAYLOADS, nav=True)
    staged = run("zensical", cwd=root)
    assert staged.returncode == 0, staged.stderr
    built = zensical(root, "-f", "mkdocs.mldesign.yml")
    assert built.returncode == 0, built.stdout + built.stderr
    pages = list((root / "site").rglob("*.html"))
    assert pages
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert "<img src=x" not in html, path.name


BROWSER_PAYLOADS = {
    "overview.title": "<img src=x onerror=\"window.__ran='title'\">R&D designs",
    "theme.to_dark": '"><img src=x onerror="window.__ran=\'dark\'">',
    "theme.to_light": "x\" onmouseover=\"window.__ran='light'\" autofocus onfocus=\"window.__ran='focus'",
    "checklist.heading": "<script>window.__ran='checklist'</script>Checklist",
}


@pytest.mark.browser
def test_no_label_runs_script_in_chromium(tmp_path: Path, new_tab: NewTab) -> None:
    root = _site(tmp_path, BROWSER_PAYLOADS)
    built = _mkdocs(root)
    assert built.returncode == 0, built.stderr
    with serve_folder(root / "site") as base:
        tab = new_tab(base)
        for path in ("", "designs/", "designs/a/"):
            tab.open(path)
            tab.page.hover("label[for^='__palette']", timeout=5000)
            tab.page.keyboard.press("Tab")
            assert tab.page.evaluate("window.__ran || ''") == "", path
            assert tab.page.locator("img[src='x']").count() == 0, path
        tab.open("designs/")
        assert tab.page.get_by_text("R&D designs", exact=False).count() >= 1  # the label, shown as text
