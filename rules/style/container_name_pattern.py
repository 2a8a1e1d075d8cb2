"""A `container_name` that does not match the `container-name-pattern` option.

## What it catches

With `container-name-pattern` set (a regular expression the whole name must
match), a `container_name` that does not match. Without the option the rule
reports nothing.

## Why it matters

Teams prefix container names to tell projects apart on shared hosts and in
monitoring; a name that escapes the convention is easy to confuse with another
project's container.

## Bad

```yaml
services:
  db:
    image: postgres:16
    container_name: postgres
```

## Good

```yaml
services:
  db:
    image: postgres:16
    container_name: shop-db
```

## Options

- `container-name-pattern` (a Python regular expression, matched against the
  whole name): the examples above assume `container-name-pattern = "shop-[a-z0-9-]+"`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.options import CONTAINER_NAME_PATTERN

from ..security.helpers import text, value_span

code = "CMP708"
name = "container-name-pattern"
summary = "A container_name that does not match container-name-pattern"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    pattern: str | None = project.option(CONTAINER_NAME_PATTERN, None)
    if not pattern:
        return
    regex = re.compile(pattern)
    for sname, svc in project.services.items():
        cname = text(svc.get("container_name"))
        if cname is None or regex.fullmatch(cname):
            continue
        span, related = value_span(svc.get("container_name"))
        yield Violation(
            f"container_name {cname} of {sname} does not match {pattern}", span, related
        )
