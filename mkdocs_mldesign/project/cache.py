"""The cache of `mldesign check`: a second run over unchanged pages prints the first
run's report without checking anything.

An entry is keyed by everything the report depends on: the package's version, the
command's options, the current folder (messages name files relative to it), the date
(the stale rule counts days), the site's settings and extension schema, and every page
checked, by path and content. The design files the pages named are recorded in the
entry with their digests and read again on every hit (as the check reads them: only
inside the docs folder), so editing one misses too.

Entries live in `.mldesign/cache/` beside the site's mkdocs.yml (or in the current
folder), a folder git is told to ignore. The key is salted with a secret of the user's
own (in `$XDG_CACHE_HOME/mldesign/`, else `~/.cache/mldesign/`): an entry committed to
a repository, or written by anyone else, never matches, so no file in a checkout can
vouch for its designs. Whatever goes wrong with the cache (no home, a read-only disk,
a folder that is a symbolic link) only turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs_mldesign import __version__
from mkdocs_mldesign.core.design import read_inside
from mkdocs_mldesign.core.frontmatter import MAX_PAGE_BYTES, read_page, read_regular

FOLDER = Path(".mldesign") / "cache"
#: Entries kept per folder; the oldest go first.
MAX_ENTRIES = 16
_IGNORE = "# Written by mldesign check: nothing here is meant for version control.\n*\n"


def _secret() -> bytes | None:
    """The user's own secret for cache keys, made on first use; None when there is no
    private place to keep it."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):
        return None
    path = os.path.join(base, "mldesign", "secret")
    found = _read_secret(path)
    if found is not None or os.path.lexists(path):
        return found
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another run made it first
        return _read_secret(path)
    except OSError:
        return None
    made = secrets.token_bytes(32)
    with os.fdopen(fd, "wb") as handle:
        handle.write(made)
    return made


def _read_secret(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            found = handle.read(64)
    except OSError:
        return None
    return found if len(found) == 32 else None


def digest_file(path: str | os.PathLike[str]) -> str | None:
    """A file's content digest, or None when it cannot be read (a missing file counts)."""
    try:
        return hashlib.blake2b(read_regular(path, MAX_PAGE_BYTES), digest_size=16).hexdigest()
    except OSError:
        return None


def digest_design_file(root: str, rel: str) -> str:
    """The digest of a design file as the check reads it (`design.read_inside`: only
    inside its docs folder, only a regular file, bounded), or why it could not be read."""
    try:
        data = read_inside(root, rel)
    except OSError as exc:
        return f"unreadable: {type(exc).__name__} {exc.errno}"
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(slots=True)
class Cache:
    """One run's view of the cache folder: its key, and what it found."""

    folder: Path
    key: str

    @classmethod
    def open(cls, folder: Path, parts: Iterable[str], pages: Iterable[Path]) -> Cache | None:
        """The cache for a run whose options are `parts` over `pages`; None when there is none."""
        h = salted(os.getcwd(), *parts)
        if h is None or _links_out(folder):
            return None
        for page in pages:
            h.update(os.fsencode(page) + b"\0")
            try:
                data, _ = read_page(page)  # as the check reads it: bounded, a regular file only
                h.update(data)
            except OSError as exc:
                h.update(f"\1unreadable: {type(exc).__name__} {exc.errno}".encode())
            h.update(b"\0")
        return cls(folder, h.hexdigest())

    @property
    def path(self) -> Path:
        return self.folder / f"{self.key}.json"

    def get(self) -> tuple[str, int] | None:
        """The output and exit status of the same run before, if nothing it read changed."""
        try:
            with open(self.path, encoding="utf-8") as handle:
                entry: Any = json.load(handle)
            output, code, inputs = entry["output"], entry["code"], entry["inputs"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not isinstance(output, str) or not isinstance(code, int) or not isinstance(inputs, list):
            return None
        for item in inputs:
            if not (isinstance(item, list) and len(item) == 3 and all(isinstance(x, str) for x in item)):
                return None
            if digest_design_file(item[0], item[1]) != item[2]:
                return None
        return output, code

    def put(self, output: str, code: int, design_files: Iterable[tuple[str, str]]) -> None:
        """Keep this run's output; `design_files` are the (docs folder, path in it) of the
        design files its pages named, whose content the entry also depends on."""
        inputs = [[root, rel, digest_design_file(root, rel)] for root, rel in sorted(set(design_files))]
        entry = {"output": output, "code": code, "inputs": inputs}
        own = (self.folder, self.folder.parent)
        write_entry(self.path, entry, ignore=_IGNORE, keep=(MAX_ENTRIES, "*.json"), own=own)


def salted(*parts: str) -> hashlib.blake2b | None:
    """A digest of the package's version and `parts`, keyed with the user's secret, for
    more to be added to; None when the user has no secret (then nothing is cached)."""
    secret = _secret()
    if secret is None:
        return None
    h = hashlib.blake2b(key=secret, digest_size=20)
    for part in (__version__, *parts):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return h


def write_entry(path: Path, entry: Any, *, ignore: str, keep: tuple[int, str], own: tuple[Path, ...]) -> None:
    """Write `entry` as JSON to `path`, whole or not at all, in a folder git is told to
    ignore (`ignore` is its `.gitignore`); `keep` is (how many, of which name pattern) the
    folder keeps, newest first. Nothing is written when a folder of `own` (those the
    cache made) is a symbolic link; whatever fails only leaves the entry unwritten."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if any(f.is_symlink() for f in own):
            return
        gitignore = folder / ".gitignore"
        if not gitignore.exists() and not gitignore.is_symlink():
            gitignore.write_text(ignore, encoding="utf-8")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".entry-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(entry, handle)
        os.replace(tmp, path)
    except OSError:
        return
    _prune(folder, *keep)


def _links_out(folder: Path) -> bool:
    """Whether the cache folder or the folder holding it is a symbolic link: the cache
    writes only into real folders of its own."""
    return folder.is_symlink() or folder.parent.is_symlink()


def _prune(folder: Path, keep: int, pattern: str) -> None:
    entries = []
    for path in folder.glob(pattern):
        try:
            entries.append((path.stat().st_mtime, path))
        except OSError:
            continue
    entries.sort(reverse=True)
    for _, path in entries[keep:]:
        try:
            path.unlink()
        except OSError:
            continue
