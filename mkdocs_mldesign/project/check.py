"""Checking a site's pages on disk, for every route that reads them from files: which
pages, each once; checked on all cores; dated from git once checked.

`mldesign check` and `mldesign diff` check through `check_jobs`. The MkDocs plugin reads
its pages through MkDocs' events and the Zensical stage through the site's own listing;
all of them date the designs with the same `date_designs` (through `history.SiteHistory`
for the two that publish).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path

from mkdocs_mldesign.core.design import DocsPrefix, PageResult, Span, beside_real_file, relative_inside
from mkdocs_mldesign.core.evidence import EvidenceOptions
from mkdocs_mldesign.core.problems import shown_path
from mkdocs_mldesign.core.site import Report, Site
from mkdocs_mldesign.git.history import GitLog
from mkdocs_mldesign.project.evidence import add_evidence


class CheckError(Exception):
    """A page that cannot be read at all; the message names it."""


def markdown_files(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith((".md", ".markdown")):
                yield Path(folder, name)


def inside(path: Path, root: Path) -> bool:
    return relative_inside(os.path.abspath(path), os.path.abspath(root)) is not None


#: The git history of each docs folder checked, by folder, as `GitLog.start` gives it.
GitLogs = Mapping[Path, Callable[[], GitLog]]


def check_file(site: Site, path: Path, root: Path, today: date, real: Path | None = None) -> PageResult:
    """Check the page at `path` under the docs folder `root`; `real` is the file a copy
    was made from, by which messages name it."""
    src_uri = Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).as_posix()
    if real is not None:
        shown = shown_path(real)
        prefix: DocsPrefix = beside_real_file(str(real), src_uri, os.getcwd())
    else:
        shown = shown_path(path)
        folder = shown_path(root)
        prefix = "" if folder == "." else folder.rstrip("/") + "/"
    try:
        return site.check_file(path, src_uri=src_uri, file=shown, docs_dir=root, docs_prefix=prefix, today=today)
    except OSError as exc:
        raise CheckError(f"cannot read {shown}: {exc.strerror or exc}") from None


def check_paths(
    site: Site,
    targets: Sequence[tuple[Path, Path]],
    *,
    today: date | None = None,
    context: Sequence[tuple[Path, Path]] = (),
    real: Mapping[Path, Path] | None = None,
    evidence: tuple[Path, EvidenceOptions] | None = None,
) -> Report:
    """Check each (page or folder of pages, docs root) pair, each page once however
    often it is named.

    The `context` pages (the rest of the site) take part in the rules across designs,
    so a link to them is not reported as broken, but their own problems are not
    reported. With `evidence`, the measurements the designs name are read (`check_jobs`).
    """
    asked, rest = list_jobs(targets, context, real)
    report, _ = check_jobs(site, asked, rest, today or date.today(), evidence=evidence)
    return report


Job = tuple[Path, Path, Path | None]  # a page, its docs folder, the real file of a moved copy


def list_jobs(
    targets: Sequence[tuple[Path, Path]],
    context: Sequence[tuple[Path, Path]] = (),
    real: Mapping[Path, Path] | None = None,
) -> tuple[list[Job], list[Job]]:
    """The pages of `targets` and of `context` to check, folders expanded, each page once."""
    moved: Mapping[Path, Path] = real or {}
    seen: set[str] = set()

    def listed(pairs: Sequence[tuple[Path, Path]]) -> list[Job]:
        out = []
        for given, root in pairs:
            for path in markdown_files(given) if given.is_dir() else [given]:
                resolved = os.path.realpath(path)
                if resolved not in seen:
                    seen.add(resolved)
                    out.append((path, root, moved.get(path)))
        return out

    return listed(targets), listed(context)


def check_jobs(
    site: Site,
    asked: Sequence[Job],
    rest: Sequence[Job],
    today: date,
    *,
    workers: int | None = None,
    logs: GitLogs | None = None,
    evidence: tuple[Path, EvidenceOptions] | None = None,
) -> tuple[Report, list[tuple[str, str]]]:
    """The report over the pages of `asked` (with `rest` as their context), and the
    (docs folder, path) of each design file the pages named, read or not. The pages are
    checked by `workers` processes (default: as many as are worth it, see `_workers`),
    while git reads the history of `logs`; a design then gets the dates it does not
    write from its folder's (not a copy's: its history is elsewhere). With `evidence`
    (the site's project folder and what it allows), the designs' metrics are then judged
    by the measurements they name."""
    jobs = [*asked, *rest]
    results = _check_all(site, jobs, today, _workers(len(jobs)) if workers is None else workers)
    for root in {root for _, root, _ in jobs}:
        read = (logs or {}).get(root)
        if read is not None:
            mine = [(result, real is not None) for (_, r, real), result in zip(jobs, results, strict=True) if r == root]
            date_designs(site, mine, read(), today)
    if evidence is not None:  # for the pages asked about: the context's own problems are not reported
        project_dir, allowed = evidence
        asked_results = zip(asked, results[: len(asked)], strict=True)
        placed = [(r.design, str((real or path).parent)) for (path, _, real), r in asked_results if r.design]
        add_evidence(site, placed, project_dir=str(project_dir), options=allowed, today=today)
    named = [(str(root), r.design_file) for (_, root, _), r in zip(jobs, results, strict=True) if r.design_file]
    return site.check_site(results[: len(asked)], context=results[len(asked) :]), named


#: Below this many pages, starting workers costs more than it saves.
PARALLEL_FROM = 200


def _workers(pages: int) -> int:
    """How many processes check `pages` pages: one per core, each with at least half of
    `PARALLEL_FROM` pages, so that forking pays."""
    return max(1, min(_cores(), pages // (PARALLEL_FROM // 2)))


def _check_all(site: Site, jobs: Sequence[Job], today: date, workers: int) -> list[PageResult]:
    """Check every page in `workers` processes, this one included; the results in the
    order of `jobs`, the same however many processes checked them."""
    # Forking is safe on Linux; on macOS it can break system libraries, and spawning
    # workers there would import everything again: one process checks all.
    if workers < 2 or not sys.platform.startswith("linux"):
        return [check_file(site, path, root, today, real) for path, root, real in jobs]
    global _WORKER_SITE
    _WORKER_SITE = (site, today)  # a forked worker starts with it: nothing to compile again
    parts = [jobs[i::workers] for i in range(workers)]
    try:
        with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            others = pool.map_async(_check_chunk, parts[1:])
            chunks = [_check_chunk(parts[0]), *others.get()]  # this process checks a share too
    finally:
        _WORKER_SITE = None
    results: list[PageResult] = [None] * len(jobs)  # type: ignore[list-item]
    for i, chunk in enumerate(chunks):
        results[i::workers] = chunk
    return results


_WORKER_SITE: tuple[Site, date] | None = None


def _check_chunk(jobs: Sequence[Job]) -> list[PageResult]:
    assert _WORKER_SITE is not None
    site, today = _WORKER_SITE
    results = [check_file(site, path, root, today, real) for path, root, real in jobs]
    for result in results:  # what a report needs, not the page: less to send back
        result.meta = result.body = None
    return results


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def date_designs(
    site: Site, results: Iterable[tuple[PageResult, bool]], log: GitLog | None, today: date | None = None
) -> int:
    """Give each checked design the dates it does not write from git's `log`, once every
    page is checked (git read its history meanwhile), and judge the stale rule over them;
    how many took a date from git. A page marked as moved (another plugin made it from a
    file elsewhere, so its history is not this log's) and every page when git has no
    history to give keep the dates they write."""
    usable = log is not None and not log.reason

    def none(src_uri: str, design_file: str | None) -> Span | None:
        return None

    dated = 0
    for result, moved in results:
        if result.design is not None:
            span = log.span if usable and log is not None and not moved else none
            dated += site.add_git_dates(result, span, today)
    return dated
