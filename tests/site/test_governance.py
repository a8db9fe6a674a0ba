"""Frameworks (the EU AI Act's Annex IV, a model card's sections, a site's own checklist)
mapped over real builds, malformed framework files, the `framework-gap` rule, and model
cards that `huggingface_hub` reads offline."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.exceptions import Abort

from mkdocs_mldesign.core.design import Checker
from mkdocs_mldesign.core.frameworks import FrameworkError, judge_framework, parse_framework, preset_text
from mkdocs_mldesign.core.schema import Template
from tests.conftest import BuildSite, make_design, mkdocs_build, run_mldesign, write_site
from tests.designs import design_page, good

MEASURED = {"recall": 0.981, "false_match_rate": 0.0004, "latency": 120}


def site_pages(**changes: Any) -> dict[str, str | bytes]:
    design = good(evidence=[{"results": "eval.json"}], **changes)
    design["metrics"] = [
        {"name": "recall", "target": ">= 97%", "priority": "primary"},
        {"name": "false_match_rate", "target": "<= 0.1%", "priority": "guardrail"},
        {"name": "latency", "target": "< 300 ms", "priority": "secondary"},
    ]
    return {
        "index.md": "# Home\n",
        "face.md": design_page(design, title="Face match"),
        "eval.json": json.dumps(MEASURED),
    }


@pytest.mark.parametrize("name", ["annex-iv", "model-card"])
def test_the_shipped_frameworks_read_in_english_and_german(template: Template, name: str) -> None:
    framework = parse_framework(name, preset_text(name), name, template)
    assert len(framework.points) == (9 if name == "annex-iv" else 7)
    for point in framework.points:
        assert point.title
        assert point.guidance
        assert point.text("title", "de") != point.title or point.title == "Evaluation"
        assert point.text("guidance", "de-AT") == point.text("guidance", "de")  # a regional code reads its base
    assert framework.text("title", "fr") == framework.title  # no French yet: English


def test_annex_iv_points_without_a_field_need_an_extension(template: Template, checker: Checker) -> None:
    framework = parse_framework("annex-iv", preset_text("annex-iv"), "annex-iv", template)
    results = {r.point.id: r for r in judge_framework(framework, make_design(checker, good()), template)}
    assert {i: r.state for i, r in results.items()} == {
        "1": "answered",
        "2": "partial",  # planned changes and cybersecurity have no field in the template
        "3": "answered",
        "4": "answered",
        "5": "unanswered",
        "6": "unanswered",  # no approvals and no timeline from git
        "7": "unanswered",
        "8": "unanswered",
        "9": "answered",
    }
    assert results["2"].missing == ("predetermined_changes", "cybersecurity")
    with_history = judge_framework(framework, make_design(checker, good()), template, has_history=True)
    assert with_history[5].state == "answered"


def test_an_extension_field_answers_its_point(tmp_path: Path, build_site: BuildSite) -> None:
    extension = tmp_path / "ext.yaml"
    extension.write_text(
        yaml.safe_dump(
            {
                "properties": {
                    "risk_management": {"title": "Risk management", "description": "Article 9.", "type": "string"}
                }
            }
        ),
        encoding="utf-8",
    )
    pages = site_pages(risk_management="Reviewed quarterly by the risk committee; see RM-12.")
    built = build_site(pages, plugin={"frameworks": ["annex-iv"], "extension_schema": str(extension)})
    export = json.loads(built.html("designs.json"))
    points = {p["id"]: p for p in export["designs"][0]["frameworks"]["annex-iv"]["points"]}
    assert points["5"]["state"] == "answered"
    assert points["5"]["fields"] == ["risk_management"]
    assert points["7"]["state"] == "unanswered"


def test_the_site_shows_each_map_and_the_overview_counts_them(build_site: BuildSite) -> None:
    built = build_site(
        site_pages(), plugin={"frameworks": ["annex-iv", "model-card"], "model_cards": True}, strict=True
    )
    page = built.html("face/index.html")
    summaries = re.findall(r'class="mldesign-framework__summary">([^<]+)<', page)
    assert summaries == ["EU AI Act, Annex IV: 4 of 9 points answered", "Model card: 7 of 7 points answered"]
    assert page.count("An evidence map, not a conformity assessment") == 2
    point = re.search(r'data-mldesign-point="3" data-mldesign-state="answered">(.*?)</li>', page, re.S)
    assert point is not None
    assert '<a href="#mldesign-metrics">Metrics</a>' in point.group(1)
    assert '<a href="#mldesign-data">Data: Production data</a>' in point.group(1)
    gap = re.search(r'data-mldesign-point="5" data-mldesign-state="unanswered">(.*?)</li>', page, re.S)
    assert gap is not None
    assert "The risk management system of Article 9" in gap.group(1)
    assert 'href="../model-cards/good.md"' in page

    overview = built.html("designs/index.html")
    assert ">Annex IV</button>" in overview  # its short title
    assert re.search(r'class="mldesign-overview__framework" data-sort="4">4 of 9<', overview)
    assert overview.count('data-mldesign-framework="annex-iv"') == 1  # its matrix
    assert "Annex IV, point by point" in overview
    assert "An evidence map, not a conformity assessment" in overview

    export = json.loads(built.html("designs.json"))
    annex = export["designs"][0]["frameworks"]["annex-iv"]["points"]
    assert [p["state"] for p in annex].count("answered") == 4
    assert set(annex[0]) == {"id", "title", "state", "fields"}
    assert annex[0]["fields"] == ["background", "value_proposition", "version", "solution.integration", "inference"]

    card = built.html("model-cards/good.md")
    assert "## Out-of-scope use" in card
    assert "[the design](../face/)" in card


def test_a_design_written_as_a_model_card_loads_in_huggingface_hub(tmp_path: Path) -> None:
    from huggingface_hub import ModelCard

    write_site(tmp_path, site_pages(license="mit", out_of_scope=None))
    done = run_mldesign("export", "model-card", "good", "-o", "card/README.md", cwd=tmp_path)
    assert done.returncode == 2  # no folder yet: never made on the reader's behalf
    assert "cannot write card/README.md: No such file or directory" in done.stderr
    (tmp_path / "card").mkdir()
    done = run_mldesign("export", "model-card", "good", "-o", "card/README.md", cwd=tmp_path)
    assert (done.returncode, done.stdout.strip()) == (0, "wrote card/README.md"), done.stderr
    card_file = tmp_path / "card" / "README.md"
    os.environ["HF_HUB_OFFLINE"] = "1"
    card = ModelCard.load(card_file)
    assert card.data.license == "mit"
    assert {(r.metric_type, r.metric_value) for r in card.data.eval_results} == {
        ("recall", 0.981),
        ("false_match_rate", 0.0004),
        ("latency", 120),
    }
    assert "mldesign" in card.data.tags
    text = card_file.read_text(encoding="utf-8")
    for heading in ("Intended use", "Out-of-scope use", "Bias, risks and limitations", "Training data"):
        assert f"## {heading}" in text
    again = run_mldesign("export", "model-card", "good", "-o", "card/README.md", cwd=tmp_path)
    assert again.returncode == 1
    assert "already exists; give --force to replace it" in again.stderr
    card_file.write_text("mine", encoding="utf-8")
    assert run_mldesign("export", "model-card", "good", "-o", "card/README.md", cwd=tmp_path).returncode == 1
    assert card_file.read_text(encoding="utf-8") == "mine"  # nothing written over
    assert run_mldesign("export", "model-card", "good", "-o", "card/README.md", "--force", cwd=tmp_path).returncode == 0
    printed = run_mldesign("export", "model-card", "good", cwd=tmp_path)
    assert printed.stdout.startswith("---\n")
    missing = run_mldesign("export", "model-card", "goood", cwd=tmp_path)
    assert missing.returncode == 2
    assert "did you mean `good`?" in missing.stderr


def test_an_unanswered_card_section_says_so_with_its_question(tmp_path: Path) -> None:
    design = good()
    design["solution"] = {**design["solution"], "out_of_scope": "TODO"}
    write_site(
        tmp_path,
        {"face.md": design_page(design, title="Face match")},
        extra={"theme": {"name": "mldesign", "language": "de"}},
    )
    card = run_mldesign("export", "model-card", "good", cwd=tmp_path).stdout
    assert "## Nicht vorgesehene Verwendung" in card
    section = card.split("## Nicht vorgesehene Verwendung", 1)[1].split("##", 1)[0]
    assert "Noch nicht beantwortet." in section
    assert "TODO" not in section
    assert "model-index" not in card  # nothing measured: no results to claim


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "title: X\npoints:\n  - id: a\n    title: A\n    al: [background]\n",
            "own.yaml:5:5: unknown key `al` (did you mean `all`?)",
        ),
        (
            "title: X\npoints:\n  - {id: a, title: A, all: [background]}\n  - {id: a, title: B, all: [data]}\n",
            "own.yaml:4:10: the id `a` is used twice; the first is point 1",
        ),
        (
            "title: X\npoints:\n  - id: a\n    title: A\n    all: [backgroud]\n",
            "own.yaml:5:11: the template has no field `backgroud` (did you mean `background`?)",
        ),
        ("title: X\npoints: []\n", "own.yaml:2:9: `points` must be a list of points"),
        ("- a\n- b\n", "own.yaml:1:1: a framework is a mapping with `title` and `points`"),
        ("title: [\n", "own.yaml:2:1: invalid YAML"),
        ("title: X\npoints:\n  - id: a\n    title: A\n", "own.yaml:3:5: the point `a` names no field that answers it"),
    ],
)
def test_a_malformed_framework_file_is_a_located_error(
    tmp_path: Path, template: Template, text: str, message: str
) -> None:
    with pytest.raises(FrameworkError) as caught:
        parse_framework("own", text, "own.yaml", template)
    assert str(caught.value).startswith(message), str(caught.value)
    (tmp_path / "own.yaml").write_text(text, encoding="utf-8")
    write_site(tmp_path, {"index.md": "# Home\n"}, plugin={"frameworks": ["own.yaml"]})
    built = mkdocs_build(tmp_path)
    assert built.returncode == 1
    assert f"mldesign: {message}" in built.stderr
    assert "Traceback" not in built.stderr
    checked = run_mldesign("check", cwd=tmp_path)
    assert checked.returncode == 2
    assert "own.yaml:" in checked.stderr
    assert "Traceback" not in checked.stderr


def test_a_framework_that_does_not_exist_is_named_in_mkdocs_yml(tmp_path: Path) -> None:
    write_site(tmp_path, {"index.md": "# Home\n"}, plugin={"frameworks": ["annex-4"]})
    done = subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "annex-4 is neither a shipped framework nor a file; did you mean the shipped `annex-iv`?" in done.stderr
    assert "mkdocs.yml:" in done.stderr


def test_framework_gap_is_off_until_a_site_turns_it_on(build_site: BuildSite) -> None:
    build_site(site_pages(), plugin={"frameworks": ["annex-iv"]}, strict=True)
    with pytest.raises(Abort):
        build_site(site_pages(), plugin={"frameworks": ["annex-iv"], "lint": {"framework-gap": "warning"}}, strict=True)
    built = build_site(
        site_pages(), plugin={"frameworks": ["annex-iv"], "lint": {"framework-gap": "warning"}}, expect_warnings=True
    )
    [warning] = built.warnings()
    assert "design.status: the design is `approved`, but 5 point(s) of EU AI Act, Annex IV are open" in warning
    assert "2 (partial), 5 (unanswered)" in warning


def test_a_site_of_its_own_maps_its_checklist_in_its_language(tmp_path: Path, build_site: BuildSite) -> None:
    own = tmp_path / "review.yaml"
    own.write_text(
        yaml.safe_dump(
            {
                "title": "Review board",
                "translations": {"de": {"title": "Prüfgremium"}},
                "points": [
                    {
                        "id": "R1",
                        "title": "Baseline",
                        "guidance": "A rule first.",
                        "all": ["modeling.manual_before_ml"],
                    },
                    {
                        "id": "R2",
                        "title": "Either",
                        "guidance": "One of them.",
                        "any": ["evaluation.online", "feedback"],
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    built = build_site(
        site_pages(), plugin={"frameworks": [str(own)]}, extra={"theme": {"name": "mldesign", "language": "de"}}
    )
    page = built.html("face/index.html")
    assert "Prüfgremium: 2 von 2 Punkten beantwortet" in page
    assert "Eine Nachweiskarte, keine Konformitätsbewertung" in page
