"""The `mldesign` command, run through its installed entry point."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import mkdocs_mldesign
from mkdocs_mldesign.core.schema import load_template
from tests.designs import FULL, MINIMAL, full, page

BIN = Path(sys.executable).parent
MLDESIGN = shutil.which("mldesign", path=str(BIN))

PROBLEM_KEYS = {"file", "line", "column", "field", "severity", "rule", "message", "hint"}
DESIGN_KEYS = {
    "file",
    "id",
    "title",
    "readable",
    "status",
    "owners",
    "completeness",
    "created",
    "updated",
    "dates_from",
    "sections",
    "states",
    "evidence",
    "metrics",
    "frameworks",
    "problems",
}

BAD_STATUS = (
    "docs/designs/bad.md:4:11: error schema-enum design.status: `finished` is not an allowed value"
    " (use one of: draft, review, approved, deprecated)"
)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert MLDESIGN is not None, f"mldesign is not installed in {BIN}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return subprocess.run(
        [MLDESIGN, *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=60, env=env, check=False
    )


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A tiny MkDocs site: a full design, a minimal one and a page that is not a design."""
    write(tmp_path / "mkdocs.yml", "site_name: Tiny\n")
    write(tmp_path / "docs/index.md", "# Home\n")
    write(tmp_path / "docs/designs/full.md", page(FULL, title="Full design"))
    write(tmp_path / "docs/designs/minimal.md", page(MINIMAL, body="# Minimal design\n"))
    return tmp_path


@pytest.fixture
def bad_site(site: Path) -> Path:
    write(site / "docs/designs/bad.md", "---\ntitle: Bad\ndesign:\n  status: finished\n  owners: [a]\n---\n")
    return site


TWELVE = (
    "background, value_proposition, objectives, solution, feasibility, data, labeling, metrics, evaluation,"
    " modeling, inference, feedback"
)


def test_valid_designs_exit_0_with_completeness_and_summary(site: Path) -> None:
    done = run("check", "docs", cwd=site)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        "docs/designs/full.md: full [approved] 100% complete",
        f"docs/designs/minimal.md: minimal [draft] 0% complete; gaps: {TWELVE}",
        "2 designs checked: 0 errors, 0 warnings",
    ]


def test_a_single_file(site: Path) -> None:
    done = run("check", "docs/designs/full.md", cwd=site)
    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        "docs/designs/full.md: full [approved] 100% complete",
        "1 design checked: 0 errors, 0 warnings",
    ]


def test_an_invalid_design_exits_1_with_located_problems(bad_site: Path) -> None:
    done = run("check", "docs", cwd=bad_site)
    assert done.returncode == 1
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0] == BAD_STATUS
    assert lines[1] == ""
    assert "docs/designs/bad.md: bad [finished] 0% complete; gaps: " + TWELVE in lines
    assert lines[-1] == "3 designs checked: 1 error, 0 warnings"


def test_json_output_has_the_documented_shape(bad_site: Path) -> None:
    write(bad_site / "docs/broken.md", "---\ndesign:\n  status: [draft\n---\n")
    done = run("check", "--format", "json", "docs", cwd=bad_site)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert set(report) == {"format", "designs", "problems", "summary"}
    assert report["summary"] == {"designs": 4, "unreadable": 1, "errors": 2, "warnings": 0}
    assert report["format"] == 4
    designs = {d["file"]: d for d in report["designs"]}
    assert sorted(designs) == [
        "docs/broken.md",
        "docs/designs/bad.md",
        "docs/designs/full.md",
        "docs/designs/minimal.md",
    ]
    broken = designs.pop("docs/broken.md")  # listed, unreadable, with its problem
    assert (broken["readable"], broken["completeness"], broken["sections"]) == (False, None, {})
    assert [p["rule"] for p in broken["problems"]] == ["yaml-syntax"]
    for design in designs.values():
        assert set(design) == DESIGN_KEYS
        assert design["readable"] is True
        assert list(design["sections"]) == TWELVE.split(", ")
    full_design = designs["docs/designs/full.md"]
    assert full_design["id"] == "full"
    assert full_design["title"] == "Full design"
    assert full_design["status"] == "approved"
    assert full_design["owners"] == ["Platform team"]
    assert full_design["completeness"] == 100
    assert set(full_design["sections"].values()) == {1}
    assert full_design["problems"] == []
    assert designs["docs/designs/minimal.md"]["completeness"] == 0
    [problem] = designs["docs/designs/bad.md"]["problems"]
    assert set(problem) == PROBLEM_KEYS
    assert problem == {
        "file": "docs/designs/bad.md",
        "line": 4,
        "column": 11,
        "field": "design.status",
        "severity": "error",
        "rule": "schema-enum",
        "message": "`finished` is not an allowed value",
        "hint": "use one of: draft, review, approved, deprecated",
    }
    assert report["problems"] == []  # the broken design's problem is given with it, once
    [page_problem] = broken["problems"]
    assert set(page_problem) == PROBLEM_KEYS
    assert (page_problem["file"], page_problem["line"], page_problem["rule"]) == ("docs/broken.md", 4, "yaml-syntax")


