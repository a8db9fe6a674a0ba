"""`mldesign lsp` driven by a real LSP client (pytest-lsp) over stdio, on sites on disk:
the diagnostics of `mldesign check` while typing, completion, hover, quick fixes, the
outline, go to definition, and a server that survives whatever it is given."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import mldesign_command, write_site
from tests.designs import GOOD, MINIMAL, page
from tests.routes.lsp_client import codes, diagnostics, edit, lsp, open_page, replace_all, uri

pytestmark = pytest.mark.asyncio

EXAMPLE = Path(__file__).parents[2] / "example_site"


def design(ident: str, **fields: Any) -> str:
    return page({"id": ident, **MINIMAL, **fields}, title=f"Design {ident}")


def position(text: str, needle: str, offset: int = 0) -> types.Position:
    """Where `needle` starts (plus `offset` characters) in `text`."""
    index = text.index(needle) + offset
    line = text.count("\n", 0, index)
    return types.Position(line, index - (text.rfind("\n", 0, index) + 1))


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """`text` with the edits of a workspace edit made, as an editor makes them."""
    lines = text.split("\n")

    def offset(p: types.Position) -> int:
        return sum(len(line) + 1 for line in lines[: p.line]) + p.character

    for change in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(change.range.start)] + change.new_text + text[offset(change.range.end) :]
        lines = text.split("\n")
    return text


def cli_problems(root: Path, *paths: str) -> set[tuple[int, int, str, str, str]]:
    """`mldesign check`'s problems of `paths`: (line, column, severity, rule, the rest)."""
    done = subprocess.run(
        [mldesign_command(), "check", "--no-cache", *paths], cwd=root, capture_output=True, text=True, check=False
    )
    found = set()
    for line in done.stdout.splitlines():
        m = re.match(r"^(\S+):(\d+):(\d+): (error|warning) (\S+) (.*)$", line)
        if m:
            found.add((int(m[2]), int(m[3]), m[4], m[5], m[6]))
    return found


def lsp_problems(found: Any) -> set[tuple[int, int, str, str, str]]:
    severity = {types.DiagnosticSeverity.Error: "error", types.DiagnosticSeverity.Warning: "warning"}
    return {
        (d.range.start.line + 1, d.range.start.character + 1, severity[d.severity], d.code, d.message) for d in found
    }


def no_traceback(client: LanguageClient, *found: Any) -> None:
    for message in [m.message for m in client.messages] + [d.message for group in found for d in group]:
        assert "Traceback" not in message, message
        assert 'File "' not in message, message


# --- diagnostics -------------------------------------------------------------------------


async def test_diagnostics_are_those_of_mldesign_check_and_clear_when_fixed(tmp_path: Path) -> None:
    text = design("churn", statuz="draft", inference={"mode": "realtime"}).replace("status: draft", "status: drafty")
    write_site(tmp_path, {"designs/churn.md": text})
    async with lsp(tmp_path) as client:
        address = open_page(client, tmp_path / "docs/designs/churn.md")
        found = await diagnostics(client, address, lambda d: len(d) >= 3)
        assert lsp_problems(found) == cli_problems(tmp_path, "docs/designs/churn.md")
        assert {"schema-unknown-key", "schema-enum"} <= set(codes(found))
        # The range covers the misspelt key, and only it.
        typo = next(d for d in found if d.code == "schema-unknown-key")
        line = text.split("\n")[typo.range.start.line]
        assert line[typo.range.start.character : typo.range.end.character] == "statuz"
        assert "did you mean `status`?" in typo.message
        replace_all(client, address, design("churn", inference={"mode": "batch", "batch": "Nightly scores"}))
        assert await diagnostics(client, address, lambda d: not d) == []
        no_traceback(client)


