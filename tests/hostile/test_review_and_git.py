"""Hostile round 3: review comments, terminals and git.

`mldesign diff` prints what authors wrote (titles, ids, file names) into a terminal and
into a pull-request comment: none of it may move the cursor, add a heading, mention a
team or load an image. Its verdict, and the dates and history from git, must not depend
on the user's git configuration, and must read what the build reads.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from mkdocs_mldesign.git.diff import _code, _md
from tests.core.test_cli import MLDESIGN
from tests.lifecycle.repo import Repo, git, page
from tests.lifecycle.test_diff import as_json, diff

INJECTED_NAME = "x`\n\n## **APPROVED by @security-team**\n\n![](https://evil.example/pixel.png)\n`.md"


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-01-05", "Designs", {"a.md": page("draft", title="A"), INJECTED_NAME: page("draft", title="T")})
    return repo


def _lines_of_markup(text: str) -> list[str]:
    """The lines of a Markdown comment that GitHub would read as a heading."""
    return [line for line in text.splitlines() if re.match(r"^\s{0,3}#{1,6}\s", line)]


def test_a_file_name_cannot_write_into_the_review_comment(repo: Repo) -> None:
    repo.write(INJECTED_NAME, page("review", title="T", background={"users": "u", "goals": "g", "pains": "p"}))
    done = diff(repo.root, "HEAD", "--format", "markdown")
    text = done.stdout
    prose = re.sub(r"(`+).*?\1", "", text)  # outside code spans, where GitHub reads mentions and markup
    assert "@security-team" not in prose  # a mention that would notify
    assert "![" not in prose
    assert "](https://evil" not in prose
    assert "\\x0a" in text  # the file name's line breaks, shown as escapes
    headings = _lines_of_markup(text)
    assert headings == ["## ML designs in this change", "### T"], headings


@pytest.mark.parametrize(
    "title",
    [
        "**APPROVED** by @security-team",
        "<img src=https://evil.example/x.png> ![x](https://evil.example/y.png)",
        "Fixes #12 and cc @org/team | `code` ~~strike~~ $x^2$",
        "line\n## heading\n- item",
    ],
)
def test_a_title_is_text_in_every_cell_of_the_comment(repo: Repo, title: str) -> None:
    repo.write("a.md", page("review", title=title))
    text = diff(repo.root, "HEAD", "--format", "markdown").stdout
    assert not re.search(r"(?<!\\)[@#](?=[a-z0-9])", text.split("\n", 3)[-1])  # no mention, no reference
    assert "<img" not in text.replace("\\<img", "")
    assert "](https" not in text.replace("\\](https", "")
    assert _lines_of_markup(text) == ["## ML designs in this change", f"### {_md(title)}"]


@pytest.mark.parametrize(
    "text",
    ["`", "``a`", "a|b", "x\ny", "@team", " ", "` leading"],
)
def test_an_id_or_path_in_code_cannot_leave_its_span(text: str) -> None:
    code = _code(text)
    fence = re.match(r"`+", code)
    assert fence is not None
    inner = code[len(fence.group(0)) : -len(fence.group(0))]
    assert code.endswith(fence.group(0))
    assert fence.group(0) not in inner  # the fence is longer than any run of backticks inside
    assert "\n" not in code
    assert "|" not in code.replace("\\|", "")


TERMINAL = ["\x1b[2J\x1b[H", "\x1b]0;pwned\x07", "\x1b[31mred", "\u202eevil", "a\rb"]


@pytest.mark.parametrize("control", TERMINAL)
@pytest.mark.parametrize("form", ["text", "markdown"])
def test_terminal_controls_in_a_title_are_shown_as_escapes(repo: Repo, control: str, form: str) -> None:
    repo.write("a.md", page("review", title=f"Title {control}"))
    done = diff(repo.root, "HEAD", "--format", form)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", done.stdout), repr(done.stdout)
    assert "Title" in done.stdout


@pytest.mark.parametrize("control", TERMINAL)
def test_terminal_controls_in_a_revision_name_are_refused(repo: Repo, control: str) -> None:
    done = diff(repo.root, f"HEAD{control}")
    assert done.returncode == 2
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", done.stdout + done.stderr)


# --- a design page that is a symbolic link --------------------------------------------------


@pytest.fixture
def linked(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-01-05", "Real page", {"real/a.md": page("draft", title="Linked")})
    (repo.docs / "a.md").symlink_to("real/a.md")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "Link", date="2024-02-01")
    return repo


def test_an_unchanged_linked_page_is_no_change(linked: Repo) -> None:
    report = as_json(linked.root, "HEAD")
    assert report["summary"] == {"changed": 0, "added": 0, "removed": 0}


def test_a_change_through_a_link_is_a_change(linked: Repo) -> None:
    base = git(linked.root, "rev-parse", "HEAD")
    linked.commit("2024-03-01", "Approve", {"real/a.md": page("review", title="Linked")})
    report = as_json(linked.root, base)
    statuses = {(d["id"], d["before"]["status"], d["after"]["status"]) for d in report["designs"]}
    assert ("a", "draft", "review") in statuses
    assert all(d["change"] == "changed" for d in report["designs"])


def test_a_link_out_of_the_docs_folder_is_followed_in_history(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    (repo.root / "designs").mkdir()
    (repo.root / "designs/a.md").write_text(page("draft", title="Outside"), encoding="utf-8")
    (repo.docs / "a.md").symlink_to("../designs/a.md")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "Link out", date="2024-01-05")
    report = as_json(repo.root, "HEAD")
    assert report["summary"] == {"changed": 0, "added": 0, "removed": 0}


def test_the_history_of_a_linked_page_is_the_history_of_what_it_links_to(linked: Repo) -> None:
    linked.commit("2024-03-01", "Review", {"real/a.md": page("review", title="Linked")})
    build(load_config(str(linked.root / "mkdocs.yml")))
    html = (linked.root / "site/a/index.html").read_text(encoding="utf-8")
    assert html.count('class="mldesign-history__step"') == 2
    assert "2024-03-01" in html or "Mar" in html


# --- the user's git configuration --------------------------------------------------------


def _dated(repo: Repo, env: dict[str, str] | None = None) -> tuple[str, str, object]:
    assert MLDESIGN is not None
    done = subprocess.run(
        [MLDESIGN, "check", "--format", "json", "--no-cache"],
        cwd=repo.root,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    designs = {d["id"]: d for d in json.loads(done.stdout)["designs"]}
    return designs["a"]["created"], designs["a"]["updated"], designs["a"]["dates_from"]


@pytest.mark.parametrize(
    "setting",
    [
        ("log.showRoot", "false"),
        ("i18n.logOutputEncoding", "UTF-16"),
        ("i18n.logOutputEncoding", "ISO-8859-1"),
        ("log.follow", "true"),
        ("core.abbrev", "7"),
        ("diff.renames", "false"),
        ("log.showSignature", "true"),
    ],
)
def test_the_users_git_configuration_does_not_change_the_verdict(tmp_path: Path, setting: tuple[str, str]) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-01-05", "First", {"a.md": page("draft", title="Ä design")})
    repo.commit("2024-02-01", "Second", {"a.md": page("review", title="Ä design")})
    expected = _dated(repo)
    assert expected[:2] == ("2024-01-05", "2024-02-01")
    key, value = setting
    git(repo.root, "config", key, value)  # the repository's own configuration
    assert _dated(repo) == expected
    git(repo.root, "config", "--unset", key)
    home = tmp_path / "home"
    home.mkdir()
    section, name = key.split(".")
    (home / ".gitconfig").write_text(f"[{section}]\n\t{name} = {value}\n", encoding="utf-8")
    # the user's own configuration, and configuration given through the environment
    env = {
        **os.environ,
        "HOME": str(home),
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": key,
        "GIT_CONFIG_VALUE_0": value,
    }
    env.pop("GIT_CONFIG_GLOBAL", None)
    assert _dated(repo, env) == expected
