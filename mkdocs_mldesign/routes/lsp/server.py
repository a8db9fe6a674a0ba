"""`mldesign lsp`: a Language Server Protocol server for design pages and design files.

A thin route, as `ruff server` is over ruff's linter: the diagnostics are the problems
of `mldesign check` (through `project.live.LiveSite`, the same checks of the same site),
completion and hover read the template (`core.fields`), the quick fixes are the hints'
did-you-mean and the scaffold's text (`core.scaffold`). Nothing here decides what is
right or wrong in a design.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument

from mkdocs_mldesign import __version__
from mkdocs_mldesign.core import fields
from mkdocs_mldesign.core.design import Design
from mkdocs_mldesign.core.lint import LINK_FIELDS
from mkdocs_mldesign.core.problems import Problem, shown_path
from mkdocs_mldesign.core.scaffold import PLACEHOLDER, section_lines
from mkdocs_mldesign.project.live import RESCAN_SECONDS, LiveError, LiveSite, find_config
from mkdocs_mldesign.routes.lsp.text import (
    Block,
    Place,
    block_end,
    metric_names_in,
    place_at,
    token_end,
    word_at,
    yaml_block,
)

log = logging.getLogger("mldesign.lsp")

SOURCE = "mldesign"
#: The files the server reads: design pages and design files.
DESIGN_FILE = ".design.yaml"
_DID_YOU_MEAN = re.compile(r"did you mean `([^`]+)`\?")
_FIXABLE = ("schema-unknown-key", "schema-enum", "link-exists", "design-key")
#: How long a change waits for the next keystroke before it is checked.
SETTLE_SECONDS = 0.01
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(slots=True)
class _Loaded:
    """A site as loaded for the files under it, or why it could not be."""

    stamp: tuple[int, int] | None  # its mkdocs.yml's (mtime, size) when it was read
    site: LiveSite | None
    error: str = ""
    told: bool = False  # the error was shown once as a message


@dataclass(slots=True)
class _State:
    sites: dict[str, _Loaded] = field(default_factory=dict)
    loading: dict[str, asyncio.Task[_Loaded]] = field(default_factory=dict)
    published: dict[str, list[types.Diagnostic]] = field(default_factory=dict)
    last_design: dict[str, Design] = field(default_factory=dict)  # by shown file: the last readable one
    dirty: set[str] = field(default_factory=set)  # documents changed since their last check
    checking: set[str] = field(default_factory=set)  # documents whose checks are under way


class DesignServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("mldesign", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.state = _State()

    def report_server_error(self, error: Exception, source: Any) -> None:
        # An error of the server itself: said once as a message, never as a traceback.
        log.error("mldesign lsp: %s: %s", type(error).__name__, error)
        try:
            message = f"mldesign: an internal error ({type(error).__name__}); the server goes on"
            self.say(message, types.MessageType.Error)
        except Exception:  # the client is gone, or the error was in writing to it
            log.error("mldesign lsp: the client could not be told")

    def say(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))


server = DesignServer()


def guarded(fn: F) -> F:
    """A handler that answers nothing, and says why once, rather than fail the request."""

    @functools.wraps(fn)
    async def wrapper(ls: DesignServer, params: Any) -> Any:
        try:
            result = fn(ls, params)
            if asyncio.iscoroutine(result):
                result = await result
            return result
        except Exception as exc:
            log.exception("mldesign lsp: %s failed", fn.__name__)
            ls.say(f"mldesign: {fn.__name__} failed ({type(exc).__name__}: {exc})", types.MessageType.Error)
            return None

    return wrapper  # type: ignore[return-value]


# --- sites -------------------------------------------------------------------------------


def _path(uri: str) -> Path | None:
    found = to_fs_path(uri)
    return Path(os.path.abspath(found)) if found else None


def _is_design_document(path: Path) -> bool:
    return path.suffix in (".md", ".markdown") or path.name.endswith(DESIGN_FILE)


def _site_key(path: Path) -> tuple[str, Path | None]:
    config = find_config(path.parent)
    return (str(config) if config is not None else str(path.parent)), config


def _stamp(config: Path | None) -> tuple[int, int] | None:
    if config is None:
        return None
    try:
        st = os.stat(config)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


async def site_for(ls: DesignServer, path: Path) -> _Loaded:
    """The site the file at `path` belongs to: loaded once (every page checked, in a
    thread), again when its mkdocs.yml changes."""
    key, config = _site_key(path)
    state = ls.state
    loaded = state.sites.get(key)
    if loaded is not None and loaded.stamp == _stamp(config):
        return loaded
    task = state.loading.get(key)
    if task is None:

        def load() -> _Loaded:
            stamp = _stamp(config)
            try:
                site = LiveSite.open(config, path.parent)
            except LiveError as exc:
                return _Loaded(stamp, None, str(exc))
            return _Loaded(stamp, site)

        task = asyncio.ensure_future(asyncio.to_thread(load))
        state.loading[key] = task
    try:
        loaded = await task
    finally:
        state.loading.pop(key, None)
    if state.sites.get(key) is not loaded:
        state.sites[key] = loaded
        if loaded.site is not None:
            _scan(ls, loaded.site, path)
    if loaded.error and not loaded.told:
        loaded.told = True
        ls.say(f"mldesign: the site's settings cannot be used: {loaded.error}", types.MessageType.Error)
    return loaded


def _scan(ls: DesignServer, site: LiveSite, path: Path) -> None:
    """Check every page of a site just loaded, in a thread; the open pages get their own
    problems meanwhile, and those across designs once it is done."""
    loop = asyncio.get_running_loop()

    def scan() -> None:
        try:
            site.start()
        except Exception as exc:  # a page the core cannot check: said, and the server goes on
            log.exception("mldesign lsp: checking the site failed")
            message = f"mldesign: checking the site failed ({type(exc).__name__}: {exc})"
            loop.call_soon_threadsafe(ls.say, message, types.MessageType.Error)
            site.ready.set()
        loop.call_soon_threadsafe(lambda: asyncio.ensure_future(guarded(_recheck)(ls, path)))
        loop.call_soon_threadsafe(lambda: asyncio.ensure_future(_watch(ls, site, path)))

    threading.Thread(target=scan, name="mldesign-scan", daemon=True).start()


async def _recheck(ls: DesignServer, path: Path) -> None:
    await check(ls, path, changed=False)


async def _watch(ls: DesignServer, site: LiveSite, path: Path) -> None:
    """Every `RESCAN_SECONDS`, in a thread, list the docs folder for pages changed outside
    the editor (by git, another tool): off the path of a keystroke, which checks one page."""
    key = _site_key(path)[0]
    while ls.state.sites.get(key) is not None and ls.state.sites[key].site is site:
        await asyncio.sleep(RESCAN_SECONDS)
        try:
            changed = await asyncio.to_thread(site.rescan)
        except Exception:  # a listing that failed this time; the next one may not
            log.exception("mldesign lsp: listing the docs folder failed")
            continue
        if changed or site.gone:
            await guarded(_recheck)(ls, path)


def _sites_of_open_documents(ls: DesignServer) -> dict[str, list[tuple[str, Path]]]:
    found: dict[str, list[tuple[str, Path]]] = {}
    for uri in list(ls.workspace.text_documents):
        path = _path(uri)
        if path is not None and _is_design_document(path):
            found.setdefault(_site_key(path)[0], []).append((uri, path))
    return found


# --- diagnostics -------------------------------------------------------------------------


def _diagnostic(doc: TextDocument, lines: list[str], problem: Problem) -> types.Diagnostic:
    line = max(problem.line - 1, 0)
    text = lines[line] if line < len(lines) else ""
    if problem.line == 0:
        start, end = 0, len(text)
    else:
        start = min(max(problem.column - 1, 0), len(text))
        end = max(token_end(text, start), start + (1 if start < len(text) else 0))
    server_range = types.Range(types.Position(line, start), types.Position(line, end))
    where = f"{problem.field}: " if problem.field else ""
    hint = f" ({problem.hint})" if problem.hint else ""
    return types.Diagnostic(
        range=doc.range_to_client_units(server_range),  # type: ignore[arg-type]
        message=f"{where}{problem.message}{hint}",
        severity=_SEVERITY.get(problem.severity, types.DiagnosticSeverity.Error),
        code=problem.rule,
        source=SOURCE,
        data={"hint": problem.hint, "field": problem.field, "rule": problem.rule},
    )


def _config_diagnostic(message: str) -> types.Diagnostic:
    return types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        message=f"the site's settings cannot be used, so this page is not checked: {message}",
        severity=types.DiagnosticSeverity.Error,
        code="site-config",
        source=SOURCE,
    )


def _publish(ls: DesignServer, uri: str, diagnostics: list[types.Diagnostic]) -> None:
    if ls.state.published.get(uri) == diagnostics:
        return
    ls.state.published[uri] = diagnostics
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))


async def check(ls: DesignServer, path: Path, *, changed: bool = True) -> None:
    """Check `path` (its buffer or its file) and publish the diagnostics of every open
    document of its site whose problems changed: a fix in one design can clear another's."""
    loaded = await site_for(ls, path)
    site = loaded.site
    if site is None:
        for uri, _ in _sites_of_open_documents(ls).get(_site_key(path)[0], []):
            _publish(ls, uri, [_config_diagnostic(loaded.error)])
        return
    for uri in list(ls.workspace.text_documents):
        held = _path(uri)
        if held is not None and site.owns(held) and _is_design_document(held):
            site.set_buffer(held, ls.workspace.get_text_document(uri).source)
    if changed:
        site.update(path)
    for gone in site.take_gone():
        ls.say(
            f"mldesign: {shown_path(gone)} no longer exists on disk; it is checked as the editor holds it "
            "until it is saved or closed",
            types.MessageType.Warning,
        )
    by_file = site.problems_by_file()
    for uri, held in _sites_of_open_documents(ls).get(_site_key(path)[0], []):
        if not site.owns(held):
            _publish(ls, uri, [])
            continue
        doc = ls.workspace.get_text_document(uri)
        lines = doc.source.split("\n")
        problems = by_file.get(site.shown(held), [])
        _publish(ls, uri, [_diagnostic(doc, lines, p) for p in problems])
        design = _design_in(site, held)
        if design is not None:
            ls.state.last_design[site.shown(held)] = design


