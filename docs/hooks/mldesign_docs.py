"""This documentation site's hooks, and the reference pages they generate from the code.

Docs-only code: it lives here, beside the docs, not in the package users install.

Each function returns one Markdown page and reads its facts from where they live:

- `config_reference()`: the plugin's options from `MLDesignConfig`: the type and
  default from the config option objects, the text from the docstring written under
  each option (read from the source with `ast`, as Python keeps no attribute
  docstrings at run time);
- `schema_reference(template)`: every group, section and field of a template, in
  template order, with the types and allowed values read from its JSON Schema;
- `cli_reference()`: the help of `mldesign` and of each subcommand, from the same
  argparse parser the command runs;
- `pages()`: all of them, keyed by their path in the docs;
- `refresh_lint_rules(text)`: the lint rules page (`docs/lint-rules.md`) with the
  table of `lint.RULES` between its markers brought up to date.

`on_files` adds the pages to every build of the docs, so they are never edited by
hand; `on_page_markdown` brings the rules table of `lint-rules.md` up to date and
warns when the file itself is stale (so `mkdocs build --strict` fails until someone
pastes the current table into it).
"""

from __future__ import annotations

import argparse
import ast
import inspect
import itertools
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from mkdocs_mldesign.core.completeness import PLACEHOLDERS
from mkdocs_mldesign.core.lint import RULES
from mkdocs_mldesign.core.schema import JSON, Section, Template, forms, is_na_form, load_template, resolve

HELP_WIDTH = 88

# Words a YAML author uses for the JSON types.
_TYPE_NAMES = {
    "string": "string",
    "number": "number",
    "integer": "integer",
    "boolean": "boolean",
    "object": "mapping",
    "array": "list",
    "null": "null",
}
_PLURALS = {
    "string": "strings",
    "number": "numbers",
    "integer": "integers",
    "boolean": "booleans",
    "mapping": "mappings",
    "list": "lists",
}
_PY_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number", dict: "mapping", list: "list"}


