"""A connection to a private IP address instead of a service name.

## What it catches

A connection variable whose host is a private IP literal:

- warning for an address inside a subnet declared for one of the project's
  networks (`ipam.config.subnet`) that is not a declared `ipv4_address` /
  `ipv6_address`, and for an address in `172.16.0.0/12`, where Docker allocates
  container networks by default;
- info for the default bridge gateway `172.17.0.1` (the Docker host) and for
  other private ranges (`10.0.0.0/8`, `192.168.0.0/16`, `fc00::/7`), which are as
  often machines on the LAN as containers.

Silent for a static address the project declares (`ipv4_address`), public
addresses (external services), link-local addresses (cloud metadata) and
loopback / unspecified addresses (see `host-loopback`, `host-unspecified-address`).

## Why it matters

Container addresses are assigned when containers are created: after `docker
compose down && up`, a restart of the daemon or a new network, the service gets
another IP and the client times out or reaches the wrong container ("connect:
no route to host", "Connection timed out"). Service names always resolve to the
current address.

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@172.20.0.3:5432/app
  db:
    image: postgres:16
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

import ipaddress
from collections.abc import Iterator

from composelint.analysis.connectivity import connections, reachability
from composelint.model.context import RuleContext
from composelint.model.findings import Severity, Violation

from .helpers import dialed, endpoint, subject

code = "CMP103"
name = "host-ip-literal"
summary = "A connection to a container's IP address, which changes when it is recreated"
severity = "warning"

_DOCKER_POOL = ipaddress.ip_network("172.16.0.0/12")
_BRIDGE_GATEWAY = ipaddress.ip_address("172.17.0.1")


def check(project: RuleContext) -> Iterator[Violation]:
    reach = reachability(project)
    subnets: list[tuple[str, ipaddress.IPv4Network | ipaddress.IPv6Network]] = []
    for net, cidrs in sorted(reach.subnets.items()):
        for cidr in cidrs:
            try:
                subnets.append((net, ipaddress.ip_network(cidr, strict=False)))
            except ValueError:
                continue
    for c in dialed(connections(project), reach):
        try:
            ip = ipaddress.ip_address(c.host.strip("[]"))
        except ValueError:
            continue
        if (
            str(ip) in reach.declared_ips
            or ip.is_loopback
            or ip.is_unspecified
            or ip.is_link_local
            or ip.is_multicast
            or not ip.is_private
        ):
            continue
        owners = reach.serving(c.port) if c.port is not None else []
        fix = (
            "use " + " or ".join(endpoint(o, c.port) for o in owners[:2])
            if owners
            else "use the service name (or give the service a static ipv4_address)"
        )
        network = next((n for n, sub in subnets if ip.version == sub.version and ip in sub), None)
        if ip == _BRIDGE_GATEWAY and network is None:
            yield Violation(
                f'{subject(c)} points at "{ip}", the gateway of Docker\'s default bridge',
                c.span,
                c.related,
                severity=Severity.INFO,
                note="it is the Docker host, and its address differs on other networks and hosts",
                help='use host.docker.internal with extra_hosts: "host.docker.internal:host-gateway"',
            )
            continue
        if network is not None:
            what, level = f'an address in the subnet of network "{network}"', None
        elif ip.version == 4 and ip in _DOCKER_POOL:
            what, level = "in the range Docker assigns to container networks", None
        else:
            what, level = "a fixed private address", Severity.INFO
        yield Violation(
            f'{subject(c)} points at the fixed IP address "{ip}"',
            c.span,
            c.related,
            severity=level,
            note=f"it is {what}: a container's address changes when it is recreated, and the "
            'client then times out or reaches the wrong container ("Connection timed out")',
            help=fix,
        )
