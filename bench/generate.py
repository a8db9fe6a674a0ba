"""Synthetic design sites for the benchmarks, shaped like real ones.

Every design is as rich as the example site's (lists of users and pains, objectives
tied to metrics, a metrics table, data, evaluation, modeling and inference written
out, inline Markdown and links to other designs), and every text is made of words
drawn for that page alone, so no two pages share a paragraph. A third of the designs
leave sections or fields open, as real drafts do.

Each site comes in three variants built from the same designs:

* ``plugin``: design pages read by the plugin, every output on (canvas, badges, export);
* ``disabled``: the same pages with ``enabled: false``;
* ``handwritten``: the pages an author would write by hand to show what the plugin
  shows (header, checklist with the questions of the gaps, sections with their fields,
  metrics table) and an overview page with the coverage matrix. The texts, titles and
  questions are the same, so only the machinery differs.

The nav is short (the home page and the overview), as on large design sites, unless
``full_nav`` lists every page.
"""

from __future__ import annotations

import json
import random
from functools import cache
from pathlib import Path
from typing import Any

import yaml

# A vocabulary large enough that drawn sentences do not repeat across pages.
WORDS = (
    "model data label metric latency patient queue review drift feature batch online holdout sample threshold "
    "camera consent audit baseline rule pipeline owner service endpoint monitor precision recall clinic nurse "
    "schedule booking reminder outage ledger invoice fraud merchant card payment refund dispute customer agent "
    "ticket routing priority backlog warehouse parcel route driver depot forecast demand stock supplier order "
    "basket search ranking query catalogue listing seller buyer review rating spam abuse report moderator "
    "policy appeal document contract clause signature scan archive retention privacy export region tenant "
    "cluster node shard replica index cache region budget cost quota invoice tariff meter sensor turbine "
    "vibration failure repair technician visit spare part warranty claim insurer premium risk score underwriter "
    "loan applicant income credit limit default collection call transcript summary intent sentiment language "
    "translation glossary subtitle speaker audio noise image defect surface weld inspection line shift operator "
    "yield recipe batch dosage trial cohort endpoint adverse event signal pharmacist prescription allergy chart "
    "note triage symptom referral specialist waiting room capacity bed discharge readmission coding billing "
    "student course lesson quiz grade tutor dropout engagement session click impression campaign creative "
    "bid auction advertiser publisher viewability conversion attribution cohort retention churn plan upgrade"
).split()
TAGS = "nlp vision tabular ranking forecasting fraud health logistics search payments support llm".split()


class Writer:
    """Text for one page: sentences of words drawn for it, with the inline Markdown
    (bold, code, links to other designs) that real designs carry."""

    def __init__(self, rng: random.Random, others: list[str]):
        self.rng = rng
        self.others = others  # other designs' ids, for links

    def sentence(self, low: int = 9, high: int = 22) -> str:
        rng = self.rng
        words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
        roll = rng.random()
        if roll < 0.15:
            at = rng.randrange(len(words))
            words[at] = f"**{words[at]}**"
        elif roll < 0.25:
            at = rng.randrange(len(words))
            words[at] = f"`{words[at]}_{rng.randint(1, 99)}`"
        elif roll < 0.32 and self.others:
            other = rng.choice(self.others)
            words.append(f"(see [{other}]({other}.md))")
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), f"{rng.randint(2, 950)}")
        words[0] = words[0].capitalize()
        return " ".join(words) + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 4)))

    def items(self, low: int = 2, high: int = 4) -> list[str]:
        return [self.sentence() for _ in range(self.rng.randint(low, high))]

    def text_or_items(self) -> str | list[str]:
        return self.paragraph() if self.rng.random() < 0.5 else self.items()


