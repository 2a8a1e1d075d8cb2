"""The human-readable report, rustc-style: per finding a header (location, code,
severity, message, rule name), the code frame, then labelled lines::

      = related: <file:line:col>: <what is there>   (each related location)
      = note: <why it fails at runtime>
      = help: <how to fix it>
      = fix: <what the automatic fix does>

and a summary at the end."""

from __future__ import annotations

from collections import Counter

from composelint.lint import fixes
from composelint.model.findings import Applicability, Finding, Severity
from composelint.output.codeframe import RESET, render_frame
from composelint.output.redact import MaskedLines, mask_text
from composelint.output.reporters import Report

_COLORS = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFO: "\x1b[1;36m",
}
_BOLD = "\x1b[1m"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 or word == "info" else f"{n} {word}s"


def summary(findings: list[Finding]) -> str:
    """``Found 3 errors, 1 warning in 2 files.`` or ``All checks passed.``"""
    if not findings:
        return "All checks passed."
    counts = Counter(f.severity for f in findings)
    parts = [
        _plural(counts[s], s.value)
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if counts[s]
    ]
    files = {f.span.path for f in findings if f.span is not None}
    where = f" in {_plural(len(files), 'file')}" if files else ""
    return f"Found {', '.join(parts)}{where}."


class _Renderer:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.color = report.color
        self._masked: dict[str, MaskedLines] = {}

    def lines(self, path: str) -> MaskedLines | None:
        if path not in self._masked:
            src = self.report.sources.get(path)
            if src is None or src.text is None:
                return None
            self._masked[path] = MaskedLines(src.text.splitlines())  # lines masked as shown
        return self._masked[path]

    def finding(self, f: Finding) -> list[str]:
        where = f"{f.span}: " if f.span is not None else ""
        sev = f"[{f.severity.value}]"
        if self.color:
            where = _BOLD + where + RESET if where else ""
            sev = _COLORS[f.severity] + sev + RESET
        mark = " [*]" if fixes.allowed(f.fix, unsafe=False) else ""
        out = [f"{where}{f.code}{mark} {sev} {mask_text(f.message)} ({f.name})"]
        if f.span is not None:
            lines = self.lines(f.span.path)
            if lines is not None:
                src = self.report.sources[f.span.path]
                out.extend(render_frame(lines, f.span, kind=src.kind, color=self.color))
        out.extend(f"  = related: {r.span}: {mask_text(r.message)}" for r in f.related)
        if f.note:
            out.append(f"  = note: {mask_text(f.note)}")
        if f.help:
            out.append(f"  = help: {mask_text(f.help)}")
        if f.fix is not None and f.fix.edits:
            how = (
                ""
                if f.fix.applicability is Applicability.SAFE
                else f" ({f.fix.applicability.value})"
            )
            out.append(f"  = fix{how}: {mask_text(f.fix.description)}")
        elif f.fix is not None:
            out.append(f"  = fix: {mask_text(f.fix.description)}")
        return out


def render(report: Report) -> str:
    renderer = _Renderer(report)
    blocks = ["\n".join(renderer.finding(f)) for f in report.findings]
    findings = list(report.findings)
    return "".join(b + "\n\n" for b in blocks) + summary(findings) + "\n" + fixable(findings)


def fixable(findings: list[Finding]) -> str:
    """``[*] 2 fixable with --fix (1 more with --fix --unsafe-fixes).``, or nothing."""
    safe, unsafe = fixes.fixable_counts(findings)
    if not safe:
        return f"{unsafe} fixable with --fix --unsafe-fixes.\n" if unsafe else ""
    more = f" ({unsafe} more with --fix --unsafe-fixes)" if unsafe else ""
    return f"[*] {safe} fixable with --fix{more}.\n"