def _design_in(site: LiveSite, path: Path) -> Design | None:
    """The readable design whose YAML is the file at `path` (a page's front matter or a
    design file)."""
    shown = site.shown(path)
    result = site.result(path)
    if result is not None and result.design is not None and result.design.source.file == shown:
        return result.design
    return next((d for d in site.designs() if d.source.file == shown), None)


@server.feature(types.INITIALIZED)
@guarded
async def initialized(ls: DesignServer, params: types.InitializedParams) -> None:
    """Start reading the workspace's site now, not when the first page opens: by the time
    an author opens one, its rules across designs are ready."""
    folders = ls.workspace.folders
    roots = [_path(f.uri) for f in folders.values()] if folders else [_path(ls.workspace.root_uri or "")]
    for root in roots:
        if root is not None and find_config(root) is not None:
            await site_for(ls, root / "mkdocs.yml")


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
@guarded
async def did_open(ls: DesignServer, params: types.DidOpenTextDocumentParams) -> None:
    path = _path(params.text_document.uri)
    if path is not None and _is_design_document(path):
        await check(ls, path)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
@guarded
async def did_change(ls: DesignServer, params: types.DidChangeTextDocumentParams) -> None:
    path = _path(params.text_document.uri)
    if path is None or not _is_design_document(path):
        return
    uri = params.text_document.uri
    state = ls.state
    state.dirty.add(uri)
    if uri in state.checking:
        return  # the loop below checks the newest text once it is done with the last
    state.checking.add(uri)
    try:
        while uri in state.dirty:
            # Keystrokes arrive one by one, each read in a thread; a short pause lets those
            # already sent arrive, so a burst of typing (or a paste) is checked once.
            await asyncio.sleep(SETTLE_SECONDS)
            state.dirty.discard(uri)
            if uri in ls.workspace.text_documents:
                await check(ls, path)
    finally:
        state.checking.discard(uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
@guarded
async def did_save(ls: DesignServer, params: types.DidSaveTextDocumentParams) -> None:
    path = _path(params.text_document.uri)
    if path is not None and _is_design_document(path):
        loaded = await site_for(ls, path)
        if loaded.site is not None:
            loaded.site.rescan(force=True)
        await check(ls, path)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
@guarded
async def did_close(ls: DesignServer, params: types.DidCloseTextDocumentParams) -> None:
    path = _path(params.text_document.uri)
    ls.state.published.pop(params.text_document.uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))
    if path is None or not _is_design_document(path):
        return
    loaded = ls.state.sites.get(_site_key(path)[0])
    if loaded is not None and loaded.site is not None:
        loaded.site.set_buffer(path, None)
        loaded.site.update(path)  # back to the file on disk, or gone with it
        loaded.site.rescan(force=True)


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
@guarded
async def watched_files(ls: DesignServer, params: types.DidChangeWatchedFilesParams) -> None:
    for change in params.changes:
        path = _path(change.uri)
        if path is None:
            continue
        if path.name in ("mkdocs.yml", "mkdocs.yaml"):
            ls.state.sites.pop(str(path), None)
        loaded = ls.state.sites.get(_site_key(path)[0])
        if loaded is not None and loaded.site is not None:
            loaded.site.rescan(force=True)
    for docs in _sites_of_open_documents(ls).values():
        await check(ls, docs[0][1], changed=False)


