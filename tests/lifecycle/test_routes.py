"""Same history, same verdicts, whichever tool builds the site: the Zensical route gets
the dates and the timeline from git as the MkDocs plugin does."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.lifecycle.repo import Repo, page
from tests.routes.test_zensical import mkdocs_build, stage_and_build

BACKGROUND = {"users": "Clinic staff", "goals": "Fast check-in", "pains": "Long queues"}


def test_zensical_and_mkdocs_read_the_same_history(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-01-05", "First draft", {"a.md": page("draft")})
    repo.commit("2024-03-01", "To review", {"a.md": page("review", background=BACKGROUND)})
    zensical_site = stage_and_build(repo.root)
    mkdocs_site = mkdocs_build(repo.root, repo.root / "site-mkdocs")

    def export(site: Path) -> list[tuple[str, str, str, object]]:
        designs = json.loads((site / "designs.json").read_text(encoding="utf-8"))["designs"]
        return [(d["id"], d["created"], d["updated"], d["dates_from"]) for d in designs]

    assert (
        export(zensical_site)
        == export(mkdocs_site)
        == [("a", "2024-01-05", "2024-03-01", {"created": "git", "updated": "git"})]
    )

    def timeline(site: Path) -> str:
        html = (site / "a/index.html").read_text(encoding="utf-8")
        found = re.search(r'<details class="mldesign-history" id="mldesign-history">.*?</details>', html, re.S)
        assert found is not None
        return found.group(0)

    assert timeline(zensical_site) == timeline(mkdocs_site)
    assert "2024-03-01" in timeline(mkdocs_site)
