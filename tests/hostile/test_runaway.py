"""Hostile round 3: nothing a page, a schema, a source or the history holds can make a
build or a check run away, or reach anything but the configured http(s) hosts."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from mkdocs_mldesign.git.history import BUDGET_BASE, BUDGET_ONE_DESIGN
from mkdocs_mldesign.publish import sources
from tests.conftest import Capture, write_site
from tests.core.test_cli import BIN, run, write
from tests.lifecycle.repo import Repo, git
from tests.routes.test_portal import _trickle_server

EVIL = "^([A-Z0-9]+-?)+$"
FAILING = "A" * 41 + "!"


def _pattern_site(root: Path, extension: dict[str, Any], design: str) -> Path:
    write(root / "ext.yaml", yaml.safe_dump(extension))
    write(root / "mkdocs.yml", "site_name: P\nplugins:\n  - mldesign:\n      extension_schema: ext.yaml\n")
    write(root / "docs/t.md", f"---\ntitle: T\ndesign:\n  status: draft\n  owners: [a]\n{design}---\n")
    return root


@pytest.mark.parametrize(
    ("extension", "design", "rule"),
    [
        ({"properties": {"ticket": {"type": "string", "pattern": EVIL}}}, f"  ticket: {FAILING}\n", "schema-format"),
        (
            {"properties": {"tags_by": {"type": "object", "patternProperties": {EVIL: {"type": "string"}}}}},
            f"  tags_by:\n    {FAILING}: x\n    AB-CD: [1]\n",
            "schema-type",
        ),
        (
            {
                "properties": {
                    "tags_by": {"type": "object", "additionalProperties": False, "patternProperties": {EVIL: {}}}
                }
            },
            f"  tags_by:\n    {FAILING}: x\n",
            "schema-unknown-key",
        ),
        (
            {"properties": {"codes": {"type": "object", "propertyNames": {"pattern": EVIL}}}},
            f"  codes:\n    {FAILING}: x\n",
            "schema",
        ),
    ],
    ids=["pattern", "patternProperties", "additionalProperties", "propertyNames"],
)
def test_explaining_a_pattern_costs_no_more_than_judging_it(
    tmp_path: Path, extension: dict[str, Any], design: str, rule: str
) -> None:
    root = _pattern_site(tmp_path, extension, design)
    started = time.perf_counter()
    done = run("check", "--no-cache", cwd=root)
    seconds = time.perf_counter() - started
    assert done.returncode == 1, done.stdout + done.stderr
    assert rule in done.stdout
    assert seconds < 10, f"{seconds:.1f} s: the pattern was explained by backtracking"


@pytest.mark.parametrize("pattern", ["^a\\Z", "(?P<n>a)(?P=n)", "a{,3}"])
def test_a_pattern_only_python_reads_is_a_clear_error(tmp_path: Path, pattern: str) -> None:
    root = _pattern_site(tmp_path, {"properties": {"ticket": {"type": "string", "pattern": pattern}}}, "")
    done = run("check", cwd=root)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "the pattern at properties.ticket cannot be used" in done.stderr
    built = subprocess.run(
        [str(BIN / "mkdocs"), "build", "-q"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode != 0
    assert "Traceback" not in built.stderr
    assert "cannot be used" in built.stderr


# --- portal sources ----------------------------------------------------------------------


def test_slow_sources_hold_the_build_once_not_once_each(tmp_path: Path, capture_mkdocs_log: Capture) -> None:
    servers = [_trickle_server() for _ in range(3)]
    try:
        write_site(tmp_path, {"index.md": "# Portal\n"}, plugin={"sources": [url for url, _ in servers]})
        capture_mkdocs_log.records.clear()
        started = time.perf_counter()
        build(load_config(str(tmp_path / "mkdocs.yml")))
        seconds = time.perf_counter() - started
    finally:
        for _, halt in servers:
            halt()
    warnings = [r.getMessage() for r in capture_mkdocs_log.records if "no complete answer" in r.getMessage()]
    assert len(warnings) == 3
    assert seconds < sources.TIMEOUT_SECONDS + 8, f"{seconds:.1f} s for three slow sources"


def _export(n: int, site: str) -> dict[str, Any]:
    designs = [{"id": f"{site}-{i}", "title": f"{site} {i}", "completeness": 50} for i in range(n)]
    return {"format": 3, "site": {"name": site}, "designs": designs}


def test_the_portal_takes_in_a_bounded_number_of_designs_and_says_what_it_cut(
    tmp_path: Path, capture_mkdocs_log: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "MAX_SOURCE_DESIGNS", 5)
    for name, n in (("a", 4), ("b", 4), ("c", 2)):
        write(tmp_path / f"{name}.json", json.dumps(_export(n, name)))
    write_site(tmp_path, {"index.md": "# Portal\n"}, plugin={"sources": ["a.json", "b.json", "c.json"]})
    capture_mkdocs_log.records.clear()
    build(load_config(str(tmp_path / "mkdocs.yml")))
    export = json.loads((tmp_path / "site/designs.json").read_text(encoding="utf-8"))
    ids = sorted(d["id"] for d in export["designs"])
    assert ids == ["a-0", "a-1", "a-2", "a-3", "b-0"]
    cut = [r.getMessage() for r in capture_mkdocs_log.records if "are left out" in r.getMessage()]
    assert len(cut) == 2
    assert any("sources[1]" in m and "3 of its 4 designs" in m for m in cut), cut
    assert any("sources[2]" in m and "2 of its 2 designs" in m for m in cut), cut


class _Redirects(BaseHTTPRequestHandler):
    """/ftp, /file, /gopher and /chain answer with a redirect; /ok with an export."""

    targets: ClassVar[dict[str, str]] = {}

    def do_GET(self) -> None:
        if self.path == "/ok":
            body = json.dumps(_export(1, "ok")).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(302)
        self.send_header("Location", self.targets.get(self.path, "/ok"))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@contextmanager
def _listener() -> Iterator[tuple[int, list[object]]]:
    """A TCP port on 127.0.0.1 that records every connection made to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(0.2)
    seen: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            seen.append(conn)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1], seen
    finally:
        stop.set()
        thread.join(5)
        sock.close()


