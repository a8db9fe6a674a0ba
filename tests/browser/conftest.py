"""Fixtures for the browser tests: built sites served on 127.0.0.1, and a headless Chromium.

Chromium comes from Debian's `chromium` package, driven by Playwright. Where it is
missing or cannot start, the tests skip on a developer's machine but FAIL when
`MLDESIGN_REQUIRE_BROWSER=1` (CI sets it in .ci/run): in CI they must run.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
REQUIRE_BROWSER = os.environ.get("MLDESIGN_REQUIRE_BROWSER") == "1"
HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE.parent / "screenshots"
EXAMPLE_SITE = HERE.parents[1] / "example_site"
LOCAL_HOST = "127.0.0.1"
VIEWPORT = {"width": 1280, "height": 900}


def _unavailable(reason: str) -> NoReturn:
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason}; MLDESIGN_REQUIRE_BROWSER=1 says the browser tests must run here", pytrace=False)
    pytest.skip(f"{reason} (the browser tests skip only when MLDESIGN_REQUIRE_BROWSER is not 1)")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the whole session."""
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
class Site:
    """A built site and where it is served."""

    folder: Path
    url: str
    designs: dict[str, dict[str, Any]]  # by id, from designs.json


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A copy of example_site/, built with --strict into a temporary folder and served."""
    root = tmp_path_factory.mktemp("example") / "example_site"
    shutil.copytree(EXAMPLE_SITE, root, ignore=shutil.ignore_patterns("site"))
    site_dir = root / "site"
    build_folder(root / "mkdocs.yml", site_dir, strict=True)
    export = json.loads((site_dir / "designs.json").read_text(encoding="utf-8"))
    designs = {d["id"]: d for d in export["designs"]}
    with serve_folder(site_dir) as url:
        yield Site(site_dir, url, designs)


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