# --- where the cursor is -----------------------------------------------------------------


@dataclass(slots=True)
class _At:
    doc: TextDocument
    path: Path
    site: LiveSite
    lines: list[str]
    block: Block
    line: int
    column: int  # in characters


async def _at(ls: DesignServer, uri: str, position: types.Position) -> _At | None:
    path = _path(uri)
    if path is None or not _is_design_document(path):
        return None
    loaded = await site_for(ls, path)
    if loaded.site is None or not loaded.site.owns(path):
        return None
    doc = ls.workspace.get_text_document(uri)
    lines = doc.source.split("\n")
    if position.line >= len(lines):
        return None
    here = doc.position_from_client_units(position)
    block = yaml_block(lines, page=path.suffix != ".yaml", key=loaded.site.site.settings.key)
    if block is None:
        return None
    return _At(doc, path, loaded.site, lines, block, here.line, min(here.character, len(lines[here.line])))


def _key_place(at: _At) -> tuple[str | int, ...] | None:
    """The path of the key under the cursor, if it stands on one."""
    text = at.lines[at.line]
    m = re.match(r"^( *(?:- +)*)([^\s:#]+)\s*:", text)
    if m is None or not (m.start(2) <= at.column <= m.end(2)):
        return None
    place = place_at(at.lines, at.block, at.line, m.end(2))
    if place is None or place.kind != "key":
        return None
    return (*place.path, m.group(2))


