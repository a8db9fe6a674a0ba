"""One path from a site's files to its verdict, for every adapter.

`Site.load(settings)` builds the site's template (the built-in schema, the site's
extension and statuses) and turns every way that can fail into one `SiteError` whose
message names the file, line, column and path. `Site.check_page` checks one page and
lints the design it holds; `Site.check_site` runs the rules that need every design
(ids, links) and returns the `Report`: designs, unreadable designs, problems and the
site's aggregates. The MkDocs plugin, the command line and the Zensical route call
these and nothing else, so they cannot disagree.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from . import frontmatter
from .design import Checker, Dated, Design, DocsPrefix, FileReader, PageResult, Span, read_inside, written_date
from .evidence import EvidenceSource, Reading, judge
from .frameworks import PRESETS, Framework, FrameworkError, judge_framework, parse_framework, preset_text
from .frontmatter import NotRegular, read_page
from .lint import (
    DATE_RULE_IDS,
    EVIDENCE_RULE_IDS,
    FRAMEWORK_GAP,
    lint_design,
    lint_evidence,
    lint_frameworks,
    lint_site,
    parse_lint_settings,
)
from .problems import Problem, shown_path
from .schema import (
    SchemaError,
    Template,
    load_template,
    locate_in,
    parse_extension,
    read_extension_text,
)
from .settings import Settings, SettingsError
from .storage import digest


class SiteError(Exception):
    """Settings or a template that cannot be used; the message says where and why."""


@dataclass(slots=True, repr=False)
class Report:
    """Everything one check of a site found.

    `designs` are the readable designs, `unreadable` the pages that hold a design that
    cannot be read, `stray` the pages with problems but no design (one that lost its
    design key), `problems` those that belong to no readable design (an unreadable
    design's, or a stray page's). Designs are in the order of their page's path.
    """

    designs: list[Design] = field(default_factory=list)
    unreadable: list[PageResult] = field(default_factory=list)
    stray: list[PageResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"Report(designs={len(self.designs)}, unreadable={len(self.unreadable)}, problems={len(self.problems)})"

    def undated(self) -> bool:
        """Whether a readable design has no `created` or no `updated` date (written or from git)."""
        return any(d.created is None or d.updated is None for d in self.designs)

    def all_problems(self) -> list[Problem]:
        found = list(self.problems)
        for design in self.designs:
            found.extend(design.problems)
        return sorted(found, key=Problem.sort_key)

    def count(self, severity: str) -> int:
        return sum(1 for p in self.all_problems() if p.severity == severity)

    def summary(self) -> dict[str, int]:
        return {
            "designs": len(self.designs) + len(self.unreadable),
            "unreadable": len(self.unreadable),
            "errors": self.count("error"),
            "warnings": self.count("warning"),
        }


#: What the site knows from git of a page's files: their first and last commit, by the
#: docs-relative paths of the page and of its design file.
GitDates = Callable[[str, str | None], Span | None]


def mean_percent(values: Iterable[Fraction]) -> int:
    items = list(values)
    return math.floor(sum(items, Fraction(0)) / len(items) * 100) if items else 0


@dataclass(slots=True)
class Site:
    """A site's settings and template, compiled once, checking its pages."""

    settings: Settings
    template: Template
    checker: Checker
    frameworks: tuple[Framework, ...] = ()

    @classmethod
    def load(cls, settings: Settings) -> Site:
        template = site_template(settings)
        return cls(settings, template, Checker(template, key=settings.key), load_frameworks(settings, template))

    def fingerprint(self) -> str:
        """A digest of everything a verdict depends on besides the page: the settings and
        the template (what a cache of verdicts must be keyed by)."""
        text = json.dumps([repr(self.settings), self.template.schema], sort_keys=True)
        return digest(text)

    def check_page(
        self,
        data: bytes,
        *,
        src_uri: str,
        file: str | None = None,
        read_file: FileReader | None = None,
        docs_prefix: DocsPrefix = "",
        today: date | None = None,
    ) -> tuple[str, PageResult]:
        """Check one page's bytes and lint its design: the page's text and the result.
        Its dates from git, if the site reads them, come after (`add_git_dates`)."""
        text, result = self.checker.check_bytes(
            data, src_uri=src_uri, file=file, read_file=read_file, docs_prefix=docs_prefix
        )
        result.src_uri, result.file = result.src_uri or src_uri, result.file or file or src_uri
        if result.design is not None:
            result.design.problems.extend(
                lint_design(result.design, self.template, self.settings, today or date.today())
            )
            result.design.problems.sort(key=Problem.sort_key)
        return text, result

    def add_git_dates(self, result: PageResult, git: GitDates, today: date | None = None) -> bool:
        """Give the design of `result` the dates it does not write from `git` (the first
        and last commit of its page and design file), and judge its dates again (the
        stale rule): whether it took a date from git.

        Every adapter checks its pages first and dates them after, so that git reads its
        history meanwhile; calling this again, with newer history, replaces what an
        earlier call gave."""
        design = result.design
        if design is None:
            return False
        written_created, written_updated = (
            written_date(design.data.get("created")),
            written_date(design.data.get("updated")),
        )
        if written_created is not None and written_updated is not None:
            return False
        span = git(result.src_uri, result.design_file)
        design.created = written_created or (Dated(span.first.date, "git", span.first.sha) if span else None)
        design.updated = written_updated or (Dated(span.last.date, "git", span.last.sha) if span else None)
        design.problems[:] = [p for p in design.problems if p.rule not in DATE_RULE_IDS]
        design.problems.extend(
            lint_design(design, self.template, self.settings, today or date.today(), only=DATE_RULE_IDS)
        )
        design.problems.sort(key=Problem.sort_key)
        return span is not None

    def add_evidence(
        self, design: Design, readings: Sequence[tuple[EvidenceSource, Reading]], today: date | None = None
    ) -> None:
        """Judge each metric of `design` by what its evidence sources read (each entry of
        its `evidence` with what `project.evidence` read from it), and run the evidence
        rules. Like `add_git_dates`, it runs after the check and replaces what an earlier
        call gave; it runs after the dates, which the stale measurement is judged by."""
        checks, notes = judge(design.data, readings)
        design.checks = checks
        design.problems[:] = [p for p in design.problems if p.rule not in EVIDENCE_RULE_IDS]
        design.problems.extend(lint_evidence(design, notes, self.settings, today or date.today()))
        design.problems.sort(key=Problem.sort_key)

    def check_file(
        self,
        path: str | os.PathLike[str],
        *,
        src_uri: str,
        file: str,
        docs_dir: str | os.PathLike[str],
        docs_prefix: DocsPrefix = "",
        today: date | None = None,
    ) -> PageResult:
        """Check the page at `path` of the docs folder `docs_dir`, read as the plugin reads
        it (bounded; a design file only from inside the folder). A path that is not a
        regular file is a problem of the page; a file that cannot be read raises OSError."""
        try:
            data, _ = read_page(path)
        except NotRegular:
            problem = Problem(file, 0, 0, "", "error", "page-unreadable", "not a regular file", "a page must be a file")
            return PageResult(problems=[problem], src_uri=src_uri, file=file)
        _, result = self.check_page(
            data,
            src_uri=src_uri,
            file=file,
            read_file=lambda rel: read_inside(docs_dir, rel),
            docs_prefix=docs_prefix,
            today=today,
        )
        return result

    def verdict(self, data: bytes, src_uri: str, read_file: FileReader) -> tuple[str, int | None, str, str]:
        """A page's design as an older version of it stood: its status, completeness,
        version and state (`design`, `unreadable`, or `none` when the page held none)."""
        _, result = self.checker.check_bytes(data, src_uri=src_uri, read_file=read_file)
        design = result.design
        if design is None:
            return "", None, "", "unreadable" if result.unreadable else "none"
        return design.status, design.score.percent, design.version, "design"

    def check_site(self, results: Iterable[PageResult], *, context: Sequence[PageResult] = ()) -> Report:
        """The site's verdict over the checked pages.

        The designs of `context` (pages of the site that were not asked about) take part
        in the rules across designs, so a link to them is not broken, but their own
        problems are not reported.
        """
        report = Report()
        for result in sorted(results, key=lambda r: r.src_uri or r.file):
            if result.design is not None:
                report.designs.append(result.design)
            elif result.unreadable:
                report.unreadable.append(result)
            elif result.problems:
                report.stray.append(result)
            report.problems.extend(result.problems)
        report.problems.sort(key=Problem.sort_key)
        others = [r.design for r in context if r.design is not None]
        broken = [r.id for r in (*report.unreadable, *context) if r.unreadable]
        lint_site([*report.designs, *others], self.settings, known_ids=broken)
        for design in report.designs:
            self.judge_frameworks(design)
        return report

    def judge_frameworks(self, design: Design, *, timeline: bool = False) -> None:
        """Judge the site's frameworks for `design`, and the `framework-gap` rule over
        them. A point its history answers counts as answered when the design records
        approvals, or when the site shows its timeline from git (`timeline`, which only
        a build knows)."""
        approvals = design.data.get("approvals")
        has_history = timeline or (isinstance(approvals, list) and bool(approvals))
        design.frameworks = {
            f.name: judge_framework(f, design, self.template, has_history=has_history) for f in self.frameworks
        }
        design.problems[:] = [p for p in design.problems if p.rule != FRAMEWORK_GAP]
        design.problems.extend(lint_frameworks(design, self.frameworks, self.settings))
        design.problems.sort(key=Problem.sort_key)


