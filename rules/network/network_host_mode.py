"""`network_mode: host` with `ports:`, or with service names as destinations.

## What it catches

- A service in `network_mode: host` that also lists `ports:` — Docker discards
  them ("Published ports are discarded when using host network mode"): the
  process listens on the host's ports directly, under its own port numbers.
- A service in `network_mode: host` (or sharing the namespace of one) that
  connects to another service by its service name, alias or container name.
- A service that connects by name to a service in `network_mode: host`.

## Why it matters

A host-mode container is not on any Compose network: it uses the host's resolver,
where service names do not exist, so the connection fails with `could not
translate host name "db"` / `getaddrinfo ENOTFOUND db`. A host-mode service has
no name on Docker's DNS either, so other services cannot reach it by name. The
ignored `ports:` mapping suggests a remapping (`8080:80`) that does not happen.

## Bad

```yaml
services:
  app:
    image: acme/app
    network_mode: host
    ports: ["8080:80"]
    environment:
      DATABASE_URL: postgresql://app:secret@db:5432/app
  db:
    image: postgres:16
```

## Good

```yaml
services:
  app:
    image: acme/app
    ports: ["8080:80"]
    environment:
      DATABASE_URL: postgresql://app:secret@db:5432/app
  db:
    image: postgres:16
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connections import describe, mode_of, routes
from composelint.model.context import RuleContext
from composelint.model.findings import Related, Severity, Violation
from composelint.model.nodes import Sequence

code = "CMP202"
name = "network-host-mode"
summary = "network_mode: host with ports (ignored) or with service-name destinations"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    from composelint.analysis.connectivity import reachability

    reach = reachability(project)
    for sname, svc in project.services.items():
        ports = svc.get("ports")
        if (
            reach.services[sname].network_mode == "host"
            and isinstance(ports, Sequence)
            and ports.items
        ):
            mode_span = svc.key_span("network_mode")
            yield Violation(
                f"{sname} uses network_mode: host, so its ports: mapping is ignored",
                svc.key_span("ports"),
                (Related(mode_span, "network_mode: host is set here"),) if mode_span else (),
                note="Docker discards published ports in host mode and the process listens on "
                "the host directly under its own port numbers",
                help="remove ports: or the host network mode",
            )
    for route in routes(project):
        conn, target = route.conn, route.target
        client_host = mode_of(reach, conn.client) == "host"
        target_host = mode_of(reach, target.name) == "host"
        if not (client_host or target_host):
            continue
        if client_host and target_host:
            continue  # both on the host: localhost works, the name does not, but rarely used
        if client_host:
            why = (
                f"{conn.client} uses network_mode: host, where Compose service names do not "
                "resolve (the host's resolver is used)"
            )
            port = next((p for p, t in target.published.items() if t == conn.port), None)
            if port is None and conn.port is None and len(target.published) == 1:
                port = next(iter(target.published))
            fix = (
                f"use localhost:{port} (the port {target.name} publishes)"
                if port
                else f"publish a port on {target.name} and use localhost:<port>, or drop host mode"
            )
        else:
            why = f"{target.name} uses network_mode: host, so it has no name on any Compose network"
            fix = (
                f"drop network_mode: host from {target.name}, or reach it through the host "
                "(host.docker.internal with extra_hosts: host.docker.internal:host-gateway)"
            )
        yield Violation(
            f"{describe(conn)} points at {conn.host!r}, which host network mode cannot resolve",
            conn.span,
            conn.related,
            severity=Severity.ERROR,
            note=f"{why}: the connection fails at runtime "
            '("could not translate host name", ENOTFOUND)',
            help=fix,
        )
