"""Quotes that end up inside the value.

## What it catches

Quotes that Compose does not remove: a list-form `environment` (or `build.args`)
entry such as `- PASSWORD="secret"` in a compose file, and `KEY="value"` in an
`env_file` with `format: raw`. In both places the quote characters are part of
the value.

## Why it matters

The container gets `"secret"` with the quotes, six characters plus two: the
password no longer matches, a URL no longer parses, a port is not a number.
In map form (`PASSWORD: "secret"`) and in ordinary `.env` files YAML and Compose
remove the quotes, which is why the list form surprises people.

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      - APP_MODE="production"
```

## Good

```yaml
services:
  app:
    image: acme/app
    environment:
      - APP_MODE=production
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.env_inventory import env_files, env_list_items, unwrap_edits
from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Fix, Violation
from composelint.model.nodes import Scalar
from composelint.model.span import Span

code = "CMP406"
name = "env-quote-in-value"
summary = "Quotes that Compose keeps as part of a value"
severity = "warning"


def _quoted(value: str) -> bool:
    return len(value) >= 2 and value[0] in "\"'" and value[-1] == value[0]


def check(project: RuleContext) -> Iterator[Violation]:
    for ef in env_files(project):
        if not ef.raw_format:
            continue
        for entry in ef.assignments():
            if _quoted(entry.raw_value):
                yield Violation(
                    f'the value of "{entry.key}" keeps its quotes',
                    entry.value_span,
                    fix=Fix(
                        "remove the quotes",
                        unwrap_edits(entry.value_span),
                        applicability=Applicability.UNSAFE,
                    )
                    if entry.value_span.line == entry.value_span.end_line
                    else None,
                    note="this env_file has format: raw, which takes values literally",
                    help="remove the quotes",
                )
    for item in env_list_items(project):
        yield from _list_entry(item)


def _list_entry(item: Scalar) -> Iterator[Violation]:
    key, eq, value = str(item.value).partition("=")
    if not eq or not _quoted(value):
        return
    span, fix = item.span, None
    col = item.text_column()
    if col is not None and span is not None:
        start = col + len(key) + 1
        span = Span(span.path, span.line, start, span.line, start + len(value))
        fix = Fix("remove the quotes", unwrap_edits(span), applicability=Applicability.UNSAFE)
    yield Violation(
        f'the value of "{key}" includes the quotes {value[0]}…{value[0]}',
        span,
        fix=fix,
        note="in a list-form entry Compose keeps them",
        help=f"write - {key}=… without quotes, or use map form",
    )
