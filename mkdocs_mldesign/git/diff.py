"""What changed in a site's designs between two versions of it, for reviewers and CI.

`read_revision` checks the designs of a docs folder as a git commit holds them, with
the site's own core (`Site`), so both sides of a diff are judged alike: by today's
settings and template, without dates from git. `compare` turns two `Report`s into a
`Diff`: designs added, removed and changed; for each changed one, its sections that
changed and how, its completeness and status before and after, and the problems it
gained and lost. `to_text`, `to_markdown` and `to_json` print it.
"""

from __future__ import annotations

import json
import math
import os
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mkdocs_mldesign.core.completeness import is_na
from mkdocs_mldesign.core.design import Design, PageResult, relative_inside
from mkdocs_mldesign.core.evidence import EvidenceSource, Reading, lists_evidence, sources_of
from mkdocs_mldesign.core.problems import Problem, visible
from mkdocs_mldesign.core.readings import read_source
from mkdocs_mldesign.core.site import Report, Site

from .history import MAX_BLOB_BYTES, Blobs, git_command

#: The version of the shape `mldesign diff --format json` gives.
FORMAT_VERSION = 1


class RevisionError(Exception):
    """A revision that cannot be read; the message says why and what to do."""


# --- reading a side -----------------------------------------------------------------


def resolve(folder: str, rev: str) -> str:
    """The commit `rev` names, seen from `folder`; RevisionError when it names none."""
    if not rev or rev.startswith("-") or any(ord(ch) < 0x20 for ch in rev):
        raise RevisionError(f"`{rev}` is not a revision")
    done = git_command(["rev-parse", "--verify", "-q", f"{rev}^{{commit}}"], folder)
    if done is None:
        raise RevisionError("git is not installed or cannot run here")
    if done.returncode != 0:
        raise RevisionError(
            f"`{rev}` names no commit here; in a shallow clone, fetch the history it needs "
            "(`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)"
        )
    return done.stdout.decode("ascii", "replace").strip()


def default_base(folder: str) -> tuple[str, str]:
    """The merge base of HEAD with the default branch: (how it is named, the commit)."""
    found = git_command(["symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD"], folder)
    names = [found.stdout.decode("utf-8", "replace").strip()] if found is not None and found.returncode == 0 else []
    names += ["origin/main", "origin/master", "main", "master"]
    for name in dict.fromkeys(n for n in names if n):
        base = git_command(["merge-base", name, "HEAD"], folder)
        if base is not None and base.returncode == 0:
            return f"merge base with {name}", base.stdout.decode("ascii", "replace").strip()
    raise RevisionError(
        "no default branch (origin/HEAD, main or master) shares history with HEAD; "
        "name the base, as in `mldesign diff origin/main`"
    )


