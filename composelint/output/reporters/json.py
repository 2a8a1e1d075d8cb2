"""The JSON report: a public interface; keep this shape stable.

``{"version", "files", "findings": [{code, name, severity, message, help, note, file,
line, column, end_line, end_column, related: [{file, line, column, message}], fix}]}``;
``message`` says what is wrong in one clause, ``help`` (the fix in words) and
``note`` (why it fails at runtime) are strings or null;
``fix`` is null or ``{"description", "applicability" (safe, unsafe or
display-only), "edits": [{file, line, column, end_line,
end_column, replacement}]}``. Positions are 1-based, ends exclusive; a finding
about no particular place (an unreadable path, an internal error) has null
``file``/``line``/``column``/``end_line``/``end_column``.
"""

from __future__ import annotations

import json
from typing import Any

from composelint import __version__
from composelint.model.findings import Finding, Fix
from composelint.output.redact import mask_text, shown_replacement
from composelint.output.reporters import Report


def _fix(fix: Fix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {
        "description": mask_text(fix.description),
        "applicability": fix.applicability.value,
        "edits": [
            {
                "file": e.span.path,
                "line": e.span.line,
                "column": e.span.col,
                "end_line": e.span.end_line,
                "end_column": e.span.end_col,
                "replacement": shown_replacement(e),
            }
            for e in fix.edits
        ],
    }


def finding_to_dict(f: Finding) -> dict[str, Any]:
    s = f.span
    return {
        "code": f.code,
        "name": f.name,
        "severity": f.severity.value,
        "message": mask_text(f.message),
        "help": mask_text(f.help) if f.help else None,
        "note": mask_text(f.note) if f.note else None,
        "file": s.path if s else None,
        "line": s.line if s else None,
        "column": s.col if s else None,
        "end_line": s.end_line if s else None,
        "end_column": s.end_col if s else None,
        "related": [
            {
                "file": r.span.path,
                "line": r.span.line,
                "column": r.span.col,
                "message": mask_text(r.message),
            }
            for r in f.related
        ],
        "fix": _fix(f.fix),
    }


def render(report: Report) -> str:
    doc = {
        "version": __version__,
        "files": list(report.files),
        "findings": [finding_to_dict(f) for f in report.findings],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
