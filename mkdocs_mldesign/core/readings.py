"""What a results file or a model card says, from its bytes: pure, so that a build reads
the files on disk (`project.evidence`) and `mldesign diff` the files a commit holds
(`git.diff`) the same way.

A results file is a JSON or YAML mapping of metric names to numbers, as evaluation jobs
and DVC write them; nested keys read as dotted names. A model card is a Hugging Face
README whose metadata holds `model-index`. Whatever they hold, the answer is a `Reading`:
numbers by key, the keys whose value is not a number, or why nothing could be read.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from . import frontmatter
from .evidence import EvidenceSource, Measurement, Reading, number_value

#: A results file or a model card larger than this is refused (a YAML one is limited to
#: the front matter's size: YAML is slow to read).
MAX_RESULTS_BYTES = 8 * 1024 * 1024
#: Results nested deeper than this are not read further.
MAX_DEPTH = 32
#: A results file with more numbers than this is read no further.
MAX_KEYS = 100_000


def read_source(source: EvidenceSource, data: bytes, modified: str) -> Reading:
    """What the file of a `results` or `model_card` entry holds; `modified` is when it
    was written (ISO 8601), the date of its numbers unless the file gives its own."""
    if source.kind == "model_card":
        return _model_card(source.location, data, modified)
    return _results(source.location, source.location, data, modified)


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
