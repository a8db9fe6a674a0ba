"""`mkdocs serve` for real: a subprocess on a free localhost port, edits on disk, HTTP polling.

Every wait has a deadline and the server is always stopped in the fixture's teardown,
so a hung or crashed server fails the test instead of hanging it.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from tests.conftest import write_site
from tests.designs import FULL_DESIGN, SMALL_DESIGN

STARTUP_DEADLINE = 20.0  # the first build of a small site takes ~1 s here
REBUILD_DEADLINE = 15.0  # polling every 0.5 s, then a build of ~0.5 s
STOP_DEADLINE = 5.0

RANKER_DESIGN = """\
---
title: Referral ranker
design:
  id: ranker
  status: review
  owners: [Referrals team]
  background: {users: Referral coordinators, goals: Route referrals fast, pains: [Backlogs]}
  value_proposition: {product: A ranked queue, alleviates: Less triage by hand, advantages: Explainable order}
  objectives: [Halve the time to first contact]
---

# Referral ranker
"""

# The small design with two more sections written, so its completeness goes up.
SMALL_DESIGN_GROWN = SMALL_DESIGN.replace(
    "  labeling: {na: No labels are used}\n",
    "  labeling: {na: No labels are used}\n"
    "  value_proposition: {product: One patient id, alleviates: Duplicates, advantages: Fewer merges}\n"
    "  objectives: [Find a patient's record in seconds]\n",
)


def _shown(show: Callable[[str], object], body: str) -> str:
    try:
        return repr(show(body))
    except Exception as exc:  # the failure message must not hide the failure
        return f"{len(body)} characters ({type(exc).__name__}: {exc})"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """A running `mkdocs serve` and what it has written to its log."""

    process: subprocess.Popen[bytes]
    base: str
    log_path: Path
    log_file: IO[bytes]

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def _fail(self, message: str) -> None:
        tail = "\n".join(self.log().splitlines()[-40:])
        pytest.fail(f"{message}\n--- mkdocs serve log (tail) ---\n{tail}")

    def assert_alive(self) -> None:
        if self.process.poll() is not None:
            self._fail(f"mkdocs serve exited with code {self.process.returncode}")
        # The server survives a build that raised, but then serves nothing new: catch it here.
        log = self.log()
        for sign in ("Traceback", "An error happened during the rebuild"):
            if sign in log:
                self._fail(f"mkdocs serve logged {sign!r}")

    def fetch(self, path: str) -> tuple[int, str] | None:
        """GET a path; None while the server is not answering (yet)."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=3) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, ""
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    def wait_for(
        self,
        path: str,
        ready: Callable[[str], bool],
        what: str,
        deadline: float = REBUILD_DEADLINE,
        show: Callable[[str], object] = len,
    ) -> str:
        """Poll `path` until `ready(body)`; fail (never hang) after `deadline` seconds.
        `show` tells, in the failure message, what the last answer held."""
        end = time.monotonic() + deadline
        last: tuple[int, str] | None = None
        while time.monotonic() < end:
            if self.process.poll() is not None:
                self._fail(f"mkdocs serve exited while waiting for {what}")
            last = self.fetch(path)
            if last is not None and last[0] == 200 and ready(last[1]):
                return last[1]
            time.sleep(0.15)
        shown = "no answer" if last is None else f"HTTP {last[0]}: {_shown(show, last[1])}"
        self._fail(f"timed out after {deadline:.0f} s waiting for {what} at {path} (last: {shown})")
        raise AssertionError("unreachable")  # pytest.fail raises; this keeps the type checker sure

    def get(self, path: str) -> str:
        answer = self.fetch(path)
        assert answer is not None, f"no answer for {path}"
        assert answer[0] == 200, f"HTTP {answer[0]} for {path}"
        return answer[1]


