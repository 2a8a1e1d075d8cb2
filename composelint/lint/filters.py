"""The filter stage: which findings are reported, after the rules and before reporting.

Per project, with the :class:`~composelint.lint.settings.ProjectSettings` that govern
it: ``severity`` overrides, ``per-file-ignores`` and inline suppression comments
(``composelint.lint.suppress``). Then once for the whole run: ``unused-suppression``
findings, the baseline (``composelint.lint.baseline``) and the diff
(``composelint.lint.difffilter``). Rule selection and options are settled before
(``composelint.lint.settings``); nothing here knows the command line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from composelint.lint.config import unknown_rule_message
from composelint.lint.engine import INTERNAL_CODE, exit_code
from composelint.lint.registry import Registry, Rule
from composelint.lint.settings import ProjectSettings, RunSettings, Settings, SettingsError
from composelint.lint.suppress import Directive, Selector, scan
from composelint.model.findings import Applicability, Edit, Finding, Fix, Severity
from composelint.model.project import SourceFile
from composelint.model.record import Record, replace
from composelint.model.span import Span

if TYPE_CHECKING:
    from composelint.lint.difffilter import ChangedLines

UNUSED_CODE = "CMP901"


class _FileState(Record):
    """Suppression comments of one file and what happened to them."""

    directives: list[Directive]
    lines: list[str]
    settings: ProjectSettings  # of the first project that read the file
    ran: set[str]  # codes that ran on the file (any project)
    used: set[tuple[int, int]]  # (directive, selector) indexes

    __slots__ = ("directives", "lines", "ran", "settings", "used")

    def __init__(
        self,
        directives: list[Directive],
        lines: list[str],
        settings: ProjectSettings,
        ran: set[str] | None = None,
        used: set[tuple[int, int]] | None = None,
    ) -> None:
        self.directives = directives
        self.lines = lines
        self.settings = settings
        self.ran = set() if ran is None else ran
        self.used = set() if used is None else used


class FindingFilter:
    """The per-project filters and the suppression comments' bookkeeping for one run
    (which comments suppressed something, which rules ran on each file)."""

    def __init__(self, registry: Registry, settings: RunSettings) -> None:
        self.registry = registry
        self.settings = settings
        self.cwd = settings.cwd
        self.default = settings.default
        self._suppressions = settings.request.suppressions
        self._files: dict[str, _FileState] = {}
        self._codes: dict[str, frozenset[str]] = {}
        self._threshold: dict[Finding, Severity] = {}

    # -- per project ------------------------------------------------------------------

    def project(
        self,
        findings: Iterable[Finding],
        sources: Mapping[str, SourceFile],
        settings: ProjectSettings,
        rules: Iterable[Rule] | None = None,
    ) -> list[Finding]:
        """A project's findings, filtered by the settings that govern it (``rules``:
        the rules that ran, when not all those the settings select)."""
        if self._suppressions:
            ran = {r.code for r in (settings.rules if rules is None else rules)}
            for display, source in sources.items():
                state = self._file(display, source, settings)
                if state is not None:
                    state.ran |= ran - settings.ignored(display, self.cwd)
        return self._filter(findings, settings)

    def orphans(self, findings: Iterable[Finding]) -> list[Finding]:
        """Findings of no project (a missing path argument ...), under the default settings."""
        return self._filter(findings, self.default)

    def _file(
        self, display: str, source: SourceFile, settings: ProjectSettings
    ) -> _FileState | None:
        if source.text is None:
            return None
        if display not in self._files:
            text = source.text
            self._files[display] = _FileState(
                scan(text, display, source.kind), text.split("\n"), settings
            )
        return self._files[display]

    def _filter(self, findings: Iterable[Finding], settings: ProjectSettings) -> list[Finding]:
        out: list[Finding] = []
        for f in findings:
            if f.code != INTERNAL_CODE and not f.fatal:  # "could not lint" is always shown
                severity = settings.severities.get(f.code)
                if severity is not None and severity is not f.severity:
                    f = replace(f, severity=severity)
                if self._suppressions and (
                    (f.span is not None and f.code in settings.ignored(f.span.path, self.cwd))
                    or self._suppressed(f)
                ):
                    continue
            out.append(f)
            self._note(f, settings)
        return out

    def _note(self, f: Finding, settings: ProjectSettings) -> None:
        previous = self._threshold.get(f)
        if previous is None or settings.fail_on.rank < previous.rank:
            self._threshold[f] = settings.fail_on

    def _codes_of(self, selector: str) -> frozenset[str]:
        if selector not in self._codes:
            self._codes[selector] = frozenset(r.code for r in self.registry.matching(selector))
        return self._codes[selector]

    def _suppressed(self, f: Finding) -> bool:
        state = self._files.get(f.span.path) if f.span is not None else None
        if state is None or f.span is None:
            return False
        hit = False
        for i, d in enumerate(state.directives):
            if not d.file_wide and d.line != f.span.line:
                continue
            for j, sel in enumerate(d.selectors):
                if f.code in self._codes_of(sel.text):
                    state.used.add((i, j))
                    hit = True
        return hit

    # -- the whole run ---------------------------------------------------------------

    def unused_suppressions(self) -> list[Finding]:
        """``unused-suppression`` findings: comments that suppressed nothing although
        the rule ran on the file, unknown rules, and malformed directives."""
        rule = self.registry.get(UNUSED_CODE)
        if rule is None:
            return []
        out: list[Finding] = []
        for display, state in self._files.items():
            settings = state.settings
            if rule not in settings.rules or UNUSED_CODE in settings.ignored(display, self.cwd):
                continue
            for i, d in enumerate(state.directives):
                unused = self._unused_message(state, i, d)
                if unused is None:
                    continue
                message, fix = unused
                finding = Finding(
                    rule.code,
                    rule.name,
                    settings.severities.get(rule.code, rule.severity),
                    message,
                    d.span,
                    fix=self._removal(d, state, i),
                    help=fix,
                )
                if not self._suppressed(finding):
                    out.append(finding)
                    self._note(finding, settings)
        return out

    def _unused_message(
        self, state: _FileState, index: int, d: Directive
    ) -> tuple[str, str | None] | None:
        """The message and the help of the finding about directive ``d``, if any."""
        if d.error is not None:
            return f"not a valid suppression comment: {d.error}", None
        unknown = [s for s in d.selectors if not self._codes_of(s.text)]
        if unknown:
            hint = unknown_rule_message(unknown[0].text, self.registry)
            return f"suppression comment: {hint}", None
        unused = self._unused_selectors(state, index, d)
        if not unused:
            return None
        names = " or ".join(s.text for s in unused)
        where = "in this file" if d.file_wide else f"on line {d.line}"
        them = "it" if len(unused) == 1 else "them"
        return (
            f"unused suppression: no {names} finding {where} to suppress",
            f"remove {them} from the comment so that it does not hide a future finding",
        )

    def _unused_selectors(self, state: _FileState, index: int, d: Directive) -> list[Selector]:
        return [
            s
            for j, s in enumerate(d.selectors)
            if (index, j) not in state.used
            and self._codes_of(s.text) & state.ran
            and self._codes_of(s.text) != {UNUSED_CODE}
        ]

    def _removal(self, d: Directive, state: _FileState, index: int) -> Fix | None:
        """Deleting the comment, when nothing in it is used."""
        if d.error is not None or len(self._unused_selectors(state, index, d)) != len(d.selectors):
            return None
        s = d.span
        if d.line != s.line:  # a comment line of its own: delete the line
            span = Span(s.path, s.line, 1, s.line + 1, 1)
        else:  # a trailing comment: delete it and the blanks before it
            before = state.lines[s.line - 1][: s.col - 1]
            start = len(before.rstrip()) + 1
            span = Span(s.path, s.line, start, s.end_line, s.end_col)
        return Fix(
            "remove the unused suppression comment",
            (Edit(span, ""),),
            applicability=Applicability.SAFE,
        )

    def exit_code(self, findings: Sequence[Finding], *, fatal: bool, exit_zero: bool) -> int:
        """Like ``engine.exit_code``, with each finding judged by the ``fail-on`` of the
        configuration that governs it."""
        default = self.default.fail_on
        failing = [
            f
            for f in findings
            if f.code == INTERNAL_CODE or f.severity.rank >= self._threshold.get(f, default).rank
        ]
        return exit_code(failing, fatal=fatal, fail_on=Severity.INFO, exit_zero=exit_zero)


def apply_baseline(
    findings: Sequence[Finding],
    sources: Mapping[str, SourceFile],
    path: Path,
    *,
    cwd: Path,
    update: bool = False,
) -> tuple[list[Finding], str | None]:
    """Findings not in the baseline at ``path``, and a notice when the file was written
    (it is written when missing or with ``update``: then nothing is reported)."""
    from composelint.lint import baseline
    from composelint.load.sources import exists, resolve_path

    base = resolve_path(path, cwd).parent
    keys = baseline.fingerprint_all(findings, sources, base, cwd)
    if update or not exists(cwd / path):
        entries = [(k[0], k[1], f) for k, f in zip(keys, findings, strict=True) if k is not None]
        baseline.write(cwd / path, entries)
        kept = [f for k, f in zip(keys, findings, strict=True) if k is None]
        return kept, f"wrote {len(entries)} finding(s) to the baseline {path}"
    known = baseline.read(cwd / path, str(path))
    return [f for k, f in zip(keys, findings, strict=True) if k is None or k[0] not in known], None


def baseline_and_diff(
    findings: Iterable[Finding],
    sources: Mapping[str, SourceFile],
    request: Settings,
    cwd: Path,
) -> tuple[list[Finding], list[str]]:
    """The baseline, then the diff: the findings left and notices for stderr (raises
    ``SettingsError``)."""
    out = list(findings)
    notices: list[str] = []
    if request.baseline is None and request.diff_base is None and request.diff_file is None:
        return out, notices  # the common case: no git, no baseline (and no imports)
    from composelint.lint import difffilter
    from composelint.lint.baseline import BaselineError

    try:
        if request.baseline is not None:
            out, notice = apply_baseline(
                out, sources, request.baseline, cwd=cwd, update=request.update_baseline
            )
            if notice:
                notices.append(notice)
        changed = changed_lines(request, cwd)
    except (BaselineError, difffilter.DiffError) as exc:
        raise SettingsError(str(exc)) from None
    if changed is not None:
        out = [f for f in out if f.fatal or changed.keeps(f, cwd)]
    return out, notices


def changed_lines(request: Settings, cwd: Path) -> ChangedLines | None:
    """The lines ``--diff-base`` / ``--diff-file`` keep findings on, or None."""
    from composelint.lint import difffilter

    if request.diff_base is not None:
        return difffilter.from_git(request.diff_base, cwd)
    if request.diff_file is not None:
        return difffilter.from_text(difffilter.read_diff(request.diff_file, cwd), cwd)
    return None
