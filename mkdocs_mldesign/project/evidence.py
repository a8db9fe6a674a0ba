"""Reading the measurements a site's designs name under `evidence`, for every route.

Results files and model cards are read from disk: relative to the page, only inside the
site's project folder (the folder of its mkdocs.yml), only regular files, bounded. MLflow
experiments are read from the tracking servers the site configures (`project.mlflow`),
all at once within one time budget. Each source is read once however many designs name
it; what cannot be read becomes a `Reading` with an `error`, which the core turns into
a warning at the design's `evidence` entry. Nothing here raises for bad evidence.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from mkdocs_mldesign.core import frontmatter
from mkdocs_mldesign.core.design import Design, relative_inside
from mkdocs_mldesign.core.evidence import (
    EvidenceOptions,
    EvidenceSource,
    Measurement,
    Reading,
    number_value,
    sources_of,
)
from mkdocs_mldesign.core.site import Site

from . import mlflow

#: A results file or a model card larger than this is refused (a YAML one is limited to
#: the front matter's size: YAML is slow to read).
MAX_RESULTS_BYTES = 8 * 1024 * 1024
#: Results nested deeper than this are not read further.
MAX_DEPTH = 32
#: A results file with more numbers than this is read no further.
MAX_KEYS = 100_000


#: A design and the folder its page is in, where its relative paths start.
Placed = tuple[Design, str]


def add_evidence(
    site: Site, designs: Sequence[Placed], *, project_dir: str, options: EvidenceOptions, today: date | None = None
) -> None:
    """Read every source the designs name and judge each design's metrics by them
    (`Site.add_evidence`); with evidence turned off, the designs keep the verdicts of
    their check (no evidence)."""
    if not options.enabled:
        return
    wanted = [(design, folder, sources_of(design.data)) for design, folder in designs]
    if not any(sources for _, _, sources in wanted):
        return
    files: dict[tuple[str, str], Reading] = {}
    asked: list[mlflow.Request] = []
    plans: list[tuple[Design, list[tuple[EvidenceSource, Any]]]] = []
    default_uri = options.tracking_uri or os.environ.get("MLFLOW_TRACKING_URI", "").strip()
    for design, folder, sources in wanted:
        plan: list[tuple[EvidenceSource, Any]] = []
        for source in sources:
            if source.kind == "mlflow":
                request = _mlflow_request(source, default_uri, options)
                if isinstance(request, Reading):
                    plan.append((source, request))
                else:
                    asked.append(request)
                    plan.append((source, request))
                continue
            key = (source.kind, os.path.normpath(os.path.join(folder, source.location)))
            if key not in files:
                files[key] = _read_file(source, key[1], project_dir)
            plan.append((source, files[key]))
        plans.append((design, plan))
    fetched = mlflow.read_runs(asked, options.timeout) if asked else {}
    for design, plan in plans:
        readings = [(s, got if isinstance(got, Reading) else fetched[got]) for s, got in plan]
        site.add_evidence(design, readings, today)


def _mlflow_request(source: EvidenceSource, default_uri: str, options: EvidenceOptions) -> mlflow.Request | Reading:
    """What to ask which server for an MLflow entry, or why it is not asked at all."""
    uri = (source.tracking_uri or default_uri).rstrip("/")
    if not uri:
        return Reading(
            error=f"the MLflow experiment `{source.location}` names no tracking server, and the site sets none",
            hint="set `mlflow_tracking_uri` in the plugin's options (or MLFLOW_TRACKING_URI), or give the entry "
            "a `tracking_uri`",
        )
    allowed = {u.rstrip("/") for u in (default_uri, *options.tracking_uris) if u}
    if source.tracking_uri and uri not in allowed:
        return Reading(
            error=f"the tracking server {mlflow.short(uri)} is not one the site allows",
            hint="a design reads only the servers the site names: add it to `mlflow_tracking_uris` in mkdocs.yml",
        )
    if mlflow.scheme(uri) not in ("http", "https"):
        return Reading(
            error=f"the tracking URI {mlflow.short(uri)} is not an http(s) address",
            hint="mldesign reads MLflow through its REST API: run `mlflow server` and give its http(s) address",
        )
    return mlflow.Request(uri, source.location, source.run)


def _read_file(source: EvidenceSource, path: str, project_dir: str) -> Reading:
    what = "results file" if source.kind == "results" else "model card"
    base = os.path.realpath(project_dir)
    real = os.path.realpath(path)
    if relative_inside(real, base) is None:
        return Reading(
            error=f"the {what} `{source.location}` is outside the site's project folder",
            hint="keep evidence files beside the site's mkdocs.yml, or below it",
        )
    try:
        data = frontmatter.read_regular(real, MAX_RESULTS_BYTES)
        stamp = os.stat(real).st_mtime
    except frontmatter.TooLarge:
        return Reading(error=f"the {what} `{source.location}` is larger than {MAX_RESULTS_BYTES:,} bytes")
    except frontmatter.NotRegular:
        return Reading(error=f"the {what} `{source.location}` is not a regular file")
    except FileNotFoundError:
        return Reading(
            error=f"the {what} `{source.location}` does not exist",
            hint="the path is relative to the page; write the file (your evaluation job does) or fix the path",
        )
    except OSError as exc:
        return Reading(error=f"the {what} `{source.location}` cannot be read: {exc.strerror or exc}")
    modified = datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if source.kind == "model_card":
        return _model_card(source.location, data, modified)
    return _results(source.location, path, data, modified)


def _decode(location: str, data: bytes, what: str) -> str | Reading:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Reading(error=f"the {what} `{location}` is not UTF-8 text")


def _results(location: str, path: str, data: bytes, modified: str) -> Reading:
    text = _decode(location, data, "results file")
    if isinstance(text, Reading):
        return text
    parsed: Any
    if path.lower().endswith((".yaml", ".yml")):
        loaded = frontmatter.load_noting(text, location)
        parsed = loaded.data
        if loaded.problem is not None:
            return Reading(error=f"the results file `{location}` is not readable YAML: {loaded.problem.message}")
        if loaded.oversized:  # never built: it read as null
            return Reading(
                error=f"the results file `{location}` expands to more than {frontmatter.MAX_EXPANDED_NODES:,} "
                "values through YAML aliases",
                hint="write each value once, without `&` anchors and `*` aliases",
            )
    else:
        try:
            parsed = json.loads(text)
        except (ValueError, RecursionError) as exc:
            where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
            return Reading(
                error=f"the results file `{location}` is not JSON{where}",
                hint="write JSON, or name a .yaml file for YAML",
            )
    if not isinstance(parsed, dict):
        return Reading(
            error=f"the results file `{location}` holds {_kind(parsed)}, not a mapping of metric names to numbers",
            hint='write an object such as {"accuracy": 0.97}',
        )
    when = _written_date(parsed.get("date")) or _written_date(parsed.get("timestamp")) or modified
    values: dict[str, Measurement] = {}
    refused: dict[str, str] = {}
    label = f"results {location}"
    for key, value in _flatten(parsed):
        number = number_value(value)
        if number is not None:
            values[key] = Measurement(number, label, when)
        else:
            refused[key] = _kind(value)
    return Reading(values, refused)


def _flatten(data: Mapping[Any, Any]) -> list[tuple[str, Any]]:
    """Every (dotted key, value) of nested mappings (`{"test": {"auc": 0.9}}` gives `test.auc`)."""
    out: list[tuple[str, Any]] = []
    stack: list[tuple[str, Mapping[Any, Any], int]] = [("", data, 0)]
    while stack and len(out) < MAX_KEYS:
        prefix, mapping, depth = stack.pop()
        for key, value in mapping.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict):
                if depth < MAX_DEPTH:
                    stack.append((f"{name}.", value, depth + 1))
            else:
                out.append((name, value))
    return out


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value}".replace("nan", "NaN").replace("inf", "infinity")
    if isinstance(value, str):
        return f"the text {frontmatter._short(value)!r}"
    if value is None:
        return "empty"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def _written_date(value: Any) -> str:
    """A date or time a results file writes for itself, as ISO 8601; "" when it writes none."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return _written_date(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
        except ValueError:
            return ""
    return ""


