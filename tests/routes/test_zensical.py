"""The Zensical route, with the real `zensical` package: `mldesign zensical`, then
`zensical build -f mkdocs.mldesign.yml`, compared with the MkDocs build of the same files.

Every test that runs Zensical runs under the oldest version the route supports (the dev
extra's pin, in `.venv`) and the newest the registry serves that installs (in
`.venv-zensical`, which `make routes` makes): `ZENSICAL_VERSIONS`, named in docs/zensical.md.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from mkdocs_mldesign.routes.zensical.stage import stage
from tests.conftest import EXAMPLE_SITE, run_mldesign, write_site
from tests.designs import FULL_DESIGN, SMALL_DESIGN
from tests.hostile import dom

CORPUS = Path(__file__).resolve().parents[1] / "hostile/corpus"
PAGES = {
    "index.md": "# Home\n\nSee [the designs](designs/index.md).\n",
    "designs/face.md": FULL_DESIGN,
    "designs/identity.md": SMALL_DESIGN,
    "guide.md": "# Guide\n\n## Writing\n\nText.\n",
}


ROOT = Path(__file__).resolve().parents[2]
#: The Zensical versions the route is tested with, each with the Python that has it:
#: the oldest supported (the dev extra pins it) and the newest that installs (0.1.3 and
#: later need a `zensical-ui` the registry does not serve).
ZENSICAL_VERSIONS = {"0.0.73": Path(sys.executable), "0.1.2": ROOT / ".venv-zensical/bin/python"}


@pytest.fixture(params=list(ZENSICAL_VERSIONS), scope="module")
def zpy(request: pytest.FixtureRequest) -> Path:
    """The Python of one tested Zensical version, with mkdocs-mldesign beside it."""
    version: str = request.param
    python = ZENSICAL_VERSIONS[version]
    if not python.exists():
        pytest.fail(f"{python.parent.parent.name} is missing: `make routes` (or `make test`) makes it", pytrace=False)
    found = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('zensical'))"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.stdout.strip() == version, f"{python} has Zensical {found.stdout.strip() or found.stderr}"
    return python


def zensical(root: Path, *args: str, python: Path = Path(sys.executable)) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-m", "zensical", "build", "--clean", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def stage_with(python: Path, root: Path) -> subprocess.CompletedProcess[str]:
    """`mldesign zensical` from the environment that has this Zensical."""
    if python == Path(sys.executable):
        return run_mldesign("zensical", cwd=root)
    return subprocess.run(
        [str(python.parent / "mldesign"), "zensical"],
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def stage_and_build(root: Path, python: Path = Path(sys.executable)) -> Path:
    staged = stage_with(python, root)
    assert staged.returncode == 0, staged.stdout + staged.stderr
    assert "zensical build -f mkdocs.mldesign.yml" in staged.stdout
    built = zensical(root, "-f", "mkdocs.mldesign.yml", python=python)
    assert built.returncode == 0, built.stdout + built.stderr
    return root / "site"


def mkdocs_build(root: Path, out: Path) -> Path:
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(out))
    build(config)
    return out


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory, zpy: Path) -> tuple[Path, Path, Path]:
    """A small site, built once by Zensical (through the stage) and once by MkDocs."""
    root = tmp_path_factory.mktemp("zensical")
    write_site(root, PAGES)
    docs_before = tree_digest(root / "docs")
    site = stage_and_build(root, zpy)
    assert tree_digest(root / "docs") == docs_before, "the stage changed the docs folder"
    return root, site, mkdocs_build(root, root / "site-mkdocs")


def test_design_pages_have_their_sections_checklist_and_badge(zensical_site: tuple[Path, Path, Path]) -> None:
    _, site, _ = zensical_site
    html = (site / "designs/face/index.html").read_text(encoding="utf-8")
    assert html.count('class="mldesign"') == 1
    for anchor in ("mldesign-background", "mldesign-metrics", "mldesign-group-"):
        assert f'id="{anchor}' in html
    assert "mldesign-checklist" in html
    assert 'href="../../badges/face.svg"' in html
    assert "../../assets/mldesign/mldesign.css" in html
    # The design's groups and sections are in the page's table of contents.
    toc = html[html.index("md-nav--secondary") : html.index('class="md-content"')]
    assert 'href="#mldesign-group-product"' in toc
    assert 'href="#mldesign-metrics"' in toc


def test_search_holds_the_design_sections(zensical_site: tuple[Path, Path, Path]) -> None:
    _, site, _ = zensical_site
    index = json.loads((site / "search.json").read_text(encoding="utf-8"))
    locations = {item["location"] for item in index["items"]}
    assert "designs/face/#mldesign-metrics" in locations
    texts = " ".join(item["text"] for item in index["items"])
    assert "sections complete" not in texts, "the checklist is left out of search, as under MkDocs"


def test_overview_badges_canvas_and_export_match_the_mkdocs_build(zensical_site: tuple[Path, Path, Path]) -> None:
    _, site, mkdocs_site = zensical_site

    def rows(folder: Path) -> list[str]:
        return re.findall(
            r'<tr data-mldesign-id="([^"]+)"', (folder / "designs/index.html").read_text(encoding="utf-8")
        )

    assert rows(site) == rows(mkdocs_site) != []
    for name in ("badges/face.svg", "badges/identity.svg", "badges/all.svg", "designs.json"):
        assert (site / name).read_text(encoding="utf-8") == (mkdocs_site / name).read_text(encoding="utf-8"), name
    for design_id in ("face", "identity"):
        canvas = (site / f"canvas/{design_id}.html").read_text(encoding="utf-8")
        assert canvas == (mkdocs_site / f"canvas/{design_id}.html").read_text(encoding="utf-8")


def test_the_same_design_gets_the_same_block_under_both_tools(zensical_site: tuple[Path, Path, Path]) -> None:
    _, site, mkdocs_site = zensical_site

    def block(folder: Path) -> str:
        html = (folder / "designs/identity/index.html").read_text(encoding="utf-8")
        start = html.index('<div class="mldesign"')
        return html[start : html.index("</article>", start)]

    # Zensical drops `data-search-exclude` once it has left the element out of search.
    mkdocs_block = block(mkdocs_site).replace(" data-search-exclude", "")
    assert block(site).split("</div>\n")[0] == mkdocs_block.split("</div>\n")[0]


def test_an_error_in_a_design_fails_the_stage_with_the_located_message(tmp_path: Path) -> None:
    broken = FULL_DESIGN.replace("status: approved", "status: aproved")
    write_site(tmp_path, {**PAGES, "designs/face.md": broken})
    result = run_mldesign("zensical", cwd=tmp_path)
    assert result.returncode == 1
    assert re.search(r"docs/designs/face\.md:\d+:\d+: error schema-enum design\.status", result.stdout), result.stdout
    assert "not staged for Zensical" in result.stderr
    assert not (tmp_path / "mkdocs.mldesign.yml").exists()
    # The MkDocs build reports the same problem, worded the same.
    mkdocs = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    line = next(x for x in result.stdout.splitlines() if "design.status" in x)
    assert line in mkdocs.stderr


def test_a_plain_zensical_build_with_the_guard_stops_and_says_why(tmp_path: Path, zpy: Path) -> None:
    config = write_site(tmp_path, PAGES)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["markdown_extensions"].append("mkdocs_mldesign.zensical")
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = zensical(tmp_path, python=zpy)
    assert result.returncode != 0
    assert "mldesign: this build runs without the mldesign plugin" in result.stderr
    # MkDocs, where the plugin runs, builds the same config strictly.
    mkdocs = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], cwd=tmp_path, capture_output=True, check=False
    )
    assert mkdocs.returncode == 0, mkdocs.stderr


def test_without_the_guard_the_theme_says_the_design_was_not_rendered(tmp_path: Path, zpy: Path) -> None:
    write_site(tmp_path, PAGES)
    result = zensical(tmp_path, python=zpy)
    assert result.returncode == 0, result.stderr
    assert "This design was not rendered" in (tmp_path / "site/designs/face/index.html").read_text(encoding="utf-8")
    assert "This design was not rendered" not in (tmp_path / "site/guide/index.html").read_text(encoding="utf-8")


def test_a_stage_older_than_its_pages_is_refused(tmp_path: Path, zpy: Path) -> None:
    write_site(tmp_path, PAGES)
    stage_and_build(tmp_path, zpy)
    guide = tmp_path / "docs/guide.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    result = zensical(tmp_path, "-f", "mkdocs.mldesign.yml", python=zpy)
    assert result.returncode != 0
    assert "guide.md changed after the stage was written: run `mldesign zensical` again" in result.stderr


def test_files_mldesign_did_not_write_are_never_replaced(tmp_path: Path) -> None:
    write_site(tmp_path, PAGES)
    mine = tmp_path / "mkdocs.mldesign.yml"
    mine.write_text("site_name: mine\n", encoding="utf-8")
    result = run_mldesign("zensical", cwd=tmp_path)
    assert result.returncode == 2
    assert "mkdocs.mldesign.yml exists and was not written by mldesign" in result.stderr
    assert mine.read_text(encoding="utf-8") == "site_name: mine\n"
    mine.unlink()
    foreign = tmp_path / ".mldesign/zensical"
    foreign.mkdir(parents=True)
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run_mldesign("zensical", cwd=tmp_path)
    assert result.returncode == 2
    assert "was not written by mldesign" in result.stderr
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_the_example_site_builds_with_zensical(tmp_path: Path, zpy: Path) -> None:
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE_SITE, root, ignore=shutil.ignore_patterns("site", "site-*", ".mldesign", ".cache"))
    (root / "mkdocs.mldesign.yml").unlink(missing_ok=True)
    site = stage_and_build(root, zpy)
    export = json.loads((site / "designs.json").read_text(encoding="utf-8"))
    assert export["format"] == 4
    assert export["site"] == {"name": "Kera ML design portal", "url": "https://designs.kera.example/"}
    flagship = next(d for d in export["designs"] if d["id"] == "face-verification")
    assert {m["measured"]["verdict"] for m in flagship["metrics"]} == {"met", "not-checkable"}  # its results file
    assert {d["id"] for d in export["designs"]} == {
        "face-verification",
        "identity-service",
        "no-show-prediction",
        "triage-notes-summariser",
    }
    overview = (site / "designs/index.html").read_text(encoding="utf-8")
    assert overview.count('<tr data-mldesign-id="face-verification"') == 3  # the list, the matrix, Annex IV's


def test_nothing_from_the_hostile_corpus_runs_in_the_zensical_site(tmp_path: Path, zpy: Path) -> None:
    """Every corpus page, staged even though the site has errors (the command would refuse),
    then built by Zensical: no design block, overview row or canvas holds anything active,
    and no hostile title or tag reaches Zensical's own header, nav or tags as markup."""
    shutil.copytree(CORPUS, tmp_path / "docs")
    write_site(tmp_path, {})
    staged = stage(tmp_path / "mkdocs.yml")
    assert staged.report.unreadable, "the corpus has unreadable designs, which must be staged too"
    result = zensical(tmp_path, "-f", "mkdocs.mldesign.yml", python=zpy)
    assert result.returncode == 0, result.stderr[-3000:]
    site = tmp_path / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for injected in ("<script>alert", 'onmouseover="alert', "<img src=x"):
            assert injected not in html, f"{page.relative_to(site)} holds {injected!r} as markup"
        tree = dom.parse(html)
        nodes = tree.find(lambda n: "mldesign" in n.classes() or n.attrs.get("data-mldesign-id") is not None)
        if page.parent.name == "canvas":
            nodes = tree.find(lambda n: n.tag == "body")
        for node in nodes:
            assert dom.dangers(node) == [], page.relative_to(site)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (b"\xff\xfe not text", "mkdocs.yml: not UTF-8 text"),
        (b"site_name: [unclosed\n", "mkdocs.yml:2:1: not valid YAML"),
        (b"site_name: " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deeply to be a config"),
        (b"- a\n- b\n", "a config must be a mapping of settings"),
        (b"site_name: T\nINHERIT: mkdocs.yml\n", "`INHERIT` must name one parent config"),
        (b"site_name: T\nplugins:\n  - mldesign: 5\n", "the options of `mldesign` under `plugins` must be a mapping"),
        (b"site_name: T\nplugins:\n  - mldesign:\n      bogus: 1\n", "unknown option `bogus`"),
        (b"site_name: T\nplugins:\n  - mldesign:\n      export: ../out.json\n", "`export: ../out.json` must name"),
        (b"site_name: T\ndocs_dir: nowhere\n", "the docs folder nowhere does not exist"),
    ],
    ids=["not-utf8", "bad-yaml", "deep", "list", "inherit-loop", "options-scalar", "unknown", "export-out", "no-docs"],
)
def test_a_config_the_stage_cannot_use_gets_a_message(tmp_path: Path, config: bytes, message: str) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_bytes(config)
    result = run_mldesign("zensical", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "mkdocs.mldesign.yml").exists()


