"""A connection that names another service by its `container_name`.

## What it catches

A connection variable (or a URL in a command) whose host is the
`container_name:` of a service of the project rather than its service name. The
message suggests the service name.

## Why it matters

The container name does resolve today, but it ties the configuration to one
container: renaming it, removing `container_name` (needed to scale the service
or to run two copies of the project on one host) or starting the service from
another project breaks every client with `Name or service not known`. This is
how the post-mortem's test environment ended up pointing at a container that
was not part of the project. The service name is what Compose guarantees.

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@ventanas-db:5432/app
  postgres:
    image: postgres:16
    container_name: ventanas-db
```

## Good

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@postgres:5432/app
  postgres:
    image: postgres:16
    container_name: ventanas-db
```

## Fix safety

The fix writes the service name in place of the host. It is safe when the host is
written in a compose file: the resolved project changes exactly there, and the
service name resolves on every network the container_name does, to the same
container. When the host comes from a `.env` or `env_file` line, the fix edits
that line and is unsafe (`--unsafe-fixes`): the same variable may feed other
values (a `container_name`, another service's settings).
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connectivity import reachability
from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import host_fix, resolved_via, subject

code = "CMP104"
name = "host-container-name"
summary = "A connection names a service by its container_name instead of its service name"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    reach = reachability(project)
    for c, target in resolved_via(project, reach, "container_name"):
        yield Violation(
            f'{subject(c)} points at "{c.host}", the container_name of service "{target}"',
            c.span,
            c.related,
            note="a container name stops resolving when the container is renamed, the service "
            'is scaled or the project runs twice (the client reports: "Name or service not known")',
            help=f'use the service name "{target}"',
            fix=host_fix(project, c, target),
        )
