"""The wrong verdicts of the first release, each with its exact input (issue: trust).

Each test states the case in its name; the inputs are written out here so that a reader
sees what a user wrote and what they must get.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from mkdocs_mldesign.core.design import Checker
from mkdocs_mldesign.core.problems import Problem
from mkdocs_mldesign.core.settings import Settings
from mkdocs_mldesign.core.site import Site
from tests.conftest import BuildSite, mldesign_command, run_mldesign, write_site
from tests.designs import FULL, full, page


def problems_of(checker: Checker, text: str, src_uri: str = "designs/a.md") -> list[Problem]:
    return checker.check_source(text, src_uri=src_uri).all_problems


def rules(found: list[Problem]) -> list[tuple[str, str]]:
    return [(p.rule, p.field) for p in found]


# --- 1. a valid, complete, approved design without dates builds strict ----------------------


def test_an_undated_complete_approved_design_builds_strict(build_site: BuildSite) -> None:
    design = full(created=None, updated=None)
    assert design["status"] == "approved"
    built = build_site({"index.md": "# Home\n", "designs/a.md": page(design, title="Undated")}, strict=True)
    assert built.warnings() == []
    assert "100% complete" in built.html("designs/a/index.html")


# --- 2. designs that vanished without a word ------------------------------------------------


@pytest.mark.parametrize("key", ["desing", "Design", "designs", "DESIGN"])
def test_a_near_miss_of_the_design_key_is_a_warning(checker: Checker, key: str) -> None:
    text = f"---\ntitle: X\n{key}:\n  status: draft\n  owners: [A]\n---\n"
    [problem] = problems_of(checker, text)
    assert (problem.rule, problem.severity, problem.line, problem.column) == ("design-key", "warning", 3, 1)
    assert f"`{key}`, not `design`" in problem.message
    assert problem.hint == "did you mean `design`? rename the key"


def test_sections_outside_the_design_key_are_a_warning(checker: Checker) -> None:
    text = "---\ntitle: X\nstatus: draft\nbackground:\n  users: Staff\nmetrics:\n  - accuracy\n---\n"
    [problem] = problems_of(checker, text)
    assert (problem.rule, problem.severity, problem.field, problem.line) == ("design-key", "warning", "background", 4)
    assert "`background`, `metrics`" in problem.message


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: Other\nnotes: the design: is elsewhere\n---\n",  # broken YAML, but no design key
        "---\ndesigner: Ana\ndata: {source: x}\n---\n",  # another word; one section-like key
    ],
)
def test_ordinary_pages_stay_silent(checker: Checker, text: str) -> None:
    assert problems_of(checker, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "---\n{title: Flow, design: {status: finished, owners: [A]}}\n---\n",
        "---\ntitle: Explicit\n? design\n: {status: finished, owners: [A]}\n---\n",
        '---\ntitle: Escaped\n"\\x64esign": {status: finished, owners: [A]}\n---\n',
    ],
)
def test_a_design_is_found_from_the_parsed_front_matter(checker: Checker, text: str) -> None:
    assert rules(problems_of(checker, text)) == [("schema-enum", "design.status")]


def test_an_unreadable_design_stays_listed_everywhere(build_site: BuildSite) -> None:
    broken = "---\ntitle: Broken risk model\ndesign:\n  status: [draft\n  owners: [A]\n---\n\nText.\n"
    built = build_site(
        {"index.md": "# Home\n", "designs/ok.md": page(FULL, title="Fine"), "designs/broken.md": broken},
        expect_warnings=True,
    )
    logged = built.warnings()
    assert any("docs/designs/broken.md:5:9: error yaml-syntax invalid YAML" in w and "line 4" in w for w in logged), (
        logged
    )
    overview = built.html("designs/index.html")
    # Its title is in the front matter that cannot be read: it is listed by its id.
    assert 'data-mldesign-id="broken"' in overview
    assert "unreadable" in overview
    assert 'href="broken/"' in overview
    export = json.loads(built.html("designs.json"))
    entries = {d["id"]: d for d in export["designs"]}
    assert entries["broken"]["readable"] is False
    assert entries["broken"]["url"] == "designs/broken/"
    assert [p["rule"] for p in entries["broken"]["problems"]] == ["yaml-syntax"]
    assert entries["full"]["readable"] is True
    assert "unreadable" in built.html("badges/broken.svg")
    canvas = built.html("canvas/broken.html")
    assert "cannot be read" in canvas
    assert "../designs/broken/" in canvas


# --- 3. the command line follows the site ---------------------------------------------------


@pytest.fixture
def custom_site(tmp_path: Path) -> Path:
    statuses = ["proposed", {"name": "accepted", "complete": True}, "retired"]
    write_site(tmp_path, {"index.md": "# Home\n"}, plugin={"statuses": statuses})
    return tmp_path


def test_new_writes_the_sites_first_status(custom_site: Path) -> None:
    done = run_mldesign("new", "docs/designs/churn.md", "--title", "Churn", "--owner", "Ana", cwd=custom_site)
    assert done.returncode == 0, done.stderr
    text = (custom_site / "docs/designs/churn.md").read_text("utf-8")
    assert 'status: "proposed"' in text
    checked = run_mldesign("check", "docs/designs/churn.md", cwd=custom_site)
    assert checked.returncode == 0, checked.stdout


def test_check_path_follows_the_site_from_a_sub_folder(custom_site: Path) -> None:
    design = custom_site / "docs/designs/a.md"
    design.parent.mkdir(parents=True)
    design.write_text(page({"status": "draft", "owners": ["A"]}), encoding="utf-8")
    # From the site's own folder and from deep inside it: the same verdict as the build.
    for cwd, target in ((custom_site, "docs/designs/a.md"), (design.parent, "a.md")):
        done = run_mldesign("check", target, cwd=cwd)
        assert done.returncode == 1, done.stdout
        assert "error schema-enum design.status: `draft` is not an allowed value" in done.stdout


def test_schema_prints_the_sites_merged_schema(custom_site: Path) -> None:
    (custom_site / "ext.yaml").write_text(
        "properties:\n  cost_center: {title: Cost center, type: string}\n", encoding="utf-8"
    )
    config = yaml.safe_load((custom_site / "mkdocs.yml").read_text("utf-8"))
    config["plugins"][1]["mldesign"]["extension_schema"] = "ext.yaml"
    (custom_site / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    done = run_mldesign("schema", cwd=custom_site)
    assert done.returncode == 0, done.stderr
    schema = json.loads(done.stdout)
    assert schema["properties"]["status"]["enum"] == ["proposed", "accepted", "retired"]
    assert schema["properties"]["cost_center"]["type"] == "string"


# --- 4. YAML traps ----------------------------------------------------------------------------


def design_text(lines: str) -> str:
    return "---\ntitle: T\ndesign:\n  status: draft\n  owners: [A]\n" + lines + "---\n"


def test_a_version_that_loses_its_zero_gets_one_warning(checker: Checker) -> None:
    [problem] = problems_of(checker, design_text("  version: 2.10\n"))
    assert (problem.rule, problem.severity, problem.field, problem.line, problem.column) == (
        "yaml-number",
        "warning",
        "design.version",
        6,
        12,
    )
    assert "`2.10` as the number 2.1" in problem.message
    assert '"2.10"' in problem.hint


@pytest.mark.parametrize(
    ("lines", "field", "shown"),
    [
        ("  inference:\n    mode: yes\n    online: x\n", "design.inference.mode", "`yes` as true"),
        ("  inference:\n    mode: online\n    online: no\n", "design.inference.online", "`no` as false"),
        ("  background:\n    users: on\n", "design.background.users", "`on` as true"),
    ],
)
def test_yes_no_on_off_get_one_message_that_says_what_yaml_did(
    checker: Checker, lines: str, field: str, shown: str
) -> None:
    [problem] = problems_of(checker, design_text(lines))
    assert (problem.rule, problem.field) == ("yaml-coerced", field)
    assert shown in problem.message


def test_an_impossible_unquoted_date_is_an_error_at_its_field_and_the_rest_is_checked(checker: Checker) -> None:
    found = problems_of(checker, design_text("  created: 2026-02-30\n  colour: blue\n"))
    assert rules(found) == [("yaml-value", "design.created"), ("schema-unknown-key", "design.colour")]
    assert found[0].message == "`2026-02-30` is not a real date"


def test_an_impossible_quoted_date_is_an_error_too(checker: Checker) -> None:
    [problem] = problems_of(checker, design_text('  created: "2026-02-30"\n'))
    assert (problem.rule, problem.field, problem.message) == (
        "schema-format",
        "design.created",
        "`2026-02-30` is not a real date",
    )


# --- 5. messages that misled --------------------------------------------------------------------


def test_empty_owners_does_not_say_remove_the_field(checker: Checker) -> None:
    [problem] = problems_of(checker, "---\ndesign:\n  status: draft\n  owners: []\n---\n")
    assert problem.hint == "this field is required: give at least one entry"


def test_a_dedented_field_is_pointed_to_its_section(checker: Checker) -> None:
    text = "---\ndesign:\n  status: draft\n  owners: [A]\n  background:\n    users: Staff\n  pains: Queues\n---\n"
    [problem] = problems_of(checker, text)
    assert (problem.rule, problem.field) == ("schema-unknown-key", "design.pains")
    assert problem.hint == "did you mean `background.pains`? indent it under `background`"


@pytest.mark.parametrize(
    ("lines", "suggestion"),
    [
        ("  status: in review\n", "did you mean `review`?"),
        ("  inference:\n    mode: Batch\n    batch: nightly\n", "did you mean `batch`?"),
    ],
)
def test_enum_values_get_a_did_you_mean(checker: Checker, lines: str, suggestion: str) -> None:
    text = "---\ndesign:\n  owners: [A]\n" + ("" if "status" in lines else "  status: draft\n") + lines + "---\n"
    [problem] = problems_of(checker, text)
    assert problem.rule == "schema-enum"
    assert problem.hint.startswith(suggestion)


def test_complete_status_tells_training_from_production(tmp_path: Path) -> None:
    data = full(data={"training": {"holdout": "x", "sampling": "y", "considerations": "z"}, "production": {}})
    site = Site.load(Settings())
    _, result = site.check_page(page(data).encode(), src_uri="a.md")
    assert result.design is not None
    [problem] = [p for p in result.design.problems if p.rule == "complete-status"]
    assert "Data (Training data: Access, Production data: Access, Production data: Trust)" in problem.message


def test_a_duplicate_key_names_its_field(checker: Checker) -> None:
    found = problems_of(checker, "---\ndesign:\n  status: draft\n  owners: [A]\n  status: review\n---\n")
    assert rules(found) == [("yaml-duplicate-key", "design.status")]


PYYAML_WORDS = ("while parsing", "while scanning", "expected <block end>", "could not find expected", "found character")


@pytest.mark.parametrize(
    "yaml_text",
    [
        "  status: [draft\n",
        "  status: draft\n owners: [A]\n",
        "  status: 'draft\n",
        "  status: a: b\n",
        "  status: @draft\n",
        "  status: *nothing\n",
        '  status: "\\q"\n',
        "  status: {draft\n",
    ],
)
def test_pyyamls_own_words_never_reach_users(checker: Checker, yaml_text: str) -> None:
    [problem] = problems_of(checker, "---\ndesign:\n" + yaml_text + "---\n")
    assert problem.rule in ("yaml-syntax", "yaml-tab")
    assert not any(words in problem.message for words in PYYAML_WORDS), problem.message
    assert problem.hint


def test_github_output_counts_in_the_singular(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(page({"status": "done", "owners": ["A"]}), encoding="utf-8")
    done = run_mldesign("check", "--format", "github", "a.md", cwd=tmp_path)
    assert done.stdout.splitlines()[-1] == "1 design checked: 1 error, 0 warnings"


# --- extensions: every failure one located message, in the build and in the command line ------


@pytest.mark.parametrize(
    ("extension", "message"),
    [
        ("properties:\n  x: {$ref: '#/$defs/missing'}\n", "points to nothing"),
        ("properties:\n  x: {$ref: '#/required'}\n", "not a schema"),
        ("properties:\n  x: {$ref: 'http://127.0.0.1:9/x.json'}\n", "leaves the schema"),
        ("properties:\n  x: {$ref: 'file:///etc/passwd'}\n", "leaves the schema"),
        ("x-mldesign:\n  groups:\n    - {title: No key}\n", "needs a `key`"),
        ("properties:\n  x: {x-mldesign: {group: system, choices: 5}}\n", "`choices` must map"),
        ("properties:\n  x: {type: strin}\n", "not a JSON Schema type"),
        ("properties:\n  x: {type: string, pattern: '(unclosed'}\n", "cannot be used"),
    ],
)
def test_a_broken_extension_is_one_clean_message_everywhere(tmp_path: Path, extension: str, message: str) -> None:
    (tmp_path / "ext.yaml").write_text(extension, encoding="utf-8")
    write_site(tmp_path, {"index.md": "# Home\n"}, plugin={"extension_schema": "ext.yaml"})
    checked = run_mldesign("check", cwd=tmp_path)
    assert checked.returncode == 2
    assert "Traceback" not in checked.stderr
    assert message in checked.stderr
    assert "ext.yaml:" in checked.stderr  # with its line and column
    mkdocs = Path(mldesign_command()).with_name("mkdocs")
    built = subprocess.run(
        [str(mkdocs), "build"], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert built.returncode == 1
    assert "Traceback" not in built.stderr
    assert message in built.stderr
