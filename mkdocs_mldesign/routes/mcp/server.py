"""`mldesign mcp`: the check, the template and the scaffold as tools for coding agents,
over the Model Context Protocol (the `mcp` SDK's `MCPServer`, on standard input and output).

Like the language server, a thin route: the tools call `project.live.LiveSite` (the
checks of `mldesign check` over the site of the nearest `mkdocs.yml`), `core.fields` and
`core.scaffold`, and hand back their results as plain data.
"""

from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from mkdocs_mldesign import __version__
from mkdocs_mldesign.core import fields
from mkdocs_mldesign.core.completeness import is_na
from mkdocs_mldesign.core.design import default_id
from mkdocs_mldesign.core.problems import shown_path
from mkdocs_mldesign.core.scaffold import NewDesign, create_files, page_text
from mkdocs_mldesign.core.site import mean_percent
from mkdocs_mldesign.project.live import LiveError, LiveSite, find_config

INSTRUCTIONS = (
    "Tools for the ML design documents of this MkDocs site (YAML front matter under the design key). "
    "Call `check` on a page's text before writing it, `explain` for what a field asks, `new` for a "
    "page to start from, `designs` and `coverage` for what the site holds. The problems are those "
    "`mldesign check` reports in CI."
)


class _Site:
    """The site the tools work on, loaded at the first call (and again when its mkdocs.yml changes)."""

    def __init__(self, config_file: Path | None) -> None:
        self.config_file = config_file
        self._site: LiveSite | None = None
        self._stamp: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def get(self) -> LiveSite:
        config = self.config_file or find_config(Path.cwd())
        stamp = None
        if config is not None:
            try:
                st = os.stat(config)
                stamp = (st.st_mtime_ns, st.st_size)
            except OSError:
                raise ToolError(f"cannot read {shown_path(config)}") from None
        with self._lock:
            if self._site is None or stamp != self._stamp:
                try:
                    site = LiveSite.open(config, Path.cwd())
                    site.start()
                except LiveError as exc:
                    raise ToolError(str(exc)) from None
                self._site, self._stamp = site, stamp
            self._site.rescan()
            return self._site