def read_revision(
    site: Site, folder: str, commit: str, *, shown_prefix: str, today: date, project: str | None = None
) -> Report:
    """The report on the designs of the docs folder `folder` as `commit` holds it: every
    Markdown page in it (none under a folder whose name starts with a dot, as
    `mldesign check` lists a folder). With `project` (the site's project folder), the
    results files and model cards the designs name are read as the commit holds them
    too, dated by the commit; MLflow runs are not: a tracking server keeps no history."""
    listing = git_command(["ls-tree", "-r", "-z", commit, "--", "."], folder)
    if listing is None or listing.returncode != 0:
        raise RevisionError(f"git could not list the files of {commit[:12]}")
    blobs: dict[str, str] = {}
    links: set[str] = set()  # symbolic links, which a build follows to what they point at
    for entry in listing.stdout.split(b"\0"):
        meta, _, name = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == b"blob":
            path = name.decode("utf-8", "surrogateescape")
            blobs[path] = parts[2].decode("ascii")
            if parts[0] == b"120000":
                links.add(path)
    reader = Blobs(folder)
    try:

        def read_file(rel: str, hops: int = 0) -> bytes:
            path = posixpath.normpath(rel)
            oid = blobs.get(path)
            got = reader.read(oid, MAX_BLOB_BYTES) if oid else None
            if got is None and (hops == 0 or not path.startswith("../")):
                raise FileNotFoundError(path)
            if got is None:  # a link pointing out of the docs folder: the commit's own file there
                got = reader.read(f"{commit}:./{path}", MAX_BLOB_BYTES)
                if got is None:
                    raise FileNotFoundError(path)
            if path in links:  # as the build reads it: what the link points at, then
                target = got[1].decode("utf-8", "surrogateescape")
                if hops >= 8 or target.startswith("/") or "\0" in target:
                    raise FileNotFoundError(path)
                return read_file(posixpath.join(posixpath.dirname(path), target), hops + 1)
            return got[1]

        results: list[PageResult] = []
        for path in sorted(blobs):
            if not path.endswith((".md", ".markdown")) or any(p.startswith(".") for p in path.split("/")[:-1]):
                continue
            try:
                data = read_file(path)
            except OSError:
                continue
            _, result = site.check_page(
                data, src_uri=path, file=shown_prefix + path, read_file=read_file, docs_prefix=shown_prefix, today=today
            )
            results.append(result)
        if project is not None:
            when = _commit_date(folder, commit)
            for result in results:
                if result.design is not None and lists_evidence(result.design.data):
                    readings = _readings_at(result.design, folder, project, commit, reader, when)
                    site.add_evidence(result.design, readings, today)
    finally:
        reader.close()
    return site.check_site(results)


def _commit_date(folder: str, commit: str) -> str:
    done = git_command(["show", "-s", "--format=%cI", commit], folder)
    text = done.stdout.decode("ascii", "replace").strip() if done is not None and done.returncode == 0 else ""
    return text


def _readings_at(
    design: Design, folder: str, project: str, commit: str, reader: Blobs, when: str
) -> list[tuple[EvidenceSource, Reading]]:
    """The design's results files and model cards as `commit` holds them."""
    out = []
    base = os.path.realpath(project)
    for source in sources_of(design.data):
        if source.kind == "mlflow" or "\0" in source.location:
            continue
        page_dir = os.path.dirname(os.path.join(folder, *design.src_uri.split("/")))
        path = os.path.normpath(os.path.join(page_dir, source.location))
        rel = relative_inside(path, base) if os.path.isabs(path) else None
        got = reader.read(f"{commit}:./{os.path.relpath(path, folder)}", MAX_BLOB_BYTES) if rel is not None else None
        if got is None:
            out.append((source, Reading(error=f"`{source.location}` is not in {commit[:12]}")))
        else:
            out.append((source, read_source(source, got[1], when)))
    return out


# --- comparing ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class State:
    """One design as one side holds it."""

    id: str
    title: str
    file: str
    readable: bool
    src_uri: str = ""
    status: str = ""
    percent: int | None = None
    version: str = ""
    sections: Mapping[str, tuple[str, float, str]] = field(default_factory=dict)  # key -> state, score, text
    fields: Mapping[str, str] = field(default_factory=dict)  # the other top-level fields, as text
    problems: frozenset[tuple[str, str, str, str]] = frozenset()  # severity, rule, field, message
    measured: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # metric -> (value shown, verdict)


@dataclass(frozen=True, slots=True)
class MeasuredChange:
    """A metric whose measured value or verdict differs between the two sides."""

    metric: str
    before: tuple[str, str]  # (value as the target writes it, verdict); ("", "") when not a metric then
    after: tuple[str, str]


@dataclass(frozen=True, slots=True)
class SectionChange:
    key: str
    title: str
    change: str  # filled, emptied, more, less, text, marked-na, unmarked-na
    before: str  # the section's state then: complete, partial, missing, na
    after: str
    before_percent: int
    after_percent: int


