"""The `mldesign` options of a site, checked once for every route.

The MkDocs plugin gets them from MkDocs (which has checked their types); the Zensical
stage and the command line read them from `mkdocs.yml` themselves. Both pass them
here, so the same `mkdocs.yml` means the same site whichever tool builds it.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mkdocs_mldesign.core.evidence import TIMEOUT_SECONDS, EvidenceOptions
from mkdocs_mldesign.core.frameworks import PRESETS
from mkdocs_mldesign.core.labels import language_of
from mkdocs_mldesign.core.lint import parse_lint_settings
from mkdocs_mldesign.core.settings import Settings, SettingsError, parse_statuses
from mkdocs_mldesign.core.suggest import closest

from .publisher import OWN_FOLDERS, Outputs

#: Each option and its default, as the plugin documents them.
DEFAULTS: dict[str, Any] = {
    "key": "design",
    "overview": "designs/index.md",
    "placement": "top",
    "badges": True,
    "canvas": True,
    "export": "designs.json",
    "extension_schema": None,
    "statuses": None,
    "lint": {},
    "stale_after_days": 365,
    "require_approvals": False,
    "git_dates": True,
    "history": True,
    "sources": [],
    "evidence": True,
    "evidence_timeout": TIMEOUT_SECONDS,
    "evidence_max_age_days": None,
    "mlflow_tracking_uri": None,
    "mlflow_tracking_uris": [],
    "frameworks": [],
    "model_cards": False,
    "language": None,
    "labels": {},
}


@dataclass(frozen=True, slots=True)
class Options:
    settings: Settings
    outputs: Outputs
    sources: tuple[str, ...] = ()  # other sites' designs.json, by path or http(s) URL
    git_dates: bool = True  # unwritten `created`/`updated` dates from git
    history: bool = True  # each design page's timeline of status changes, from git
    evidence: EvidenceOptions = field(
        default_factory=EvidenceOptions
    )  # what the designs' measurements may be read from


def parse_options(
    raw: Mapping[str, Any],
    *,
    config_dir: str = "",
    permalink: str = "",
    theme: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Options:
    """The options in `raw` (the plugin's mapping in `mkdocs.yml`), checked; a
    `SettingsError` names the first that cannot be used. `theme` and `extra` are the
    site's (for its language, its colour schemes and where Material keeps its settings)."""
    unknown = sorted(set(raw) - set(DEFAULTS) - {"enabled"})
    if unknown:
        raise SettingsError(
            f"unknown option `{unknown[0]}`; the options are: {', '.join(DEFAULTS)}", path=(unknown[0],)
        )
    given = {**DEFAULTS, **{k: v for k, v in raw.items() if v is not None or k == "extension_schema"}}
    key = _typed(given, "key", str)
    if not key.strip():
        raise SettingsError("`key` must name a front-matter key, such as design", path=("key",))
    placement = given["placement"]
    if placement not in ("top", "bottom"):
        raise SettingsError(f"`placement` must be top or bottom, not {placement!r}", path=("placement",))
    stale = given["stale_after_days"]
    if not isinstance(stale, int) or isinstance(stale, bool):
        raise SettingsError(
            f"`stale_after_days` must be a whole number of days, not {stale!r}", path=("stale_after_days",)
        )
    extension = given["extension_schema"]
    if extension is not None:
        if not isinstance(extension, str) or not extension:
            raise SettingsError(
                "`extension_schema` must be the path of a JSON or YAML file", path=("extension_schema",)
            )
        extension = os.path.join(config_dir, extension) if config_dir else extension
        if not os.path.isfile(extension):
            raise SettingsError(f"`extension_schema`: the file {extension} does not exist", path=("extension_schema",))
    lint = given["lint"]
    if not isinstance(lint, dict):
        raise SettingsError("`lint` must map rule ids to error, warning or off", path=("lint",))
    statuses = given["statuses"]
    if statuses is not None and not isinstance(statuses, list):
        raise SettingsError("`statuses` must be a list of names or of mappings with `name`", path=("statuses",))
    sources = given["sources"]
    if not isinstance(sources, list) or not all(isinstance(x, str) and x.strip() for x in sources):
        raise SettingsError(
            "`sources` must be a list of paths or http(s) URLs of other sites' designs.json", path=("sources",)
        )
    evidence = _evidence_options(given)
    frameworks = _frameworks(given["frameworks"], config_dir)
    for flag in ("badges", "canvas", "require_approvals", "git_dates", "history", "model_cards"):
        if not isinstance(given[flag], bool):
            raise SettingsError(f"`{flag}` must be true or false", path=(flag,))
    language = given["language"]
    if language is not None and (not isinstance(language, str) or not language.strip()):
        raise SettingsError("`language` must be a language code such as de, fr or pt-BR", path=("language",))
    labels = given["labels"]
    if not isinstance(labels, dict):
        raise SettingsError(
            "`labels` must map label keys to text, such as `checklist.heading: Review list`", path=("labels",)
        )
    overview = path_option("overview", given["overview"], "designs/index.md")
    if overview and not overview.endswith(".md"):
        raise SettingsError(
            f"`overview` must be a Markdown path such as designs/index.md, not {overview!r}", path=("overview",)
        )
    export = path_option("export", given["export"], "designs.json")
    if export and export.startswith(OWN_FOLDERS):
        raise SettingsError(
            f"`export: {export}` would replace one of the plugin's own files "
            f"(under {', '.join(OWN_FOLDERS)}); choose another path, such as designs.json",
            path=("export",),
        )
    settings = Settings(
        key=key,
        extension_schema=extension,
        statuses=parse_statuses(statuses),
        lint=parse_lint_settings(lint),
        stale_after_days=stale,
        require_approvals=given["require_approvals"],
        evidence_max_age_days=given["evidence_max_age_days"],
        frameworks=frameworks,
    )
    outputs = Outputs(
        overview=overview,
        placement=placement,
        badges=given["badges"],
        canvas=given["canvas"],
        export=export,
        permalink=permalink,
        language=language_of(theme, language),
        labels=dict(labels),
        palette=palette_of(theme),
        scope=str((extra or {}).get("scope") or ""),
        model_cards=given["model_cards"],
    )
    return Options(
        settings,
        outputs,
        tuple(x.strip() for x in sources),
        git_dates=given["git_dates"],
        history=given["history"],
        evidence=evidence,
    )


def _frameworks(given: Any, config_dir: str) -> tuple[str, ...]:
    """The `frameworks` option: shipped presets by name, a site's own files by path
    (relative to mkdocs.yml), each checked to exist."""
    if not isinstance(given, list) or not all(isinstance(x, str) and x.strip() for x in given):
        raise SettingsError(
            f"`frameworks` must be a list of shipped frameworks ({', '.join(PRESETS)}) or paths of YAML files",
            path=("frameworks",),
        )
    out = []
    for item in (x.strip() for x in given):
        if item in PRESETS:
            out.append(item)
            continue
        path = os.path.join(config_dir, item) if config_dir else item
        if not os.path.isfile(path):
            near = closest(item, list(PRESETS))
            hint = f"; did you mean the shipped `{near}`?" if near else f"; shipped: {', '.join(PRESETS)}"
            raise SettingsError(
                f"`frameworks`: {item} is neither a shipped framework nor a file{hint}", path=("frameworks",)
            )
        out.append(path)
    return tuple(out)


def _evidence_options(given: Mapping[str, Any]) -> EvidenceOptions:
    enabled = given["evidence"]
    if not isinstance(enabled, bool):
        raise SettingsError("`evidence` must be true or false", path=("evidence",))
    timeout = given["evidence_timeout"]
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 600:
        raise SettingsError(
            f"`evidence_timeout` must be a number of seconds between 0 and 600, not {timeout!r}",
            path=("evidence_timeout",),
        )
    age = given["evidence_max_age_days"]
    if age is not None and (isinstance(age, bool) or not isinstance(age, int) or age < 0):
        raise SettingsError(
            f"`evidence_max_age_days` must be a whole number of days, not {age!r}", path=("evidence_max_age_days",)
        )
    uri = given["mlflow_tracking_uri"]
    if uri is not None and (not isinstance(uri, str) or not _web(uri)):
        raise SettingsError(
            f"`mlflow_tracking_uri` must be the http(s) address of an MLflow tracking server, not {uri!r}",
            path=("mlflow_tracking_uri",),
        )
    others = given["mlflow_tracking_uris"]
    if not isinstance(others, list) or not all(isinstance(u, str) and _web(u) for u in others):
        raise SettingsError(
            "`mlflow_tracking_uris` must be a list of http(s) addresses of MLflow tracking servers",
            path=("mlflow_tracking_uris",),
        )
    return EvidenceOptions(
        enabled, float(timeout), (uri or "").strip().rstrip("/"), tuple(u.strip().rstrip("/") for u in others)
    )


def _web(uri: str) -> bool:
    return uri.strip().lower().startswith(("http://", "https://")) and len(uri.strip()) > len("https://")


def palette_of(theme: Mapping[str, Any] | None) -> tuple[tuple[str, str], ...]:
    """The colour schemes of a Material palette (`theme.palette`), as (media query, scheme)
    pairs in order; () when the theme has none."""
    palette = theme.get("palette") if isinstance(theme, Mapping) else None
    entries = [palette] if isinstance(palette, Mapping) else palette if isinstance(palette, list) else []
    out: list[tuple[str, str]] = []
    for entry in entries:
        scheme = entry.get("scheme") if isinstance(entry, Mapping) else None
        media = entry.get("media") if isinstance(entry, Mapping) else None
        if not isinstance(entry, Mapping) or not isinstance(scheme or "", str):
            continue
        media = media if isinstance(media, str) else ""
        if media.replace(" ", "") != "(prefers-color-scheme)":  # "automatic" follows the others
            out.append((media, scheme or "default"))
    return tuple(out)


def _typed(given: Mapping[str, Any], name: str, kind: type) -> Any:
    value = given[name]
    if not isinstance(value, kind):
        raise SettingsError(f"`{name}` must be a {kind.__name__}, not {value!r}", path=(name,))
    return value


def path_option(name: str, value: object, default: str) -> str | None:
    """A path option that may also be `true` (the default path) or `false` (off), checked
    to name a file inside its folder: relative, no `..`, not a folder."""
    if value is True:
        return default
    if not value:
        return None
    if not isinstance(value, str):
        raise SettingsError(f"`{name}` must be a path such as {default}, or false", path=(name,))
    norm = posixpath.normpath(value.replace("\\", "/"))
    if (
        posixpath.isabs(value)
        or value.startswith("\\")
        or (len(value) > 1 and value[1] == ":")
        or norm in (".", "..")
        or norm.startswith("../")
        or value.endswith(("/", "\\"))
        or any(ord(ch) < 0x20 for ch in value)
    ):
        raise SettingsError(
            f"`{name}: {value}` must name a file inside the site, as a relative path without `..`, such as {default}",
            path=(name,),
        )
    return norm


def toc_permalink(markdown_extensions: Any) -> str:
    """The permalink symbol the `toc` extension of a `markdown_extensions` list writes."""
    configs: Mapping[str, Any] = {}
    if isinstance(markdown_extensions, Mapping):
        configs = markdown_extensions
    elif isinstance(markdown_extensions, list):
        configs = {k: v for item in markdown_extensions if isinstance(item, Mapping) for k, v in item.items()}
    toc = configs.get("toc") or {}
    permalink = toc.get("permalink", False) if isinstance(toc, Mapping) else False
    return "¶" if permalink is True else (permalink if isinstance(permalink, str) else "")


def nav_mentions(nav: Any, path: str) -> bool:
    """Whether a `nav` setting lists the page `path` anywhere."""
    if isinstance(nav, str):
        return nav == path
    if isinstance(nav, dict):
        return any(nav_mentions(v, path) for v in nav.values())
    if isinstance(nav, list):
        return any(nav_mentions(v, path) for v in nav)
    return False
