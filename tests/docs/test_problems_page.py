"""docs/problems.md names every rule id the core can report, and quotes the real limits."""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs_mldesign.core import frontmatter, lint, problems

ROOT = Path(__file__).parents[2]
PAGE = (ROOT / "docs/problems.md").read_text(encoding="utf-8")
RULE_LITERAL = re.compile(r'"((?:yaml|schema|design|frontmatter|encoding)-[a-z-]+|encoding)"')


def core_rule_ids() -> set[str]:
    found: set[str] = set()
    for name in ("frontmatter", "design", "validation"):
        source = (ROOT / "mkdocs_mldesign" / "core" / f"{name}.py").read_text(encoding="utf-8")
        found |= set(RULE_LITERAL.findall(source))
    return found


def test_the_core_reports_the_rules_we_expect_to_document() -> None:
    ids = core_rule_ids()
    # A sanity check on the scan itself, so an empty scan cannot pass the next test.
    assert {"yaml-syntax", "yaml-alias-bomb", "schema-unknown-key", "design-file", "encoding"} <= ids


def test_every_rule_id_is_documented() -> None:
    documented = set(re.findall(r"`([a-z]+(?:-[a-z]+)+|encoding)`", PAGE))
    missing = core_rule_ids() - documented
    assert missing == set()
    assert problems.TOO_MANY in documented
    assert lint.TOO_MANY_SITE in documented


def test_the_page_quotes_the_real_limits() -> None:
    assert f"{frontmatter.MAX_FRONT_MATTER_BYTES:,} bytes" in PAGE
    assert f"{frontmatter.MAX_EXPANDED_NODES:,} values" in PAGE
    assert f"more than {frontmatter.MAX_NESTING} levels" in PAGE
    assert f"at most {problems.MAX_PROBLEMS} problems" in PAGE
