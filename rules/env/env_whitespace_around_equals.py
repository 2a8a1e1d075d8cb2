"""Spaces around the `=` of an env file assignment.

## What it catches

`KEY = value`, `KEY =value` or `KEY= value`: whitespace between the key and `=`,
or between `=` and the value. In an `env_file` with `format: raw` the space after
`=` is reported too, since that format keeps it in the value.

## Why it matters

Compose trims the spaces, but the same file is often read by other programs that
do not: `docker run --env-file` rejects `KEY =value` ("variable 'KEY ' contains
whitespaces") and keeps the leading space of ` value`; a shell that sources the
file runs `KEY` as a command. Writing `KEY=value` means the same everywhere.

## Bad

```dotenv
POSTGRES_DB = app
```

## Good

```dotenv
POSTGRES_DB=app
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.env_inventory import comment_as_value, env_files
from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Edit, Fix, Violation

code = "CMP403"
name = "env-whitespace-around-equals"
summary = "Whitespace around the = of an env file assignment"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    for ef in env_files(project):
        for entry in ef.assignments():
            key_end = ef.offset(entry.key_span.end_line, entry.key_span.end_col)
            value_start = ef.offset(entry.value_span.line, entry.value_span.col)
            between = ef.text[key_end:value_start]
            if ef.raw_format:
                lead = len(entry.raw_value) - len(entry.raw_value.lstrip(" \t"))
                if lead and entry.raw_value.strip():
                    span = ef.span(value_start, value_start + lead)
                    yield Violation(
                        f'space after "=" of "{entry.key}"',
                        span,
                        fix=Fix(
                            "remove the space", (Edit(span, ""),), applicability=Applicability.SAFE
                        ),
                        note="format: raw keeps it in the value",
                        help=f"write {entry.key}=value",
                    )
                continue
            if between.strip() != "=" or between == "=" or not entry.raw_value:
                continue
            if comment_as_value(ef, entry):
                continue  # a comment taken as the value: env-inline-comment reports it
            span = ef.span(key_end, value_start)
            yield Violation(
                f'spaces around "=" of "{entry.key}"',
                span,
                fix=Fix(
                    'remove the spaces around "="',
                    (Edit(span, "="),),
                    applicability=Applicability.SAFE,
                ),
                note="Compose trims them, but docker run --env-file and shells do not",
                help=f"write {entry.key}=value",
            )
