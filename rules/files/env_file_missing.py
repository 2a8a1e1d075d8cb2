"""An env file named by the project does not exist.

## What it catches

A service `env_file` entry, an `--env-file` argument or an include `env_file`
that points at a file that does not exist. An entry marked `required: false` is
reported as information only, since Compose skips it silently.

## Why it matters

Compose refuses the project ("env file /app/.env.local not found"), or, with
`required: false`, starts the container without the variables you expected it
to have: a misspelled file name then goes unnoticed until the service
misbehaves.

## Bad

```yaml
services:
  api:
    image: acme/api
    env_file: .env.prod      # the file is called prod.env
```

## Good

```yaml
services:
  api:
    image: acme/api
    env_file:
      - path: prod.env
      - path: local.env
        required: false      # optional overrides
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from ..core.helpers import problem_violations

code = "CMP601"
name = "env-file-missing"
summary = "An env_file or --env-file that does not exist"
severity = "error"


def check(project: RuleContext) -> Iterator[Violation]:
    return problem_violations(project, name)
