"""From a page's text to a checked, scored design: the pure core that both the
MkDocs plugin and the `mldesign` command line call, so they can never disagree."""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import yaml

from . import frontmatter
from .completeness import DesignScore, is_filled, score_design
from .evidence import MetricCheck, judge
from .problems import MAX_PROBLEMS, TOO_MANY, Problem, Severity
from .schema import Template
from .validation import Issue, Path, Validator, field_path, pattern_matches

#: Reads a file given its path relative to the docs folder; raises OSError when it cannot.
FileReader = Callable[[str], bytes]

#: A design file larger than this is refused (the front matter's own limit).
MAX_DESIGN_FILE_BYTES = frontmatter.MAX_FRONT_MATTER_BYTES
#: Past this many characters of a page's body, its first heading is not looked for.
_HEADING_SCAN = 64 * 1024
#: A heading longer than this is not taken as a title.
_MAX_TITLE = 1000
#: `C:`, `C:/x`, `C:\x`: absolute on Windows, so outside the docs folder everywhere.
_DRIVE = re.compile(r"^[A-Za-z]:")
#: What an id must also be, whatever the schema says, since it names files in the built
#: site (`badges/<id>.svg`, `canvas/<id>.html`): one path segment, no dot segment.
_FILE_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


#: How a file of the docs folder is named in messages: a prefix for its docs-relative path
#: (`docs/`), or a function of that path (for pages a plugin moved, as mkdocs-monorepo does).
DocsPrefix = str | Callable[[str], str]


def beside_real_file(real_page: str, src_uri: str, base: str) -> Callable[[str], str]:
    """The `DocsPrefix` of a page read from a copy: a docs-relative path is named where
    it lies beside the page's real file, relative to the folder `base`."""
    page_dir = posixpath.dirname(src_uri) or "."

    def name(target: str) -> str:
        path = os.path.join(os.path.dirname(real_page), *posixpath.relpath(target, page_dir).split("/"))
        return os.path.relpath(os.path.normpath(path), base).replace(os.sep, "/")

    return name


class OutsideFolder(OSError):
    """Raised by a `FileReader` for a path that resolves outside the folder it reads from."""


def relative_inside(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> str | None:
    """`path` relative to `folder` (both as given: resolve links first where they count),
    or None when it is not inside it."""
    rel = os.path.relpath(path, folder)
    return None if rel == ".." or rel.startswith(".." + os.sep) else rel


def read_inside(root: str | os.PathLike[str], rel: str) -> bytes:
    """The bytes of `rel` (a /-separated path) under `root`, refusing to leave `root`.

    Symbolic links are followed only while they stay inside `root`, so a link in the
    docs folder cannot publish a file from elsewhere (`/etc/passwd`, `/dev/zero`).
    """
    base = os.path.realpath(root)
    target = os.path.realpath(os.path.join(base, *rel.split("/")))
    if os.path.commonpath([base, target]) != base:
        raise OutsideFolder(f"{rel} resolves to a file outside {root}")
    return frontmatter.read_regular(target, MAX_DESIGN_FILE_BYTES)


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

    def at(self, root: Path) -> Located:
        """The same text, with the design found at `root` (compressed once, shared)."""
        return replace(self, root=root)

    @property
    def text(self) -> str:
        return zlib.decompress(self.packed).decode("utf-8", "surrogatepass")

    def locate(self, path: Path, *, at_key: bool = False) -> tuple[int, int]:
        node = self.node(path, at_key=at_key)
        if node is None:
            return self.first_line, 1
        return node.start_mark.line + self.first_line, node.start_mark.column + 1

    def node(self, path: Path, *, at_key: bool = False) -> yaml.Node | None:
        """The YAML node at `path` inside the design (its parent when absent)."""
        return frontmatter.find_node(_compose(self.text), (*self.root, *path), key=at_key)

    def path_of(self, note: frontmatter.Note) -> tuple[Path, bool] | None:
        """Where a loader's note is: its path from the YAML's top and whether it is a key."""
        return frontmatter.path_at(_compose(self.text), note.line, note.column)


def _compose(text: str) -> yaml.Node | None:
    # Composed only when a page has a problem, and then mostly found in frontmatter's memory
    # of the last texts it loaded.
    return frontmatter.compose(text)


@dataclass(frozen=True, slots=True)
class Dated:
    """A design's `created` or `updated` date and where it came from: written in the
    design, or the first or last commit that touched its files (`commit` then names it)."""

    date: str  # YYYY-MM-DD as written (the first ten characters), or the commit's date
    source: Literal["written", "git"]
    commit: str = ""


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    time: int  # the author's time, in seconds since the epoch
    date: str  # the author's date, YYYY-MM-DD, in the author's own time zone
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True, slots=True)
class Span:
    """The first and the last commit that touched a design's files."""

    first: Commit
    last: Commit


