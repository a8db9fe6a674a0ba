"""Other sites' designs, read from their `designs.json`, for one portal over many sites.

The `sources` option names exports by local path or http(s) URL. Each is read once per
build, with a timeout and a size limit; one that cannot be read, or that is not an
export this version understands, is a warning that names its line in `mkdocs.yml`,
and the build goes on without it. What an export holds is data: every text is shown
escaped, and a link is kept only when it is an http(s) URL (or a path that the
publishing site's URL or the export's own URL makes one).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

from mkdocs_mldesign.core.frontmatter import TooLarge, read_regular
from mkdocs_mldesign.core.problems import MAX_PROBLEMS, Problem, shown_path
from mkdocs_mldesign.core.targets import VERDICTS

#: The export formats this version reads: 2 (no site name), 3 (no metrics) and 4
#: (report.FORMAT_VERSION).
READABLE_FORMATS = (2, 3, 4)
MAX_EXPORT_BYTES = 64 * 1024 * 1024
#: How long the portal waits for all its http(s) sources together.
TIMEOUT_SECONDS = 10.0
#: The designs a portal takes in from all its sources together.
MAX_SOURCE_DESIGNS = 5000
RULE = "source-unreadable"


@dataclass(frozen=True, slots=True)
class RemoteDesign:
    """One design of another site, as its export gives it."""

    site: str  # the publishing site's name
    site_url: str  # its URL, "" when unknown
    entry: dict[str, Any]  # the export's entry, checked
    url: str  # an absolute http(s) URL of its page, "" when none can be made

    @property
    def readable(self) -> bool:
        return self.entry["readable"] is not False


@dataclass(frozen=True, slots=True)
class Source:
    location: str
    site: str
    site_url: str
    designs: tuple[RemoteDesign, ...]


class _Refused(Exception):
    """An export that cannot be used; the message says why."""


def remote_designs(locations: Sequence[str], config_file: str) -> tuple[list[RemoteDesign], list[Problem]]:
    """The designs of every source the site of `config_file` lists (paths relative to it),
    and a warning for each source that cannot be read."""
    base_dir = os.path.dirname(os.path.abspath(config_file))
    found, problems = load_sources(locations, config_file=config_file, base_dir=base_dir)
    return [design for source in found for design in source.designs], problems


def load_sources(
    locations: Sequence[str], *, config_file: str = "mkdocs.yml", base_dir: str = "", timeout: float = TIMEOUT_SECONDS
) -> tuple[list[Source], list[Problem]]:
    """Every source that can be read, and a warning for each that cannot or was cut.

    The http(s) sources are fetched at once, within `timeout` seconds for all of them
    together, so slow servers hold a build no longer than one would. The portal takes in
    at most `MAX_SOURCE_DESIGNS` designs from all sources together, in the order they
    are listed; a source past that is cut, with a warning saying how many were left out."""
    sources: list[Source] = []
    problems: list[Problem] = []
    config_text = _config_text(config_file)
    fetching = _Fetches(locations, timeout)
    room = MAX_SOURCE_DESIGNS

    def warn(index: int, location: str, message: str, hint: str) -> None:
        line, column = _locate(config_text, location)
        field = f"sources[{index}]"
        problems.append(Problem(shown_path(config_file), line, column, field, "warning", RULE, message, hint))

    for index, location in enumerate(locations):
        try:
            raw = fetching.result(index) if _is_web(location) else _fetch(location, base_dir)
            source = _source(location, _parse(raw))
        except _Refused as exc:
            warn(
                index,
                location,
                f"{_short(location)} {exc}",
                "the overview is built without its designs; check the path or URL, "
                "and that it is a designs.json of mkdocs-mldesign",
            )
            continue
        if len(source.designs) > room:
            left = len(source.designs) - room
            warn(
                index,
                location,
                f"{_short(location)}: {left:,} of its {len(source.designs):,} designs are left out: the portal takes "
                f"in {MAX_SOURCE_DESIGNS:,} designs from all its sources together",
                "list fewer or smaller sources; the first ones listed are taken in first",
            )
            source = replace(source, designs=source.designs[:room])
        room -= len(source.designs)
        sources.append(source)
    return sources, problems


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:  # "http://[::1": not a URL at all
        return "?"


def _fetch(location: str, base_dir: str) -> bytes:
    """A local source's bytes (a path relative to `base_dir`)."""
    scheme = _scheme(location)
    if scheme == "?":
        raise _Refused("is not a valid URL")
    if scheme and len(scheme) > 1:
        raise _Refused("is neither a path nor an http(s) URL")
    path = os.path.join(base_dir, location)
    try:
        return read_regular(path, MAX_EXPORT_BYTES)
    except TooLarge:
        raise _Refused(f"is larger than {MAX_EXPORT_BYTES:,} bytes") from None
    except (OSError, ValueError) as exc:
        raise _Refused(f"cannot be read: {getattr(exc, 'strerror', None) or exc}") from None


