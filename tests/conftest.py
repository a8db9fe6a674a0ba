"""The fixtures of the whole suite: the template and checkers, real MkDocs builds in
temporary folders (unexpected warnings fail the test), a real Chromium, and the
hostile-input corpus checked by the core, the command line and a build.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from mkdocs_mldesign.core.design import Checker, Design
from mkdocs_mldesign.core.evidence import EvidenceOptions
from mkdocs_mldesign.core.frontmatter import MAX_FRONT_MATTER_BYTES, split
from mkdocs_mldesign.core.schema import Template, load_template
from mkdocs_mldesign.core.settings import Settings
from mkdocs_mldesign.core.site import Report, Site
from mkdocs_mldesign.core.validation import Validator
from mkdocs_mldesign.project.check import check_paths
from tests.designs import SMALL_DESIGN, TODAY, design_page
from tests.hostile.generate import CORPUS, write_large_cases


@pytest.fixture(scope="session", autouse=True)
def _private_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`mldesign check` keeps its cache secret in the user's cache home: the suite's own,
    so no test reads or writes the real one (subprocesses inherit it)."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache-home"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


# --- the template and the checkers ------------------------------------------------------


@pytest.fixture(scope="session")
def template() -> Template:
    return load_template()


@pytest.fixture(scope="session")
def checker(template: Template) -> Checker:
    return Checker(template)


@pytest.fixture(scope="session")
def validator(template: Template) -> Validator:
    return Validator(template)


@pytest.fixture
def settings() -> Settings:
    return Settings()


def make_design(checker: Checker, data: Any, src_uri: str = "designs/a.md") -> Design:
    """The design a page holding `data` gives; schema problems are not expected."""
    result = checker.check_source(design_page(data), src_uri=src_uri)
    assert result.design is not None, result.problems
    assert [p.format() for p in result.design.problems] == []
    return result.design


def line_of(design: Design, needle: str, occurrence: int = 1) -> int:
    """The file line of the `occurrence`-th line of the design's YAML holding `needle`."""
    hits = [i for i, line in enumerate(design.source.text.split("\n")) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} is not in the YAML"
    return hits[occurrence - 1] + design.source.first_line


# --- real MkDocs builds ---------------------------------------------------------------

THEMES = ("mldesign", "material", "mkdocs", "readthedocs")


@dataclass
class Built:
    root: Path
    site: Path
    records: list[logging.LogRecord] = field(default_factory=list)

    def html(self, path: str) -> str:
        return (self.site / path).read_text(encoding="utf-8")

    def warnings(self) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= logging.WARNING]


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def capture_mkdocs_log() -> Iterator[Capture]:
    handler = Capture()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old)


def write_site(
    root: Path,
    pages: Mapping[str, str | bytes],
    *,
    theme: str = "mldesign",
    plugin: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    strict: bool = False,
) -> Path:
    """Write `docs/*` and a `mkdocs.yml` using the plugin into `root`; return the config file."""
    docs = root / "docs"
    for name, content in pages.items():
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if content.startswith("\n") else content, encoding="utf-8")
    config: dict[str, Any] = {
        "site_name": "Test",
        "theme": {"name": theme},
        "plugins": ["search", {"mldesign": plugin or {}}],
        "markdown_extensions": ["admonition", {"toc": {"permalink": True}}],
        "strict": strict,
    }
    config.update(extra or {})
    config_file = root / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    return config_file


BuildSite = Callable[..., Built]


@pytest.fixture
def build_site(tmp_path: Path, capture_mkdocs_log: Capture) -> BuildSite:
    """Write pages and a mkdocs.yml, build for real, return the site and the log."""
    counter = iter(range(1000))

    def run(
        pages: dict[str, str | bytes],
        *,
        theme: str = "mldesign",
        plugin: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        strict: bool = False,
        expect_warnings: bool = False,
    ) -> Built:
        root = tmp_path / f"site{next(counter)}"
        write_site(root, pages, theme=theme, plugin=plugin, extra=extra, strict=strict)
        capture_mkdocs_log.records.clear()
        build(load_config(str(root / "mkdocs.yml")))
        built = Built(root, root / "site", list(capture_mkdocs_log.records))
        if not expect_warnings:
            assert built.warnings() == [], "unexpected warnings in the build log"
        return built

    return run


# --- a real browser -------------------------------------------------------------------

