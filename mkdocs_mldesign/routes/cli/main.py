"""The `mldesign` command: the same core as the plugin, without building a site.

Run beside a `mkdocs.yml` (in the current folder, or the nearest parent of the path
given), every command follows that site's settings, exactly as `mkdocs build` does;
`-f` names another one.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs_mldesign import __version__
from mkdocs_mldesign.core.design import DocsPrefix, PageResult, beside_real_file, default_id
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
from mkdocs_mldesign.core.site import Report, Site, SiteError
from mkdocs_mldesign.git.history import GitLog
from mkdocs_mldesign.project.cache import FOLDER, Cache, digest_file

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


class UsageError(Exception):
    """A mistake in how the command was called; exits with status 2."""


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """What a command needs of a MkDocs site: where its pages are and how it checks them."""

    config_file: Path
    docs_dir: Path
    settings: Settings
    pages: tuple[Path, ...]  # every page MkDocs would build, as it lists them
    real: dict[Path, Path] = field(default_factory=dict)  # pages a plugin moved -> their real files
    git_dates: bool = True  # the site's `git_dates` option


def find_config(start: Path) -> Path | None:
    """The `mkdocs.yml` in `start` or the nearest folder above it."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            if (candidate / name).is_file():
                return candidate / name
    return None


def load_site(config_file: Path) -> SiteConfig:
    """The docs folder, the pages and the mldesign settings of a MkDocs site: as MkDocs
    lists them when it is installed, else as the Zensical stage reads `mkdocs.yml`."""
    try:
        import mkdocs  # noqa: F401
    except ImportError:
        return _load_site_without_mkdocs(config_file)
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError, PluginError
    from mkdocs.structure.files import get_files
    from mkdocs.structure.pages import Page

    try:
        config = load_config(str(config_file))
    except ConfigurationError as exc:
        raise UsageError(f"{shown_path(config_file)}: {exc}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {shown_path(config_file)}: {exc.strerror or exc}") from None
    plugin = config.plugins.get("mldesign")
    try:
        options = plugin.options() if plugin is not None else None
        settings = options.settings if options is not None else Settings()
        # The plugins' own events, as a build runs them before reading pages: a plugin
        # may move the docs (mkdocs-monorepo-plugin merges every included site into one
        # folder, then points each page back at its real file).
        config = config.plugins.on_config(config)
        files = config.plugins.on_files(get_files(config), config=config)
        real: dict[Path, Path] = {}
        pages = []
        for file in files.documentation_pages():
            if file.abs_src_path is None or file.inclusion.is_excluded():
                continue
            copy = Path(file.abs_src_path)
            config.plugins.on_pre_page(Page(None, file, config), config=config, files=files)
            if file.abs_src_path != str(copy):
                real[copy] = Path(file.abs_src_path)
            pages.append(copy)
    except PluginError as exc:
        raise UsageError(f"{shown_path(config_file)}: {exc}") from None
    except Exception as exc:  # another plugin's event: say which step, not a traceback
        raise UsageError(
            f"{shown_path(config_file)}: a plugin failed while the site's pages were listed "
            f"({type(exc).__name__}: {exc}); `mkdocs build` shows where"
        ) from None
    git_dates = options.git_dates if options is not None else True
    return SiteConfig(config_file, Path(config.docs_dir), settings, tuple(pages), real, git_dates)


def _load_site_without_mkdocs(config_file: Path) -> SiteConfig:
    from mkdocs_mldesign.project.config import ConfigError, load
    from mkdocs_mldesign.routes.zensical.stage import docs_files

    try:
        config = load(config_file)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    pages = tuple(config.docs_dir / src for src in docs_files(config) if src.endswith(".md"))
    return SiteConfig(config_file, config.docs_dir, config.options.settings, pages, git_dates=config.options.git_dates)


def _site_for(args: argparse.Namespace, start: Path) -> SiteConfig | None:
    if args.config_file is not None:
        return load_site(Path(args.config_file))
    found = find_config(start)
    return load_site(found) if found is not None else None


