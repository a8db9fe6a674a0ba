"""The commands of `mldesign`, each translating its arguments into calls of the core, the
git layer and the project layer, and their results into output and an exit status."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs_mldesign.core.design import default_id
from mkdocs_mldesign.core.evidence import EvidenceOptions, lists_evidence
from mkdocs_mldesign.core.problems import shown_path
from mkdocs_mldesign.core.report import to_github, to_json, to_text
from mkdocs_mldesign.core.scaffold import (
    PLACEHOLDER,
    NewDesign,
    create_files,
    design_file_name,
    design_file_text,
    page_text,
)
from mkdocs_mldesign.core.settings import Settings, SettingsError
from mkdocs_mldesign.core.site import Report
from mkdocs_mldesign.core.storage import nearest_existing
from mkdocs_mldesign.git.history import GitLog
from mkdocs_mldesign.project.cache import FOLDER, Cache
from mkdocs_mldesign.project.check import check_jobs, inside, list_jobs
from mkdocs_mldesign.routes.cli.site import (
    SiteConfig,
    UsageError,
    find_config,
    open_site,
    pages_to_check,
    site_for,
)

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def cmd_check(args: argparse.Namespace) -> int:
    start = Path(args.paths[0]) if args.paths else Path.cwd()
    config = site_for(args, start)
    if (
        config is not None
        and args.config_file is None
        and not all(inside(Path(p), config.docs_dir) for p in args.paths)
    ):
        config = None  # a mkdocs.yml found above pages it does not build is not their site
    if config is None and not args.paths:
        raise UsageError("give the Markdown files or folders to check, or run beside a mkdocs.yml (or -f mkdocs.yml)")
    settings = config.settings if config is not None else Settings(key=args.key)
    site = open_site(settings)
    targets, context = pages_to_check(args, config)
    asked, rest = list_jobs(targets, context, config.real if config is not None else None)
    today = date.today()
    roots = sorted({root for _, root, _ in (*asked, *rest)})
    git = not args.no_git and (config is None or config.git_dates)
    probes = {root: GitLog.probe(root) for root in roots} if git else {}
    cache = None
    if not args.no_cache:
        home = config.config_file.parent if config is not None else Path.cwd()
        base, rel = nearest_existing(Path(args.cache_dir)) if args.cache_dir else (home, FOLDER)
        mode = f"{args.format} strict" if args.strict else args.format  # the same report, another exit status
        cache = Cache.for_check(base, rel, mode, settings, today, probes, asked, rest)
        hit = cache.get() if cache is not None else None
        if hit is not None:
            print(hit[0])
            return hit[1]
    reading = {root: GitLog.start(root, probe) for root, probe in probes.items()}
    evidence = _evidence(args, config)
    report, named = check_jobs(site, asked, rest, today, logs=reading, evidence=evidence)
    logs = [read() for read in reading.values()]
    # Said for a checkout whose history could not be read, not for a folder outside git.
    _say_why_no_git(sorted({log.reason for log in logs if log.reason and not log.outside}), report)
    render = {"text": to_text, "json": to_json, "github": to_github}[args.format]
    output = render(report)
    code = EXIT_PROBLEMS if report.count("error") or (args.strict and report.count("warning")) else EXIT_OK
    # Measurements change without the pages changing: a report that judged some is not kept.
    measured = evidence is not None and any(lists_evidence(d.data) for d in report.designs)
    if cache is not None and not measured and not cache.put(output, code, named) and args.cache_dir:
        print(
            f"mldesign: note: nothing cached in {args.cache_dir}: it holds files mldesign did not write",
            file=sys.stderr,
        )
    print(output)
    return code


def _evidence(args: argparse.Namespace, config: SiteConfig | None) -> tuple[Path, EvidenceOptions] | None:
    """Where the designs' measurements are read from: the site's project folder and what
    its options allow (results files only, without a site); None with `--no-evidence`."""
    if args.no_evidence:
        return None
    if config is None:
        return Path.cwd(), EvidenceOptions()
    return config.config_file.parent, config.evidence


def cmd_diff(args: argparse.Namespace) -> int:
    from mkdocs_mldesign.git.diff import FORMATS, RevisionError, compare, default_base, read_revision, renames, resolve

    config = site_for(args, Path.cwd())
    settings = config.settings if config is not None else Settings(key=args.key)
    docs = config.docs_dir if config is not None else Path.cwd()
    site = open_site(settings)
    folder = shown_path(docs)
    prefix = "" if folder == "." else folder.rstrip("/") + "/"
    today = date.today()
    try:
        if args.base:
            base_name, base = args.base, resolve(str(docs), args.base)
        else:
            base_name, base = default_base(str(docs))
        project = str(config.config_file.parent) if config is not None else str(docs)
        before = read_revision(site, str(docs), base, shown_prefix=prefix, today=today, project=project)
        if args.head:
            head_name, head = args.head, resolve(str(docs), args.head)
            after = read_revision(site, str(docs), head, shown_prefix=prefix, today=today, project=project)
        else:
            head_name, head = "working tree", ""
            asked, _ = list_jobs([(docs, docs)])
            # The working tree's files, as the commit's: MLflow runs have no past to compare with.
            files_only = replace(config.evidence if config is not None else EvidenceOptions(), mlflow=False)
            after, _ = check_jobs(site, asked, [], today, evidence=(Path(project), files_only))
    except RevisionError as exc:
        raise UsageError(str(exc)) from None
    moved = renames(str(docs), base, head)
    diff = compare(site, before, after, names=(base_name, head_name, base, head), moved=moved)
    failures = diff.failures(drop=args.fail_on_drop, approved_change=args.fail_on_approved_change)
    print(FORMATS[args.format](diff, failures), end="" if args.format == "markdown" else "\n")
    return EXIT_PROBLEMS if failures else EXIT_OK


def _say_why_no_git(reasons: Sequence[str], report: Report) -> None:
    """Once, on stderr, when a design lacks a written date and git could not give it."""
    if reasons and report.undated():
        print(f"mldesign: no dates or history from git: {'; '.join(reasons)}", file=sys.stderr)


def _default_owner() -> str:
    return os.environ.get("USER") or os.environ.get("USERNAME") or "unassigned"


def _text_argument(name: str, value: str) -> str:
    """An argument as text, refused when it holds bytes that are not UTF-8 or a line break."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{name} holds bytes that are not UTF-8 text") from None
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in value):
        raise UsageError(f"{name} must be one line of text, without control characters")
    value = value.strip()
    if not value:
        raise UsageError(f"{name} must not be empty")
    return value


