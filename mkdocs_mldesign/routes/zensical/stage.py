"""The Zensical route: check a site and stage it for `zensical build`.

Zensical reads `mkdocs.yml` but runs no MkDocs plugin. `mldesign zensical` checks the
site with the core, as the plugin would, and writes a staged copy of its docs folder
under `.mldesign/zensical/`: every page the user wrote is linked there unchanged,
except the pages that show a design, which get the same HTML the plugin puts in
(through the `mkdocs_mldesign.zensical` Markdown extension); the overview, canvases,
badges, export and the stylesheet are added as files. A small config beside
`mkdocs.yml` inherits it and points Zensical at the stage:

    mldesign zensical && zensical build -f mkdocs.mldesign.yml

Nothing the user wrote is changed, and nothing is written into the docs folder.
"""

from __future__ import annotations

import html
import json
import os
import secrets
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import yaml

from mkdocs_mldesign import __version__
from mkdocs_mldesign.core import frontmatter
from mkdocs_mldesign.core.design import PageResult
from mkdocs_mldesign.core.labels import Labels
from mkdocs_mldesign.core.settings import SettingsError
from mkdocs_mldesign.core.site import Report, Site, SiteError
from mkdocs_mldesign.core.storage import digest, mark
from mkdocs_mldesign.project.config import (
    THEME_DIR,
    ConfigError,
    SiteConfig,
    docs_files,
    option_error,
    theme_defaults,
    translate_toggles,
)
from mkdocs_mldesign.project.config import load as load_config
from mkdocs_mldesign.project.evidence import add_evidence
from mkdocs_mldesign.project.history import SiteHistory
from mkdocs_mldesign.publish.options import nav_mentions
from mkdocs_mldesign.publish.publisher import (
    CSS,
    JS,
    OWN_FOLDERS,
    TEMPLATES_DIR,
    PageOutput,
    Publisher,
    RenderError,
    overview_page,
    page_url,
    template_env,
)
from mkdocs_mldesign.publish.sources import RemoteDesign, remote_designs

STAGE = Path(".mldesign") / "zensical"
CONFIG_NAME = "mkdocs.mldesign.yml"
HEADER = "# Written by `mldesign zensical`"
MARKER_FILE = "stage.json"  # in the stage: what it was made from; also says the folder is ours
DESIGN_MARKER = "<!-- mldesign -->"
OVERVIEW_MARKER = "<!-- mldesign-overview -->"
#: Where a block goes in a staged page. The nonce is new in every stage, so that a
#: user's page that happens to hold such a line is never filled in.
FRAGMENT = "<!-- mldesign:fragment {nonce} {digest} -->"


