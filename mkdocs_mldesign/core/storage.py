"""What mldesign keeps for itself on disk: digests, the user's secret, and signed entries
in folders of its own.

Every file mldesign keeps lives in a folder it made, or found empty, and marked with a
`.gitignore` that starts with `MARK`: git leaves the folder out, and mldesign can tell it
from a folder of the user's, in which it writes and deletes nothing. Folders are made one
level at a time from a folder that exists, never through a symbolic link. An entry is
JSON written whole (a temporary file, then a rename) and signed with a key only this user
holds (`$XDG_CACHE_HOME/mldesign/secret`, else `~/.cache/mldesign/secret`); it is read
back only when the signature holds, so an entry committed to a repository, restored from
a shared CI cache or edited by hand is ignored, never believed. Pruning removes only files
named as an entry of the same kind is. Whatever goes wrong only leaves an entry unwritten
or unread.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Any

from mkdocs_mldesign import __version__

MARK = "# Written by mldesign"
IGNORE = f"{MARK}: nothing here is meant for version control; the folder can be deleted.\n*\n"
#: The largest entry read back (the check's report of a very large site fits many times).
MAX_ENTRY_BYTES = 256 * 1024 * 1024


def digest(data: bytes | str) -> str:
    """A content digest, for telling whether something changed (not a secret)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _secret() -> bytes | None:
    """The user's own secret, made on first use; None when there is no private place to
    keep it (then nothing is kept)."""
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


def salted(*parts: str) -> hashlib.blake2b | None:
    """A digest of the package's version and `parts`, keyed with the user's secret, for
    more to be added to; None when the user has no secret (then nothing is kept)."""
    secret = _secret()
    if secret is None:
        return None
    h = hashlib.blake2b(key=secret, digest_size=20)
    for part in (__version__, *parts):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return h


def is_own(folder: Path) -> bool:
    """Whether `folder` is a real folder that mldesign made and marked."""
    ignore = folder / ".gitignore"
    if folder.is_symlink() or ignore.is_symlink() or not ignore.is_file():
        return False
    try:
        with open(ignore, "rb") as handle:
            return handle.read(len(MARK)) == MARK.encode()
    except OSError:
        return False


def mark(folder: Path) -> None:
    """Tell git to leave `folder` out; a `.gitignore` already there is never written over."""
    try:
        fd = os.open(folder / ".gitignore", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(IGNORE)


def own_folder(base: Path, rel: str | os.PathLike[str], *, create: bool = True) -> Path | None:
    """The folder `base`/`rel`, made one level at a time below `base` (which must exist),
    the last level marked as mldesign's; None when a level is a symbolic link or not a
    folder, or when the last one holds files mldesign did not write. With `create=False`
    nothing is made or marked: the folder must already be mldesign's."""
    folder = base
    if folder.is_symlink() or not folder.is_dir():
        return None
    for part in Path(rel).parts:
        if part in ("", ".", ".."):
            return None
        folder = folder / part
        if folder.is_symlink():
            return None
        if not create:
            if not folder.is_dir():
                return None
            continue
        try:
            folder.mkdir()
        except FileExistsError:
            if not folder.is_dir():
                return None
            continue
        except OSError:
            return None
    if is_own(folder):
        return folder
    if not create:
        return None
    try:
        empty = not any(folder.iterdir())
    except OSError:
        return None
    if not empty:
        return None
    mark(folder)
    return folder if is_own(folder) else None


def nearest_existing(path: Path) -> tuple[Path, Path]:
    """`path` as (the nearest folder of it that exists, the rest below it)."""
    path = Path(os.path.abspath(path))
    base = path
    while not base.exists() and base != base.parent:
        base = base.parent
    return base, path.relative_to(base)


def _mac(secret: bytes, name: str, text: str) -> str:
    """The entry's signature, over its name too: an entry renamed to another's name fails."""
    message = f"{name}\0{text}".encode("utf-8", "surrogatepass")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def write_entry(folder: Path, name: str, entry: Any, *, keep: int, names: re.Pattern[str]) -> bool:
    """Write `entry` as the signed entry `name` of `folder` (one `own_folder` gave), whole
    or not at all, then keep the newest `keep` of the entries whose names match `names`;
    whether it was written."""
    secret = _secret()
    if secret is None or not names.fullmatch(name) or not is_own(folder):
        return False
    text = json.dumps(entry)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".entry-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"mac": _mac(secret, name, text), "entry": text}, handle)
        os.replace(tmp, folder / name)
    except OSError:
        return False
    _prune(folder, keep, names)
    return True


def read_entry(path: Path) -> Any:
    """The entry at `path` if this user wrote it there, in a folder of mldesign's; else None."""
    secret = _secret()
    if secret is None or not is_own(path.parent) or path.is_symlink():
        return None
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_ENTRY_BYTES + 1)
        if len(raw) > MAX_ENTRY_BYTES:
            return None
        outer = json.loads(raw)
        mac, text = outer["mac"], outer["entry"]
        if not (isinstance(mac, str) and isinstance(text, str)):
            return None
        if not hmac.compare_digest(mac, _mac(secret, path.name, text)):
            return None
        return json.loads(text)
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None


def _prune(folder: Path, keep: int, names: re.Pattern[str]) -> None:
    entries = []
    for path in folder.iterdir():
        if not names.fullmatch(path.name) or path.is_symlink():
            continue
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
