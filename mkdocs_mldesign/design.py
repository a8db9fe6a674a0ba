"""From a page's text to a checked, scored design: the pure core that both the
MkDocs plugin and the `mldesign` command line call, so they can never disagree."""

from __future__ import annotations

import os
import posixpath
import re
import stat
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from . import frontmatter
from .completeness import DesignScore, score_design
from .problems import MAX_PROBLEMS, TOO_MANY, Problem, Severity
from .schema import Template
from .validation import Issue, Path, Validator, field_path

#: Reads a file given its path relative to the docs folder; raises OSError when it cannot.
FileReader = Callable[[str], bytes]

_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
#: The ids the built-in schema accepts; the only ones used to name files and anchors.
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
#: `C:`, `C:/x`, `C:\x`: absolute on Windows, so outside the docs folder everywhere.
_DRIVE = re.compile(r"^[A-Za-z]:")


class OutsideFolder(OSError):
    """Raised by a `FileReader` for a path that resolves outside the folder it reads from."""


def read_inside(root: str | os.PathLike[str], rel: str) -> bytes:
    """The bytes of `rel` (a /-separated path) under `root`, refusing to leave `root`.

    Symbolic links are followed only while they stay inside `root`, so a link in the
    docs folder cannot publish a file from elsewhere (`/etc/passwd`, `/dev/zero`).
    """
    base = os.path.realpath(root)
    target = os.path.realpath(os.path.join(base, *rel.split("/")))
    if os.path.commonpath([base, target]) != base:
        raise OutsideFolder(f"{rel} resolves to a file outside {root}")
    if not stat.S_ISREG(os.stat(target).st_mode):  # a device or a pipe could be read without end
        raise IsADirectoryError(f"{rel} is not a regular file")
    with open(target, "rb") as handle:
        return handle.read()


@dataclass(frozen=True, slots=True)
class Located:
    """The YAML text a design came from, to place problems in it on demand.

    The text is kept compressed (a quarter to a half of its size): it is read only to
    place a problem, but a site keeps one for every design for as long as it builds.
    """

    file: str
    packed: bytes  # the text, UTF-8 and zlib-compressed; see `of` and `text`
    first_line: int
    root: Path  # where the design mapping sits in that YAML

    @classmethod
    def of(cls, file: str, text: str, first_line: int, root: Path) -> Located:
        return cls(file, zlib.compress(text.encode("utf-8", "surrogatepass"), 1), first_line, root)

    @property
    def text(self) -> str:
        return zlib.decompress(self.packed).decode("utf-8", "surrogatepass")

    def locate(self, path: Path, *, at_key: bool = False) -> tuple[int, int]:
        node = frontmatter.find_node(_compose(self.text), (*self.root, *path), key=at_key)
        if node is None:
            return self.first_line, 1
        return node.start_mark.line + self.first_line, node.start_mark.column + 1


_compose_cache: dict[str, yaml.Node | None] = {}


def _compose(text: str) -> yaml.Node | None:
    # Composed only when a page has a problem; a small cache serves all its problems.
    if text not in _compose_cache:
        if len(_compose_cache) > 8:
            _compose_cache.clear()
        _compose_cache[text] = frontmatter.compose(text)
    return _compose_cache[text]


@dataclass(slots=True)
class Design:
    """A readable design: its data, its score and the problems found in it."""

    src_uri: str  # the page, relative to the docs folder
    file: str  # the page as shown in messages
    id: str
    title: str
    tags: list[str]
    data: dict[str, Any]
    score: DesignScore
    source: Located
    key: str = "design"
    problems: list[Problem] = field(default_factory=list)

    @property
    def status(self) -> str:
        value = self.data.get("status")
        return value if isinstance(value, str) else ""

    @property
    def owners(self) -> list[str]:
        value = self.data.get("owners")
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    def problem(
        self, path: Path, rule: str, message: str, hint: str, *, severity: Severity = "error", at_key: bool = False
    ) -> Problem:
        """A problem located at `path` inside this design."""
        line, column = self.source.locate(path, at_key=at_key)
        return Problem(
            self.source.file,
            line,
            column,
            field_path(path, self.key),
            severity,
            rule,
            message,
            hint,
        )


@dataclass(slots=True)
class PageResult:
    """What checking one page found: a design (or None) and problems about the page itself.

    For a design page, `body` is the Markdown after the front matter and `meta` the
    front matter itself (None when it could not be read), so the plugin need not parse
    the page again. `design_file` is the docs-relative path of a `design: <file>`
    the page names, whose changes the page's own text does not show.
    """

    design: Design | None = None
    problems: list[Problem] = field(default_factory=list)
    meta: dict[str, Any] | None = None
    body: str | None = None
    design_file: str | None = None

    @property
    def all_problems(self) -> list[Problem]:
        found = list(self.problems)
        if self.design is not None:
            found.extend(self.design.problems)
        return sorted(found, key=Problem.sort_key)


