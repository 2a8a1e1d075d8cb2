"""``composelint server``: the Language Server Protocol over stdio.

An editor opens, edits and saves compose and ``.env`` files; the server lints the
whole project each file belongs to, with the editor's unsaved buffers replacing
the files on disk, and publishes diagnostics for every file of the project (an
empty list for a file whose findings are gone). Changes are debounced; open, save
and close lint at once. Hover over a diagnostic shows the rule's documentation;
code actions offer the finding's fix and a ``# composelint: disable=<rule>``
comment for the line.

pygls is an optional dependency (``composelint[lsp]``). Everything above the
"server" section imports without it: positions, URIs, which projects a file
belongs to, and linting with buffers (:class:`Session`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import json
import re
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from composelint import __version__
from composelint.lint.engine import finalize, internal_error
from composelint.lint.registry import Registry, Rule, load_registry
from composelint.load.discover import (
    COMPOSE_FILE_RE,
    ENV_FILE_RE,
    ProjectSpec,
    projects_in_directory,
    projects_including,
)
from composelint.load.sources import UnreadableFile, display_path, read_text, resolve_path
from composelint.model.findings import Applicability, Finding
from composelint.model.record import replace
from composelint.model.span import Span

if TYPE_CHECKING:
    from lsprotocol import types as lsp
    from pygls.lsp.server import LanguageServer

    from composelint.lint import fixes
    from composelint.lint.fixes import FileText
    from composelint.run import LintReport

RULE_DOCS_URL = "https://composelint.dev/rules/{name}"
MAX_FRAME_BYTES = 64 * 1024 * 1024  # of one JSON-RPC message; a larger one is skipped
MAX_HEADER_BYTES = 8 * 1024  # of one header line
MAX_POSITION = 2**31 - 1  # LSP's uinteger
OVERSIZED = "composelint/oversizedFrame"  # what an oversized frame is read as
# the debounce of didChange adapts to typing: the first change after a pause is linted
# at once; a change that follows the previous one closely (typing) waits briefly for
# the next keystroke
TYPING_PAUSE_SECONDS = 0.5
TYPING_DEBOUNCE_SECONDS = 0.05
SOURCE = "composelint"
FIX_ALL_KIND = "source.fixAll.composelint"  # every safe fix of a document, like --fix
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what LSP counts as a line break

# -- positions: our spans are 1-based code points, LSP is 0-based UTF-16 ------------


def split_lines(text: str) -> list[str]:
    return _LINE_BREAK.split(text)


def utf16_column(line: str, col: int) -> int:
    """The 0-based UTF-16 offset of the 1-based code-point column ``col`` of ``line``
    (clamped to the line): characters beyond U+FFFF take two code units."""
    prefix = line[: max(col - 1, 0)]
    return len(prefix) + sum(1 for ch in prefix if ord(ch) > 0xFFFF)


def lsp_position(lines: list[str], line: int, col: int) -> tuple[int, int]:
    """The LSP (line, character) of a 1-based line and column, clamped to the text."""
    if not lines:
        return 0, 0
    index = line - 1
    if index < 0:
        return 0, 0
    if index >= len(lines):
        last = len(lines) - 1
        return last, utf16_column(lines[last], len(lines[last]) + 1)
    return index, utf16_column(lines[index], col)


def lsp_range(span: Span, lines: list[str]) -> tuple[tuple[int, int], tuple[int, int]]:
    start = lsp_position(lines, span.line, span.col)
    end = lsp_position(lines, span.end_line, span.end_col)
    return start, max(start, end)


_LINE_WITH_END = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def text_edits(old: str, new: str) -> list[tuple[tuple[int, int], tuple[int, int], str]]:
    """The LSP edits (start, end, new text) that turn ``old`` into ``new``, one per run
    of changed lines, so that an editor keeps its cursor and folds elsewhere."""
    import difflib

    before = _LINE_WITH_END.findall(old)
    after = _LINE_WITH_END.findall(new)

    def at(index: int) -> tuple[int, int]:
        if index < len(before) or not before or before[-1].endswith(("\n", "\r")):
            return index, 0
        return index - 1, utf16_column(before[-1], len(before[-1]) + 1)  # no final newline

    edits = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            edits.append((at(i1), at(i2), "".join(after[j1:j2])))
    return edits


# -- URIs ------------------------------------------------------------------------


def uri_to_path(uri: str) -> Path | None:
    """The file a ``file:`` URI names (absolute, with resolved directories), else None.

    The directory is resolved like ``discover`` resolves its arguments, so the path
    compares equal to the paths in a project; the file name itself is kept.
    """
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = Path(url2pathname(unquote(parsed.path)))
    if not path.is_absolute() or not path.name:
        return None
    return resolve_path(path.parent) / path.name


def path_to_uri(path: Path) -> str:
    return path.as_uri()


# -- the disable comment ------------------------------------------------------------


def disable_edit(
    text: str, line: int, rule: str, kind: Literal["compose", "env"]
) -> tuple[int, int, str] | None:
    """Where to insert what so that ``# composelint: disable=<rule>`` suppresses
    ``rule`` on the 1-based ``line``: (0-based line, code-point column, text).

    An existing directive of the line gets ``,rule`` appended; otherwise a compose
    file gets a trailing comment, or a comment line above where a trailing one would
    not be a comment (inside a block scalar or a quoted value); an env file gets
    the line above. Each candidate is checked with the
    suppression scanner itself; None when no placement works.
    """
    from composelint.lint.suppress import scan

    lines = split_lines(text)
    if not 1 <= line <= len(lines):
        return None
    current = lines[line - 1]
    for d in scan(text, "", kind):
        if d.error is None and not d.file_wide and d.line == line and d.span.line == line:
            if rule in {s.text for s in d.selectors}:
                return None  # already disabled
            last = d.selectors[-1].span
            return line - 1, last.end_col - 1, f",{rule}"
    directive = f"# composelint: disable={rule}"
    body = current.rstrip()
    trailing = (line - 1, len(body), f"  {directive}" if body else directive)
    indent = current[: len(current) - len(current.lstrip())]
    above = (line - 1, 0, f"{indent}{directive}\n")
    candidates = [(trailing, line)] if body else []  # an empty line: only a line above
    # in an env file a comment after a value is itself reported (env-inline-comment)
    candidates.insert(0 if kind == "env" else len(candidates), (above, line + 1))
    for candidate, target in candidates:
        if _suppresses(_insert(lines, *candidate), target, rule, kind):
            return candidate
    return None


def _insert(lines: list[str], index: int, col: int, new: str) -> str:
    edited = list(lines)
    edited[index] = edited[index][:col] + new + edited[index][col:]
    return "\n".join(edited)


def _suppresses(text: str, line: int, rule: str, kind: Literal["compose", "env"]) -> bool:
    from composelint.lint.suppress import scan

    return any(
        d.error is None
        and not d.file_wide
        and d.line == line
        and rule in {s.text for s in d.selectors}
        for d in scan(text, "", kind)
    )


# -- linting a project with the editor's buffers -----------------------------------


@dataclass
class FileFindings:
    """The findings of one file of a linted project, with the text they point into."""

    path: Path
    text: str | None
    kind: Literal["compose", "env"]
    findings: list[Finding] = field(default_factory=list)


@dataclass
class LintResult:
    spec: ProjectSpec
    files: dict[Path, FileFindings]  # every file of the project, with or without findings
    overrides: Mapping[Path, str] = field(default_factory=dict)
    _lines: dict[Path, list[str]] = field(default_factory=dict, repr=False)

    def path(self, span: Span) -> Path:
        """The absolute path of a span's file (spans show paths relative to the project)."""
        return self.spec.project_dir / span.path

    def lines(self, path: Path) -> list[str]:
        """The lines of a file as linted (the buffer when open), for position mapping."""
        if path not in self._lines:
            entry = self.files.get(path)
            text = entry.text if entry is not None else _text(path, self.overrides)
            self._lines[path] = split_lines(text or "")
        return self._lines[path]