def _id_place(at: _At) -> tuple[str, int, int] | None:
    """The design id under the cursor, in `depends_on` or `supersedes`."""
    found = word_at(at.lines[at.line], at.column)
    if found is None:
        return None
    place = place_at(at.lines, at.block, at.line, found[2])
    if place is None or len(place.path) < 2 or place.path[0] not in LINK_FIELDS or not isinstance(place.path[1], int):
        return None
    return found


def _text_edit(at: _At, line: int, start: int, end: int, new: str) -> types.TextEdit:
    server_range = types.Range(types.Position(line, start), types.Position(line, end))
    return types.TextEdit(range=at.doc.range_to_client_units(server_range), new_text=new)  # type: ignore[arg-type]


# --- completion --------------------------------------------------------------------------


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=[":", " ", "[", ","], resolve_provider=False),
)
@guarded
async def completion(ls: DesignServer, params: types.CompletionParams) -> types.CompletionList | None:
    at = await _at(ls, params.text_document.uri, params.position)
    if at is None:
        return None
    place = place_at(at.lines, at.block, at.line, at.column)
    if place is None:
        return None
    template, labels = at.site.site.template, at.site.labels
    items: list[types.CompletionItem] = []
    edit_range = (place.start, at.column)
    if place.kind == "key" and fields.takes_mapping(template, place.path):
        for key in fields.keys_at(template, labels, place.path):
            if key.name in place.siblings or (key.name == "na" and len(place.path) != 1):
                continue
            items.append(
                types.CompletionItem(
                    label=key.name,
                    kind=types.CompletionItemKind.Property,
                    detail=key.title + (" (required)" if key.required else ""),
                    documentation=types.MarkupContent(types.MarkupKind.Markdown, key.description)
                    if key.description
                    else None,
                    text_edit=_text_edit(at, at.line, *edit_range, f"{key.name}: "),
                    sort_text=f"{len(items):03d}",
                )
            )
    else:
        items.extend(_value_items(at, place, edit_range))
    return types.CompletionList(is_incomplete=False, items=items)


