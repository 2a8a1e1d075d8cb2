"""A service connects to another one on its published host port instead of the container port.

## What it catches

A destination `host:port` where `host` is another service of the project and
`port` is the *published* (host-side) port of one of its `ports:` mappings while
the container listens on a different one: `db:5433` with `ports: ["5433:5432"]`.
Only the left side of a mapping differs; a port the target may also listen on
itself (`expose:`, image defaults, a `--port` flag) is not reported.

## Why it matters

Between containers on a Compose network, traffic goes straight to the container:
published ports only exist on the host. `db:5433` gets `Connection refused`
(`could not connect to server: Connection refused ... port 5433`) although
`localhost:5433` works from the host — a frequent source of "works on my machine".

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@db:5433/app
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
  db:
    image: postgres:16
    ports: ["5433:5432"]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connections import describe, port_span, possible_ports, routes
from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Edit, Fix, Related, Violation

code = "CMP203"
name = "port-published-not-target"
summary = "A connection uses the target's published host port, not its container port"
severity = "error"


def check(project: RuleContext) -> Iterator[Violation]:
    for route in routes(project):
        conn, target = route.conn, route.target
        port = conn.dest.port
        if port is None or port not in target.published:
            continue
        inside = target.published[port]
        if inside == port or port in possible_ports(project, target):
            continue
        span = port_span(project, conn)
        exact = span is not None and span != conn.span
        fix = Fix(
            f"use the container port {inside}",
            (Edit(span, str(inside)),) if exact and span is not None else (),
            applicability=Applicability.SAFE,
        )
        ports_span = project.span("services", target.name, "ports")
        yield Violation(
            f"{describe(conn)} connects to {conn.host}:{port}, the port {target.name} "
            f'publishes on the host ("{port}:{inside}")',
            span,
            (
                *conn.related,
                *(
                    (Related(ports_span, f"{target.name} publishes {port}:{inside} here"),)
                    if ports_span
                    else ()
                ),
            ),
            fix,
            note=f'inside the network it listens on {inside}, so the connection is refused ("Connection refused")',
            help=f"use {conn.host}:{inside}",
        )