def test_json_sections_keep_fractions(site: Path) -> None:
    inference = {"mode": "both", "batch": "Nightly", "online": ""}
    write(site / "docs/designs/part.md", page(full(inference=inference, feedback=None)))
    report = json.loads(run("check", "--format", "json", "docs/designs/part.md", cwd=site).stdout)
    [design] = report["designs"]
    assert design["sections"]["inference"] == 0.6667
    assert design["sections"]["feedback"] == 0
    assert design["completeness"] == 88  # (10 + 2/3) / 12 = 88.9%, rounded down


def test_github_output_annotates_each_problem(bad_site: Path) -> None:
    done = run("check", "--format", "github", "docs", cwd=bad_site)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "::error file=docs/designs/bad.md,line=4,col=11,title=schema-enum::design.status: `finished` is not an"
        " allowed value (use one of: draft, review, approved, deprecated)",
        "3 designs checked: 1 error, 0 warnings",
    ]


USAGE_ERRORS = {
    (
        "check",
    ): "mldesign: error: give the Markdown files or folders to check, or run beside a mkdocs.yml (or -f mkdocs.yml)",
    ("check", "nowhere"): "mldesign: error: no such file or folder: nowhere",
    ("check", "docs", "nowhere.md"): "mldesign: error: no such file or folder: nowhere.md",
    ("check", "-f", "missing.yml"): "mldesign: error: missing.yml: Config file 'missing.yml' does not exist.",
    ("check", "--format", "xml", "docs"): "argument --format: invalid choice: 'xml'",
    (): "the following arguments are required: COMMAND",
    ("frobnicate",): "invalid choice: 'frobnicate'",
}


@pytest.fixture(scope="module")
def usage_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, ...], tuple[int, str, str]]:
    """Every usage error, run at once in a folder that is not a site (no mkdocs.yml)."""
    folder = tmp_path_factory.mktemp("not-a-site")
    write(folder / "docs/page.md", "# Not a site: there is no mkdocs.yml here\n")
    assert MLDESIGN is not None
    running = {
        args: subprocess.Popen(
            [MLDESIGN, *args], cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8"
        )
        for args in USAGE_ERRORS
    }
    out = {}
    for args, process in running.items():
        stdout, stderr = process.communicate(timeout=60)
        out[args] = (process.returncode, stdout, stderr)
    return out


@pytest.mark.parametrize(
    ("args", "message"), [pytest.param(a, m, id=" ".join(a) or "no-command") for a, m in USAGE_ERRORS.items()]
)
def test_usage_errors_exit_2_without_a_traceback(
    usage_runs: dict[tuple[str, ...], tuple[int, str, str]], args: tuple[str, ...], message: str
) -> None:
    returncode, stdout, stderr = usage_runs[args]
    assert returncode == 2
    assert stdout == ""
    assert message in stderr
    assert "Traceback" not in stderr


def test_config_file_checks_the_docs_folder(site: Path) -> None:
    expected = [
        "docs/designs/full.md: full [approved] 100% complete",
        f"docs/designs/minimal.md: minimal [draft] 0% complete; gaps: {TWELVE}",
        "2 designs checked: 0 errors, 0 warnings",
    ]
    done = run("check", "-f", "mkdocs.yml", cwd=site)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == expected
    # From elsewhere: paths are shown relative to where the command runs.
    elsewhere = site / "elsewhere"
    elsewhere.mkdir()
    done = run("check", "-f", "../mkdocs.yml", cwd=elsewhere)
    assert done.stdout.splitlines()[0] == "../docs/designs/full.md: full [approved] 100% complete"


def test_without_arguments_a_sites_mkdocs_yml_is_used(site: Path) -> None:
    write(site / "mkdocs.yml", "site_name: Tiny\ndocs_dir: pages\n")
    (site / "docs").rename(site / "pages")
    done = run("check", cwd=site)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[0] == "pages/designs/full.md: full [approved] 100% complete"
    assert done.stdout.splitlines()[-1] == "2 designs checked: 0 errors, 0 warnings"


def test_config_file_with_paths_inside_the_docs_folder(bad_site: Path) -> None:
    done = run("check", "-f", "mkdocs.yml", "docs/designs/bad.md", cwd=bad_site)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stdout.splitlines()[0] == BAD_STATUS
    write(bad_site / "outside/x.md", page(MINIMAL))
    done = run("check", "-f", "mkdocs.yml", "outside/x.md", cwd=bad_site)
    assert done.returncode == 2
    assert done.stderr == (
        "mldesign: error: outside/x.md is outside the docs folder docs of mkdocs.yml, so the site does not build it\n"
    )