StartServer = Callable[..., Server]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[StartServer]:
    """Start `mkdocs serve` (live reload on) in a site folder; always stopped at teardown."""
    servers: list[Server] = []

    def start(root: Path, *options: str) -> Server:
        for attempt in range(3):
            port = _free_port()
            log_path = tmp_path / f"serve-{port}.log"
            log_file = log_path.open("wb")
            env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}
            process = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", *options],
                cwd=root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
            server = Server(process, f"http://127.0.0.1:{port}/", log_path, log_file)
            servers.append(server)
            try:
                server.wait_for("", lambda body: "<html" in body, "the first build", deadline=STARTUP_DEADLINE)
            except pytest.fail.Exception:
                # MkDocs binds the port only after its first build: another process may have
                # taken it in between. Then try another port; any other failure stands.
                if attempt < 2 and process.poll() is not None and "Address already in use" in server.log():
                    continue
                raise
            server.assert_alive()
            return server
        raise AssertionError("unreachable")

    yield start

    for server in servers:
        process = server.process
        if process.poll() is None:
            # Ctrl-C: MkDocs shuts down cleanly and removes its temporary site folder.
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=STOP_DEADLINE)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_DEADLINE)
        server.log_file.close()


def _edit(path: Path, text: str, scratch: Path) -> None:
    """Replace a page in one step, so the watcher never sees it half written (a dirty build
    that read a half-written page would then skip the finished one as unmodified)."""
    before = path.stat().st_mtime_ns
    draft = scratch / f"edit-{path.name}"
    draft.write_text(text, encoding="utf-8")
    if draft.stat().st_mtime_ns <= before:  # a coarse clock: make sure the watcher sees a change
        os.utime(draft, ns=(before + 1_000_000, before + 1_000_000))
    os.replace(draft, path)


def _overview_rows(html: str) -> dict[str, int]:
    """Design id -> completeness, read from the rows of the overview table."""
    table = html[html.index('<table class="mldesign-table mldesign-overview">') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    rows: dict[str, int] = {}
    for row in body.split("<tr ")[1:]:
        design_id = re.search(r'data-mldesign-id="([^"]+)"', row)
        percent = re.search(r'data-mldesign-completeness="(\d+)"', row)
        assert design_id, row
        assert percent, row
        rows[design_id.group(1)] = int(percent.group(1))
    return rows


def _clean_build(root: Path, name: str) -> Path:
    """A clean `mkdocs build` of the same folder: what a dirty rebuild must agree with."""
    site = root.parent / name
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(site)))
    return site


def test_invalid_design_and_back_keeps_the_server_running(tmp_path: Path, serve: StartServer) -> None:
    root = tmp_path / "site"
    pages = {"index.md": "# Home\n", "designs/face.md": FULL_DESIGN, "designs/identity.md": SMALL_DESIGN}
    write_site(root, pages)
    page = root / "docs/designs/identity.md"
    server = serve(root)

    first = server.get("designs/identity/")
    assert 'data-mldesign-completeness="' in first
    assert "admonition failure" not in first

    # 1. Broken YAML: the page still builds and shows its problem.
    _edit(page, SMALL_DESIGN.replace("owners: [Records team]", "owners: [Records team") + "\nrevision-1\n", tmp_path)
    html = server.wait_for("designs/identity/", lambda b: "revision-1" in b, "the page with broken YAML")
    assert "admonition failure" in html
    assert "mldesign-problems" in html
    server.assert_alive()
    # Other pages still build: an ordinary page shows no problem, the other design is rendered
    # (it may report its dependency on the broken design: that is a true problem of the site).
    assert "admonition" not in server.get("")
    assert 'data-mldesign-completeness="100"' in server.get("designs/face/")

    # 2. Valid YAML, but a schema error.
    _edit(page, SMALL_DESIGN.replace("status: draft", "status: aproved") + "\nrevision-2\n", tmp_path)
    html = server.wait_for("designs/identity/", lambda b: "revision-2" in b, "the page with a schema error")
    assert "admonition failure" in html
    problems = html[html.index("mldesign-problems") :]
    assert "design.status" in problems
    assert "aproved" in problems
    server.assert_alive()

    # 3. Back to a valid design: the problems are gone, the design is rendered again.
    _edit(page, SMALL_DESIGN + "\nrevision-3\n", tmp_path)
    html = server.wait_for("designs/identity/", lambda b: "revision-3" in b, "the repaired page")
    assert "admonition failure" not in html
    assert 'data-mldesign-completeness="' in html
    assert 'id="mldesign-metrics"' in html
    overview = server.get("designs/")
    assert set(_overview_rows(overview)) == {"face", "identity"}
    server.assert_alive()


