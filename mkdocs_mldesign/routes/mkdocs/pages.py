"""The pages of a MkDocs build as the plugin reads them: each page's bytes (bounded), how
messages name it, and its verdict, kept between events and, under `mkdocs serve`, between
builds."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from mkdocs_mldesign.core.design import DocsPrefix, PageResult, beside_real_file, read_inside, relative_inside
from mkdocs_mldesign.core.frontmatter import MAX_PAGE_BYTES, read_page
from mkdocs_mldesign.core.lint import SITE_RULE_IDS
from mkdocs_mldesign.core.site import Site
from mkdocs_mldesign.core.storage import digest


@dataclass(slots=True)
class Entry:
    """What the plugin keeps of one page.

    Not the page's text: when a change of the plugin's settings must re-check pages that
    `serve --dirty` does not read again, `file` reads it again.
    """

    digest: str
    file: File
    shown: str
    result: PageResult


class Pages:
    """Every page's entry, by `src_uri`, for the site of one docs folder."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.docs_dir = ""  # of the site the entries are of

    def for_site(self, docs_dir: str) -> bool:
        """Forget every entry when another site is built in the same process (MkDocs keeps
        one plugin instance); whether they were forgotten."""
        if docs_dir == self.docs_dir:
            return False
        self.entries.clear()
        self.docs_dir = docs_dir
        return True

    def check(self, site: Site, file: File, data: bytes, config: MkDocsConfig) -> tuple[str, Entry]:
        """Check a page's bytes with the core and keep the result: the page's text and its
        entry. Its dates from git come once every page is read (`SiteHistory.date`)."""
        entry = Entry(digest(data), file, shown(config, file), PageResult())
        text, entry.result = site.check_page(
            data,
            src_uri=file.src_uri,
            file=entry.shown,
            read_file=lambda rel: read_inside(config.docs_dir, rel),
            docs_prefix=docs_prefix(config, file),
            today=date.today(),
        )
        self.entries[file.src_uri] = entry
        return text, entry

    def check_again(self, site: Site, config: MkDocsConfig) -> None:
        """Check every kept page again (the settings or the template changed under `serve`)."""
        for src_uri, entry in list(self.entries.items()):
            try:
                data = read(entry.file)
            except OSError:
                del self.entries[src_uri]  # gone: MkDocs will not list it either
                continue
            self.check(site, entry.file, data, config)

    def keep_only(self, present: set[str]) -> None:
        for gone in set(self.entries) - present:
            del self.entries[gone]

    def of(self, present: set[str]) -> Iterator[Entry]:
        return (e for uri, e in self.entries.items() if uri in present)

    def rebuild_changed(self, site: Site, files: Files, config: MkDocsConfig) -> int:
        """Under `--dirty`, MkDocs rebuilds only the pages whose own file changed, but a
        design's verdict also depends on the others (a link to an id that went away). The
        changed pages are checked now, the site rules run over all of them, and every
        unchanged page whose site problems differ loses its built file in the site folder,
        so that MkDocs sees it as changed and builds it again: how many did."""

        def site_problems(result: PageResult) -> frozenset[str]:
            return frozenset(p.format() for p in result.all_problems if p.rule in SITE_RULE_IDS)

        before = {uri: site_problems(e.result) for uri, e in self.entries.items()}
        pages = list(files.documentation_pages())
        unchanged = {f.src_uri for f in pages if not f.is_modified()}
        for file in pages:
            if file.src_uri in unchanged:
                continue
            try:
                data = read(file)
            except OSError:
                continue  # reported when MkDocs reads it
            entry = self.entries.get(file.src_uri)
            if entry is None or entry.digest != digest(data):
                self.check(site, file, data, config)
        site.check_site(e.result for e in self.of({f.src_uri for f in pages}))
        stale = [
            f
            for f in pages
            if f.src_uri in unchanged
            and f.src_uri in self.entries
            and before.get(f.src_uri) != site_problems(self.entries[f.src_uri].result)
        ]
        for file in stale:
            with contextlib.suppress(OSError):
                os.remove(file.abs_dest_path)
        return len(stale)


def read(file: File) -> bytes:
    """A page's bytes, bounded: only a regular file, and only the start of a huge one
    (`whole` says which)."""
    if file.abs_src_path is None or file.generated_by is not None:
        return file.content_bytes
    data, _ = read_page(file.abs_src_path)
    return data


def whole(file: File, data: bytes) -> bool:
    return file.abs_src_path is None or len(data) <= MAX_PAGE_BYTES


def write(site_dir: str, rel: str, text: str) -> None:
    path = os.path.join(site_dir, *rel.split("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def shown(config: MkDocsConfig, file: File) -> str:
    """How messages name the page: by its path from mkdocs.yml's folder."""
    if file.abs_src_path is None:
        return file.src_uri
    config_dir = os.path.dirname(config.config_file_path or "") or os.getcwd()
    return os.path.relpath(file.abs_src_path, config_dir).replace(os.sep, "/")


def docs_prefix(config: MkDocsConfig, file: File) -> DocsPrefix:
    """How the docs folder's files are named in messages about `file`'s design file.

    A page another plugin moved (mkdocs-monorepo-plugin builds from a merged copy of
    each included docs folder, and points the page back at its real file) names its
    design file beside its real file, not in the copy."""
    config_dir = os.path.dirname(config.config_file_path or "") or os.getcwd()
    real = file.abs_src_path
    if moved(config, file) and real is not None:
        return beside_real_file(real, file.src_uri, config_dir)
    prefix = os.path.relpath(config.docs_dir, config_dir).replace(os.sep, "/")
    return "" if prefix == "." else prefix + "/"


def moved(config: MkDocsConfig, file: File) -> bool:
    """Whether another plugin made the page from a file outside the docs folder."""
    real = file.abs_src_path
    if real is None:
        return False
    return relative_inside(os.path.realpath(real), os.path.realpath(config.docs_dir)) is None
