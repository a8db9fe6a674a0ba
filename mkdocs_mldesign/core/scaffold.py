"""Writing a new design: every section and field of the template, ready to fill in.

The skeleton is read from the template's JSON Schema, in template order, so a field
added to the schema (or by an organisation's extension) appears in new designs without
a change here. Each field gets a comment carrying its guiding question and the
placeholder `TODO`, which counts as empty: a new design is valid and 0% complete.

A field that no placeholder can stand in for (a choice from a fixed list, such as
`inference.mode` or a metric's `priority`) is written as a comment listing the
choices. When such a field is required, its whole section is written commented out,
so that the new design stays valid until the author makes the choice.
"""

from __future__ import annotations

import errno
import json
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .schema import JSON, Section, Template, forms, is_na_form, resolve

#: What every field to be answered holds in a new design; it counts as empty.
PLACEHOLDER = "TODO"

#: Comments are wrapped to this width.
WIDTH = 100

#: The suffix of a design kept in its own YAML file, next to its page.
DESIGN_FILE_SUFFIX = ".design.yaml"

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


@dataclass(frozen=True, slots=True)
class NewDesign:
    """What the author says about a new design; everything else comes from the template."""

    title: str
    id: str
    status: str
    owners: tuple[str, ...]
    today: date


# --- reading the schema -----------------------------------------------------------------