def test_design_files_are_read_from_the_docs_folder(site: Path) -> None:
    write(site / "docs/designs/data/split.yaml", "status: draft\nowners: [a]\nbackground: {users: x, goal: y}\n")
    write(site / "docs/designs/split.md", "---\ndesign: data/split.yaml\n---\n")
    write(site / "docs/designs/escape.md", "---\ndesign: ../../mkdocs.yml\n---\n")
    done = run("check", "-f", "mkdocs.yml", cwd=site)
    assert done.returncode == 1
    assert done.stdout.splitlines()[:2] == [
        "docs/designs/data/split.yaml:3:24: error schema-unknown-key design.background.goal: unknown field `goal`"
        " (did you mean `goals`?)",
        "docs/designs/escape.md:2:9: error design-file design: the design file `../../mkdocs.yml` lies outside the"
        " docs folder (give a path relative to this page that stays inside the docs folder)",
    ]


def test_config_file_with_the_plugin(site: Path) -> None:
    write(site / "mkdocs.yml", "site_name: Tiny\nplugins:\n  - mldesign\n")
    done = run("check", "-f", "mkdocs.yml", cwd=site)
    assert "Traceback" not in done.stderr
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == "2 designs checked: 0 errors, 0 warnings"


def test_schema_prints_the_shipped_schema(tmp_path: Path) -> None:
    done = run("schema", cwd=tmp_path)
    assert done.returncode == 0
    # The shipped schema, with the statuses a site without settings has (the schema's own).
    assert json.loads(done.stdout) == load_template().schema
    shipped = json.loads((Path(mkdocs_mldesign.__file__).parent / "schema" / "design.schema.json").read_text("utf-8"))
    assert json.loads(done.stdout)["properties"]["status"]["enum"] == [
        s["name"] for s in shipped["x-mldesign"]["statuses"]
    ]


def test_schema_writes_a_file(tmp_path: Path) -> None:
    done = run("schema", "-o", "out/design.schema.json", cwd=tmp_path)
    assert done.returncode == 2  # the folder does not exist
    assert done.stderr.startswith("mldesign: error: cannot write out/design.schema.json")
    (tmp_path / "out").mkdir()
    done = run("schema", "-o", "out/design.schema.json", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "")
    assert json.loads((tmp_path / "out/design.schema.json").read_text("utf-8")) == load_template().schema


def test_version(tmp_path: Path) -> None:
    done = run("--version", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout == f"mldesign {mkdocs_mldesign.__version__}\n"


MALICIOUS = {
    "python-tag.md": "---\ndesign:\n  status: !!python/object/apply:os.system ['touch pwned']\n---\n",
    "open-tag.md": "---\ndesign: !!python/object/apply:builtins.open ['pwned-too', 'w']\n---\n",
    "bomb.md": "---\na: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefghi", "bcdefghij", strict=True))
    + "design:\n  status: draft\n  owners: *j\n---\n",
    "deep.md": "---\ndesign:\n  status: draft\n  owners: " + "[" * 900 + "]" * 900 + "\n---\n",
    "date.md": "---\ndesign:\n  status: draft\n  owners: [a]\n  updated: 2026-02-30\n---\n",
    "int.md": "---\ndesign:\n  status: draft\n  owners: [a]\n  version: " + "9" * 5000 + "\n---\n",
    "hex.md": "---\ndesign:\n  status: 0x" + "f" * 5000 + "\n  owners: [a]\n---\n",
    "unclosed.md": "---\ndesign:\n  status: draft\n",
    "nul.md": "---\ndesign:\n  status: dr\x00aft\n---\n",
    "control.md": "---\ndesign:\n  status: \x1b[31mdraft\n---\n",
}


def test_malicious_pages_never_give_a_traceback(tmp_path: Path) -> None:
    for name, text in MALICIOUS.items():
        write(tmp_path / "docs" / name, text)
    write(tmp_path / "docs/bytes.md", b"---\ndesign:\n  status: \xff\xfe\n  owners: [a]\n---\n")
    write(tmp_path / "docs/crlf.md", page(full(status="later")).replace("\n", "\r\n"))
    done = run("check", "docs", cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr == ""
    assert not (tmp_path / "pwned").exists()
    assert not (tmp_path / "pwned-too").exists()
    located = {line.split(":")[0] for line in done.stdout.splitlines() if ": error " in line}
    assert located == {f"docs/{name}" for name in [*MALICIOUS, "bytes.md", "crlf.md"]}
    assert "docs/bytes.md:3:11: error encoding" in done.stdout
    assert "docs/crlf.md:4:11: error schema-enum design.status: `later`" in done.stdout


def test_strict_fails_on_warnings_too_and_a_cached_report_keeps_it(site: Path) -> None:
    stale = {**FULL, "updated": "2020-01-01"}  # approved long ago: the `stale` warning, no error
    write(site / "docs/designs/full.md", page(stale, title="Full design"))
    first = run("check", "docs", cwd=site)
    assert first.returncode == 0
    assert "warning stale" in first.stdout
    assert run("check", "--strict", "docs", cwd=site).returncode == 1
    assert run("check", "docs", cwd=site).returncode == 0  # from the cache, still lenient
    assert run("check", "--strict", "docs", cwd=site).returncode == 1
