"""A site whose pages change while it is watched: what an editor's language server and an
agent's tools check against.

`mldesign check` reads every page once and forgets them. An editor asks again on every
keystroke, so `LiveSite` keeps each page's verdict by the bytes it was made from (the
page's and its design file's): a change checks the one page whose bytes changed, then
runs the rules across designs over every kept verdict. The text an editor holds for a
page (a buffer) stands in for the file on disk while it is open.

Each page is checked exactly as `mldesign check` checks it (`project.check.check_file`'s
names and folders, `Site.check_page`, the git dates of `date_designs`, `Site.check_site`),
so a problem has the same message, hint, rule and severity in the editor as in CI.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from mkdocs_mldesign.core.design import MAX_DESIGN_FILE_BYTES, Design, PageResult, default_id, read_inside
from mkdocs_mldesign.core.evidence import EvidenceOptions
from mkdocs_mldesign.core.frontmatter import MAX_PAGE_BYTES, NotRegular, TooLarge, read_page
from mkdocs_mldesign.core.labels import Labels
from mkdocs_mldesign.core.problems import Problem, shown_path
from mkdocs_mldesign.core.settings import Settings, SettingsError
from mkdocs_mldesign.core.site import Report, Site, SiteError
from mkdocs_mldesign.core.storage import digest
from mkdocs_mldesign.git.history import GitLog
from mkdocs_mldesign.project.check import date_designs, markdown_files
from mkdocs_mldesign.project.config import CONFIG_NAMES, ConfigError, docs_files, load, option_error
from mkdocs_mldesign.project.evidence import add_evidence

#: How often the docs folder is listed again to see files changed outside the editor (a
#: listing of a thousand pages takes a few milliseconds, not spent on a keystroke).
RESCAN_SECONDS = 2.0


class LiveError(Exception):
    """A site whose settings cannot be used (its mkdocs.yml, its extension schema); the
    message names the file and says why, as `mldesign check` says it."""


def find_config(start: Path) -> Path | None:
    """The `mkdocs.yml` in `start` (a folder or a file's folder) or the nearest folder above."""
    folder = Path(os.path.abspath(start))
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            if (candidate / name).is_file():
                return candidate / name
    return None


@dataclass(slots=True)
class _Entry:
    key: tuple[str, str]  # digests of the page's bytes and of its design file's ("" for none)
    result: PageResult
    stat: tuple[int, int] | None  # the page file's (mtime, size) when read from disk


@dataclass(slots=True)
class LiveSite:
    """One site: its settings, its template and labels, and a verdict for each page."""

    site: Site
    docs_dir: Path
    labels: Labels
    config_file: Path | None = None
    git_dates: bool = True
    list_pages: Callable[[], Iterator[Path]] | None = None
    #: What the designs' measurements may be read from: the files only, while typing (a
    #: tracking server is not asked at every keystroke; `mldesign check` asks it).
    evidence: EvidenceOptions = field(default_factory=lambda: EvidenceOptions(mlflow=False))
    entries: dict[Path, _Entry] = field(default_factory=dict)
    buffers: dict[Path, bytes] = field(default_factory=dict)
    gone: list[Path] = field(default_factory=list)  # open pages whose file vanished since the last scan
    log: GitLog | None = None
    _on_disk: set[Path] = field(default_factory=set)  # open pages last seen on disk
    _dated: bool = False  # the git history arrived and gave designs dates
    ready: threading.Event = field(default_factory=threading.Event)  # every page checked once
    _scanned: float = 0.0
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # --- opening ---------------------------------------------------------------------

    @classmethod
    def open(cls, config_file: Path | None, folder: Path | None = None, *, git: bool = True) -> LiveSite:
        """The site of `config_file`, as `mldesign check` reads it without MkDocs; without
        one, the folder `folder` with the default settings (as `mldesign check FOLDER`
        outside a site)."""
        if config_file is None:
            root = Path(os.path.abspath(folder or Path.cwd()))
            site = _site(Settings())
            labels = Labels.build(site.template)
            return cls(site, root, labels, None, git, lambda: markdown_files(root))
        try:
            config = load(config_file)
        except ConfigError as exc:
            raise LiveError(str(exc)) from None
        site = _site(config.options.settings)
        outputs = config.options.outputs
        try:
            labels = Labels.build(site.template, outputs.language, outputs.labels)
        except SettingsError as exc:
            raise LiveError(option_error(config_file, exc)) from None
        docs = config.docs_dir

        def pages() -> Iterator[Path]:
            return (docs / src for src in docs_files(config) if src.endswith(".md"))

        evidence = replace(config.options.evidence, mlflow=False)
        return cls(site, docs, labels, config.path, git and config.options.git_dates, pages, evidence)

    def start(self) -> None:
        """Check every page of the site once, and read its git history in the background.
        Until it is done, `problems_by_file` gives the pages' own problems only: the rules
        across designs wait for every design."""
        if self.git_dates:
            threading.Thread(target=self._read_history, name="mldesign-git", daemon=True).start()
        # One process: forked workers (as `mldesign check` uses) would copy the lock of the
        # standard input that the server's reader thread holds, and hang on it.
        self.rescan(force=True)
        self.ready.set()

    def _read_history(self) -> None:
        log = GitLog.read(self.docs_dir)
        with self._lock:
            self.log = log
            for entry in self.entries.values():
                self._dated |= bool(date_designs(self.site, [(entry.result, False)], log, date.today()))

    # --- pages -----------------------------------------------------------------------

    def owns(self, path: Path) -> bool:
        """Whether `path` lies in the site's docs folder."""
        rel = os.path.relpath(os.path.abspath(path), self.docs_dir)
        return rel != ".." and not rel.startswith(".." + os.sep) and not os.path.isabs(rel)

    def src_uri(self, path: Path) -> str:
        return Path(os.path.relpath(os.path.abspath(path), self.docs_dir)).as_posix()

    def shown(self, path: Path) -> str:
        """How messages name the file `path`, as `mldesign check` names it."""
        return shown_path(path)

    def set_buffer(self, path: Path, text: str | None) -> None:
        """The text an editor holds for `path`, or None once it lets go of it."""
        path = _norm(path)
        with self._lock:
            if text is None:
                self.buffers.pop(path, None)
            else:
                if path not in self.buffers and path.is_file():
                    self._on_disk.add(path)
                self.buffers[path] = text.encode("utf-8", "surrogateescape")

    def rescan(self, *, force: bool = False) -> bool:
        """List the docs folder again (at most every `RESCAN_SECONDS` unless `force`) and
        check the pages whose files changed; whether any verdict changed (dates from git
        that arrived since the last scan count as a change)."""
        now = time.monotonic()
        if not force and now - self._scanned < RESCAN_SECONDS:
            return False
        self._scanned = now
        with self._lock:
            changed, self._dated = self._dated, False  # designs given dates from git since
        listed = {_norm(p) for p in (self.list_pages() if self.list_pages else ())}
        with self._lock:
            for path in [p for p in self.entries if p not in listed and p not in self.buffers]:
                del self.entries[path]
                changed = True
            for path in self.buffers:
                if path in listed:
                    self._on_disk.add(path)
                elif path in self._on_disk:
                    self._on_disk.discard(path)
                    self.gone.append(path)  # it was on disk, and is no more
            pages = sorted(listed | {p for p in self.buffers if p.suffix == ".md" and self.owns(p)})
        for path in pages:
            with self._lock:  # page by page: an editor's change goes between two of them
                changed |= self._refresh(path)
        return changed

    def update(self, path: Path) -> bool:
        """Check `path` again if its bytes changed, or, for a design file, the pages that
        name it; whether a verdict changed."""
        path = _norm(path)
        with self._lock:
            if path.suffix == ".md":
                return self._refresh(path)
            changed = False
            for page, entry in list(self.entries.items()):
                named = entry.result.design_file
                if named and _norm(self.docs_dir / named) == path:
                    changed |= self._refresh(page)
            return changed

    def _refresh(self, path: Path) -> bool:
        entry = self.entries.get(path)
        data: bytes | None = self.buffers.get(path)
        stat = None
        if data is None:
            try:
                st = os.stat(path)
            except OSError:
                return self.entries.pop(path, None) is not None
            stat = (st.st_mtime_ns, st.st_size)
            if entry is not None and entry.stat == stat and not entry.result.design_file:
                return False
        try:
            if data is None:
                data, _ = read_page(path)
            elif len(data) > MAX_PAGE_BYTES:  # as a page read from disk: its start
                data = data[: data.rfind(b"\n", 0, MAX_PAGE_BYTES) + 1]
        except NotRegular:
            problem = Problem(
                self.shown(path), 0, 0, "", "error", "page-unreadable", "not a regular file", "a page must be a file"
            )
            self.entries[path] = _Entry(("", ""), PageResult(problems=[problem]), stat)
            return True
        except OSError as exc:
            problem = Problem(
                self.shown(path), 0, 0, "", "error", "page-unreadable", f"cannot read: {exc.strerror or exc}", ""
            )
            self.entries[path] = _Entry(("", ""), PageResult(problems=[problem]), stat)
            return True
        page_key = digest(data)
        design_key = self._design_file_key(entry.result) if entry is not None else ""
        if entry is not None and entry.key == (page_key, design_key):
            entry.stat = stat
            return False
        result = self._check(path, data)
        self.entries[path] = _Entry((page_key, self._design_file_key(result)), result, stat)
        return True

    def _design_file_key(self, result: PageResult) -> str:
        if not result.design_file:
            return ""
        try:
            return digest(self._read(result.design_file))
        except OSError:
            return "missing"

    def _read(self, rel: str) -> bytes:
        """A file of the docs folder as the site reads it: an open buffer first."""
        held = self.buffers.get(_norm(self.docs_dir / rel))
        if held is not None:
            if len(held) > MAX_DESIGN_FILE_BYTES:
                raise TooLarge(f"{rel} is larger than {MAX_DESIGN_FILE_BYTES:,} bytes")
            return held
        return read_inside(self.docs_dir, rel)

    def _check(self, path: Path, data: bytes) -> PageResult:
        # The names and folders of `project.check.check_file`, which `mldesign check` uses.
        folder = shown_path(self.docs_dir)
        prefix = "" if folder == "." else folder.rstrip("/") + "/"
        today = date.today()
        _, result = self.site.check_page(
            data,
            src_uri=self.src_uri(path),
            file=self.shown(path),
            read_file=self._read,
            docs_prefix=prefix,
            today=today,
        )
        if self.log is not None:
            date_designs(self.site, [(result, False)], self.log, today)
        if result.design is not None:
            project = self.config_file.parent if self.config_file is not None else self.docs_dir
            add_evidence(
                self.site,
                [(result.design, str(path.parent))],
                project_dir=str(project),
                options=self.evidence,
                today=today,
            )
        return result

    # --- verdicts --------------------------------------------------------------------

    def report(self) -> Report:
        """The site's verdict over every kept page, the rules across designs run again."""
        with self._lock:
            return self.site.check_site([e.result for e in self.entries.values()])

    def problems_by_file(self) -> dict[str, list[Problem]]:
        """Every problem of the site, by the file it is in (a design file's problems are
        its own), after the rules across designs."""
        found: dict[str, list[Problem]] = {}
        with self._lock:
            if self.ready.is_set():
                self.site.check_site([e.result for e in self.entries.values()])
            for entry in self.entries.values():
                for problem in entry.result.all_problems:
                    found.setdefault(problem.file, []).append(problem)
        return found

    def result(self, path: Path) -> PageResult | None:
        entry = self.entries.get(_norm(path))
        return entry.result if entry is not None else None

    def designs(self) -> list[Design]:
        """The readable designs of the site, in the order of their pages."""
        with self._lock:
            found = [e.result.design for e in self.entries.values() if e.result.design is not None]
        return sorted(found, key=lambda d: d.src_uri)

    def design(self, ident: str) -> Design | None:
        return next((d for d in self.designs() if d.id == ident), None)

    def page_of(self, design: Design) -> Path:
        return self.docs_dir / design.src_uri

    def default_id(self, path: Path) -> str:
        return default_id(self.src_uri(path))

    def take_gone(self) -> list[Path]:
        with self._lock:
            gone, self.gone = self.gone, []
        return gone


def _site(settings: Settings) -> Site:
    try:
        return Site.load(settings)
    except SiteError as exc:
        raise LiveError(str(exc)) from None


def _norm(path: Path) -> Path:
    return Path(os.path.normpath(os.path.abspath(path)))