def test_markers_in_code_and_in_other_pages_are_left_alone(tmp_path: Path, zpy: Path) -> None:
    fenced = "\n```markdown\n<!-- mldesign -->\n```\n"
    overview = "# All designs\n\n```\n<!-- mldesign-overview -->\n```\n"
    fake = "# Notes\n\n<!-- mldesign:fragment 0123456789abcdef 0123456789abcdef0123456789abcdef -->\n"
    pages = {**PAGES, "designs/face.md": FULL_DESIGN + fenced, "designs/index.md": overview, "notes.md": fake}
    write_site(tmp_path, pages)
    site = stage_and_build(tmp_path, zpy)
    face = (site / "designs/face/index.html").read_text(encoding="utf-8")
    assert face.count('class="mldesign"') == 1  # placed at the top, as MkDocs places it
    assert "&lt;!-- mldesign --&gt;" in face  # the fenced marker stays an example
    index = (site / "designs/index.html").read_text(encoding="utf-8")
    assert index.count('class="mldesign-index"') == 1
    assert "&lt;!-- mldesign-overview --&gt;" in index
    assert "mldesign:fragment" in (site / "notes/index.html").read_text(encoding="utf-8")


def test_odd_page_names_and_linked_folders_build_as_under_mkdocs(
    tmp_path: Path, zpy: Path, tmp_path_factory: Any
) -> None:
    outside = tmp_path_factory.mktemp("shared")
    (outside / "shared.md").write_text("# Shared\n", encoding="utf-8")
    write_site(tmp_path, {**PAGES, "designs/sp ace #1.md": SMALL_DESIGN.replace("id: identity", "id: spaced")})
    (tmp_path / "docs/linked").symlink_to(outside, target_is_directory=True)
    site = stage_and_build(tmp_path, zpy)
    assert (site / "linked/shared/index.html").is_file()
    overview = (site / "designs/index.html").read_text(encoding="utf-8")
    href = re.search(r'<tr data-mldesign-id="spaced"[^>]*><td[^>]*><a href="([^"]+)"', overview)
    assert href is not None
    assert (site / "designs" / unquote(href.group(1)) / "index.html").is_file(), href.group(1)