class Session:
    """Lints projects for an editor; independent of the protocol library."""

    def __init__(self, registry: Registry | None = None) -> None:
        self.registry = registry or load_registry()
        self.by_code: dict[str, Rule] = {r.code: r for r in self.registry}
        # the files each linted project read (lints run on a worker thread)
        self._members: dict[tuple[tuple[str, ...], str], tuple[ProjectSpec, frozenset[Path]]] = {}
        self._lock = threading.Lock()
        # compose files parsed by earlier lints: an unchanged file is not parsed again
        from composelint.load.yamlload import ParseCache

        self.parse_cache = ParseCache()

    def specs_for(self, path: Path) -> list[ProjectSpec]:
        """The projects to re-lint when ``path`` changes: the projects of its directory
        that contain it (a compose file) or all of them (an env file), as ``discover``
        finds them, and every project already linted that read the file."""
        found: dict[tuple[tuple[str, ...], str], ProjectSpec] = {}
        name = path.name
        is_compose = bool(COMPOSE_FILE_RE.match(name))
        if is_compose or ENV_FILE_RE.match(name):
            including = projects_including(path) if is_compose else []  # a fragment
            for spec in including or projects_in_directory(path.parent, recursive=False):
                if including or not is_compose or path in spec.compose_files:
                    found.setdefault(spec.key(), spec)
            if is_compose and not found:
                spec = ProjectSpec([path], path.parent, explicit_files=True)
                found[spec.key()] = spec
        with self._lock:
            known = list(self._members.items())
        for key, (spec, members) in known:
            if path in members:
                found.setdefault(key, spec)
        return list(found.values())

    def lint(self, spec: ProjectSpec, overrides: Mapping[Path, str]) -> LintResult:
        """Every finding of the project, by file; never raises."""
        with _collector_paused():
            return self._lint(spec, overrides)

    def _lint(self, spec: ProjectSpec, overrides: Mapping[Path, str]) -> LintResult:
        cwd = spec.project_dir
        files: dict[Path, FileFindings] = {}
        try:
            report = self._check(spec, overrides, cwd)
            for linted in report.projects:
                for src in linted.project.sources.values():
                    kind: Literal["compose", "env"] = "compose" if src.kind == "compose" else "env"
                    files[src.path] = FileFindings(src.path, src.text, kind)
            findings = report.findings
        except Exception as exc:  # the resolver and engine must not raise; if they do, say so
            findings = [internal_error(f"could not lint the project in {cwd}: {exc!r}")]
        first = spec.compose_files[0] if spec.compose_files else None
        for f in findings:
            path = (cwd / f.span.path) if f.span is not None else first
            if path is None:
                continue
            entry = files.get(path)
            if entry is None:
                kind = "compose" if COMPOSE_FILE_RE.match(path.name) else "env"
                entry = files[path] = FileFindings(path, _text(path, overrides), kind)
            entry.findings.append(f if f.span is not None else _at_start(f, path, cwd))
        with self._lock:
            self._members[spec.key()] = (spec, frozenset(files))
        return LintResult(spec, files, overrides)

    def _check(self, spec: ProjectSpec, overrides: Mapping[Path, str], cwd: Path) -> LintReport:
        """What the command line would report for the project: its configuration
        file, ``per-file-ignores`` and suppression comments apply; a broken
        configuration is reported and ignored."""
        from composelint.lint.settings import Settings, SettingsError
        from composelint.resolve.resolver import ResolveOptions
        from composelint.run import Targets, lint

        options = ResolveOptions(overrides=overrides, parse_cache=self.parse_cache)
        targets = Targets(resolve=options, cwd=cwd, specs=(spec,))
        try:
            return lint(targets, Settings(), self.registry)
        except SettingsError as exc:
            report = lint(targets, Settings(isolated=True), self.registry)
            note = internal_error(f"configuration file ignored: {exc}")
            return replace(report, findings=finalize([*report.findings, note]))

    def fix_document(self, path: Path, overrides: Mapping[Path, str]) -> str | None:
        """The text of ``path`` after every safe fix of its findings, applied pass
        after pass to convergence like ``--fix`` does, in memory; None when nothing
        changes. Only fixes whose edits all lie in ``path`` and carry no secret text
        count (the server sends no edit of a file the user is not looking at, and no
        secret); a file in several projects is fixed for each in turn."""
        from composelint.lint import fixes

        current = dict(overrides)
        start = current.get(path)
        if start is None:
            start = _text(path, overrides)
            if start is None:
                return None
            current[path] = start
        for spec in self.specs_for(path):
            with _collector_paused():  # as a lint does: several passes, many objects
                result = fixes.run(self._fix_pass(spec, current, path))
            current[path] = result.current.get(path, current[path])
        return current[path] if current[path] != start else None

    def _fix_pass(
        self, spec: ProjectSpec, overrides: Mapping[Path, str], path: Path
    ) -> fixes.LintPass:
        from composelint.lint.fixes import FileText

        def one_pass(
            changed: Mapping[Path, str],
        ) -> tuple[list[Finding], dict[str, FileText]]:
            try:
                report = self._check(spec, {**overrides, **changed}, spec.project_dir)
            except Exception:  # the lint must not raise; if it does, fix nothing
                return [], {}
            texts = {
                d: FileText(s.path, s.text) for d, s in report.sources.items() if s.text is not None
            }
            return [f for f in report.findings if _fixes_only(f, texts, path)], texts

        return one_pass

    def rule_markdown(self, code: str) -> str | None:
        """The hover text for a rule: code, name, severity, summary, docs and link."""
        rule = self.by_code.get(code)
        if rule is None:
            return None
        doc = inspect.cleandoc(rule.doc)
        first, _, rest = doc.partition("\n")
        body = rest.strip() if first.strip().rstrip(".") == rule.summary.rstrip(".") else doc
        link = RULE_DOCS_URL.format(name=rule.name)
        return (
            f"**{rule.code} {rule.name}** ({rule.severity.value}): {rule.summary}\n\n"
            f"{body}\n\n[{rule.name} documentation]({link})"
        )


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the duration of a lint: a lint builds a
    large tree of nodes without reference cycles, which the collector would traverse
    again and again as it grows (a quarter of the time of a large project). What the
    lint leaves behind is freed by reference counting; the collector resumes after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _text(path: Path, overrides: Mapping[Path, str]) -> str | None:
    if path in overrides:
        return overrides[path]
    try:
        return read_text(path)
    except UnreadableFile:
        return None