class StageError(Exception):
    """The site cannot be staged; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Staged:
    report: Report
    config: SiteConfig
    config_file: Path  # the config to give `zensical build -f`
    stage: Path
    written: bool = True
    git_reason: str = ""  # why the designs got no dates or history from git, if they got none
    history_cut: str = ""  # what the timelines left unread in this stage, if anything


def stage(
    config_file: Path,
    *,
    site_dir: str | None = None,
    today: date | None = None,
    accept: Callable[[Report, SiteConfig], bool] | None = None,
) -> Staged:
    """Check the site of `config_file` and write its stage; the report says what was found.

    When `accept` refuses the report (a design has errors), nothing is staged and a
    config written before is removed, so that `zensical build -f` cannot publish it."""
    try:
        config = load_config(config_file)
        site = Site.load(config.options.settings)
        outputs = config.options.outputs
        labels = Labels.build(site.template, outputs.language, outputs.labels)
    except (ConfigError, SiteError) as exc:
        raise StageError(str(exc)) from None
    except SettingsError as exc:
        raise StageError(option_error(config.path, exc)) from None
    root = config.path.parent
    written = root / CONFIG_NAME
    target = root / STAGE
    _refuse_foreign(written, target)
    files = list(docs_files(config))
    pages = [f for f in files if f.endswith(".md")]
    folder = os.path.relpath(config.docs_dir, root).replace(os.sep, "/")
    prefix = "" if folder == "." else folder + "/"
    options = config.options
    history = SiteHistory(config.docs_dir, root, dates=options.git_dates, history=options.history)
    results = [_check(site, config, src, prefix, today or date.today()) for src in pages]
    history.date(site, ((result, False) for result in results), today)  # git read meanwhile
    folders = (os.path.dirname(os.path.join(config.docs_dir, src)) for src in pages)
    placed = [(r.design, folder) for folder, r in zip(folders, results, strict=True) if r.design]
    add_evidence(site, placed, project_dir=str(root), options=options.evidence, today=today)
    git = history.log()
    said = git.reason if git is not None and not git.outside else ""  # as `mldesign check` says it
    report = site.check_site(results)
    remote: list[RemoteDesign] = []
    if config.options.sources:
        remote, problems = remote_designs(config.options.sources, str(config.path))
        report.problems.extend(problems)
    if accept is not None and not accept(report, config):
        written.unlink(missing_ok=True)
        return Staged(report, config, written, target, written=False, git_reason=said)
    outputs = config.options.outputs
    by_src = {r.src_uri: r for r in results}
    if outputs.overview and by_src.get(outputs.overview, PageResult()).is_design:
        raise StageError(
            f"`overview: {outputs.overview}` names a design page; the overview would hide its design. "
            "Point `overview` at another page, or move the design"
        )
    if outputs.export and outputs.export in files:
        raise StageError(
            f"`export: {outputs.export}` would replace {outputs.export} in the built site; "
            "choose another path, such as designs.json"
        )
    timeline = history.open_timeline(site, len(report.designs))
    urls = {src: page_url(src, config.use_directory_urls) for src in pages}
    if outputs.overview:
        urls.setdefault(outputs.overview, page_url(outputs.overview, config.use_directory_urls))
    publisher = Publisher(
        site,
        report,
        outputs,
        urls,
        env=_env(config),
        site_name=config.site_name,
        site_url=config.site_url,
        source_links=True,
        remote=remote,
        history=(lambda src: timeline.versions(src, by_src[src].design_file)) if timeline is not None else None,
        labels=labels,
    )
    building = target.with_name(target.name + ".new")
    _remove_ours(building)
    nonce = secrets.token_hex(8)
    docs = building / "docs"
    fragments = building / "fragments"
    fragments.mkdir(parents=True)
    (building / MARKER_FILE).write_text("{}", encoding="utf-8")  # ours from the start, should this stop half-way
    mark(root / STAGE.parent)  # git leaves the folder out; a .gitignore of the user's stays as it is
    try:
        shown: set[str] = set()
        for output in publisher.pages():
            result = by_src[output.src_uri]
            _write(
                docs / output.src_uri,
                _staged_page(
                    result, output, fragments, outputs.placement, site, config.docs_dir / output.src_uri, nonce
                ),
            )
            shown.add(output.src_uri)
            if output.canvas is not None:
                _write(docs / output.canvas[0], output.canvas[1])
        if outputs.overview:
            marker = FRAGMENT.format(nonce=nonce, digest=_fragment(fragments, publisher.overview(), ()))
            if outputs.overview in files:
                text = _text(config.docs_dir / outputs.overview)
                text = _at_marker(text, OVERVIEW_MARKER, marker) or f"{text}\n\n{marker}\n"
            else:
                text = overview_page(labels("overview.title"), marker, title_as_html=True)
            _write(docs / outputs.overview, text)
            shown.add(outputs.overview)
        for path, text in publisher.files():
            _write(docs / path, text)
            shown.add(path)
        cut = history.cut_short()
    except RenderError as exc:
        raise StageError(str(exc)) from None
    finally:
        history.close()
    assets = Path(TEMPLATES_DIR)
    for asset in (CSS, JS):
        _write(docs / asset, (assets / asset).read_text(encoding="utf-8"))
    for src in files:
        if src not in shown and not src.startswith(OWN_FOLDERS):
            _link(config.docs_dir / src, docs / src)
    manifest = {
        "mldesign": __version__,
        "config": str(config.path),
        "docs_dir": str(config.docs_dir),
        "nonce": nonce,
        "sources": {src: _stamp(config.docs_dir / src) for src in pages},
    }
    theme = _stage_theme(config, building, target, labels)
    (building / MARKER_FILE).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    _remove_ours(target)
    building.rename(target)
    _write_config(written, config, target, site_dir, labels, theme)
    return Staged(report, config, written, target, git_reason=said, history_cut=cut)


def _env(config: SiteConfig) -> jinja2.Environment:
    """Our templates, under the theme's `custom_dir` when it has one, as the plugin renders them."""
    theme = config.raw.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    folders = [str(config.path.parent / custom)] if isinstance(custom, str) and custom else []
    return template_env(jinja2.FileSystemLoader([*folders, TEMPLATES_DIR]))