@dataclass(slots=True, repr=False)
class Design:
    """A readable design: its data, its score and the problems found in it.

    `created` and `updated` are the dates every view shows and the stale rule judges:
    the written ones, else (when the site reads git) those of its commits.
    """

    def __repr__(self) -> str:  # short: a design's data can be large
        return f"Design({self.file!r}, id={self.id!r}, problems={len(self.problems)})"

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
    created: Dated | None = None
    updated: Dated | None = None
    checks: list[MetricCheck] = field(default_factory=list)  # each named metric's verdict
    #: Each framework's points and how this design answers them, by framework name
    #: (`core.frameworks.PointResult`s, judged once the site is checked).
    frameworks: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def status(self) -> str:
        value = self.data.get("status")
        return value if isinstance(value, str) else ""

    @property
    def version(self) -> str:
        """`version` as text ("0.3", or "1.0" when written as a number); "" when unset or a
        placeholder."""
        value = self.data.get("version")
        return "" if value is None or isinstance(value, dict | list) or not is_filled(value) else str(value)

    @property
    def owners(self) -> list[str]:
        value = self.data.get("owners")
        return [v for v in value if isinstance(v, str) and is_filled(v)] if isinstance(value, list) else []

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


@dataclass(slots=True, repr=False)
class PageResult:
    """What checking one page found: a design (or None) and problems about the page itself.

    For a design page, `body` is the Markdown after the front matter and `meta` the
    front matter itself (None when it could not be read), so the plugin need not parse
    the page again. `design_file` is the docs-relative path of a `design: <file>`
    the page names, whose changes the page's own text does not show.

    A page that holds a design that cannot be read (`unreadable`) keeps its `id` and
    `title` so that every view can still list it, with its problems.
    """

    design: Design | None = None
    problems: list[Problem] = field(default_factory=list)
    meta: dict[str, Any] | None = None
    body: str | None = None
    design_file: str | None = None
    unreadable: bool = False
    src_uri: str = ""
    file: str = ""
    id: str = ""
    title: str = ""

    @property
    def all_problems(self) -> list[Problem]:
        found = list(self.problems)
        if self.design is not None:
            found.extend(self.design.problems)
        return sorted(found, key=Problem.sort_key)

    def __repr__(self) -> str:
        return f"PageResult({self.file!r}, design={self.design!r}, problems={len(self.problems)})"

    @property
    def is_design(self) -> bool:
        return self.design is not None or self.unreadable


def written_date(value: Any) -> Dated | None:
    """A date as the design wrote it (its first ten characters); None when it wrote none."""
    if value is None or isinstance(value, dict | list) or not str(value).strip():
        return None
    return Dated(str(value).strip()[:10], "written")


def default_id(src_uri: str) -> str:
    """The file name without `.md`; for `index.md`, its folder's name. An id is also a file
    name in the built site (`canvas/<id>.html`), so it keeps only letters and digits of
    ASCII, `.`, `_` and `-`; a name that loses other letters on the way (`顔認証.md`,
    `ranking-需要.md`) gets a short digest of the whole name, so that two such pages never
    share an id and each keeps its own from build to build."""
    stem = posixpath.splitext(src_uri)[0]
    parts = [p for p in stem.split("/") if p]
    if parts and parts[-1] in ("index", "README") and len(parts) > 1:
        parts.pop()
    name = unicodedata.normalize("NFC", parts[-1] if parts else "index")
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-._")
    if name.isascii():
        return slug or "design"
    digest = hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()
    return f"{slug or 'design'}-{digest}"