def _markdown_files(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith((".md", ".markdown")):
                yield Path(folder, name)


def _inside(path: Path, root: Path) -> bool:
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return rel != ".." and not rel.startswith(".." + os.sep)


#: The git history of each docs folder checked, by folder, as `GitLog.start` gives it.
GitLogs = Mapping[Path, Callable[[], GitLog]]


def _check_file(site: Site, path: Path, root: Path, today: date, real: Path | None = None) -> PageResult:
    """Check the page at `path` under the docs folder `root`; `real` is the file a copy
    was made from, by which messages name it."""
    src_uri = Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).as_posix()
    if real is not None:
        shown = shown_path(real)
        prefix: DocsPrefix = beside_real_file(str(real), src_uri, os.getcwd())
    else:
        shown = shown_path(path)
        folder = shown_path(root)
        prefix = "" if folder == "." else folder.rstrip("/") + "/"
    try:
        return site.check_file(path, src_uri=src_uri, file=shown, docs_dir=root, docs_prefix=prefix, today=today)
    except OSError as exc:
        raise UsageError(f"cannot read {shown}: {exc.strerror or exc}") from None


def check_paths(
    site: Site,
    targets: Sequence[tuple[Path, Path]],
    *,
    today: date | None = None,
    context: Sequence[tuple[Path, Path]] = (),
    real: Mapping[Path, Path] | None = None,
) -> Report:
    """Check each (page or folder of pages, docs root) pair, each page once however
    often it is named.

    The `context` pages (the rest of the site) take part in the rules across designs,
    so a link to them is not reported as broken, but their own problems are not
    reported.
    """
    asked, rest = list_jobs(targets, context, real)
    report, _ = check_jobs(site, asked, rest, today or date.today())
    return report


_Job = tuple[Path, Path, Path | None]  # a page, its docs folder, the real file of a moved copy


def list_jobs(
    targets: Sequence[tuple[Path, Path]],
    context: Sequence[tuple[Path, Path]] = (),
    real: Mapping[Path, Path] | None = None,
) -> tuple[list[_Job], list[_Job]]:
    """The pages of `targets` and of `context` to check, folders expanded, each page once."""
    moved: Mapping[Path, Path] = real or {}
    seen: set[str] = set()

    def listed(pairs: Sequence[tuple[Path, Path]]) -> list[_Job]:
        out = []
        for given, root in pairs:
            for path in _markdown_files(given) if given.is_dir() else [given]:
                resolved = os.path.realpath(path)
                if resolved not in seen:
                    seen.add(resolved)
                    out.append((path, root, moved.get(path)))
        return out

    return listed(targets), listed(context)


def check_jobs(
    site: Site,
    asked: Sequence[_Job],
    rest: Sequence[_Job],
    today: date,
    *,
    workers: int | None = None,
    logs: GitLogs | None = None,
) -> tuple[Report, list[tuple[str, str]]]:
    """The report over the pages of `asked` (with `rest` as their context), and the
    (docs folder, path) of each design file the pages named, read or not. The pages are
    checked by `workers` processes (default: as many as are worth it, see `_workers`),
    while git reads the history of `logs`; a design then gets the dates it does not
    write from its folder's (not a copy's: its history is elsewhere)."""
    jobs = [*asked, *rest]
    results = _check_all(site, jobs, today, _workers(len(jobs)) if workers is None else workers)
    for (_, root, real), result in zip(jobs, results, strict=True):
        read = (logs or {}).get(root)
        if read is not None and real is None and result.design is not None:
            log = read()
            if not log.reason:
                site.add_git_dates(result, log.span, today)
    named = [(str(root), r.design_file) for (_, root, _), r in zip(jobs, results, strict=True) if r.design_file]
    return site.check_site(results[: len(asked)], context=results[len(asked) :]), named


#: Below this many pages, starting workers costs more than it saves.
PARALLEL_FROM = 200


