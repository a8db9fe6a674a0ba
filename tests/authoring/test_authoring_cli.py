"""`mldesign new` and the lint rules in `mldesign check`, through the installed command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mkdocs_mldesign.routes.cli.main import main
from tests.designs import design_page as page
from tests.designs import good

MLDESIGN = Path(sys.executable).parent / "mldesign"


def mldesign(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    assert MLDESIGN.is_file(), f"the entry point is not installed at {MLDESIGN}"
    return subprocess.run(
        [str(MLDESIGN), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


# --- new -> check --------------------------------------------------------------------------


def test_new_then_check_is_a_clean_draft_at_zero(tmp_path: Path) -> None:
    made = mldesign("new", "docs/designs/churn.md", "--title", "Churn risk", "--owner", "Ana", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines()[0] == "created docs/designs/churn.md"
    assert made.stderr == ""
    checked = mldesign("check", "docs", "--format", "json", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    report = json.loads(checked.stdout)
    assert report["summary"] == {"designs": 1, "unreadable": 0, "errors": 0, "warnings": 0}
    [design] = report["designs"]
    assert (design["id"], design["status"], design["owners"], design["completeness"]) == (
        "churn",
        "draft",
        ["Ana"],
        0,
    )
    text = mldesign("check", "docs/designs/churn.md", cwd=tmp_path)
    assert text.returncode == 0
    assert "churn [draft] 0% complete" in text.stdout


def test_new_with_yaml_then_check_points_into_the_yaml_file(tmp_path: Path) -> None:
    made = mldesign(
        "new", "docs/churn.md", "--title", "Churn", "--yaml", "--owner", "Ana", "--id", "churn-v2", cwd=tmp_path
    )
    assert made.returncode == 0, made.stderr
    design_file = tmp_path / "docs" / "churn.design.yaml"
    lines = design_file.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# yaml-language-server: $schema=https://mkdocs-mldesign.dev/schema/design/1.0.json"
    front = (tmp_path / "docs" / "churn.md").read_text(encoding="utf-8")
    assert yaml.safe_load(front.split("---\n")[1]) == {"title": "Churn", "design": "churn.design.yaml"}
    clean = mldesign("check", "docs", cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout
    assert "churn-v2 [draft] 0% complete" in clean.stdout

    broken_line = next(i for i, line in enumerate(lines) if line.strip() == 'users: "TODO"')
    lines[broken_line] = lines[broken_line].replace('"TODO"', "{who: nobody}")
    design_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    broken = mldesign("check", "docs", cwd=tmp_path)
    assert broken.returncode == 1
    assert broken.stdout.startswith(
        f"docs/churn.design.yaml:{broken_line + 1}:{lines[broken_line].index('{') + 1}: "
        "error schema-type design.background.users: expected text or a list of text, found a mapping"
    )


def test_new_pages_build_strictly(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Designs\ntheme:\n  name: mkdocs\nplugins:\n  - mldesign\n", encoding="utf-8"
    )
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Designs\n", encoding="utf-8")
    assert mldesign("new", "docs/designs/churn.md", "--title", "Churn", "--owner", "A", cwd=tmp_path).returncode == 0
    assert mldesign("new", "docs/designs/fraud.md", "--title", "Fraud", "--yaml", cwd=tmp_path).returncode == 0
    built = subprocess.run(
        [str(MLDESIGN.with_name("mkdocs")), "build", "--strict"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    assert "WARNING" not in built.stderr
    for name in ("churn", "fraud"):
        html = (tmp_path / "site" / "designs" / name / "index.html").read_text(encoding="utf-8")
        assert 'data-mldesign-completeness="0"' in html, name  # read by the plugin, scored at 0%


def test_the_default_owner_is_the_user(tmp_path: Path) -> None:
    made = mldesign("new", "a.md", "--title", "A", cwd=tmp_path, env={"USER": "jdoe"})
    assert made.returncode == 0, made.stderr
    assert 'owners: ["jdoe"]' in (tmp_path / "a.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "shipped"], "`shipped` is not a status of this site; use one of: draft, review, approved"),
        (["--id", "-bad id"], "`-bad id` cannot be an id"),
        (["--title", " "], "--title must not be empty"),
    ],
)
def test_bad_arguments_write_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    made = mldesign("new", "a.md", "--title", "A", *args, cwd=tmp_path)
    assert made.returncode == 2
    assert message in made.stderr
    assert list(tmp_path.iterdir()) == []


def test_new_refuses_a_path_that_is_not_a_page(tmp_path: Path) -> None:
    made = mldesign("new", "a.yaml", "--title", "A", cwd=tmp_path)
    assert made.returncode == 2
    assert "a.yaml is not a Markdown page" in made.stderr
    assert list(tmp_path.iterdir()) == []


# --- never overwrite -----------------------------------------------------------------------


@pytest.mark.parametrize("yaml_mode", [False, True], ids=["page", "page-with-yaml"])
def test_new_never_overwrites_an_existing_page(tmp_path: Path, yaml_mode: bool) -> None:
    target = tmp_path / "churn.md"
    original = os.urandom(4096)
    target.write_bytes(original)
    made = mldesign("new", "churn.md", "--title", "Churn", *(["--yaml"] if yaml_mode else []), cwd=tmp_path)
    assert made.returncode == 1
    assert made.stderr == "mldesign: error: churn.md already exists; not overwriting it\n"
    assert made.stdout == ""
    assert target.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["churn.md"]  # no design file either


def test_new_never_overwrites_an_existing_design_file(tmp_path: Path) -> None:
    design_file = tmp_path / "churn.design.yaml"
    original = os.urandom(4096)
    design_file.write_bytes(original)
    made = mldesign("new", "churn.md", "--title", "Churn", "--yaml", cwd=tmp_path)
    assert made.returncode == 1
    assert made.stderr == "mldesign: error: churn.design.yaml already exists; not overwriting it\n"
    assert design_file.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["churn.design.yaml"]  # no page either


# --- lint in check -------------------------------------------------------------------------


def write(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page(data), encoding="utf-8")


def test_check_reports_lint_problems_and_fails_only_on_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "docs" / "a.md", good(status="review", id="a", modeling=None))  # a warning only
    assert main(["check", "docs"]) == 0
    out = capsys.readouterr().out
    assert "warning manual-baseline design.status:" in out
    assert "1 design checked: 0 errors, 1 warning" in out

    write(tmp_path / "docs" / "b.md", good(id="b", depends_on=["nowhere"]))  # an error
    assert main(["check", "docs", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["summary"] == {"designs": 2, "unreadable": 0, "errors": 1, "warnings": 1}
    rules = {d["id"]: [p["rule"] for p in d["problems"]] for d in report["designs"]}
    assert rules == {"a": ["manual-baseline"], "b": ["link-exists"]}

    assert main(["check", "docs", "--format", "github"]) == 1
    github = capsys.readouterr().out
    assert "::error file=docs/b.md,line=" in github
    assert "title=link-exists::design.depends_on[0]: no design on the site has the id `nowhere`" in github
    assert "::warning file=docs/a.md," in github


def test_checking_one_page_still_sees_the_rest_of_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: Designs\n", encoding="utf-8")
    write(tmp_path / "docs" / "a.md", good(id="a", depends_on=["b"]))
    write(tmp_path / "docs" / "deep" / "b.md", good(id="b", depends_on=["ghost"]))
    assert main(["check", "-f", "mkdocs.yml", "docs/a.md"]) == 0
    out = capsys.readouterr().out
    assert "1 design checked: 0 errors, 0 warnings" in out  # b's own broken link is not a's problem
    assert main(["check", "-f", "mkdocs.yml"]) == 1
    assert "docs/deep/b.md" in capsys.readouterr().out
    # Without a site, the folder of the page given is the site.
    assert main(["check", "docs/deep/b.md"]) == 1
    assert "`ghost`" in capsys.readouterr().out


def test_the_pre_commit_hook_command_checks_the_site(tmp_path: Path) -> None:
    hooks = yaml.safe_load((Path(__file__).parents[2] / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [hook] = hooks
    assert hook["entry"].split()[0] == "mldesign"
    (tmp_path / "mkdocs.yml").write_text("site_name: Designs\n", encoding="utf-8")
    write(tmp_path / "docs" / "a.md", good(id="a", depends_on=["nowhere"]))
    # pass_filenames is false: the hook runs its entry with no file names.
    result = mldesign(*hook["entry"].split()[1:], cwd=tmp_path)
    assert result.returncode == 1
    assert "docs/a.md" in result.stdout
    assert "link-exists" in result.stdout
