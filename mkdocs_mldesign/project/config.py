"""Reading a site's `mkdocs.yml` without MkDocs, for the routes that do not run it.

Zensical reads `mkdocs.yml` itself and runs no MkDocs plugin, so the Zensical stage
cannot ask MkDocs for the site's settings. This reads the few it needs (folders, URLs,
nav, Markdown extensions and the `mldesign` plugin's options) with the same rules:
`INHERIT` merges a parent file, `!ENV` reads the environment, and the tags that name
Python objects (`!!python/name:...`, used by some extensions) are kept as text, never
resolved: reading a config must not import or run anything.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mkdocs_mldesign.core.frontmatter import TooLarge, read_regular
from mkdocs_mldesign.core.problems import shown_path
from mkdocs_mldesign.core.settings import SettingsError
from mkdocs_mldesign.publish.options import Options, parse_options, toc_permalink

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")
MAX_CONFIG_BYTES = 4 * 1024 * 1024


class ConfigError(Exception):
    """A `mkdocs.yml` that cannot be read; the message names the file."""


class _Loader(yaml.SafeLoader):
    """SafeLoader plus MkDocs' tags, none of which runs code."""


def _env(loader: _Loader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        names: list[Any] = [loader.construct_scalar(node)]
    else:
        names = loader.construct_sequence(node)  # type: ignore[arg-type]
    *variables, default = names if len(names) > 1 else [*names, None]
    for name in variables:
        if isinstance(name, str) and name in os.environ:
            return yaml.safe_load(os.environ[name]) if os.environ[name] else ""
    return default


def _as_text(loader: _Loader, suffix: str, node: yaml.Node) -> str:
    return f"!!python/{suffix}"


_Loader.add_constructor("!ENV", _env)
_Loader.add_constructor("!relative", lambda loader, node: str(loader.construct_scalar(node)))  # type: ignore[arg-type]
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _as_text)
_Loader.add_multi_constructor("!", lambda loader, suffix, node: f"!{suffix}")


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """What the routes without MkDocs need of a site's `mkdocs.yml`."""

    path: Path
    raw: dict[str, Any]
    docs_dir: Path
    site_dir: Path
    options: Options
    plugin_listed: bool  # whether `plugins` names mldesign
    site_name: str = ""
    site_url: str = ""
    use_directory_urls: bool = True
    nav: Any = None
    exclude_docs: str = ""
    strict: bool = False
    extras: dict[str, Any] = field(default_factory=dict)