def design(rng: random.Random, i: int, n: int) -> dict[str, Any]:
    ids = [f"design-{j:05d}" for j in rng.sample(range(n), min(n, 4)) if j != i]
    w = Writer(rng, ids[:3])
    metric_names = [f"{rng.choice(WORDS)}_{rng.choice(WORDS)}_{k}" for k in range(rng.randint(2, 4))]
    d: dict[str, Any] = {
        "id": f"design-{i:05d}",
        "status": rng.choice(["review", "approved"]),
        "owners": [f"{rng.choice(WORDS).capitalize()} team", f"Dr. {rng.choice(WORDS).capitalize()} {i}"],
        "reviewers": [f"{rng.choice(WORDS).capitalize()} lead", "ML platform lead"],
        "version": f"{rng.randint(0, 3)}.{rng.randint(0, 9)}",
        "created": f"2026-0{rng.randint(1, 6)}-{rng.randint(10, 28)}",
        "updated": f"2026-{rng.randint(7, 11):02d}-{rng.randint(10, 28)}",
        "depends_on": ids[:1] if rng.random() < 0.4 else [],
        "background": {"users": w.items(), "goals": w.items(), "pains": w.items(2, 5)},
        "value_proposition": {"product": w.paragraph(), "alleviates": w.items(), "advantages": w.items()},
        "objectives": [{"objective": w.sentence(), "metric": name} for name in metric_names],
        "solution": {
            "core_features": w.items(3, 5),
            "integration": w.items(),
            "alternatives": w.text_or_items(),
            "constraints": w.items(),
            "out_of_scope": w.text_or_items(),
        },
        "feasibility": w.paragraph(),
        "data": {
            "training": {
                "access": w.paragraph(),
                "holdout": w.paragraph(),
                "sampling": w.paragraph(),
                "considerations": w.items(),
            },
            "production": {"access": w.paragraph(), "trust": w.paragraph()},
        },
        "labeling": {"assumptions": w.items(1, 2), "reality": w.items(), "decisions": w.paragraph()},
        "metrics": [
            {
                "name": name,
                "objective": w.sentence(),
                "target": f"≤ {rng.randint(1, 40)}%",
                "priority": ["primary", "guardrail", "secondary", "guardrail"][k],
            }
            for k, name in enumerate(metric_names)
        ],
        "evaluation": {"offline": w.paragraph(), "online": w.paragraph()},
        "modeling": {
            "end_to_end_utility": w.paragraph(),
            "manual_before_ml": w.paragraph(),
            "augment_vs_automate": w.paragraph(),
            "internal_vs_external": w.paragraph(),
            "thorough": w.paragraph(),
        },
        "inference": {"mode": "online", "online": w.paragraph()},
        "feedback": {"human_in_the_loop": w.paragraph(), "monitoring": w.items()},
    }
    if i % 3 == 0:  # a draft: some sections left out, some fields open
        d["status"] = "draft"
        for key in rng.sample(["labeling", "evaluation", "feedback", "feasibility", "inference"], 2):
            d.pop(key)
        for key, field in (("solution", "alternatives"), ("data", "production"), ("modeling", "thorough")):
            if rng.random() < 0.6:
                d[key].pop(field)
    return d


