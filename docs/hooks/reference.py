"""MkDocs hooks of this documentation site: the reference pages, made at build time.

`on_files` adds the pages `mkdocs_mldesign.reference.pages()` returns (plugin options,
design schema, command line) as generated files, so they always match the code and are
never edited by hand. `on_page_markdown` brings the rules table of `lint-rules.md` up
to date from `lint.RULES`, and warns when the file itself is stale (so `mkdocs build
--strict` fails until someone pastes the current table into it).
"""

from __future__ import annotations

import logging

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from mkdocs_mldesign.reference import pages, refresh_lint_rules

log = logging.getLogger("mkdocs.hooks.reference")

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
            "`python -c 'from mkdocs_mldesign.lint import rules_markdown; print(rules_markdown())'`",
            LINT_PAGE,
        )
    return fresh
