"""A site's git history for one build: read beside the check, then the designs' dates and
their timelines, for every route that publishes them (the MkDocs plugin, the Zensical
stage). `mldesign check` dates its pages through `check.check_jobs`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs_mldesign.core.design import PageResult
from mkdocs_mldesign.core.site import Site
from mkdocs_mldesign.git.history import BUDGET_ONE_DESIGN, HISTORY_CACHE, GitLog, Timeline, budget_for, cache_file
from mkdocs_mldesign.project.check import date_designs


class SiteHistory:
    """The git history of a docs folder, started at once and waited for on first use, so
    that git reads it while the pages are checked."""

    def __init__(self, docs_dir: str | Path, home: Path, *, dates: bool, history: bool) -> None:
        self.dates, self.history, self.home = dates, history, home
        self._reading = GitLog.start(docs_dir) if dates or history else None
        self._log: GitLog | None = None
        self.timeline: Timeline | None = None

    def log(self) -> GitLog | None:
        """The history, once git has read it; None when the site reads none."""
        if self._reading is not None:
            self._log, self._reading = self._reading(), None
        return self._log

    @property
    def reason(self) -> str:
        """Why git gave no history ("" when it gave one, or none was asked for)."""
        log = self.log()
        return log.reason if log is not None else ""

    def date(self, site: Site, pages: Iterable[tuple[PageResult, bool]], today: date | None = None) -> None:
        """Date the designs of the checked (result, moved) pages from git (`check.date_designs`)."""
        date_designs(site, pages, self.log() if self.dates else None, today)

    def open_timeline(self, site: Site, designs: int, known: dict[str, list[Any]] | None = None) -> Timeline | None:
        """Each design's timeline, judged by `site` and kept in the history cache beside
        mkdocs.yml; `known` is what an earlier build of the same process learnt. The build
        reads older versions within a budget that grows with the site's `designs`."""
        log = self.log() if self.history else None
        if log is None or log.reason:
            return None
        where = cache_file(self.home / HISTORY_CACHE, site.fingerprint())
        self.timeline = Timeline(log, site.verdict, cache_file=where, known=known, budget=budget_for(designs))
        return self.timeline

    def cut_short(self) -> str:
        """What the timelines left unread in this build, once their pages are rendered; ""
        when nothing was."""
        timeline = self.timeline
        if timeline is None or not timeline.unread:
            return ""
        mib = (timeline.budget or 0) / (1 << 20)
        return (
            f"the history of {len(timeline.cut)} design(s) stops short in this build: {timeline.unread} older "
            f"version(s) were not read (a build reads {mib:.0f} MiB of older versions, "
            f"{BUDGET_ONE_DESIGN >> 20} MiB for one design); the history cache keeps what was read, "
            "so the next builds go on from there"
        )

    def close(self) -> None:
        """Stop git, and keep what the timeline learnt for the next build."""
        if self.timeline is not None:
            self.timeline.close()
            self.timeline = None
