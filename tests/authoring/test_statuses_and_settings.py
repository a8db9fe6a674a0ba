"""Site settings for authoring: the `lint` mapping and a site's own statuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mkdocs_mldesign.core.design import Checker
from mkdocs_mldesign.core.lint import RULES, check_lint_settings, lint_design, parse_lint_settings, reached_review
from mkdocs_mldesign.core.schema import load_template
from mkdocs_mldesign.core.settings import DEFAULT_STATUSES, Settings, SettingsError, parse_statuses
from mkdocs_mldesign.core.site import Site
from mkdocs_mldesign.project.check import check_paths
from tests.designs import TODAY, good
from tests.designs import design_page as page

# --- lint settings -------------------------------------------------------------------------


def test_every_rule_and_level_is_accepted() -> None:
    mapping = {r.id: level for r, level in zip(RULES, ["error", "warning", "off"] * 4, strict=False)}
    assert parse_lint_settings(mapping) == mapping
    check_lint_settings(mapping)  # does not raise
    assert parse_lint_settings(None) == {}


def test_a_bare_off_from_yaml_becomes_off() -> None:
    assert parse_lint_settings({"stale": False}) == {"stale": "off"}


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (
            {"stael": "off"},
            "lint names an unknown rule `stael` (did you mean `stale`?); "
            "known rules: approved-version, complete-status",
        ),
        ({"schema-required": "off"}, "lint names an unknown rule `schema-required`"),
        ({"stale": "loud"}, "lint.stale must be error, warning or off, not `loud`"),
        ({"stale": True}, "lint.stale must be error, warning or off, not `True`"),
        (["stale"], "lint must be a mapping of rule ids to error, warning or off"),
    ],
)
def test_bad_lint_settings_are_refused_with_a_clear_message(mapping: Any, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        check_lint_settings(mapping)
    assert message in str(caught.value)


# --- statuses --------------------------------------------------------------------------------

CUSTOM = [
    {"name": "proposed", "color": "#64748b"},
    {"name": "accepted", "color": "#16a34a", "complete": True},
    "retired",
]


def custom_settings(**extra: Any) -> Settings:
    return Settings(statuses=parse_statuses(CUSTOM), **extra)


def test_custom_statuses_are_parsed_in_order() -> None:
    statuses = parse_statuses(CUSTOM)
    assert [s.name for s in statuses] == ["proposed", "accepted", "retired"]
    assert [s.requires_complete for s in statuses] == [False, True, False]
    assert statuses[2].color == "#78909c"  # a name alone gets the neutral colour
    assert parse_statuses(None) == DEFAULT_STATUSES


def test_the_template_follows_the_site_statuses(tmp_path: Path) -> None:
    settings = custom_settings()
    checker = Checker(load_template(statuses=list(settings.status_names)))
    assert checker.template.statuses == ("proposed", "accepted", "retired")
    ok = checker.check_source(page({"status": "proposed", "owners": ["T"]}), src_uri="a.md")
    assert ok.design is not None
    assert ok.design.problems == []
    refused = checker.check_source(page({"status": "approved", "owners": ["T"]}), src_uri="b.md")
    assert refused.design is not None
    [problem] = refused.design.problems
    assert (problem.rule, problem.field) == ("schema-enum", "design.status")
    assert problem.hint == "did you mean `proposed`? use one of: proposed, accepted, retired"


def test_complete_true_drives_complete_status() -> None:
    settings = custom_settings()
    checker = Checker(load_template(statuses=list(settings.status_names)))
    incomplete = {"status": "accepted", "owners": ["T"], "updated": "2026-11-01"}
    result = checker.check_source(page(incomplete), src_uri="a.md")
    assert result.design is not None
    found = lint_design(result.design, checker.template, settings, TODAY)
    assert sorted(p.rule for p in found) == ["complete-status", "manual-baseline"]
    complete_status = next(p for p in found if p.rule == "complete-status")
    assert "the design is `accepted` but 0% complete" in complete_status.message
    # The same gaps under a status that does not demand completeness: not this rule.
    result = checker.check_source(page({**incomplete, "status": "proposed"}), src_uri="b.md")
    assert result.design is not None
    assert lint_design(result.design, checker.template, settings, TODAY) == []


def test_a_site_may_let_approved_designs_be_incomplete(checker: Checker) -> None:
    relaxed = Settings(statuses=parse_statuses(["draft", "review", {"name": "approved", "complete": False}]))
    design = checker.check_source(page(good(labeling=None)), src_uri="a.md").design
    assert design is not None
    assert [p.rule for p in lint_design(design, checker.template, Settings(), TODAY)] == ["complete-status"]
    assert lint_design(design, checker.template, relaxed, TODAY) == []


def test_stale_follows_complete_true() -> None:
    settings = custom_settings()
    checker = Checker(load_template(statuses=list(settings.status_names)))
    result = checker.check_source(page(good(status="accepted", updated="2020-01-01")), src_uri="a.md")
    assert result.design is not None
    assert [p.rule for p in lint_design(result.design, checker.template, settings, TODAY)] == ["stale"]


def test_review_or_later_follows_the_site_order() -> None:
    defaults = Settings()
    assert [reached_review(s, defaults) for s in ("draft", "review", "approved", "deprecated", "nope")] == [
        False,
        True,
        True,
        True,
        False,
    ]
    # Without a `review` status, every status after the first one counts.
    custom = custom_settings()
    assert [reached_review(s, custom) for s in ("proposed", "accepted", "retired")] == [False, True, True]
    # Order comes from `order`, not from the position in the list.
    shuffled = Settings(statuses=parse_statuses([{"name": "review", "order": 5}, {"name": "idea", "order": 1}, "x"]))
    assert [s.name for s in shuffled.statuses] == ["idea", "x", "review"]
    assert [reached_review(s, shuffled) for s in ("idea", "x", "review")] == [False, False, True]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([{"name": "draft", "colour": "red"}], "statuses[0] has unknown keys: colour"),
        (["draft", "review", "draft"], "statuses names must be unique; repeated: draft"),
        (["draft", {"name": "review", "order": "2"}], "statuses[1].order must be a whole number"),
        ([{"name": "approved", "complete": "yes"}], "statuses[0].complete must be true or false"),
        ([{"color": "#fff"}], "statuses[0] needs a `name`"),
        ([{"name": "  "}], "statuses[0] needs a `name`"),
        ([["draft"]], "statuses[0] must be a status name or a mapping"),
        ([{"name": "draft", "color": ""}], "statuses[0].color must be a CSS colour"),
    ],
)
def test_bad_status_config_is_refused_with_a_clear_message(raw: list[Any], message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        parse_statuses(raw)
    assert message in str(caught.value)


def test_check_paths_uses_the_site_statuses_and_lint_levels(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text(page({"status": "accepted", "owners": ["T"]}), encoding="utf-8")
    (docs / "b.md").write_text(page({"status": "draft", "owners": ["T"]}), encoding="utf-8")
    settings = custom_settings(lint={"complete-status": "warning"})
    report = check_paths(Site.load(settings), [(docs, docs)], today=TODAY)
    found = sorted((p.file.rsplit("/", 1)[-1], p.rule, p.severity) for p in report.all_problems())
    assert found == [
        ("a.md", "complete-status", "warning"),
        ("a.md", "manual-baseline", "warning"),
        ("b.md", "schema-enum", "error"),  # `draft` is not a status of this site
    ]
