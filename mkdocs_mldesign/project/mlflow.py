"""The measurements of MLflow runs, read from a tracking server's REST API.

MLflow is a large install, and a site reads only a few numbers from it, so this speaks
the server's REST API (`/api/2.0/mlflow/...`) with the standard library; the `mlflow`
package is not needed to build a site. Every experiment is asked in a thread of its own,
all of them within one deadline: a server that is down, slow or trickling bytes holds
the build no longer than the budget. Credentials come from MLflow's own environment
variables (MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and _PASSWORD) and are
sent only to the server they are for: a redirect elsewhere is refused.
"""

from __future__ import annotations

import base64
import json
import math
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from mkdocs_mldesign.core import frontmatter
from mkdocs_mldesign.core.evidence import TIMEOUT_SECONDS, Measurement, Reading

#: An answer larger than this is refused (a run's latest metrics are a few kilobytes).
MAX_BODY_BYTES = 16 * 1024 * 1024
_API = "/api/2.0/mlflow"


@dataclass(frozen=True, slots=True)
class Request:
    """One experiment's run on one server: the latest finished run when `run` is ""."""

    uri: str
    experiment: str
    run: str = ""


def scheme(uri: str) -> str:
    try:
        return urlsplit(uri).scheme.lower()
    except ValueError:
        return ""


def short(text: str, limit: int = 60) -> str:
    """What a message quotes of an address or a name: cut as every message cuts it."""
    return frontmatter._short(text, limit)


def read_runs(requests: Sequence[Request], timeout: float = TIMEOUT_SECONDS) -> dict[Request, Reading]:
    """What each distinct request gave, within `timeout` seconds for all of them."""
    deadline = time.monotonic() + timeout
    boxes: dict[Request, dict[str, Reading]] = {}
    threads: dict[Request, threading.Thread] = {}
    for request in dict.fromkeys(requests):
        box: dict[str, Reading] = {}
        thread = threading.Thread(
            target=_fill,
            args=(request, deadline, box),
            name=f"mldesign mlflow {short(request.experiment)}",
            daemon=True,
        )
        thread.start()
        boxes[request], threads[request] = box, thread
    out: dict[Request, Reading] = {}
    for request, thread in threads.items():
        thread.join(max(0.0, deadline - time.monotonic()))
        got = boxes[request].get("reading")
        out[request] = got or Reading(
            error=f"the MLflow server {short(request.uri)} gave no complete answer within {timeout:g} seconds "
            "(the build's budget for all MLflow requests)",
            hint="check that the server is up, or raise `evidence_timeout`",
        )
    return out


class _Failed(Exception):
    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


def _fill(request: Request, deadline: float, box: dict[str, Reading]) -> None:
    try:
        box["reading"] = _read(request, deadline)
    except _Failed as exc:
        box["reading"] = Reading(error=str(exc), hint=exc.hint)
    except Exception as exc:  # a server can answer anything: never a traceback in a build
        box["reading"] = Reading(
            error=f"the MLflow server {short(request.uri)} answered what mldesign cannot read: {exc}"
        )


def _read(request: Request, deadline: float) -> Reading:
    found = _call(request, deadline, "GET", f"/experiments/get-by-name?experiment_name={quote(request.experiment)}")
    experiment = found.get("experiment") if isinstance(found, dict) else None
    experiment_id = experiment.get("experiment_id") if isinstance(experiment, dict) else None
    if not isinstance(experiment_id, str):
        raise _Failed(f"the MLflow server {short(request.uri)} gave no id for the experiment `{request.experiment}`")
    if request.run:
        answer = _call(request, deadline, "GET", f"/runs/get?run_id={quote(request.run)}")
        run = answer.get("run") if isinstance(answer, dict) else None
        info = run.get("info") if isinstance(run, dict) else None
        if not isinstance(info, dict) or info.get("experiment_id") != experiment_id:
            raise _Failed(
                f"the MLflow run `{request.run}` is not a run of the experiment `{request.experiment}`",
                "name a run of that experiment, or leave `run` out for its latest finished run",
            )
    else:
        body = {
            "experiment_ids": [experiment_id],
            "filter": "attributes.status = 'FINISHED'",
            "order_by": ["attributes.start_time DESC"],
            "max_results": 1,
        }
        answer = _call(request, deadline, "POST", "/runs/search", body)
        runs = answer.get("runs") if isinstance(answer, dict) else None
        if not runs:
            raise _Failed(
                f"the MLflow experiment `{request.experiment}` has no finished run",
                "run the evaluation, and let it finish",
            )
        run = runs[0]
    return _measurements(request, experiment_id, run)


