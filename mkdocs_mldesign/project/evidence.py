"""Reading the measurements a site's designs name under `evidence`, for every route.

Results files and model cards are read from disk: relative to the page, only inside the
site's project folder (the folder of its mkdocs.yml), only regular files, bounded. MLflow
experiments are read from the tracking servers the site configures (`project.mlflow`),
all at once within one time budget. Each source is read once however many designs name
it; what cannot be read becomes a `Reading` with an `error`, which the core turns into
a warning at the design's `evidence` entry. Nothing here raises for bad evidence.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from mkdocs_mldesign.core import frontmatter
from mkdocs_mldesign.core.design import Design, relative_inside
from mkdocs_mldesign.core.evidence import EvidenceOptions, EvidenceSource, Reading, sources_of
from mkdocs_mldesign.core.readings import MAX_RESULTS_BYTES, read_source
from mkdocs_mldesign.core.site import Site

from . import mlflow

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
            if source.kind == "mlflow" and not options.mlflow:
                continue
            if source.kind == "mlflow":
                request = _mlflow_request(source, default_uri, options)
                if not isinstance(request, Reading):
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
    if "\0" in source.location:  # no file system takes it: refused before any call that would raise
        return Reading(error=f"the {what} path holds a NUL character", hint="write the path as plain text")
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
    return read_source(source, data, modified)
