"""One portal over many sites: `sources` names other sites' designs.json, served from a
real HTTP server on 127.0.0.1 or read from disk, and the overview lists their designs."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from tests.conftest import Capture, run_mldesign, serve_folder, write_site
from tests.designs import FULL_DESIGN, SMALL_DESIGN

RANKER = SMALL_DESIGN.replace("Identity service", "Referral ranker").replace("id: identity", "id: ranker")


def built_site(root: Path, pages: dict[str, str], **extra: Any) -> Path:
    write_site(root, pages, extra=extra)
    build(load_config(str(root / "mkdocs.yml")))
    return root / "site"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def teams(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("teams")
    return {
        "a": built_site(
            base / "a",
            {"index.md": "# A\n", "designs/face.md": FULL_DESIGN},
            site_name="Team A",
            site_url="https://team-a.example/docs/",
        ),
        "b": built_site(base / "b", {"index.md": "# B\n", "designs/ranker.md": RANKER}, site_name="Team B"),
    }


def test_the_portal_lists_every_site_and_links_into_each(
    teams: dict[str, Path], tmp_path: Path, capture_mkdocs_log: Capture
) -> None:
    bad = tmp_path / "future.json"
    bad.write_text(json.dumps({"format": 99, "designs": []}), encoding="utf-8")
    dead = f"http://127.0.0.1:{free_port()}/designs.json"
    with serve_folder(teams["a"]) as a_url, serve_folder(teams["b"]) as b_url:
        sources = [f"{a_url}designs.json", f"{b_url}designs.json", f"{a_url}missing.json", str(bad), dead]
        write_site(
            tmp_path,
            {"index.md": "# Portal\n", "designs/identity.md": SMALL_DESIGN},
            plugin={"sources": sources},
            extra={"site_name": "Portal"},
        )
        capture_mkdocs_log.records.clear()
        build(load_config(str(tmp_path / "mkdocs.yml")))
    site = tmp_path / "site"
    overview = (site / "designs/index.html").read_text(encoding="utf-8")
    rows = dict(
        re.findall(r'<tr data-mldesign-id="([^"]+)"[^>]*>.*?<td class="mldesign-overview__site">([^<]*)</td>', overview)
    )
    assert rows == {"face": "Team A", "ranker": "Team B", "identity": "Portal"}
    # Team A has a site_url: its links are absolute under it; team B's come from where its export was fetched.
    assert 'href="https://team-a.example/docs/designs/face/"' in overview
    assert re.search(r'href="http://127\.0\.0\.1:\d+/designs/ranker/"', overview)
    assert 'href="identity/"' in overview
    # The matrix and the average count them too.
    assert overview.count('<th scope="row" class="mldesign-matrix__design">') == 3 + 1  # and the average row
    export = json.loads((site / "designs.json").read_text(encoding="utf-8"))
    assert [(d["id"], d.get("site", {}).get("name")) for d in export["designs"]] == [
        ("identity", None),
        ("face", "Team A"),
        ("ranker", "Team B"),
    ]
    warnings = [r.getMessage() for r in capture_mkdocs_log.records if r.levelname == "WARNING"]
    mine = [w for w in warnings if "sources[" in w]
    assert len(mine) == 3, mine
    assert any(
        re.search(
            r"mkdocs\.yml:\d+:\d+: warning source-unreadable sources\[2\]: .*missing\.json cannot be fetched: "
            "the server answered 404",
            w,
        )
        for w in mine
    ), mine
    assert any("sources[3]" in w and "export format 99" in w and "upgrade" in w for w in mine), mine
    assert any("sources[4]" in w and "cannot be fetched" in w for w in mine), mine


def test_a_hostile_export_shows_as_text_and_links_nowhere(tmp_path: Path, capture_mkdocs_log: Capture) -> None:
    export = {
        "format": 3,
        "site": {"name": "<img src=x onerror=alert(1)>", "url": "javascript:alert(1)"},
        "designs": [
            {
                "file": "x.md",
                "id": "evil",
                "title": "<script>alert(1)</script>",
                "readable": True,
                "status": "approved",
                "owners": ["<b>me</b>"],
                "completeness": 50,
                "sections": {"background": 0.5},
                "states": {"background": "partial"},
                "problems": [],
                "url": "javascript:alert(1)",
            },
        ],
    }
    (tmp_path / "evil.json").write_text(json.dumps(export), encoding="utf-8")
    write_site(tmp_path, {"index.md": "# Portal\n"}, plugin={"sources": ["evil.json"]})
    build(load_config(str(tmp_path / "mkdocs.yml")))
    overview = (tmp_path / "site/designs/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in overview
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in overview
    assert "javascript:" not in overview
    assert "<img src=x" not in overview
    assert "<b>me</b>" not in overview


def test_a_source_that_fails_fails_a_strict_build(tmp_path: Path) -> None:
    write_site(tmp_path, {"index.md": "# Portal\n"}, plugin={"sources": ["nowhere/designs.json"]}, strict=True)
    with pytest.raises(Abort, match=r"Aborted with 1 warnings in strict mode"):
        build(load_config(str(tmp_path / "mkdocs.yml")))


def test_the_zensical_stage_lists_the_sources_too(teams: dict[str, Path], tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {"index.md": "# Portal\n", "designs/identity.md": SMALL_DESIGN},
        plugin={"sources": [str(teams["a"] / "designs.json")]},
    )
    staged = run_mldesign("zensical", cwd=tmp_path)
    assert staged.returncode == 0, staged.stdout + staged.stderr
    built = subprocess.run(
        [sys.executable, "-m", "zensical", "build", "--clean", "-f", "mkdocs.mldesign.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    overview = (tmp_path / "site/designs/index.html").read_text(encoding="utf-8")
    assert 'href="https://team-a.example/docs/designs/face/"' in overview
    assert '<td class="mldesign-overview__site">Team A</td>' in overview


def _trickle_server() -> tuple[str, Any]:
    """A server on 127.0.0.1 that answers 200, then sends one byte every second until
    stopped; `stop()` closes every socket it opened."""
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.5)
        with listener:
            while not stop.is_set():
                try:
                    conn, _ = listener.accept()
                except TimeoutError:
                    continue
                with conn:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
                    while not stop.wait(1):
                        try:
                            conn.sendall(b" ")
                        except OSError:
                            break

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()

    def halt() -> None:
        stop.set()
        thread.join(timeout=10)

    return f"http://127.0.0.1:{listener.getsockname()[1]}/designs.json", halt


def test_bad_urls_slow_servers_and_bloated_exports_are_warnings(tmp_path: Path, capture_mkdocs_log: Capture) -> None:
    nested: Any = []
    for _ in range(900):
        nested = [nested]
    bloated = {
        "format": 3,
        "site": {"name": "Bloat", "url": "http://[::1"},
        "designs": [
            {"id": "b", "title": "B", "completeness": 50, "url": "http://[::1", "problems": [nested] * 100 + [7, "x"]}
        ],
    }
    (tmp_path / "bloat.json").write_text(json.dumps(bloated), encoding="utf-8")
    (tmp_path / "float.json").write_text(json.dumps({"format": 3.0, "designs": []}), encoding="utf-8")
    slow, halt = _trickle_server()
    try:
        write_site(
            tmp_path,
            {"index.md": "# Portal\n"},
            plugin={"sources": ["https://[::1", slow, "bloat.json", "float.json"]},
        )
        capture_mkdocs_log.records.clear()
        started = time.perf_counter()
        build(load_config(str(tmp_path / "mkdocs.yml")))
        seconds = time.perf_counter() - started
    finally:
        halt()
    warnings = [r.getMessage() for r in capture_mkdocs_log.records if "sources[" in r.getMessage()]
    assert any("sources[0]" in w and "is not a valid URL" in w for w in warnings), warnings
    assert any("sources[1]" in w and "no complete answer within 10 seconds" in w for w in warnings), warnings
    assert any("sources[3]" in w and "export format 3.0" in w for w in warnings), warnings
    assert seconds < 60, "the slow server held the build"
    export = (tmp_path / "site/designs.json").read_text(encoding="utf-8")
    assert len(export) < 100_000, "a bloated export was passed on"
    (entry,) = json.loads(export)["designs"]
    assert entry["url"] == ""
    assert entry["problems"] == []  # none of them had the shape of a problem


def test_a_portal_shows_the_targets_another_site_measured(tmp_path: Path, capture_mkdocs_log: Capture) -> None:
    metrics = [
        {"name": "recall", "target": ">= 90%", "priority": "primary"},
        {"name": "fmr", "target": "<= 1%", "priority": "guardrail"},
    ]
    design = {"status": "review", "owners": ["Team C"], "metrics": metrics, "evidence": [{"results": "r.json"}]}
    page = "---\n" + json.dumps({"title": "Measured", "design": design}) + "\n---\n"
    team = built_site(
        tmp_path / "c",
        {"index.md": "# C\n", "designs/m.md": page, "designs/r.json": '{"recall": 0.95, "fmr": 0.02}'},
        site_name="Team C",
    )
    export = json.loads((team / "designs.json").read_text(encoding="utf-8"))
    export["designs"][0]["metrics"].append(  # a hostile entry: dropped, never shown
        {"name": "<b>x</b>", "measured": {"verdict": "<script>", "url": "javascript:alert(1)"}}
    )
    export["designs"][0]["metrics"][0]["measured"]["url"] = "javascript:alert(1)"
    (tmp_path / "c.json").write_text(json.dumps(export), encoding="utf-8")
    write_site(tmp_path / "portal", {"index.md": "# Portal\n"}, plugin={"sources": ["../c.json"]})
    build(load_config(str(tmp_path / "portal" / "mkdocs.yml")))
    overview = (tmp_path / "portal/site/designs/index.html").read_text(encoding="utf-8")
    assert re.search(r'data-mldesign-targets="not-met".*?1 of 2', overview, re.S)
    mine = json.loads((tmp_path / "portal/site/designs.json").read_text(encoding="utf-8"))
    [entry] = mine["designs"]
    assert [m["measured"]["verdict"] for m in entry["metrics"]] == ["met", "not-met"]
    assert entry["metrics"][0]["measured"]["url"] is None
    assert "javascript:" not in json.dumps(mine)
