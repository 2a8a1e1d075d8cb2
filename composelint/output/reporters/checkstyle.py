"""Checkstyle XML (version 4.3), read by Jenkins warnings-ng, SonarQube, reviewdog and others.

``<checkstyle version="4.3"><file name=P><error line= column= severity= message=
source="composelint.CODE"/></file></checkstyle>``: a ``<file>`` for every linted
file (empty when clean) and every other file a finding names; ``message`` is the
message and, when the finding has one, ``; help: fix``; severity is
``error``, ``warning`` or ``info``. A finding about no particular file is listed
under ``<file name=".">`` with line 1 and no column.
"""

from __future__ import annotations

from composelint.model.findings import Finding
from composelint.output.reporters import Report, one_line
from composelint.output.reporters._xml import attr, element


def _error(f: Finding) -> str:
    attrs: dict[str, object] = {"line": f.span.line if f.span else 1}
    if f.span is not None:
        attrs["column"] = f.span.col
    attrs["severity"] = f.severity.value
    attrs["message"] = one_line(f)
    attrs["source"] = f"composelint.{f.code}"
    return element("error", attrs)


def render(report: Report) -> str:
    by_file: dict[str, list[Finding]] = {path: [] for path in report.files}
    for f in report.findings:
        by_file.setdefault(f.span.path if f.span else ".", []).append(f)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">']
    for path in sorted(by_file):
        errors = by_file[path]
        if not errors:
            out.append(f"  <file name={attr(path)}/>")
            continue
        out.append(f"  <file name={attr(path)}>")
        out.extend(f"    {_error(f)}" for f in errors)
        out.append("  </file>")
    out.append("</checkstyle>")
    return "\n".join(out) + "\n"
