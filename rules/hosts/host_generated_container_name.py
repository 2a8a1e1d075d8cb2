"""A connection that uses a container name Compose generated (`myproj-db-1`).

## What it catches

A connection variable (or a URL in a command) whose host is the name Compose
gives a container when it has no `container_name`: `<project>-<service>-<n>`
(Compose v2) or `<project>_<service>_<n>` (Compose v1), for the project's
current name. The message suggests the service name.

## Why it matters

Generated names depend on the project name, which comes from the directory the
project is checked out in (or `-p`, `COMPOSE_PROJECT_NAME`, `name:`), on the
Compose version (`-` since v2, `_` before) and on the replica number. The same
file in another directory, or under another Compose, makes the client fail with
`Name or service not known`. The service name always resolves.

## Bad

```yaml
name: shop
services:
  app:
    image: acme/app
    environment:
      REDIS_URL: redis://shop-redis-1:6379/0
  redis:
    image: redis:7
```

## Good

```yaml
name: shop
services:
  app:
    image: acme/app
    environment:
      REDIS_URL: redis://redis:6379/0
  redis:
    image: redis:7
```

## Fix safety

The fix writes the service name in place of the host. It is safe when the host is
written in a compose file: the resolved project changes exactly there, and the
service name resolves on every network the generated name does (to every replica
of the service, not only the first). When the host comes from a `.env` or
`env_file` line, the fix edits that line and is unsafe (`--unsafe-fixes`): the
same variable may feed other values (a `container_name`, another service's
settings).
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connectivity import reachability
from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import host_fix, resolved_via, subject

code = "CMP105"
name = "host-generated-container-name"
summary = (
    "A connection uses a generated container name (project-service-1) instead of the service name"
)
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    reach = reachability(project)
    for c, target in resolved_via(project, reach, "generated_name"):
        yield Violation(
            f'{subject(c)} points at "{c.host}", the generated container name of "{target}"',
            c.span,
            c.related,
            note=f'Compose generates it for service "{target}" in project '
            f'"{reach.project_name}": it changes with the project name (the directory), the '
            'Compose version and the replica number, and then fails with "Name or service not '
            'known"',
            help=f'use the service name "{target}"',
            fix=host_fix(project, c, target),
        )
