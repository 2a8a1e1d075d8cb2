"""A database, cache or broker port published on every interface of the host.

## What it catches

A service whose image is a database, cache or message broker (PostgreSQL,
MySQL/MariaDB, MongoDB, Redis, Memcached, RabbitMQ, Kafka, Elasticsearch ...)
and that publishes the port it serves without a host address (`"5432:5432"`,
or `host_ip: 0.0.0.0`). The message says which services of the project connect
to it over the Compose network.

## Why it matters

A port without a host address is open on every network the host is on, and
Docker's own firewall rules are inserted before the host firewall's (ufw,
firewalld): a rule that "blocks 5432" does not block it, and scanners probe
every address for these ports (Docker documentation, "Docker and ufw": published
ports are routed in the nat table before ufw's chains see them). The other
services reach
it by service name over the Compose network and do not need the published port
at all; a tool on the host needs it only on `127.0.0.1`.

## Bad

```yaml
services:
  app:
    image: acme/app:1.0
    environment:
      DATABASE_URL: postgresql://app@db:5432/app
  db:
    image: postgres:16
    ports:
      - "5432:5432"
```

## Good

```yaml
services:
  app:
    image: acme/app:1.0
    environment:
      DATABASE_URL: postgresql://app@db:5432/app
  db:
    image: postgres:16
    ports:
      - "127.0.0.1:5432:5432"
```

## Fix safety

The fix binds a literal short-syntax entry to `127.0.0.1`. Clients on other
machines (not other services) lose access: that is the point.

## References

- CIS Docker Benchmark v1.6.0, 5.14: ensure that incoming container traffic is bound to
  a specific host interface.
- Docker documentation: packet filtering and firewalls (Docker and ufw).
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.nodes import Mapping, Sequence

from .helpers import OPEN_PORT_NOTE, all_interfaces, datastore, prepend_fix, text, violation

code = "CMP820"
name = "datastore-port-exposed"
summary = "A database, cache or broker port published on all host interfaces"
severity = "warning"


def clients_of(project: RuleContext, service: str) -> list[str]:
    """The services that connect to ``service`` by name (the connection inventory)."""
    from composelint.analysis.connections import routes

    return sorted({r.client for r in routes(project) if r.target.name == service})


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        image = text(svc.get("image"))
        known = datastore(image) if image else None
        ports = svc.get("ports")
        if known is None or not isinstance(ports, Sequence):
            continue
        kind, served = known
        if (text(svc.get("network_mode")) or "") == "host":
            continue  # published ports are discarded (network-host-mode says so)
        seen: set[int] = set()
        for entry in ports.items:
            if not isinstance(entry, Mapping):
                continue
            target = entry.get("target")
            port = target.to_plain() if target is not None else None
            if port not in served or port in seen or not all_interfaces(text(entry.get("host_ip"))):
                continue
            seen.add(port)
            clients = clients_of(project, sname)
            published = text(entry.get("published")) or ""
            bound = f'"127.0.0.1:{published}:{port}"'
            if clients:
                one = len(clients) == 1
                help = (
                    f"{', '.join(clients)} reach{'es' if one else ''} it over the Compose "
                    f"network and need{'s' if one else ''} no published port: remove it, or "
                    f"bind it to the host only with {bound}"
                )
            else:
                help = f"bind it to the host only: {bound}"
            yield violation(
                f"{sname} ({kind}) publishes port {port} on all interfaces",
                entry.span,
                note=OPEN_PORT_NOTE,
                help=help,
                fix=prepend_fix(
                    project, entry.span, "127.0.0.1:", "bind the port to 127.0.0.1", colons=1
                ),
            )