def _check(site: Site, config: SiteConfig, src: str, prefix: str, today: date) -> PageResult:
    """Check the page `src` of the docs folder, named `prefix` + `src` in messages."""
    path = config.docs_dir / src
    shown = prefix + src
    try:
        return site.check_file(
            path,
            src_uri=src,
            file=shown,
            docs_dir=config.docs_dir,
            docs_prefix=prefix,
            today=today,
        )
    except OSError as exc:
        raise StageError(f"cannot read {shown}: {exc.strerror or exc}") from None


def _text(path: Path) -> str:
    """A page's text as the plugin reads it: bounded, undecodable bytes replaced."""
    try:
        data, _ = frontmatter.read_page(path)
    except OSError:
        return ""
    return data.decode("utf-8", "replace").removeprefix("\ufeff")


def _body(path: Path) -> str:
    """A page's Markdown after its front matter, when the front matter could not be read."""
    text = _text(path)
    found = frontmatter.split(text)
    return found.body if found is not None else text


def _staged_page(
    result: PageResult, output: PageOutput, fragments: Path, placement: str, site: Site, path: Path, nonce: str
) -> str:
    """The page as Zensical reads it from the stage: the front matter without the design,
    and the body with a marker where the design goes."""
    meta = {k: v for k, v in (result.meta or {}).items() if k != site.settings.key}
    if result.meta is None and result.title:
        meta["title"] = result.title
    # Zensical prints a page's title and tags as HTML (header, nav, tags); on a design
    # page they are data, as the plugin treats them under MkDocs.
    if isinstance(meta.get("title"), str):
        meta["title"] = html.escape(meta["title"])
    if isinstance(meta.get("tags"), list):
        meta["tags"] = [html.escape(t) if isinstance(t, str) else t for t in meta["tags"]]
    toc = tuple(_heading_dict(h) for h in output.toc)
    marker = FRAGMENT.format(nonce=nonce, digest=_fragment(fragments, output.html, toc, placement))
    body = result.body if result.body is not None else _body(path)
    placed = _at_marker(body, DESIGN_MARKER, marker)
    if placed is not None:
        body = placed
    elif placement == "bottom":
        body = f"{body}\n\n{marker}\n"
    else:
        lines = body.lstrip("\n").split("\n", 1)
        if lines[0].startswith("# "):
            body = f"{lines[0]}\n\n{marker}\n\n{lines[1] if len(lines) > 1 else ''}"
        else:
            body = f"{marker}\n\n{body}"
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) if meta else ""
    return f"---\n{head}---\n\n{body}" if head else body


def _at_marker(text: str, marker: str, replacement: str) -> str | None:
    """`text` with its first `marker` outside a code fence replaced by `replacement` on a
    line of its own, as the plugin finds it in the rendered page; None when there is none."""
    lines = text.split("\n")
    fence = ""
    for index, line in enumerate(lines):
        stripped = line.lstrip()
        if fence:
            if stripped.startswith(fence):
                fence = ""
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        if marker in line and not line.startswith(("    ", "\t")):
            before, _, after = line.partition(marker)
            lines[index] = "\n".join((before, "", replacement, "", after))
            return "\n".join(lines)
    return None


def _heading_dict(heading: Any) -> dict[str, Any]:
    return {
        "level": heading.level,
        "title": heading.title,
        "anchor": heading.anchor,
        "children": [_heading_dict(c) for c in heading.children],
    }


def _fragment(folder: Path, html: str, toc: tuple[dict[str, Any], ...], placement: str = "top") -> str:
    data = json.dumps({"html": html, "toc": list(toc), "placement": placement}, ensure_ascii=False)
    name = digest(data)
    (folder / f"{name}.json").write_text(data, encoding="utf-8")
    return name


def _stamp(path: Path) -> list[int]:
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _link(source: Path, link: Path) -> None:
    """The user's file in the stage: a symbolic link, or a copy where links are not allowed."""
    link.parent.mkdir(parents=True, exist_ok=True)
    try:
        link.symlink_to(source)
    except OSError:
        shutil.copy2(source, link)


def _remove_ours(folder: Path) -> None:
    """Remove a stage written before, never a folder mldesign did not write."""
    if not folder.exists() and not folder.is_symlink():
        return
    if folder.is_symlink() or not (folder / MARKER_FILE).is_file():
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            return
        raise StageError(f"{folder} exists and was not written by mldesign; move it away, then run again")
    shutil.rmtree(folder)


