"""JUnit XML, for CI test-report views (GitLab, Jenkins, Azure, CircleCI).

One ``<testsuite name="composelint">`` inside ``<testsuites>``. Each finding is a
failed ``<testcase>`` (``classname`` = file, ``name`` = ``path:line:col CODE name``)
with one ``<failure type=CODE message=...>`` whose body is the finding in text
form with its ``note:``, ``help:`` and ``related:`` lines; each linted file without findings is one passing testcase
(``name`` = ``classname`` = the file). JUnit consumers expect at most one failure
per testcase, hence a testcase per finding rather than per file. A finding about
no particular file has classname ``composelint``. No timings (reports are
reproducible).
"""

from __future__ import annotations

from composelint.model.findings import Finding
from composelint.output.redact import mask_text
from composelint.output.reporters import Report, details
from composelint.output.reporters._xml import attr, element, text


def _failed_case(f: Finding) -> list[str]:
    where = f"{f.span} " if f.span is not None else ""
    classname = f.span.path if f.span is not None else "composelint"
    message = mask_text(f.message)
    body = "\n".join(
        [f"{where.strip() + ': ' if where else ''}{f.code} [{f.severity.value}] {message}"]
        + details(f)
        + [f"related: {r.span}: {mask_text(r.message)}" for r in f.related]
    )
    return [
        f"    <testcase classname={attr(classname)} name={attr(f'{where}{f.code} {f.name}')}>",
        f"      <failure type={attr(f.code)} message={attr(message)}>{text(body)}</failure>",
        "    </testcase>",
    ]


def render(report: Report) -> str:
    findings = list(report.findings)
    flagged = {f.span.path for f in findings if f.span is not None}
    clean = [p for p in report.files if p not in flagged]
    counts = {"tests": len(findings) + len(clean), "failures": len(findings), "errors": 0}
    cases: list[tuple[str, int, list[str]]] = [
        (p, 0, ["    " + element("testcase", {"classname": p, "name": p})]) for p in clean
    ]
    cases += [(f.span.path if f.span else "", i, _failed_case(f)) for i, f in enumerate(findings)]
    cases.sort(key=lambda c: (c[0], c[1]))  # by file; findings keep report order
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="composelint"'
        + "".join(f" {k}={attr(v)}" for k, v in counts.items())
        + ">",
        '  <testsuite name="composelint"'
        + "".join(f" {k}={attr(v)}" for k, v in counts.items())
        + ' skipped="0">',
    ]
    for _, _, lines in cases:
        out.extend(lines)
    out += ["  </testsuite>", "</testsuites>"]
    return "\n".join(out) + "\n"
