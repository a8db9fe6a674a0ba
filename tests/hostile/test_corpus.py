"""The hostile-input corpus: every input of `corpus/`, with what it must produce in
`manifest.yaml`, checked four ways.

(a) the core locates the problem: rule, file, line, column and field, exactly;
(b) within a time bound; (c) `mldesign check` in a subprocess exits 0 or 1 with no
traceback and reports the same; (d) a real build of the whole corpus completes, the
ordinary pages are built and the problem is in the log and on the page; (e) nothing
in a design block, the overview or the canvas can run script: no element, event
attribute or URL scheme an author could have put there.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from mkdocs_mldesign.core.problems import Problem
from tests.conftest import (
    CASES,
    MARKER,
    ORDINARY_TEXT,
    VALID_TEXT,
    Case,
    Checked,
    Command,
    CorpusBuild,
    Workspace,
    case_id,
    mldesign_command,
)

from . import dom
from .generate import CORPUS, SLOW_CASES, committed_files

Key = tuple[str, int, int, str, str]
#: What must never reach a terminal from an author: C0 and C1 controls, bidi overrides.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def keys(problems: list[Problem]) -> list[Key]:
    return sorted((p.file, p.line, p.column, p.rule, p.field) for p in problems)


def expected(case: Case) -> list[Key]:
    return sorted(e.key() for e in case.problems)


# --- the corpus itself --------------------------------------------------------------------


def test_the_corpus_has_forty_inputs_and_each_is_described() -> None:
    assert len(CASES) >= 40
    on_disk = {p.stem for p in CORPUS.glob("*.md")} | {p.name for p in CORPUS.iterdir() if p.is_dir()}
    generated = {"huge-front-matter", "many-unknown-keys", "many-wrong-items", "many-missing-metrics"}
    generated |= {"many-broken-links", "design-file-symlink", *SLOW_CASES}
    assert {c.name for c in CASES} == on_disk | generated
    for case in CASES:
        assert case.about.strip(), case.name
        assert case.count >= len(case.problems)
        if case.script:  # each script case proves its payload reached the page, or was refused
            assert case.shown or case.overview_shown or case.problems, case.name


def test_generated_files_are_current() -> None:
    """The committed alias bombs are what generate.py writes."""
    for name, text in committed_files().items():
        assert (CORPUS / name).read_text(encoding="utf-8") == text, f"run python -m tests.hostile.generate ({name})"


def test_binary_inputs_really_are_not_utf8() -> None:
    for name in (
        "encoding-latin1.md",
        "encoding-utf16.md",
        "encoding-overlong.md",
        "encoding-in-design-file.design.yaml",
    ):
        with pytest.raises(UnicodeDecodeError):
            (CORPUS / name).read_bytes().decode("utf-8")


# --- (a) located by the core, (b) in bounded time ----------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_core_locates_the_problem(case: Case, core_results: dict[str, Checked], workspace: Workspace) -> None:
    checked = core_results[case.name]
    found = keys(checked.report.all_problems())
    if case.count == len(case.problems):
        assert found == expected(case)
    else:  # past the limit: the first problems and the one that says the rest were left out
        assert len(found) == case.count
        assert set(expected(case)) <= set(found)
    for problem in checked.report.all_problems():
        lines = (workspace.docs / problem.file).read_bytes().count(b"\n") + 1
        assert 1 <= problem.line <= lines
        assert problem.column >= 1
        text = problem.format()
        assert not _INVISIBLE.search(text), f"a control character in {text!r}"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_core_is_fast_and_runs_nothing(case: Case, core_results: dict[str, Checked]) -> None:
    """What the core adds to PyYAML's own parse stays under the case's bound: the large
    cases are seconds of composing 100,000 values, which only the parser can make faster."""
    checked = core_results[case.name]
    took = f"{case.name} took {checked.seconds:.2f}s, {checked.parse_seconds:.2f}s of it PyYAML composing"
    assert checked.own_seconds < case.seconds, took
    assert checked.created == frozenset()


def test_a_nine_level_alias_bomb_is_reported_in_well_under_a_second(core_results: dict[str, Checked]) -> None:
    checked = core_results["alias-bomb-9"]
    assert checked.seconds < 0.5
    assert [p.rule for p in checked.report.all_problems()] == ["yaml-alias-bomb"]


def test_an_invalid_id_is_never_used(core_results: dict[str, Checked]) -> None:
    """The id names files in the built site; one the schema refuses gives way to the path's."""
    for name in ("id-traversal", "script-id"):
        [design] = core_results[name].report.designs
        assert design.id == name


