"""Evidence from MLflow: a real tracking server (`mlflow server`, SQLite store, on
127.0.0.1, in a venv of its own) read by real builds, and servers that misbehave: down,
silent, trickling, answering errors, oversized or not JSON, redirecting elsewhere."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from tests.conftest import Capture, MLflowServer, mkdocs_build, write_site
from tests.designs import design_page, good

METRICS = [
    {"name": "recall", "target": ">= 97%", "priority": "primary"},
    {"name": "false_match_rate", "target": "<= 0.1%", "priority": "guardrail"},
    {"name": "p95_latency", "target": "< 300 ms", "priority": "guardrail", "measured_as": "latency_p95_ms"},
]


@pytest.fixture(scope="module")
def runs(mlflow_server: MLflowServer) -> dict[str, str]:
    """Experiments and runs logged with MLflow's client: `face` has an older and a newer
    finished run, then a run still going and a failed one (neither counts); `other` has
    one run; `empty` none."""
    out = mlflow_server.client(
        """
import json, time
ids = {}
face = client.create_experiment("face")
other = client.create_experiment("other")
client.create_experiment("empty")
def run(experiment, name, metrics, status="FINISHED"):
    r = client.create_run(experiment, run_name=name)
    for key, value in metrics.items():
        client.log_metric(r.info.run_id, key, value)
    if status != "RUNNING":
        client.set_terminated(r.info.run_id, status)
    time.sleep(0.05)
    return r.info.run_id
ids["old"] = run(face, "eval-1", {"recall": 0.95, "false_match_rate": 0.002, "latency_p95_ms": 250})
ids["new"] = run(face, "eval-2", {"recall": 0.981, "false_match_rate": 0.0007, "latency_p95_ms": 240,
                                    "broken": float("nan")})