def _cell(text: str) -> str:
    """Text that fits in one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _code(value: object) -> str:
    return f"`{value}`"


# --- the plugin's options ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OptionDoc:
    """One option of the plugin as the reference shows it."""

    name: str
    type: str
    default: str  # as written in mkdocs.yml; "" when the option is unset by default
    doc: str


def attribute_docstrings(source: str, class_name: str) -> dict[str, str]:
    """The docstring under each attribute of a class, from its source.

    An attribute is an assignment (`name = ...` or `name: T = ...`) directly in the
    class body; its docstring is a string literal in the statement right after it.
    Attributes without one are left out.
    """
    tree = ast.parse(source)
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.ClassDef) and node.name == class_name):
            continue
        body = node.body
        for stmt, after in itertools.pairwise(body):
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target = stmt.targets[0]
            elif isinstance(stmt, ast.AnnAssign):
                target = stmt.target
            else:
                continue
            if not isinstance(target, ast.Name):
                continue
            if (
                isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                found[target.id] = inspect.cleandoc(after.value.value)
        return found
    raise LookupError(f"no class {class_name} in the source given")


def _type_name(types: object) -> str:
    if isinstance(types, tuple):
        return " or ".join(_type_name(t) for t in types)
    if isinstance(types, type):
        return _PY_TYPES.get(types, types.__name__)
    return str(types)


def _yaml_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value
    return json.dumps(value)  # an empty {} or [] reads the same in YAML


def _describe_option(option: Any) -> str:
    """The type of a config option as a reader of mkdocs.yml would put it."""
    from mkdocs.config import config_options as c

    if isinstance(option, c.Optional):
        return _describe_option(option.option)
    if isinstance(option, c.Choice):
        return "one of " + ", ".join(_code(v) for v in option.choices)
    if isinstance(option, c.File):
        kind = "path to an existing file" if option.exists else "path to a file"
        return f"{kind}, relative to `mkdocs.yml`"
    if isinstance(option, c.Dir):
        return "path to a folder, relative to `mkdocs.yml`"
    if isinstance(option, c.Type):
        return _type_name(option._type)
    return type(option).__name__


def config_options() -> list[OptionDoc]:
    """Every option of the plugin, in the order `MLDesignConfig` declares them."""
    from mkdocs_mldesign.routes.mkdocs import config

    source = inspect.getsource(config)
    docs = attribute_docstrings(source, config.MLDesignConfig.__name__)
    out = []
    for name, option in config.MLDesignConfig._schema:
        out.append(OptionDoc(name, _describe_option(option), _yaml_value(option.default), docs.get(name, "")))
    return out


def _first_sentence(text: str) -> str:
    paragraph = " ".join(text.split("\n\n")[0].split())
    end = paragraph.find(". ")
    return paragraph if end == -1 else paragraph[: end + 1]


def config_reference() -> str:
    """The configuration reference page: every option, its type, default and meaning."""
    options = config_options()
    lines = [
        "# Plugin options",
        "",
        "<!-- Generated from mkdocs_mldesign.routes.mkdocs.config.MLDesignConfig by docs/hooks/mldesign_docs.py;"
        " do not edit by hand. -->",
        "",
        "Every option of the `mldesign` plugin, in the order the plugin declares them. This page is",
        "generated at build time from the plugin's configuration class: the types and defaults come",
        "from the option objects MkDocs validates, the text from the docstring under each option.",
        "",
        "All options are optional. With none given, the plugin runs on its defaults:",
        "",
        "```yaml",
        "plugins:",
        "  - search",
        "  - mldesign:",
    ]
    for o in options:
        if o.default:
            lines.append(f"      {o.name}: {o.default}")
        else:
            lines.append(f"      # {o.name}: not set by default")
    lines += ["```", "", "| Option | Type | Default | Summary |", "|---|---|---|---|"]
    for o in options:
        default = _code(o.default) if o.default else "not set"
        lines.append(
            f"| [`{o.name}`](#{o.name}) | {_cell(o.type)} | {_cell(default)} | {_cell(_first_sentence(o.doc))} |"
        )
    lines.append("")
    for o in options:
        default = _code(o.default) if o.default else "not set"
        lines += [
            f"## `{o.name}` {{#{o.name}}}",
            "",
            f"**Type:** {o.type} · **Default:** {default}",
            "",
            o.doc or "*Not documented.*",
            "",
        ]
    lines += [
        "## `enabled` {#enabled}",
        "",
        "**Type:** boolean · **Default:** `true`",
        "",
        "Given by MkDocs 1.6 to every plugin rather than by this one: `enabled: false` leaves the",
        "plugin out of the build entirely, so design front matter is neither checked nor rendered.",
        "A common use is `enabled: !ENV [MLDESIGN, true]`, to turn it off for a quick local preview.",
        "",
    ]
    return "\n".join(lines)


# --- the design schema ---------------------------------------------------------------


def _def_name(node: Any) -> str | None:
    ref = node.get("$ref") if isinstance(node, dict) else None
    if isinstance(ref, str) and ref.startswith("#/$defs/") and ref.count("/") == 2:
        return ref.rsplit("/", 1)[1]
    return None


def _def_link(name: str) -> str:
    return f"[{name}](#type-{name})"


def _plural(kind: str) -> str:
    """`string` -> `strings`, `non-empty string matching ...` -> `non-empty strings matching ...`."""
    for singular, plural in _PLURALS.items():
        if kind == singular or kind.startswith(f"{singular} ") or kind.endswith(f" {singular}"):
            return kind.replace(singular, plural, 1)
        if f" {singular} " in kind:
            return kind.replace(f" {singular} ", f" {plural} ", 1)
    return kind


def describe_type(schema: JSON, node: Any, *, link_defs: bool = True) -> str:
    """A short, readable account of what a schema node accepts.

    A reference to a shared type (`#/$defs/<name>`) becomes a link to `#type-<name>`
    unless `link_defs` is false; JSON types get the names a YAML author uses.
    """
    name = _def_name(node)
    if name is not None and link_defs:
        return _def_link(name)
    node = resolve(schema, node)
    if "enum" in node:
        return "one of " + ", ".join(_code(v) for v in node["enum"])
    if "const" in node:
        return f"exactly {_code(node['const'])}"
    raw = node.get("type")
    types = raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []
    parts = []
    for t in types:
        kind = _TYPE_NAMES.get(t, t)
        if t == "array":
            items = node.get("items")
            if isinstance(items, dict) and items:
                kind = f"list of {_plural(describe_type(schema, items))}"
            if node.get("minItems", 0) >= 1:
                kind += f" (at least {node['minItems']})"
        elif t == "string":
            if node.get("minLength", 0) >= 1:
                kind = "non-empty string"
            if isinstance(node.get("pattern"), str):
                kind += f" matching `{node['pattern']}`"
        parts.append(kind)
    if parts:
        return " or ".join(parts)
    alternatives = forms(schema, node)
    if len(alternatives) > 1:
        return " or ".join(_form_label(schema, f) for f in alternatives)
    return "any value"


def _is_mapping(node: JSON) -> bool:
    return node.get("type") == "object" and "properties" in node


def _form_label(schema: JSON, node: Any) -> str:
    if is_na_form(schema, node):
        return "`{na: <reason>}`"
    resolved = resolve(schema, node)
    if _is_mapping(resolved):
        return "a mapping of " + ", ".join(_code(k) for k in resolved["properties"])
    return describe_type(schema, node)


def _join_or(parts: list[str]) -> str:
    if len(parts) <= 2:
        return " or ".join(parts)
    return ", ".join(parts[:-1]) + " or " + parts[-1]


def _section_node(template: Template, key: str) -> JSON:
    return resolve(template.schema, template.schema.get("properties", {}).get(key, {}))


def _fields_rows(schema: JSON, body: JSON, prefix: str = "") -> Iterator[tuple[str, JSON, bool]]:
    """(dotted key, node, required) for every property of a mapping, nested ones after
    their parent."""
    required = set(body.get("required", []))
    for key, raw in body.get("properties", {}).items():
        node = resolve(schema, raw)
        path = f"{prefix}{key}"
        yield path, raw, key in required
        if node.get("type") == "object" and "properties" in node:
            yield from _fields_rows(schema, node, f"{path}.")


def _counts_cell(section: Section, key: str) -> str:
    """Whether a field of a section's mapping form counts toward completeness."""
    if not section.counts:
        return "no"
    if section.single:
        return "yes: decides the section" if key == section.single else "no"
    if section.selector:
        if key == section.selector:
            return "yes"
        when = [value for value, keys in section.choices.items() if key in keys]
        if when:
            return f"when `{section.selector}` is " + " or ".join(_code(v) for v in when)
        return "no"
    if any(f.key == key for f in section.fields):
        return "yes"
    return "(its fields do)" if any(f.key.startswith(key + ".") for f in section.fields) else "no"


