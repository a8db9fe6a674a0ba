"""The lighter install: the core and the command line in a venv without MkDocs or
Material (`.venv-core`, which `make test` makes with the packages docs/installing.md lists)."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.conftest import write_site
from tests.designs import FULL_DESIGN, SMALL_DESIGN

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / ".venv-core/bin"


def core(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    if not (CORE / "mldesign").exists():
        pytest.fail(".venv-core is missing: `make test` (or `make routes`) makes it", pytrace=False)
    return subprocess.run([str(CORE / args[0]), *args[1:]], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_core_venv_really_has_no_mkdocs_nor_material(tmp_path: Path) -> None:
    for module in ("mkdocs", "material"):
        result = core("python", "-c", f"import {module}", cwd=tmp_path)
        assert result.returncode == 1
        assert "ModuleNotFoundError" in result.stderr


def test_the_documented_list_is_the_packages_dependencies_without_mkdocs() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {re.split(r"[<>=!~ \[]", d)[0].lower() for d in declared} - {"mkdocs", "mkdocs-material"}
    made = re.search(r"^CORE_DEPS := (.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert made is not None
    assert set(made.group(1).split()) == names
    docs = (ROOT / "docs/installing.md").read_text(encoding="utf-8")
    assert f"pip install {made.group(1)}" in docs


def test_check_new_schema_and_the_zensical_stage_run_without_mkdocs(tmp_path: Path) -> None:
    write_site(tmp_path, {"index.md": "# Home\n", "designs/face.md": FULL_DESIGN, "designs/id.md": SMALL_DESIGN})
    checked = core("mldesign", "check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "2 designs checked: 0 errors" in checked.stdout
    broken = tmp_path / "docs/designs/face.md"
    broken.write_text(FULL_DESIGN.replace("status: approved", "status: aproved"), encoding="utf-8")
    failed = core("mldesign", "check", cwd=tmp_path)
    assert failed.returncode == 1
    assert re.search(r"docs/designs/face\.md:\d+:\d+: error schema-enum design\.status", failed.stdout)
    broken.write_text(FULL_DESIGN, encoding="utf-8")
    made = core("mldesign", "new", "docs/designs/churn.md", "--title", "Churn", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "docs/designs/churn.md").is_file()
    schema = core("mldesign", "schema", cwd=tmp_path)
    assert schema.returncode == 0
    assert '"$schema"' in schema.stdout
    staged = core("mldesign", "zensical", cwd=tmp_path)
    assert staged.returncode == 0, staged.stdout + staged.stderr
    assert (tmp_path / ".mldesign/zensical/docs/designs/index.md").is_file()


def test_with_or_without_mkdocs_check_sees_the_same_pages(tmp_path: Path) -> None:
    pages = {
        "index.md": "# Home\n",
        "designs/face.md": FULL_DESIGN,
        "designs/drafts/id.md": SMALL_DESIGN,
        ".hidden/id.md": SMALL_DESIGN,
        "designs/.id.md": SMALL_DESIGN,
        "other/id.md": SMALL_DESIGN.replace("id: identity", "id: other"),
    }
    write_site(tmp_path, pages, extra={"exclude_docs": "drafts/\n"})
    with_mkdocs = subprocess.run(
        [str(ROOT / ".venv/bin/mldesign"), "check", "--format", "json"], cwd=tmp_path, capture_output=True, text=True
    )
    without = core("mldesign", "check", "--format", "json", cwd=tmp_path)
    files = [sorted(d["file"] for d in json.loads(r.stdout)["designs"]) for r in (with_mkdocs, without)]
    assert files[0] == files[1] == ["docs/designs/face.md", "docs/other/id.md"]


def test_the_editor_servers_say_what_to_install_without_the_editor_extra(tmp_path: Path) -> None:
    for command in ("lsp", "mcp"):
        result = core("mldesign", command, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert "install it with: pip install './mkdocs-mldesign[editor]'" in result.stderr
        assert "Traceback" not in result.stderr
