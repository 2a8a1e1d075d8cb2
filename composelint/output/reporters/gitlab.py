"""GitLab Code Quality report (a subset of the Code Climate issue format).

A JSON list of ``{description, check_name, fingerprint, severity, location:
{path, lines: {begin, end}}}``. ``description`` is ``CODE message`` and, when the
finding has one, ``; help: fix``, ``check_name``
the code, ``fingerprint`` the stable ``composelint.lint.fingerprint`` (rule, path, line
content, occurrence), severity ``error`` -> ``critical``, ``warning`` -> ``major``,
``info`` -> ``info``. GitLab requires a path on every issue: a finding about no
particular file reports path ``.``, line 1.
"""

from __future__ import annotations

import json
from typing import Any

from composelint.lint.fingerprint import fingerprints
from composelint.model.findings import Finding, Severity
from composelint.output.reporters import Report, one_line

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def _lines(f: Finding) -> dict[str, int]:
    s = f.span
    if s is None:
        return {"begin": 1, "end": 1}
    # an exclusive end at column 1 of a line means the span ended on the line before
    end = s.end_line - 1 if s.end_line > s.line and s.end_col == 1 else s.end_line
    return {"begin": s.line, "end": max(s.line, end)}


def render(report: Report) -> str:
    findings = list(report.findings)
    issues: list[dict[str, Any]] = [
        {
            "description": f"{f.code} {one_line(f)}",
            "check_name": f.code,
            "fingerprint": fp,
            "severity": SEVERITIES[f.severity],
            "location": {"path": f.span.path if f.span else ".", "lines": _lines(f)},
        }
        for f, fp in zip(findings, fingerprints(findings, report.sources), strict=True)
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
