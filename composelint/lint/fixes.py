"""Applying the fixes findings carry: span edits on the original text, pass after pass.

A fix is a set of edits on spans of the files as they were read. Applying one never
re-serialises YAML: the text outside the edited spans stays byte for byte, so
comments, anchors, quoting, indentation and line endings survive. The loop lints,
applies every allowed fix that does not overlap an earlier one (by position; the
skipped ones come back on the next pass, against the new text), and lints again,
until a pass has nothing to apply or ``MAX_PASSES`` is reached.

Everything here works on texts in memory; :func:`write` is the only function that
touches a user's file, and only when the user asked for ``--fix``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from composelint.model.findings import Applicability, Edit, Finding, Fix
from composelint.model.record import Frozen, Record, set_field
from composelint.model.span import Span

MAX_PASSES = 10
BOM = b"\xef\xbb\xbf"


class FileText(Frozen):
    """A file as linted: its absolute path and its decoded text (without a BOM)."""

    path: Path
    text: str

    __slots__ = ("path", "text")

    def __init__(self, path: Path, text: str) -> None:
        set_field(self, "path", path)
        set_field(self, "text", text)


class FixRun(Record):
    """What the fix loop did: the final text of every file it changed."""

    original: dict[Path, str]  # text as first read
    current: dict[Path, str]  # text after the last pass
    bom_removed: set[Path]
    fixed: list[Finding]  # every finding whose fix was applied
    passes: int
    converged: bool
    roots: set[Path]  # project directories (for write)

    __slots__ = ("bom_removed", "converged", "current", "fixed", "original", "passes", "roots")

    def __init__(
        self,
        original: dict[Path, str] | None = None,
        current: dict[Path, str] | None = None,
        bom_removed: set[Path] | None = None,
        fixed: list[Finding] | None = None,
        passes: int = 0,
        converged: bool = True,
        roots: set[Path] | None = None,
    ) -> None:
        self.original = {} if original is None else original
        self.current = {} if current is None else current
        self.bom_removed = set() if bom_removed is None else bom_removed
        self.fixed = [] if fixed is None else fixed
        self.passes = passes
        self.converged = converged
        self.roots = set() if roots is None else roots

    def changed(self) -> list[Path]:
        return sorted(
            p for p, t in self.current.items() if t != self.original[p] or p in self.bom_removed
        )


def allowed(fix: Fix | None, *, unsafe: bool) -> bool:
    """Whether ``--fix`` (``unsafe``: ``--fix --unsafe-fixes``) applies ``fix``."""
    if fix is None or not fix.edits:
        return False
    if fix.applicability is Applicability.SAFE:
        return True
    return unsafe and fix.applicability is Applicability.UNSAFE


def line_starts(text: str) -> list[int]:
    """The offset at which each line starts (line 1 at index 0)."""
    starts = [0]
    i = text.find("\n")
    while i != -1:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    return starts


def offsets(span: Span, starts: Sequence[int], length: int) -> tuple[int, int]:
    """The ``[start, end)`` offsets of a span (1-based lines and code-point columns,
    end exclusive); a position past the end of the text is the end of the text."""

    def at(line: int, col: int) -> int:
        if line > len(starts):
            return length
        return min(starts[line - 1] + col - 1, length)

    return at(span.line, span.col), at(span.end_line, span.end_col)


def text_at(text: str, span: Span) -> str:
    """The text an edit of ``span`` replaces, as :func:`run` locates it: a rule checks
    it before it offers an edit, so that the edit replaces exactly what it names."""
    start, end = offsets(span, _cached_line_starts(text), len(text))
    return text[start:end]


@functools.lru_cache(maxsize=16)
def _cached_line_starts(text: str) -> list[int]:
    # rules ask for many spans of the same file: one scan per file, not per span
    # (a str caches its hash, so a hit costs no pass over the text)
    return line_starts(text)


def is_bom_edit(edit: Edit) -> bool:
    return edit.span.line == 0


def apply(text: str, edits: Iterable[tuple[int, int, str]]) -> str:
    """``text`` with non-overlapping ``(start, end, replacement)`` edits applied."""
    out, pos = [], 0
    for start, end, replacement in sorted(edits):
        out += [text[pos:start], replacement]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _select(
    findings: Sequence[Finding],
    texts: Mapping[str, FileText],
    *,
    unsafe: bool,
    bom_removed: Iterable[Path] = (),
) -> tuple[dict[Path, list[tuple[int, int, str]]], set[Path], list[Finding]]:
    """The edits of the fixes that one pass applies, by file; files whose BOM goes;
    the findings fixed. A fix is taken whole or not at all, first by position; a
    fix that overlaps one already taken waits for the next pass. ``bom_removed``:
    files whose BOM an earlier pass removed (a lint pass reads the mark from the
    disk, where it stays until the file is written)."""
    candidates = []
    for f in findings:
        if not allowed(f.fix, unsafe=unsafe) or f.fix is None:
            continue
        if all(e.span.path in texts for e in f.fix.edits):
            first = min((e.span.path, e.span.line, e.span.col) for e in f.fix.edits)
            candidates.append((first, f))
    candidates.sort(key=lambda c: (c[0], c[1].sort_key()))
    taken: dict[Path, list[tuple[int, int, str]]] = {}
    boms: set[Path] = set(bom_removed)
    fixed: list[Finding] = []
    starts: dict[Path, list[int]] = {}
    for _, f in candidates:
        assert f.fix is not None
        planned: list[tuple[Path, int, int, str]] = []
        bom: set[Path] = set()
        for e in f.fix.edits:
            ft = texts[e.span.path]
            if is_bom_edit(e):
                bom.add(ft.path)
                continue
            if ft.path not in starts:
                starts[ft.path] = line_starts(ft.text)
            start, end = offsets(e.span, starts[ft.path], len(ft.text))
            planned.append((ft.path, start, end, e.replacement))
        clash = any(_overlaps(taken.get(p, ()), s, end) for p, s, end, _ in planned)
        if clash or _self_overlap(planned) or (not planned and bom <= boms):
            continue
        for p, s, end, r in planned:
            taken.setdefault(p, []).append((s, end, r))
        boms |= bom
        fixed.append(f)
    return taken, boms, fixed


def _overlaps(edits: Iterable[tuple[int, int, str]], start: int, end: int) -> bool:
    """Two edits conflict when their ranges intersect, or when both insert at the
    same point (their order would be arbitrary)."""
    for s, e, _ in edits:
        if start < e and s < end:
            return True
        if start == end == s == e or (start == end and s < start < e):
            return True
        if s == e and start < s < end:
            return True
    return False


def _self_overlap(planned: Sequence[tuple[Path, int, int, str]]) -> bool:
    seen: dict[Path, list[tuple[int, int, str]]] = {}
    for p, s, e, r in planned:
        if _overlaps(seen.get(p, ()), s, e):
            return True
        seen.setdefault(p, []).append((s, e, r))
    return False


LintPass = Callable[[Mapping[Path, str]], tuple[list[Finding], Mapping[str, FileText]]]


def run(lint: LintPass, *, unsafe: bool = False, max_passes: int = MAX_PASSES) -> FixRun:
    """Lint, apply, lint again, until nothing is left to apply (or ``max_passes``).

    ``lint(overrides)`` lints with ``overrides`` (absolute path -> text) standing in
    for the files on disk and returns the findings and, by display path, the text of
    every file it read.
    """
    result = FixRun()
    seen_states: set[tuple[tuple[Path, str], ...]] = set()
    for _ in range(max_passes):
        findings, texts = lint(result.current)
        for ft in texts.values():
            result.original.setdefault(ft.path, ft.text)
            result.current.setdefault(ft.path, ft.text)
        edits, boms, fixed = _select(findings, texts, unsafe=unsafe, bom_removed=result.bom_removed)
        if not fixed:
            return result
        result.passes += 1
        for path, file_edits in edits.items():
            result.current[path] = apply(result.current[path], file_edits)
        result.bom_removed |= boms
        result.fixed += fixed
        state = tuple(sorted(result.current.items()))
        if state in seen_states:  # two fixes undo each other
            result.converged = False
            return result
        seen_states.add(state)
    findings, texts = lint(result.current)
    result.converged = not _select(findings, texts, unsafe=unsafe, bom_removed=result.bom_removed)[
        2
    ]
    return result


def unified_diff(run_: FixRun, cwd: Path) -> str:
    """A diff of every changed file that ``patch -p1`` and ``git apply`` accept."""
    import difflib  # only for --diff

    out: list[str] = []
    for path in run_.changed():
        try:
            rel = path.relative_to(cwd).as_posix()
        except ValueError:
            rel = path.as_posix().lstrip("/")
        original = run_.original[path]
        if path in run_.bom_removed:  # the mark is shown as the bytes it is, on line 1
            original = "\ufeff" + original
        before = _lines(original)
        after = _lines(run_.current[path])
        for line in difflib.unified_diff(before, after, f"a/{rel}", f"b/{rel}"):
            if line.endswith("\n"):
                out.append(line)
            else:
                out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _lines(text: str) -> list[str]:
    """Lines as ``patch`` counts them: only ``\n`` ends one (``str.splitlines`` also
    splits at ``\r``, ``\x0c``, U+2028 ..., which would make a diff that does not apply)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