def _model_card(location: str, data: bytes, modified: str) -> Reading:
    """A Hugging Face model card's `model-index`: each result's metrics by `type` and by
    `name`, the first result's first."""
    text = _decode(location, data, "model card")
    if isinstance(text, Reading):
        return text
    block = frontmatter.split(text)
    if block is None:
        return Reading(
            error=f"the model card `{location}` has no metadata block (`---` at its start)",
            hint="a model card starts with YAML metadata holding its `model-index`",
        )
    meta, problem = frontmatter.load(block.text, location, block.first_line)
    if problem is not None:
        return Reading(error=f"the model card `{location}` has metadata that is not readable YAML: {problem.message}")
    index = meta.get("model-index") if isinstance(meta, dict) else None
    broken = Reading(
        error=f"the model card `{location}` has no usable `model-index`",
        hint="it needs `model-index: [{name, results: [{task, dataset, metrics: [{type, value}]}]}]`",
    )
    if not isinstance(index, list) or not index:
        return broken
    values: dict[str, Measurement] = {}
    refused: dict[str, str] = {}
    label = f"model card {location}"
    for model in index:
        results = model.get("results") if isinstance(model, dict) else None
        if not isinstance(results, list):
            return broken
        for result in results:
            metrics = result.get("metrics") if isinstance(result, dict) else None
            if not isinstance(metrics, list):
                return broken
            for metric in metrics:
                if not isinstance(metric, dict) or not isinstance(metric.get("type"), str):
                    return broken
                number = number_value(metric.get("value"))
                for key in (metric.get("type"), metric.get("name")):
                    if not isinstance(key, str) or key in values or key in refused:
                        continue
                    if number is None:
                        refused[key] = _kind(metric.get("value"))
                    else:
                        values[key] = Measurement(number, label, modified)
    return Reading(values, refused)
