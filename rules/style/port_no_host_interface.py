"""A published port without a host address, so it listens on every interface (opt-in).

## What it catches

A `ports` entry that publishes a host port without a host address (`"8080:80"`).
Off by default: `datastore-port-exposed` already reports databases, caches and
brokers; select this one (or the `hardened` preset) to bind every published port.

## Why it matters

A port without an address is open on every network the host is on, and Docker's
firewall rules take effect before ufw's or firewalld's. For a development stack,
`127.0.0.1` is nearly always what is meant; a server that must be public can name
its public address.

## Bad

```yaml
services:
  web:
    image: acme/web:1.8
    ports: ["8080:80"]
```

## Good

```yaml
services:
  web:
    image: acme/web:1.8
    ports: ["127.0.0.1:8080:80"]
```

## Fix safety

The fix binds a literal short-syntax entry to `127.0.0.1`: other machines can
no longer reach it.

## References

- CIS Docker Benchmark v1.6.0, 5.14: ensure that incoming container traffic is bound to
  a specific host interface.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.nodes import Mapping, Scalar, Sequence

from ..security.helpers import (
    OPEN_PORT_NOTE,
    all_interfaces,
    datastore,
    prepend_fix,
    text,
    violation,
)

code = "CMP706"
name = "port-no-host-interface"
summary = "A published port without a host address listens on every interface"
severity = "info"
default_enabled = False


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        ports = svc.get("ports")
        if not isinstance(ports, Sequence) or text(svc.get("network_mode")) == "host":
            continue
        image = text(svc.get("image"))
        served = (datastore(image) or ("", ()))[1] if image else ()
        for entry in ports.items:
            if not isinstance(entry, Mapping) or not all_interfaces(text(entry.get("host_ip"))):
                continue
            published = text(entry.get("published"))
            target = entry.get("target")
            if not published or (isinstance(target, Scalar) and target.value in served):
                continue  # nothing published, or datastore-port-exposed reports it
            yield violation(
                f"{sname} publishes port {published} on all interfaces",
                entry.span,
                note=OPEN_PORT_NOTE,
                help="bind it to an address, e.g. "
                f"127.0.0.1:{published}:{target.to_plain() if target else ''}",
                fix=prepend_fix(
                    project, entry.span, "127.0.0.1:", "bind the port to 127.0.0.1", colons=1
                ),
            )