class WriteError(Exception):
    """A file that was not written; ``str(exc)`` is the one-line reason."""


def write(run_: FixRun, roots: Iterable[Path]) -> list[tuple[Path, str]]:
    """Write every changed file atomically (temporary file + rename), keeping its mode
    and BOM. A file that changed on disk since it was read is not written, nor is one
    reached through a symbolic link that leads outside the project directories
    ``roots``. Returns the files not written, with the reason."""
    failures: list[tuple[Path, str]] = []
    root_list = [r.resolve() for r in roots]
    for path in run_.changed():
        try:
            _write_one(path, run_, root_list)
        except WriteError as exc:
            failures.append((path, str(exc)))
    return failures


def _write_one(path: Path, run_: FixRun, roots: Sequence[Path]) -> None:
    target = path.resolve()
    if path.is_symlink() and not any(target.is_relative_to(r) for r in roots):
        raise WriteError("a symbolic link to a file outside the project; not written")
    try:
        data = target.read_bytes()
        mode = target.stat().st_mode & 0o7777
    except OSError as exc:
        raise WriteError(f"cannot read it again: {exc.strerror or exc}") from None
    had_bom = data.startswith(BOM)
    body = data[3:] if had_bom else data
    try:
        unchanged = body.decode("utf-8") == run_.original[path]
    except UnicodeDecodeError:
        unchanged = False
    if not unchanged:
        raise WriteError("changed on disk since it was linted; not written")
    import tempfile  # only when writing

    new = run_.current[path].encode("utf-8")
    if had_bom and path not in run_.bom_removed:
        new = BOM + new
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(new)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise WriteError(f"cannot write it: {exc.strerror or exc}") from None


def fixable_counts(findings: Iterable[Finding]) -> tuple[int, int]:
    """How many findings ``--fix`` would fix, and how many more ``--unsafe-fixes`` would."""
    safe = unsafe = 0
    for f in findings:
        if allowed(f.fix, unsafe=False):
            safe += 1
        elif allowed(f.fix, unsafe=True):
            unsafe += 1
    return safe, unsafe


def remove_bom(path: str) -> Edit:
    """The edit that drops a file's byte-order mark (which is not part of its text)."""
    return Edit(Span(path, 0, 0, 0, 0), "")
