"""Reading only what it should, and both validators agreeing (hostile inputs the corpus missed)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_mldesign.core.design import Checker
from mkdocs_mldesign.core.schema import Template, ecma_pattern
from mkdocs_mldesign.core.validation import pattern_matches
from tests.conftest import mldesign_command, run_mldesign
from tests.designs import page


def test_a_fifo_and_a_link_to_dev_zero_are_refused_without_reading(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "zero.md").symlink_to("/dev/zero")
    (tmp_path / "ok.md").write_text(page({"status": "draft", "owners": ["A"]}), encoding="utf-8")
    done = run_mldesign("check", ".", cwd=tmp_path)  # would hang, or fill memory, if it read them
    assert done.returncode == 1
    assert "pipe.md:0:0: error page-unreadable" in done.stdout
    assert "zero.md:0:0: error page-unreadable" in done.stdout
    assert "Traceback" not in done.stderr


def test_the_same_file_named_twice_is_checked_once(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/base.md").write_text(page({"id": "base", "status": "draft", "owners": ["A"]}), encoding="utf-8")
    done = run_mldesign("check", "docs", "docs/base.md", "./docs/base.md", cwd=tmp_path)
    assert done.returncode == 0, done.stdout
    assert "unique-id" not in done.stdout
    assert done.stdout.splitlines()[-1] == "1 design checked: 0 errors, 0 warnings"


def test_new_refuses_arguments_that_are_not_one_line_of_text(tmp_path: Path) -> None:
    cases = [
        ([b"--title", b"Caf\xe9"], "--title holds bytes that are not UTF-8"),
        ([b"--title", b"T", b"--owner", b"\xff"], "--owner holds bytes that are not UTF-8"),
        ([b"--title", b"T", b"--id", b"abc\n"], "--id must be one line"),
        ([b"--title", b"T", b"--id", b"all"], "`all` cannot be an id (the site keeps it for its own files)"),
    ]
    for extra, message in cases:
        done = subprocess.run(
            [os.fsencode(mldesign_command()), b"new", b"docs/x.md", *extra],
            cwd=tmp_path,
            capture_output=True,
            timeout=60,
            check=False,
        )
        stderr = done.stderr.decode("utf-8", "replace")
        assert done.returncode == 2, stderr
        assert message in stderr
        assert "Traceback" not in stderr
        assert not (tmp_path / "docs/x.md").exists()


EDGE_STRINGS = ["abc", "abc\n", "\nabc", "abc\r\n", "a b", "", "Ab-1.x_y", "é", "1" * 50, "abc\x00", "abc\u2028"]


def _patterns(node: object) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            found.append(node["pattern"])
        for value in node.values():
            found.extend(_patterns(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_patterns(value))
    return found


@pytest.mark.parametrize("text", EDGE_STRINGS)
def test_both_validators_agree_on_every_pattern(template: Template, text: str) -> None:
    import jsonschema_rs

    patterns = _patterns(template.schema)
    assert patterns, "the schema has patterns to test"
    for pattern in patterns:
        schema = {"type": "string", "pattern": pattern}
        fast = jsonschema_rs.validator_for(schema).is_valid(text)
        assert pattern_matches(pattern, text) == fast, (pattern, text)
        # Python's own reading would accept a trailing newline: the reason for ecma_pattern.
        if text == "abc\n" and pattern == template.id_pattern:
            assert re.search(pattern, text) is not None
            assert re.search(ecma_pattern(pattern), text) is None


def test_an_id_with_a_trailing_newline_is_reported_not_replaced(checker: Checker) -> None:
    result = checker.check_source(page({"id": "abc\n", "status": "draft", "owners": ["A"]}), src_uri="x.md")
    assert result.design is not None
    assert [(p.rule, p.field) for p in result.design.problems] == [("schema-format", "design.id")]


def test_zero_width_characters_in_a_key_are_shown(checker: Checker) -> None:
    text = '---\ndesign:\n  status: draft\n  owners: [A]\n  background:\n    "users\\u200b": x\n---\n'
    [problem] = checker.check_source(text, src_uri="x.md").all_problems
    assert problem.rule == "schema-unknown-key"
    assert "\\u200b" in problem.message
    assert "\u200b" not in problem.format()


def test_a_closing_line_without_a_newline_ends_the_front_matter(checker: Checker) -> None:
    result = checker.check_source("---\ndesign:\n  status: done\n  owners: [A]\n---", src_uri="x.md")
    assert [(p.rule, p.field) for p in result.all_problems] == [("schema-enum", "design.status")]


def test_a_huge_page_is_read_only_as_far_as_its_front_matter(tmp_path: Path) -> None:
    # A 3 GB page (sparse: it takes no disk) holding a design at its start. Reading it
    # whole took 9.5 GB of memory; now only the start is read.
    huge = tmp_path / "huge.md"
    with open(huge, "wb") as handle:
        handle.write(page({"status": "finished", "owners": ["A"]}).encode())
        handle.truncate(3 * 1024**3)
    # The peak memory of the command, measured by the kernel for a child of a child.
    probe = (
        "import resource, subprocess, sys;"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
        "print(done.stdout)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, mldesign_command(), "check", "huge.md"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    first, _, output = done.stdout.partition("\n")
    returncode, peak_kib = map(int, first.split())
    assert returncode == 1, done.stderr
    assert "error schema-enum design.status" in output
    assert peak_kib < 300 * 1024, f"{peak_kib} KiB"