async def test_a_missed_target_in_a_results_file_is_the_same_diagnostic_as_mldesign_check(tmp_path: Path) -> None:
    metrics = [
        {"name": "recall", "target": ">= 97%", "priority": "primary"},
        {"name": "fmr", "target": "<= 0.1%", "priority": "guardrail"},
    ]
    data = {**GOOD, "id": "measured", "metrics": metrics, "evidence": [{"results": "eval.json"}]}
    data["objectives"] = ["Verify returning patients"]
    write_site(
        tmp_path, {"designs/m.md": page(data, title="Measured"), "designs/eval.json": '{"recall": 0.99, "fmr": 0.01}'}
    )
    async with lsp(tmp_path) as client:
        address = open_page(client, tmp_path / "docs/designs/m.md")
        found = await diagnostics(client, address, lambda d: "target-not-met" in codes(d))
        assert lsp_problems(found) == cli_problems(tmp_path, "docs/designs/m.md")
        no_traceback(client, found)


async def test_rules_across_designs_see_the_files_on_disk_and_the_open_buffers(tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {
            "designs/a.md": design("a", depends_on=["b"]),
            "designs/dup.md": design("same"),
            "designs/dup2.md": design("same"),
        },
    )
    async with lsp(tmp_path) as client:
        a = open_page(client, tmp_path / "docs/designs/a.md")
        found = await diagnostics(client, a, lambda d: "link-exists" in codes(d))
        assert "no design on the site has the id `b`" in found[0].message
        # A page only the editor holds (never saved) gives the id: the link is no longer broken.
        b_path = tmp_path / "docs/designs/b.md"
        b = open_page(client, b_path, design("b"))
        assert await diagnostics(client, a, lambda d: not d) == []
        assert await diagnostics(client, b, lambda d: not d) == []
        # Unique ids against a file on disk: the second page (by path) is reported.
        dup2 = open_page(client, tmp_path / "docs/designs/dup2.md")
        found = await diagnostics(client, dup2, lambda d: "unique-id" in codes(d))
        assert "already used by docs/designs/dup.md" in found[0].message
        # Renaming the id in the buffer clears it, and the other page is not blamed.
        replace_all(client, dup2, design("other"))
        assert await diagnostics(client, dup2, lambda d: not d) == []
        # Closing b's buffer: b.md never existed on disk, so a's link is broken again.
        client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(b)))
        replace_all(client, a, design("a", depends_on=["b"]) + "\nMore narrative.\n")
        found = await diagnostics(client, a, lambda d: "link-exists" in codes(d))
        assert codes(found) == ["link-exists"]


async def test_a_design_file_gets_its_own_diagnostics(tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {
            "designs/big.md": page("big.design.yaml", title="Big"),
            "designs/big.design.yaml": yaml.safe_dump({**MINIMAL, "ownerz": ["x"]}),
        },
    )
    async with lsp(tmp_path) as client:
        address = open_page(client, tmp_path / "docs/designs/big.design.yaml", language="yaml")
        found = await diagnostics(client, address, lambda d: bool(d))
        assert codes(found) == ["schema-unknown-key"]
        assert found[0].range.start.line == 2  # `ownerz` after `owners` and its item, in the dumped YAML
        replace_all(client, address, yaml.safe_dump(MINIMAL))
        assert await diagnostics(client, address, lambda d: not d) == []


# --- completion, hover, definition, outline ----------------------------------------------


async def _complete(client: LanguageClient, address: str, where: types.Position) -> list[types.CompletionItem]:
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(address), where)
    )
    assert isinstance(result, types.CompletionList)
    return list(result.items)