def _scoring(section: Section) -> str:
    if not section.counts:
        return (
            "Not counted toward completeness: the section is checked and rendered, "
            "and a design may leave it out without losing anything."
        )
    if section.selector:
        named = "; ".join(
            f"`{value}` names " + ", ".join(_code(k) for k in keys) for value, keys in section.choices.items()
        )
        return (
            f"Scored by selector: `{section.selector}` counts, plus the fields its value names ({named}). "
            f"Fields the value does not name are not asked for."
        )
    if section.single:
        return (
            f"Counts as one field. It is filled when its text is, or, in the mapping form, "
            f"when `{section.single}` is; the other keys of the mapping are extra detail."
        )
    if not section.fields:
        return "Counts as one field, filled when the list holds at least one item that is not blank."
    n = len(section.fields)
    return f"Each of its {n} fields counts equally: the section's score is the number filled divided by {n}."


def _field_table(schema: JSON, body: JSON, section: Section | None) -> list[str]:
    if section is not None:
        lines = ["| Field | Title | Type | Counts | Guiding question |", "|---|---|---|---|---|"]
    else:
        lines = ["| Field | Title | Type | Description |", "|---|---|---|---|"]
    for key, raw, required in _fields_rows(schema, body):
        node = resolve(schema, raw)
        kind = describe_type(schema, raw)
        if node.get("type") == "object" and "properties" in node:
            kind = "mapping"
        if required:
            kind += " (required)"
        title = node.get("title", key)
        text = node.get("description", "")
        if section is not None:
            lines.append(
                f"| `{key}` | {_cell(title)} | {_cell(kind)} | {_cell(_counts_cell(section, key))} | {_cell(text)} |"
            )
        else:
            lines.append(f"| `{key}` | {_cell(title)} | {_cell(kind)} | {_cell(text)} |")
    return lines