def test_dirty_rebuild_keeps_every_design(tmp_path: Path, serve: StartServer) -> None:
    root = tmp_path / "site"
    pages = {
        "index.md": "# Home\n",
        "designs/face.md": FULL_DESIGN,
        "designs/identity.md": SMALL_DESIGN,
        "designs/ranker.md": RANKER_DESIGN,
    }
    write_site(root, pages)
    ids = {"face", "identity", "ranker"}
    # --verbose: MkDocs then logs each plugin event it runs, which shows that a dirty
    # rebuild really skipped reading the unchanged pages.
    server = serve(root, "--dirty", "--verbose")

    before = _overview_rows(server.get("designs/"))
    assert set(before) == ids
    assert before["face"] == 100

    def check_against_clean_build(name: str) -> dict[str, int]:
        """The served overview, export and badges agree with a clean build of the same files."""
        clean = _clean_build(root, name)
        expected = _overview_rows((clean / "designs/index.html").read_text(encoding="utf-8"))
        assert set(expected) == ids
        rows = _overview_rows(
            server.wait_for(
                "designs/",
                lambda b: _overview_rows(b) == expected,
                f"the overview to show {expected}",
                show=_overview_rows,
            )
        )
        assert rows == expected
        served = _as_if_built(json.loads(server.get("designs.json")))
        assert served == json.loads((clean / "designs.json").read_text(encoding="utf-8"))
        assert {d["id"]: d["completeness"] for d in served["designs"]} == expected
        for design_id, percent in expected.items():
            badge = server.get(f"badges/{design_id}.svg")
            assert f"{percent}%" in badge
            assert badge == (clean / f"badges/{design_id}.svg").read_text(encoding="utf-8")
            canvas = server.get(f"canvas/{design_id}.html")
            assert f'data-mldesign-completeness="{percent}"' in canvas
        assert server.get("badges/all.svg") == (clean / "badges/all.svg").read_text(encoding="utf-8")
        server.assert_alive()
        return expected

    def pages_read(since: int) -> int:
        return server.log()[since:].count("Running `page_read_source` event from plugin 'mldesign'")

    assert pages_read(0) == len(pages) + 1, "the first build reads every page and the overview"

    # Edit one design so its completeness goes up; the two others are not re-read.
    mark = len(server.log())
    _edit(root / "docs/designs/identity.md", SMALL_DESIGN_GROWN + "\nrevision-1\n", tmp_path)
    server.wait_for("designs/identity/", lambda b: "revision-1" in b, "the edited design page")
    after_first = check_against_clean_build("clean1")
    assert pages_read(mark) == 2, "a dirty rebuild reads the edited page and the generated overview only"
    assert after_first["identity"] > before["identity"], "the edit should raise the completeness"
    assert after_first["face"] == before["face"]
    assert after_first["ranker"] == before["ranker"]

    # Edit another one: the first edit's result is kept although that page is not re-read now.
    mark = len(server.log())
    _edit(
        root / "docs/designs/face.md",
        re.sub(r"  metrics:\n(    - .*\n)+", "", FULL_DESIGN) + "\nrevision-2\n",
        tmp_path,
    )
    server.wait_for("designs/face/", lambda b: "revision-2" in b, "the second edited design page")
    after_second = check_against_clean_build("clean2")
    assert pages_read(mark) == 2
    assert after_second["face"] < 100
    assert after_second["identity"] == after_first["identity"]
    assert after_second["ranker"] == before["ranker"]


