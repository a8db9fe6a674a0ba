"""Synthetic designs for the benchmarks: the same designs as plugin pages and as
hand-written Markdown pages, so the two builds convert the same text."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

WORDS = (
    "model data label metric latency patient queue review drift feature batch online holdout sample threshold "
    "camera consent audit baseline rule pipeline owner service endpoint monitor precision recall"
).split()


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def design(rng: random.Random, i: int) -> dict[str, object]:
    def text() -> str:
        return " ".join(sentence(rng) for _ in range(2))

    full = i % 3 != 0  # two designs in three are complete, the rest leave gaps
    d: dict[str, object] = {
        "id": f"design-{i:05d}",
        "status": rng.choice(["draft", "review", "approved"]) if not full else "review",
        "owners": [f"Team {rng.randint(1, 20)}"],
        "reviewers": ["Safety lead"],
        "version": "1.0",
        "updated": "2026-11-01",
        "background": {"users": text(), "goals": text(), "pains": text()},
        "value_proposition": {"product": text(), "alleviates": text(), "advantages": text()},
        "objectives": [{"objective": sentence(rng), "metric": "accuracy"}, sentence(rng)],
        "solution": {
            "core_features": [sentence(rng), sentence(rng), sentence(rng)],
            "integration": text(),
            "alternatives": text(),
            "constraints": text(),
            "out_of_scope": text(),
        },
        "feasibility": text(),
        "data": {
            "training": {"access": text(), "holdout": text(), "sampling": text(), "considerations": text()},
            "production": {"access": text(), "trust": text()},
        },
        "labeling": {"assumptions": text(), "reality": text(), "decisions": text()},
        "metrics": [
            {"name": "accuracy", "objective": sentence(rng), "target": "0.95", "priority": "primary"},
            {"name": "latency", "objective": sentence(rng), "target": "200 ms", "priority": "guardrail"},
        ],
        "evaluation": {"offline": text(), "online": text()},
        "modeling": {
            "end_to_end_utility": text(),
            "manual_before_ml": text(),
            "augment_vs_automate": text(),
            "internal_vs_external": text(),
            "thorough": text(),
        },
        "inference": {"mode": "online", "online": text()},
        "feedback": {"human_in_the_loop": text(), "monitoring": text()},
    }
    if not full:
        for key in ("labeling", "feedback"):
            d.pop(key)
        d["status"] = "draft"
    return d


def designs(n: int, seed: int = 7) -> list[dict[str, object]]:
    rng = random.Random(seed)
    return [design(rng, i) for i in range(n)]


def plugin_page(i: int, d: dict[str, object]) -> str:
    front = yaml.safe_dump({"title": f"Design {i}", "design": d}, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{front}---\n\nNarrative notes for design {i}.\n"


def _md_text(value: object) -> str:
    if isinstance(value, list):
        return "\n".join(f"- {v}" for v in value)
    return str(value)


def _lookup(value: object, dotted: str) -> object:
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def handwritten_page(i: int, d: dict[str, object]) -> str:
    """The same page an author would write by hand to show what the plugin shows.

    It carries the same information as the plugin's design block: the header, a
    checklist with the question of every gap, the sections grouped and in order,
    field labels, "not written yet" notes with their questions, objectives with
    their metrics and the metrics table. Titles and questions come from the
    template, so both pages hold the same text and only the machinery differs.
    """
    from mkdocs_mldesign.completeness import score_design
    from mkdocs_mldesign.schema import load_template

    template = load_template()
    score = score_design(template, d)
    owners = ", ".join(d["owners"])  # type: ignore[arg-type]
    # The same ordinary front matter as the plugin's page (its title): Material's templates
    # do more work for every page whose meta is not empty, and that is not our machinery.
    out = ["---", f"title: Design {i}", "---", "", f"# Design {i}", ""]
    out += [
        f"**Status:** {d['status']} · **{score.percent}% complete** · **Owners:** {owners} · "
        f"**Reviewers:** {', '.join(d.get('reviewers', []))} · **Version:** {d.get('version')} · "  # type: ignore[arg-type]
        f"**Updated:** {d.get('updated')}",
        "",
        f"Checklist: {sum(s.state == 'complete' for s in score.sections)} of {len(score.sections)} sections complete",
        "",
    ]
    titles = {s.key: s for s in template.sections}
    for s in score.sections:
        section = titles[s.key]
        line = f"- [{section.title}](#{section.key}): {s.state}"
        if s.state == "missing":
            line += f" — {section.description}"
        out.append(line)
        if s.state == "partial":
            fields = {f.key: f for f in section.fields}
            out += [f"    - {fields[m].label}: {fields[m].description}" for m in s.missing if m in fields]
    out += ["", "Narrative notes for design " + str(i) + ".", ""]
    for group in template.groups:
        members = [s for s in template.sections if s.group == group.key and (s.counts or d.get(s.key))]
        if not members:
            continue
        out += [f"## {group.title}", "", group.description, ""]
        for section in members:
            out += [f"### {section.title} {{#{section.key}}}", ""]
            value = d.get(section.key)
            if value is None:
                out += [f"*Not written yet.* {section.description}", ""]
            elif section.key == "metrics":
                out += ["| Name | Objective | Target | Priority |", "|---|---|---|---|"]
                out += [f"| {m['name']} | {m['objective']} | {m['target']} | {m['priority']} |" for m in value]  # type: ignore[attr-defined,index]
                out.append("")
            elif section.key == "objectives":
                for o in value:  # type: ignore[attr-defined]
                    if isinstance(o, dict):
                        out.append(f"- {o['objective']} — measured by [{o['metric']}](#{o['metric']})")
                    else:
                        out.append(f"- {o}")
                out.append("")
            elif section.fields:
                for field in section.fields:
                    text = _lookup(value, field.key)
                    out += [f"**{field.label}**", ""]
                    out += [_md_text(text) if text else f"*Not written yet.* {field.description}", ""]
            else:
                out += [_md_text(value), ""]
    return "\n".join(out)


def write_site(root: Path, n: int, variant: str) -> Path:
    """variant: 'plugin', 'disabled' (plugin pages, plugin enabled: false), 'handwritten'."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for i, d in enumerate(designs(n)):
        page = handwritten_page(i, d) if variant == "handwritten" else plugin_page(i, d)
        (docs / f"design-{i:05d}.md").write_text(page, encoding="utf-8")
    (docs / "index.md").write_text("# Bench\n", encoding="utf-8")
    plugins = ["search"]
    if variant == "plugin":
        plugins.append("mldesign")
    elif variant == "disabled":
        plugins.append({"mldesign": {"enabled": False}})
    config = {
        "site_name": "bench",
        "theme": {"name": "material"},
        "plugins": plugins,
        "markdown_extensions": ["tables", "toc", "attr_list"],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return root
