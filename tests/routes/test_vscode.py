"""The VS Code extension packages, as `make vsix` and CI package it: npm installs its one
dependency and `@vscode/vsce` builds the .vsix, which holds the extension and the language
client it needs."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_BROWSER

EXTENSION = Path(__file__).parents[2] / "editors" / "vscode"


def _npm() -> str:
    found = shutil.which("npm")
    if found is None:
        if REQUIRE_BROWSER:
            pytest.fail("npm is missing; MLDESIGN_REQUIRE_BROWSER=1 says the extension must be packaged here")
        pytest.skip("npm is missing (skipped only when MLDESIGN_REQUIRE_BROWSER is not 1)")
    return found


def test_the_extension_packages_with_its_language_client(tmp_path: Path) -> None:
    npm = _npm()
    work = tmp_path / "vscode"
    shutil.copytree(EXTENSION, work, ignore=shutil.ignore_patterns("node_modules", "*.vsix", "package-lock.json"))
    subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund"], cwd=work, check=True, timeout=600)
    node = shutil.which("node")
    assert node is not None
    subprocess.run([node, "--check", "extension.js"], cwd=work, check=True)
    subprocess.run([npm, "run", "--silent", "package"], cwd=work, check=True, timeout=600)
    with zipfile.ZipFile(work / "mldesign.vsix") as vsix:
        names = set(vsix.namelist())
        manifest = json.loads(vsix.read("extension/package.json"))
    assert {"extension/extension.js", "extension/readme.md", "extension/LICENSE.txt"} <= names
    assert "extension/node_modules/vscode-languageclient/lib/node/main.js" in names  # what require(".../node") loads
    assert not any(n.startswith("extension/node_modules/@vscode/vsce") for n in names)  # a tool, not shipped
    assert manifest["contributes"]["configuration"]["properties"]["mldesign.command"]["default"] == ["mldesign", "lsp"]