def _section_forms(template: Template, section: Section) -> tuple[str, list[list[str]]]:
    """What a section accepts, in words, and a field table for each mapping form."""
    schema = template.schema
    labels: list[str] = []
    tables: list[list[str]] = []
    na = ""
    for form in forms(schema, _section_node(template, section.key)):
        resolved = resolve(schema, form)
        if is_na_form(schema, form):
            na = "; or `{na: <reason>}` when the section does not apply"
        elif _is_mapping(resolved):
            labels.append("a mapping of the fields below")
            tables.append(_field_table(schema, resolved, section))
        elif resolved.get("type") == "array":
            items = []
            for item in forms(schema, resolved.get("items", {})):
                item_resolved = resolve(schema, item)
                if _is_mapping(item_resolved):
                    items.append("a mapping of the item fields below")
                    tables.append(["Item fields:", "", *_field_table(schema, item_resolved, None)])
                else:
                    items.append(describe_type(schema, item))
            labels.append("a list; each item is " + _join_or(items))
        else:
            labels.append(describe_type(schema, form))
    return _join_or(labels) + na, tables


def _placeholders() -> str:
    return ", ".join(_code(p.upper() if p.isalpha() else p) for p in sorted(PLACEHOLDERS))


def _used_defs(schema: JSON) -> list[str]:
    """The names of the shared types, in the order `$defs` declares them."""
    return [name for name in schema.get("$defs", {}) if isinstance(schema["$defs"][name], dict)]


