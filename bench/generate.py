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


def handwritten_page(i: int, d: dict[str, object]) -> str:
    """What an author would write by hand to show the same design without the plugin."""
    out = [f"# Design {i}", "", f"**Status:** {d['status']} · **Owners:** {', '.join(d['owners'])}", ""]  # type: ignore[arg-type]
    out += ["Narrative notes for design " + str(i) + ".", ""]
    for group, keys in (
        ("Product design", ("background", "value_proposition", "objectives", "solution", "feasibility")),
        ("System design", ("data", "labeling", "metrics", "evaluation", "modeling", "inference", "feedback")),
    ):
        out += [f"## {group}", ""]
        for key in keys:
            out += [f"### {key.replace('_', ' ').capitalize()}", ""]
            value = d.get(key)
            if value is None:
                out += ["*Not written yet.*", ""]
            elif key == "metrics":
                out += ["| Name | Objective | Target | Priority |", "|---|---|---|---|"]
                out += [f"| {m['name']} | {m['objective']} | {m['target']} | {m['priority']} |" for m in value]  # type: ignore[attr-defined,index]
                out.append("")
            elif key == "objectives":
                out += [f"- {o['objective'] if isinstance(o, dict) else o}" for o in value] + [""]  # type: ignore[attr-defined]
            elif isinstance(value, dict):
                for field, sub in value.items():
                    if isinstance(sub, dict):
                        for inner, text in sub.items():
                            out += [f"**{field} {inner}**", "", _md_text(text), ""]
                    else:
                        out += [f"**{field.replace('_', ' ')}**", "", _md_text(sub), ""]
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
        "markdown_extensions": ["tables", "toc"],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return root