def first_heading(body: str) -> str | None:
    """The text of the page's first `# ` heading, without closing `#`s; None when there is none.

    Line by line with string methods: a pattern over the body can take cubic time on a
    long heading of spaces.
    """
    for line in body[:_HEADING_SCAN].split("\n"):
        if line.startswith("#") and line[1:2] in (" ", "\t"):
            text = line[1:].strip().rstrip("#").rstrip()
            if text and len(text) <= _MAX_TITLE:
                return text
    return None


class Checker:
    """Checks pages against one template; compiled once, used for every page."""

    def __init__(self, template: Template, *, key: str = "design") -> None:
        self.template = template
        self.key = key
        self.validator = Validator(template)
        pattern = template.id_pattern
        self._id_ok: Callable[[str], bool] = (
            (lambda ident: pattern_matches(pattern, ident)) if pattern else (lambda ident: True)
        )
        self._sections = frozenset(s.key for s in template.sections)
        name = re.escape(key)
        self._key_pattern = re.compile(rf"(?:^|[{{,?])[ \t]*(?:{name}|'{name}'|\"{name}\")[ \t]*:", re.MULTILINE)

    def usable_id(self, ident: Any) -> bool:
        """Whether `ident` can be a design's id: the schema's pattern, one safe file name, not reserved."""
        return (
            isinstance(ident, str)
            and _FILE_SAFE.fullmatch(ident) is not None
            and self._id_ok(ident)
            and ident not in self.template.reserved_ids
        )

    def check_bytes(
        self,
        data: bytes,
        *,
        src_uri: str,
        file: str | None = None,
        read_file: FileReader | None = None,
        docs_prefix: DocsPrefix = "",
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
        docs_prefix: DocsPrefix = "",
    ) -> PageResult:
        """Check a page's whole text. A page that is not a design gives an empty result,
        or warnings when it looks like a design that lost its key."""
        file = file or src_uri
        block = frontmatter.split(source)
        if block is None:
            if frontmatter.is_unclosed(source) and self._mentions_key(source[:65536]):
                problem = Problem(
                    file,
                    1,
                    1,
                    "",
                    "error",
                    "frontmatter-unclosed",
                    "the front matter opened with `---` is never closed",
                    "end it with a line holding only `---`",
                )
                return self._unreadable_page([problem], src_uri, file, source)
            return PageResult()
        loaded = frontmatter.load_noting(block.text, file, block.first_line)
        if loaded.problem is not None:
            if not self._mentions_key(block.text):
                return PageResult()  # another page's broken front matter: MkDocs' business
            result = self._unreadable_page([loaded.problem], src_uri, file, block.body)
            result.body = block.body
            return result
        meta = loaded.data
        if not isinstance(meta, dict):
            return PageResult()
        if self.key not in meta:
            return PageResult(problems=self._lost_key(meta, block, file))
        page_source = Located.of(file, block.text, block.first_line, ())
        if self.key in loaded.oversized:
            result = self._too_large(page_source.at((self.key,)), aliased=loaded.oversized[self.key])
        else:
            result = self._check_page(meta, block, src_uri, file, read_file, docs_prefix, page_source, loaded.notes)
        result.meta, result.body = meta, block.body
        result.src_uri, result.file = src_uri, file
        if result.design is None:
            result.unreadable = True
            result.id = self._given_id(None, src_uri)
            result.title = _title(meta, block.body, result.id)
        return result

    def _mentions_key(self, text: str) -> bool:
        """Whether front matter that cannot be parsed has the design key as a key (in block
        or flow style, quoted or not): it is then a broken design, not another page's."""
        return self._key_pattern.search(text) is not None

    def _unreadable_page(self, problems: list[Problem], src_uri: str, file: str, body: str) -> PageResult:
        ident = default_id(src_uri)
        return PageResult(
            problems=problems, unreadable=True, src_uri=src_uri, file=file, id=ident, title=first_heading(body) or ident
        )

    def _lost_key(self, meta: dict[Any, Any], block: frontmatter.FrontMatter, file: str) -> list[Problem]:
        """Warnings for a page that looks like a design but has no design key."""

        def located() -> Located:  # made only for a page that gets a warning: most get none
            return Located.of(file, block.text, block.first_line, ())

        keys = [k for k in meta if isinstance(k, str)]
        for k in keys:
            if k != self.key and (k.strip().lower() == self.key.lower() or _close(k, self.key)):
                line, column = located().locate((k,), at_key=True)
                return [
                    Problem(
                        file,
                        line,
                        column,
                        k,
                        "warning",
                        "design-key",
                        f"the front matter has `{k}`, not `{self.key}`, so the page is not read as a design",
                        f"did you mean `{self.key}`? rename the key",
                    )
                ]
        sections = [k for k in keys if k in self._sections]
        if len(sections) >= 2:
            line, column = located().locate((sections[0],), at_key=True)
            shown = ", ".join(f"`{k}`" for k in sections[:4]) + (", …" if len(sections) > 4 else "")
            return [
                Problem(
                    file,
                    line,
                    column,
                    sections[0],
                    "warning",
                    "design-key",
                    f"the front matter has design sections ({shown}) outside a `{self.key}:` key, "
                    "so the page is not read as a design",
                    f"indent them, with `status:` and `owners:`, under `{self.key}:`",
                )
            ]
        return []

    def _check_page(
        self,
        meta: dict[str, Any],
        block: frontmatter.FrontMatter,
        src_uri: str,
        file: str,
        read_file: FileReader | None,
        docs_prefix: DocsPrefix,
        page_source: Located,
        notes: list[frontmatter.Note],
    ) -> PageResult:
        design_source = page_source.at((self.key,))
        raw = meta[self.key]
        page_notes = self._place_notes(notes, design_source)
        if not isinstance(raw, str):
            result = self._check_design(raw, meta, design_source, src_uri, file, block.body, page_notes)
            return result
        design_file = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), raw.strip().replace("\\", "/")))
        loaded = self._load_design_file(raw, src_uri, file, read_file, docs_prefix, page_source)
        if isinstance(loaded, Problem):
            result = PageResult(problems=[loaded, *page_notes.outside])
        else:
            value, located, file_notes = loaded
            placed = self._place_notes(file_notes, located)
            placed.outside.extend(page_notes.outside)
            result = self._check_design(value, meta, located, src_uri, file, block.body, placed)
        result.design_file = design_file
        return result

    def _place_notes(self, notes: list[frontmatter.Note], located: Located) -> _Notes:
        """The loader's notes as problems: those inside the design by their path there,
        the others (a repeated `title`, say) as problems of the page."""
        placed = _Notes()
        root = located.root
        for note in notes:
            where = located.path_of(note)
            path, at_key = where if where is not None else ((), False)
            if at_key and note.rule == "yaml-number":
                continue  # a key: it becomes text anyway (`0x1F` is the key `31`), reported if unknown
            inside = path[: len(root)] == root
            field = field_path(path[len(root) :], self.key) if inside else field_path(path, "")
            problem = Problem(
                located.file,
                note.line + located.first_line,
                note.column + 1,
                field,
                note.severity,
                note.rule,
                note.message,
                note.hint_at(located.first_line),
            )
            if inside and where is not None:
                placed.inside[(path[len(root) :], at_key)] = problem
            else:
                placed.outside.append(problem)
        return placed

    def _load_design_file(
        self,
        ref: str,
        src_uri: str,
        file: str,
        read_file: FileReader | None,
        docs_prefix: DocsPrefix,
        page: Located,
    ) -> tuple[Any, Located, list[frontmatter.Note]] | Problem:
        def refuse(message: str, hint: str) -> Problem:
            line, column = page.locate((self.key,), at_key=False)
            return Problem(file, line, column, self.key, "error", "design-file", message, hint)

        # `\\` separates folders on Windows, where the plugin may run: read it as `/`
        # everywhere, so `..\\..\\x` is refused on every system, not only on one.
        given = ref.strip().replace("\\", "/")
        if given == "":
            return refuse(
                f"`{self.key}` is empty",
                "indent the design's fields under it, or give the path of a YAML file that holds them",
            )
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
        if posixpath.isabs(given) or _DRIVE.match(given) or target == ".." or target.startswith("../"):
            return refuse(*outside)
        if read_file is None:
            return refuse("a design file cannot be read here", "write the design in the front matter")
        try:
            data = read_file(target)
        except OutsideFolder:
            return refuse(*outside)
        except frontmatter.TooLarge:
            return refuse(
                f"the design file `{target}` is larger than {MAX_DESIGN_FILE_BYTES:,} bytes",
                "move long prose into the page body",
            )
        except (OSError, ValueError):
            return refuse(
                f"the design file `{target}` cannot be read: it is missing, a folder or not a regular file",
                "check the path, which is relative to this page",
            )
        shown = docs_prefix(target) if callable(docs_prefix) else f"{docs_prefix}{target}"
        text, bad_bytes = frontmatter.decode(data, shown)
        if bad_bytes is not None:
            return bad_bytes
        loaded = frontmatter.load_noting(text, shown, 1)
        if loaded.problem is not None:
            return loaded.problem
        located = Located.of(shown, text, 1, ())
        if loaded.oversized:  # the file is the design: any part too large makes all of it so
            return self._too_large(located, aliased=all(loaded.oversized.values())).problems[0]
        return loaded.data, located, loaded.notes

    def _unreadable(self, located: Located, rule: str, message: str, hint: str) -> PageResult:
        """A page whose design cannot be checked at all, with the problem at its design key."""
        line, column = located.locate(())
        return PageResult(problems=[Problem(located.file, line, column, self.key, "error", rule, message, hint)])

    def _too_large(self, located: Located, *, aliased: bool) -> PageResult:
        return self._unreadable(
            located,
            "yaml-alias-bomb" if aliased else "yaml-too-large",
            f"the design expands to more than {frontmatter.MAX_EXPANDED_NODES:,} values"
            + (" through aliases" if aliased else ""),
            "write the design out without repeated `*alias` references"
            if aliased
            else "a design needs far fewer values; split it, or move long lists into the page body",
        )

    def _given_id(self, data: dict[str, Any] | None, src_uri: str) -> str:
        given = data.get("id") if data is not None else None
        return given if isinstance(given, str) and self.usable_id(given) else default_id(src_uri)

    def _check_design(
        self,
        raw: Any,
        meta: dict[str, Any],
        located: Located,
        src_uri: str,
        file: str,
        body: str,
        notes: _Notes,
    ) -> PageResult:
        if frontmatter.nesting_depth(raw) > frontmatter.MAX_NESTING:
            result = self._unreadable(
                located,
                "yaml-too-deep",
                f"the design nests lists and mappings more than {frontmatter.MAX_NESTING} levels deep",
                "flatten the structure",
            )
            result.problems.extend(notes.outside)
            return result
        if frontmatter.expanded_size(raw) > frontmatter.MAX_EXPANDED_NODES:
            result = self._too_large(located, aliased=frontmatter.has_aliases(raw))
            result.problems.extend(notes.outside)
            return result
        if not isinstance(raw, dict):
            kind = "nothing" if raw is None else "a list" if isinstance(raw, list) else "a single value"
            result = self._unreadable(
                located,
                "schema-type",
                f"the design must be a mapping of its sections, found {kind}",
                "indent `status:`, `owners:` and the sections under this key, or give the path of a YAML file",
            )
            result.problems.extend(notes.outside)
            return result
        data, dropped = frontmatter.normalise(raw)
        issues = [
            Issue(path, "yaml-type", reason, "write plain text, numbers, lists or mappings") for path, reason in dropped
        ]
        # A value the loader already reported as wrong is not reported again by the schema.
        reported = {i.path for i in issues} | {path for (path, _), p in notes.inside.items() if p.severity == "error"}
        # Every value the schema refuses is no answer, reported or not (the contract).
        rejected: list[tuple[str | int, ...]] = []
        if len(issues) <= MAX_PROBLEMS:
            found = self.validator.issues(data, limit=MAX_PROBLEMS + 1 + len(reported))
            rejected.extend(i.path for i in found)
            issues.extend(i for i in found if i.path not in reported)

        ident = self._given_id(data, src_uri)
        tags_meta = meta.get("tags")
        tags = [str(t) for t in tags_meta if isinstance(t, str | int | float)] if isinstance(tags_meta, list) else []
        design = Design(
            src_uri=src_uri,
            file=file,
            id=ident,
            title=_title(meta, body, ident),
            tags=tags,
            data=data,
            score=score_design(self.template, data, rejected),
            source=located,
            key=self.key,
            created=written_date(data.get("created")),
            updated=written_date(data.get("updated")),
            checks=judge(data, [])[0],  # until its sources are read (`Site.add_evidence`)
        )
        given = data.get("id")
        if isinstance(given, str) and given in self.template.reserved_ids:
            issues.append(
                Issue(
                    ("id",),
                    "schema-format",
                    f"the id `{given}` is reserved for the site's own files",
                    f"choose another id; the design is shown as `{ident}` until then",
                )
            )
        issues.extend(_plain_texts(data))
        for issue in issues[:MAX_PROBLEMS]:
            design.problems.append(self._problem(design, issue))
        if len(issues) > MAX_PROBLEMS:
            design.problems.append(too_many(design))
        design.problems.extend(notes.inside.values())
        design.problems.sort(key=Problem.sort_key)
        return PageResult(design=design, problems=notes.outside)

    def _problem(self, design: Design, issue: Issue) -> Problem:
        """A schema issue located in the design; a value YAML read as another type than it
        looks (`yes`, `2.10`) is said to be one."""
        if issue.rule in ("schema-type", "schema-enum") and issue.expected:
            node = design.source.node(issue.path)
            if isinstance(node, yaml.ScalarNode) and not node.style and node.tag != "tag:yaml.org,2002:str":
                value = lookup_path(design.data, issue.path)
                read_as = _read_as(value)
                if read_as:
                    shown = frontmatter._short(node.value)
                    if issue.rule == "schema-enum":
                        message = f"YAML reads the unquoted `{shown}` as {read_as}, which is not an allowed value"
                        hint = issue.hint
                    else:
                        message = (
                            f"YAML reads the unquoted `{shown}` as {read_as}, but this field takes {issue.expected}"
                        )
                        hint = f'put it in quotes ("{shown}") to keep it as text'
                    return design.problem(issue.path, "yaml-coerced", message, hint)
        severity: Severity = "warning" if issue.rule == "markdown-plain" else "error"
        return design.problem(issue.path, issue.rule, issue.message, issue.hint, at_key=issue.at_key, severity=severity)