# --- (c) the command line: no traceback -------------------------------------------------------


def test_the_command_runs_over_the_whole_corpus(cli_run: Command) -> None:
    assert cli_run.returncode == 1, cli_run.stderr
    assert "Traceback" not in cli_run.stderr
    assert cli_run.stderr == ""
    assert cli_run.problems


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_command_reports_the_problem(case: Case, cli_run: Command) -> None:
    assert cli_run.returncode in (0, 1)
    assert "Traceback" not in cli_run.stderr
    mine = sorted(
        (p["file"], p["line"], p["column"], p["rule"], p["field"]) for p in cli_run.problems if case.owns(p["file"])
    )
    assert len(mine) == case.count
    assert set(expected(case)) <= set(mine)


def test_terminal_escapes_reach_the_terminal_as_text(workspace: Workspace) -> None:
    done = subprocess.run(
        [mldesign_command(), "check", "yaml-terminal-escapes.md"],
        cwd=workspace.docs,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "\\x1b]0;pwned\\x07" in done.stdout
    assert "\\u202egnp.exe" in done.stdout
    assert "\x1b" not in done.stdout
    assert "\u202e" not in done.stdout
    assert "Traceback" not in done.stderr


# --- (d) the other pages still build, and the problem is reported -------------------------------


#: The file a plugin warning is about: `mkdocs_mldesign: docs/NAME.md:7:12: ...`.
_LOGGED = re.compile(r"^mkdocs_mldesign: ([^:]+):\d+:\d+: ")


def _pages(case: Case, workspace: Workspace) -> list[str]:
    if case.target.endswith(".md"):
        return [case.target]
    return sorted(p.relative_to(workspace.docs).as_posix() for p in (workspace.docs / case.target).glob("*.md"))


def _shown_problems(html: str) -> set[tuple[str, str]]:
    """(rule, location) of every problem listed on a built page."""
    found = set()
    for item in dom.parse(html).find(lambda n: "data-mldesign-rule" in n.attrs):
        codes = item.find(lambda n: "mldesign-problem__location" in n.classes())
        found.add((item.attrs["data-mldesign-rule"], codes[0].all_text().strip() if codes else ""))
    return found


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_build_completes_and_reports_the_problem(
    case: Case, built: CorpusBuild, workspace: Workspace, request: pytest.FixtureRequest
) -> None:
    assert built.error is None, f"the build failed: {built.error!r}"
    assert ORDINARY_TEXT in built.page("index.md")
    assert VALID_TEXT in built.page("valid-design.md")
    assert built.seconds < 30
    if case.build_xfail:
        request.applymarker(pytest.mark.xfail(strict=True, reason=case.build_xfail))
    owned = {f"docs/{file}" for file in _owned_files(case, workspace)}
    mine = [w for w in built.warnings if (m := _LOGGED.match(w)) and m.group(1) in owned]
    assert len(mine) == case.count, mine
    for e in case.problems:
        field = f"{e.field}: " if e.field else ""
        # The build log says what `mldesign check` says: severity and rule come first.
        said = [f"docs/{e.file}:{e.line}:{e.column}: {severity} {e.rule} {field}" for severity in ("error", "warning")]
        assert any(s in w for w in mine for s in said), f"{said[0]!r} not in the build log"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_the_page_shows_the_problem(
    case: Case, built: CorpusBuild, workspace: Workspace, request: pytest.FixtureRequest
) -> None:
    assert built.error is None, f"the build failed: {built.error!r}"
    if case.build_xfail or case.page_xfail:
        request.applymarker(pytest.mark.xfail(strict=True, reason=case.build_xfail or case.page_xfail))
    shown: set[tuple[str, str]] = set()
    for page in _pages(case, workspace):
        shown |= _shown_problems(built.page(page))
    assert len(shown) == case.count
    for e in case.problems:
        assert (e.rule, f"docs/{e.file}:{e.line}:{e.column}") in shown


def _owned_files(case: Case, workspace: Workspace) -> set[str]:
    files = set(_pages(case, workspace))
    files.update(e.file for e in case.problems)
    return files


# --- (e) nothing an author wrote can run --------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_nothing_in_the_design_can_run(
    case: Case, built: CorpusBuild, workspace: Workspace, core_results: dict[str, Checked]
) -> None:
    assert built.error is None, f"the build failed: {built.error!r}"
    designs = core_results[case.name].report.designs
    ids = {d.id for d in designs}
    blocks: list[dom.Node] = []
    for page in _pages(case, workspace):
        found = dom.parse(built.page(page)).find(lambda n: "mldesign" in n.classes())
        assert found, f"{page} has no design block"
        blocks.extend(found)
    overview = dom.parse((built.site / "designs" / "index.html").read_text(encoding="utf-8"))
    rows = overview.find(lambda n: n.tag == "tr" and n.attrs.get("data-mldesign-id") in ids)
    assert len(rows) == 2 * len(designs)  # one row in the designs table, one in the coverage matrix
    canvases = [dom.parse((built.site / "canvas" / f"{i}.html").read_text(encoding="utf-8")) for i in ids]
    bodies = [body for canvas in canvases for body in canvas.find(lambda n: n.tag == "body")]
    assert len(bodies) == len(ids)
    for node in [*blocks, *rows, *bodies]:
        assert dom.dangers(node) == []
    text = "".join(b.all_text() for b in blocks)
    for shown in case.shown:
        assert shown in text, f"{shown!r} is not shown as text in the design block"
    row_text = "".join(r.all_text() for r in rows)
    for shown in case.overview_shown:
        assert shown in row_text, f"{shown!r} is not shown as text in the overview"