def _types(form: JSON) -> list[str]:
    kind = form.get("type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [k for k in kind if isinstance(k, str)]
    return ["object"] if isinstance(form.get("properties"), dict) else []


def _forms(schema: JSON, node: Any) -> list[JSON]:
    """The concrete shapes a value may take, resolved, without the `{na: ...}` form."""
    return [resolve(schema, f) for f in forms(schema, node) if not is_na_form(schema, f)]


def _pick(forms: list[JSON]) -> JSON:
    """The shape that shows the author the most: a mapping, then text, then a list."""

    def rank(form: JSON) -> int:
        types = _types(form)
        if "object" in types and isinstance(form.get("properties"), dict):
            return 0
        if "enum" in form or "const" in form:
            return 3
        if "string" in types:
            return 1
        if "array" in types:
            return 2
        return 3

    return min(forms, key=rank) if forms else {}


def _question(node: JSON, form: JSON, key: str) -> str:
    for source in (node, form):
        text = source.get("description")
        if isinstance(text, str) and text.strip():
            return text.strip()
    title = node.get("title") or form.get("title")
    return title if isinstance(title, str) else key


def _placeholder_fits(form: JSON) -> bool:
    if "string" not in _types(form) or "enum" in form or "const" in form:
        return False
    pattern = form.get("pattern")
    if isinstance(pattern, str):
        try:
            if re.search(pattern, PLACEHOLDER) is None:
                return False
        except re.error:
            return False
    max_length = form.get("maxLength")
    return not (isinstance(max_length, int) and len(PLACEHOLDER) > max_length)


def _choices(form: JSON) -> str:
    if "enum" in form and isinstance(form["enum"], list):
        return " | ".join(str(v) for v in form["enum"])
    if "const" in form:
        return str(form["const"])
    types = _types(form)
    return f"<{' or '.join(types)}>" if types else ""


# --- writing YAML -----------------------------------------------------------------------


_YAML_WORDS = frozenset({"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"})


def _key(name: str) -> str:
    """A mapping key, quoted when YAML would read it as something other than text."""
    return name if _PLAIN_KEY.match(name) and name.lower() not in _YAML_WORDS else json.dumps(name)


def _scalar(value: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _comment(text: str, indent: int) -> list[str]:
    pad = " " * indent
    width = max(40, WIDTH - indent - 2)
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(f"{pad}# {line}".rstrip() for line in textwrap.wrap(paragraph, width) or [""])
    return lines


class _Writer:
    def __init__(self, schema: JSON) -> None:
        self.schema = schema

    def entry(self, key: str, node: Any, indent: int, *, required: bool, out: list[str]) -> bool:
        """Write `key` with its question and placeholder; False when what was written
        would not be valid as it stands (a required field with no placeholder)."""
        node = resolve(self.schema, node)
        form = _pick(_forms(self.schema, node))
        pad = " " * indent
        out.extend(_comment(_question(node, form, key), indent))
        types = _types(form)
        if "object" in types and isinstance(form.get("properties"), dict):
            out.append(f"{pad}{_key(key)}:")
            return self.mapping(form, indent + 2, out)
        if _placeholder_fits(form):
            out.append(f"{pad}{_key(key)}: {_scalar(PLACEHOLDER)}")
            return True
        if "array" in types and "enum" not in form:
            out.append(f"{pad}{_key(key)}:")
            return self.item(form.get("items", {}), indent + 2, out)
        line = f"{pad}{_key(key)}: {_choices(form)}".rstrip()
        if required:
            out.append(line)
            return False
        out.append(f"{pad}# {line.lstrip()}")
        return True

    def mapping(self, form: JSON, indent: int, out: list[str]) -> bool:
        required = form.get("required", [])
        ok = True
        for name, sub in form.get("properties", {}).items():
            ok = self.entry(name, sub, indent, required=name in required, out=out) and ok
        return ok

    def item(self, node: Any, indent: int, out: list[str]) -> bool:
        """One list item: a mapping with every field, or a single placeholder."""
        pad = " " * indent
        form = _pick(_forms(self.schema, node))
        if "object" in _types(form) and isinstance(form.get("properties"), dict):
            body: list[str] = []
            ok = self.mapping(form, indent + 2, body)
            inner = " " * (indent + 2)
            for index, line in enumerate(body):
                if not line.startswith(f"{inner}#"):
                    body[index] = f"{pad}- {line[len(inner) :]}"
                    body[:index] = [f"{pad}{c[len(inner) :]}" for c in body[:index]]
                    break
            else:
                body.append(f"{pad}- {{}}")
            out.extend(body)
            return ok
        if _placeholder_fits(form):
            out.append(f"{pad}- {_scalar(PLACEHOLDER)}")
            return True
        out.append(f"{pad}- {_choices(form)}".rstrip())
        return False


def _metadata(template: Template, new: NewDesign, indent: int, writer: _Writer) -> list[str]:
    """The metadata fields: what the author gave, empty lists, and the rest commented."""
    schema = template.schema
    required = schema.get("required", [])
    given = {
        "id": _scalar(new.id),
        "status": _scalar(new.status),
        "owners": "[" + ", ".join(_scalar(o) for o in new.owners) + "]",
        "version": _scalar("0.1"),
        "created": new.today.isoformat(),
        "updated": new.today.isoformat(),
    }
    pad = " " * indent
    out: list[str] = []
    for meta in template.metadata:
        node = resolve(schema, schema.get("properties", {}).get(meta.key, {}))
        form = _pick(_forms(schema, node))
        if meta.key not in given and meta.key in required:
            # An organisation's required field: written as a section's field is.
            writer.entry(meta.key, node, indent, required=True, out=out)
            continue
        out.extend(_comment(meta.description or meta.title, indent))
        if meta.key in given:
            out.append(f"{pad}{_key(meta.key)}: {given[meta.key]}")
        elif "array" in _types(form) and not form.get("minItems"):
            out.append(f"{pad}{_key(meta.key)}: []")
        else:
            value = _scalar(PLACEHOLDER) if _placeholder_fits(form) else _choices(form)
            out.append(f"{pad}# {_key(meta.key)}: {value}".rstrip())
    return out


def _section(template: Template, section: Section, indent: int, writer: _Writer) -> list[str]:
    schema = template.schema
    required = section.key in schema.get("required", [])
    body = ["", *_comment(section.title, indent)]
    head = len(body)
    ok = writer.entry(
        section.key, schema.get("properties", {}).get(section.key, {}), indent, required=required, out=body
    )
    if ok:
        return body
    # Keep the question; comment out the rest so the new design stays valid.
    pad = " " * indent
    key_line = next(i for i in range(head, len(body)) if not body[i].startswith(f"{pad}#"))
    note = "Uncomment this section once the choices in it are made; until then it counts as missing."
    return [
        *body[:key_line],
        *_comment(note, indent),
        *(f"{pad}# {line[indent:]}".rstrip() for line in body[key_line:]),
    ]


def design_lines(template: Template, new: NewDesign, indent: int = 0) -> list[str]:
    """The new design as YAML lines: the mapping that goes under the design key
    (`indent` 2) or into a design file (`indent` 0)."""
    writer = _Writer(template.schema)
    pad = " " * indent
    out = _comment(
        f"Replace every {PLACEHOLDER} with an answer; the comment above each field asks its question. "
        f"Placeholders ({PLACEHOLDER}, TBD, ...) count as empty. A section that does not apply can say "
        'why instead, for example `labeling: {na: "the labels come with the data"}`.',
        indent,
    )
    out.append("")
    out.extend(_metadata(template, new, indent, writer))
    group = None
    for section in template.sections:
        if section.group != group:
            group = section.group
            info = template.group(group)
            rule = "-" * max(10, WIDTH - indent - 2)
            out.extend(["", f"{pad}# {rule}"])
            out.extend(_comment(info.title, indent))
            out.extend(_comment(info.description, indent) if info.description else [])
            out.append(f"{pad}# {rule}")
        out.extend(_section(template, section, indent, writer))
    return out


def section_lines(template: Template, keys: Sequence[str], indent: int = 0) -> list[str]:
    """The scaffold of the sections named by `keys` alone, in template order, each with its
    title and the questions of its fields: what an editor adds to a design that lacks them."""
    writer = _Writer(template.schema)
    out: list[str] = []
    for section in template.sections:
        if section.key in keys:
            out.extend(_section(template, section, indent, writer))
    return out


def page_text(template: Template, new: NewDesign, *, key: str = "design", design_file: str | None = None) -> str:
    """A new design page; its design sits in the front matter, or in `design_file`."""
    lines = ["---", f"title: {_scalar(new.title)}"]
    if design_file is None:
        lines.append(f"{_key(key)}:")
        lines.extend(design_lines(template, new, indent=2))
    else:
        lines.append(f"{_key(key)}: {_scalar(design_file)}")
    lines.extend(
        [
            "---",
            "",
            "<!-- The narrative goes here: context, diagrams, links and open questions. -->",
            "",
        ]
    )
    return "\n".join(lines)


def design_file_text(template: Template, new: NewDesign, *, schema_url: str | None = None) -> str:
    """A new design file, with a modeline that gives YAML editors the schema."""
    url = schema_url or template.schema.get("$id") or ""
    lines = [f"# yaml-language-server: $schema={url}"] if url else []
    lines.extend(_comment(f"The design shown on the page titled {_scalar(new.title)}.", 0))
    lines.extend(design_lines(template, new, indent=0))
    return "\n".join(lines) + "\n"


def design_file_name(page: Path) -> str:
    """`churn.design.yaml` for `churn.md`."""
    return page.stem + DESIGN_FILE_SUFFIX


def create_files(files: Sequence[tuple[Path, str]]) -> None:
    """Create every file or none, never replacing one that exists.

    Raises FileExistsError naming the first path that exists; a file created before a
    later one failed is removed again (only files created here are ever removed).
    """
    for path, _ in files:
        if path.exists() or path.is_symlink():
            raise FileExistsError(errno.EEXIST, "the file exists", str(path))
    made: list[Path] = []
    try:
        for path, text in files:
            with open(path, "x", encoding="utf-8", newline="\n") as handle:
                made.append(path)
                handle.write(text)
    except BaseException:
        for path in made:
            path.unlink(missing_ok=True)
        raise
