"""A mapping defines the same key twice.

## What it catches

A key that appears twice in the same YAML mapping, at any level: two services
with the same name, an attribute written twice in one service, a variable listed
twice in a map-form `environment`. The finding points at the second occurrence
and names the first.

## Why it matters

Docker Compose refuses the file ("mapping key "web" already defined at line 2").
Many other YAML tools silently keep the last value, so the mistake often survives
until deployment: one of the two definitions was meant to be something else.

## Bad

```yaml
services:
  web:
    image: nginx
    environment:
      LOG_LEVEL: debug
      LOG_LEVEL: info
```

## Good

```yaml
services:
  web:
    image: nginx
    environment:
      LOG_LEVEL: info
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import problem_violations

code = "CMP003"
name = "duplicate-key"
summary = "A YAML mapping defines the same key twice"
severity = "error"


def check(project: RuleContext) -> Iterator[Violation]:
    return problem_violations(project, name)