def _value_items(at: _At, place: Place, edit_range: tuple[int, int]) -> list[types.CompletionItem]:
    template = at.site.site.template
    path = place.path
    out: list[types.CompletionItem] = []

    def item(label: str, detail: str, kind: types.CompletionItemKind, doc: str = "") -> None:
        out.append(
            types.CompletionItem(
                label=label,
                kind=kind,
                detail=detail,
                documentation=types.MarkupContent(types.MarkupKind.Markdown, doc) if doc else None,
                text_edit=_text_edit(at, at.line, *edit_range, label),
                sort_text=f"{len(out):04d}",
            )
        )

    title, question = fields.describe(template, at.site.labels, path)
    for value in fields.values_at(template, path):
        item(value, title, types.CompletionItemKind.EnumMember, question)
    if len(path) == 2 and path[0] in LINK_FIELDS and isinstance(path[1], int):
        own = _design_in(at.site, at.path)
        for design in at.site.designs():
            if own is None or design.src_uri != own.src_uri:
                item(
                    design.id,
                    f"{design.title} · {design.status} · {design.score.percent}%",
                    types.CompletionItemKind.Reference,
                )
    if len(path) == 3 and path[0] == "objectives" and path[2] == "metric":
        mine = _design_in(at.site, at.path)
        names = _metric_names(mine.data) if mine is not None else metric_names_in(at.lines, at.block)
        for name in names:
            item(name, "a metric of this design", types.CompletionItemKind.Value)
    return out


def _metric_names(data: dict[str, Any]) -> list[str]:
    metrics = data.get("metrics")
    names = []
    for metric in metrics if isinstance(metrics, list) else []:
        if isinstance(metric, dict) and isinstance(metric.get("name"), str) and metric["name"].strip():
            names.append(metric["name"].strip())
    return names


# --- hover and definition ----------------------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_HOVER)
@guarded
async def hover(ls: DesignServer, params: types.HoverParams) -> types.Hover | None:
    at = await _at(ls, params.text_document.uri, params.position)
    if at is None:
        return None
    key_path = _key_place(at)
    if key_path is not None:
        title, question = fields.describe(at.site.site.template, at.site.labels, key_path)
        if not fields.nodes_at(at.site.site.template, key_path):
            return None
        text = f"**{title}**" + (f"\n\n{question}" if question else "")
        return types.Hover(contents=types.MarkupContent(types.MarkupKind.Markdown, text))
    found = _id_place(at)
    if found is None:
        return None
    design = at.site.design(found[0])
    if design is None:
        return None
    labels = at.site.labels
    text = (
        f"**{design.title}**\n\n"
        f"{labels.status(design.status) if design.status else ''} · {design.score.percent}% · "
        f"`{shown_path(at.site.page_of(design))}`"
    )
    return types.Hover(contents=types.MarkupContent(types.MarkupKind.Markdown, text))


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
@guarded
async def definition(ls: DesignServer, params: types.DefinitionParams) -> types.Location | None:
    at = await _at(ls, params.text_document.uri, params.position)
    if at is None:
        return None
    found = _id_place(at)
    design = at.site.design(found[0]) if found is not None else None
    if design is None:
        return None
    page = at.site.page_of(design)
    line = 0
    if "id" in design.data and design.source.file == at.site.shown(page):
        line = design.source.locate(("id",), at_key=True)[0] - 1
    uri = from_fs_path(str(page)) or ""
    return types.Location(uri=uri, range=types.Range(types.Position(line, 0), types.Position(line, 0)))


# --- code actions ------------------------------------------------------------------------


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite]),
)
@guarded
async def code_action(ls: DesignServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    at = await _at(ls, uri, params.range.start)
    if at is None:
        return None
    actions: list[types.CodeAction] = []
    for diagnostic in params.context.diagnostics:
        if diagnostic.source != SOURCE or diagnostic.code not in _FIXABLE:
            continue
        data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
        m = _DID_YOU_MEAN.search(str(data.get("hint") or diagnostic.message))
        if m is None or ("." in m.group(1) and diagnostic.code == "schema-unknown-key"):
            continue  # a field that belongs elsewhere: moving it is the author's call
        actions.append(
            types.CodeAction(
                title=f"Change to `{m.group(1)}`",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=True,
                edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(range=diagnostic.range, new_text=m.group(1))]}),
            )
        )
    key_path = _key_place(at)
    template = at.site.site.template
    if key_path is not None and len(key_path) == 1 and template.section(str(key_path[0])) is not None:
        key = str(key_path[0])
        pad = at.lines[at.line][: len(at.lines[at.line]) - len(at.lines[at.line].lstrip())]
        end = block_end(at.lines, at.block, at.line)
        last = at.lines[end - 1]
        new = f"{pad}{key}:\n{pad}  na: {PLACEHOLDER}"
        server_range = types.Range(types.Position(at.line, 0), types.Position(end - 1, len(last)))
        actions.append(
            types.CodeAction(
                title=f"Mark `{key}` not applicable",
                kind=types.CodeActionKind.RefactorRewrite,
                edit=types.WorkspaceEdit(
                    changes={uri: [types.TextEdit(range=at.doc.range_to_client_units(server_range), new_text=new)]}  # type: ignore[arg-type]
                ),
            )
        )
    added = _missing_sections(at)
    if added is not None:
        actions.append(added)
    return actions


