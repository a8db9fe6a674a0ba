"""The `mldesign` command: the same core as the plugin, without building a site."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from . import __version__
from .design import Checker, PageResult, default_id, read_inside
from .lint import check_lint_settings, lint_design, lint_site
from .problems import Problem
from .report import Report, to_github, to_json, to_text
from .scaffold import PLACEHOLDER, NewDesign, create_files, design_file_name, design_file_text, page_text
from .schema import SchemaError, Template, builtin_schema_text, load_template, read_extension
from .settings import Settings, SettingsError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in how the command was called; exits with status 2."""


def _settings_from_config(config_file: Path) -> tuple[Path, Settings]:
    """The docs folder and the mldesign plugin settings of a MkDocs site."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    try:
        config = load_config(str(config_file))
    except ConfigurationError as exc:
        raise UsageError(f"{config_file}: {exc}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {config_file}: {exc.strerror or exc}") from None
    docs_dir = Path(config.docs_dir)
    plugin = config.plugins.get("mldesign")
    if plugin is None:
        return docs_dir, Settings()
    from mkdocs.exceptions import PluginError

    try:
        return docs_dir, plugin.site_settings()
    except PluginError as exc:
        raise UsageError(f"{config_file}: {exc}") from None


def _markdown_files(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith((".md", ".markdown")):
                yield Path(folder, name)


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _check_file(checker: Checker, path: Path, root: Path) -> PageResult:
    prefix = _shown(root)
    prefix = "" if prefix == "." else prefix.rstrip("/") + "/"

    def read(rel: str) -> bytes:
        return read_inside(root, rel)

    shown = _shown(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {shown}: {exc.strerror or exc}") from None
    # `path` may be relative while the docs folder from mkdocs.yml is absolute.
    src_uri = Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).as_posix()
    if src_uri == ".." or src_uri.startswith("../"):
        raise UsageError(f"{shown} is outside the docs folder {_shown(root)}")
    _, result = checker.check_bytes(data, src_uri=src_uri, file=shown, read_file=read, docs_prefix=prefix)
    return result


def check_paths(
    checker: Checker,
    targets: Sequence[tuple[Path, Path]],
    *,
    settings: Settings | None = None,
    today: date | None = None,
    context: Sequence[Path] = (),
) -> Report:
    """Check every Markdown file under each (path, docs root) pair.

    With `settings`, the lint rules run as well (`today` defaults to the current date):
    the single-design rules on every design checked, the site rules (ids, links) over
    all of them together. The designs in the `context` folders that are not among the
    targets take part in the site rules, so a link to them is not reported as broken,
    but their own problems are not reported.
    """
    results: list[PageResult] = []
    checked: set[Path] = set()
    for target, root in targets:
        files = [target] if target.is_file() else list(_markdown_files(target))
        for path in files:
            checked.add(path.resolve())
            results.append(_check_file(checker, path, root))
    report = Report.from_results(results)
    if settings is None:
        return report
    others = []
    for root in context:
        for path in _markdown_files(root):
            if path.resolve() not in checked:
                checked.add(path.resolve())
                if (design := _check_file(checker, path, root).design) is not None:
                    others.append(design)
    day = today or date.today()
    for design in report.designs:
        design.problems.extend(lint_design(design, checker.template, settings, day))
        design.problems.sort(key=Problem.sort_key)
    lint_site([*report.designs, *others], settings)
    return report


def _template(settings: Settings) -> Template:
    extension = read_extension(settings.extension_schema) if settings.extension_schema else None
    return load_template(extension, list(settings.status_names))


def _checker(settings: Settings) -> Checker:
    return Checker(_template(settings), key=settings.key)


def cmd_check(args: argparse.Namespace) -> int:
    config_file = args.config_file
    if config_file is None and not args.paths and Path("mkdocs.yml").is_file():
        config_file = "mkdocs.yml"
    if config_file is not None:
        docs_dir, settings = _settings_from_config(Path(config_file))
        targets = [(Path(p), docs_dir) for p in args.paths] or [(docs_dir, docs_dir)]
    else:
        if not args.paths:
            raise UsageError("give the Markdown files or folders to check, or -f mkdocs.yml")
        settings = Settings(key=args.key)
        targets = [(Path(p), Path(p) if Path(p).is_dir() else Path(p).parent) for p in args.paths]
    for target, _ in targets:
        if not target.exists():
            raise UsageError(f"no such file or folder: {target}")
    try:
        check_lint_settings(settings.lint)
        checker = _checker(settings)
    except (SchemaError, SettingsError) as exc:
        raise UsageError(str(exc)) from None
    # The site rules (ids, links) see every design under the docs folder, or, without a
    # site, under the folders given and the folders of the files given.
    context = list(dict.fromkeys(root for _, root in targets))
    report = check_paths(checker, targets, settings=settings, today=date.today(), context=context)
    render = {"text": to_text, "json": to_json, "github": to_github}[args.format]
    print(render(report))
    return EXIT_PROBLEMS if report.count("error") else EXIT_OK


def _site_settings(args: argparse.Namespace) -> Settings:
    """The settings of the site named by `-f`, or the defaults.

    Unlike `check`, `new` does not pick up ./mkdocs.yml by itself: a new site often
    has no docs folder yet, which MkDocs refuses to load.
    """
    if args.config_file is None:
        return Settings(key=args.key)
    return _settings_from_config(Path(args.config_file))[1]


def _default_owner() -> str:
    return os.environ.get("USER") or os.environ.get("USERNAME") or "unassigned"


def cmd_new(args: argparse.Namespace) -> int:
    page = Path(args.path)
    if page.suffix not in (".md", ".markdown"):
        raise UsageError(f"{page} is not a Markdown page; give a path ending in .md")
    settings = _site_settings(args)
    try:
        template = _template(settings)
    except SchemaError as exc:
        raise UsageError(str(exc)) from None
    status = args.status or template.statuses[0]
    if status not in template.statuses:
        raise UsageError(f"`{status}` is not a status of this site; use one of: {', '.join(template.statuses)}")
    ident = args.id or default_id(page.as_posix())
    pattern = template.schema["properties"].get("id", {}).get("pattern")
    if isinstance(pattern, str) and not re.search(pattern, ident):
        raise UsageError(
            f"`{ident}` cannot be an id; use letters, digits, '.', '_' and '-', starting with a letter or digit"
        )
    if not args.title.strip():
        raise UsageError("--title must not be empty")
    owners = tuple(o for o in (args.owners or [_default_owner()]) if o.strip())
    if not owners:
        raise UsageError("--owner must not be empty")
    new = NewDesign(args.title.strip(), ident, status, owners, date.today())
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
        print(f"created {_shown(path)}")
    print(f"fill in the {PLACEHOLDER}s, then run: mldesign check {_shown(page)}")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    text = builtin_schema_text()
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="mldesign", description="Check and scaffold ML design documents.")
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="check designs and report problems and completeness")
    check.add_argument("paths", nargs="*", metavar="PATH", help="Markdown files or folders (searched recursively)")
    check.add_argument(
        "-f", "--config-file", metavar="MKDOCS_YML", help="check this site's docs with its plugin settings"
    )
    check.add_argument("--format", choices=("text", "json", "github"), default="text", help="output format")
    check.add_argument("--key", default="design", help="front-matter key holding the design (default: design)")
    check.set_defaults(run=cmd_check)

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
    new.add_argument(
        "-f", "--config-file", metavar="MKDOCS_YML", help="follow this site's key, statuses and extension schema"
    )
    new.add_argument("--key", default="design", help="front-matter key holding the design (default: design)")
    new.set_defaults(run=cmd_new)

    schema = sub.add_parser("schema", help="print the design JSON Schema")
    schema.add_argument("-o", "--output", metavar="FILE", help="write the schema to FILE instead")
    schema.set_defaults(run=cmd_schema)
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
