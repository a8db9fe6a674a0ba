"""The `mldesign` command: the same core as the plugin, without building a site."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .design import Checker, PageResult
from .frontmatter import decode
from .report import Report, to_github, to_json, to_text
from .schema import SchemaError, builtin_schema_text, load_template, read_extension

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in how the command was called; exits with status 2."""


@dataclass(frozen=True, slots=True)
class Settings:
    """What a site's `mkdocs.yml` says about checking designs."""

    key: str = "design"
    extension_schema: str | None = None
    statuses: tuple[str, ...] = ()


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
    settings = plugin.checker_settings()
    return docs_dir, Settings(settings.key, settings.extension_schema, settings.statuses)


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


def check_paths(checker: Checker, targets: Sequence[tuple[Path, Path]]) -> Report:
    """Check every Markdown file under each (path, docs root) pair."""
    results: list[PageResult] = []
    for target, root in targets:
        files = [target] if target.is_file() else list(_markdown_files(target))
        prefix = _shown(root)
        prefix = "" if prefix == "." else prefix.rstrip("/") + "/"

        def read(rel: str, root: Path = root) -> bytes:
            return (root / rel).read_bytes()

        for path in files:
            shown = _shown(path)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise UsageError(f"cannot read {shown}: {exc.strerror or exc}") from None
            text, bad = decode(data, shown)
            src_uri = path.relative_to(root).as_posix()
            result = checker.check_source(text, src_uri=src_uri, file=shown, read_file=read, docs_prefix=prefix)
            if bad is not None:
                result.problems.insert(0, bad)
            results.append(result)
    return Report.from_results(results)


def _checker(settings: Settings) -> Checker:
    extension = read_extension(settings.extension_schema) if settings.extension_schema else None
    template = load_template(extension, list(settings.statuses) or None)
    return Checker(template, key=settings.key)


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
        checker = _checker(settings)
    except SchemaError as exc:
        raise UsageError(str(exc)) from None
    report = check_paths(checker, targets)
    render = {"text": to_text, "json": to_json, "github": to_github}[args.format]
    print(render(report))
    return EXIT_PROBLEMS if report.count("error") else EXIT_OK


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
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
