"""What git knows of a site's designs: when each was created and last changed, and
how it got to where it is.

One `git log` reads the history of the whole docs folder (`GitLog.start`), in its
own process while the build goes on; renames are followed from it, so a page that
moved keeps its first date. `GitLog.dates` gives the first and last commit that
touched a page (and its `design:` file). `Timeline` reads a design as it stood at
each of those commits (`git cat-file`, one process for the whole build) and checks
it with the site's own core, to tell when its status changed and how complete it was
then; what it learns is kept by blob, so a rebuild reads only what changed.

Nothing here fails a build: outside a git checkout, without git, or in a shallow
clone (whose history is cut, so its first dates would be wrong), `GitLog.reason`
says why there are no dates and everything carries on without them.
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from mkdocs_mldesign.core.design import Commit, Span, relative_inside
from mkdocs_mldesign.core.storage import own_folder, read_entry, salted, write_entry

#: Every setting of the user's or the repository's git configuration that could shape
#: what these commands print, pinned: the same history gives the same verdict anywhere
#: (`log.showRoot=false` would hide the first commit's files, another
#: `i18n.logOutputEncoding` would garble dates, a replace ref would rewrite history).
_PINNED = {
    "log.showRoot": "true",
    "log.showSignature": "false",
    "log.follow": "false",
    "log.decorate": "false",
    "log.abbrevCommit": "false",
    "log.mailmap": "false",
    "i18n.logOutputEncoding": "UTF-8",
    "core.quotePath": "false",
    "core.precomposeUnicode": "false",
    "core.fsmonitor": "false",
    "core.abbrev": "40",
    "diff.renames": "true",
    "diff.renameLimit": "1000",
    "diff.relative": "false",
    "diff.noprefix": "false",
    "color.ui": "never",
}
#: Every git process runs with these: the settings above, no pager, no replace refs.
_GIT = (
    "git",
    *(x for key, value in _PINNED.items() for x in ("-c", f"{key}={value}")),
    "--no-replace-objects",
    "--no-pager",
)
#: No prompt, no locks taken, the same messages whatever the user's language.
_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C", "GIT_PAGER": "cat"}
#: A commit's fields in the log, split by the unit separator.
_FORMAT = "%x1e%H%x1f%at%x1f%aI%x1f%s"


@dataclass(frozen=True, slots=True)
class Touch:
    """One commit's change to a file: the file's path then (relative to the docs folder)
    and its blob after the commit ("" when the commit deleted it)."""

    index: int  # the commit's place in the log, 0 the newest
    path: str
    blob: str


#: Set by a git hook, these would point git at another checkout than the docs folder's
#: own; the others would add configuration past the pinned settings.
_DROPPED = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT")


def _env() -> dict[str, str]:
    kept = {
        k: v
        for k, v in os.environ.items()
        if k not in _DROPPED and not k.startswith(("GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_"))
    }
    return {**kept, **_ENV}


def _run(args: list[str], cwd: str, timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*_GIT, *args], cwd=cwd, env=_env(), capture_output=True, stdin=subprocess.DEVNULL, timeout=timeout
    )


def git_command(
    args: list[str], cwd: str | os.PathLike[str], timeout: float = 120
) -> subprocess.CompletedProcess[bytes] | None:
    """`git <args>` run in `cwd` as every git process here runs; None when git cannot run."""
    try:
        return _run(args, os.fspath(cwd), timeout=timeout)
    except (OSError, subprocess.SubprocessError):
        return None


@dataclass(slots=True)
class GitLog:
    """The history of one docs folder, as one `git log` told it."""

    folder: str  # the docs folder, absolute
    commits: list[Commit] = field(default_factory=list)
    touches: dict[str, list[Touch]] = field(default_factory=dict)  # by today's path, newest first
    reason: str = ""  # why there is no history, when there is none
    head: str = ""
    outside: bool = False  # the reason is that the folder is in no git checkout at all

    @classmethod
    def start(cls, folder: str | os.PathLike[str], probe: GitLog | str | None = None) -> Callable[[], GitLog]:
        """Start reading the history of `folder` (`probe`: what `GitLog.probe` said of it,
        when it was asked already); the function returned waits for it and gives the log
        (never raises). `git log` writes to a file of its own, so it runs on while this
        process goes on, forks workers or not, and is read at the end."""
        where = os.path.abspath(folder)
        probe = cls.probe(where) if probe is None else probe
        if isinstance(probe, GitLog):
            return lambda: probe
        out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115 - closed in _finish
        try:
            proc = subprocess.Popen(
                [*_GIT, "log", "-z", "--raw", "--no-abbrev", "-M", "--relative", "--no-merges", f"--format={_FORMAT}"],
                cwd=where,
                env=_env(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
            )
        except OSError as exc:
            out.close()
            err.close()
            failed = cls(where, reason=f"git log could not run ({type(exc).__name__})")
            return lambda: failed
        done: list[GitLog] = []

        def result() -> GitLog:
            if not done:
                done.append(cls._finish(where, probe, proc, out, err))
            return done[0]

        return result

    @classmethod
    def read(cls, folder: str | os.PathLike[str]) -> GitLog:
        """The history of `folder` now (never raises: an empty log says why)."""
        return cls.start(folder)()

    @classmethod
    def probe(cls, folder: str | os.PathLike[str]) -> GitLog | str:
        """The commit of `folder`'s checkout, or a log that says why there is no history to
        read: what a cache keyed by git's history must know. One quick `git rev-parse`."""
        where = os.path.abspath(folder)
        try:
            probe = _run(["rev-parse", "--is-shallow-repository", "--verify", "-q", "HEAD"], where, timeout=30)
        except FileNotFoundError:
            return cls(where, reason="git is not installed")
        except (OSError, subprocess.SubprocessError) as exc:
            return cls(where, reason=f"git could not run ({type(exc).__name__})")
        lines = probe.stdout.decode("utf-8", "replace").split()
        if probe.returncode != 0 or not lines:
            said = probe.stderr.decode("utf-8", "replace").strip().splitlines()
            if lines[:1] == ["false"] or lines[:1] == ["true"]:
                return cls(where, reason="the git repository has no commit yet")
            first = said[0] if said else "not a git checkout"
            return cls(where, reason=f"it is not in a git checkout ({first.removeprefix('fatal: ')})", outside=True)
        if lines[0] == "true":
            return cls(where, reason="the git checkout is shallow, so its history is cut (fetch its whole history)")
        return lines[-1] if len(lines) > 1 else ""

    @classmethod
    def _finish(cls, where: str, head: str, proc: subprocess.Popen[bytes], out: IO[bytes], err: IO[bytes]) -> GitLog:
        with out, err:
            try:
                code = proc.wait(timeout=600)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                return cls(where, reason="git log took more than ten minutes")
            if code != 0:
                err.seek(0)
                said = err.read(4096).decode("utf-8", "replace").strip().splitlines()
                return cls(where, reason=f"git log failed ({said[0] if said else code})")
            out.seek(0)
            raw = out.read()
        log = cls(where, head=head)
        log._parse(raw)
        return log

    def _parse(self, raw: bytes) -> None:
        tokens = raw.split(b"\0")
        alias: dict[str, str | None] = {}  # a path in history -> today's path (None: a file since gone)
        i, n = 0, len(tokens)
        while i < n:
            token = tokens[i].lstrip(b"\n")
            i += 1
            if token.startswith(b"\x1e"):
                sha, time, stamp, subject = [*token[1:].decode("utf-8", "replace").split("\x1f", 3), "", "", ""][:4]
                self.commits.append(Commit(sha, int(time) if time.isdigit() else 0, stamp[:10], subject))
                continue
            if not token.startswith(b":") or not self.commits:
                continue
            meta = token.decode("ascii", "replace").split()
            if len(meta) < 5:
                continue
            status, blob = meta[4][:1], meta[3]
            paths = 2 if status in ("R", "C") else 1
            names = [os.fsdecode(t) for t in tokens[i : i + paths]]
            i += paths
            if len(names) != paths:
                break
            index = len(self.commits) - 1
            path = names[-1]
            if path not in alias:  # the newest change of this path: it is today's, unless deleted
                alias[path] = None if status == "D" else path
            today = alias[path]
            if today is not None:
                self.touches.setdefault(today, []).append(Touch(index, path, "" if status == "D" else blob))
            if status == "R" and alias.get(names[0]) is None:
                # Older changes of the old name are this file's (a file made later under that
                # name closed it, below, when its `A` was read).
                alias[names[0]] = today
            if status in ("A", "C", "R"):
                alias[path] = None  # before it was added, this name was another file's

    def span(self, src_uri: str, design_file: str | None = None) -> Span | None:
        """The first and last commit of a page and of the design file it names (a
        `site.GitDates`)."""
        page = self.followed(src_uri)
        return self.dates(page, self.followed(design_file)) if design_file else self.dates(page)

    def followed(self, path: str) -> str:
        """The docs-relative path whose history is what a build reads at `path`: the file a
        symbolic link there points at, when it is inside the docs folder; else `path`."""
        full = os.path.join(self.folder, path)
        if not os.path.islink(full):
            return path
        rel = relative_inside(os.path.realpath(full), os.path.realpath(self.folder))
        return path if rel is None else rel.replace(os.sep, "/")

    def dates(self, *paths: str) -> Span | None:
        """The first and last commit that touched any of `paths` (docs-relative); None
        when none did."""
        found = [self.commits[t.index] for p in paths for t in self.touches.get(p, ())]
        if not found:
            return None
        return Span(min(found, key=lambda c: c.time), max(found, key=lambda c: c.time))