def read_yaml(path: Path, depth: int = 0) -> dict[str, Any]:
    """A config file, with `INHERIT` merged in as MkDocs merges it."""
    try:
        raw = read_regular(path, MAX_CONFIG_BYTES)
    except TooLarge:
        raise ConfigError(f"{shown_path(path)}: larger than {MAX_CONFIG_BYTES:,} bytes; is it a config?") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read {shown_path(path)}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{shown_path(path)}: not UTF-8 text (a bad byte at offset {exc.start})") from None
    try:
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: builds no objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{shown_path(path)}:{mark.line + 1}:{mark.column + 1}" if mark is not None else shown_path(path)
        raise ConfigError(f"{where}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    except RecursionError:
        raise ConfigError(f"{shown_path(path)}: nested too deeply to be a config") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{shown_path(path)}: a config must be a mapping of settings")
    data = dict(data)
    parent = data.pop("INHERIT", None)
    if parent is not None:
        if depth > 10 or not isinstance(parent, str):
            raise ConfigError(f"{shown_path(path)}: `INHERIT` must name one parent config, and parents must not loop")
        data = merge(read_yaml((path.parent / parent).resolve(), depth + 1), data)
    return dict(data)


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = merge(out[key], value) if isinstance(out.get(key), dict) and isinstance(value, dict) else value
    return out


def plugin_entry(plugins: Any, name: str = "mldesign") -> tuple[bool, dict[str, Any]]:
    """Whether `plugins` (a list or a mapping, as mkdocs.yml allows) names `name`, and its options."""
    items: list[tuple[Any, Any]] = []
    if isinstance(plugins, Mapping):
        items = list(plugins.items())
    elif isinstance(plugins, list):
        for item in plugins:
            if isinstance(item, str):
                items.append((item, {}))
            elif isinstance(item, Mapping) and len(item) == 1:
                items.extend(item.items())
    for key, value in items:
        if key == name:
            if value is not None and not isinstance(value, Mapping):
                raise ConfigError(f"the options of `{name}` under `plugins` must be a mapping, not {value!r:.60}")
            return True, dict(value or {})
    return False, {}


#: The mldesign theme's folder (a MkDocs theme: templates, assets and mkdocs_theme.yml).
THEME_DIR = Path(__file__).parent.parent / "theme"
#: The names of the mldesign theme's own light and dark toggles (mkdocs_theme.yml), by label.
THEME_TOGGLES = {"Switch to dark mode": "theme.to_dark", "Switch to light mode": "theme.to_light"}


def translate_toggles(palette: Any, text: Callable[[str], str]) -> None:
    """Give the mldesign theme's colour toggles, named in English, the site's own words:
    `text(label key)` as the tool prints it (a name the site wrote itself is left as it is)."""
    for entry in [palette] if isinstance(palette, dict) else palette if isinstance(palette, list) else []:
        toggle = entry.get("toggle") if isinstance(entry, dict) else None
        if isinstance(toggle, dict) and toggle.get("name") in THEME_TOGGLES:
            toggle["name"] = text(THEME_TOGGLES[toggle["name"]])


def theme_defaults() -> dict[str, Any]:
    """The mldesign theme's own settings (mkdocs_theme.yml), without `extends`."""
    found = yaml.safe_load((THEME_DIR / "mkdocs_theme.yml").read_text(encoding="utf-8")) or {}
    found.pop("extends", None)
    return dict(found)


def theme_settings(theme: Any) -> dict[str, Any]:
    """A site's `theme` as MkDocs would see it, for what the plugin reads of it (language,
    palette): the mldesign theme's own defaults under the site's settings."""
    given = dict(theme) if isinstance(theme, Mapping) else {"name": theme} if isinstance(theme, str) else {}
    if given.get("name") != "mldesign":
        return given
    defaults = theme_defaults()
    return {**{k: v for k, v in defaults.items() if k in ("palette", "language")}, **given}


def option_error(config_file: str | os.PathLike[str], exc: SettingsError) -> str:
    """A message for a plugin option that cannot be used: `mkdocs.yml:LINE:COL: mldesign: ...`
    when the option is written in that file, else `mkdocs.yml: mldesign: ...`."""
    where = shown_path(config_file)
    found = locate_option(Path(config_file), exc.path) if exc.path else None
    if found is not None:
        where = f"{where}:{found[0]}:{found[1]}"
    return f"{where}: mldesign: {exc}"


def locate_option(path: Path, option: tuple[str, ...]) -> tuple[int, int] | None:
    """The line and column (from 1) of the mldesign plugin's option `option` (its path of
    keys, such as `("labels", "overview.title")`) in the config file `path`; None when the
    file does not write it (it may come from an `INHERIT`ed parent)."""
    try:
        text = read_regular(path, MAX_CONFIG_BYTES).decode("utf-8-sig")
        node: yaml.Node | None = yaml.compose(text, Loader=_Loader)
    except (OSError, ValueError, yaml.YAMLError, RecursionError):
        return None
    node = _value(node, "plugins")
    entries = node.value if isinstance(node, yaml.SequenceNode) else [node] if node is not None else []
    found = None
    for entry in entries:
        found = _value(entry, "mldesign") if isinstance(entry, yaml.MappingNode) else None
        if found is not None:
            break
    key_node = None
    for name in option:
        key_node = _key(found, name)
        found = _value(found, name)
        if key_node is None:
            return None
    return (key_node.start_mark.line + 1, key_node.start_mark.column + 1) if key_node is not None else None


def _key(node: yaml.Node | None, name: str) -> yaml.Node | None:
    return _item(node, name)[0]


def _value(node: yaml.Node | None, name: str) -> yaml.Node | None:
    return _item(node, name)[1]


def _item(node: yaml.Node | None, name: str) -> tuple[yaml.Node | None, yaml.Node | None]:
    """The key and value nodes of `name` in the mapping `node`."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == name:
                return key, value
    return None, None


def load(path: Path) -> SiteConfig:
    """The site `path` (a mkdocs.yml) describes; `ConfigError` when it cannot be used."""
    path = path.resolve()
    raw = read_yaml(path)
    root = path.parent
    try:
        listed, plugin = plugin_entry(raw.get("plugins"))
    except ConfigError as exc:
        raise ConfigError(f"{shown_path(path)}: {exc}") from None
    try:
        options = parse_options(
            plugin,
            config_dir=str(root),
            permalink=toc_permalink(raw.get("markdown_extensions")),
            theme=theme_settings(raw.get("theme")),
            extra=raw.get("extra") if isinstance(raw.get("extra"), Mapping) else None,
        )
    except SettingsError as exc:
        raise ConfigError(option_error(path, exc)) from None
    docs = raw.get("docs_dir", "docs")
    site = raw.get("site_dir", "site")
    if not isinstance(docs, str) or not isinstance(site, str):
        raise ConfigError(f"{shown_path(path)}: `docs_dir` and `site_dir` must be paths")
    docs_dir = (root / docs).resolve()
    if not docs_dir.is_dir():
        raise ConfigError(f"{shown_path(path)}: the docs folder {docs} does not exist")
    exclude = raw.get("exclude_docs")
    return SiteConfig(
        path=path,
        raw=raw,
        docs_dir=docs_dir,
        site_dir=(root / site).resolve(),
        options=options,
        plugin_listed=listed,
        site_name=str(raw.get("site_name") or ""),
        site_url=str(raw.get("site_url") or ""),
        use_directory_urls=raw.get("use_directory_urls", True) is not False,
        nav=raw.get("nav"),
        exclude_docs=exclude if isinstance(exclude, str) else "",
        strict=raw.get("strict") is True,
    )


def docs_files(config: SiteConfig) -> Iterator[str]:
    """Every file of the docs folder a build publishes, as /-separated paths: not those
    whose name starts with a dot, nor those `exclude_docs` names."""
    spec = None
    if config.exclude_docs.strip():
        import pathspec

        spec = pathspec.GitIgnoreSpec.from_lines(config.exclude_docs.splitlines())
    base = config.docs_dir
    seen: set[str] = set()
    for folder, dirs, names in os.walk(base, followlinks=True):  # as MkDocs lists them
        real = os.path.realpath(folder)
        if real in seen:  # a link back up the tree
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = Path(folder).relative_to(base).as_posix()
        for name in sorted(names):
            if name.startswith("."):
                continue
            src = name if rel == "." else f"{rel}/{name}"
            if spec is not None and spec.match_file(src):
                continue
            yield src
