"""A project that Docker Compose refuses to load for a reason not covered elsewhere.

## What it catches

The load-time errors Compose raises in code rather than through its schema: a
`depends_on` cycle ("dependency cycle detected: a -> b -> a"), a service with
neither `image` nor `build`, an invalid port ("invalid hostPort: abc"),
duration ("time: unknown unit") or healthcheck test (must start with `CMD`,
`CMD-SHELL` or `NONE`), a merge of incompatible types across files ("cannot
override services.s.deploy"), two services with the same `container_name`, a
`container_name` with more than one replica, and a required variable
(`${VAR:?message}`) with no value.

## Why it matters

`docker compose up` stops before creating anything. The finding points at the
attribute at fault, which Compose's own message does not.

## Bad

```yaml
services:
  api:
    build: ./api
    depends_on: [worker]
    ports: ["80800:80"]
  worker:
    image: acme/worker
    depends_on: [api]
```

## Good

```yaml
services:
  api:
    build: ./api
    ports: ["8080:80"]
  worker:
    image: acme/worker
    depends_on: [api]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import problem_violations

code = "CMP011"
name = "project-invalid"
summary = "Compose refuses to load the project (cycle, no image, bad port, ...)"
severity = "error"


def check(project: RuleContext) -> Iterator[Violation]:
    return problem_violations(project, name)