def cmd_new(args: argparse.Namespace) -> int:
    page = Path(args.path)
    if page.suffix not in (".md", ".markdown"):
        raise UsageError(f"{page} is not a Markdown page; give a path ending in .md")
    title = _text_argument("--title", args.title)
    owners = tuple(_text_argument("--owner", o) for o in (args.owners or [_default_owner()]))
    config = site_for(args, page.parent if page.parent.exists() else Path.cwd())
    settings = config.settings if config is not None else Settings(key=args.key)
    site = open_site(settings)
    template = site.template
    status = _text_argument("--status", args.status) if args.status else template.statuses[0]
    if status not in template.statuses:
        raise UsageError(f"`{status}` is not a status of this site; use one of: {', '.join(template.statuses)}")
    ident = _text_argument("--id", args.id) if args.id is not None else default_id(page.as_posix())
    if not site.checker.usable_id(ident):
        reserved = " (the site keeps it for its own files)" if ident in template.reserved_ids else ""
        raise UsageError(f"`{ident}` cannot be an id{reserved}; {template.id_hint}")
    new = NewDesign(title, ident, status, owners, date.today())
    files: list[tuple[Path, str]] = []
    if args.yaml:
        name = design_file_name(page)
        files.append((page.with_name(name), design_file_text(template, new)))
        files.append((page, page_text(template, new, key=settings.key, design_file=name)))
    else:
        files.append((page, page_text(template, new, key=settings.key)))
    try:
        page.parent.mkdir(parents=True, exist_ok=True)
        create_files(files)
    except FileExistsError as exc:
        print(f"mldesign: error: {exc.filename} already exists; not overwriting it", file=sys.stderr)
        return EXIT_PROBLEMS
    except OSError as exc:
        raise UsageError(f"cannot write {exc.filename or page}: {exc.strerror or exc}") from None
    for path, _ in files:
        print(f"created {shown_path(path)}")
    print(f"fill in the {PLACEHOLDER}s, then run: mldesign check {shown_path(page)}")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    config = site_for(args, Path.cwd())
    site = open_site(config.settings if config is not None else Settings())
    text = json.dumps(site.template.schema, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_labels(args: argparse.Namespace) -> int:
    """Every label the site shows, in its language, as YAML a site can copy into `labels:`."""
    import yaml

    from mkdocs_mldesign.core.labels import Labels
    from mkdocs_mldesign.project.config import ConfigError, load, option_error

    config_file = Path(args.config_file) if args.config_file else find_config(Path.cwd())
    language, settings = "en", Settings()
    overrides: Mapping[str, Any] = {}
    if config_file is not None:
        try:
            config = load(config_file)
        except ConfigError as exc:
            raise UsageError(str(exc)) from None
        language, overrides = config.options.outputs.language, config.options.outputs.labels
        settings = config.options.settings
    try:
        labels = Labels.build(open_site(settings).template, args.language or language, overrides)
    except SettingsError as exc:
        raise UsageError(option_error(config_file or Path("mkdocs.yml"), exc)) from None
    keys = sorted({key for layer in labels.layers for key in layer})
    print(f"# The labels of a site in {labels.language} (shipped: {labels.shipped}); any of them can go under")
    print("# `labels:` in the mldesign plugin's options, and a key left out keeps the text below.")
    sys.stdout.write(yaml.safe_dump({k: labels.text(k) for k in keys}, allow_unicode=True, sort_keys=False, width=200))
    return EXIT_OK


def cmd_zensical(args: argparse.Namespace) -> int:
    from mkdocs_mldesign.routes.zensical.stage import CONFIG_NAME, StageError, stage

    config_file = Path(args.config_file) if args.config_file else find_config(Path.cwd())
    if config_file is None:
        raise UsageError("run beside the site's mkdocs.yml, or give it with -f mkdocs.yml")

    def failing(report: Report, strict: bool) -> str:
        if report.count("error"):
            return "errors"
        return "warnings, in strict mode" if strict and report.count("warning") else ""

    # Checked before anything is staged: a site whose designs fail is not staged at all.
    try:
        staged = stage(
            config_file,
            site_dir=args.site_dir,
            accept=lambda report, config: not failing(report, args.strict or config.strict),
        )
    except StageError as exc:
        raise UsageError(str(exc)) from None
    render = {"text": to_text, "github": to_github}[args.format]
    print(render(staged.report))
    _say_why_no_git([staged.git_reason] if staged.git_reason else [], staged.report)
    if staged.history_cut:
        print(f"mldesign: note: {staged.history_cut}", file=sys.stderr)
    if not staged.written:
        why = failing(staged.report, True)
        print(f"mldesign: not staged for Zensical: the designs have {why}", file=sys.stderr)
        return EXIT_PROBLEMS
    if not staged.config.plugin_listed:
        print(f"mldesign: note: {shown_path(config_file)} lists no mldesign plugin; the defaults were used")
    config = os.path.relpath(staged.config_file)
    folder = os.path.dirname(config)
    build = f"zensical build -f {CONFIG_NAME}" if not folder else f"cd {folder} && zensical build -f {CONFIG_NAME}"
    print(f"Staged for Zensical in {os.path.relpath(staged.stage)}; now run: {build}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """`mldesign export model-card ID`: the design's Hugging Face model card."""
    from mkdocs_mldesign.core.labels import Labels, localize
    from mkdocs_mldesign.core.suggest import closest
    from mkdocs_mldesign.project.config import ConfigError, load
    from mkdocs_mldesign.publish.modelcard import model_card

    config = site_for(args, Path.cwd())
    if config is None:
        raise UsageError(
            "run beside a mkdocs.yml (or give -f mkdocs.yml): a model card is written from a site's design"
        )
    site = open_site(config.settings)
    asked, _ = list_jobs([(page, config.docs_dir) for page in config.pages], (), config.real)
    report, _ = check_jobs(site, asked, [], date.today(), evidence=_evidence(args, config))
    design = next((d for d in report.designs if d.id == args.id), None)
    if design is None:
        ids = sorted(d.id for d in report.designs)
        near = closest(args.id, ids)
        hint = f"; did you mean `{near}`?" if near else f"; its designs: {', '.join(ids[:20]) or 'none'}"
        raise UsageError(f"the site has no design with the id `{args.id}`{hint}")
    try:
        outputs = load(config.config_file).options.outputs
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    labels = Labels.build(site.template, outputs.language, outputs.labels)
    text = model_card(design, localize(site.template, labels), labels)
    if not args.output:
        sys.stdout.write(text)
        return EXIT_OK
    target = Path(args.output)
    try:
        with open(target, "w" if args.force else "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        print(f"mldesign: error: {shown_path(target)} already exists; give --force to replace it", file=sys.stderr)
        return EXIT_PROBLEMS
    except OSError as exc:
        raise UsageError(f"cannot write {shown_path(target)}: {exc.strerror or exc}") from None
    print(f"wrote {shown_path(target)}")
    return EXIT_OK


_EDITOR_EXTRA = "pip install './mkdocs-mldesign[editor]'"


def cmd_lsp(args: argparse.Namespace) -> int:
    try:
        from mkdocs_mldesign.routes.lsp.server import main as serve
    except ImportError as exc:
        raise UsageError(f"the language server needs {exc.name or 'pygls'}; install it with: {_EDITOR_EXTRA}") from None
    code: int = serve()
    return code


def cmd_mcp(args: argparse.Namespace) -> int:
    try:
        from mkdocs_mldesign.routes.mcp.server import main as serve
    except ImportError as exc:
        raise UsageError(f"the MCP server needs {exc.name or 'mcp'}; install it with: {_EDITOR_EXTRA}") from None
    code: int = serve(Path(args.config_file) if args.config_file else None)
    return code
