"""A connection that uses another service's `hostname:`.

## What it catches

A connection variable (or a URL in a command) whose host is the `hostname:` of
another service of the project, when that name is not also its service name, a
network alias or its `container_name`. The message suggests the service name.

## Why it matters

`hostname:` only sets the name a container sees for itself (`hostname`, its own
`/etc/hosts`). Compose does not register it on the network's DNS
(docker/compose#2925), so other containers fail with `Name or service not known`.
Add the name as a network alias if other containers must use it.

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      DB_HOST: database.internal
  db:
    image: postgres:16
    hostname: database.internal
```

## Good

```yaml
services:
  app:
    image: acme/app
    environment:
      DB_HOST: database.internal
  db:
    image: postgres:16
    networks:
      default:
        aliases: [database.internal]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connectivity import reachability
from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import lookup_error, resolved_via, subject

code = "CMP106"
name = "host-hostname-field"
summary = "A connection uses another service's hostname:, which other containers cannot resolve"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    reach = reachability(project)
    for c, target in resolved_via(project, reach, "hostname"):
        if target == c.client:  # its own hostname is in its own /etc/hosts
            continue
        yield Violation(
            f'{subject(c)} points at "{c.host}", the hostname: of service "{target}"',
            c.span,
            c.related,
            note="Compose does not register hostnames on the network's DNS, so other containers "
            f"fail to resolve it (the client reports: {lookup_error(c)})",
            help=f'use "{target}", or add "{c.host}" to its network aliases',
        )