def _plain_texts(data: dict[str, Any]) -> list[Issue]:
    """Warnings for the texts shown as plain text because Markdown cannot afford them."""
    with_brackets = [(path, text, text.count("[")) for path, text in frontmatter.texts_of(data) if "[" in text]
    total = sum(count for _, _, count in with_brackets)
    found = []
    for path, text, count in with_brackets:
        if not frontmatter.plain_text(text, total):
            continue
        if count > frontmatter.MAX_BRACKETS:
            message = f"the text holds {count:,} `[`, more than {frontmatter.MAX_BRACKETS} for Markdown"
        else:
            message = (
                f"the design holds {total:,} `[` in all, more than {frontmatter.MAX_DESIGN_BRACKETS:,} for Markdown"
            )
        found.append(
            Issue(
                path, "markdown-plain", message + ", so it is shown as plain text", "shorten it, or escape the brackets"
            )
        )
        if len(found) > MAX_PROBLEMS:
            break
    return found


@dataclass(slots=True)
class _Notes:
    inside: dict[tuple[Path, bool], Problem] = field(default_factory=dict)
    outside: list[Problem] = field(default_factory=list)


def _close(name: str, key: str) -> bool:
    """A likely slip of the key (`desing`, `desgin`, `designs`), not another word (`designer`)."""
    import difflib

    if abs(len(name) - len(key)) > 1 or len(name) < 4:
        return False
    return difflib.SequenceMatcher(None, name.lower(), key.lower()).ratio() >= 0.8


def _title(meta: dict[str, Any], body: str, ident: str) -> str:
    title = meta.get("title")
    if isinstance(title, str) and title.strip():
        return title
    return first_heading(body) or ident


def _read_as(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    return ""


def lookup_path(data: Any, path: Path) -> Any:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


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
