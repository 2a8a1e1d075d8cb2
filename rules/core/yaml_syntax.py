"""The file is not valid YAML, or not YAML that Compose can load.

## What it catches

YAML syntax errors (bad indentation, tabs, unclosed quotes or brackets), an empty
compose file, a top level that is not a mapping, mapping keys that are not
strings (`true:`, `123:`), anchors used across files, alias expansion that grows
beyond a safe budget (an "alias bomb") and nesting deeper than the loader allows.
Each finding points at the exact line and column where the parser stopped.

## Why it matters

`docker compose` refuses to load the project ("yaml: line 4: found character
that cannot start any token", "empty compose file", "non-string key in services:
true"). A file that does not parse cannot be checked any further, so the run
exits with status 2. Compose itself can hang on an alias bomb; composelint stops
early and reports it.

## Bad

```yaml
services:
  web:
    image: nginx
    ports: ["80:80"   # the bracket is never closed
  123:
    image: redis      # a non-string key
```

## Good

```yaml
services:
  web:
    image: nginx
    ports: ["80:80"]
  "123":
    image: redis
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import problem_violations

code = "CMP002"
name = "yaml-syntax"
summary = "The file is not valid YAML, or not YAML that Compose can load"
severity = "error"


def check(project: RuleContext) -> Iterator[Violation]:
    return problem_violations(project, name)