def test_the_checks_for_script_can_fail() -> None:
    """The scanner finds each kind of injection it looks for."""
    page = dom.parse(
        '<div class="mldesign"><script>x</script><img src=x onerror="x"><a href=" java\tscript:x">a</a>'
        '<a href="DATA:text/html,x">b</a><iframe srcdoc="x"></iframe><span style="background:url(x)">c</span>'
        '<img srcset="ok.png 1x, vbscript:x 2x"></div>'
    )
    [block] = page.find(lambda n: "mldesign" in n.classes())
    assert len(dom.dangers(block)) == 8


def test_a_script_title_does_not_run_anywhere_on_the_page(built: CorpusBuild) -> None:
    page = dom.parse(built.page("script-title.md"))
    scripts = [n for n in page.walk() if n.tag == "script" and "alert('title')" in n.all_text()]
    assert scripts == []


def test_no_payload_ran_anywhere(built: CorpusBuild, workspace: Workspace) -> None:
    """Not during the core checks, the command, or the build: no marker file, nothing
    written outside the site folder (a design id of `../../pwned-by-id`) but the
    command's cache entries, in their own folder."""
    assert built.error is None
    new = workspace.files_now() - workspace.listing
    assert [p for p in new if MARKER in Path(p).name] == []
    assert {Path(p).parts[0] for p in new} == {"site", ".mldesign"}
    cache = Path(".mldesign/cache")
    cached = sorted(Path(p).relative_to(cache).as_posix() for p in new if Path(p).parent == cache)
    assert {p for p in new if Path(p).parts[0] == ".mldesign"} == {".mldesign", str(cache)} | {
        str(cache / name) for name in cached
    }
    assert cached[0] == ".gitignore"
    assert cached[1:]
    assert all(re.fullmatch(r"[0-9a-f]{40}\.json", name) for name in cached[1:])
    assert (workspace.site / "badges" / "id-traversal.svg").is_file()
    assert (workspace.site / "canvas" / "script-id.html").is_file()


def test_a_symlinked_design_file_is_not_published(built: CorpusBuild) -> None:
    assert "Leaked from outside the docs" not in built.page("design-file-symlink.md")


def test_the_command_and_the_build_report_the_same_problems(cli_run: Command, built: CorpusBuild) -> None:
    """One path from file to verdict: the same problems, worded the same, over the whole corpus.

    The command runs in the docs folder and names files from there; the build names them
    from the folder of mkdocs.yml, one level up.
    """
    from_command = {Problem(**p).format() for p in cli_run.problems}
    prefix = "mkdocs_mldesign: "
    from_build = {w[len(prefix) :].replace("docs/", "") for w in built.warnings if w.startswith(prefix)}
    assert from_command, "the command found nothing: the comparison would prove nothing"
    assert sorted(from_command - from_build) == []
    assert sorted(from_build - from_command) == []
