"""The `mldesign` command: the same core as the plugin, without building a site.

Run beside a `mkdocs.yml` (in the current folder, or the nearest parent of the path
given), every command follows that site's settings, exactly as `mkdocs build` does;
`-f` names another one.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from mkdocs_mldesign import __version__
from mkdocs_mldesign.core.problems import visible
from mkdocs_mldesign.project.check import CheckError
from mkdocs_mldesign.routes.cli.commands import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    cmd_check,
    cmd_diff,
    cmd_export,
    cmd_labels,
    cmd_lsp,
    cmd_mcp,
    cmd_new,
    cmd_schema,
    cmd_zensical,
)
from mkdocs_mldesign.routes.cli.site import UsageError

__all__ = ["EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "main", "parser"]


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
        "--strict",
        action="store_true",
        help="exit 1 on warnings too (a target missed, a stale design), as `mkdocs build --strict`",
    )
    check.add_argument(
        "--no-evidence",
        action="store_true",
        help="read no measurements (results files, MLflow, model cards): every measurable target shows no evidence",
    )
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

    export = sub.add_parser(
        "export",
        help="write a design as another document: a Hugging Face model card",
        description="Write the design with id ID as a Hugging Face model card (YAML metadata with `model-index`, "
        "and the design's answers as its sections), to standard output or to FILE. Never replaces a file "
        "without --force.",
    )
    export.add_argument("kind", choices=("model-card",), help="what to write")
    export.add_argument("id", metavar="ID", help="the design's id")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    export.add_argument("--force", action="store_true", help="replace FILE when it exists")
    export.add_argument(
        "--no-evidence", action="store_true", help="read no measurements: the card's model-index stays empty"
    )
    _config_option(export, "the site whose design to write")
    export.set_defaults(run=cmd_export)

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

    lsp = sub.add_parser(
        "lsp",
        help="a language server for editors: the check's problems, completion and quick fixes while typing",
        description="Serve the Language Server Protocol over standard input and output, for the design pages "
        "and design files of the site of the nearest mkdocs.yml. Editors start it themselves; see the "
        "editors page of the docs. Needs the `editor` extra.",
    )
    lsp.set_defaults(run=cmd_lsp)

    mcp = sub.add_parser(
        "mcp",
        help="a Model Context Protocol server: the check, the schema and the scaffold as tools for agents",
        description="Serve the Model Context Protocol over standard input and output, with tools that check "
        "designs, explain fields, list designs and coverage, and write new designs. Needs the `editor` extra.",
    )
    _config_option(mcp, "the site the tools work on")
    mcp.set_defaults(run=cmd_mcp)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except (UsageError, CheckError) as exc:
        print(f"mldesign: error: {visible(str(exc))}", file=sys.stderr)  # it may quote what a user typed
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
