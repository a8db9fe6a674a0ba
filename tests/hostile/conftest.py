"""The hostile corpus, checked three ways once per session: by the core, by the
`mldesign` command in a subprocess, and by a real MkDocs build of all of it at once.

Each case's own assertions live in `test_corpus.py` and read these shared results,
so ~100 inputs cost one build and one process, not a hundred of each.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from mkdocs_mldesign.cli import check_paths
from mkdocs_mldesign.design import Checker
from mkdocs_mldesign.report import Report
from mkdocs_mldesign.schema import load_template
from mkdocs_mldesign.settings import Settings
from tests.site.conftest import SMALL_DESIGN, Capture

from .generate import CORPUS, write_large_cases

HERE = Path(__file__).parent
MANIFEST = HERE / "manifest.yaml"
TODAY = date(2026, 11, 26)

ORDINARY_PAGE = "# Home\n\nAn ordinary page that must still be built.\n"
ORDINARY_TEXT = "An ordinary page that must still be built."
VALID_TEXT = "No labels are used"  # in SMALL_DESIGN, the valid design page
#: A payload that ran would leave a file whose name starts with this.
MARKER = "pwned"


@dataclass(frozen=True)
class Expected:
    rule: str
    line: int
    column: int
    field: str
    file: str  # relative to the docs folder

    def key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.rule, self.field)


@dataclass(frozen=True)
class Case:
    """One input of the corpus and what it must produce (see manifest.yaml)."""

    name: str
    about: str
    target: str  # the page, or the folder of pages, relative to the docs folder
    problems: tuple[Expected, ...]
    count: int  # problems in all; more than listed for the cases that pass the limit
    seconds: float
    shown: tuple[str, ...] = ()
    overview_shown: tuple[str, ...] = ()
    script: bool = False
    build_xfail: str = ""  # a known bug: the build does not report the problem at all
    page_xfail: str = ""  # a known bug: the build logs the problem but the page does not show it

    def owns(self, file: str) -> bool:
        if self.target.endswith(".md"):
            return file == self.target or file in {p.file for p in self.problems}
        return file.startswith(self.target + "/")


def _case(name: str, raw: dict[str, Any]) -> Case:
    folder = (CORPUS / name).is_dir()
    target = name if folder else f"{name}.md"
    problems = tuple(
        Expected(p["rule"], p["line"], p["column"], p["field"], p.get("file", target)) for p in raw.get("problems", [])
    )
    return Case(
        name=name,
        about=raw["about"],
        target=target,
        problems=problems,
        count=raw.get("count", len(problems)),
        seconds=float(raw.get("seconds", 2.0)),
        shown=tuple(raw.get("shown", ())),
        overview_shown=tuple(raw.get("overview_shown", ())),
        script=bool(raw.get("script", False)),
        build_xfail=raw.get("build_xfail", ""),
        page_xfail=raw.get("page_xfail", ""),
    )


def load_cases() -> list[Case]:
    raw = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return [_case(name, entry) for name, entry in raw.items()]


CASES = load_cases()


def case_id(case: Case) -> str:
    return case.name


# --- the corpus, copied where it can be built ------------------------------------------


@dataclass
class Workspace:
    root: Path  # holds mkdocs.yml, docs/, site/ and outside/
    docs: Path
    site: Path
    listing: frozenset[str]  # every path under root before anything ran

    def files_now(self) -> frozenset[str]:
        return frozenset(str(p.relative_to(self.root)) for p in self.root.rglob("*"))


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The corpus and the large generated inputs in a docs folder, beside an ordinary
    page and a valid design, with a symbolic link that points out of it."""
    root = tmp_path_factory.mktemp("hostile")
    docs = root / "docs"
    shutil.copytree(CORPUS, docs, symlinks=True)
    write_large_cases(docs, root / "outside")
    (docs / "index.md").write_text(ORDINARY_PAGE, encoding="utf-8")
    (docs / "valid-design.md").write_text(SMALL_DESIGN, encoding="utf-8")
    config = {
        "site_name": "Hostile corpus",
        "theme": {"name": "mldesign"},
        "plugins": ["search", {"mldesign": {}}],
        "markdown_extensions": ["admonition", {"toc": {"permalink": True}}],
        "use_directory_urls": False,
        "strict": False,
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    listing = frozenset(str(p.relative_to(root)) for p in root.rglob("*"))
    return Workspace(root, docs, root / "site", listing)


@pytest.fixture(scope="session")
def checker() -> Checker:
    return Checker(load_template())


@dataclass
class Checked:
    report: Report
    seconds: float
    created: frozenset[str]  # files that appeared in the workspace while checking


@pytest.fixture(scope="session")
def core_results(workspace: Workspace, checker: Checker) -> dict[str, Checked]:
    """Each case checked on its own by the core, as `mldesign check` does, and timed.

    The working folder is the docs folder, so messages name files as the manifest
    does, and a payload that ran would leave its file there.
    """
    results: dict[str, Checked] = {}
    old = Path.cwd()
    os.chdir(workspace.docs)
    try:
        for case in CASES:
            before = workspace.files_now()
            target = Path(case.target)
            start = time.perf_counter()
            report = check_paths(checker, [(target, Path("."))], settings=Settings(), today=TODAY)
            seconds = time.perf_counter() - start
            results[case.name] = Checked(report, seconds, workspace.files_now() - before)
    finally:
        os.chdir(old)
    return results


# --- the command line, in a subprocess ---------------------------------------------------


def mldesign_command() -> str:
    """The installed `mldesign` entry point of the interpreter running the tests."""
    name = "mldesign.exe" if os.name == "nt" else "mldesign"
    path = Path(sys.executable).with_name(name)
    assert path.is_file(), f"the mldesign entry point is not installed next to {sys.executable}"
    return str(path)


@dataclass
class Command:
    returncode: int
    stdout: str
    stderr: str
    problems: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture(scope="session")
def cli_run(workspace: Workspace, core_results: dict[str, Checked]) -> Command:
    """`mldesign check --format json .` over the whole corpus, in one process."""
    done = subprocess.run(
        [mldesign_command(), "check", "--format", "json", "."],
        cwd=workspace.docs,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
        check=False,
    )
    command = Command(done.returncode, done.stdout, done.stderr)
    if done.stdout.strip().startswith("{"):
        data = json.loads(done.stdout)
        command.problems = list(data["problems"])
        for design in data["designs"]:
            command.problems.extend(design["problems"])
    return command


# --- a real MkDocs build of the whole corpus -------------------------------------------------


@dataclass
class Site:
    site: Path
    warnings: list[str]
    seconds: float
    error: BaseException | None = None

    def page(self, src: str) -> str:
        return (self.site / (src[: -len(".md")] + ".html")).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built(workspace: Workspace, cli_run: Command) -> Site:
    """One non-strict build of every case with an ordinary page and a valid design;
    the log is captured as tests/site/conftest.py's `build_site` does."""
    capture = Capture()
    logger = logging.getLogger("mkdocs")
    old_level = logger.level
    logger.addHandler(capture)
    logger.setLevel(logging.DEBUG)
    old_cwd = Path.cwd()
    os.chdir(workspace.root)  # a payload that ran would leave its file here
    start = time.perf_counter()
    error: BaseException | None = None
    try:
        build(load_config(str(workspace.root / "mkdocs.yml")))
    except Exception as exc:  # reported by every case's build test, with its cause
        error = exc
    finally:
        seconds = time.perf_counter() - start
        os.chdir(old_cwd)
        logger.removeHandler(capture)
        logger.setLevel(old_level)
    warnings = [r.getMessage() for r in capture.records if r.levelno >= logging.WARNING]
    return Site(workspace.site, warnings, seconds, error)
