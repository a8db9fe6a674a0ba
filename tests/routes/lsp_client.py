"""Driving `mldesign lsp` as an editor does: a real client (pytest-lsp's) over stdio, the
installed command as the server, a site written to disk."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import make_test_lsp_client

PUBLISH = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS


def mldesign() -> str:
    path = Path(sys.executable).with_name("mldesign")
    assert path.is_file(), f"the mldesign entry point is not installed next to {sys.executable}"
    return str(path)


def uri(path: Path) -> str:
    found: str | None = from_fs_path(str(path))
    assert found is not None
    return found


@contextlib.asynccontextmanager
async def lsp(root: Path) -> AsyncIterator[LanguageClient]:
    """A client talking to `mldesign lsp` started in `root`, initialised with it as the workspace."""
    client = make_test_lsp_client()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    await client.start_io(mldesign(), "lsp", cwd=str(root), env=env)
    try:
        await client.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities("visual-studio-code"),
                root_uri=uri(root),
                workspace_folders=[types.WorkspaceFolder(uri=uri(root), name="site")],
            )
        )
        yield client
        await asyncio.wait_for(client.shutdown_session(), 30)
    finally:
        server = client._server
        if server is not None and server.returncode is None:  # a test failed: do not wait for a goodbye
            server.kill()
        await client.stop()


def open_page(client: LanguageClient, path: Path, text: str | None = None, language: str = "markdown") -> str:
    address = uri(path)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=address,
                language_id=language,
                version=1,
                text=path.read_text(encoding="utf-8") if text is None else text,
            )
        )
    )
    return address


_versions: dict[str, int] = {}


def replace_all(client: LanguageClient, address: str, text: str) -> None:
    """Send the whole new text, as a client without incremental sync does."""
    version = _versions[address] = _versions.get(address, 1) + 1
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=address, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def edit(client: LanguageClient, address: str, line: int, start: int, end: int, text: str, end_line: int = -1) -> None:
    """An incremental change, as editors send keystrokes."""
    version = _versions[address] = _versions.get(address, 1) + 1
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=address, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        types.Position(line, start), types.Position(line if end_line < 0 else end_line, end)
                    ),
                    text=text,
                )
            ],
        )
    )


async def diagnostics(
    client: LanguageClient,
    address: str,
    until: Callable[[Sequence[types.Diagnostic]], bool],
    timeout: float = 20.0,
) -> list[types.Diagnostic]:
    """The diagnostics of `address` once `until` holds of them; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = client.diagnostics.get(address)
        if found is not None and until(found):
            return list(found)
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"diagnostics of {address} never matched; last: {found!r}")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(client.wait_for_notification(PUBLISH), left)


def codes(found: Sequence[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in found)
