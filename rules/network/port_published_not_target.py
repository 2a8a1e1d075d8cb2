"""A service connects to another one on its published host port instead of the container port.

## What it catches

A destination `host:port` where `host` is another service of the project and
`port` is the *published* (host-side) port of one of its `ports:` mappings while
the container listens on a different one: `db:5433` with `ports: ["5433:5432"]`.
Only the left side of a mapping differs; a port the target may also listen on
itself (`expose:`, image defaults, a `--port` flag) is not reported.

A host variable and its port variable count as one destination: `DB_HOST: db` with
`DB_PORT: 5433` (the `*_HOST` / `*_PORT` pair of one service, `PGHOST` / `PGPORT`
too). The usual cause is one variable used for two ports: `MYSQL_PORT=3307` in `.env`
sets the published port (`"${MYSQL_PORT}:3306"`) and is handed to the client as the
port to dial (`DB_PORT: ${MYSQL_PORT}`); the finding then names the variable and
points at its `.env` line.

## Why it matters

Between containers on a Compose network, traffic goes straight to the container:
published ports only exist on the host. `db:5433` gets `Connection refused`
(`could not connect to server: Connection refused ... port 5433`) although
`localhost:5433` works from the host — a frequent source of "works on my machine".

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@db:5433/app
  db:
    image: postgres:16
    ports: ["5433:5432"]
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
    ports: ["5433:5432"]
```

## Fix safety

The fix writes the container port in place of the published one. It is safe when
the port is written in a compose file: the resolved project changes exactly there.
It is unsafe (`--unsafe-fixes`) when the port comes from a `.env` or `env_file`
line, which the fix then edits (the same variable may feed other values, such as a
client on the host that does need the published port), and when one variable sets
both ports: the fix then writes the container port in place of the client's
`${VAR}` and leaves the variable to the host side.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connections import (
    Route,
    describe,
    environment,
    port_span,
    possible_ports,
    routes,
)
from composelint.analysis.connectivity import ServiceNet
from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Edit, Fix, Related, Violation
from composelint.model.nodes import Mapping, Scalar, Sequence, Substitution
from composelint.model.record import Frozen, set_field
from composelint.model.span import Span

code = "CMP203"
name = "port-published-not-target"
summary = "A connection uses the target's published host port, not its container port"
severity = "error"


class _Dialed(Frozen):
    """A port a client dials on a target: where it is written and what feeds it."""

    text: str  # DATABASE_URL / DB_PORT
    port: int
    span: Span | None
    edit: Edit | None  # the exact replacement of the port text, when it can be made
    subs: tuple[Substitution, ...]  # the variables interpolated into the port text

    __slots__ = ("edit", "port", "span", "subs", "text")

    def __init__(
        self,
        text: str,
        port: int,
        span: Span | None,
        edit: Edit | None,
        subs: tuple[Substitution, ...],
    ) -> None:
        set_field(self, "text", text)
        set_field(self, "port", port)
        set_field(self, "span", span)
        set_field(self, "edit", edit)
        set_field(self, "subs", subs)


def check(project: RuleContext) -> Iterator[Violation]:
    for route, dialed in _dialed(project):
        target = route.target
        port = dialed.port
        if port not in target.published or target.listening.port_unknown:
            continue
        inside = target.published[port]
        if inside == port or port in possible_ports(project, target):
            continue
        conn = route.conn
        related: list[Related] = list(conn.related)
        entry = _published_entry(project, target, port)
        ports_span = entry.span if entry is not None else None
        ports_span = ports_span or project.span("services", target.name, "ports")
        if ports_span is not None:
            related.append(Related(ports_span, f"{target.name} publishes {port}:{inside} here"))
        shared = _shared_variable(dialed, entry)
        span, edit = dialed.span, dialed.edit
        if shared is not None and shared.expr_span is not None:
            span = shared.expr_span  # the ${VAR} the client dials
            edit = Edit(shared.expr_span, str(inside))
        message = (
            f"{dialed.text} connects to {conn.host}:{port}, the port {target.name} "
            f'publishes on the host ("{port}:{inside}")'
        )
        if shared is not None:
            message = (
                f"{dialed.text} dials {conn.host}:{port} from ${{{shared.name}}}, which "
                f"also sets the port {target.name} publishes on the host"
            )
            if shared.span is not None:
                related.insert(0, Related(shared.span, f"{shared.name} is set here"))
        # a port from a .env or env_file line: that line may feed other values
        source = project.sources.get(edit.span.path) if edit is not None else None
        in_compose = source is not None and source.kind == "compose"
        fix = Fix(
            f"use the container port {inside}",
            (edit,) if edit is not None else (),
            applicability=Applicability.SAFE
            if shared is None and in_compose
            else Applicability.UNSAFE,
        )
        yield Violation(
            message,
            span,
            tuple(related),
            fix,
            note=f'inside the network it listens on {inside}, so the connection is refused ("Connection refused")',
            help=f"use {conn.host}:{inside}"
            + (f" (keep {shared.name} for the host side only)" if shared is not None else ""),
        )


def _dialed(project: RuleContext) -> Iterator[tuple[Route, _Dialed]]:
    """Each port a client dials: the port of a destination, and the ``*_PORT`` sibling
    of a host variable (``DB_HOST: db`` with ``DB_PORT: 5433``)."""
    for route in routes(project):
        conn = route.conn
        if conn.dest.port is not None:
            span = port_span(project, conn)
            exact = span is not None and span != conn.span
            edit = (
                Edit(span, str(route.target.published.get(conn.dest.port, "")))
                if exact and span
                else None
            )
            subs = _port_subs(conn.node, conn.dest.port)
            yield route, _Dialed(describe(conn), conn.dest.port, span, edit, subs)
        elif conn.dest.kind != "url" and conn.variable is not None:
            sibling = _port_sibling(conn.variable)
            node = environment(project, conn.client).get(sibling) if sibling else None
            if sibling is None or not isinstance(node, Scalar) or node.value is None:
                continue
            text = str(node.value).strip()
            if not text.isdigit():
                continue
            port = int(text)
            edit = None
            whole = node.sub_span(0, len(node.raw)) if isinstance(node.raw, str) else None
            if node.style == "" and node.text_column() is not None and whole is not None:
                edit = Edit(whole, str(route.target.published.get(port, "")))
            yield route, _Dialed(sibling, port, node.span, edit, node.subs)


def _port_sibling(variable: str) -> str | None:
    """``DB_HOST`` -> ``DB_PORT``, ``PGHOST`` -> ``PGPORT``; None without a HOST part."""
    upper = variable.upper()
    if upper.endswith("_HOST"):
        return variable[: -len("HOST")] + ("PORT" if variable.endswith("HOST") else "port")
    if upper == "PGHOST":
        return "PGPORT"
    return None


def _port_subs(node: Scalar | None, port: int) -> tuple[Substitution, ...]:
    """The substitutions of a URL value that produced its port text."""
    if node is None or not isinstance(node.raw, str):
        return ()
    return tuple(s for s in node.subs if s.value == str(port) and f":{s.expression}" in node.raw)


def _published_entry(project: RuleContext, target: ServiceNet, port: int) -> Scalar | None:
    """The ``published`` scalar of the ``ports:`` entry that publishes ``port``."""
    svc = project.services.get(target.name)
    ports = svc.get("ports") if svc is not None else None
    for item in ports.items if isinstance(ports, Sequence) else []:
        pub = item.get("published") if isinstance(item, Mapping) else None
        if isinstance(pub, Scalar) and str(pub.value) == str(port):
            return pub
    return None


def _shared_variable(dialed: _Dialed, published: Scalar | None) -> Substitution | None:
    """The variable that sets both the dialed port and the published one."""
    if published is None or not isinstance(published.raw, str):
        return None
    raw = published.raw
    head = raw.rpartition(":")[0] if ":" in raw else raw  # the host side of "P:T"
    for sub in published.subs:
        if sub.expression not in head or sub.value != str(published.value):
            continue
        for mine in dialed.subs:
            if mine.name == sub.name and mine.value == sub.value:
                return mine
    return None