def _measurements(request: Request, experiment_id: str, run: Any) -> Reading:
    info = run.get("info") if isinstance(run, dict) else None
    data = run.get("data") if isinstance(run, dict) else None
    if not isinstance(info, dict) or not isinstance(data, dict):
        raise _Failed(f"the MLflow server {short(request.uri)} answered a run without its info and data")
    run_id = str(info.get("run_id") or info.get("run_uuid") or "")
    stamp = info.get("end_time") or info.get("start_time")
    when = (
        datetime.fromtimestamp(stamp / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if isinstance(stamp, int | float) and not isinstance(stamp, bool) and 0 < stamp < 1e14
        else ""
    )
    name = info.get("run_name") if isinstance(info.get("run_name"), str) else ""
    label = f"MLflow run {short(name or run_id[:8], 40)} ({short(request.experiment, 40)})"
    url = f"{request.uri}/#/experiments/{quote(experiment_id)}/runs/{quote(run_id)}" if run_id else ""
    values: dict[str, Measurement] = {}
    refused: dict[str, str] = {}
    metrics = data.get("metrics")
    for metric in metrics if isinstance(metrics, list) else []:
        if not isinstance(metric, dict) or not isinstance(metric.get("key"), str):
            continue
        value = metric.get("value")
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            values[metric["key"]] = Measurement(float(value), label, when, url)
        else:  # MLflow sends NaN and infinities as the strings "NaN", "Infinity"
            refused[metric["key"]] = "NaN" if str(value) == "NaN" else f"{short(str(value), 20)!r}"
    return Reading(values, refused)


def _headers() -> dict[str, str]:
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    token = os.environ.get("MLFLOW_TRACKING_TOKEN")
    user, password = os.environ.get("MLFLOW_TRACKING_USERNAME"), os.environ.get("MLFLOW_TRACKING_PASSWORD")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    elif user and password:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    return headers


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _call(request: Request, deadline: float, method: str, path: str, body: Any = None) -> Any:
    import urllib.error  # here: most sites read no MLflow server, and it is a large import
    import urllib.request

    url = f"{request.uri}{_API}{path}"
    home = _origin(request.uri)

    class SameServer(urllib.request.HTTPRedirectHandler):
        def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
            target = urljoin(req.full_url, headers.get("location") or "")
            if _origin(target) != home:
                raise urllib.error.URLError(f"it redirects to {short(target)}, another server")
            return super().http_error_302(req, fp, code, msg, headers)

        http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    opener = urllib.request.build_opener(SameServer())
    left = deadline - time.monotonic()
    if left <= 0:
        raise _Failed(f"the MLflow server {short(request.uri)} was not asked: the build's budget was spent")
    data = json.dumps(body).encode() if body is not None else None
    http = urllib.request.Request(url, data=data, method=method, headers=_headers())
    try:
        with opener.open(http, timeout=left) as response:
            raw = response.read(MAX_BODY_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise _Failed(_http_error(request, exc), _http_hint(exc.code)) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise _Failed(
            f"the MLflow server {short(request.uri)} cannot be reached: {reason}",
            "check that the server is up and that its address is right",
        ) from None
    if len(raw) > MAX_BODY_BYTES:
        raise _Failed(f"the MLflow server {short(request.uri)} answered more than {MAX_BODY_BYTES:,} bytes")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Failed(
            f"the MLflow server {short(request.uri)} answered something that is not JSON",
            "check that the address is an MLflow tracking server's",
        ) from None


def _http_error(request: Request, exc: Any) -> str:
    """What MLflow said was wrong ("Could not find experiment with name 'x'"), or the status."""
    detail = ""
    try:
        said = json.loads(exc.read(64 * 1024).decode("utf-8"))
        if isinstance(said, dict) and isinstance(said.get("message"), str):
            detail = said["message"]
            if said.get("error_code") == "RESOURCE_DOES_NOT_EXIST":
                return f"MLflow at {short(request.uri)} says: {short(detail, 200)}"
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        pass
    said_text = f": {short(detail, 200)}" if detail else ""
    return f"the MLflow server {short(request.uri)} answered {exc.code} {exc.reason}{said_text}"


def _http_hint(code: int) -> str:
    if code == 404:
        return "check the experiment's name and the run's id"
    if code in (401, 403):
        return "set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, for the build"
    return "check the server's log"
