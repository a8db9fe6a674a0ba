"""Evidence in real builds: results files and model cards read by MkDocs, the command
line and the Zensical stage, and what the pages, the overview, the badge and the export
show of them."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from tests.conftest import BuildSite, Capture, mkdocs_build, run_mldesign, write_site
from tests.designs import design_page, good

METRICS = [
    {"name": "recall", "target": ">= 97%", "priority": "primary", "measured_as": "test.recall"},
    {"name": "false_match_rate", "target": "<= 0.1%", "priority": "guardrail", "measured_as": "test.fmr"},
    {"name": "p95_latency", "target": "< 300 ms", "priority": "guardrail", "unit": "s"},
    {"name": "coverage", "target": "as wide as today's rules", "priority": "secondary"},
]
MET = {"test": {"recall": 0.974, "fmr": 0.0008}, "p95_latency": 0.21, "coverage": 0.83, "model": "v3"}


def page(evidence: list[dict[str, Any]], **changes: Any) -> str:
    return design_page(good(metrics=METRICS, evidence=evidence, updated="2026-11-01", **changes), title="Face match")


def results(values: dict[str, Any]) -> str:
    return json.dumps(values)


def test_a_design_whose_targets_are_met_shows_it_everywhere(build_site: BuildSite) -> None:
    built = build_site(
        {
            "index.md": "# Home\n",
            "face.md": page([{"results": "eval/results.json"}]),
            "eval/results.json": results(MET),
        },
        strict=True,
    )
    html = built.html("face/index.html")
    table = html[html.index('class="mldesign-table mldesign-metrics"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr id=\"mldesign-metric-([a-z0-9-]+)\">(.*?)</tr>", table)
    cells = {name: re.sub(r"<[^>]+>", " ", row) for name, row in rows}
    assert "97.4%" in cells["recall"]
    assert "met" in cells["recall"]
    assert "0.08%" in cells["false-match-rate"]
    assert "210 ms" in cells["p95-latency"]  # logged in seconds, read in the target's unit
    assert "not checkable" in cells["coverage"]
    assert "0.83" in cells["coverage"]
    assert "results eval/results.json" in cells["recall"]
    assert "mldesign-verdict--not-met" not in table
    assert re.search(r'class="mldesign-targets mldesign-targets--met"[^>]*>.*?3 of 3', html)

    export = json.loads(built.html("designs.json"))
    assert export["format"] == 4
    entry = export["designs"][0]
    assert entry["evidence"] is True
    recall = entry["metrics"][0]
    assert recall["name"] == "recall"
    assert recall["target"] == ">= 97%"
    assert recall["priority"] == "primary"
    assert recall["measured"]["value"] == 0.974
    assert recall["measured"]["verdict"] == "met"
    assert recall["measured"]["source"] == "results eval/results.json"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", recall["measured"]["date"])
    assert [m["measured"]["verdict"] for m in entry["metrics"]] == ["met", "met", "met", "not-checkable"]

    badge = built.html("badges/good-targets.svg")
    assert "targets: 3 of 3 met" in badge
    assert "#2e7d32" in badge
    overview = built.html("designs/index.html")
    assert 'data-mldesign-filter="targets"' in overview
    assert 'data-mldesign-targets="met"' in overview
    assert ">Targets<" in overview

    canvas = built.html("canvas/good.html")
    assert "mldesign-verdict--met" in canvas
    assert "97.4%" in canvas


def test_a_missed_guardrail_is_a_located_warning_and_fails_a_strict_build(build_site: BuildSite) -> None:
    missed = {**MET, "test": {"recall": 0.98, "fmr": 0.003}}
    pages = {"face.md": page([{"results": "eval/results.json"}]), "eval/results.json": results(missed)}
    built = build_site(pages, expect_warnings=True)
    text = built.html("face/index.html")
    assert re.search(r'mldesign-verdict--not-met".*?not met', text)
    [warning] = built.warnings()
    line = page([{"results": "eval/results.json"}]).split("\n").index("  - name: false_match_rate") + 2
    assert f"docs/face.md:{line}:13: " in warning
    assert "design.metrics[1].target: " in warning
    assert "the guardrail metric `false_match_rate` measured 0.3%" in warning
    overview = built.html("designs/index.html")
    assert 'data-mldesign-targets="not-met"' in overview
    assert built.html("badges/good-targets.svg").count("#c62828") == 1
    with pytest.raises(Abort):
        build_site(pages, strict=True, expect_warnings=True)


def test_a_results_file_beside_mkdocs_yml_is_read_and_one_outside_the_project_is_not(
    tmp_path: Path, capture_mkdocs_log: Capture
) -> None:
    root = tmp_path / "project"
    (root / "results").mkdir(parents=True)
    (root / "results" / "metrics.yaml").write_text(yaml.safe_dump(MET), encoding="utf-8")
    (tmp_path / "secret.json").write_text(results(MET), encoding="utf-8")
    evidence = [{"results": "../results/metrics.yaml"}, {"results": "../../secret.json"}]
    write_site(root, {"face.md": page(evidence)})
    build(load_config(str(root / "mkdocs.yml")))
    warnings = [r.getMessage() for r in capture_mkdocs_log.records if r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert (
        "design.evidence[1].results: the results file `../../secret.json` is outside the site's project folder"
        in (warnings[0])
    )
    export = json.loads((root / "site" / "designs.json").read_text(encoding="utf-8"))
    assert [m["measured"]["verdict"] for m in export["designs"][0]["metrics"]] == ["met", "met", "met", "not-checkable"]


def test_a_hugging_face_model_card_is_read_offline(tmp_path: Path, capture_mkdocs_log: Capture) -> None:
    from huggingface_hub import EvalResult, ModelCard, ModelCardData

    def result(kind: str, value: float, name: str | None = None) -> EvalResult:
        return EvalResult(
            task_type="image-classification",
            dataset_type="internal",
            dataset_name="holdout",
            metric_type=kind,
            metric_value=value,
            metric_name=name,
        )

    data = ModelCardData(
        license="mit",
        model_name="face-match",
        eval_results=[result("recall", 0.99, "Recall"), result("fmr", 0.0002), result("p95_latency", 0.5)],
    )
    root = tmp_path / "site"
    card = root / "model" / "README.md"
    card.parent.mkdir(parents=True)
    ModelCard.from_template(data, model_description="Matches faces.").save(card)
    metrics = [{**METRICS[0], "measured_as": "Recall"}, {**METRICS[1], "measured_as": "fmr"}, *METRICS[2:]]
    write_site(root, {"face.md": design_page(good(metrics=metrics, evidence=[{"model_card": "../model/README.md"}]))})
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    assert ModelCard.load(card).data.eval_results[0].metric_value == 0.99  # a card huggingface_hub reads
    build(load_config(str(root / "mkdocs.yml")))
    warnings = [r.getMessage() for r in capture_mkdocs_log.records if r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert "the guardrail metric `p95_latency` measured 500 ms" in warnings[0]
    export = json.loads((root / "site" / "designs.json").read_text(encoding="utf-8"))
    measured = [m["measured"] for m in export["designs"][0]["metrics"]]
    assert [m["verdict"] for m in measured] == ["met", "met", "not-met", "not-checkable"]
    assert measured[0]["source"] == "model card ../model/README.md"
    assert env["HF_HUB_OFFLINE"] == "1"


def test_the_command_line_and_the_zensical_stage_judge_the_same(tmp_path: Path) -> None:
    from mkdocs_mldesign.routes.zensical.stage import stage

    missed = {**MET, "p95_latency": 0.45}
    write_site(tmp_path, {"face.md": page([{"results": "eval/r.json"}]), "eval/r.json": results(missed)})
    done = run_mldesign("check", cwd=tmp_path)
    assert done.returncode == 0, done.stdout  # a warning, not an error
    assert run_mldesign("check", "--strict", cwd=tmp_path).returncode == 1  # as `mkdocs build --strict`
    assert "docs/face.md: good [approved] 100% complete, targets met: 2 of 3" in done.stdout
    [line] = [x for x in done.stdout.splitlines() if "target-not-met" in x]
    assert (
        ": warning target-not-met design.metrics[2].target: the guardrail metric `p95_latency` measured 450 ms" in line
    )
    quiet = run_mldesign("check", "--no-evidence", cwd=tmp_path)
    assert "target-not-met" not in quiet.stdout
    assert "targets met: 0 of 3" in quiet.stdout
    staged = stage(tmp_path / "mkdocs.yml")
    [problem] = [p for p in staged.report.all_problems() if p.rule == "target-not-met"]
    assert line.startswith(f"{problem.location()}: warning target-not-met")


def test_evidence_can_be_turned_off(build_site: BuildSite) -> None:
    built = build_site(
        {"face.md": page([{"results": "missing.json"}])},
        plugin={"evidence": False},
    )
    export = json.loads(built.html("designs.json"))
    assert [m["measured"]["verdict"] for m in export["designs"][0]["metrics"]] == [
        "no-evidence",
        "no-evidence",
        "no-evidence",
        "not-checkable",
    ]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("evidence_timeout", 0, "`evidence_timeout` must be a number of seconds between 0 and 600"),
        ("mlflow_tracking_uri", "file:///tmp/mlruns", "`mlflow_tracking_uri` must be the http(s) address"),
        ("mlflow_tracking_uris", ["sqlite:///x.db"], "`mlflow_tracking_uris` must be a list of http(s) addresses"),
        ("evidence_max_age_days", -1, "`evidence_max_age_days` must be a whole number of days"),
    ],
)
def test_a_bad_evidence_option_names_its_line(tmp_path: Path, option: str, value: Any, message: str) -> None:
    write_site(tmp_path, {"index.md": "# Home\n"}, plugin={option: value})
    done = mkdocs_build(tmp_path)
    assert done.returncode != 0
    assert message in done.stderr
    assert "mkdocs.yml:" in done.stderr
    assert "Traceback" not in done.stderr
