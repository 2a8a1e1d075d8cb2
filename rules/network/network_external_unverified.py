"""A destination that can only exist on an external network: not checked.

## What it catches

A connection setting whose host is not a service, alias or container name of the
project (nor a `links`/`extra_hosts` name, an IP address or a dotted DNS name)
while the client is attached to an `external: true` network. The name may belong
to a container of another project on that network, whose members are only known
to the Docker daemon. This is information: composelint says what it could not
verify instead of staying silent or guessing.

## Why it matters

External networks are how projects share a database or a reverse proxy. If the
other project is not up, or its service has another name, the client fails at
runtime with `could not translate host name` — exactly what the ventanas test
environment hit. Check by hand with `docker network inspect <network>` (the
container names listed there resolve), or define the service in this project.

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@shared-db:5432/app
    networks: [shared]
networks:
  shared:
    external: true
```

## Good

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@db:5432/app
  db:
    image: postgres:16
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connections import ROUTED_ROLES, describe
from composelint.model.context import RuleContext
from composelint.model.findings import Violation

code = "CMP208"
name = "network-external-unverified"
summary = "A destination that can only exist on an external network (not checked statically)"
severity = "info"


def check(project: RuleContext) -> Iterator[Violation]:
    from composelint.analysis.connectivity import (
        connections,
        is_ip_literal,
        is_loopback,
        is_unspecified,
        reachability,
    )

    reach = reachability(project)
    if not reach.external_networks:
        return
    seen: set[tuple[str, str]] = set()
    for conn in connections(project):
        host = conn.host
        if (
            conn.role not in ROUTED_ROLES
            or not host
            or conn.dest.templated
            or "." in host
            or is_ip_literal(host)
            or is_loopback(host)
            or is_unspecified(host)
            or (conn.client, host.lower()) in seen
        ):
            continue
        external = reach.effective_networks(conn.client) & reach.external_networks
        if not external:
            continue
        res = reach.resolve(conn.client, host)
        if res.target is not None or res.via is not None:
            continue
        seen.add((conn.client, host.lower()))
        nets = ", ".join(sorted(external))
        yield Violation(
            f"{describe(conn)} points at {host!r}, which can only be on the external network {nets}",
            conn.span,
            conn.related,
            note=f"{host!r} is not a service of this project, and the members of an external "
            "network are not known statically (not checked); if it is not there at runtime the "
            'connection fails with "could not translate host name"',
            help=f"verify with `docker network inspect {sorted(external)[0]}`",
        )
