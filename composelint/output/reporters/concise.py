"""One line per finding, ``path:line:col: CODE message``: the shape editors, ``grep``
and Vim's ``errorformat`` parse. A finding about no particular place is ``CODE message``.
Only the message: no help, note or related locations.
The text summary closes the report."""

from __future__ import annotations

from composelint.model.findings import Finding
from composelint.output.redact import mask_text
from composelint.output.reporters import Report
from composelint.output.reporters.text import summary


def line(f: Finding) -> str:
    message = " ".join(mask_text(f.message).split())  # one line, whatever the message holds
    where = f"{f.span}: " if f.span is not None else ""
    return f"{where}{f.code} {message}"


def render(report: Report) -> str:
    findings = list(report.findings)
    return "".join(line(f) + "\n" for f in findings) + summary(findings) + "\n"