@dataclass(frozen=True, slots=True)
class Version:
    """A design as one commit left it: `state` is `design`, `unreadable`, or `none` (the
    page held no design then)."""

    commit: Commit
    status: str  # "" unless the state is `design`
    percent: int | None
    version: str
    state: str


#: Reads a design as it stood: (page bytes, its docs-relative path, a reader of the files
#: it names) -> (status, percent, version, state). The site's core does it (`Site.verdict`).
Judge = Callable[[bytes, str, Callable[[str], bytes]], tuple[str, int | None, str, str]]


def changes(versions: Iterable[Version]) -> list[Version]:
    """The versions at which a design's status changed (its first one included), oldest
    first; a version that held no design is left out, one that could not be read counts
    as a change of its own."""
    out: list[Version] = []
    for v in versions:
        if v.state == "none":
            continue
        if not out or (v.state, v.status) != (out[-1].state, out[-1].status):
            out.append(v)
    return out


class Blobs:
    """One `git cat-file --batch` for a whole build, started on first use."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._proc: subprocess.Popen[bytes] | None = None
        self.failed = False

    def read(self, spec: str, limit: int) -> tuple[str, bytes] | None:
        """The (blob id, bytes) of `<commit>:<path>` or of a blob id; None when absent, or
        larger than `limit` bytes (skipped unread)."""
        if self.failed or "\n" in spec:
            return None
        try:
            if self._proc is None:
                self._proc = subprocess.Popen(
                    [*_GIT, "cat-file", "--batch"],
                    cwd=self.folder,
                    env=_env(),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            stdin, stdout = self._proc.stdin, self._proc.stdout
            assert stdin is not None
            assert stdout is not None
            stdin.write(os.fsencode(spec) + b"\n")
            stdin.flush()
            header = stdout.readline().split()
            if len(header) != 3:
                return None  # `<spec> missing`: nothing follows
            size = int(header[2])
            if header[1] != b"blob" or size > limit:  # its bytes follow all the same
                _skip(stdout, size + 1)
                return None
            data = _read_exactly(stdout, size + 1)[:-1]
            return header[0].decode("ascii"), data
        except (OSError, ValueError):
            self.failed = True
            self.close()
            return None

    def close(self) -> None:
        if self._proc is not None:
            for pipe in (self._proc.stdin, self._proc.stdout):
                if pipe is not None:
                    pipe.close()
            self._proc.wait()
            self._proc = None


def _skip(stream: IO[bytes], size: int) -> None:
    while size:
        chunk = stream.read(min(size, 1 << 16))
        if not chunk:
            raise OSError("git cat-file stopped")
        size -= len(chunk)


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise OSError("git cat-file stopped")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


#: Where a site keeps its history's verdicts, beside its mkdocs.yml.
HISTORY_CACHE = Path(".mldesign") / "cache" / "history"
#: How the history names its files: nothing else in the folder is ever deleted.
_NAMES = re.compile(r"history-[0-9a-f]{40}\.json")
#: History files kept in the folder (one per set of settings and template), newest first.
_KEPT = 4
#: A design's timeline reads at most its latest this many versions.
MAX_VERSIONS = 1000
#: The bytes of older versions a build reads, not counting those the cache knows: a
#: base, and as much again for each design; and for one design at most.
BUDGET_BASE = 16 << 20
BUDGET_PER_DESIGN = 160 << 10
BUDGET_ONE_DESIGN = 8 << 20
#: Past this many bytes a file of an older version (a page or a design file) is not read.
MAX_BLOB_BYTES = 1 << 22


class Timeline:
    """Each design's versions in history, judged by the site's core; what was judged is
    remembered by the blobs it read, in memory and in `cache_file` when given."""

    def __init__(
        self,
        log: GitLog,
        judge: Judge,
        *,
        cache_file: Path | None = None,
        known: dict[str, list[Any]] | None = None,
        budget: int | None = None,
    ) -> None:
        self.log = log
        self.judge = judge
        self.blobs = Blobs(log.folder)
        self.cache_file = cache_file
        # `known`: what an earlier build of the same process learnt (`mkdocs serve`).
        self.known: dict[str, list[Any]] = known if known is not None else _load_cache(cache_file)
        self.changed = False
        self.judged = 0  # versions checked in this build, for the log
        # The bytes of older versions this build may read (None: no bound) and has read, and
        # the versions it left unread once they were spent, with the pages they belong to.
        self.budget = budget
        self.read_bytes = 0
        self.unread = 0
        self.cut: set[str] = set()

    def versions(self, src_uri: str, design_file: str | None = None) -> list[Version]:
        """The design of page `src_uri` (and of its `design:` file) at every commit that
        touched either, oldest first."""
        log = self.log
        page = log.touches.get(log.followed(src_uri), [])  # a linked page: the history of what it links to
        other = log.touches.get(log.followed(design_file), []) if design_file and design_file != src_uri else []
        indices = sorted({t.index for t in (*page, *other)})[:MAX_VERSIONS]  # newest first
        out = []
        spent = self.read_bytes
        for index in indices:  # the newest are read first: a timeline cut short loses its oldest steps
            at_page = _as_of(page, index)
            if at_page is None or not at_page.blob:
                continue
            at_file = _as_of(other, index)
            one = BUDGET_ONE_DESIGN - (self.read_bytes - spent)
            found = self._judge(log.commits[index], at_page, at_file, one)
            if found is None:
                self.unread += 1
                self.cut.add(src_uri)
                continue
            out.append(found)
        out.reverse()  # oldest first
        return out

    def _judge(self, commit: Commit, page: Touch, design_file: Touch | None, room: int) -> Version | None:
        """The version `commit` left; None when it is not known and the budget (of the
        build, or `room` left for this design) is spent."""
        key = f"{page.blob}:{design_file.blob if design_file else ''}"
        hit = self.known.get(key)
        if not _valid(hit):
            if self.budget is not None and (self.read_bytes >= self.budget or room <= 0):
                return None
            hit, cacheable = self._read(commit, page, design_file)
            if hit is not None and cacheable:
                self.known[key] = hit
                self.changed = True
        if hit is None:
            return Version(commit, "", None, "", "unreadable")
        status, percent, version, state = hit
        return Version(commit, status, percent, version, state)

    def _read(self, commit: Commit, page: Touch, design_file: Touch | None) -> tuple[list[Any] | None, bool]:
        """The verdict on the page `page` with its design file as `commit` left them, and
        whether it may be kept (not when it read a file whose history is not followed)."""
        found = self.blobs.read(page.blob, MAX_BLOB_BYTES)
        if found is None:
            return None, False
        self.read_bytes += len(found[1])
        uncacheable = False

        def read_file(rel: str) -> bytes:
            nonlocal uncacheable
            path = posixpath.normpath(rel)  # docs-relative, as the check names it
            if path.startswith("../") or path == ".." or posixpath.isabs(path):
                raise OSError(f"{rel} is outside the docs folder")
            if design_file is not None and path == design_file.path and design_file.blob:
                got = self.blobs.read(design_file.blob, MAX_BLOB_BYTES)
            else:
                uncacheable = True  # a file whose history is not followed: judged anew each build
                got = self.blobs.read(f"{commit.sha}:./{path}", MAX_BLOB_BYTES)
            if got is None:
                raise FileNotFoundError(path)
            self.read_bytes += len(got[1])
            return got[1]

        self.judged += 1
        return list(self.judge(found[1], page.path, read_file)), not uncacheable

    def close(self) -> None:
        """Stop git and keep what was learnt."""
        self.blobs.close()
        if self.changed and self.cache_file is not None:
            # Made below the site's folder, one level at a time, never through a link.
            where = self.cache_file
            if where.parent.parts[-len(HISTORY_CACHE.parts) :] == HISTORY_CACHE.parts:
                home = where.parents[len(HISTORY_CACHE.parts)]
                folder = own_folder(home, HISTORY_CACHE)
                if folder is not None:
                    write_entry(folder, where.name, self.known, keep=_KEPT, names=_NAMES)
            self.changed = False


def budget_for(designs: int) -> int:
    """The bytes of older versions a build of a site with `designs` designs may read."""
    return BUDGET_BASE + BUDGET_PER_DESIGN * designs


def _as_of(touches: Iterable[Touch], index: int) -> Touch | None:
    """The file as commit `index` left it: its latest change at or before that commit
    (`touches` are newest first, and a higher index is an older commit)."""
    return next((t for t in touches if t.index >= index), None)


def _valid(hit: Any) -> bool:
    return (
        isinstance(hit, list)
        and len(hit) == 4
        and isinstance(hit[0], str)
        and (hit[1] is None or (isinstance(hit[1], int) and not isinstance(hit[1], bool)))
        and isinstance(hit[2], str)
        and hit[3] in ("design", "unreadable", "none")
    )


def _load_cache(path: Path | None) -> dict[str, list[Any]]:
    data = read_entry(path) if path is not None else None
    return {k: v for k, v in data.items() if isinstance(k, str) and _valid(v)} if isinstance(data, dict) else {}


def cache_file(folder: Path, *parts: str) -> Path | None:
    """Where the history of a site judged by `parts` (its settings and schema) is kept in
    `folder`; None when the user has no secret to salt its name with, so that a file
    planted in a checkout is never read as what the core found."""
    h = salted(*parts)
    return folder / f"history-{h.hexdigest()}.json" if h is not None else None