ids["running"] = run(face, "eval-3", {"recall": 0.1}, status="RUNNING")
ids["failed"] = run(face, "eval-4", {"recall": 0.2}, status="FAILED")
ids["other"] = run(other, "x", {"recall": 0.5})
ids["face"] = face
print(json.dumps(ids))
"""
    )
    ids: dict[str, str] = json.loads(out.strip().splitlines()[-1])
    return ids


def build_with(
    root: Path, capture: Capture, evidence: list[Any], *, plugin: dict[str, Any] | None = None, **design: Any
) -> tuple[dict[str, Any], str, list[str]]:
    """Build a one-design site naming `evidence`: its export entry, page and warnings."""
    data = good(metrics=METRICS, evidence=evidence, **design)
    write_site(root, {"face.md": design_page(data, title="Face match")}, plugin=plugin)
    capture.records.clear()
    build(load_config(str(root / "mkdocs.yml")))
    export = json.loads((root / "site" / "designs.json").read_text(encoding="utf-8"))
    page = (root / "site" / "face" / "index.html").read_text(encoding="utf-8")
    return export["designs"][0], page, [r.getMessage() for r in capture.records if r.levelname == "WARNING"]


def verdicts(entry: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(m["measured"]["verdict"], m["measured"]["value"]) for m in entry["metrics"]]


def test_the_latest_finished_run_is_read(
    tmp_path: Path, capture_mkdocs_log: Capture, mlflow_server: MLflowServer, runs: dict[str, str]
) -> None:
    entry, page, warnings = build_with(
        tmp_path, capture_mkdocs_log, [{"mlflow": "face"}], plugin={"mlflow_tracking_uri": mlflow_server.uri}
    )
    assert warnings == []
    assert verdicts(entry) == [("met", 0.981), ("met", 0.0007), ("met", 240.0)]
    measured = entry["metrics"][0]["measured"]
    assert measured["source"] == "MLflow run eval-2 (face)"
    run_url = f"{mlflow_server.uri}/#/experiments/{runs['face']}/runs/{runs['new']}"
    assert measured["url"] == run_url
    assert f'href="{run_url}"' in page


def test_a_named_run_is_read_and_one_of_another_experiment_is_refused(
    tmp_path: Path, capture_mkdocs_log: Capture, mlflow_server: MLflowServer, runs: dict[str, str]
) -> None:
    uri = {"mlflow_tracking_uri": mlflow_server.uri}
    entry, _, warnings = build_with(
        tmp_path / "a", capture_mkdocs_log, [{"mlflow": {"experiment": "face", "run": runs["old"]}}], plugin=uri
    )
    assert verdicts(entry) == [("not-met", 0.95), ("not-met", 0.002), ("met", 250.0)]
    assert len(warnings) == 2
    assert all("target-not-met" in w or "misses its target" in w for w in warnings)
    entry, _, warnings = build_with(
        tmp_path / "b", capture_mkdocs_log, [{"mlflow": {"experiment": "face", "run": runs["other"]}}], plugin=uri
    )
    [warning] = warnings
    assert "design.evidence[0].mlflow: the MLflow run" in warning
    assert "is not a run of the experiment `face`" in warning
    assert [v for v, _ in verdicts(entry)] == ["no-evidence"] * 3


@pytest.mark.parametrize(
    ("experiment", "said"),
    [
        ("nope", "says: Could not find experiment with name 'nope'"),
        ("empty", "the MLflow experiment `empty` has no finished run"),
    ],
)
def test_an_experiment_without_a_run_is_a_located_warning(
    tmp_path: Path,
    capture_mkdocs_log: Capture,
    mlflow_server: MLflowServer,
    runs: dict[str, str],
    experiment: str,
    said: str,
) -> None:
    _, page, warnings = build_with(
        tmp_path, capture_mkdocs_log, [{"mlflow": experiment}], plugin={"mlflow_tracking_uri": mlflow_server.uri}
    )
    [warning] = warnings
    assert said in warning
    assert " design.evidence[0].mlflow: " in warning
    assert "no evidence" in page


def test_the_environment_names_the_server_and_each_experiment_is_asked_once(
    tmp_path: Path, mlflow_server: MLflowServer, runs: dict[str, str]
) -> None:
    pages = {
        f"d{i}.md": design_page(good(id=f"d{i}", metrics=METRICS, evidence=[{"mlflow": "face"}]), title=f"D{i}")
        for i in range(5)
    }
    write_site(tmp_path, pages)
    before = mlflow_server.requests("experiments/get-by-name?experiment_name=face")
    env = {**os.environ, "MLFLOW_TRACKING_URI": mlflow_server.uri}
    done = mkdocs_build(tmp_path, env)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr
    time.sleep(0.5)  # the server writes its access log after it answers
    assert mlflow_server.requests("experiments/get-by-name?experiment_name=face") - before == 1
    export = json.loads((tmp_path / "site" / "designs.json").read_text(encoding="utf-8"))
    assert {m["measured"]["verdict"] for d in export["designs"] for m in d["metrics"]} == {"met"}


def test_a_newer_results_file_wins_over_an_older_run(
    tmp_path: Path, capture_mkdocs_log: Capture, mlflow_server: MLflowServer, runs: dict[str, str]
) -> None:
    results = tmp_path / "docs" / "eval.json"
    results.parent.mkdir(parents=True)
    results.write_text(json.dumps({"recall": 0.5}), encoding="utf-8")
    evidence = [{"results": "eval.json"}, {"mlflow": "face"}]
    entry, _, _ = build_with(tmp_path, capture_mkdocs_log, evidence, plugin={"mlflow_tracking_uri": mlflow_server.uri})
    assert verdicts(entry)[0] == ("not-met", 0.5)  # the file was written after the run ended
    old = time.time() - 400 * 86400
    os.utime(results, (old, old))
    entry, _, _ = build_with(tmp_path, capture_mkdocs_log, evidence, plugin={"mlflow_tracking_uri": mlflow_server.uri})
    assert verdicts(entry)[0] == ("met", 0.981)


def test_a_server_the_site_does_not_name_is_never_asked(tmp_path: Path, capture_mkdocs_log: Capture) -> None:
    with misbehaving(lambda handler: handler.answer(200, b"{}")) as (uri, seen):
        source = {"mlflow": {"experiment": "face", "tracking_uri": uri}}
        _, _, warnings = build_with(tmp_path / "a", capture_mkdocs_log, [source])
        assert seen == []
        [warning] = warnings
        assert f"the tracking server {uri} is not one the site allows" in warning
        assert "mlflow_tracking_uris" in warning
        build_with(tmp_path / "b", capture_mkdocs_log, [source], plugin={"mlflow_tracking_uris": [uri]})
        assert seen  # allowed by the site: asked


def test_a_design_without_a_server_is_told_how_to_name_one(
    tmp_path: Path, capture_mkdocs_log: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    _, _, warnings = build_with(tmp_path, capture_mkdocs_log, [{"mlflow": "face"}])
    [warning] = warnings
    assert "names no tracking server, and the site sets none" in warning
    assert "mlflow_tracking_uri" in warning


# --- servers that misbehave ------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    behave: Callable[[_Handler], None]
    seen: list[str]

    def do_GET(self) -> None:
        self.seen.append(self.path)
        type(self).behave(self)

    do_POST = do_GET

    def answer(self, code: int, body: bytes, kind: str = "application/json", **headers: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@contextmanager
def misbehaving(behave: Callable[[_Handler], None]) -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 that answers every request with `behave`."""
    seen: list[str] = []
    handler = type("Handler", (_Handler,), {"behave": staticmethod(behave), "seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def _silent(handler: _Handler) -> None:
    time.sleep(30)


def _trickle(handler: _Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.end_headers()
    for _ in range(60):
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(0.5)


def _oversized(handler: _Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.end_headers()
    chunk = b" " * (1024 * 1024)
    for _ in range(17):
        handler.wfile.write(chunk)


def _redirect_elsewhere(handler: _Handler) -> None:
    handler.answer(302, b"", Location="http://127.0.0.2:9/api/2.0/mlflow/experiments/get-by-name")


@pytest.mark.parametrize(
    ("behave", "said"),
    [
        (lambda h: h.answer(500, b'{"error_code": "INTERNAL_ERROR", "message": "database is locked"}'), "500"),
        (lambda h: h.answer(200, b"<html>a login page</html>", "text/html"), "answered something that is not JSON"),
        (lambda h: h.answer(200, b'{"experiment": {"experiment_id": 7}}'), "gave no id for the experiment"),
        (lambda h: h.answer(403, b"forbidden", "text/plain"), "answered 403"),
        (_oversized, "answered more than 16,777,216 bytes"),
        (_redirect_elsewhere, "redirects to http://127.0.0.2:9/"),
        (_silent, "gave no complete answer within 2 seconds"),
        (_trickle, "gave no complete answer within 2 seconds"),
    ],
    ids=["error", "html", "no-id", "forbidden", "oversized", "redirect", "silent", "trickle"],
)
def test_a_misbehaving_server_is_a_warning_within_the_budget(
    tmp_path: Path, capture_mkdocs_log: Capture, behave: Callable[[_Handler], None], said: str
) -> None:
    with misbehaving(behave) as (uri, _):
        started = time.monotonic()
        entry, _, warnings = build_with(
            tmp_path,
            capture_mkdocs_log,
            [{"mlflow": "face"}],
            plugin={"mlflow_tracking_uri": uri, "evidence_timeout": 2},
        )
        took = time.monotonic() - started
    [warning] = warnings
    assert said in warning, warning
    assert " design.evidence[0].mlflow: " in warning
    assert "Traceback" not in warning
    assert [v for v, _ in verdicts(entry)] == ["no-evidence"] * 3
    assert took < 20  # not a benchmark: a hang would take 30 s and more


def test_a_server_that_is_down_is_a_warning(tmp_path: Path, capture_mkdocs_log: Capture) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _, _, warnings = build_with(
        tmp_path, capture_mkdocs_log, [{"mlflow": "face"}], plugin={"mlflow_tracking_uri": f"http://127.0.0.1:{port}"}
    )
    [warning] = warnings
    assert f"the MLflow server http://127.0.0.1:{port} cannot be reached" in warning
