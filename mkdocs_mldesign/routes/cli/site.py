"""How the command line finds a site: the nearest `mkdocs.yml`, its pages as MkDocs lists
them (or, without MkDocs, as the Zensical stage reads `mkdocs.yml`), and the pages a
command was given."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs_mldesign.core.evidence import EvidenceOptions
from mkdocs_mldesign.core.problems import shown_path
from mkdocs_mldesign.core.settings import Settings
from mkdocs_mldesign.core.site import Site, SiteError
from mkdocs_mldesign.project.check import inside, markdown_files
from mkdocs_mldesign.project.config import CONFIG_NAMES


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
    evidence: EvidenceOptions = field(default_factory=EvidenceOptions)  # where measurements may be read


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
        options = plugin.options(config_file=str(config_file)) if plugin is not None else None
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
        named = str(exc).startswith(shown_path(config_file))  # located by the plugin: mkdocs.yml:LINE:COL
        raise UsageError(str(exc) if named else f"{shown_path(config_file)}: {exc}") from None
    except Exception as exc:  # another plugin's event: say which step, not a traceback
        raise UsageError(
            f"{shown_path(config_file)}: a plugin failed while the site's pages were listed "
            f"({type(exc).__name__}: {exc}); `mkdocs build` shows where"
        ) from None
    git_dates = options.git_dates if options is not None else True
    evidence = options.evidence if options is not None else EvidenceOptions()
    return SiteConfig(config_file, Path(config.docs_dir), settings, tuple(pages), real, git_dates, evidence)


def _load_site_without_mkdocs(config_file: Path) -> SiteConfig:
    from mkdocs_mldesign.project.config import ConfigError, docs_files, load

    try:
        config = load(config_file)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    pages = tuple(config.docs_dir / src for src in docs_files(config) if src.endswith(".md"))
    options = config.options
    return SiteConfig(
        config_file, config.docs_dir, options.settings, pages, git_dates=options.git_dates, evidence=options.evidence
    )


def site_for(args: argparse.Namespace, start: Path) -> SiteConfig | None:
    if args.config_file is not None:
        return load_site(Path(args.config_file))
    found = find_config(start)
    return load_site(found) if found is not None else None


def pages_to_check(
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
            if not inside(given, config.docs_dir):
                docs, site_config = shown_path(config.docs_dir), shown_path(config.config_file)
                raise UsageError(
                    f"{given} is outside the docs folder {docs} of {site_config}, so the site does not build it"
                )
            if given.is_dir():
                targets.extend((p, config.docs_dir) for p in config.pages if inside(p, given))
            else:
                targets.append((given, config.docs_dir))
        else:
            root = given if given.is_dir() else given.parent
            files = list(markdown_files(given)) if given.is_dir() else [given]
            targets.extend((p, root) for p in files)
    if config is not None:
        return targets, site_pages
    roots = dict.fromkeys(root for _, root in targets)
    return targets, [(p, root) for root in roots for p in markdown_files(root)]


def open_site(settings: Settings) -> Site:
    try:
        return Site.load(settings)
    except SiteError as exc:
        raise UsageError(str(exc)) from None