def _workers(pages: int) -> int:
    """How many processes check `pages` pages: one per core, each with at least half of
    `PARALLEL_FROM` pages, so that forking pays."""
    return max(1, min(_cores(), pages // (PARALLEL_FROM // 2)))


def _check_all(site: Site, jobs: Sequence[_Job], today: date, workers: int) -> list[PageResult]:
    """Check every page in `workers` processes, this one included; the results in the
    order of `jobs`, the same however many processes checked them."""
    # Forking is safe on Linux; on macOS it can break system libraries, and spawning
    # workers there would import everything again: one process checks all.
    if workers < 2 or not sys.platform.startswith("linux"):
        return [_check_file(site, path, root, today, real) for path, root, real in jobs]
    global _WORKER_SITE
    _WORKER_SITE = (site, today)  # a forked worker starts with it: nothing to compile again
    parts = [jobs[i::workers] for i in range(workers)]
    try:
        with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            others = pool.map_async(_check_chunk, parts[1:])
            chunks = [_check_chunk(parts[0]), *others.get()]  # this process checks a share too
    finally:
        _WORKER_SITE = None
    results: list[PageResult] = [None] * len(jobs)  # type: ignore[list-item]
    for i, chunk in enumerate(chunks):
        results[i::workers] = chunk
    return results


_WORKER_SITE: tuple[Site, date] | None = None


def _check_chunk(jobs: Sequence[_Job]) -> list[PageResult]:
    assert _WORKER_SITE is not None
    site, today = _WORKER_SITE
    results = [_check_file(site, path, root, today, real) for path, root, real in jobs]
    for result in results:  # what a report needs, not the page: less to send back
        result.meta = result.body = None
    return results


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _targets(
    args: argparse.Namespace, config: SiteConfig | None
) -> tuple[list[tuple[Path, Path]], list[tuple[Path, Path]]]:
    """The pages to check, each with its docs folder, and the rest of the site."""
    if config is not None:
        site_pages = [(p, config.docs_dir) for p in config.pages]
        if not args.paths:
            return site_pages, []
    targets: list[tuple[Path, Path]] = []
    for given in map(Path, args.paths):
        if not given.exists() and not given.is_symlink():
            raise UsageError(f"no such file or folder: {given}")
        if config is not None:
            if not _inside(given, config.docs_dir):
                docs, site_config = shown_path(config.docs_dir), shown_path(config.config_file)
                raise UsageError(
                    f"{given} is outside the docs folder {docs} of {site_config}, so the site does not build it"
                )
            if given.is_dir():
                targets.extend((p, config.docs_dir) for p in config.pages if _inside(p, given))
            else:
                targets.append((given, config.docs_dir))
        else:
            root = given if given.is_dir() else given.parent
            files = list(_markdown_files(given)) if given.is_dir() else [given]
            targets.extend((p, root) for p in files)
    if config is not None:
        return targets, site_pages
    roots = dict.fromkeys(root for _, root in targets)
    return targets, [(p, root) for root in roots for p in _markdown_files(root)]


def _site(settings: Settings) -> Site:
    try:
        return Site.load(settings)
    except SiteError as exc:
        raise UsageError(str(exc)) from None


def cmd_check(args: argparse.Namespace) -> int:
    start = Path(args.paths[0]) if args.paths else Path.cwd()
    config = _site_for(args, start)
    if (
        config is not None
        and args.config_file is None
        and not all(_inside(Path(p), config.docs_dir) for p in args.paths)
    ):
        config = None  # a mkdocs.yml found above pages it does not build is not their site
    if config is None and not args.paths:
        raise UsageError("give the Markdown files or folders to check, or run beside a mkdocs.yml (or -f mkdocs.yml)")
    settings = config.settings if config is not None else Settings(key=args.key)
    site = _site(settings)
    targets, context = _targets(args, config)
    asked, rest = list_jobs(targets, context, config.real if config is not None else None)
    today = date.today()
    roots = sorted({root for _, root, _ in (*asked, *rest)})
    git = not args.no_git and (config is None or config.git_dates)
    probes = {root: GitLog.probe(root) for root in roots} if git else {}
    cache = None
    if not args.no_cache:
        home = config.config_file.parent if config is not None else Path.cwd()
        folder = Path(args.cache_dir) if args.cache_dir else home / FOLDER
        extension = digest_file(settings.extension_schema) if settings.extension_schema else ""
        parts = [args.format, repr(settings), str(extension), today.isoformat()]
        parts += [f"{root}\0{_head(probes.get(root))}" for root in roots]
        parts += [f"{path}\0{root}\0{real or ''}" for path, root, real in (*asked, (Path(), Path(), None), *rest)]
        cache = Cache.open(folder, parts, [path for path, _, _ in (*asked, *rest)])
        hit = cache.get() if cache is not None else None
        if hit is not None:
            print(hit[0])
            return hit[1]
    reading = {root: GitLog.start(root, probe) for root, probe in probes.items()}
    report, named = check_jobs(site, asked, rest, today, logs=reading)
    logs = [read() for read in reading.values()]
    # Said for a checkout whose history could not be read, not for a folder outside git.
    _say_why_no_git(sorted({log.reason for log in logs if log.reason and not log.outside}), report)
    render = {"text": to_text, "json": to_json, "github": to_github}[args.format]
    output = render(report)
    code = EXIT_PROBLEMS if report.count("error") else EXIT_OK
    if cache is not None:
        cache.put(output, code, named)
    print(output)
    return code


def cmd_diff(args: argparse.Namespace) -> int:
    from mkdocs_mldesign.git.diff import FORMATS, RevisionError, compare, default_base, read_revision, renames, resolve

    config = _site_for(args, Path.cwd())
    settings = config.settings if config is not None else Settings(key=args.key)
    docs = config.docs_dir if config is not None else Path.cwd()
    site = _site(settings)
    folder = shown_path(docs)
    prefix = "" if folder == "." else folder.rstrip("/") + "/"
    today = date.today()
    try:
        if args.base:
            base_name, base = args.base, resolve(str(docs), args.base)
        else:
            base_name, base = default_base(str(docs))
        before = read_revision(site, str(docs), base, shown_prefix=prefix, today=today)
        if args.head:
            head_name, head = args.head, resolve(str(docs), args.head)
            after = read_revision(site, str(docs), head, shown_prefix=prefix, today=today)
        else:
            head_name, head = "working tree", ""
            asked, _ = list_jobs([(docs, docs)])
            after, _ = check_jobs(site, asked, [], today)
    except RevisionError as exc:
        raise UsageError(str(exc)) from None
    moved = renames(str(docs), base, head)
    diff = compare(site, before, after, names=(base_name, head_name, base, head), moved=moved)
    failures = diff.failures(drop=args.fail_on_drop, approved_change=args.fail_on_approved_change)
    print(FORMATS[args.format](diff, failures), end="" if args.format == "markdown" else "\n")
    return EXIT_PROBLEMS if failures else EXIT_OK


def _head(probe: GitLog | str | None) -> str:
    """What the cache's key holds of a docs folder's git history: its commit, or why none."""
    if probe is None:
        return "no-git"
    return f"commit {probe}" if isinstance(probe, str) else f"none: {probe.reason}"


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
    config = _site_for(args, page.parent if page.parent.exists() else Path.cwd())
    settings = config.settings if config is not None else Settings(key=args.key)
    site = _site(settings)
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
    config = _site_for(args, Path.cwd())
    site = _site(config.settings if config is not None else Settings())
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
    from mkdocs_mldesign.project.config import ConfigError, load

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
        labels = Labels.build(_site(settings).template, args.language or language, overrides)
    except SettingsError as exc:
        raise UsageError(f"{shown_path(config_file or Path('mkdocs.yml'))}: mldesign: {exc}") from None
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


def _config_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "-f",
        "--config-file",
        metavar="MKDOCS_YML",
        help=f"{what} (default: the mkdocs.yml of the current folder or the nearest one above)",
    )


def _key_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--key", default="design", help="front-matter key holding the design, outside a site (default: design)"
    )


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="mldesign", description="Check and scaffold ML design documents.")
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="check designs and report problems and completeness")
    check.add_argument(
        "paths", nargs="*", metavar="PATH", help="Markdown files or folders (searched recursively; default: the site)"
    )
    _config_option(check, "check with this site's settings")
    check.add_argument("--format", choices=("text", "json", "github"), default="text", help="output format")
    _key_option(check)
    check.add_argument(
        "--no-cache", action="store_true", help="check every page again, without reading or writing the cache"
    )
    check.add_argument("--no-git", action="store_true", help="take no dates from git: only the dates the designs write")
    check.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="where to keep the cache (default: .mldesign/cache beside the site's mkdocs.yml, or here)",
    )
    check.set_defaults(run=cmd_check)

    diff = sub.add_parser(
        "diff",
        help="what changed in the designs between two revisions (for reviews and CI)",
        description="Compare the site's designs at BASE with HEAD: designs added, removed and changed, their "
        "sections, completeness, status and problems. Both sides are judged by the site's current settings.",
    )
    diff.add_argument(
        "base", nargs="?", metavar="BASE", help="a git revision (default: the merge base with the default branch)"
    )
    diff.add_argument("head", nargs="?", metavar="HEAD", help="a git revision (default: the working tree)")
    _config_option(diff, "compare with this site's settings and docs folder")
    diff.add_argument("--format", choices=("text", "markdown", "json"), default="text", help="output format")
    _key_option(diff)
    diff.add_argument(
        "--fail-on-drop", action="store_true", help="exit with status 1 when a design's completeness drops"
    )
    diff.add_argument(
        "--fail-on-approved-change",
        action="store_true",
        help="exit with status 1 when an approved design's sections change and it stays approved",
    )
    diff.set_defaults(run=cmd_diff)

    new = sub.add_parser(
        "new",
        help="write a new design page with every section to fill in",
        description="Write a new design page holding every section and field of the template, each with its "
        "guiding question and a TODO placeholder. Never overwrites a file.",
    )
    new.add_argument("path", metavar="PATH", help="the Markdown page to create, e.g. docs/designs/churn.md")
    new.add_argument("--title", required=True, help="the design's title")
    new.add_argument(
        "--owner", action="append", dest="owners", metavar="NAME", help="an owner; repeat for several (default: $USER)"
    )
    new.add_argument("--status", help="the design's status (default: the site's first, normally draft)")
    new.add_argument("--id", help="the design's id (default: from the file name)")
    new.add_argument(
        "--yaml", action="store_true", help="write the design to <name>.design.yaml next to the page, for editors"
    )
    _config_option(new, "follow this site's key, statuses and extension schema")
    _key_option(new)
    new.set_defaults(run=cmd_new)

    schema = sub.add_parser("schema", help="print the design JSON Schema, with the site's extension and statuses")
    schema.add_argument("-o", "--output", metavar="FILE", help="write the schema to FILE instead")
    _config_option(schema, "the schema of this site")
    schema.set_defaults(run=cmd_schema)

    labels = sub.add_parser(
        "labels",
        help="list every label the site shows, in its language, with the key to override it",
        description="Print each label (and each section title and question of the template) the site shows, "
        "in the site's language (`theme.language`) with its own `labels:` applied, as YAML.",
    )
    labels.add_argument("--language", metavar="CODE", help="another language than the site's, such as de or pt-BR")
    _config_option(labels, "the labels of this site")
    labels.set_defaults(run=cmd_labels)

    zensical = sub.add_parser(
        "zensical",
        help="check the site and stage it for `zensical build`, which runs no MkDocs plugin",
        description="Check the site's designs as the plugin would and write a stage under .mldesign/zensical/ "
        "(design pages, overview, canvases, badges, export) with a config, mkdocs.mldesign.yml, that "
        "Zensical builds: `zensical build -f mkdocs.mldesign.yml`. Nothing in the docs folder is changed. "
        "Exits 1, and stages nothing to build, when a design has an error (or a warning, with --strict).",
    )
    _config_option(zensical, "the site to stage")
    zensical.add_argument("--site-dir", metavar="DIR", help="where Zensical writes the site (default: the site's)")
    zensical.add_argument("--strict", action="store_true", help="fail on warnings too, as `mkdocs build --strict`")
    zensical.add_argument("--format", choices=("text", "github"), default="text", help="output format")
    zensical.set_defaults(run=cmd_zensical)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except UsageError as exc:
        print(f"mldesign: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `mldesign check | head`: the reader left; stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PROBLEMS
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
