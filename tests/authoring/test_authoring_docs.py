"""The rule registry, the docs built from it, and the samples the docs show."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from mldesign_docs import rules_markdown

from mkdocs_mldesign.core.lint import _DESIGN_CHECKS, RULES, parse_lint_settings
from mkdocs_mldesign.core.schema import builtin_schema, check_schema, load_template, merge_extension
from mkdocs_mldesign.core.settings import parse_statuses

ROOT = Path(__file__).parents[2]
LINT_DOCS = ROOT / "docs" / "lint-rules.md"
AUTHORING_DOCS = ROOT / "docs" / "authoring.md"


def yaml_blocks(path: Path) -> list[Any]:
    text = path.read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)
    # A front-matter sample holds `---` lines: read every document of every block.
    return [doc for block in blocks for doc in yaml.safe_load_all(block) if doc is not None]


def plugin_options(blocks: list[Any]) -> list[dict[str, Any]]:
    found = []
    for block in blocks:
        if isinstance(block, dict) and "plugins" in block:
            for entry in block["plugins"]:
                if isinstance(entry, dict) and "mldesign" in entry:
                    found.append(entry["mldesign"])
    return found


def test_rules_are_well_formed() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for r in RULES:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", r.id), r.id
        assert r.severity in ("error", "warning", "off")
        assert r.scope in ("design", "site", "evidence")
        assert r.summary.endswith(".")
        assert r.rationale.endswith(".")
        assert "\n" not in r.rationale
    assert set(_DESIGN_CHECKS) == {r.id for r in RULES if r.scope == "design"}


def test_the_lint_page_holds_the_generated_table() -> None:
    text = LINT_DOCS.read_text(encoding="utf-8")
    match = re.search(r"<!-- rules:start[^\n]*-->\n(.*?)<!-- rules:end -->", text, re.DOTALL)
    assert match, "the markers around the rules table are missing"
    assert match.group(1) == rules_markdown(), (
        "docs/lint-rules.md is out of date: paste the output of "
        "`python -c 'from mkdocs_mldesign.lint import rules_markdown; print(rules_markdown())'`"
    )
    for r in RULES:
        assert f"| `{r.id}` | {r.severity} | {r.scope} |" in text


def test_the_table_escapes_pipes() -> None:
    assert all(line.count(" | ") == 4 for line in rules_markdown().splitlines()[2:])


def test_the_lint_samples_are_valid_settings() -> None:
    [options] = plugin_options(yaml_blocks(LINT_DOCS))
    assert parse_lint_settings(options["lint"]) == {"primary-metric": "error", "stale": "off"}
    assert isinstance(options["stale_after_days"], int)


def test_the_authoring_samples_are_valid() -> None:
    blocks = yaml_blocks(AUTHORING_DOCS)
    options = plugin_options(blocks)
    [statuses] = [o["statuses"] for o in options if "statuses" in o]
    parsed = parse_statuses(statuses)
    assert [(s.name, s.requires_complete) for s in parsed] == [
        ("proposed", False),
        ("accepted", True),
        ("retired", False),
    ]
    [extension] = [b for b in blocks if isinstance(b, dict) and "properties" in b]
    check_schema(merge_extension(builtin_schema(), extension), "the sample extension")
    template = load_template(extension=extension)
    section = template.section("risk_review")
    assert section is not None
    assert section.counts
    assert [o["extension_schema"] for o in options if "extension_schema" in o] == ["org-extension.yaml"]


def test_the_pre_commit_samples_name_the_shipped_hook() -> None:
    [manifest] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    configs = [b for b in yaml_blocks(AUTHORING_DOCS) if isinstance(b, dict) and "repos" in b]
    assert len(configs) == 2
    for config in configs:
        [hook] = config["repos"][0]["hooks"]
        assert hook["id"] == manifest["id"]
    local = configs[1]["repos"][0]["hooks"][0]
    assert (local["entry"], local["pass_filenames"], local["files"]) == (
        manifest["entry"],
        manifest["pass_filenames"],
        manifest["files"],
    )


def test_the_hook_manifest() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {"id", "name", "entry", "language"} <= set(hook)
    assert (hook["id"], hook["language"], hook["pass_filenames"]) == ("mldesign-check", "python", False)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'{hook["entry"].split()[0]} = "mkdocs_mldesign.routes.cli.main:main"' in pyproject
    files = re.compile(hook["files"])
    for name in ("docs/a.md", "docs/b.markdown", "docs/churn.design.yaml", "mkdocs.yml", "org-extension.json"):
        assert files.search(name), name
    for name in ("README.rst", "mkdocs_mldesign/routes/cli/main.py", "docs/image.png"):
        assert not files.search(name), name


@pytest.mark.parametrize("page", ["authoring.md", "lint-rules.md"])
def test_the_docs_link_to_pages_that_exist(page: str) -> None:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([a-z-]+\.md)(?:#[a-z-]+)?\)", text):
        assert (ROOT / "docs" / target).is_file(), target
