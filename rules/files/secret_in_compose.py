"""A literal password, token or key written in a compose file.

## What it catches

A value written literally in a compose file where a secret belongs: the value of
a variable or key named like `*_PASSWORD`, `*_SECRET`, `*_TOKEN`, `*_KEY`, and
the password of a URL (`postgresql://app:hunter2@db/app`) or of a libpq / JDBC /
ADO.NET connection string (`password=...`). References (`${DB_PASSWORD}`),
empty values and obvious placeholders (`change-me`, `example`, `password`, ...),
booleans such as `MYSQL_ALLOW_EMPTY_PASSWORD: "yes"`, numbers and paths are not
reported. The value is never printed.

## Why it matters

A compose file is committed and shared: everyone with access to the repository
(and its history, forever) has the password, and every environment gets the
same one. Keep secrets in a git-ignored `.env` (`${DB_PASSWORD}`) or in a
Compose `secret`.

## Bad

```yaml
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: Xk9#mQ2vLp
```

## Good

```yaml
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.env_inventory import secret_spans
from composelint.analysis.scalars import document_scalars
from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.nodes import Scalar
from composelint.model.span import Span

code = "CMP604"
name = "secret-in-compose"
summary = "A literal password, token or key in a compose file"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    scalars = document_scalars(project)
    for mapping in scalars.mappings:
        for key, value in mapping.items.items():
            if isinstance(value, Scalar) and value.value is not None:
                yield from _report(key, str(value.value), value, 0)
    for env in scalars.env_lists:
        for item in env.items:
            if isinstance(item, Scalar) and isinstance(item.value, str):
                name_, eq, text = item.value.partition("=")
                if eq:
                    yield from _report(name_, text, item, len(name_) + 1)
    for item in scalars.list_items:
        yield from _report(None, str(item.value), item, 0)


def _report(key: str | None, value: str, node: Scalar, shift: int) -> Iterator[Violation]:
    spans = secret_spans(key, value)
    if not spans:
        return
    a, b = spans[0]
    col = node.text_column()
    span = node.span
    if col is not None and span is not None:
        span = Span(span.path, span.line, col + shift + a, span.line, col + shift + b)
    what = f'the value of "{key}"' if (a, b) == (0, len(value)) else "a password in this value"
    yield Violation(
        f"{what} is a literal secret in the compose file",
        span,
        note="everyone who can read the repository has it",
        help="move it to a git-ignored .env and write ${VAR}, or use a Compose secret",
    )
