"""A `${VAR}` that nothing defines.

## What it catches

A variable used in a compose file that is set neither in the project `.env` (or
the `--env-file` files) nor given a default in the expression. Without a default
Compose substitutes an empty string (warning); with `${VAR:?message}` or
`${VAR?message}` it refuses the project (error). Variables Compose injects
itself (`COMPOSE_PROJECT_NAME`, `PWD`) count as defined. The shell environment
is only read with `--use-shell-env`, so the answer is the same on every machine.

## Why it matters

An empty substitution rarely fails loudly: `postgresql://${DB_USER}:${DB_PASS}@db/app`
becomes `postgresql://:@db/app` and the application fails at runtime with an
authentication error, far from the cause. Variables that only exist in one
developer's shell make deployments behave differently from laptops.

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:${DB_PASSWORD}@db:5432/app   # DB_PASSWORD is in no .env
```

## Good

```yaml
# .env
DB_PASSWORD=change-me
```

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:${DB_PASSWORD:?set DB_PASSWORD in .env}@db:5432/app
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.findings import Violation
from composelint.project import Project

from ._problems import problem_violations

code = "CMP501"
name = "var-undefined"
summary = "A ${VAR} with no value in the project's .env and no default"
severity = "warning"


def check(project: Project) -> Iterator[Violation]:
    return problem_violations(project, name)