@dataclass(slots=True)
class DesignChange:
    id: str
    title: str
    file: str
    change: str  # added, removed, changed
    before: State | None
    after: State | None
    sections: list[SectionChange] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)  # other fields whose value changed
    introduced: list[tuple[str, str, str, str]] = field(default_factory=list)
    fixed: list[tuple[str, str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a reviewer should look at
    measured: list[MeasuredChange] = field(default_factory=list)

    @property
    def dropped(self) -> bool:
        """Whether the design is less complete than it was (or no longer readable)."""
        if self.before is None or self.after is None or self.before.percent is None:
            return False
        return self.after.percent is None or self.after.percent < self.before.percent


@dataclass(slots=True)
class Diff:
    base: str  # how each side is named (a revision, or "working tree")
    head: str
    base_commit: str
    head_commit: str  # "" for the working tree
    designs: list[DesignChange] = field(default_factory=list)
    approved: frozenset[str] = frozenset()  # the statuses that demand completeness

    def count(self, change: str) -> int:
        return sum(1 for d in self.designs if d.change == change)

    def failures(self, *, drop: bool, approved_change: bool) -> list[str]:
        """Why the diff fails under the options given: one line per design."""
        out = []
        for d in self.designs:
            if drop and d.dropped:
                was = d.before.percent if d.before else None
                now = d.after.percent if d.after and d.after.percent is not None else "unreadable"
                out.append(f"{d.id}: completeness dropped from {was}% to {now}{'%' if isinstance(now, int) else ''}")
            if approved_change and self.unreviewed(d):
                out.append(f"{d.id}: approved, and its sections changed without it going back to review")
        return out

    def unreviewed(self, d: DesignChange) -> bool:
        """Whether an approved design's sections changed while it stayed approved."""
        return (
            d.change == "changed"
            and bool(d.sections)
            and d.before is not None
            and d.after is not None
            and d.before.status in self.approved
            and d.after.status in self.approved
        )


def _text_of(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _problem_key(p: Problem) -> tuple[str, str, str, str]:
    return (p.severity, p.rule, p.field, p.message)


def states(site: Site, report: Report) -> dict[str, State]:
    """Each design of `report` by id (the first page, for an id two pages share)."""
    out: dict[str, State] = {}
    sections = {s.key for s in site.template.sections}
    for design in report.designs:
        out.setdefault(design.id, _state(design, sections))
    for result in report.unreadable:
        problems = frozenset(_problem_key(p) for p in result.all_problems)
        state = State(result.id, result.title, result.file, False, result.src_uri, problems=problems)
        out.setdefault(result.id, state)
    return out


def _state(design: Design, section_keys: set[str]) -> State:
    data = design.data
    return State(
        design.id,
        design.title,
        design.file,
        True,
        design.src_uri,
        design.status,
        design.score.percent,
        design.version,
        {
            s.key: ("na" if is_na(data.get(s.key)) else s.state, float(s.score), _text_of(data.get(s.key)))
            for s in design.score.sections
        },
        {k: _text_of(v) for k, v in data.items() if k not in section_keys},
        frozenset(_problem_key(p) for p in design.problems),
        {c.name: (c.shown, c.verdict) for c in design.checks if c.measured is not None} if lists_evidence(data) else {},
    )


def _section_change(before: tuple[str, float, str], after: tuple[str, float, str]) -> str:
    """How a section changed, from its (state, score, text) before and after; "" for not at all."""
    (was, old, old_text), (now, new, new_text) = before, after
    if was != "na" and now == "na":
        return "marked-na"
    if was == "na" and now != "na":
        return "unmarked-na"
    if new > old:
        return "filled" if new >= 1 else "more"
    if new < old:
        return "emptied" if new <= 0 else "less"
    return "text" if old_text != new_text else ""


def renames(folder: str, base: str, head: str) -> dict[str, str]:
    """The pages git sees as moved from `base` to `head` ("" for the working tree), by
    their docs-relative paths: old -> new."""
    done = git_command(
        ["diff", "--no-ext-diff", "-z", "--name-status", "-M", "--relative", base, *([head] if head else []), "--"],
        folder,
    )
    if done is None or done.returncode != 0:
        return {}
    tokens = done.stdout.split(b"\0")
    out, i = {}, 0
    while i < len(tokens):
        status = tokens[i].decode("ascii", "replace")
        if status.startswith(("R", "C")) and i + 2 < len(tokens):
            if status.startswith("R"):
                out[tokens[i + 1].decode("utf-8", "surrogateescape")] = tokens[i + 2].decode("utf-8", "surrogateescape")
            i += 3
        else:
            i += 2
    return out


def _whole(score: float) -> int:
    return math.floor(score * 100 + 1e-9)


def compare(
    site: Site,
    base: Report,
    head: Report,
    *,
    names: tuple[str, str, str, str],
    moved: Mapping[str, str] | None = None,
) -> Diff:
    """The changes from `base` to `head`; `names` are (base, head, base commit, head
    commit). A design whose page `moved` (old path -> new) and whose id changed with it
    (an id taken from the path) is one design that changed, not one removed and one added."""
    approved = frozenset(s.name for s in site.settings.statuses if s.requires_complete)
    diff = Diff(*names, approved=approved)
    before, after = states(site, base), states(site, head)
    by_page = {s.src_uri: ident for ident, s in after.items()}
    for ident, earlier in list(before.items()):
        target = by_page.get((moved or {}).get(earlier.src_uri, ""))
        if ident not in after and target is not None and target not in before:
            before[target] = earlier  # compared under its new id
            del before[ident]
    titles = {s.key: s.title for s in site.template.sections}
    missing = ("missing", 0.0, "null")
    for ident in sorted(before.keys() | after.keys()):
        old, new = before.get(ident), after.get(ident)
        if old is None or new is None:
            shown = new or old
            assert shown is not None
            diff.designs.append(
                DesignChange(ident, shown.title, shown.file, "added" if old is None else "removed", old, new)
            )
            continue
        change = DesignChange(ident, new.title, new.file, "changed", old, new)
        if old.src_uri != new.src_uri:
            moved_id = f", and its id from {old.id}" if old.id != new.id else ""
            change.notes.append(f"its page moved from {old.file} to {new.file}{moved_id}")
        for key in (*old.sections, *(k for k in new.sections if k not in old.sections)):
            was, now = old.sections.get(key, missing), new.sections.get(key, missing)
            kind = _section_change(was, now)
            if kind:
                title = titles.get(key, key)
                change.sections.append(SectionChange(key, title, kind, was[0], now[0], _whole(was[1]), _whole(now[1])))
        change.fields = sorted(
            k for k in old.fields.keys() | new.fields.keys() if old.fields.get(k) != new.fields.get(k)
        )
        change.measured = [
            MeasuredChange(name, old.measured.get(name, ("", "")), new.measured.get(name, ("", "")))
            for name in sorted(old.measured.keys() | new.measured.keys())
            if old.measured.get(name) != new.measured.get(name)
        ]
        change.introduced = sorted(new.problems - old.problems, key=lambda p: (p[2], p[1]))
        change.fixed = sorted(old.problems - new.problems, key=lambda p: (p[2], p[1]))
        if diff.unreviewed(change) and old.version == new.version:
            change.notes.append(f"approved, and its sections changed while its version stayed {new.version or 'unset'}")
        elif diff.unreviewed(change):
            change.notes.append(f"approved, and its sections changed (version {old.version} → {new.version})")
        if (
            change.sections
            or change.fields
            or change.introduced
            or change.fixed
            or change.notes
            or change.measured
            or old.readable != new.readable
            or old.title != new.title
        ):
            diff.designs.append(change)
    return diff


# --- output -------------------------------------------------------------------------

_CHANGE_WORDS = {
    "filled": "filled",
    "emptied": "emptied",
    "more": "more filled",
    "less": "less filled",
    "text": "text changed",
    "marked-na": "marked not applicable",
    "unmarked-na": "no longer marked not applicable",
}


def _percent(state: State | None) -> str:
    if state is None:
        return "–"
    return "unreadable" if not state.readable or state.percent is None else f"{state.percent}%"


def _status(state: State | None) -> str:
    if state is None:
        return "–"
    return state.status if state.readable else "unreadable"


def _arrow(before: str, after: str) -> str:
    return before if before == after else f"{before} → {after}"


def _section_words(s: SectionChange) -> str:
    words = _CHANGE_WORDS.get(s.change, s.change)
    if s.change in ("more", "less", "filled", "emptied"):
        words += f" ({s.before_percent}% → {s.after_percent}%)"
    return words


def _problem_words(p: tuple[str, str, str, str]) -> str:
    severity, rule, where, message = p
    return f"{severity} {rule}{' at ' + where if where else ''}: {message}"


def _details(d: DesignChange) -> Iterator[tuple[str, str]]:
    """What changed in a changed design, as (label, text) lines, for every format."""
    for s in d.sections:
        yield s.title, _section_words(s)
    if d.fields:
        yield "fields changed", ", ".join(d.fields)
    for m in d.measured:
        yield f"measured {m.metric}", _measured_words(m)
    for p in d.introduced:
        yield "problem introduced", _problem_words(p)
    for p in d.fixed:
        yield "problem fixed", _problem_words(p)
    for n in d.notes:
        yield "note", n


def _measured_words(m: MeasuredChange) -> str:
    def side(value: tuple[str, str]) -> str:
        shown, verdict = value
        return f"{shown} ({verdict.replace('-', ' ')})" if shown else "not measured"

    return f"{side(m.before)} → {side(m.after)}"


def _summary(diff: Diff) -> str:
    parts = [f"{diff.count(kind)} {kind}" for kind in ("changed", "added", "removed") if diff.count(kind)]
    return ", ".join(parts) if parts else "no design changed"


def _side(name: str, commit: str) -> str:
    return f"{name} ({commit[:12]})" if commit and commit[:12] not in name else name


def to_text(diff: Diff, failures: Sequence[str] = ()) -> str:
    """For a terminal: every text a design or a command line gave is shown with its control
    characters (terminal escapes, line breaks, bidirectional overrides) written as escapes."""
    v = visible
    lines = [f"mldesign diff: {v(_side(diff.base, diff.base_commit))} → {v(_side(diff.head, diff.head_commit))}"]
    lines.append(_summary(diff))
    for d in diff.designs:
        mark = {"added": "+", "removed": "-", "changed": "~"}[d.change]
        lines.append("")
        lines.append(f"{mark} {v(d.id)}: {v(d.title)} ({v(d.file)})")
        if d.change != "changed":
            state = d.after if d.change == "added" else d.before
            lines.append(f"    {d.change}: {v(_status(state))}, {_percent(state)} complete")
            continue
        lines.append(f"    status: {v(_arrow(_status(d.before), _status(d.after)))}")
        lines.append(f"    completeness: {_arrow(_percent(d.before), _percent(d.after))}")
        lines.extend(f"    {v(label)}: {v(text)}" for label, text in _details(d))
    if failures:
        lines.append("")
        lines.extend(f"failed: {v(f)}" for f in failures)
    return "\n".join(lines)


#: The characters GitHub's Markdown reads as markup inside a line: emphasis, code, links
#: and images, raw HTML and entities, tables, strikethrough, headings, math.
_PUNCTUATION = re.compile(r"([\\`*_\[\]{}<>|~!#&$])")
#: A mention (`@team`) or a reference (`#12`, `GH-12`) GitHub would link, and notify for.
_REFERENCE = re.compile(r"([@#])(?=\w)")


def _md(text: str) -> str:
    """Author text in a comment's Markdown (a table cell, a list item, a heading): one line,
    shown exactly as written. Control characters are written as escapes, every character
    Markdown reads as markup is escaped, and a word joiner after `@` and `#` keeps GitHub from
    turning a name into a mention that notifies, or a number into a link."""
    out = _PUNCTUATION.sub(r"\\\1", visible(text))
    return _REFERENCE.sub("\\1\u2060", out)


def _code(text: str) -> str:
    """Author text as an inline code span in a table cell: one line, its backticks fenced
    by a longer run, its pipes escaped as GitHub's tables need even inside code."""
    body = visible(text).replace("|", "\\|")
    runs = [len(r) for r in re.findall(r"`+", body)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if body.startswith("`") or body.endswith("`") or not body.strip() else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def to_markdown(diff: Diff, failures: Sequence[str] = ()) -> str:
    """A report fit for a pull-request comment or `$GITHUB_STEP_SUMMARY`."""
    lines = ["## ML designs in this change", ""]
    lines.append(
        f"Compared {_md(_side(diff.base, diff.base_commit))} with {_md(_side(diff.head, diff.head_commit))}: "
        f"{_summary(diff)}."
    )
    if failures:
        lines += ["", "> [!WARNING]", "> This change fails the design review:"]
        lines += [f"> - {_md(f)}" for f in failures]
    if diff.designs:
        lines += ["", "| | Design | Status | Completeness |", "|---|---|---|---|"]
        for d in diff.designs:
            mark = {"added": "added", "removed": "removed", "changed": "changed"}[d.change]
            lines.append(
                f"| {mark} | {_md(d.title)} ({_code(d.id)}) | {_md(_arrow(_status(d.before), _status(d.after)))} "
                f"| {_md(_arrow(_percent(d.before), _percent(d.after)))} |"
            )
    for d in diff.designs:
        if d.change != "changed":
            continue
        lines += ["", f"### {_md(d.title)}", "", _code(d.file), ""]
        lines.extend(f"- **{_md(label)}**: {_md(text)}" for label, text in _details(d))
    return "\n".join(lines) + "\n"


def _state_dict(state: State | None) -> dict[str, Any] | None:
    if state is None:
        return None
    return {
        "readable": state.readable,
        "status": state.status,
        "completeness": state.percent,
        "version": state.version,
        "file": state.file,
    }


def _problem_dict(p: tuple[str, str, str, str]) -> dict[str, str]:
    return dict(zip(("severity", "rule", "field", "message"), p, strict=True))


def to_json(diff: Diff, failures: Sequence[str] = ()) -> str:
    designs = []
    for d in diff.designs:
        designs.append(
            {
                "id": d.id,
                "title": d.title,
                "change": d.change,
                "before": _state_dict(d.before),
                "after": _state_dict(d.after),
                "sections": [
                    {
                        "key": s.key,
                        "title": s.title,
                        "change": s.change,
                        "before": s.before,
                        "after": s.after,
                        "before_percent": s.before_percent,
                        "after_percent": s.after_percent,
                    }
                    for s in d.sections
                ],
                "fields": d.fields,
                "measured": [
                    {
                        "metric": m.metric,
                        "before": {"value": m.before[0] or None, "verdict": m.before[1] or None},
                        "after": {"value": m.after[0] or None, "verdict": m.after[1] or None},
                    }
                    for m in d.measured
                ],
                "problems_introduced": [_problem_dict(p) for p in d.introduced],
                "problems_fixed": [_problem_dict(p) for p in d.fixed],
                "completeness_dropped": d.dropped,
                "notes": d.notes,
            }
        )
    out = {
        "format": FORMAT_VERSION,
        "base": {"name": diff.base, "commit": diff.base_commit},
        "head": {"name": diff.head, "commit": diff.head_commit or None},
        "summary": {kind: diff.count(kind) for kind in ("changed", "added", "removed")},
        "designs": designs,
        "failures": list(failures),
    }
    return json.dumps(out, indent=2, ensure_ascii=False)


FORMATS: dict[str, Callable[[Diff, Sequence[str]], str]] = {"text": to_text, "markdown": to_markdown, "json": to_json}
