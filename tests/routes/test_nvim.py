"""Once end to end through a real editor: headless Neovim's built-in LSP client runs
`mldesign lsp`, shows the typo's diagnostic, applies the quick fix, and sees it cleared."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_BROWSER, write_site

SCRIPT = Path(__file__).with_name("nvim") / "quickfix.lua"


def _neovim() -> str:
    found = shutil.which("nvim")
    if found is None:
        reason = "Neovim (nvim) is not installed; `apt-get install neovim`, as .ci/run does"
        if REQUIRE_BROWSER:
            pytest.fail(f"{reason}; MLDESIGN_REQUIRE_BROWSER=1 says the editor test must run here", pytrace=False)
        pytest.skip(f"{reason} (skipped only when MLDESIGN_REQUIRE_BROWSER is not 1)")
    return found


def test_neovim_shows_the_diagnostic_applies_the_quick_fix_and_sees_it_cleared(tmp_path: Path) -> None:
    nvim = _neovim()
    typo = "---\ntitle: Churn\ndesign:\n  id: churn\n  status: draft\n  ownres: [Ana]\n---\n\nWho leaves, and why.\n"
    write_site(tmp_path, {"designs/churn.md": typo})
    out = tmp_path / "verdict.json"
    mldesign = str(Path(sys.executable).with_name("mldesign"))
    page = json.dumps(str(tmp_path / "docs/designs/churn.md"))
    lua = f"lua MLDESIGN={json.dumps(mldesign)} PAGE={page} OUT={json.dumps(str(out))}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["HOME"] = str(tmp_path)  # no user config, no shada from the person running the tests
    done = subprocess.run(
        [nvim, "--headless", "--clean", "-n", "--cmd", lua, "-c", f"luafile {SCRIPT}"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert out.is_file(), f"Neovim wrote no verdict: {done.stdout}\n{done.stderr}"
    verdict = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in verdict, verdict
    steps = {s["name"]: s["value"] for s in verdict["steps"]}
    assert steps["count"] == 2  # the typo, and the `owners` it leaves missing
    assert steps["diagnostic"]["code"] == "schema-unknown-key"
    assert "did you mean `owners`?" in steps["diagnostic"]["message"]
    assert steps["quickfix"] == "Change to `owners`"
    assert steps["line"] == "  owners: [Ana]"
    assert steps["cleared"] is True