class _Fetches:
    """Every http(s) source of a site, each fetched in a thread of its own from the start,
    all within one deadline: a server that sends a byte now and then cannot hold the
    build, as a timeout on each read would let it."""

    def __init__(self, locations: Sequence[str], timeout: float) -> None:
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.boxes: dict[int, dict[str, Any]] = {}
        self.threads: dict[int, threading.Thread] = {}
        for index, url in enumerate(locations):
            if _is_web(url):
                box: dict[str, Any] = {}
                thread = threading.Thread(
                    target=_download, args=(url, timeout, box), name=f"mldesign source {url[:60]}", daemon=True
                )
                thread.start()
                self.boxes[index], self.threads[index] = box, thread

    def result(self, index: int) -> bytes:
        self.threads[index].join(max(0.0, self.deadline - time.monotonic()))
        box = self.boxes[index]
        if self.threads[index].is_alive():
            raise _Refused(f"cannot be fetched: no complete answer within {self.timeout:g} seconds")
        if "error" in box:
            raise _Refused(box["error"])
        data: bytes = box["data"]
        if len(data) > MAX_EXPORT_BYTES:
            raise _Refused(f"is larger than {MAX_EXPORT_BYTES:,} bytes")
        return data


def _download(url: str, timeout: float, box: dict[str, Any]) -> None:
    """Put the body at `url` in `box["data"]`, or why not in `box["error"]`. Only http(s)
    is spoken, at every hop: a redirect to another scheme (ftp:, file:) is refused."""
    import urllib.error  # here, not at the top: most sites list no source, and it is a large import
    import urllib.request

    class WebOnly(urllib.request.HTTPRedirectHandler):
        def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
            target = headers.get("location") or headers.get("uri") or ""
            with contextlib.suppress(ValueError):
                target = urljoin(req.full_url, target)
            if not _is_web(target):
                raise urllib.error.URLError(f"it redirects to {_short(target, 80)}, which is not an http(s) URL")
            return super().http_error_302(req, fp, code, msg, headers)

        http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),  # the proxies the environment names, as every http client here
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        WebOnly(),
    ):
        opener.add_handler(handler)
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with opener.open(request, timeout=timeout) as response:
            box["data"] = response.read(MAX_EXPORT_BYTES + 1)
    except urllib.error.HTTPError as exc:
        box["error"] = f"cannot be fetched: the server answered {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        box["error"] = f"cannot be fetched: {getattr(exc, 'reason', exc)}"


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Refused("is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("designs"), list):
        raise _Refused("is not a designs.json export: it has no `designs` list")
    version = data.get("format")
    if type(version) is not int or version not in READABLE_FORMATS:
        newer = isinstance(version, int) and not isinstance(version, bool) and version > max(READABLE_FORMATS)
        why = "; a newer mkdocs-mldesign wrote it: upgrade this one" if newer else ""
        raise _Refused(
            f"is export format {_short(repr(version))}, and this mkdocs-mldesign reads formats "
            f"{', '.join(map(str, READABLE_FORMATS))}{why}"
        )
    return data


def _source(location: str, data: dict[str, Any]) -> Source:
    given = data.get("site")
    site: dict[str, Any] = given if isinstance(given, dict) else {}
    raw_name, raw_url = site.get("name"), site.get("url")
    name: str = raw_name if isinstance(raw_name, str) and raw_name.strip() else _name_of(location)
    site_url: str = raw_url if isinstance(raw_url, str) and _is_web(raw_url) else ""
    designs = []
    for index, entry in enumerate(data["designs"]):
        checked = _entry(entry, index)
        designs.append(RemoteDesign(name, site_url, checked, _page_url(checked.get("url"), site_url, location)))
    return Source(location, name, site_url, tuple(designs))


_TEXT_KEYS = ("id", "title", "file", "status")


def _entry(entry: Any, index: int) -> dict[str, Any]:
    where = f"designs[{index}]"
    if not isinstance(entry, dict):
        raise _Refused(f"has a {where} that is not a design")
    for key in _TEXT_KEYS:
        if not isinstance(entry.get(key, ""), str):
            raise _Refused(f"has a {where}.{key} that is not text")
    if not entry.get("id"):
        raise _Refused(f"has a {where} without an id")
    owners = entry.get("owners", [])
    completeness = entry.get("completeness")
    if not isinstance(owners, list) or not all(isinstance(o, str) for o in owners):
        raise _Refused(f"has a {where}.owners that is not a list of names")
    if completeness is not None and (
        not isinstance(completeness, int) or isinstance(completeness, bool) or not 0 <= completeness <= 100
    ):
        raise _Refused(f"has a {where}.completeness that is not a percentage")
    sections = entry.get("sections", {})
    states = entry.get("states", {})
    if not isinstance(sections, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1 for v in sections.values()
    ):
        raise _Refused(f"has a {where}.sections that is not a mapping of scores from 0 to 1")
    if not isinstance(states, dict) or not all(v in ("complete", "partial", "missing", "na") for v in states.values()):
        raise _Refused(f"has a {where}.states that is not a mapping of section states")
    given = entry.get("problems", [])
    problems = [_problem(p) for p in (given if isinstance(given, list) else []) if isinstance(p, dict)]
    problems = problems[:MAX_PROBLEMS]
    readable = entry.get("readable", True) is not False and completeness is not None
    return {
        "file": entry.get("file", ""),
        "id": entry["id"],
        "title": entry.get("title") or entry["id"],
        "readable": readable,
        "status": entry.get("status", ""),
        "owners": owners,
        "completeness": completeness,
        "updated": entry.get("updated") if isinstance(entry.get("updated"), str) else "",
        "sections": sections,
        "states": states,
        "problems": problems,
        "url": entry.get("url") if isinstance(entry.get("url"), str) else "",
        "evidence": entry.get("evidence") is True,
        "metrics": _metrics(entry.get("metrics")),
    }


def _metrics(raw: Any) -> list[dict[str, Any]]:
    """Another site's metrics and their verdicts, reduced to the documented fields and
    types; a metric of another shape is left out."""
    out = []
    for item in raw[:MAX_PROBLEMS] if isinstance(raw, list) else []:
        measured = item.get("measured") if isinstance(item, dict) else None
        if not isinstance(measured, dict) or measured.get("verdict") not in VERDICTS:
            continue
        value = measured.get("value")

        def text(mapping: dict[str, Any], key: str) -> str | None:
            found = mapping.get(key)
            return _short(found, 200) if isinstance(found, str) else None

        url = text(measured, "url")
        out.append(
            {
                "name": text(item, "name") or "",
                "target": text(item, "target") or "",
                "priority": text(item, "priority") or "",
                "measured": {
                    "value": value if isinstance(value, int | float) and not isinstance(value, bool) else None,
                    "verdict": measured["verdict"],
                    "source": text(measured, "source"),
                    "date": text(measured, "date"),
                    "url": url if url and _is_web(url) else None,
                    "reason": text(measured, "reason"),
                },
            }
        )
    return out


def _problem(raw: dict[str, Any]) -> dict[str, Any]:
    """A problem of another site's design, reduced to the documented fields and types:
    nothing else of it is passed on, however it is shaped."""

    def text(key: str) -> str:
        value = raw.get(key)
        return _short(value, 500) if isinstance(value, str) else ""

    def number(key: str) -> int:
        value = raw.get(key)
        return value if type(value) is int and 0 <= value < 10**9 else 0

    return {
        "file": text("file"),
        "line": number("line"),
        "column": number("column"),
        "field": text("field"),
        "severity": "error" if raw.get("severity") == "error" else "warning",
        "rule": text("rule"),
        "message": text("message"),
        "hint": text("hint"),
    }


def _page_url(url: Any, site_url: str, location: str) -> str:
    """An absolute http(s) URL for a design's page, or "" when none can be made safely."""
    if not isinstance(url, str) or not url:
        return ""
    if _is_web(url):
        return url
    if _scheme(url) or url.startswith(("//", "\\")):
        return ""  # javascript:, data:, a protocol-relative host, not a URL: never a link
    base = site_url or (location if _is_web(location) else "")
    if not base:
        return ""
    try:
        joined = urljoin(base if base.endswith("/") or base == location else base + "/", url)
    except ValueError:
        return ""
    return joined if _is_web(joined) else ""


def _is_web(url: Any) -> bool:
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _name_of(location: str) -> str:
    if _is_web(location):
        return urlsplit(location).netloc
    folder = os.path.basename(os.path.dirname(os.path.abspath(location)))
    return folder or location


def _config_text(config_file: str) -> str:
    try:
        return read_regular(config_file, 1024 * 1024).decode("utf-8", "replace")
    except (OSError, ValueError):
        return ""


def _locate(text: str, location: str) -> tuple[int, int]:
    """Where `mkdocs.yml` names the source (its first mention), else its whole file."""
    for number, line in enumerate(text.splitlines(), 1):
        column = line.find(location)
        if column != -1 and not line.lstrip().startswith("#"):
            return number, column + 1
    return 0, 0


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