async def test_completion_offers_keys_values_ids_and_metric_names(tmp_path: Path) -> None:
    statuses = ["idea", "draft", "approved"]
    text = (
        "---\ntitle: Churn\ndesign:\n  id: churn\n  status: dr\n  owners: [Ana]\n  depends_on: [\n"
        "  background:\n    us\n  metrics:\n    - name: recall\n      priority: gu\n    - name: latency\n"
        "  objectives:\n    - objective: Keep customers\n      metric: \n  inference:\n    mode: \n  backg\n---\n"
    )
    write_site(
        tmp_path,
        {"designs/churn.md": text, "designs/ledger.md": design("ledger", status="approved")},
        plugin={"statuses": statuses},
        extra={"theme": {"name": "mldesign", "language": "de"}},
    )
    async with lsp(tmp_path) as client:
        address = open_page(client, tmp_path / "docs/designs/churn.md")
        await diagnostics(client, address, lambda d: True)

        keys = await _complete(client, address, position(text, "  us", 4))
        users = next(i for i in keys if i.label == "users")
        assert [i.label for i in keys] == ["users", "goals", "pains", "na"]  # or: not applicable
        assert isinstance(users.documentation, types.MarkupContent)
        assert users.documentation.value.startswith("Wer wird das Produkt nutzen?")  # the site's language

        top = [i.label for i in await _complete(client, address, position(text, "  backg\n", 7))]
        assert "background" not in top
        assert "metrics" not in top
        assert {"solution", "data", "feedback", "reviewers"} <= set(top)

        status = await _complete(client, address, position(text, "status: dr", 10))
        assert [i.label for i in status] == statuses
        assert [i.label for i in await _complete(client, address, position(text, "priority: gu", 12))] == [
            "primary",
            "secondary",
            "guardrail",
        ]
        modes = await _complete(client, address, position(text, "mode: \n", 6))
        assert [i.label for i in modes] == ["batch", "online", "both"]

        ids = await _complete(client, address, position(text, "depends_on: [", 13))
        assert [i.label for i in ids] == ["ledger"]  # not its own
        assert ids[0].detail is not None
        assert "Design ledger" in ids[0].detail

        metrics = await _complete(client, address, position(text, "metric: \n", 8))
        assert [i.label for i in metrics] == ["recall", "latency"]


async def test_hover_definition_and_outline(tmp_path: Path) -> None:
    text = design("a", depends_on=["ledger"], background={"users": "Analysts"})
    write_site(tmp_path, {"designs/a.md": text, "designs/ledger.md": page(GOOD | {"id": "ledger"}, title="Ledger")})
    async with lsp(tmp_path) as client:
        address = open_page(client, tmp_path / "docs/designs/a.md")
        await diagnostics(client, address, lambda d: True)
        doc = types.TextDocumentIdentifier(address)

        on_key = await client.text_document_hover_async(types.HoverParams(doc, position(text, "users", 2)))
        assert on_key is not None
        assert isinstance(on_key.contents, types.MarkupContent)
        assert on_key.contents.value.startswith("**Users**\n\nWho will use the product?")

        on_id = await client.text_document_hover_async(types.HoverParams(doc, position(text, "- ledger", 3)))
        assert on_id is not None
        assert isinstance(on_id.contents, types.MarkupContent)
        assert "**Ledger**" in on_id.contents.value
        assert "approved" in on_id.contents.value
        assert "100%" in on_id.contents.value

        target = await client.text_document_definition_async(types.DefinitionParams(doc, position(text, "- ledger", 3)))
        assert isinstance(target, types.Location)
        assert target.uri == uri(tmp_path / "docs/designs/ledger.md")
        ledger = (tmp_path / "docs/designs/ledger.md").read_text(encoding="utf-8").split("\n")
        assert ledger[target.range.start.line].strip() == "id: ledger"

        symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(doc))
        assert symbols is not None
        names = [s.name for s in symbols if isinstance(s, types.DocumentSymbol)]
        assert names == ["id", "status", "owners", "depends_on", "background"]
        background = next(s for s in symbols if isinstance(s, types.DocumentSymbol) and s.name == "background")
        assert background.kind == types.SymbolKind.Module
        assert background.detail == "Background"
        assert [c.name for c in background.children or []] == ["users"]


# --- code actions ------------------------------------------------------------------------


async def _actions(client: LanguageClient, address: str, where: types.Position, found: Any) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(address),
            types.Range(where, where),
            types.CodeActionContext(diagnostics=list(found)),
        )
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


def _edits(action: types.CodeAction, address: str) -> list[types.TextEdit]:
    assert action.edit is not None
    assert action.edit.changes is not None
    return [e for e in action.edit.changes[address] if isinstance(e, types.TextEdit)]