def _fixes_only(f: Finding, texts: Mapping[str, FileText], path: Path) -> bool:
    """Whether every edit of the finding's fix lies in ``path`` and none carries secret
    text (or drops a byte-order mark, which an editor's buffer does not hold)."""
    if f.fix is None or not f.fix.edits:
        return False
    for e in f.fix.edits:
        ft = texts.get(e.span.path)
        if ft is None or ft.path != path or e.sensitive or e.span.line < 1:
            return False
    return True


def _at_start(f: Finding, path: Path, cwd: Path) -> Finding:
    """A finding without a location, placed at the start of the project's first file."""
    shown = Span.whole_file(display_path(path, cwd))
    return replace(f, span=shown)  # keeps help and note


# -- the server (needs pygls) -------------------------------------------------------

ProjectKey = tuple[tuple[str, ...], str]


@dataclass
class _Entry:
    """A published diagnostic, the finding behind it and the lint that produced it."""

    finding: Finding
    diagnostic: lsp.Diagnostic
    result: LintResult
    path: Path


def edit_delay(since_last_edit: float | None) -> float:
    """How long an edit waits before its project is linted, given the seconds since
    the previous edit of the project (None: the first one): not at all after a pause
    in typing, briefly while typing, so that a burst of keystrokes is linted once."""
    if since_last_edit is None or since_last_edit >= TYPING_PAUSE_SECONDS:
        return 0.0
    return TYPING_DEBOUNCE_SECONDS


