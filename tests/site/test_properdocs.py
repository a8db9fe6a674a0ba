"""The plugin and theme under ProperDocs, the maintained fork of MkDocs 1.x.

ProperDocs redirects `mkdocs.*` imports to itself, so the same plugin class serves
both; it is run in its own process so that redirection cannot leak into other tests.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).parents[2] / "example_site"


def copy_example(tmp_path: Path) -> Path:
    site = tmp_path / "example"
    shutil.copytree(EXAMPLE, site, ignore=shutil.ignore_patterns("site"))
    return site


def properdocs_build(site: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "--strict", "-f", "mkdocs.yml", "-d", str(out)],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_example_site_builds_strict_under_properdocs(tmp_path: Path) -> None:
    out = properdocs_build(copy_example(tmp_path), tmp_path / "out")
    assert out.returncode == 0, out.stderr
    assert "WARNING" not in out.stderr, out.stderr
    assert "Traceback" not in out.stderr
    page = (tmp_path / "out/designs/face-verification/index.html").read_text(encoding="utf-8")
    assert 'data-mldesign-completeness="100"' in page
    assert 'id="mldesign-metrics"' in page
    assert (tmp_path / "out/badges/face-verification.svg").is_file()
    overview = (tmp_path / "out/designs/index.html").read_text(encoding="utf-8")
    assert overview.count('class="mldesign-overview') >= 1


def test_a_schema_problem_fails_a_strict_properdocs_build(tmp_path: Path) -> None:
    site = copy_example(tmp_path)
    page = site / "docs/designs/no-show-prediction.md"
    page.write_text(page.read_text(encoding="utf-8").replace("status: draft", "status: drafty", 1), encoding="utf-8")
    out = properdocs_build(site, tmp_path / "out")
    assert out.returncode != 0
    assert "docs/designs/no-show-prediction.md:" in out.stderr
    assert "design.status: `drafty` is not an allowed value" in out.stderr
    assert "Traceback" not in out.stderr
