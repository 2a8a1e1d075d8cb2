"""Whitespace before a key or after a value in an env file.

## What it catches

An assignment line that starts with spaces or tabs, or has whitespace after its
value (outside quotes, and not followed by a comment).

## Why it matters

Compose trims it, other readers do not: `docker run --env-file` and
`env_file: {format: raw}` keep trailing spaces in the value, so a password or a
host name silently gains a space and stops matching. Invisible characters at the
end of a line are also the ones nobody sees in review.

## Bad

```dotenv
  POSTGRES_USER=app
POSTGRES_DB=app
```

## Good

```dotenv
POSTGRES_USER=app
POSTGRES_DB=app
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.env_inventory import env_files, line_end
from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Edit, Fix, Violation

code = "CMP404"
name = "env-leading-or-trailing-space"
summary = "Whitespace before a key or after a value in an env file"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    for ef in env_files(project):
        for entry in ef.parsed.entries:
            line_start = ef.line_starts[entry.line - 1]
            text = ef.line_text(entry.line)
            lead = len(text) - len(text.lstrip(" \t"))
            key_start = ef.offset(entry.key_span.line, entry.key_span.col)
            first = ef.text[line_start + lead : key_start].strip() in ("", "export")
            if lead and first:
                span = ef.span(line_start, line_start + lead)
                yield Violation(
                    f'whitespace before "{entry.key}"',
                    span,
                    fix=Fix(
                        "remove the leading whitespace",
                        (Edit(span, ""),),
                        applicability=Applicability.SAFE,
                    ),
                    note="readers other than Compose may not trim it",
                    help="start the line with the key",
                )
            if entry.inherited:
                continue
            value_end = ef.offset(entry.value_span.end_line, entry.value_span.end_col)
            end = line_end(ef, entry.value_span.end_line)
            if ef.raw_format:
                trail = len(entry.raw_value) - len(entry.raw_value.rstrip(" \t"))
                start = value_end - trail
            else:
                rest = ef.text[value_end:end]
                if not rest or rest.strip():
                    continue  # nothing, or a comment: env-inline-comment's business
                start = value_end
            if start >= end or ef.text[start:end].strip(" \t"):
                continue
            span = ef.span(start, end)
            yield Violation(
                f'trailing whitespace after the value of "{entry.key}"',
                span,
                fix=Fix(
                    "remove the trailing whitespace",
                    (Edit(span, ""),),
                    applicability=Applicability.SAFE,
                ),
                note="docker run --env-file and format: raw keep it in the value",
                help="remove it",
            )