def _refuse_foreign(config_file: Path, stage_dir: Path) -> None:
    """Refuse to go on when a file or folder mldesign would write holds someone else's."""
    if stage_dir.parent.exists() and not stage_dir.parent.is_dir():
        raise StageError(f"{stage_dir.parent} is a file; mldesign writes its stage in a folder of that name")
    ignore = stage_dir.parent / ".gitignore"
    if ignore.is_symlink() or (ignore.exists() and not ignore.is_file()):
        raise StageError(f"{ignore} is not a file mldesign wrote; move it away, then run again")
    if stage_dir.parent.is_symlink() or stage_dir.is_symlink():
        raise StageError(f"{stage_dir.parent} is a symbolic link; mldesign writes its stage only in a real folder")
    if config_file.is_symlink() or (
        config_file.exists() and not config_file.read_text(encoding="utf-8", errors="replace").startswith(HEADER)
    ):
        raise StageError(f"{config_file.name} exists and was not written by mldesign; move it away, then run again")
    for folder in (stage_dir, stage_dir.with_name(stage_dir.name + ".new")):
        if folder.is_symlink() or (folder.exists() and not (folder / MARKER_FILE).is_file() and any(folder.iterdir())):
            raise StageError(f"{folder} exists and was not written by mldesign; move it away, then run again")


#: What of the theme's folder a site may carry: its templates and assets.
_THEME_FILES = (".html", ".css", ".js", ".svg", ".png", ".woff2")


def _stage_theme(config: SiteConfig, building: Path, stage_dir: Path, labels: Labels) -> dict[str, Any] | None:
    """The `theme` of the staged config, when the site uses the mldesign theme: Material,
    with a copy of our theme's templates and assets as its `custom_dir` (the site's own
    custom_dir over them), and our theme's settings under the site's. Zensical copies
    every file of a theme folder that is not a template into the site; the package's
    folder also holds `__init__.py`, `__pycache__/` and `mkdocs_theme.yml`, which do not
    belong there. None for another theme."""
    raw = config.raw.get("theme")
    given: dict[str, Any] = dict(raw) if isinstance(raw, Mapping) else {"name": raw} if isinstance(raw, str) else {}
    if given.get("name") != "mldesign":
        return None
    folder = building / "theme"
    for path in sorted(THEME_DIR.rglob("*")):
        rel = path.relative_to(THEME_DIR)
        if (
            path.is_file()
            and path.suffix in (".html", ".css", ".js", ".svg", ".png")
            and "__pycache__" not in rel.parts
        ):
            _write_bytes(folder / rel, path.read_bytes())
    custom = given.get("custom_dir")
    if isinstance(custom, str) and custom:  # the site's own templates win over ours, as under MkDocs
        own = config.path.parent / custom
        for path in sorted(own.rglob("*")) if own.is_dir() else []:
            if path.is_file():
                target = folder / path.relative_to(own)
                target.unlink(missing_ok=True)
                _link(path, target)
    settings = {**theme_defaults(), **given}
    translate_toggles(settings.get("palette"), lambda key: html.escape(labels(key)))  # Zensical prints it as HTML
    settings.update(name="material", custom_dir=(stage_dir / "theme").relative_to(config.path.parent).as_posix())
    return settings


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _write_config(
    path: Path, config: SiteConfig, stage_dir: Path, site_dir: str | None, labels: Labels, theme: dict[str, Any] | None
) -> None:
    overview_title = labels("overview.title")
    extension = {"mkdocs_mldesign.zensical": {"stage": str(stage_dir)}}
    user_extensions = config.raw.get("markdown_extensions")
    data: dict[str, Any] = {
        "INHERIT": config.path.name,
        "docs_dir": stage_dir.relative_to(config.path.parent).as_posix() + "/docs",
        # Lists are appended to the inherited ones.
        "extra_css": [CSS],
        "extra_javascript": [JS],
        "markdown_extensions": extension if isinstance(user_extensions, dict) else [extension],
    }
    if site_dir:
        data["site_dir"] = site_dir
    if theme is not None:
        data["theme"] = theme
    overview = config.options.outputs.overview
    if overview and isinstance(config.nav, list) and not nav_mentions(config.nav, overview):
        data["nav"] = [{html.escape(overview_title): overview}]  # Zensical prints nav titles as HTML
    text = (
        f"{HEADER} from {config.path.name}: do not edit, do not commit.\n"
        f"# Build with: zensical build -f {path.name}\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    )
    path.write_text(text, encoding="utf-8")