def default_id(src_uri: str) -> str:
    """The file name without `.md`; for `index.md`, its folder's name."""
    stem = posixpath.splitext(src_uri)[0]
    parts = [p for p in stem.split("/") if p]
    if parts and parts[-1] in ("index", "README") and len(parts) > 1:
        parts.pop()
    name = parts[-1] if parts else "index"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-._") or "design"


class Checker:
    """Checks pages against one template; compiled once, used for every page."""

    def __init__(self, template: Template, *, key: str = "design") -> None:
        self.template = template
        self.key = key
        self.validator = Validator(template)
        self._key_line = re.compile(rf"^(?:{re.escape(key)}|['\"]{re.escape(key)}['\"])[ \t]*:", re.MULTILINE)

    def mentions_design(self, text: str) -> bool:
        return self._key_line.search(text) is not None

    def check_bytes(
        self,
        data: bytes,
        *,
        src_uri: str,
        file: str | None = None,
        read_file: FileReader | None = None,
        docs_prefix: str = "",
    ) -> tuple[str, PageResult]:
        """Decode a page's bytes and check it: the text (bad bytes replaced) and the result.

        A page that is not valid UTF-8 is reported at the first bad byte; when its design
        is still readable, the problem belongs to that design, so it shows on its page.
        """
        file = file or src_uri
        text, bad_bytes = frontmatter.decode(data, file)
        result = self.check_source(text, src_uri=src_uri, file=file, read_file=read_file, docs_prefix=docs_prefix)
        if bad_bytes is not None:
            if result.design is not None:
                result.design.problems.insert(0, bad_bytes)
                result.design.problems.sort(key=Problem.sort_key)
            else:
                result.problems.insert(0, bad_bytes)
        return text, result

    def check_source(
        self,
        source: str,
        *,
        src_uri: str,
        file: str | None = None,
        read_file: FileReader | None = None,
        docs_prefix: str = "",
    ) -> PageResult:
        """Check a page's whole text. Pages without the design key give an empty result."""
        file = file or src_uri
        block = frontmatter.split(source)
        if block is None:
            if frontmatter.is_unclosed(source) and self.mentions_design(source[:65536]):
                return PageResult(
                    problems=[
                        Problem(
                            file,
                            1,
                            1,
                            "",
                            "error",
                            "frontmatter-unclosed",
                            "the front matter opened with `---` is never closed",
                            "end it with a line holding only `---`",
                        )
                    ]
                )
            return PageResult()
        if not self.mentions_design(block.text):
            return PageResult()
        meta, problem = frontmatter.load(block.text, file, block.first_line)
        if problem is not None:
            return PageResult(problems=[problem], body=block.body)
        if not isinstance(meta, dict) or self.key not in meta:
            return PageResult()
        result = self._check_page(meta, block, src_uri, file, read_file, docs_prefix)
        result.meta, result.body = meta, block.body
        return result

    def _check_page(
        self,
        meta: dict[str, Any],
        block: frontmatter.FrontMatter,
        src_uri: str,
        file: str,
        read_file: FileReader | None,
        docs_prefix: str,
    ) -> PageResult:
        page_source = Located.of(file, block.text, block.first_line, (self.key,))
        raw = meta[self.key]
        if not isinstance(raw, str):
            return self._check_design(raw, meta, page_source, src_uri, file, block.body)
        design_file = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), raw.strip().replace("\\", "/")))
        loaded = self._load_design_file(raw, src_uri, file, read_file, docs_prefix, page_source)
        if isinstance(loaded, Problem):
            result = PageResult(problems=[loaded])
        else:
            value, located = loaded
            result = self._check_design(value, meta, located, src_uri, file, block.body)
        result.design_file = design_file
        return result

    def _load_design_file(
        self,
        ref: str,
        src_uri: str,
        file: str,
        read_file: FileReader | None,
        docs_prefix: str,
        page: Located,
    ) -> tuple[Any, Located] | Problem:
        def refuse(message: str, hint: str) -> Problem:
            line, column = page.locate((), at_key=False)
            return Problem(file, line, column, self.key, "error", "design-file", message, hint)

        # `\` separates folders on Windows, where the plugin may run: read it as `/`
        # everywhere, so `..\..\x` is refused on every system, not only on one.
        given = ref.strip().replace("\\", "/")
        outside = (
            f"the design file `{frontmatter._short(ref, 60)}` lies outside the docs folder",
            "give a path relative to this page that stays inside the docs folder",
        )
        if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in given):
            return refuse(
                "the design file's path holds a control character",
                "give a path relative to this page, on one line",
            )
        target = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), given))
        if given == "" or posixpath.isabs(given) or _DRIVE.match(given) or target == ".." or target.startswith("../"):
            return refuse(*outside)
        if read_file is None:
            return refuse("a design file cannot be read here", "write the design in the front matter")
        try:
            data = read_file(target)
        except OutsideFolder:
            return refuse(*outside)
        except (OSError, ValueError):
            return refuse(
                f"the design file `{target}` cannot be read",
                "check the path, which is relative to this page",
            )
        shown = f"{docs_prefix}{target}"
        text, bad_bytes = frontmatter.decode(data, shown)
        if bad_bytes is not None:
            return bad_bytes
        value, problem = frontmatter.load(text, shown, 1)
        if problem is not None:
            return problem
        return value, Located.of(shown, text, 1, ())

    def _unreadable(self, located: Located, rule: str, message: str, hint: str) -> PageResult:
        """A page whose design cannot be checked at all, with the problem at its design key."""
        line, column = located.locate(())
        return PageResult(problems=[Problem(located.file, line, column, self.key, "error", rule, message, hint)])

    def _check_design(
        self, raw: Any, meta: dict[str, Any], located: Located, src_uri: str, file: str, body: str
    ) -> PageResult:
        if frontmatter.nesting_depth(raw) > frontmatter.MAX_NESTING:
            return self._unreadable(
                located,
                "yaml-too-deep",
                f"the design nests lists and mappings more than {frontmatter.MAX_NESTING} levels deep",
                "flatten the structure",
            )
        if frontmatter.expanded_size(raw) > frontmatter.MAX_EXPANDED_NODES:
            return self._unreadable(
                located,
                "yaml-alias-bomb",
                f"the design expands to more than {frontmatter.MAX_EXPANDED_NODES:,} values through aliases",
                "write the design out without repeated `*alias` references",
            )
        if not isinstance(raw, dict):
            kind = "nothing" if raw is None else "a list" if isinstance(raw, list) else "a single value"
            return self._unreadable(
                located,
                "schema-type",
                f"the design must be a mapping of its sections, found {kind}",
                "indent `status:`, `owners:` and the sections under this key, or give the path of a YAML file",
            )
        data, dropped = frontmatter.normalise(raw)
        issues = [
            Issue(path, "yaml-type", reason, "write plain text, numbers, lists or mappings") for path, reason in dropped
        ]
        reported = {i.path for i in issues}
        if len(issues) <= MAX_PROBLEMS:
            found = self.validator.issues(data, limit=MAX_PROBLEMS + 1 + len(reported))
            issues.extend(i for i in found if i.path not in reported)

        title_meta, tags_meta = meta.get("title"), meta.get("tags")
        # An id names files in the built site (badges/<id>.svg, canvas/<id>.html): one the
        # schema refuses (`../../x`, `a/b`, ...) is reported above and never used.
        given = data.get("id")
        ident = given if isinstance(given, str) and _SAFE_ID.fullmatch(given) else default_id(src_uri)
        title = title_meta if isinstance(title_meta, str) and title_meta.strip() else None
        if title is None:
            heading = _HEADING.search(body)
            title = heading.group(1) if heading else ident
        tags = [str(t) for t in tags_meta if isinstance(t, str | int | float)] if isinstance(tags_meta, list) else []
        design = Design(
            src_uri=src_uri,
            file=file,
            id=ident,
            title=title,
            tags=tags,
            data=data,
            score=score_design(self.template, data),
            source=located,
            key=self.key,
        )
        for issue in issues[:MAX_PROBLEMS]:
            design.problems.append(
                design.problem(issue.path, issue.rule, issue.message, issue.hint, at_key=issue.at_key)
            )
        if len(issues) > MAX_PROBLEMS:
            design.problems.append(too_many(design))
        design.problems.sort(key=Problem.sort_key)
        return PageResult(design=design)


def too_many(design: Design, severity: Severity = "error", rule: str = TOO_MANY) -> Problem:
    """The problem that stands for those left out past `MAX_PROBLEMS`, at the design's key."""
    return design.problem(
        (),
        rule,
        f"more than {MAX_PROBLEMS} problems of this kind were found; only the first {MAX_PROBLEMS} are shown",
        "fix these and check again",
        severity=severity,
        at_key=True,
    )
