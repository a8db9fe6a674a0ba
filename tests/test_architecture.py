"""The package's folders are its layers: no module imports from a layer above its own.

Read from the source with `ast`, every import counted, those inside functions too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "mkdocs_mldesign"

#: Bottom to top. A module may import its own layer and those below it.
LAYERS = ("core", "git", "publish", "project", "routes")
#: Build tools the core, git, publishing and project layers never import: only routes do.
TOOLS = ("mkdocs", "material", "zensical", "properdocs", "pygls", "lsprotocol", "mcp")
#: The imports between routes: the command line runs the Zensical route's stage, and
#: starts the editor's and the agents' servers (`mldesign lsp`, `mldesign mcp`).
BETWEEN_ROUTES = {
    ("routes.cli", "routes.zensical.stage"),
    ("routes.cli", "routes.lsp.server"),
    ("routes.cli", "routes.mcp.server"),
}


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__")


def _layer(module: str) -> int:
    if module in ("", "zensical"):  # the version, and the extension's name in mkdocs.yml
        return len(LAYERS) if module else -1
    return LAYERS.index(module.split(".")[0])


def _route(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _imports(path: Path, source: str | None = None, module: str | None = None) -> list[tuple[int, str]]:
    """(line, module) of every import of `path` (or of `source`, as the module `module`):
    the package's modules with relative ones resolved, others as written."""
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    own = (module if module is not None else _module(path)).split(".")
    package = own if path.name == "__init__.py" else own[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
                names = [f"{name}.{a.name}".strip(".") for a in node.names] if not node.module else [name]
                found += [(node.lineno, "mkdocs_mldesign." + n if n else "mkdocs_mldesign") for n in names]
            else:
                module = node.module or ""
                if module == "mkdocs_mldesign":
                    found += [(node.lineno, f"mkdocs_mldesign.{a.name}") for a in node.names]
                else:
                    found.append((node.lineno, module))
    return found


def _own(name: str) -> str | None:
    if name == "mkdocs_mldesign" or name == "mkdocs_mldesign.__version__":
        return ""
    return name.removeprefix("mkdocs_mldesign.") if name.startswith("mkdocs_mldesign.") else None


#: Every module but the theme (MkDocs loads it as a folder of templates and assets).
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] != "theme")


def test_every_module_is_in_a_layer() -> None:
    names = {_module(p) for p in MODULES}
    assert {"core.site", "git.history", "publish.publisher", "project.check", "routes.mkdocs.plugin"} <= names
    for name in names:
        assert name in ("", "zensical") or name.split(".")[0] in LAYERS, f"{name} is in no layer"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module(p) or "__init__")
def test_no_module_imports_a_layer_above_its_own(path: Path) -> None:
    me = _module(path)
    for line, name in _imports(path):
        other = _own(name)
        if other is None:
            if _layer(me) < LAYERS.index("routes"):
                assert name.split(".")[0] not in TOOLS, f"{me}:{line} imports {name}, a build tool"
            continue
        if other == "":
            continue
        assert _layer(other) <= _layer(me), f"{me}:{line} imports {other}, a layer above"
        if me.startswith("routes.") and other.startswith("routes.") and _route(me) != _route(other):
            assert (_route(me), other) in BETWEEN_ROUTES, f"{me}:{line} imports another route, {other}"


def test_the_check_itself_sees_upward_imports() -> None:
    """The scan reads relative, absolute and nested imports, so the rule above can fail."""
    source = (
        "from ..publish import render\n"
        "from mkdocs_mldesign.git.history import GitLog\n"
        "def f():\n    import mkdocs.plugins\n"
    )
    found = {name for _, name in _imports(PACKAGE / "core" / "probe.py", source, "core.probe")}
    assert {"mkdocs_mldesign.publish", "mkdocs_mldesign.git.history", "mkdocs.plugins"} <= found
    assert _layer(_own("mkdocs_mldesign.publish") or "") > _layer("core.site")


def test_the_mkdocs_plugin_module_stays_small() -> None:
    lines = (PACKAGE / "routes" / "mkdocs" / "plugin.py").read_text(encoding="utf-8").count("\n")
    assert lines < 400