class _Linter:
    """Debounced linting and publishing on top of a pygls ``LanguageServer``.

    Lints run one at a time on a worker thread, on a snapshot of the open buffers;
    a result is dropped when a newer lint of the same project was asked for meanwhile.
    """

    def __init__(self, server: LanguageServer, session: Session) -> None:
        self.server = server
        self.session = session
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="composelint-lint")
        self.timers: dict[ProjectKey, asyncio.TimerHandle] = {}
        self.generation: dict[ProjectKey, int] = {}
        self.last_change: dict[ProjectKey, float] = {}  # when an edit last arrived
        self.running: set[ProjectKey] = set()  # projects being linted now
        self.pending: dict[ProjectKey, ProjectSpec] = {}  # to lint again when that is done
        # per project, the diagnostics it published by URI (a file may be in several)
        self.published: dict[ProjectKey, dict[str, list[_Entry]]] = {}

    # -- scheduling ------------------------------------------------------------
    def changed(self, uri: str, delay: float | None = None) -> None:
        """Lint the projects of ``uri`` after ``delay`` seconds; None: the debounce of
        an edit (none after a pause in typing, ``TYPING_DEBOUNCE_SECONDS`` while typing)."""
        path = uri_to_path(uri)
        if path is None:
            return
        loop = asyncio.get_running_loop()
        now = time.monotonic()
        for spec in self.session.specs_for(path):
            key = spec.key()
            wait = delay
            if wait is None:
                typing = (
                    now - self.last_change.get(key, -TYPING_PAUSE_SECONDS) < TYPING_PAUSE_SECONDS
                )
                wait = TYPING_DEBOUNCE_SECONDS if typing else 0.0
                self.last_change[key] = now
            timer = self.timers.pop(key, None)
            if timer is not None:
                timer.cancel()
            self.timers[key] = loop.call_later(wait, self._start, spec)

    def _start(self, spec: ProjectSpec) -> None:
        """Lint a project on the worker thread with a snapshot of the open buffers. One
        lint per project at a time: a request while one runs waits for it to finish
        and then lints the newest buffers once (however many edits came meanwhile), and
        the result of the older lint is not published."""
        key = spec.key()
        self.timers.pop(key, None)
        if key in self.running:
            self.pending[key] = spec
            return
        self.running.add(key)
        generation = self.generation[key] = self.generation.get(key, 0) + 1
        overrides = self.buffers()
        future = asyncio.get_running_loop().run_in_executor(
            self.pool, self.session.lint, spec, overrides
        )

        def done(fut: asyncio.Future[LintResult]) -> None:
            self.running.discard(key)
            newer = self.pending.pop(key, None)
            if newer is not None:
                self._start(newer)
                return  # what was linted is already out of date
            if fut.cancelled() or self.generation.get(key) != generation:
                return
            try:
                self.publish(key, fut.result())
            except Exception as exc:  # one bad file must not take the server down
                self.log(f"composelint: could not publish diagnostics: {exc!r}")

        future.add_done_callback(done)

    # -- publishing ------------------------------------------------------------
    def uri_for(self, path: Path) -> str:
        """The URI the editor uses for ``path`` when it is open, else a ``file:`` URI."""
        for uri in list(self.server.workspace.text_documents):
            if uri_to_path(uri) == path:
                return str(uri)
        return path_to_uri(path)

    def publish(self, key: ProjectKey, result: LintResult) -> None:
        from lsprotocol import types as t

        entries: dict[str, list[_Entry]] = {}
        for path, ff in result.files.items():
            entries[self.uri_for(path)] = [
                _Entry(f, self.diagnostic(f, result), result, path) for f in ff.findings
            ]
        before = self.published.get(key, {})
        self.published[key] = entries
        for uri in sorted(set(before) | set(entries)):
            seen: set[tuple[int, int, int, int, str, str]] = set()
            diagnostics: list[t.Diagnostic] = []
            for e in self.entries(uri):
                d, r = e.diagnostic, e.diagnostic.range
                ident = (r.start.line, r.start.character, r.end.line, r.end.character)
                if (*ident, e.finding.code, d.message) not in seen:
                    seen.add((*ident, e.finding.code, d.message))
                    diagnostics.append(d)
            self.server.text_document_publish_diagnostics(
                t.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
            )

    def diagnostic(self, f: Finding, result: LintResult) -> lsp.Diagnostic:
        from lsprotocol import types as t

        from composelint.output.redact import mask_text
        from composelint.output.reporters import details

        assert f.span is not None  # Session.lint places every finding
        severity = {
            "error": t.DiagnosticSeverity.Error,
            "warning": t.DiagnosticSeverity.Warning,
            "info": t.DiagnosticSeverity.Information,
        }[f.severity.value]
        related = [
            t.DiagnosticRelatedInformation(
                location=self.location(r.span, result), message=mask_text(r.message)
            )
            for r in f.related
        ]
        return t.Diagnostic(
            range=_range(f.span, result.lines(result.path(f.span))),
            # note and help on their own lines; masked as in every report
            message="\n".join([mask_text(f.message), *details(f)]),
            severity=severity,
            code=f.code,
            code_description=t.CodeDescription(href=RULE_DOCS_URL.format(name=f.name)),
            source=SOURCE,
            related_information=related or None,
        )

    def location(self, span: Span, result: LintResult) -> lsp.Location:
        from lsprotocol import types as t

        path = result.path(span)
        return t.Location(uri=self.uri_for(path), range=_range(span, result.lines(path)))

    def entries(self, uri: str) -> list[_Entry]:
        return [e for project in self.published.values() for e in project.get(uri, ())]

    def log(self, message: str) -> None:
        from lsprotocol import types as t

        self.server.window_log_message(
            t.LogMessageParams(type=t.MessageType.Warning, message=message)
        )

    # -- hover and code actions ----------------------------------------------------
    def hover(self, uri: str, position: lsp.Position) -> lsp.Hover | None:
        from lsprotocol import types as t

        parts: list[str] = []
        hit: lsp.Range | None = None
        for e in self.entries(uri):
            if _contains(e.diagnostic.range, position):
                text = self.session.rule_markdown(e.finding.code)
                if text is not None and text not in parts:
                    parts.append(text)
                    hit = hit or e.diagnostic.range
        if not parts:
            return None
        return t.Hover(
            contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)),
            range=hit,
        )

    def code_actions(self, uri: str, wanted: lsp.Range) -> list[lsp.CodeAction]:
        from lsprotocol import types as t

        actions: list[t.CodeAction] = []
        disabled: set[tuple[int, str]] = set()
        for e in self.entries(uri):
            r = e.diagnostic.range
            if _before(r.end, wanted.start) or _before(wanted.end, r.start):
                continue
            f = e.finding
            quick = self.quick_fix(e)
            if quick is not None:
                actions.append(quick)
            assert f.span is not None
            if (f.span.line, f.name) in disabled:
                continue
            disabled.add((f.span.line, f.name))
            ff = e.result.files.get(e.path)
            if ff is None or ff.text is None:
                continue
            where = disable_edit(ff.text, f.span.line, f.name, ff.kind)
            if where is None:
                continue
            index, col, new_text = where
            character = utf16_column(e.result.lines(e.path)[index], col + 1)
            at = t.Position(line=index, character=character)
            actions.append(
                t.CodeAction(
                    title=f"Disable {f.name} for this line",
                    kind=t.CodeActionKind.QuickFix,
                    diagnostics=[e.diagnostic],
                    edit=t.WorkspaceEdit(
                        changes={
                            uri: [t.TextEdit(range=t.Range(start=at, end=at), new_text=new_text)]
                        }
                    ),
                )
            )
        return actions

    def quick_fix(self, e: _Entry) -> lsp.CodeAction | None:
        """The finding's own fix as a quick fix, preferred when ``--fix`` would apply it.

        A fix that moves secret text is not sent (the server prints no secret), nor the
        removal of a byte-order mark, which is not part of an editor's buffer."""
        from lsprotocol import types as t

        f, fix = e.finding, e.finding.fix
        if fix is None or not fix.edits:
            return None
        if any(x.sensitive or x.span.line < 1 for x in fix.edits):
            return None
        changes: dict[str, list[t.TextEdit]] = {}
        for edit in fix.edits:
            loc = self.location(edit.span, e.result)
            changes.setdefault(loc.uri, []).append(
                t.TextEdit(range=loc.range, new_text=edit.replacement)
            )
        return t.CodeAction(
            title=f"{fix.description} ({f.name})",
            kind=t.CodeActionKind.QuickFix,
            diagnostics=[e.diagnostic],
            edit=t.WorkspaceEdit(changes=changes),
            is_preferred=fix.applicability is Applicability.SAFE,
        )

    def fixable(self, uri: str) -> bool:
        """Whether a published finding of ``uri`` has a safe fix that "fix all" applies."""
        path = uri_to_path(uri)
        for e in self.entries(uri):
            fix = e.finding.fix
            if fix is None or fix.applicability is not Applicability.SAFE or not fix.edits:
                continue
            if all(
                x.span.line >= 1 and not x.sensitive and e.result.path(x.span) == path
                for x in fix.edits
            ):
                return True
        return False

    def fix_all_action(self, uri: str) -> lsp.CodeAction:
        """The "fix all" action without its edit (:meth:`resolve_fix_all` adds it)."""
        from lsprotocol import types as t

        return t.CodeAction(
            title="Fix all auto-fixable problems (composelint)",
            kind=FIX_ALL_KIND,
            data={"uri": uri, "composelint": "fixAll"},
        )

    def resolve_fix_all(
        self, action: lsp.CodeAction, overrides: Mapping[Path, str]
    ) -> lsp.CodeAction:
        """``action`` with the edit that applies every safe fix of its document's
        buffer; ``overrides``: the open buffers (taken on the event loop)."""
        from lsprotocol import types as t

        data = action.data if isinstance(action.data, dict) else {}
        uri = data.get("uri")
        path = uri_to_path(uri) if isinstance(uri, str) else None
        changes: dict[str, list[t.TextEdit]] = {}
        if isinstance(uri, str) and path is not None:
            before = _text(path, overrides)  # the buffer when open, else the file
            after = self.session.fix_document(path, overrides) if before is not None else None
            if before is not None and after is not None:
                changes[uri] = [
                    t.TextEdit(
                        range=t.Range(
                            start=t.Position(line=sl, character=sc),
                            end=t.Position(line=el, character=ec),
                        ),
                        new_text=new,
                    )
                    for (sl, sc), (el, ec), new in text_edits(before, after)
                ]
        action.edit = t.WorkspaceEdit(changes=changes)
        return action

    def buffers(self) -> dict[Path, str]:
        """The open documents' texts, by path."""
        overrides: dict[Path, str] = {}
        for doc in list(self.server.workspace.text_documents.values()):
            path = uri_to_path(doc.uri)
            if path is not None:
                overrides[path] = doc.source
        return overrides