def test_what_mldesign_would_write_is_never_a_link_or_a_file_of_someone_else(tmp_path: Path) -> None:
    write_site(tmp_path, PAGES)
    (tmp_path / ".mldesign").write_text("a file", encoding="utf-8")
    result = run_mldesign("zensical", cwd=tmp_path)
    assert result.returncode == 2
    assert "is a file" in result.stderr
    (tmp_path / ".mldesign").unlink()
    (tmp_path / ".mldesign").mkdir()
    precious = tmp_path / "precious.txt"
    precious.write_text("keep", encoding="utf-8")
    (tmp_path / ".mldesign/.gitignore").symlink_to(precious)
    result = run_mldesign("zensical", cwd=tmp_path)
    assert result.returncode == 2
    assert "is not a file mldesign wrote" in result.stderr
    assert precious.read_text(encoding="utf-8") == "keep"


def test_the_docs_the_pin_and_the_makefile_name_the_versions_tested() -> None:
    oldest, newest = ZENSICAL_VERSIONS
    said = (ROOT / "docs/zensical.md").read_text(encoding="utf-8")
    assert f"Tested with Zensical {oldest}, the oldest version supported, and {newest}, the newest" in said
    assert f'"zensical=={oldest}"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f"ZENSICAL_NEWEST := {newest}" in (ROOT / "Makefile").read_text(encoding="utf-8")