def load_frameworks(settings: Settings, template: Template) -> tuple[Framework, ...]:
    """The frameworks the site names: shipped presets by name, its own files by path; a
    `SiteError` names the framework file's line that is wrong."""
    out: list[Framework] = []
    for given in settings.frameworks:
        if given in PRESETS:
            name, source, text = given, f"the shipped framework {given}", preset_text(given)
        else:
            name, source = os.path.splitext(os.path.basename(given))[0], shown_path(given)
            try:
                text = frontmatter.read_regular(given, frontmatter.MAX_FRONT_MATTER_BYTES).decode("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                why = getattr(exc, "strerror", None) or exc
                raise SiteError(f"the framework file {given} cannot be read: {why}") from None
        if any(f.name == name for f in out):
            raise SiteError(f"two frameworks are named `{name}`: {given} and another; rename one file")
        try:
            out.append(parse_framework(name, text, source, template))
        except FrameworkError as exc:
            raise SiteError(str(exc)) from None
    return tuple(out)


def site_template(settings: Settings) -> Template:
    """The template for `settings`, or a `SiteError` saying where the extension is wrong."""
    try:
        parse_lint_settings(settings.lint)
    except SettingsError as exc:
        raise SiteError(str(exc)) from None
    path = settings.extension_schema
    try:
        if not path:
            return load_template(None, settings.status_names)
        text = read_extension_text(path)
        extension = parse_extension(path, text)
    except SchemaError as exc:
        raise SiteError(str(exc)) from None
    try:
        return load_template(extension, settings.status_names, source=f"the extension schema {path}")
    except SchemaError as exc:
        if not exc.path:
            raise SiteError(str(exc)) from None
        line, column = locate_in(path, text, exc.path)
        raise SiteError(f"the extension schema {path}:{line}:{column}: {exc}") from None
