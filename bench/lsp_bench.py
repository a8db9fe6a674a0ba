"""How fast `mldesign lsp` answers an editor on a large site; prints medians and spreads.

    python bench/lsp_bench.py [--designs 1000] [--starts 5] [--changes 40] [--completions 40] [--json FILE]

ready        From `initialize` sent to the first diagnostics of an opened page: the server
             starts, reads mkdocs.yml and checks the page. One fresh server per run.
complete     From `initialize` to the diagnostics of the rules across designs (the page links
             to an id no design has): every page of the site checked once.
change       From a `didChange` sent to the diagnostics it causes arriving: one page checked
             again plus the rules across every design (each change flips a status between a
             valid and a misspelt value, so every change changes the diagnostics).
completion   The round trip of a completion request, alternating the keys of a section and
             the values of a field.
memory       The server's resident memory (RSS) after the changes, and its peak.

The site is bench/generate.py's (rich designs, every text distinct), as `make bench`
measures the plugin on; the client is a real LSP client over stdio (pytest-lsp's).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import from_fs_path
from pytest_lsp import client_capabilities
from pytest_lsp.client import LanguageClient, make_test_lsp_client

sys.path.insert(0, str(Path(__file__).parent))
import generate

PUBLISH = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS


def spread(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": statistics.median(ordered),
        "low": ordered[0],
        "p90": ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))],
        "high": ordered[-1],
    }


def _ms(r: dict[str, float]) -> str:
    low, p90, high = (r[k] * 1000 for k in ("low", "p90", "high"))
    return f"{r['median'] * 1000:.1f} ms (low {low:.1f}, p90 {p90:.1f}, high {high:.1f})"


def _rss(pid: int) -> tuple[float, float]:
    """The process's resident memory now and at its peak, in MiB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024
    return found["VmRSS"], found["VmHWM"]


async def _start(site: Path) -> tuple[LanguageClient, float]:
    client = make_test_lsp_client()
    mldesign = str(Path(sys.executable).with_name("mldesign"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    await client.start_io(mldesign, "lsp", cwd=str(site), env=env)
    started = time.perf_counter()
    root = from_fs_path(str(site)) or ""
    await client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("visual-studio-code"), root_uri=root)
    )
    return client, started


async def _stop(client: LanguageClient) -> None:
    await client.shutdown_session()
    await client.stop()


async def _published(client: LanguageClient, uri: str) -> float:
    while True:
        params = await asyncio.wait_for(client.wait_for_notification(PUBLISH), 60)
        if getattr(params, "uri", uri) == uri:
            return time.perf_counter()


def _open(client: LanguageClient, uri: str, text: str) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text))
    )


async def bench(site: Path, starts: int, changes: int, completions: int) -> dict[str, Any]:
    page = sorted((site / "docs/designs").glob("*.md"))[len(list((site / "docs/designs").glob("*.md"))) // 2]
    text = page.read_text(encoding="utf-8")
    uri = from_fs_path(str(page)) or ""
    # Opened with a link to no design: the page's own problems come first, the broken link
    # once every design is checked.
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("  status:"))
    linked = "\n".join([*lines[: at + 1], "  supersedes: [no-such-design]", *lines[at + 1 :]])
    ready, complete = [], []
    for _ in range(starts):
        client, started = await _start(site)
        waiting = asyncio.ensure_future(_published(client, uri))
        _open(client, uri, linked)
        ready.append(await waiting - started)
        while not any(d.code == "link-exists" for d in client.diagnostics.get(uri, [])):
            await _published(client, uri)
        complete.append(time.perf_counter() - started)
        await _stop(client)

    client, _ = await _start(site)
    waiting = asyncio.ensure_future(_published(client, uri))
    _open(client, uri, text)
    await waiting
    lines = text.split("\n")
    status_line = next(i for i, line in enumerate(lines) if line.startswith("  status:"))
    value = lines[status_line].split(":", 1)[1].strip()
    current = lines[status_line]
    latencies = []
    for version in range(2, changes + 2):
        new = f"  status: {value}x" if current == f"  status: {value}" else f"  status: {value}"
        waiting = asyncio.ensure_future(_published(client, uri))
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(types.Position(status_line, 0), types.Position(status_line, len(current))),
                        text=new,
                    )
                ],
            )
        )
        latencies.append(await waiting - sent)
        current = new
        await asyncio.sleep(0.05)  # a person types slower than this

    key_line = next(i for i, line in enumerate(lines) if line.startswith("    users:"))
    answers = []
    for n in range(completions):
        # The keys of `background`, and the site's statuses after `status: `.
        where = types.Position(key_line, 6) if n % 2 else types.Position(status_line, len("  status: "))
        sent = time.perf_counter()
        result = await client.text_document_completion_async(
            types.CompletionParams(types.TextDocumentIdentifier(uri), where)
        )
        answers.append(time.perf_counter() - sent)
        if not isinstance(result, types.CompletionList) or not result.items:
            raise SystemExit("completion gave nothing: the bench measures no answer")
    server = client._server
    rss, peak = _rss(server.pid) if server is not None else (0.0, 0.0)
    await _stop(client)
    return {
        "designs": len(list((site / "docs/designs").glob("*.md"))),
        "ready_s": spread(ready),
        "complete_s": spread(complete),
        "change_s": spread(latencies),
        "completion_s": spread(answers),
        "rss_mib": rss,
        "peak_rss_mib": peak,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--designs", type=int, default=1000, help="designs on the site")
    parser.add_argument("--starts", type=int, default=5, help="fresh servers started to measure ready time")
    parser.add_argument("--changes", type=int, default=40, help="changes measured")
    parser.add_argument("--completions", type=int, default=40, help="completion requests measured")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = generate.write_site(Path(tmp) / "site", args.designs, "plugin")
        results = asyncio.run(bench(site, args.starts, args.changes, args.completions))
    print(f"mldesign lsp on {results['designs']} designs (median, low, p90, high):")
    print(f"  ready after initialize  {_ms(results['ready_s'])}")
    print(f"  every design checked    {_ms(results['complete_s'])}")
    print(f"  diagnostics of a change {_ms(results['change_s'])}")
    print(f"  completion              {_ms(results['completion_s'])}")
    print(f"  memory                  {results['rss_mib']:.0f} MiB resident, {results['peak_rss_mib']:.0f} MiB peak")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