def wants(only: list[Any] | None, kind: object) -> bool:
    """Whether a code action of ``kind`` matches the client's ``only`` filter (a kind
    matches itself and every kind it is a sub-kind of: ``source`` covers
    ``source.fixAll.composelint``)."""
    if not only:
        return True
    kind = _kind(kind)
    return any(kind == k or kind.startswith(f"{k}.") for k in map(_kind, only))


def _kind(kind: object) -> str:
    """A code action kind as the protocol spells it (lsprotocol's kinds are enums)."""
    value = getattr(kind, "value", kind)
    return value if isinstance(value, str) else str(value)


def _before(a: lsp.Position, b: lsp.Position) -> bool:
    return (a.line, a.character) < (b.line, b.character)


def _contains(r: lsp.Range, p: lsp.Position) -> bool:
    return not _before(p, r.start) and not _before(r.end, p)


def _range(span: Span, lines: list[str]) -> lsp.Range:
    from lsprotocol import types as t

    (sl, sc), (el, ec) = lsp_range(span, lines)
    return t.Range(start=t.Position(line=sl, character=sc), end=t.Position(line=el, character=ec))


class BoundedStdin:
    """The byte stream the server reads frames from, with every read bounded.

    pygls reads a header line with ``readline()`` and a body with ``read(n)``, ``n``
    as the client's Content-Length says: ``10**20`` raised OverflowError and
    ``10**12`` MemoryError, which ended the server. A body larger than
    ``MAX_FRAME_BYTES`` is not read: the frame is read as an ``OVERSIZED``
    notification instead (logged), and the bytes that follow are read as headers
    again until a valid frame starts.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def readline(self) -> bytes:
        return self.stream.readline(MAX_HEADER_BYTES)

    def read(self, n: int) -> bytes:
        if 0 <= n <= MAX_FRAME_BYTES:
            return self.stream.read(n)
        note = {"jsonrpc": "2.0", "method": OVERSIZED, "params": {"length": str(n)}}
        return json.dumps(note).encode()


def _protocol_class() -> type:
    """pygls's protocol, answering a request whose params do not deserialize
    with InvalidParams (pygls logs it and never answers)."""
    from pygls.exceptions import JsonRpcException
    from pygls.protocol import LanguageServerProtocol

    class Protocol(LanguageServerProtocol):
        def structure_message(self, data: dict[str, Any]) -> Any:
            try:
                return super().structure_message(data)
            except JsonRpcException as exc:
                ident = data.get("id")
                if "method" in data and isinstance(ident, (int, str)) and ident is not True:
                    self._send_response(ident, error=exc.to_response_error())
                raise

    return Protocol


def _check_position(p: lsp.Position) -> None:
    from pygls.exceptions import JsonRpcInvalidParams

    if not (0 <= p.line <= MAX_POSITION and 0 <= p.character <= MAX_POSITION):
        raise JsonRpcInvalidParams(f"position out of range: {p.line}:{p.character}")


def _resolves_edits(server: LanguageServer) -> bool:
    """Whether the client resolves a code action's ``edit`` lazily."""
    caps = server.client_capabilities
    doc = caps.text_document if caps is not None else None
    action = doc.code_action if doc is not None else None
    support = action.resolve_support if action is not None else None
    return support is not None and "edit" in support.properties


