"""The cache of `mldesign check`: a second run over unchanged pages prints the first
run's report without checking anything.

An entry is keyed by everything the report depends on: the package's version, the
command's options, the current folder (messages name files relative to it), the date
(the stale rule counts days), the site's settings and extension schema, and every page
checked, by path and content. The design files the pages named are recorded in the
entry with their digests and read again on every hit (as the check reads them: only
inside the docs folder), so editing one misses too.

Entries live in `.mldesign/cache/` beside the site's mkdocs.yml (or in the current
folder), or in the folder `--cache-dir` names, as `core.storage` keeps them: signed with
the user's own secret, in a folder mldesign made and marked, never through a symbolic
link, never among the user's files. Whatever goes wrong with the cache only turns it off.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs_mldesign.core.design import read_inside
from mkdocs_mldesign.core.frameworks import PRESETS
from mkdocs_mldesign.core.frontmatter import MAX_PAGE_BYTES, read_page, read_regular
from mkdocs_mldesign.core.settings import Settings
from mkdocs_mldesign.core.storage import digest, own_folder, read_entry, salted, write_entry
from mkdocs_mldesign.git.history import GitLog
from mkdocs_mldesign.project.check import Job

FOLDER = Path(".mldesign") / "cache"
#: Entries kept per folder; the oldest go first.
MAX_ENTRIES = 16
#: How the cache names its entries: nothing else in the folder is ever deleted.
NAMES = re.compile(r"[0-9a-f]{40}\.json")


def digest_file(path: str | os.PathLike[str]) -> str | None:
    """A file's content digest, or None when it cannot be read (a missing file counts)."""
    try:
        return digest(read_regular(path, MAX_PAGE_BYTES))
    except OSError:
        return None


def digest_design_file(root: str, rel: str) -> str:
    """The digest of a design file as the check reads it (`design.read_inside`: only
    inside its docs folder, only a regular file, bounded), or why it could not be read."""
    try:
        data = read_inside(root, rel)
    except OSError as exc:
        return f"unreadable: {type(exc).__name__} {exc.errno}"
    return digest(data)


@dataclass(slots=True)
class Cache:
    """One run's view of the cache folder `base`/`rel`: its key, and what it found."""

    base: Path  # a folder that exists; the cache's folders are made below it
    rel: Path
    key: str

    @classmethod
    def open(cls, base: Path, rel: Path, parts: Iterable[str], pages: Iterable[Path]) -> Cache | None:
        """The cache for a run whose options are `parts` over `pages`; None when there is none."""
        h = salted(os.getcwd(), *parts)
        if h is None:
            return None
        for page in pages:
            h.update(os.fsencode(page) + b"\0")
            try:
                data, _ = read_page(page)  # as the check reads it: bounded, a regular file only
                h.update(data)
            except OSError as exc:
                h.update(f"\1unreadable: {type(exc).__name__} {exc.errno}".encode())
            h.update(b"\0")
        return cls(base, rel, h.hexdigest())

    @classmethod
    def for_check(
        cls,
        base: Path,
        rel: Path,
        output_format: str,
        settings: Settings,
        today: date,
        probes: Mapping[Path, GitLog | str],
        asked: Sequence[Job],
        rest: Sequence[Job],
    ) -> Cache | None:
        """The cache of `mldesign check` over the pages of `asked` (and `rest`, their
        context): keyed by the output format, the settings and extension schema, the date,
        the git commit of each docs folder (`probes`, from `GitLog.probe`) and every page."""
        extension = digest_file(settings.extension_schema) if settings.extension_schema else ""
        extension = f"{extension}" + "".join(f"\0{digest_file(f)}" for f in settings.frameworks if f not in PRESETS)
        roots = sorted({root for _, root, _ in (*asked, *rest)})
        parts = [output_format, repr(settings), str(extension), today.isoformat()]
        parts += [f"{root}\0{_head(probes.get(root))}" for root in roots]
        parts += [f"{path}\0{root}\0{real or ''}" for path, root, real in (*asked, (Path(), Path(), None), *rest)]
        return cls.open(base, rel, parts, [path for path, _, _ in (*asked, *rest)])

    @property
    def name(self) -> str:
        return f"{self.key}.json"

    def get(self) -> tuple[str, int] | None:
        """The output and exit status of the same run before, if nothing it read changed."""
        folder = own_folder(self.base, self.rel, create=False)
        entry: Any = read_entry(folder / self.name) if folder is not None else None
        try:
            output, code, inputs = entry["output"], entry["code"], entry["inputs"]
        except (KeyError, TypeError):
            return None
        if not isinstance(output, str) or not isinstance(code, int) or not isinstance(inputs, list):
            return None
        for item in inputs:
            if not (isinstance(item, list) and len(item) == 3 and all(isinstance(x, str) for x in item)):
                return None
            if digest_design_file(item[0], item[1]) != item[2]:
                return None
        return output, code

    def put(self, output: str, code: int, design_files: Iterable[tuple[str, str]]) -> bool:
        """Keep this run's output; `design_files` are the (docs folder, path in it) of the
        design files its pages named, whose content the entry also depends on. Whether it
        was kept (not in a folder that holds files mldesign did not write)."""
        folder = own_folder(self.base, self.rel)
        if folder is None:
            return False
        inputs = [[root, rel, digest_design_file(root, rel)] for root, rel in sorted(set(design_files))]
        entry = {"output": output, "code": code, "inputs": inputs}
        return write_entry(folder, self.name, entry, keep=MAX_ENTRIES, names=NAMES)


def _head(probe: GitLog | str | None) -> str:
    """What the key holds of a docs folder's git history: its commit, or why none."""
    if probe is None:
        return "no-git"
    return f"commit {probe}" if isinstance(probe, str) else f"none: {probe.reason}"