def schema_reference(template: Template | None = None) -> str:
    """The schema reference page: every group, section and field of the template, in
    template order, with types, guiding questions and how each section is scored.

    Without a template, the built-in one. A site's own template (with its extension
    schema and statuses) gives that site's reference.
    """
    template = template or load_template()
    schema = template.schema
    required = set(schema.get("required", []))
    counted = template.counted
    lines = [
        "# Design schema",
        "",
        "<!-- Generated from the design JSON Schema by docs/hooks/mldesign_docs.py; do not edit by hand. -->",
        "",
        f"What the mapping under a page's `design` key may hold, generated at build time from the JSON Schema"
        f" the plugin checks designs against (`{schema.get('$id', '')}`, version {schema.get('version', '?')}).",
        "`mldesign schema -o design.schema.json` writes the same schema to a file, for editors and other tools.",
        "",
        "- Unknown keys are refused at every level, so a misspelt field never passes silently.",
        "- *Text* means Markdown: a string, or a list of strings shown as bullets (see [text](#type-text)).",
        "- The design's title and tags are the page's own `title` and `tags`, not keys of the design.",
        "",
        "## Sections at a glance {#at-a-glance}",
        "",
        "| Group | Section | Key | Counts toward completeness |",
        "|---|---|---|---|",
    ]
    for section in template.sections:
        group = template.group(section.group)
        lines.append(
            f"| {_cell(group.title)} | [{_cell(section.title)}](#{section.key}) | `{section.key}` | "
            f"{'yes' if section.counts else 'no'} |"
        )
    lines += [
        "",
        "## Completeness {#completeness}",
        "",
        f"A design's completeness is the mean of the scores of its {len(counted)} counted sections, shown as a whole "
        "percentage rounded down: 100% means every counted field is filled.",
        "",
        "- A field is *filled* when it holds non-blank text, a number, or a list with at least one filled item.",
        f"- Placeholder text counts as empty, in any case: {_placeholders()}.",
        "- A section marked `{na: <reason>}` scores 1; a section left out scores 0.",
        "- How each section turns its fields into a score is given under the section below.",
        "",
        "## Header fields {#header}",
        "",
        "The keys of a design that are not sections: who owns it, where it stands, how it relates to others.",
        "",
        "| Key | Title | Type | Required | Description |",
        "|---|---|---|---|---|",
    ]
    for f in template.metadata:
        raw = schema.get("properties", {}).get(f.key, {})
        lines.append(
            f"| `{f.key}` | {_cell(f.title)} | {_cell(describe_type(schema, raw))} | "
            f"{'yes' if f.key in required else 'no'} | {_cell(f.description)} |"
        )
    lines.append("")
    seen_groups: list[str] = []
    for section in template.sections:
        if section.group not in seen_groups:
            seen_groups.append(section.group)
            group = template.group(section.group)
            lines += [f"## {group.title} {{#group-{group.key}}}", ""]
            if group.description:
                lines += [group.description, ""]
        accepts, tables = _section_forms(template, section)
        lines += [f"### {section.title} {{#{section.key}}}", ""]
        if section.description:
            lines += [f"*{section.description}*", ""]
        lines += [
            f"- **Key:** `{section.key}`{' (required)' if section.key in required else ''}",
            f"- **Accepts:** {accepts}.",
            f"- **Scoring:** {_scoring(section)}",
            "",
        ]
        for table in tables:
            lines += [*table, ""]
    lines += [
        "## Shared types {#types}",
        "",
        "Types that several fields use, named as they are in the schema's `$defs`.",
        "",
    ]
    for name in _used_defs(schema):
        node = schema["$defs"][name]
        lines += [f"### {name} {{#type-{name}}}", ""]
        if node.get("description"):
            lines += [node["description"], ""]
        if node.get("type") == "object" and "properties" in node:
            lines += _field_table(schema, node, None)
        else:
            lines.append(f"Accepts: {describe_type(schema, node, link_defs=False)}.")
        lines.append("")
    return "\n".join(lines).replace("\n\n\n", "\n\n")


# --- the command line ----------------------------------------------------------------


def _fixed_width(parser: argparse.ArgumentParser, width: int) -> None:
    def formatter(prog: str) -> argparse.HelpFormatter:
        return argparse.HelpFormatter(prog, width=width)

    parser.formatter_class = formatter


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str, argparse.ArgumentParser]]:
    """(name, one-line help, parser) of each subcommand, in the order they were added."""
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                out.append((name, helps.get(name, ""), sub))
    return out


