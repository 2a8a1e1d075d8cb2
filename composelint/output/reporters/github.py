"""GitHub Actions workflow commands: one annotation per finding.

``::error file=P,line=L,col=C,endLine=L2,endColumn=C2,title=CODE name::message``;
warning -> ``::warning``, info -> ``::notice``. The message is followed by a
``help:`` line (the fix) and a ``related:`` line per related location; the note
(why) is left to the text output and the rule docs, to keep annotations short. Columns are omitted for a multi-line span (GitHub
ignores them there); ``endLine`` is inclusive. Data is escaped as the Actions toolkit does (``%``, CR, LF),
properties also escape ``:`` and ``,``.
"""

from __future__ import annotations

from composelint.model.findings import Finding, Severity
from composelint.output.redact import mask_text
from composelint.output.reporters import Report, details

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding) -> str:
    props: list[tuple[str, object]] = []
    s = f.span
    if s is not None:
        props += [("file", s.path), ("line", s.line)]
        # endLine is inclusive: an exclusive end at column 1 ends on the line before
        last = s.end_line - 1 if s.end_line > s.line and s.end_col == 1 else s.end_line
        if s.end_line == s.line:
            props += [("col", s.col), ("endLine", s.end_line), ("endColumn", s.end_col)]
        elif last == s.line:
            props += [("col", s.col), ("endLine", last)]
        else:
            props.append(("endLine", last))
    props.append(("title", f"{f.code} {f.name}"))
    message = "\n".join(
        [mask_text(f.message), *details(f, note=False)]
        + [f"related: {r.span}: {mask_text(r.message)}" for r in f.related]
    )
    attrs = ",".join(f"{k}={escape_property(str(v))}" for k, v in props)
    return f"::{_COMMAND[f.severity]} {attrs}::{escape_data(message)}"


def render(report: Report) -> str:
    return "".join(annotation(f) + "\n" for f in report.findings)