async def test_quick_fixes_rename_keys_and_values(tmp_path: Path) -> None:
    text = design("a", owners=["Ana"], inference={"mode": "batc", "batch": "Nightly scores"}).replace(
        "owners:", "ownres:"
    )
    write_site(tmp_path, {"designs/a.md": text})
    async with lsp(tmp_path) as client:
        address = open_page(client, tmp_path / "docs/designs/a.md")
        found = await diagnostics(client, address, lambda d: "schema-enum" in codes(d))
        fixes: list[types.CodeAction] = []
        for diagnostic in found:
            actions = await _actions(client, address, diagnostic.range.start, [diagnostic])
            fixes.extend(a for a in actions if a.kind == types.CodeActionKind.QuickFix)
        assert sorted(a.title for a in fixes) == ["Change to `batch`", "Change to `owners`"]
        for fix in fixes:
            text = apply(text, _edits(fix, address))
        replace_all(client, address, text)
        assert await diagnostics(client, address, lambda d: not d) == []
        assert "owners:" in text
        assert "mode: batch" in text


async def test_actions_mark_a_section_not_applicable_and_add_the_missing_ones(tmp_path: Path) -> None:
    text = design("a", labeling={"assumptions": "TODO"}, background={"users": "Analysts"})
    write_site(tmp_path, {"designs/a.md": text})
    async with lsp(tmp_path) as client:
        address = open_page(client, tmp_path / "docs/designs/a.md")
        await diagnostics(client, address, lambda d: True)
        actions = await _actions(client, address, position(text, "labeling:", 2), [])
        titles = [a.title for a in actions]
        assert "Mark `labeling` not applicable" in titles
        na = next(a for a in actions if a.title == "Mark `labeling` not applicable")
        marked = apply(text, _edits(na, address))
        assert yaml.safe_load(marked.split("---")[1])["design"]["labeling"] == {"na": "TODO"}

        add = next(a for a in actions if a.title.startswith("Add the missing sections"))
        full = apply(text, _edits(add, address))
        data = yaml.safe_load(full.split("---")[1])["design"]
        # Every section now present (those needing a choice stay commented out, as in `mldesign new`).
        assert {"value_proposition", "solution", "data", "feedback"} <= set(data)
        assert data["background"] == {"users": "Analysts"}
        assert "# What would be built, and how does it answer the users' pains?" in full or "#" in full
        replace_all(client, address, full)
        assert await diagnostics(client, address, lambda d: not d) == []


# --- robustness --------------------------------------------------------------------------


async def _answers(client: LanguageClient, address: str) -> None:
    """The server still answers a request, within a few seconds."""
    await asyncio.wait_for(
        client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(address), types.Position(0, 0))
        ),
        30,
    )


async def test_typing_the_flagship_design_key_by_key_and_deleting_it(tmp_path: Path) -> None:
    import shutil

    site = tmp_path / "site"
    shutil.copytree(EXAMPLE, site, ignore=shutil.ignore_patterns("site", "site-zensical", ".mldesign", ".cache"))
    flagship = site / "docs/designs/face-verification.md"
    whole = flagship.read_text(encoding="utf-8")
    async with lsp(site) as client:
        address = open_page(client, flagship, "")
        await diagnostics(client, address, lambda d: not d)
        line = column = 0
        for index, char in enumerate(whole):
            edit(client, address, line, column, column, char)
            if char == "\n":
                line, column = line + 1, 0
            else:
                column += 1
            if index % 4000 == 0:
                await _answers(client, address)
        typed = await diagnostics(client, address, lambda d: True)
        await _answers(client, address)
        # Typed in full, the page has the problems it has when opened whole: none.
        expected = cli_problems(site, "docs/designs/face-verification.md")
        assert lsp_problems(await diagnostics(client, address, lambda d: lsp_problems(d) == expected)) == expected
        no_traceback(client, typed)
        for index in range(len(whole) - 1, -1, -1):
            line = whole.count("\n", 0, index)
            column = index - (whole.rfind("\n", 0, index) + 1)
            if whole[index] == "\n":
                edit(client, address, line, column, 0, "", end_line=line + 1)
            else:
                edit(client, address, line, column, column + 1, "")
            if index % 4000 == 0:
                await _answers(client, address)
        assert await diagnostics(client, address, lambda d: not d) == []
        assert not [m for m in client.messages if m.type == types.MessageType.Error]
        no_traceback(client)