def cli_reference(width: int = HELP_WIDTH) -> str:
    """The command-line reference page: the help of `mldesign` and every subcommand."""
    from mkdocs_mldesign.routes.cli import main as cli

    top = cli.parser()
    subs = _subcommands(top)
    for parser in (top, *(p for _, _, p in subs)):
        _fixed_width(parser, width)
    lines = [
        "# Command line",
        "",
        "<!-- Generated from mkdocs_mldesign.routes.cli.main.parser() by docs/hooks/mldesign_docs.py; do not edit. -->",
        "",
        "The `mldesign` command checks and scaffolds designs without building the site. It runs the same",
        "checks as the plugin, so a design that passes here passes in `mkdocs build` too. This page is",
        "generated at build time from the command's own argument parser.",
        "",
        "| Command | What it does |",
        "|---|---|",
    ]
    for name, help_text, _ in subs:
        lines.append(f"| [`mldesign {name}`](#mldesign-{name}) | {_cell(help_text)} |")
    lines += ["", "## `mldesign` {#mldesign}", "", "```text", top.format_help().rstrip(), "```", ""]
    for name, help_text, sub in subs:
        lines += [f"## `mldesign {name}` {{#mldesign-{name}}}", ""]
        if help_text and not sub.description:
            lines += [help_text[:1].upper() + help_text[1:] + ".", ""]
        lines += ["```text", sub.format_help().rstrip(), "```", ""]
    lines += [
        "## Exit status {#exit-status}",
        "",
        "| Status | Meaning |",
        "|---|---|",
        f"| {cli.EXIT_OK} | Done: `check` found no error (warnings do not count), `new` wrote its files. |",
        f"| {cli.EXIT_PROBLEMS} | `check` found at least one error; `new` found a file in the way and wrote nothing. |",
        f"| {cli.EXIT_USAGE} | The command was called wrongly: an unknown option, a missing path, "
        "an unreadable `mkdocs.yml` or plugin settings that cannot be used. |",
        "",
    ]
    return "\n".join(lines)


# --- all pages -----------------------------------------------------------------------


def pages(template: Template | None = None) -> dict[str, str]:
    """Every generated reference page, by its path in the docs folder."""
    return {
        "reference/configuration.md": config_reference(),
        "reference/schema.md": schema_reference(template),
        "reference/cli.md": cli_reference(),
    }


def replace_between(text: str, start: str, end: str, content: str) -> tuple[str, bool]:
    """Put `content` between the line holding `start` and the line holding `end`.

    Returns the new text and whether it differs from the old one. Raises LookupError
    when either marker is missing.
    """
    head, found_start, rest = text.partition(start)
    if not found_start:
        raise LookupError(f"marker {start!r} not found")
    line_end = rest.find("\n")
    if line_end == -1:
        raise LookupError(f"nothing follows the marker {start!r}")
    marker_line, body = rest[: line_end + 1], rest[line_end + 1 :]
    old, found_end, tail = body.partition(end)
    if not found_end:
        raise LookupError(f"marker {end!r} not found after {start!r}")
    new = f"{head}{start}{marker_line}{content}{end}{tail}"
    return new, old != content


LINT_START = "<!-- rules:start"
LINT_END = "<!-- rules:end -->"


def refresh_lint_rules(text: str) -> tuple[str, bool]:
    """The lint rules page with the rules table between its markers regenerated from
    `lint.RULES`, and whether the table it held was out of date."""
    return replace_between(text, LINT_START, LINT_END, rules_markdown())


def rules_markdown() -> str:
    """The table of every lint rule, as the docs show it."""
    lines = [
        "| Rule | Default | Scope | What it checks | Why |",
        "|---|---|---|---|---|",
    ]
    for r in RULES:
        cells = [f"`{r.id}`", r.severity, r.scope, r.summary, r.rationale]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


# --- the hooks ----------------------------------------------------------------------

log = logging.getLogger("mkdocs.hooks.mldesign_docs")

LINT_PAGE = "lint-rules.md"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for path, content in pages().items():
        existing = files.get_file_from_path(path)
        if existing is not None:
            log.warning("%s is generated at build time; remove the file from the docs folder", path)
            files.remove(existing)
        files.append(File.generated(config, path, content=content))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri != LINT_PAGE:
        return markdown
    try:
        fresh, stale = refresh_lint_rules(markdown)
    except LookupError as exc:
        log.warning("%s: %s; the rules table cannot be generated", LINT_PAGE, exc)
        return markdown
    if stale:
        log.warning(
            "%s: the rules table is out of date; paste the output of "
            '`python -c \'import sys; sys.path.insert(0, "docs/hooks"); '
            "from mldesign_docs import rules_markdown; print(rules_markdown())'`",
            LINT_PAGE,
        )
    return fresh
