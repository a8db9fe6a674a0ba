"""A Hugging Face model card written from a design: metadata that `huggingface_hub` reads
(`model-index` with the measured metrics, tags, and the fields an extension adds under
the names model cards use, such as `license`) and sections filled from the design.

A section the design does not answer says so, with the template's question, rather than
being left out: a card that is silent about its limitations reads as having none. Pure
string work: `mldesign export model-card` and the site's `model_cards` option write it.
"""

from __future__ import annotations

from typing import Any

import yaml

from mkdocs_mldesign.core.completeness import is_filled, is_na, lookup
from mkdocs_mldesign.core.design import Design
from mkdocs_mldesign.core.labels import Labels
from mkdocs_mldesign.core.schema import Template

#: Metadata keys of a model card that a design may carry (through an extension schema),
#: copied as they are written.
CARD_KEYS = ("license", "license_name", "license_link", "library_name", "pipeline_tag", "base_model", "datasets")

#: The card's sections, in order: a label key and the design's fields that fill it.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("modelcard.intended_use", ("background", "value_proposition")),
    ("modelcard.out_of_scope", ("solution.out_of_scope",)),
    ("modelcard.limitations", ("solution.constraints",)),
    ("modelcard.training_data", ("data.training",)),
    ("modelcard.evaluation", ("evaluation.offline", "metrics")),
    ("modelcard.oversight", ("feedback",)),
)


def model_card(design: Design, template: Template, labels: Labels, *, page_url: str = "") -> str:
    """The model card of `design`, in the site's language where its labels exist."""
    meta: dict[str, Any] = {"language": [labels.language.split("-")[0]]}
    for key in CARD_KEYS:
        value = design.data.get(key)
        if is_filled(value) and isinstance(value, str | list):
            meta[key] = value
    meta["tags"] = [*design.tags, "mldesign"]
    measured = [c for c in design.checks if c.measured is not None]
    if measured:
        meta["model-index"] = [
            {
                "name": design.id,
                "results": [
                    {
                        "task": {"type": str(design.data.get("pipeline_tag") or "other"), "name": design.title},
                        "dataset": {"name": labels("modelcard.dataset"), "type": "evaluation"},
                        "metrics": [
                            {"type": c.name, "value": c.measured.value} for c in measured if c.measured is not None
                        ],
                    }
                ],
            }
        ]
    lines = [
        "---",
        yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).rstrip(),
        "---",
        "",
        f"# {design.title}",
        "",
    ]
    product = lookup(design.data, "value_proposition.product")
    if is_filled(product):
        lines += [_markdown(product), ""]
    about = labels("modelcard.about", status=labels.status(design.status), version=design.version or "–")
    lines += [f"_{about}_" + (f" ([{labels('modelcard.design')}]({page_url}))" if page_url else ""), ""]
    for key, paths in SECTIONS:
        lines += [f"## {labels(key)}", ""]
        lines += _answer(design, template, labels, paths)
    lines += [f"## {labels('modelcard.results')}", ""]
    if measured:
        lines += [
            f"| {labels('metrics.metric')} | {labels('metrics.target')} | {labels('metrics.measured')} | |",
            "|---|---|---|---|",
        ]
        for c in design.checks:
            if c.measured is None:
                continue
            verdict = labels(f"verdict.{c.verdict}")
            lines.append(
                f"| {_cell(c.name)} | {_cell(c.target)} | {_cell(c.shown or str(c.measured.value))} | {verdict} |"
            )
        lines.append("")
    else:
        lines += [f"_{labels('modelcard.no_results')}_", ""]
    lines += [f"_{labels('modelcard.generated')}_", ""]
    return "\n".join(lines)


def _answer(design: Design, template: Template, labels: Labels, paths: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for path in paths:
        head, _, rest = path.partition(".")
        section = template.section(head)
        value = design.data.get(head)
        if section is None:
            continue
        if is_na(value):
            reason = value.get("na") if isinstance(value, dict) else ""
            out += [f"{labels('section.na')} {reason if isinstance(reason, str) else ''}".rstrip(), ""]
            continue
        if head == "metrics":
            out += _metrics(design)
            continue
        fields = [f for f in section.fields if not rest or f.key == rest or f.key.startswith(rest + ".")]
        if not fields:
            text = lookup(design.data, path)
            out += [_markdown(text), ""] if is_filled(text) else [f"> {section.description}", ""]
            continue
        for f in fields:
            text = lookup(value, f.key)
            title = f.label if not rest else f.title
            if is_filled(text):
                out += [
                    f"**{title}.** {_markdown(text)}" if isinstance(text, str) else f"**{title}.**\n\n{_markdown(text)}"
                ]
            else:
                out += [f"**{title}.** _{labels('modelcard.unanswered', question=f.description)}_"]
            out.append("")
    return out or [f"_{labels('modelcard.unanswered', question='')}_", ""]


def _metrics(design: Design) -> list[str]:
    rows = [m for m in design.data.get("metrics") or [] if isinstance(m, dict) and isinstance(m.get("name"), str)]
    if not rows:
        return []
    out = []
    for m in rows:
        target = f": {m['target']}" if is_filled(m.get("target")) else ""
        priority = f" ({m['priority']})" if isinstance(m.get("priority"), str) else ""
        out.append(f"- `{m['name']}`{target}{priority}")
    return [*out, ""]


def _markdown(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(f"- {v}" for v in value if is_filled(v) and not isinstance(v, dict | list))
    return str(value).strip()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
