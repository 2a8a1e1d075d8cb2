"""A connection to `localhost` / `127.0.0.1` / `::1` from inside a container.

## What it catches

An environment variable or build arg that points a client at a loopback address
(`localhost`, `127.0.0.0/8`, `::1`, `*.localhost`). Inside a container, loopback
is the container itself, not the Docker host and not another service.

- Error when another service of the project listens on that port: the message
  names it (`use postgres:5432`).
- Warning when nothing else in the project serves the port (the server may run
  in the same container, or on the Docker host).
- Silent under `network_mode: host`, `container:…` and `none`, and under
  `network_mode: service:X` when X (or another service sharing X's network
  stack) serves the port; silent when the client itself listens on the port.
- Healthchecks and command URLs are not checked: a healthcheck runs inside the
  container, where `localhost` is right. Bind addresses (`HOST=127.0.0.1`), the
  app's public URL (`APP_URL`) and browser-facing variables (`NEXT_PUBLIC_*`) are
  not destinations of the container either.

## Why it matters

The application starts, then fails to connect: `connection to server at
"localhost" (127.0.0.1), port 5432 failed: Connection refused`. It works on a
developer laptop where the database runs on the host, and breaks as soon as the
app runs in Compose.

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@localhost:5432/app
  postgres:
    image: postgres:16
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
```

## Fix safety

Unsafe (`--unsafe-fixes`), and offered only when exactly one service of the project
serves the port and the finding is an error (not an `http`/`ws` URL, which a
browser may use, nor a value recognised by its content alone): the fix writes that
service's name in place of `localhost` (and its container port when the connection
used the port it publishes on the host). The server may instead run on the Docker
host or in the same container, which only the user knows.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connections import port_span
from composelint.analysis.connectivity import Connection, connections, is_loopback, reachability
from composelint.analysis.connstrings import VarRole
from composelint.model.context import RuleContext
from composelint.model.findings import Fix, Severity, Violation

from .helpers import (
    dialed,
    endpoint,
    host_fix,
    other_servers,
    scheme_of,
    served_locally,
    subject,
)

code = "CMP101"
name = "host-loopback"
summary = "A connection to localhost inside a container, which is the container itself"
severity = "error"


def check(project: RuleContext) -> Iterator[Violation]:
    reach = reachability(project)
    for c in dialed(connections(project), reach):
        if not is_loopback(c.host):
            continue
        me = reach.services.get(c.client)
        mode = me.network_mode if me else None
        if mode is not None and (mode in ("host", "none") or mode.startswith("container:")):
            continue
        port = c.port
        if served_locally(reach, c.client, port):
            continue
        if port is not None and me is not None and port in me.published:
            continue  # localhost:<a port it publishes>: its own address for browsers
        shared = mode is not None and mode.startswith("service:")
        if shared and port is None:
            continue  # localhost is the partner's stack: it may well serve it
        owners = [(o, port) for o in other_servers(reach, c.client, port)]
        if not owners and port is not None:  # the host side of a published port
            owners = sorted(
                (s, net.published[port])
                for s, net in reach.services.items()
                if port in net.published and s != c.client
            )
        where = f'"{c.host}"' + (f" port {port}" if port is not None else "")
        if owners:
            fix = " or ".join(endpoint(o, p) for o, p in owners[:2])
            browser = scheme_of(c).startswith(("http", "ws"))
            yield Violation(
                f'{subject(c)} points at {where} instead of the "{owners[0][0]}" service',
                c.span,
                c.related,
                severity=Severity.WARNING if c.role is VarRole.OTHER or browser else None,
                note='inside a container localhost is the container itself: the connection is refused at runtime ("Connection refused")'
                + (
                    "; if only browsers or the Docker host use this URL, it is right"
                    if browser
                    else ""
                ),
                help=f"use {fix}",
                # a browser's URL or a value of unknown role may well mean localhost
                fix=_fix(project, c, *owners[0])
                if len(owners) == 1 and not browser and c.role is not VarRole.OTHER
                else None,
            )
        else:
            stack = (
                f'the network stack of "{reach.namespace_owner(c.client)}"'
                if shared
                else "the container itself"
            )
            yield Violation(
                f"{subject(c)} points at {where}, which inside a container is {stack}",
                c.span,
                c.related,
                severity=Severity.WARNING,
                note="no service of this project listens on that port, so unless the container "
                'serves it itself the connection is refused ("Connection refused")',
                help="use the server's service name, or host.docker.internal (with extra_hosts: "
                '"host.docker.internal:host-gateway") for a server on the Docker host',
            )


def _fix(project: RuleContext, c: Connection, owner: str, port: int | None) -> Fix | None:
    """The owner's name for the host, and its container port when the connection uses
    the port it publishes on the host (then the port must be written in the value)."""
    if port is None or port == c.port:
        return host_fix(project, c, owner, unsafe=True)
    span = port_span(project, c)
    if span is None or span == c.span or c.dest.port is None:
        return None
    return host_fix(project, c, owner, port=(span, port), unsafe=True)
