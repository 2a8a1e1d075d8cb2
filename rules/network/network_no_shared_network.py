"""A service connects by name to a service it shares no network with.

## What it catches

A connection setting (`DATABASE_URL`, `DB_HOST`, `REDIS_URL`, a URL in a command or
healthcheck ...) whose host is another service of the project — by service name,
network alias, `container_name` or `links` alias — when the two services are not
attached to a common network:

- the client and the target list disjoint `networks:` (`app` only on `front`, `db`
  only on `back`; a service without `networks:` is on `default`);
- the name is an alias that only exists on a network the client is not on;
- the client uses `network_mode: none`;
- the client or the target uses `network_mode: bridge` (the legacy docker0
  network, which has no name-based discovery) or `network_mode: default` (the
  engine's default network, which is that same docker0 bridge on Linux — not the
  project's `default` network). Only a `links` entry between two containers that
  are both on docker0 resolves there.

`network_mode: service:X` counts X's networks. Clients or targets in
`network_mode: host` are reported by `network-host-mode` (CMP202);
`container:<id>` modes cannot be checked statically.

## Why it matters

Docker's DNS only answers for containers that share a user-defined network, and
Compose does not warn about split networks (`docker compose config` accepts the
project). The application fails at runtime with `could not translate host name
"db" to address`, `getaddrinfo ENOTFOUND db` or `Name or service not known` —
the incident in the ventanas post-mortem, where the app was on `app-test_default`
and the database on another network.

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@db:5432/app
    networks: [front]
  db:
    image: postgres:16
    networks: [back]
networks:
  front: {}
  back: {}
```

## Good

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@db:5432/app
    networks: [front, back]
  db:
    image: postgres:16
    networks: [back]
networks:
  front: {}
  back: {}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connections import describe, mode_of, networks_text, routes, sharers
from composelint.model.context import RuleContext
from composelint.model.findings import Related, Severity, Violation

code = "CMP201"
name = "network-no-shared-network"
summary = "A service connects by name to a service it shares no network with"
severity = "error"

# Docker's legacy docker0 bridge, which has no embedded DNS. `default` is passed to the
# engine as it is (docker/compose pkg/compose/create.go defaultNetworkSettings: a
# non-empty network_mode is used as written; `docker compose config` keeps it), and the
# daemon maps it to its default network, `bridge` on Linux (moby
# daemon/container_operations.go: `if mode.IsDefault() { networkName = ...DefaultNetwork }`).
LEGACY = frozenset({"bridge", "default"})
_LEGACY_WHAT = {
    "bridge": "the default docker0 network",
    "default": "the engine's default network, docker0, not the project's default network",
}


def check(project: RuleContext) -> Iterator[Violation]:
    from composelint.analysis.connectivity import reachability

    reach = reachability(project)
    for route in routes(project):
        conn, res, target = route.conn, route.res, route.target
        if res.shared:
            continue
        client_mode = mode_of(reach, conn.client)
        target_mode = mode_of(reach, target.name)
        if "host" in (client_mode, target_mode):
            continue  # host mode: CMP202
        if client_mode in LEGACY and target_mode in LEGACY and res.via == "link":
            continue  # a legacy link between two containers on docker0: an /etc/hosts entry
        if target_mode is not None and target_mode not in LEGACY:
            continue  # target in another namespace (container:<id>, none): not checkable here
        if client_mode is not None and client_mode not in ("none", *LEGACY):
            continue  # container:<id> or an unknown mode
        where = describe(conn)
        if client_mode == "none":
            why = f"{conn.client} has network_mode: none, so it has no network at all"
            fix = f"remove network_mode: none from {conn.client}"
        elif client_mode in LEGACY or target_mode in LEGACY:
            legacy = conn.client if client_mode in LEGACY else target.name
            mode = client_mode if client_mode in LEGACY else target_mode
            why = f"{legacy} uses network_mode: {mode} ({_LEGACY_WHAT[mode or 'bridge']}), " + (
                "which has no name resolution between containers"
            )
            if legacy == conn.client:
                fix = f"remove network_mode: {mode} from {conn.client} and put it on a network {target.name} is on"
            else:
                fix = f"remove network_mode: {mode} from {target.name} (it then joins the project's default network)"
        else:
            mine = reach.effective_networks(conn.client)
            theirs = reach.effective_networks(target.name)
            if res.via == "alias":
                alias_nets = frozenset(
                    a.network
                    for a in target.attachments.values()
                    if conn.host.lower() in (x.lower() for x in a.aliases)
                )
                why = (
                    f"{conn.client} is on {networks_text(mine)}, and the alias {conn.host!r} "
                    f"of {target.name} only exists on {networks_text(alias_nets)}"
                )
                theirs = alias_nets
            else:
                why = (
                    f"{conn.client} is on {networks_text(mine)}, {target.name} only on "
                    f"{networks_text(theirs)}"
                )
            common = sorted(theirs)[0] if theirs else "a network"
            fix = f"add a common network (e.g. put {conn.client} on {common} too)"
        related = [
            Related(s, f"{target.name} is defined here")
            for s in [project.span("services", target.name, key=True)]
            if s
        ]
        sev = None
        shared_by = sharers(project, conn)
        if len(shared_by) > 1 and target.name not in reach.services[conn.client].depends_on:
            # inherited boilerplate (extends, anchors, a shared env_file): maybe unused here
            sev = Severity.WARNING
            fix += (
                f" (the value is shared by {', '.join(sorted(shared_by))}: if "
                f"{conn.client} does not use it, remove it there)"
            )
        yield Violation(
            f"{where} points at {conn.host!r}, which {conn.client} shares no network with",
            conn.span,
            (*conn.related, *related),
            severity=sev,
            note=f"{why}: the name does not resolve at runtime "
            '("could not translate host name", "Name or service not known")',
            help=fix,
        )