async def test_an_oversize_page_and_a_binary_file_each_give_one_clear_diagnostic(tmp_path: Path) -> None:
    huge = "---\ndesign:\n  status: draft\n  owners: [Ana]\n  background:\n    users: " + "x" * (2 << 20) + "\n---\n"
    binary = b"---\ndesign:\n  status: draft\n  owners: [\x00\x01\xff\xfe]\n---\n\x89PNG\r\n\x1a\n\x00\x00"
    write_site(tmp_path, {"designs/huge.md": huge, "designs/blob.md": binary})
    async with lsp(tmp_path) as client:
        big = open_page(client, tmp_path / "docs/designs/huge.md")
        found = await diagnostics(client, big, lambda d: bool(d))
        assert len(found) == 1
        assert "1,048,576-byte limit" in found[0].message
        # The editor shows the bytes as it can; the server sees control characters.
        blob = open_page(client, tmp_path / "docs/designs/blob.md", binary.decode("latin-1"))
        found = await diagnostics(client, blob, lambda d: bool(d))
        assert len(found) == 1
        assert found[0].severity == types.DiagnosticSeverity.Error
        no_traceback(client, found)
        await _answers(client, blob)


async def test_an_unreadable_mkdocs_yml_is_said_once_and_read_again_when_fixed(tmp_path: Path) -> None:
    config = write_site(tmp_path, {"designs/a.md": design("a", statuz="x")})
    good = config.read_text(encoding="utf-8")
    config.write_text("site_name: Test\nplugins: [\n", encoding="utf-8")
    async with lsp(tmp_path) as client:
        address = open_page(client, tmp_path / "docs/designs/a.md")
        found = await diagnostics(client, address, lambda d: bool(d))
        assert codes(found) == ["site-config"]
        assert "mkdocs.yml:3:1" in found[0].message
        assert len([m for m in client.messages if "mkdocs.yml" in m.message]) == 1
        config.write_text(good, encoding="utf-8")
        replace_all(client, address, design("a", statuz="y"))
        found = await diagnostics(client, address, lambda d: codes(d) == ["schema-unknown-key"])
        no_traceback(client, found)


async def test_a_page_deleted_while_open_is_said_and_still_checked(tmp_path: Path) -> None:
    write_site(tmp_path, {"designs/a.md": design("a", statuz="x"), "designs/b.md": design("b", depends_on=["a"])})
    async with lsp(tmp_path) as client:
        address = open_page(client, tmp_path / "docs/designs/a.md")
        await diagnostics(client, address, lambda d: codes(d) == ["schema-unknown-key"])
        (tmp_path / "docs/designs/a.md").unlink()
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams([types.FileEvent(address, types.FileChangeType.Deleted)])
        )
        for _ in range(100):
            if any("no longer exists on disk" in m.message for m in client.messages):
                break
            await asyncio.sleep(0.1)
        said = [m.message for m in client.messages if "no longer exists on disk" in m.message]
        assert len(said) == 1
        assert "docs/designs/a.md" in said[0]
        replace_all(client, address, design("a"))
        assert await diagnostics(client, address, lambda d: not d) == []


async def test_dates_from_git_judge_staleness_as_mldesign_check_does(tmp_path: Path) -> None:
    undated = {k: v for k, v in GOOD.items() if k not in ("created", "updated")}
    write_site(tmp_path, {"designs/old.md": page(undated, title="Old")})
    env = {
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.com",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.com",
        "GIT_AUTHOR_DATE": "2020-01-15T10:00:00+00:00",
        "GIT_COMMITTER_DATE": "2020-01-15T10:00:00+00:00",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "An old design"]):
        subprocess.run(["git", *args], cwd=tmp_path, env={**os.environ, **env}, check=True)
    expected = cli_problems(tmp_path, "docs/designs/old.md")
    assert [rule for _, _, _, rule, _ in expected] == ["stale"]  # its last commit is years old
    async with lsp(tmp_path) as client:
        address = open_page(client, tmp_path / "docs/designs/old.md")
        found = await diagnostics(client, address, lambda d: codes(d) == ["stale"])
        assert lsp_problems(found) == expected
