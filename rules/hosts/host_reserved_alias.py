"""A service, network alias or container name called `localhost`.

## What it catches

A service named `localhost`, a network alias `localhost` (or `*.localhost`,
`ip6-localhost`), or a `container_name` with such a name.

## Why it matters

Every container's `/etc/hosts` maps `localhost` to `127.0.0.1` and `::1`, and
`/etc/hosts` is read before DNS: a client that connects to `localhost` reaches
itself, never the service registered under that name, and gets `Connection
refused`. Clients also treat `localhost` specially (Unix sockets in MySQL
clients, TLS exemptions).

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      DB_HOST: localhost
  db:
    image: postgres:16
    networks:
      default:
        aliases: [localhost]
```

## Good

```yaml
services:
  app:
    image: acme/app
    environment:
      DB_HOST: db
  db:
    image: postgres:16
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connectivity import is_loopback
from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.nodes import Mapping, Scalar, Sequence

code = "CMP110"
name = "host-reserved-alias"
summary = "A service, network alias or container_name called localhost"
severity = "error"

_WHY = (
    "every container resolves localhost to itself through /etc/hosts before asking "
    'DNS, so clients reach their own container ("Connection refused")'
)


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        if is_loopback(sname):
            yield Violation(
                f'service "{sname}" is named like the loopback host',
                project.span("services", sname, key=True),
                note=_WHY,
                help="rename the service",
            )
        cname = svc.get("container_name")
        if isinstance(cname, Scalar) and isinstance(cname.value, str) and is_loopback(cname.value):
            yield Violation(
                f'service "{sname}" has the loopback container_name "{cname.value}"',
                cname.span,
                note=_WHY,
                help="choose another name",
            )
        nets = svc.get("networks")
        if not isinstance(nets, Mapping):
            continue
        for net, conf in nets.items.items():
            aliases = conf.get("aliases") if isinstance(conf, Mapping) else None
            if not isinstance(aliases, Sequence):
                continue
            for alias in aliases.items:
                if (
                    isinstance(alias, Scalar)
                    and isinstance(alias.value, str)
                    and is_loopback(alias.value)
                ):
                    yield Violation(
                        f'service "{sname}" has the loopback alias "{alias.value}" on network "{net}"',
                        alias.span,
                        note=_WHY,
                        help="remove the alias and use the service name",
                    )
