"""`0.0.0.0` or `::` used as the address to connect to.

## What it catches

A connection variable (`*_URL`, `*_HOST`, DSNs, host lists) whose host is the
unspecified address `0.0.0.0` or `::`. These mean "every interface" in a *bind*
address; bind variables (`HOST`, `*_BIND`, `*_LISTEN_*`, `KAFKA_LISTENERS`) are
not checked. Error when another service of the project listens on the port
(the message names it), warning otherwise.

## Why it matters

A client cannot connect to "every interface". Linux quietly connects to the
container itself, so the client gets `Connection refused` (or talks to the wrong
process); other systems fail with `connect: invalid argument`. The value is
usually a bind address copied into a client setting.

## Bad

```yaml
services:
  worker:
    image: acme/worker
    environment:
      API_URL: http://0.0.0.0:8000
  api:
    image: acme/api
    expose: ["8000"]
```

## Good

```yaml
services:
  worker:
    image: acme/worker
    environment:
      API_URL: http://api:8000
  api:
    image: acme/api
    expose: ["8000"]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connectivity import connections, is_unspecified, reachability
from composelint.analysis.connstrings import VarRole
from composelint.model.context import RuleContext
from composelint.model.findings import Severity, Violation

from .helpers import dialed, endpoint, other_servers, served_locally, subject

code = "CMP102"
name = "host-unspecified-address"
summary = "0.0.0.0 or :: used as a destination instead of a service name"
severity = "error"

_ROLES = frozenset({VarRole.DESTINATION_URL, VarRole.DESTINATION_HOST})


def check(project: RuleContext) -> Iterator[Violation]:
    reach = reachability(project)
    for c in dialed(connections(project), reach, roles=_ROLES):
        if not is_unspecified(c.host):
            continue
        if c.dest.kind in ("host", "hostport"):
            continue  # a bare 0.0.0.0 / :: (no scheme) is the address a server binds to
        me = reach.services.get(c.client)
        if me is not None and me.network_mode in ("host", "none"):
            continue
        if served_locally(reach, c.client, c.port):
            continue  # Linux connects 0.0.0.0 to the local stack: it works, if oddly
        owners = other_servers(reach, c.client, c.port)
        fix = (
            "use " + " or ".join(endpoint(o, c.port) for o in owners[:2])
            if owners
            else "use the service name of the server (or host.docker.internal for one on the Docker host)"
        )
        yield Violation(
            f'{subject(c)} connects to "{c.host}", the unspecified "all interfaces" address',
            c.span,
            c.related,
            severity=None if owners else Severity.WARNING,
            note="it is only meaningful as a bind address: a client reaches its own container "
            'or fails ("Connection refused" / "connect: invalid argument")',
            help=fix,
        )
