"""`host.docker.internal` without `host-gateway`, or used to reach a sibling service.

## What it catches

A connection variable (or a URL in a command) whose host is
`host.docker.internal`:

- when the service has no `extra_hosts` entry for that name (such as
  `host.docker.internal:host-gateway`): Docker Desktop defines the name, Docker
  Engine on Linux does not;
- when the port is one that another service of the project publishes on the
  host: the client goes out to the host and back in through the published port
  instead of talking to the service directly (the message names it).

## Why it matters

On a Linux server the first case fails with `getaddrinfo ENOTFOUND
host.docker.internal` (`Name or service not known`) although it worked on every
developer's Mac. The second one depends on the port being published, on the
host firewall and on the host's address, and breaks as soon as the port mapping
changes; the service name needs none of that.

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@host.docker.internal:5433/app
  db:
    image: postgres:16
    ports: ["5433:5432"]
```

## Good

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@db:5432/app
      METRICS_URL: http://host.docker.internal:9100/metrics
    extra_hosts:
      - host.docker.internal:host-gateway
  db:
    image: postgres:16
    ports: ["5433:5432"]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connectivity import connections, reachability
from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import NAMED, dialed, endpoint, subject

code = "CMP108"
name = "host-docker-internal"
summary = (
    "host.docker.internal without an extra_hosts host-gateway entry, or to reach a sibling service"
)
severity = "warning"

_NAME = "host.docker.internal"


def check(project: RuleContext) -> Iterator[Violation]:
    reach = reachability(project)
    for c in dialed(connections(project), reach, where=NAMED):
        if c.host.lower().rstrip(".") != _NAME:
            continue
        me = reach.services.get(c.client)
        if me is None:
            continue
        siblings = sorted(
            (s, net.published[c.port])
            for s, net in reach.services.items()
            if c.port is not None and c.port in net.published and s != c.client
        )
        if siblings:
            sibling, target = siblings[0]
            yield Violation(
                f'{subject(c)} reaches service "{sibling}" through the Docker host '
                f"({c.port}->{target})",
                c.span,
                c.related,
                note="that needs the port mapping, the host's firewall and host.docker.internal "
                'to resolve, and fails with "Connection refused" or "Name or service not known" '
                "when one of them changes",
                help=f"use {endpoint(sibling, target)}",
            )
        elif not any(h.lower() == _NAME for h in me.extra_hosts):
            yield Violation(
                f'{subject(c)} points at "{_NAME}", which only Docker Desktop defines',
                c.span,
                c.related,
                note="on Docker Engine for Linux the name does not resolve (the client reports: "
                f"getaddrinfo ENOTFOUND {_NAME})",
                help=f'add extra_hosts: ["{_NAME}:host-gateway"] to service "{c.client}"',
            )