def build(config_file: Path | None = None) -> MCPServer:
    """The server, with its tools, for the site of `config_file` (else the nearest mkdocs.yml)."""
    app = MCPServer("mldesign", instructions=INSTRUCTIONS, version=__version__)
    holder = _Site(config_file)

    def inside(site: LiveSite, given: str) -> Path:
        path = Path(os.path.abspath(given))
        if not site.owns(path):
            raise ToolError(f"{given} is outside the docs folder {shown_path(site.docs_dir)} of the site")
        return path

    @app.tool()
    def check(text: str | None = None, path: str | None = None) -> dict[str, Any]:
        """Check design pages as `mldesign check` does. Give `text` (a page's whole Markdown, front
        matter included) to check it before it is written, optionally with the `path` it will have;
        give only `path` to check that file; give neither to check the whole site. Returns the
        problems (file, line, column, field, severity, rule, message, hint) and a summary."""
        site = holder.get()
        if text is not None:
            target = inside(site, path) if path else site.docs_dir / "_mldesign_draft.md"
            if target.suffix != ".md":
                raise ToolError("a page to check must be a Markdown file, ending in .md")
            if len(text) > 16 * 1024 * 1024:
                raise ToolError("the text is larger than a page can be (16 MB)")
            site.set_buffer(target, text)
            try:
                site.update(target)
                problems = site.problems_by_file().get(site.shown(target), [])
                result = site.result(target)
            finally:
                site.set_buffer(target, None)
                site.update(target)
        elif path:
            target = inside(site, path)
            if not target.is_file():
                raise ToolError(f"no such page: {path}")
            site.update(target)
            problems = site.problems_by_file().get(site.shown(target), [])
            result = site.result(target)
        else:
            report = site.report()
            problems = report.all_problems()
            return {"problems": [p.to_dict() for p in problems], "summary": report.summary()}
        design = result.design if result is not None else None
        return {
            "problems": [p.to_dict() for p in problems],
            "summary": {
                "errors": sum(1 for p in problems if p.severity == "error"),
                "warnings": sum(1 for p in problems if p.severity == "warning"),
                "is_design": result is not None and result.is_design,
                "completeness": design.score.percent if design is not None else None,
            },
        }

    @app.tool()
    def schema() -> dict[str, Any]:
        """The JSON Schema that designs on this site must match (the built-in template with the
        site's statuses and extension schema), as `mldesign schema` prints it."""
        found: dict[str, Any] = holder.get().site.template.schema
        return found

    @app.tool()
    def explain(field: str) -> dict[str, Any]:
        """What a field of a design asks, in the site's language: its title, its guiding question,
        the values it allows and the keys it holds. `field` is a dotted path inside the design,
        such as `background.users`, `data.training.access` or `metrics.priority`."""
        site = holder.get()
        template = site.site.template
        path: list[str | int] = []
        for part in [p for p in field.strip().removeprefix(f"{site.site.settings.key}.").split(".") if p]:
            step: str | int = int(part) if part.isdigit() else part
            if not fields.nodes_at(template, [*path, step]) and fields.nodes_at(template, [*path, 0, step]):
                path.append(0)  # a key of a list's items: `metrics.priority`
            path.append(step)
        if not path or not fields.nodes_at(template, path):
            known = ", ".join(k.name for k in fields.keys_at(template, None, path[:-1]))
            raise ToolError(f"the template has no field `{field}`" + (f"; known here: {known}" if known else ""))
        title, question = fields.describe(template, site.labels, path)
        return {
            "field": field,
            "title": title,
            "question": question,
            "values": fields.values_at(template, path),
            "keys": [
                {"name": k.name, "title": k.title, "question": k.description, "required": k.required}
                for k in fields.keys_at(template, site.labels, path)
            ],
        }

    @app.tool()
    def new(
        title: str,
        owners: list[str],
        path: str | None = None,
        status: str | None = None,
        id: str | None = None,
    ) -> dict[str, Any]:
        """A new design page with every section and its questions, as `mldesign new` writes it.
        With `path` (a .md file in the docs folder) the page is written there, never over an
        existing file; without it, only the text is returned."""
        site = holder.get()
        template = site.site.template
        title = title.strip()
        if not title or "\n" in title:
            raise ToolError("`title` must be one line of text")
        owners = [o.strip() for o in owners if o.strip()]
        if not owners:
            raise ToolError("give at least one owner")
        status = status or template.statuses[0]
        if status not in template.statuses:
            raise ToolError(f"`{status}` is not a status of this site; use one of: {', '.join(template.statuses)}")
        target = inside(site, path) if path else None
        if target is not None and target.suffix != ".md":
            raise ToolError(f"{path} is not a Markdown page; give a path ending in .md")
        ident = id if id is not None else (site.default_id(target) if target is not None else default_id(title.lower()))
        if not site.site.checker.usable_id(ident):
            raise ToolError(f"`{ident}` cannot be an id; {template.id_hint}")
        text = page_text(
            template, NewDesign(title, ident, status, tuple(owners), date.today()), key=site.site.settings.key
        )
        if target is not None:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                create_files([(target, text)])
            except FileExistsError:
                raise ToolError(f"{path} already exists; not overwriting it") from None
            except OSError as exc:
                raise ToolError(f"cannot write {path}: {exc.strerror or exc}") from None
            site.update(target)
        return {"text": text, "written": shown_path(target) if target is not None else None, "id": ident}

    @app.tool()
    def designs() -> list[dict[str, Any]]:
        """Every design of the site: id, title, status, completeness (a whole percentage), file,
        and the number of errors and warnings it has."""
        site = holder.get()
        report = site.report()
        out = []
        for design in report.designs:
            out.append(
                {
                    "id": design.id,
                    "title": design.title,
                    "status": design.status,
                    "completeness": design.score.percent,
                    "file": design.file,
                    "errors": sum(1 for p in design.problems if p.severity == "error"),
                    "warnings": sum(1 for p in design.problems if p.severity == "warning"),
                }
            )
        out.extend(
            {"id": r.id, "title": r.title, "status": "", "completeness": None, "file": r.file, "unreadable": True}
            for r in report.unreadable
        )
        return out

    @app.tool()
    def coverage() -> dict[str, Any]:
        """How far the site's designs answer each section of the template: each counted section's
        mean score (as the overview's matrix shows it) and how many designs have it complete,
        partial, missing or not applicable; and the site's mean completeness."""
        site = holder.get()
        report = site.report()
        template = site.site.template
        sections = []
        for section in template.counted:
            scores = [s for d in report.designs for s in d.score.sections if s.key == section.key]
            states = {state: sum(1 for s in scores if s.state == state) for state in ("complete", "partial", "missing")}
            states["na"] = sum(1 for d in report.designs if is_na(d.data.get(section.key)))
            sections.append(
                {
                    "section": section.key,
                    "title": fields.describe(template, site.labels, [section.key])[0],
                    "percent": mean_percent(s.score for s in scores),
                    **states,
                }
            )
        return {
            "designs": len(report.designs),
            "completeness": mean_percent(d.score.value for d in report.designs),
            "sections": sections,
        }

    return app


def main(config_file: Path | None = None) -> int:
    """Serve the tools over standard input and output."""
    build(config_file).run("stdio")
    return 0
