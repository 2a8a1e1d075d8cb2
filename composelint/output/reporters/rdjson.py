"""Reviewdog Diagnostic Format (rdjson), for ``reviewdog -f=rdjson``.

``{source: {name}, diagnostics: [{message, location: {path, range: {start: {line,
column}, end: {line, column}}}, severity, code: {value}, suggestions, related_locations}]}``.
``message`` is the message, then a ``note:`` (why) and a ``help:`` (the fix) line
when the finding has them (reviewdog posts it as the comment). Severity is
``ERROR``/``WARNING``/``INFO``. As the format requires, columns count
UTF-8 *bytes* (1-based; ends exclusive), converted from the source text.
``suggestions`` come from a fix's edits in the finding's own file (range + text).
A finding about no particular file has no ``location``.
"""

from __future__ import annotations

import json
from typing import Any

from composelint.model.findings import Finding, Severity
from composelint.model.span import Span
from composelint.output.redact import mask_text, shown_replacement
from composelint.output.reporters import Report, details

SEVERITIES = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}


class _Columns:
    """Code-point columns to UTF-8 byte columns, per file (lines split once)."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self._lines: dict[str, list[str] | None] = {}

    def byte_col(self, path: str, line: int, col: int) -> int:
        if path not in self._lines:
            src = self.report.sources.get(path)
            self._lines[path] = src.text.splitlines() if src and src.text is not None else None
        lines = self._lines[path]
        if lines is None or not 1 <= line <= len(lines):
            return col
        text = lines[line - 1]
        prefix = text[: col - 1]
        return len(prefix.encode("utf-8", "surrogatepass")) + 1 + max(0, col - 1 - len(text))

    def range(self, span: Span) -> dict[str, Any]:
        return {
            "start": {"line": span.line, "column": self.byte_col(span.path, span.line, span.col)},
            "end": {
                "line": span.end_line,
                "column": self.byte_col(span.path, span.end_line, span.end_col),
            },
        }


def _diagnostic(f: Finding, cols: _Columns) -> dict[str, Any]:
    out: dict[str, Any] = {"message": "\n".join([mask_text(f.message), *details(f)])}
    if f.span is not None:
        out["location"] = {"path": f.span.path, "range": cols.range(f.span)}
    out["severity"] = SEVERITIES[f.severity]
    out["code"] = {"value": f.code}
    if f.fix is not None and f.span is not None:
        suggestions = [
            {"range": cols.range(e.span), "text": shown_replacement(e)}
            for e in f.fix.edits
            if e.span.path == f.span.path
        ]
        if suggestions:
            out["suggestions"] = suggestions
    if f.related:
        out["related_locations"] = [
            {
                "message": mask_text(r.message),
                "location": {"path": r.span.path, "range": cols.range(r.span)},
            }
            for r in f.related
        ]
    return out


def render(report: Report) -> str:
    cols = _Columns(report)
    doc = {
        "source": {"name": "composelint"},
        "diagnostics": [_diagnostic(f, cols) for f in report.findings],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
