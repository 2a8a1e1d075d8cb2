"""Spaces around the `=` of an env file assignment.

## What it catches

`KEY = value`, `KEY =value` or `KEY= value`: whitespace between the key and `=`,
or between `=` and the value. In an `env_file` with `format: raw` the space after
`=` is reported too, since that format keeps it in the value.

In a list-form `environment:` or `build.args:` of a compose file the same
spaces mean more: `- LANG = C.UTF-8` is refused by Compose ("environment variable
LANG  is declared with a trailing space"), an error; `- TZ= UTC` gives the value
` UTC`, with its leading space (warning).

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

## Fix safety

In an env file Compose trims the spaces, so removing them is safe. In a list
entry the space after `=` is part of the value: removing it changes the value,
and the fix is unsafe. `- KEY =value` gets no fix (the file does not load, so
there is no model to keep).
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.env_inventory import comment_as_value, env_files, env_list_items
from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Edit, Fix, Violation
from composelint.model.nodes import Scalar
from composelint.model.span import Span

from ..core.helpers import problem_violations

code = "CMP403"
name = "env-whitespace-around-equals"
summary = "Whitespace around the = of an env file assignment"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    yield from problem_violations(project, name)  # `- KEY =value`, which Compose refuses
    for item in env_list_items(project):
        yield from _list_item(item)
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


def _list_item(item: Scalar) -> Iterator[Violation]:
    """``- KEY= value`` in a list-form environment: the space is part of the value.
    (``- KEY =value`` is refused by Compose; the resolver reports it.)"""
    key, eq, value = str(item.value).partition("=")
    if not eq or not key or key[-1].isspace():
        return
    lead = len(value) - len(value.lstrip(" \t"))
    if not lead or not value.strip():
        return
    span, fix = item.span, None
    col = item.text_column()
    if col is not None and span is not None:
        start = col + len(key) + 1
        span = Span(span.path, span.line, start, span.line, start + lead)
        fix = Fix("remove the space", (Edit(span, ""),), applicability=Applicability.UNSAFE)
    yield Violation(
        f'space after "=" of "{key}" in a list entry',
        span,
        fix=fix,
        note="Compose keeps it: the value starts with a space",
        help='remove the space after "="',
    )
