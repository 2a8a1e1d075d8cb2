"""A service connects to another service of the project without depending on it.

## What it catches

A connection setting (environment value or a URL in the command) whose host is
another service of the project, when the client does not depend on it, directly
or through its dependencies. The dependencies Compose adds by itself count:
`links`, `volumes_from`, `network_mode: service:X` and `ipc`/`pid: service:X`.
Not reported: build arguments (nothing runs at build time), and pairs where the
target already depends on the client (a `depends_on` would be a cycle). A warning
when the target is a database, cache, broker or search server (by its image or the
connection's scheme), which a client needs when it starts; an info for anything else
(SMTP, telemetry, HTTP APIs), which clients usually reach on first use, and for a
database UI (adminer, phpMyAdmin, pgAdmin), which connects when someone logs in.

## Why it matters

Without `depends_on`, `docker compose up` may start the client first, and a
`docker compose up app` does not start the database at all: the client fails
with `Connection refused` or `could not translate host name`, and only works
after a restart. When the target has a healthcheck, the long form with
`condition: service_healthy` also waits until it actually accepts connections.

## Bad

```yaml
services:
  app:
    image: acme/app
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
    environment:
      DATABASE_URL: postgresql://app:secret@db:5432/app
    depends_on:
      db:
        condition: service_healthy
  db:
    image: postgres:16
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
```

## Fix safety

Unsafe (`--unsafe-fixes`), and offered only when the target has a healthcheck: the
fix adds `depends_on: {<target>: {condition: service_healthy}}` to the client, so
it starts only once the target is healthy (and `docker compose up <client>` starts
the target too) — a change of the start order the user may not want. It is written
into the one compose file that defines the client, in its block style; a
`depends_on` list becomes the mapping it means. A service written in flow style,
behind an anchor or defined in several files gets no fix.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from composelint.analysis.connections import (
    Route,
    describe,
    family,
    has_healthcheck,
    routes,
    sharers,
)
from composelint.model.context import RuleContext
from composelint.model.findings import Severity, Violation

from .helpers import add_dependency

if TYPE_CHECKING:
    from composelint.analysis.connectivity import Reachability

code = "CMP205"
name = "depends-on-missing"
summary = "A service connects to another service of the project it does not depend on"
severity = "warning"


def _closure(deps: dict[str, frozenset[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(deps.get(start, ()))
    while todo:
        s = todo.pop()
        if s not in seen:
            seen.add(s)
            todo.extend(deps.get(s, ()))
    return seen


def check(project: RuleContext) -> Iterator[Violation]:
    from composelint.analysis.connectivity import reachability

    reach = reachability(project)
    deps = {n: s.depends_on for n, s in reach.services.items()}
    closures: dict[str, set[str]] = {}
    reported: set[tuple[str, str]] = set()
    for route in routes(project):
        conn, target = route.conn, route.target
        if not route.res.shared:
            continue  # unreachable anyway: network-no-shared-network / network-host-mode
        if conn.where in ("build-arg", "healthcheck") or (conn.client, target.name) in reported:
            continue
        for s in (conn.client, target.name):
            if s not in closures:
                closures[s] = _closure(deps, s)
        if target.name in closures[conn.client] or conn.client in closures[target.name]:
            continue
        shared_by = sharers(project, conn) - {conn.client}
        if any(target.name in _closure(deps, s) for s in shared_by):
            continue  # inherited from a service that does depend on it: likely unused here
        reported.add((conn.client, target.name))
        needed = _needed_at_start(route, reach)
        fix_data = None
        if has_healthcheck(project, target.name):
            fix_data = add_dependency(project, conn.client, target.name)
            fix = (
                f"add to {conn.client}: depends_on: {{{target.name}: {{condition: "
                f"service_healthy}}}} ({target.name} has a healthcheck)"
            )
        else:
            fix = f"add depends_on: [{target.name}] to {conn.client}"
        yield Violation(
            f"{conn.client} connects to {target.name} ({describe(conn)}) but does not depend on it",
            conn.span,
            conn.related,
            note=f"Compose may start {conn.client} first, or without {target.name}, and it fails "
            'with "Connection refused" / "could not translate host name"',
            help=fix,
            severity=None if needed else Severity.INFO,
            fix=fix_data,
        )


def _needed_at_start(route: Route, reach: Reachability) -> bool:
    """A database, cache, broker or search server, by its image (the image facts) or by
    the connection's scheme."""
    from composelint.analysis.images import family_facts
    from composelint.analysis.schemes import server_kind

    me = reach.services.get(route.client)
    client = family_facts(family(me)) if me is not None else None
    if client is not None and client.connects_on_login:
        return False  # a database UI (adminer, phpMyAdmin) connects when someone logs in
    facts = family_facts(family(route.target))
    if facts is not None and facts.needed_at_start:
        return True
    scheme = route.conn.dest.scheme or ""
    return bool(scheme) and server_kind(scheme) in ("database", "cache", "broker")