def test_a_redirect_to_anything_but_http_is_refused_at_every_hop(tmp_path: Path, capture_mkdocs_log: Capture) -> None:
    with _listener() as (port, seen):
        _Redirects.targets = {
            "/ftp": f"ftp://127.0.0.1:{port}/designs.json",
            "/file": "file:///etc/passwd",
            "/gopher": f"gopher://127.0.0.1:{port}/x",
            "/chain": "/chain2",
            "/chain2": f"ftp://127.0.0.1:{port}/deep.json",
        }
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirects)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            names = ["ftp", "file", "gopher", "chain", "good"]
            urls = [f"{base}/{n}" for n in names[:-1]] + [f"{base}/good"]
            write_site(tmp_path, {"index.md": "# Portal\n"}, plugin={"sources": urls})
            capture_mkdocs_log.records.clear()
            build(load_config(str(tmp_path / "mkdocs.yml")))
        finally:
            server.shutdown()
            server.server_close()
        assert seen == [], "a redirect reached a port over another scheme than http(s)"
    warnings = [r.getMessage() for r in capture_mkdocs_log.records if "sources[" in r.getMessage()]
    for index in range(4):
        assert any(f"sources[{index}]" in w and "which is not an http(s) URL" in w for w in warnings), warnings
    export = json.loads((tmp_path / "site/designs.json").read_text(encoding="utf-8"))
    assert [d["id"] for d in export["designs"]] == ["ok-0"]  # a redirect between http(s) URLs still works


# --- the history's budget ----------------------------------------------------------------


def _heavy_history(root: Path, commits: int, size: int) -> Repo:
    """A site whose one design is `size` bytes and changed by `commits` commits, written
    with git fast-import (as many commits through `git commit` would take minutes)."""
    repo = Repo(root)
    repo.commit("2024-01-01", "Start", {})
    stream = []
    for i in range(commits):
        notes = " ".join(f"word{i}-{j}" for j in range(size // 12))
        text = f"---\ntitle: Heavy\ndesign:\n  status: {'draft' if i % 2 else 'review'}\n  owners: [a]\n"
        text += f"  background:\n    users: {notes}\n---\n\nBody\n"
        data = text.encode()
        stamp = 1_704_153_600 + i * 3600
        stream += [
            b"commit refs/heads/main",
            f"committer Ada <ada@example.com> {stamp} +0000".encode(),
            f"data {len(f'c{i}')}".encode(),
            f"c{i}".encode(),
        ]
        if i == 0:
            stream.append(b"from refs/heads/main^0")
        stream += [f"M 100644 inline docs/heavy.md\ndata {len(data)}".encode(), data, b""]
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"\n".join(stream) + b"\n", check=True)
    git(root, "checkout", "-q", "-f", "main")
    return repo


def _unread(note: str) -> int:
    found = re.search(r"(\d+) older version\(s\) were not read", note)
    assert found is not None, note
    return int(found.group(1))


def test_the_history_reads_within_its_budget_and_says_when_it_stopped(
    tmp_path: Path, capture_mkdocs_log: Capture
) -> None:
    repo = _heavy_history(tmp_path / "repo", commits=120, size=500_000)
    config = repo.root / "mkdocs.yml"
    capture_mkdocs_log.records.clear()
    started = time.perf_counter()
    build(load_config(str(config)))
    seconds = time.perf_counter() - started
    messages = [r.getMessage() for r in capture_mkdocs_log.records]
    [note] = [m for m in messages if "stops short" in m]
    assert "1 design(s)" in note
    unread = _unread(note)
    read = 120 - unread
    assert 0 < read * 500_000 <= BUDGET_ONE_DESIGN + 600_000 < BUDGET_BASE
    html = (repo.root / "site/heavy/index.html").read_text(encoding="utf-8")
    assert "mldesign-history" in html
    plain = yaml.safe_load(config.read_text(encoding="utf-8"))
    plain["plugins"] = ["search", {"mldesign": {"history": False}}]
    config.write_text(yaml.safe_dump(plain), encoding="utf-8")
    started = time.perf_counter()
    build(load_config(str(config)))
    without = time.perf_counter() - started
    assert seconds - without < 4, f"the history added {seconds - without:.1f} s"
    config.write_text(yaml.safe_dump({**plain, "plugins": ["search", "mldesign"]}), encoding="utf-8")
    capture_mkdocs_log.records.clear()
    build(load_config(str(config)))  # the next build goes on from the cache
    again = [r.getMessage() for r in capture_mkdocs_log.records if "stops short" in r.getMessage()]
    assert again == [] or _unread(again[0]) < unread
