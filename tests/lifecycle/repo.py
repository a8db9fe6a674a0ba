"""Real git repositories for the lifecycle tests, with commits at fixed dates."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import yaml

#: Every git command of the tests: no user config, no signing, a fixed branch name.
_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_SYSTEM": os.devnull,
    "GIT_AUTHOR_NAME": "Ada Author",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada Author",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
}


def git(root: Path, *args: str, date: str | None = None) -> str:
    env = {**os.environ, **_ENV}
    if date is not None:
        stamp = f"{date}T12:00:00+00:00"
        env.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
    done = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def page(status: str = "draft", *, title: str = "A design", **design: Any) -> str:
    """A design page: front matter with `status`, one owner and `design`'s other keys."""
    data = {"title": title, "design": {"status": status, "owners": ["Team"], **design}}
    return f"---\n{yaml.safe_dump(data, sort_keys=False)}---\n\nSome prose.\n"


class Repo:
    """A site (mkdocs.yml and docs/) in a git repository of its own."""

    def __init__(self, root: Path, plugin: dict[str, Any] | None = None) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        git(root, "init", "-q")
        config = {
            "site_name": "Lifecycle",
            "theme": {"name": "mldesign"},
            "plugins": ["search", {"mldesign": plugin or {}}],
        }
        (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
        (root / ".gitignore").write_text("site/\n.mldesign/\n", encoding="utf-8")
        self.write("index.md", "# Home\n")

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    def write(self, rel: str, text: str) -> None:
        path = self.docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")

    def commit(self, date: str, message: str, files: dict[str, str] | None = None) -> str:
        """Write `files` (docs-relative), commit everything at `date`; the commit's id."""
        for rel, text in (files or {}).items():
            self.write(rel, text)
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", message, date=date)
        return git(self.root, "rev-parse", "HEAD")
