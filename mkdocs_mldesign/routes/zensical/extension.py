"""The Markdown extension of the Zensical route, and its guard.

Listed by the config `mldesign zensical` writes (with `stage:`), it puts each staged
design page's HTML where the stage left its marker, and the design's groups and
sections into the page's table of contents (`md.toc_tokens`, which Zensical reads
as MkDocs does). It refuses a stage older than the pages it was made from.

Listed in a site's own `mkdocs.yml` (without `stage:`), it is a guard: under MkDocs
with the plugin it does nothing; in a build where the plugin does not run (Zensical,
which runs no MkDocs plugin), it stops the build and says how to publish the
designs, instead of letting them vanish without a word.

Only Python-Markdown's own interfaces are used, none of Zensical's internals.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
import threading
from pathlib import Path
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from mkdocs_mldesign import routes

_MARKER = re.compile(r"^<!-- mldesign:fragment ([0-9a-f]{16}) ([0-9a-f]{32}) -->$")
_HEADING = re.compile(r"^#{2}\s")
_FENCE = re.compile(r"^\s*(```|~~~)")


DOCS = "docs/zensical.md in mkdocs-mldesign"


class RouteError(RuntimeError):
    """A build that would publish the site without its designs."""


_stopping = threading.Lock()


def _stop(message: str) -> RouteError:
    """Say why the build must stop, once. Under Zensical, which converts pages on several
    threads and turns an extension's exception into its own traceback, the process then
    ends with status 1 and nothing more; elsewhere (a Python-Markdown user), the error is
    raised as usual."""
    if "zensical" in sys.modules:
        with _stopping:  # the first thread to stop says why; the others wait for the end
            print(f"mldesign: {message}", file=sys.stderr, flush=True)
            sys.stdout.flush()
            os._exit(1)
    print(f"mldesign: {message}", file=sys.stderr, flush=True)
    return RouteError(f"mldesign: {message}")


class _Fragments(Preprocessor):
    """Replaces each marker line with the stored HTML of its fragment."""

    def __init__(self, md: Markdown, stage: Path, nonce: str) -> None:
        super().__init__(md)
        self.stage = stage
        self.nonce = nonce  # this stage's: a marker with another is a user's text, left alone
        self.pending: list[tuple[int, list[dict[str, Any]], str]] = []

    def run(self, lines: list[str]) -> list[str]:
        self.pending = []
        out = []
        fenced = False
        headings = 0
        for line in lines:
            if _FENCE.match(line):
                fenced = not fenced
            match = None if fenced else _MARKER.match(line.strip())
            if match is not None and match.group(1) != self.nonce:
                match = None
            if match is None:
                headings += 1 if not fenced and _HEADING.match(line) else 0
                out.append(line)
                continue
            path = self.stage / "fragments" / f"{match.group(2)}.json"
            try:
                fragment = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raise _stop(f"the stage has no fragment {path.name}: run `mldesign zensical` again") from None
            out.append(self.md.htmlStash.store(fragment["html"]))
            self.pending.append((headings, fragment.get("toc", []), fragment.get("placement", "top")))
        return out


class _Toc(Treeprocessor):
    """Adds the design's headings to the table of contents the toc extension made.

    A tree processor that runs right after toc's (not a postprocessor: toc runs the
    postprocessors on every heading's text, before its tokens exist)."""

    def __init__(self, md: Markdown, fragments: _Fragments) -> None:
        super().__init__(md)
        self.fragments = fragments

    def run(self, root: Any) -> None:
        tokens = getattr(self.md, "toc_tokens", None)
        if tokens is None:
            return
        for before, toc, placement in self.fragments.pending:
            target = tokens[0]["children"] if len(tokens) == 1 and tokens[0]["level"] == 1 else tokens
            items = [_token(h) for h in toc]
            at = len(target) if placement == "bottom" else min(before, len(target))
            target[at:at] = items
        self.fragments.pending = []


def _token(heading: dict[str, Any]) -> dict[str, Any]:
    title = str(heading["title"])
    return {
        "level": heading["level"],
        "id": heading["anchor"],
        "name": title,
        "html": html.escape(title, quote=False),
        "data-toc-label": "",
        "children": [_token(c) for c in heading.get("children", [])],
    }


_checked: dict[str, tuple[int, str]] = {}


def _check_fresh(stage: Path) -> str:
    """Refuse a stage older than the pages and config it was made from; its nonce."""
    marker = stage / "stage.json"
    try:
        stamp = marker.stat().st_mtime_ns
        known = _checked.get(str(stage))
        if known is not None and known[0] == stamp:
            return known[1]
        manifest = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise _stop(f"{stage} is not a stage written by `mldesign zensical`: run it first") from None
    docs = Path(manifest["docs_dir"])
    for src, (size, mtime) in manifest["sources"].items():
        try:
            info = (docs / src).stat()
        except OSError:
            raise _stop(f"{src} was removed after the stage was written: run `mldesign zensical` again") from None
        if info.st_size != size or info.st_mtime_ns != mtime:
            raise _stop(f"{src} changed after the stage was written: run `mldesign zensical` again") from None
    nonce = str(manifest.get("nonce", ""))
    _checked[str(stage)] = (stamp, nonce)
    return nonce


class _Guard(Preprocessor):
    """Stops a build that converts a page without the plugin: checked when a page is
    converted, not when the extension loads (MkDocs loads it to check mkdocs.yml,
    before any plugin runs)."""

    def run(self, lines: list[str]) -> list[str]:
        if not routes.plugin_active:
            raise _stop(
                "this build runs without the mldesign plugin (Zensical runs no MkDocs plugins), so the "
                "site would be published without its designs. Run `mldesign zensical`, then "
                f"`zensical build -f mkdocs.mldesign.yml`; see {DOCS}"
            )
        return lines


class MLDesignExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {"stage": ["", "The stage `mldesign zensical` wrote; empty: only guard the build"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        stage = str(self.getConfig("stage") or "")
        if not stage:
            md.preprocessors.register(_Guard(md), "mldesign_guard", 25)
            return
        folder = Path(stage)
        fragments = _Fragments(md, folder, _check_fresh(folder))
        # After whitespace is normalised (30), before raw HTML is stashed (20).
        md.preprocessors.register(fragments, "mldesign_fragments", 25)
        md.treeprocessors.register(_Toc(md, fragments), "mldesign_toc", 4)  # toc's is 5


def makeExtension(**kwargs: Any) -> MLDesignExtension:
    return MLDesignExtension(**kwargs)