def designs(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [design(rng, i, n) for i in range(n)]


def title(i: int) -> str:
    return f"Design {i}"


def body(rng: random.Random, i: int) -> str:
    """The page's own prose below the front matter, distinct per page."""
    w = Writer(rng, [])
    lines = [f"# {title(i)}", "", w.paragraph(), "", w.paragraph(), "", "Open points from the last review:", ""]
    lines += [f"- {s}" for s in w.items(2, 3)]
    return "\n".join(lines) + "\n"


def plugin_page(i: int, d: dict[str, Any], text: str) -> str:
    meta = {"title": title(i), "tags": [TAGS[i % len(TAGS)], TAGS[(i * 7) % len(TAGS)]], "design": d}
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{front}---\n\n{text}"


@cache
def _template() -> Any:
    from mkdocs_mldesign.core.schema import load_template

    return load_template()


def _score(d: dict[str, Any]) -> Any:
    from mkdocs_mldesign.core.completeness import score_design

    return score_design(_template(), d)


def _md(value: object) -> str:
    if isinstance(value, list):
        return "\n".join(f"- {v}" for v in value)
    return str(value)


def _lookup(value: object, dotted: str) -> object:
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _metric_anchor(name: str) -> str:
    return "metric-" + name.replace("_", "-")


def handwritten_page(i: int, d: dict[str, Any], text: str) -> str:
    """What an author would write by hand to show what the plugin shows: the header,
    the checklist with the question of every gap, the sections grouped and in order with
    their field labels, "not written yet" notes with their questions, objectives linked
    to their metrics and the metrics table. Titles and questions come from the template."""
    template = _template()
    score = _score(d)
    tags = [TAGS[i % len(TAGS)], TAGS[(i * 7) % len(TAGS)]]
    out = ["---", f"title: {title(i)}", f"tags: [{', '.join(tags)}]", "---", ""]
    head, _, rest = text.partition("\n")
    out += [head, ""]
    depends = ", ".join(f"[{x}]({x}.md)" for x in d.get("depends_on", []))
    out += [
        f"**Status:** {d['status']} · **{score.percent}% complete** · [One-page canvas](#) · "
        f"![Completeness badge](https://img.example/badge.svg)",
        "",
        f"**Owners:** {', '.join(d['owners'])} · **Reviewers:** {', '.join(d['reviewers'])} · "
        f"**Version:** {d['version']} · **Updated:** {d['updated']} · **Created:** {d['created']} · "
        f"**Tags:** {', '.join(tags)}",
        "",
    ]
    if depends:
        out += [f"**Depends on:** {depends}", ""]
    done = sum(s.state == "complete" for s in score.sections)
    out += [f'??? abstract "Checklist: {done} of {len(score.sections)} sections complete · {score.percent}%"', ""]
    sections = {s.key: s for s in template.sections}
    for s in score.sections:
        section = sections[s.key]
        out.append(f"    - [{section.title}](#{section.key}): {s.state}")
        if s.state == "missing":
            out.append(f"        - {section.description}")
        elif s.state == "partial":
            fields = {f.key: f for f in section.fields}
            out += [f"        - **{fields[m].label}**: {fields[m].description}" for m in s.missing if m in fields]
    out.append("")
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
                out += [
                    f"| {m['name']} {{#{_metric_anchor(m['name'])}}} | {m['objective']} | {m['target']} "
                    f"| {m['priority']} |"
                    for m in value
                ]
                out.append("")
            elif section.key == "objectives":
                for o in value:
                    out.append(f"- {o['objective']}  \n  measured by [{o['metric']}](#{_metric_anchor(o['metric'])})")
                out.append("")
            elif section.fields:
                for field in section.fields:
                    found = _lookup(value, field.key)
                    out += [f"**{field.label}**", ""]
                    out += [_md(found) if found else f"*Not written yet.* {field.description}", ""]
            else:
                out += [_md(value), ""]
    out += [rest.lstrip("\n"), ""]
    return "\n".join(out)


def handwritten_overview(all_designs: list[dict[str, Any]]) -> str:
    """The overview an author would keep by hand: every design with its status,
    completeness and owners, and the coverage matrix (one column per section)."""
    template = _template()
    keys = [s.key for s in template.sections if s.counts]
    titles = {s.key: s.title for s in template.sections}
    out = ["---", "title: Designs", "hide: [toc]", "---", "", "# Designs", ""]
    out += ["| Design | Status | Completeness | Owners | Updated |", "|---|---|---:|---|---|"]
    scores = [_score(d) for d in all_designs]
    for i, (d, score) in enumerate(zip(all_designs, scores, strict=True)):
        out.append(
            f"| [{title(i)}]({d['id']}.md) | {d['status']} | {score.percent}% | {', '.join(d['owners'])} "
            f"| {d['updated']} |"
        )
    out += ["", "## Coverage", "", "| Design | " + " | ".join(titles[k] for k in keys) + " |"]
    out.append("|---|" + "---|" * len(keys))
    for i, score in enumerate(scores):
        states = {s.key: s.state for s in score.sections}
        out.append(f"| [{title(i)}]({all_designs[i]['id']}.md) | " + " | ".join(states.get(k, "") for k in keys) + " |")
    return "\n".join(out) + "\n"


def write_site(root: Path, n: int, variant: str, *, full_nav: bool = False) -> Path:
    """Write the `variant` ('plugin', 'disabled' or 'handwritten') of the n-design site."""
    docs = root / "docs"
    folder = docs / "designs"
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(11)
    all_designs = designs(n)
    for i, d in enumerate(all_designs):
        text = body(rng, i)
        page = handwritten_page(i, d, text) if variant == "handwritten" else plugin_page(i, d, text)
        (folder / f"{d['id']}.md").write_text(page, encoding="utf-8")
    if variant == "handwritten":
        (folder / "index.md").write_text(handwritten_overview(all_designs), encoding="utf-8")
    (docs / "index.md").write_text("# Design portal\n\nEvery design is listed in the overview.\n", encoding="utf-8")
    plugins: list[Any] = ["search"]
    if variant == "plugin":
        plugins.append("mldesign")
    elif variant == "disabled":
        plugins.append({"mldesign": {"enabled": False}})
    nav: list[Any] = ["index.md", {"Designs": "designs/index.md"}]
    if full_nav:
        nav.append({"All designs": [f"designs/{d['id']}.md" for d in all_designs]})
    config = {
        "site_name": "bench",
        "theme": {"name": "material"},
        "plugins": plugins,
        "markdown_extensions": ["admonition", "pymdownx.details", "tables", "attr_list", {"toc": {"permalink": True}}],
        "nav": nav,
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return root


def write_evidence_site(root: Path, n: int) -> Path:
    """The plugin site of n designs where every design names a results file of its own
    beside its page (its metrics measured, some targets met and some not), with two
    configs: `mkdocs.yml` reads the evidence, `mkdocs.no-evidence.yml` is the same site
    with `evidence: false`."""
    write_site(root, n, "plugin")
    rng = random.Random(13)
    folder = root / "docs" / "designs"
    for page in sorted(folder.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        _, front, body_text = text.split("---\n", 2)
        meta = yaml.safe_load(front)
        design = meta["design"]
        results = {"date": "2026-11-30T05:00:00Z", "eval": {}}
        for metric in design["metrics"]:
            metric["measured_as"] = f"eval.{metric['name']}"
            results["eval"][metric["name"]] = round(rng.uniform(0.0, 0.45), 4)
        design["evidence"] = [{"results": f"{page.stem}.results.json"}]
        (folder / f"{page.stem}.results.json").write_text(json.dumps(results), encoding="utf-8")
        page.write_text(
            f"---\n{yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)}---\n{body_text}",
            encoding="utf-8",
        )
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = ["search", {"mldesign": {"evidence": False}}]
    (root / "mkdocs.no-evidence.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return root