def build_server(session: Session | None = None) -> LanguageServer:
    """A pygls server with composelint's features registered (raises ImportError
    without pygls)."""
    from lsprotocol import types as t
    from pygls.lsp.server import LanguageServer

    server = LanguageServer("composelint", __version__, protocol_cls=_protocol_class())
    linter = _Linter(server, session or Session())

    @server.feature(OVERSIZED)
    def oversized(params: Any) -> None:
        length = getattr(params, "length", "?")
        linter.log(
            f"composelint: skipped a message with Content-Length: {length} "
            f"(more than {MAX_FRAME_BYTES} bytes)"
        )

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(params: t.DidOpenTextDocumentParams) -> None:
        linter.changed(params.text_document.uri, 0)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(params: t.DidChangeTextDocumentParams) -> None:
        linter.changed(params.text_document.uri)  # the debounce adapts to typing

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(params: t.DidSaveTextDocumentParams) -> None:
        linter.changed(params.text_document.uri, 0)

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(params: t.DidCloseTextDocumentParams) -> None:
        linter.changed(params.text_document.uri, 0)  # the file on disk counts again

    @server.feature(t.TEXT_DOCUMENT_HOVER)
    async def hover(params: t.HoverParams) -> t.Hover | None:
        _check_position(params.position)
        return linter.hover(params.text_document.uri, params.position)

    @server.feature(
        t.TEXT_DOCUMENT_CODE_ACTION,
        t.CodeActionOptions(
            code_action_kinds=[
                t.CodeActionKind.QuickFix,
                t.CodeActionKind.SourceFixAll,
                FIX_ALL_KIND,
            ],
            resolve_provider=True,
        ),
    )
    async def code_action(params: t.CodeActionParams) -> list[t.CodeAction]:
        _check_position(params.range.start)
        _check_position(params.range.end)
        uri = params.text_document.uri
        only = list(params.context.only) if params.context.only else None
        actions: list[t.CodeAction] = []
        if wants(only, t.CodeActionKind.QuickFix):
            actions += linter.code_actions(uri, params.range)
        # "fix all": computed now when asked for (on save), else when chosen (resolve)
        asked = bool(only) and wants(only, FIX_ALL_KIND)
        if asked or (not only and linter.fixable(uri)):
            action = linter.fix_all_action(uri)
            if asked or not _resolves_edits(server):
                loop = asyncio.get_running_loop()
                action = await loop.run_in_executor(
                    linter.pool, linter.resolve_fix_all, action, linter.buffers()
                )
            actions.append(action)
        return actions

    @server.feature(t.CODE_ACTION_RESOLVE)
    async def code_action_resolve(params: t.CodeAction) -> t.CodeAction:
        data = params.data if isinstance(params.data, dict) else {}
        if data.get("composelint") != "fixAll":
            return params
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            linter.pool, linter.resolve_fix_all, params, linter.buffers()
        )

    return server


def serve() -> None:
    """Speak LSP on stdin/stdout until the client says ``exit``."""
    import sys

    server = build_server()
    # what is loaded by now (modules, rules) lives as long as the server: out of the
    # collector's way, so that a collection only traverses what came after
    gc.freeze()
    server.start_io(stdin=BoundedStdin(sys.stdin.buffer))  # type: ignore[arg-type]
