"""mkdocs-monorepo-plugin: sub-sites pulled in with `!include`, built for real. The plugin
builds from a merged copy of every docs folder; messages, the export and the command
line must name the real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import run_mldesign
from tests.designs import FULL_DESIGN

DESIGN_YAML = FULL_DESIGN.split("---\n")[1].split("design:\n", 1)[1]


def monorepo(root: Path) -> Path:
    """A root site including team-a/, whose design lives in a YAML file beside its page."""
    (root / "docs").mkdir(parents=True)
    (root / "docs/index.md").write_text("# Portal\n", encoding="utf-8")
    team = root / "team-a"
    (team / "docs").mkdir(parents=True)
    (team / "mkdocs.yml").write_text("site_name: team-a\nnav:\n  - Face: face.md\n", encoding="utf-8")
    (team / "docs/face.md").write_text(
        "---\ntitle: Face verification\ndesign: face.design.yaml\n---\n\n# Face verification\n", encoding="utf-8"
    )
    broken = "\n".join(line[2:] for line in DESIGN_YAML.splitlines()).replace("status: approved", "status: aproved")
    (team / "docs/face.design.yaml").write_text(broken + "\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Portal\n"
        "plugins:\n  - monorepo\n  - mldesign\n"
        "nav:\n  - Home: index.md\n  - Team A: '!include ./team-a/mkdocs.yml'\n",
        encoding="utf-8",
    )
    return root


def test_a_design_file_of_an_included_site_is_named_by_its_real_path(tmp_path: Path) -> None:
    root = monorepo(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"], cwd=root, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "team-a/docs/face.design.yaml:" in result.stderr
    assert "/tmp" not in result.stderr.replace(str(tmp_path), "")
    site = root / "site"
    page = (site / "team-a/face/index.html").read_text(encoding="utf-8")
    assert page.count('class="mldesign"') == 1
    assert 'data-mldesign-section="metrics"' in page
    overview = (site / "designs/index.html").read_text(encoding="utf-8")
    assert overview.count('<tr data-mldesign-id="face"') == 2  # the list and the matrix
    assert "100%" in (site / "badges/face.svg").read_text(encoding="utf-8")
    export = json.loads((root / "site/designs.json").read_text(encoding="utf-8"))
    (design,) = export["designs"]
    assert design["file"] == "team-a/docs/face.md"
    assert {p["file"] for p in design["problems"]} == {"team-a/docs/face.design.yaml"}


def test_check_at_the_root_finds_the_included_designs(tmp_path: Path) -> None:
    root = monorepo(tmp_path)
    result = run_mldesign("check", cwd=root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 design checked: 2 errors" in result.stdout  # the status, and a link to no design
    problems = [line for line in result.stdout.splitlines() if ": error " in line]
    assert all(p.startswith("team-a/docs/face.design.yaml:") for p in problems), problems
    # The build names the same problems at the same places.
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"], cwd=root, capture_output=True, text=True, timeout=300, check=False
    )
    for problem in problems:
        assert problem in build.stderr, problem
