"""`mldesign mcp` driven by the MCP SDK's own client over stdio, on a site on disk."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from tests.conftest import write_site
from tests.designs import GOOD, MINIMAL, page

pytestmark = pytest.mark.asyncio


@contextlib.asynccontextmanager
async def mcp_client(root: Path) -> AsyncIterator[Client]:
    command = str(Path(sys.executable).with_name("mldesign"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    params = StdioServerParameters(command=command, args=["mcp"], cwd=str(root), env=env)
    async with Client(params, read_timeout_seconds=60) as client:
        yield client


async def call(client: Client, tool: str, **arguments: Any) -> tuple[bool, Any]:
    """Whether the call failed, and what it returned (its structured result, or its text)."""
    result = await client.call_tool(tool, arguments)
    if result.structured_content is not None:
        data = result.structured_content
        return bool(result.is_error), data.get("result", data) if set(data) == {"result"} else data
    text = "".join(getattr(c, "text", "") for c in result.content)
    try:
        return bool(result.is_error), json.loads(text)
    except ValueError:
        return bool(result.is_error), text


@pytest.fixture
def site(tmp_path: Path) -> Path:
    write_site(
        tmp_path,
        {
            "designs/good.md": page(GOOD, title="Good"),
            "designs/churn.md": page({"id": "churn", **MINIMAL, "depends_on": ["good"]}, title="Churn"),
            "index.md": "# Home\n",
        },
        extra={"theme": {"name": "mldesign", "language": "fr"}},
    )
    return tmp_path


async def test_the_tools_are_listed(site: Path) -> None:
    async with mcp_client(site) as client:
        tools = {t.name for t in (await client.list_tools()).tools}
    assert tools == {"check", "schema", "explain", "new", "designs", "coverage"}


async def test_check_a_text_a_path_and_the_site(site: Path) -> None:
    async with mcp_client(site) as client:
        draft = page({"id": "draft", **MINIMAL, "statuz": "x", "depends_on": ["nowhere"]}, title="Draft")
        failed, found = await call(client, "check", text=draft, path="docs/designs/draft.md")
        assert not failed
        rules = sorted(p["rule"] for p in found["problems"])
        assert rules == ["link-exists", "schema-unknown-key"]
        unknown = next(p for p in found["problems"] if p["rule"] == "schema-unknown-key")
        assert unknown["hint"] == "did you mean `status`?"
        assert unknown["file"] == "docs/designs/draft.md"
        assert found["summary"]["errors"] == 2
        assert not (site / "docs/designs/draft.md").exists()  # checked, never written

        failed, found = await call(client, "check", path="docs/designs/churn.md")
        assert not failed
        assert found["problems"] == []
        assert found["summary"]["completeness"] == 0

        failed, found = await call(client, "check")
        assert not failed
        assert found["summary"]["designs"] == 2
        # The draft checked above was never part of the site.
        assert all(p["file"] != "docs/designs/draft.md" for p in found["problems"])

        failed, message = await call(client, "check", path="../elsewhere.md")
        assert failed
        assert "outside the docs folder" in str(message)


async def test_schema_explain_designs_and_coverage(site: Path) -> None:
    async with mcp_client(site) as client:
        failed, schema = await call(client, "schema")
        assert not failed
        assert schema["properties"]["status"]["enum"] == ["draft", "review", "approved", "deprecated"]

        failed, explained = await call(client, "explain", field="metrics.priority")
        assert not failed
        assert explained["values"] == ["primary", "secondary", "guardrail"]
        failed, explained = await call(client, "explain", field="background")
        assert explained["title"] == "Contexte"  # the site's language
        assert [k["name"] for k in explained["keys"]][:3] == ["users", "goals", "pains"]
        failed, message = await call(client, "explain", field="backgruond")
        assert failed
        assert "no field `backgruond`" in str(message)

        failed, listed = await call(client, "designs")
        assert not failed
        by_id = {d["id"]: d for d in listed}
        assert by_id["good"]["completeness"] == 100
        assert by_id["good"]["status"] == "approved"
        assert by_id["churn"]["completeness"] == 0
        assert by_id["churn"]["title"] == "Churn"

        failed, coverage = await call(client, "coverage")
        assert not failed
        assert coverage["designs"] == 2
        assert coverage["completeness"] == 50
        background = next(s for s in coverage["sections"] if s["section"] == "background")
        assert (background["percent"], background["complete"], background["missing"]) == (50, 1, 1)


async def test_new_writes_a_page_and_never_over_a_file(site: Path) -> None:
    async with mcp_client(site) as client:
        failed, made = await call(client, "new", title="Fraud alerts", owners=["Risk team"])
        assert not failed
        assert made["written"] is None
        assert 'title: "Fraud alerts"' in made["text"]

        failed, made = await call(
            client, "new", title="Fraud alerts", owners=["Risk team"], path="docs/designs/fraud.md"
        )
        assert not failed
        written = (site / "docs/designs/fraud.md").read_text(encoding="utf-8")
        assert written == made["text"]
        assert made["id"] == "fraud"
        failed, found = await call(client, "check", path="docs/designs/fraud.md")
        assert found["summary"]["errors"] == 0

        before = (site / "docs/designs/churn.md").read_text(encoding="utf-8")
        failed, message = await call(client, "new", title="X", owners=["Y"], path="docs/designs/churn.md")
        assert failed
        assert "already exists" in str(message)
        assert (site / "docs/designs/churn.md").read_text(encoding="utf-8") == before