def _missing_sections(at: _At) -> types.CodeAction | None:
    """ "Add the missing sections", from the scaffold, at the end of the design."""
    design = _design_in(at.site, at.path) or _last(at.site, at.path)
    if design is None:
        return None
    template = at.site.site.template
    missing = [s.key for s in template.sections if s.key not in design.data]
    if not missing:
        return None
    lines, block = at.lines, at.block
    if block.root:
        opens = re.compile(rf"^{re.escape(block.root[0])}\s*:\s*(#.*)?$")
        start = next((i for i in range(block.start, block.end) if opens.match(lines[i])), None)
        if start is None:
            return None
        end = block_end(lines, block, start)
        child = next((lines[i] for i in range(start + 1, end) if lines[i].strip()), "  x")
        indent = len(child) - len(child.lstrip(" ")) or 2
    else:
        end = block.end
        while end > block.start and not lines[end - 1].strip():
            end -= 1
        indent = 0
    text = "\n".join(section_lines(template, missing, indent)) + "\n"
    at_end = end >= len(lines)
    position = types.Position(end, 0) if not at_end else types.Position(len(lines) - 1, len(lines[-1]))
    new = ("\n" + text.rstrip("\n")) if at_end else text
    client = at.doc.position_to_client_units(position)  # type: ignore[arg-type]
    return types.CodeAction(
        title=f"Add the missing sections ({', '.join(missing)})",
        kind=types.CodeActionKind.RefactorRewrite,
        edit=types.WorkspaceEdit(
            changes={
                at.doc.uri: [types.TextEdit(range=types.Range(client, client), new_text=new)],
            }
        ),
    )


def _last(site: LiveSite, path: Path) -> Design | None:
    """The last readable design of the document at `path`, while it cannot be read now."""
    return server.state.last_design.get(site.shown(path))


# --- outline -----------------------------------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
@guarded
async def document_symbols(ls: DesignServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol] | None:
    path = _path(params.text_document.uri)
    if path is None or not _is_design_document(path):
        return None
    loaded = await site_for(ls, path)
    site = loaded.site
    if site is None or not site.owns(path):
        return None
    design = _design_in(site, path) or _last(site, path)
    if design is None:
        return None
    node = design.source.node(())
    if not isinstance(node, yaml.MappingNode):
        return None
    doc = ls.workspace.get_text_document(params.text_document.uri)
    first = design.source.first_line - 1
    template = site.site.template

    def span(start: yaml.Mark, end: yaml.Mark) -> types.Range:
        server_range = types.Range(
            types.Position(start.line + first, start.column), types.Position(end.line + first, end.column)
        )
        return doc.range_to_client_units(server_range)  # type: ignore[arg-type]

    def symbols(mapping: yaml.MappingNode, path: tuple[str, ...]) -> list[types.DocumentSymbol]:
        out = []
        for key_node, value_node in mapping.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            here = (*path, str(key_node.value))
            title, _ = fields.describe(template, site.labels, here)
            section = len(here) == 1 and template.section(here[0]) is not None
            children = symbols(value_node, here) if isinstance(value_node, yaml.MappingNode) else None
            out.append(
                types.DocumentSymbol(
                    name=str(key_node.value),
                    detail=title,
                    kind=types.SymbolKind.Module if section else types.SymbolKind.Field,
                    range=span(key_node.start_mark, value_node.end_mark),
                    selection_range=span(key_node.start_mark, key_node.end_mark),
                    children=children or None,
                )
            )
        return out

    return symbols(node, ())


def main() -> int:
    """Serve over standard input and output until the editor says goodbye."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(message)s")
    server.start_io()
    return 0
