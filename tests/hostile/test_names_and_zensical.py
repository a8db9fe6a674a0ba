"""Hostile round 3: page names in any script, and the Zensical route's edges."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from mkdocs_mldesign.core.design import default_id
from mkdocs_mldesign.core.schema import load_template
from mkdocs_mldesign.core.validation import pattern_matches
from tests.conftest import build_folder
from tests.core.test_cli import run, write
from tests.designs import MINIMAL, page
from tests.routes.test_zensical import zensical

NAMES = ["顔認証", "需要予測", "ranking-需要", "ranking", "Prévision", "Prevision", "データ/index"]


def test_ids_from_names_in_any_script_are_distinct_stable_and_valid() -> None:
    pattern = load_template().id_pattern
    assert pattern is not None
    ids = [default_id(f"designs/{name}.md") for name in NAMES]
    assert len(set(ids)) == len(ids), ids
    for ident in ids:
        assert pattern_matches(pattern, ident), ident
    assert ids[NAMES.index("ranking")] == "ranking"  # ASCII names keep the id they always had
    assert ids[NAMES.index("Prevision")] == "Prevision"
    again = [default_id(f"other/{unicodedata.normalize('NFD', name)}.md") for name in NAMES]
    assert again == ids  # the same on a system that writes names decomposed (macOS)


@pytest.fixture
def japanese(tmp_path: Path) -> Path:
    config = "site_name: J\ntheme:\n  name: mldesign\n  language: ja\nplugins: [search, mldesign]\n"
    write(tmp_path / "mkdocs.yml", config)
    for name in ("顔認証", "需要予測"):
        write(tmp_path / f"docs/designs/{name}.md", page(MINIMAL, title=name))
    return tmp_path


def test_a_japanese_site_without_ids_checks_and_builds(japanese: Path) -> None:
    done = run("check", "--format", "json", cwd=japanese)
    assert done.returncode == 0, done.stdout
    report = json.loads(done.stdout)
    ids = sorted(d["id"] for d in report["designs"])
    assert len(set(ids)) == 2
    assert all(p["rule"] != "unique-id" for d in report["designs"] for p in d["problems"])
    build_folder(japanese / "mkdocs.yml", japanese / "site", strict=True)
    canvases = sorted(p.name for p in (japanese / "site/canvas").iterdir())
    assert canvases == sorted(f"{i}.html" for i in ids)


def test_a_clash_of_ids_from_file_names_points_at_the_page(tmp_path: Path) -> None:
    write(tmp_path / "mkdocs.yml", "site_name: Clash\n")
    write(tmp_path / "docs/a/ranking.md", page(MINIMAL, title="A"))
    write(tmp_path / "docs/b/ranking.md", page(MINIMAL, title="B"))
    done = run("check", cwd=tmp_path)
    [line] = [x for x in done.stdout.splitlines() if "unique-id" in x]
    assert line.startswith("docs/b/ranking.md:")
    assert "unique-id design:" in line  # the design, not a field `design.id` the page does not write
    assert "from the file name" in line


def test_a_clash_of_written_ids_points_at_the_id(tmp_path: Path) -> None:
    write(tmp_path / "mkdocs.yml", "site_name: Clash\n")
    write(tmp_path / "docs/a.md", page(dict(MINIMAL, id="same"), title="A"))
    write(tmp_path / "docs/b.md", page(dict(MINIMAL, id="same"), title="B"))
    done = run("check", cwd=tmp_path)
    [line] = [x for x in done.stdout.splitlines() if "unique-id" in x]
    assert "unique-id design.id:" in line


# --- Zensical ---------------------------------------------------------------------------


@pytest.fixture
def staged(tmp_path: Path) -> Path:
    write(tmp_path / "mkdocs.yml", "site_name: Z\ntheme:\n  name: mldesign\n  language: de\n")
    write(tmp_path / "docs/index.md", "# Home\n")
    write(tmp_path / "docs/designs/a.md", page(MINIMAL, title="A"))
    done = run("zensical", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return tmp_path


@pytest.mark.parametrize("change", ["edited", "removed", "edited twice"])
def test_a_stale_stage_stops_the_build_with_one_message(staged: Path, change: str) -> None:
    page_file = staged / "docs/designs/a.md"
    if change == "removed":
        page_file.unlink()
    else:
        for _ in range(2 if change == "edited twice" else 1):
            page_file.write_text(page_file.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    built = zensical(staged, "-f", "mkdocs.mldesign.yml")
    said = built.stdout + built.stderr
    assert built.returncode == 1
    assert "Traceback" not in said
    assert "No issues found" not in said
    assert len(re.findall(r"^mldesign: ", said, re.MULTILINE)) == 1, said
    assert "run `mldesign zensical` again" in said


def test_a_plain_zensical_build_with_the_guard_says_why_once(tmp_path: Path) -> None:
    config = {"site_name": "G", "markdown_extensions": ["mkdocs_mldesign.zensical"]}
    write(tmp_path / "mkdocs.yml", yaml.safe_dump(config))
    for name in ("index", "a", "b", "c"):
        write(tmp_path / f"docs/{name}.md", f"# {name}\n")
    built = zensical(tmp_path)
    said = built.stdout + built.stderr
    assert built.returncode == 1
    assert "Traceback" not in said
    assert len(re.findall(r"^mldesign: ", said, re.MULTILINE)) == 1, said


def test_the_zensical_site_carries_nothing_of_the_theme_package_but_templates_and_assets(staged: Path) -> None:
    built = zensical(staged, "-f", "mkdocs.mldesign.yml")
    assert built.returncode == 0, built.stdout + built.stderr
    site = staged / "site"
    stray = [
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.name in ("__init__.py", "mkdocs_theme.yml", "__pycache__") or p.suffix in (".py", ".pyc")
    ]
    assert stray == []
    assert (site / "assets/mldesign-theme/theme.css").is_file()  # the theme's own assets are there
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Zum dunklen Modus wechseln" in home  # its toggles in the site's language
    assert "mldesign-theme/theme.css" in home


def test_a_custom_dir_still_wins_under_zensical(tmp_path: Path) -> None:
    config = {"site_name": "C", "theme": {"name": "mldesign", "custom_dir": "overrides"}}
    write(tmp_path / "mkdocs.yml", yaml.safe_dump(config))
    write(tmp_path / "docs/index.md", "# Home\n")
    write(
        tmp_path / "overrides/main.html",
        '{% extends "mldesign/base.html" %}\n{% block footer %}<p id="ours">Our footer</p>{% endblock %}\n',
    )
    assert run("zensical", cwd=tmp_path).returncode == 0
    built = zensical(tmp_path, "-f", "mkdocs.mldesign.yml")
    assert built.returncode == 0, built.stdout + built.stderr
    assert 'id="ours"' in (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert yaml.safe_load((tmp_path / "mkdocs.yml").read_text(encoding="utf-8")) == config
