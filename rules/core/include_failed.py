"""An `include` entry cannot be loaded.

## What it catches

A top-level `include` whose file does not exist or cannot be read, an include
cycle (a file that includes itself through other files), an include `env_file`
that is missing, and an included resource that conflicts with one the including
file defines differently ("services.db conflicts with imported resource"). The
finding points at the include entry.

## Why it matters

Compose refuses the project. Included files are loaded with their own project
directory and `.env`, so a path that works from one directory often breaks from
another.

## Bad

```yaml
include:
  - ./database/compose.yaml   # the directory is called db/
services:
  web:
    image: nginx
```

## Good

```yaml
include:
  - ./db/compose.yaml
services:
  web:
    image: nginx
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import problem_violations

code = "CMP008"
name = "include-failed"
summary = "An include entry cannot be loaded"
severity = "error"


def check(project: RuleContext) -> Iterator[Violation]:
    return problem_violations(project, name)