def test_config_change_reaches_unchanged_pages(tmp_path: Path, serve: StartServer) -> None:
    root = tmp_path / "site"
    config_file = write_site(root, {"index.md": "# Home\n", "designs/ranker.md": RANKER_DESIGN})
    server = serve(root)
    rule = 'data-mldesign-rule="manual-baseline"'
    assert rule in server.get("designs/ranker/"), "a design in review without a manual baseline is reported"

    # Switch the rule off in mkdocs.yml; the page itself does not change.
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config["site_name"] = "Rebuilt"
    config["plugins"] = ["search", {"mldesign": {"lint": {"manual-baseline": "off"}}}]
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    html = server.wait_for("designs/ranker/", lambda b: "Rebuilt" in b, "the rebuild after the config change")
    server.assert_alive()
    assert rule not in html
    export = json.loads(server.get("designs.json"))
    assert all(p["rule"] != "manual-baseline" for d in export["designs"] for p in d["problems"])


def test_editing_a_design_file_reloads_its_page(tmp_path: Path, serve: StartServer) -> None:
    root = tmp_path / "site"
    page = "---\ntitle: Ranker\ndesign: ranker.design.yaml\n---\n\n# Ranker\n"
    design_file = "status: draft\nowners: [Referrals team]\nbackground: {users: Coordinators}\n"
    write_site(root, {"index.md": "# Home\n", "designs/ranker.md": page, "designs/ranker.design.yaml": design_file})
    server = serve(root)
    first = server.get("designs/ranker/")
    assert "Coordinators" in first
    assert "admonition failure" not in first

    # Only the YAML file changes; the page's own text does not.
    path = root / "docs/designs/ranker.design.yaml"
    _edit(path, design_file.replace("status: draft", "status: drafty"), tmp_path)
    html = server.wait_for("designs/ranker/", lambda b: "admonition failure" in b, "the page after its file broke")
    problems = html[html.index("mldesign-problems") :]
    assert "docs/designs/ranker.design.yaml:1:9" in problems
    assert "drafty" in problems
    server.assert_alive()

    _edit(path, design_file.replace("Coordinators", "Referral coordinators"), tmp_path)
    html = server.wait_for("designs/ranker/", lambda b: "Referral coordinators" in b, "the repaired design file")
    assert "admonition failure" not in html
    server.assert_alive()


def test_dirty_rebuild_reaches_a_page_whose_verdict_another_design_changed(tmp_path: Path, serve: StartServer) -> None:
    # `app` depends on `store`. Renaming `store`'s id breaks `app`'s link, though `app`'s
    # own file is untouched, which `--dirty` alone would not rebuild.
    root = tmp_path / "site"
    app = "---\ntitle: App\ndesign:\n  id: app\n  status: draft\n  owners: [A]\n  depends_on: [store]\n---\n\nApp.\n"
    store = "---\ntitle: Store\ndesign:\n  id: store\n  status: draft\n  owners: [A]\n---\n\nStore.\n"
    write_site(root, {"index.md": "# Home\n", "designs/app.md": app, "designs/store.md": store})
    server = serve(root, "--dirty")
    assert "link-exists" not in server.get("designs/app/")

    _edit(root / "docs/designs/store.md", store.replace("id: store", "id: storage"), tmp_path)
    html = server.wait_for("designs/app/", lambda b: "link-exists" in b, "the broken link on the app page")
    assert "no design on the site has the id `store`" in html

    _edit(root / "docs/designs/store.md", store, tmp_path)  # and back: the problem goes away again
    server.wait_for("designs/app/", lambda b: "link-exists" not in b, "the link repaired on the app page")
    server.assert_alive()


def _as_if_built(export: dict[str, Any]) -> dict[str, Any]:
    """`mkdocs serve` sets `site_url` to its own address, so its export's URLs are absolute."""
    base = export["site"]["url"]
    assert base.startswith("http://127.0.0.1:")
    for design in export["designs"]:
        assert design["url"].startswith(base)
        design["url"] = design["url"][len(base) :] or "./"
    export["site"]["url"] = None
    return export