#: The Chromium the browser tests drive; `make test` passes its CHROMIUM here.
CHROMIUM = os.environ.get("MLDESIGN_CHROMIUM") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
REQUIRE_BROWSER = os.environ.get("MLDESIGN_REQUIRE_BROWSER") == "1"
TESTS = Path(__file__).resolve().parent
SCREENSHOTS = TESTS / "screenshots"
EXAMPLE_SITE = TESTS.parent / "example_site"
LOCAL_HOST = "127.0.0.1"
VIEWPORT = {"width": 1280, "height": 900}


def _unavailable(reason: str) -> NoReturn:
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason}; MLDESIGN_REQUIRE_BROWSER=1 says the browser tests must run here", pytrace=False)
    pytest.skip(f"{reason} (the browser tests skip only when MLDESIGN_REQUIRE_BROWSER is not 1)")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless Chromium for each module that drives one. Not for the whole session:
    Playwright's synchronous API keeps an event loop of its own running in this thread
    while it is started, and the asyncio tests of the editor and agent servers (pytest-lsp,
    the MCP client) need the thread's loop to themselves."""
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} is missing (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as exc:
        _unavailable(f"Playwright is not installed ({exc}); pip install -e '.[dev]'")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, timeout=30_000)
    except Error as exc:
        playwright.stop()
        _unavailable(f"Playwright cannot launch {CHROMIUM}: {exc}")
    yield browser
    browser.close()
    playwright.stop()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log on stderr."""


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve a built site on a free port of 127.0.0.1 from a thread; yield its base URL."""
    server = ThreadingHTTPServer((LOCAL_HOST, 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, name=f"serve {folder.name}", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def build_folder(config_file: Path, site_dir: Path, *, strict: bool) -> None:
    """A real `mkdocs build` of one site, with the real plugin and theme."""
    build(load_config(str(config_file), site_dir=str(site_dir), strict=strict))


@dataclass(frozen=True)
class ExampleSite:
    """A built site and where it is served."""

    folder: Path
    url: str
    designs: dict[str, dict[str, Any]]  # by id, from designs.json


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExampleSite]:
    """A copy of example_site/, built with --strict into a temporary folder and served."""
    root = tmp_path_factory.mktemp("example") / "example_site"
    shutil.copytree(EXAMPLE_SITE, root, ignore=shutil.ignore_patterns("site"))
    site_dir = root / "site"
    build_folder(root / "mkdocs.yml", site_dir, strict=True)
    export = json.loads((site_dir / "designs.json").read_text(encoding="utf-8"))
    designs = {d["id"]: d for d in export["designs"]}
    with serve_folder(site_dir) as url:
        yield ExampleSite(site_dir, url, designs)


@dataclass
class Tab:
    """A page in its own browser context that records what goes wrong while it is used."""

    page: Any
    base: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None, f"no response for {path}"
        assert response.ok, f"{path}: HTTP {response.status}"

    def screenshot(self, name: str, *, full_page: bool = False) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        assert path.stat().st_size > 1000, f"{path} is suspiciously small"
        return path

    def assert_clean(self) -> None:
        """No console error, no uncaught exception, no failed request, no request off this machine."""
        assert self.errors == [], "\n".join(self.errors)
        outside = [url for url in self.requests if not _is_local(url)]
        assert outside == [], f"requests to another host than {LOCAL_HOST}: {outside}"
        assert any(url.startswith(self.base) for url in self.requests), "no request was recorded at all"


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https") and parts.hostname == LOCAL_HOST


NewTab = Callable[..., Tab]


@pytest.fixture
def new_tab(chromium: Any) -> Iterator[NewTab]:
    """Open a tab on a served site, in a fresh context (no stored colour scheme, no cache)."""
    contexts: list[Any] = []

    def open_tab(base: str, *, color_scheme: str = "light") -> Tab:
        context = chromium.new_context(viewport=VIEWPORT, color_scheme=color_scheme, service_workers="block")
        contexts.append(context)
        page = context.new_page()
        tab = Tab(page, base)

        def on_console(message: Any) -> None:
            if message.type == "error":
                tab.errors.append(f"console error on {page.url}: {message.text} ({message.location})")

        def on_response(response: Any) -> None:
            if response.status >= 400:
                tab.errors.append(f"HTTP {response.status} for {response.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: tab.errors.append(f"uncaught exception on {page.url}: {error}"))
        context.on("request", lambda request: tab.requests.append(request.url))

        def on_failed(request: Any) -> None:
            # A request cut short because the test moved on to another page is no fault.
            if request.failure != "net::ERR_ABORTED":
                tab.errors.append(f"request failed ({request.failure}): {request.url}")

        context.on("requestfailed", on_failed)
        context.on("response", on_response)
        return tab

    yield open_tab
    for context in contexts:
        context.close()


# --- the hostile-input corpus ---------------------------------------------------------

MANIFEST = TESTS / "hostile" / "manifest.yaml"

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


@dataclass
class Checked:
    report: Report
    seconds: float
    created: frozenset[str]  # files that appeared in the workspace while checking
    #: What PyYAML alone takes to compose the same front matter, timed beside the check:
    #: the part of `seconds` no code of ours can save. A bound on the rest stays a bound
    #: on our code however loaded the machine is.
    parse_seconds: float = 0.0

    @property
    def own_seconds(self) -> float:
        return max(0.0, self.seconds - self.parse_seconds)


def _parse_seconds(target: Path) -> float:
    """PyYAML's own time to compose the front matter of the page(s) at `target`."""
    total = 0.0
    pages = sorted(target.rglob("*.md")) if target.is_dir() else [target]
    for page in pages:
        try:
            front = split(page.read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        if front is None or len(front.text.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:  # refused before parsing
            continue
        start = time.perf_counter()
        with suppress(yaml.YAMLError):
            yaml.compose(front.text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        total += time.perf_counter() - start
    return total


@pytest.fixture(scope="session")
def core_results(workspace: Workspace) -> dict[str, Checked]:
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
            evidence = (workspace.root, EvidenceOptions())  # what `mldesign check` and the build read
            report = check_paths(Site.load(Settings()), [(target, Path("."))], today=TODAY, evidence=evidence)
            seconds = time.perf_counter() - start
            created = workspace.files_now() - before
            results[case.name] = Checked(report, seconds, created, _parse_seconds(target))
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
class CorpusBuild:
    site: Path
    warnings: list[str]
    seconds: float
    error: BaseException | None = None

    def page(self, src: str) -> str:
        return (self.site / (src[: -len(".md")] + ".html")).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built(workspace: Workspace, cli_run: Command) -> CorpusBuild:
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
    return CorpusBuild(workspace.site, warnings, seconds, error)


def mkdocs_build(root: Path, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`mkdocs build` of the site in `root`, run for real in a process of its own: what a
    user sees of a build that stops (its log on stderr, its exit status)."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build"],
        cwd=root,
        capture_output=True,
        text=True,
        env=dict(env) if env is not None else None,
        timeout=300,
        check=False,
    )


def run_mldesign(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed `mldesign` command, run for real in `cwd`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return subprocess.run(
        [mldesign_command(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        env=env,
        check=False,
    )


# --- a real MLflow tracking server ------------------------------------------------------

MLFLOW_VENV = TESTS.parent / ".venv-mlflow"


@dataclass(frozen=True)
class MLflowServer:
    """An `mlflow server` on 127.0.0.1 with a SQLite store, and a way to log runs to it
    with MLflow's own client (in the server's venv: the plugin does not need MLflow)."""

    uri: str
    log: Path  # the server's output, its access log among it

    def client(self, script: str) -> str:
        """Run `script` with `client` (an MlflowClient of this server) in scope; its stdout."""
        code = f"import mlflow\nfrom mlflow import MlflowClient\nclient = MlflowClient({self.uri!r})\n{script}"
        done = subprocess.run(
            [str(MLFLOW_VENV / "bin" / "python"), "-c", code],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def requests(self, path: str) -> int:
        """How many requests for `path` the server has logged so far."""
        return self.log.read_text(encoding="utf-8", errors="replace").count(path)


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MLflowServer]:
    """A real tracking server for the session, started and stopped here, on 127.0.0.1."""
    import socket
    import urllib.request

    command = MLFLOW_VENV / "bin" / "mlflow"
    if not command.exists():
        pytest.fail(f"{command.relative_to(TESTS.parent)} is missing: `make test` (or `make routes`) installs it")
    folder = tmp_path_factory.mktemp("mlflow")
    with socket.socket() as probe:
        probe.bind((LOCAL_HOST, 0))
        port = probe.getsockname()[1]
    log = folder / "server.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [
                str(command),
                "server",
                "--backend-store-uri",
                f"sqlite:///{folder / 'store.db'}",
                "--default-artifact-root",
                str(folder / "artifacts"),
                "--host",
                LOCAL_HOST,
                "--port",
                str(port),
                "--workers",
                "1",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=folder,
            start_new_session=True,
        )
    uri = f"http://{LOCAL_HOST}:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{uri}/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"mlflow server did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.5)
        yield MLflowServer(uri, log)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(server.pid, 15)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(server.pid, 9)
            server.wait(timeout=20)
