"""A destination that can only exist on an external network: not checked.

## What it catches

A connection setting whose host is not a service, alias or container name of the
project (nor a `links`/`extra_hosts` name, an IP address or a dotted DNS name)
while the client is attached to an `external: true` network. The name may belong
to a container of another project on that network, whose members are only known
to the Docker daemon. This is information: composelint says what it could not
verify instead of staying silent or guessing. It is reported once per network, at
its `external` declaration, with the settings that depend on it as related
locations. In a directory run (`composelint path/` with several projects), a name
that a service of another project of the tree registers on that network is known,
and not reported.

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

from collections.abc import Iterator, Sequence

from composelint.analysis.connections import ROUTED_ROLES, describe
from composelint.analysis.connectivity import Connection
from composelint.model.context import RuleContext
from composelint.model.findings import Related, Violation

code = "CMP208"
name = "network-external-unverified"
summary = "A destination that can only exist on an external network (not checked statically)"
severity = "info"


def check(project: RuleContext) -> Iterator[Violation]:
    return _unverified(project, frozenset())


def check_tree(projects: Sequence[RuleContext]) -> Iterator[Violation]:
    """In a directory run, the names that a service of another project registers on the
    same network are known: only the others are reported."""
    from composelint.analysis.crossproject import shared_names

    shared = shared_names(projects)
    for ctx in projects:
        known = frozenset(
            (net, host)
            for (net, host), regs in shared.items()
            if any(projects[r.project].name != ctx.name for r in regs)
        )
        yield from _unverified(ctx, known)


def _unverified(project: RuleContext, known: frozenset[tuple[str, str]]) -> Iterator[Violation]:
    """One violation per external network, for the destinations that can only be there
    and are not ``known`` ((network name on the engine, lower-cased host) pairs)."""
    from composelint.analysis.connectivity import (
        connections,
        is_ip_literal,
        is_loopback,
        is_unspecified,
        reachability,
    )
    from composelint.analysis.crossproject import network_decls

    reach = reachability(project)
    if not reach.external_networks:
        return
    decls = network_decls(project)
    # network -> the connections that can only be answered there, first one per host
    dependents: dict[str, dict[tuple[str, str], Connection]] = {}
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
        ):
            continue
        external = reach.effective_networks(conn.client) & reach.external_networks
        if not external:
            continue
        res = reach.resolve(conn.client, host)
        if res.target is not None or res.via is not None:
            continue
        if any((decls[n].name, host.lower()) in known for n in external if n in decls):
            continue  # another project of the tree puts it there
        for net in external:
            dependents.setdefault(net, {}).setdefault((conn.client, host.lower()), conn)
    for net in sorted(dependents):
        conns = list(dependents[net].values())
        hosts = list(dict.fromkeys(c.host for c in conns))
        shown = ", ".join(repr(h) for h in hosts[:3]) + (
            f" and {len(hosts) - 3} more" if len(hosts) > 3 else ""
        )
        related = tuple(
            Related(c.span, f"{describe(c)} of {c.client} points at {c.host!r}")
            for c in conns
            if c.span is not None
        )
        span = project.span("networks", net, "external", key=True)
        yield Violation(
            f"external network {net!r} is expected to hold {shown}, which is not checked",
            span or (conns[0].span if conns else None),
            related,
            note=f"{'these names are' if len(hosts) > 1 else 'the name is'} not a service of "
            "this project, and the members of an external network are not known statically; "
            'if it is not there at runtime the connection fails with "could not translate '
            'host name"',
            help=f"verify with `docker network inspect {decls[net].name if net in decls else net}`",
        )
