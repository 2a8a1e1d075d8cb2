"""Shared helpers of the CMP2xx/CMP3xx connectivity rules (not a rule module).

Everything here is computed once per project through ``project.view`` and built on
:func:`composelint.analysis.connectivity.connections` / :func:`reachability`.
"""

from __future__ import annotations

import re

from composelint.analysis.connectivity import (
    Connection,
    Reachability,
    Resolution,
    ServiceNet,
    connections,
    parsed_value,
    reachability,
)
from composelint.analysis.connstrings import ParsedValue, VarRole, parse_value
from composelint.analysis.images import family_facts, image_family
from composelint.model.context import RuleContext
from composelint.model.nodes import Mapping, Node, Scalar, Sequence, Substitution
from composelint.model.record import Frozen, set_field
from composelint.model.span import Span

# roles whose value is a destination the service itself connects to
ROUTED_ROLES = frozenset({VarRole.DESTINATION_URL, VarRole.DESTINATION_HOST, VarRole.OTHER})
# ways a name reaches a service through Docker's DNS (or /etc/hosts for links)
NAME_VIAS = frozenset({"service", "alias", "container_name", "generated_name", "link"})


class Route(Frozen):
    """A connection whose host names another service of the project."""

    conn: Connection
    res: Resolution
    target: ServiceNet

    __slots__ = ("conn", "res", "target")

    def __init__(self, conn: Connection, res: Resolution, target: ServiceNet) -> None:
        set_field(self, "conn", conn)
        set_field(self, "res", res)
        set_field(self, "target", target)

    @property
    def client(self) -> str:
        return self.conn.client


def routes(project: RuleContext) -> list[Route]:
    """Connections from one service to another, by name (cached per project)."""
    return project.view(_compute_routes)


def _compute_routes(project: RuleContext) -> list[Route]:
    reach = reachability(project)
    out: list[Route] = []
    for conn in connections(project):
        if conn.role not in ROUTED_ROLES or not conn.host or conn.dest.templated:
            continue
        res = reach.resolve(conn.client, conn.host)
        if res.target is None or res.via not in NAME_VIAS or res.target == conn.client:
            continue
        target = reach.services.get(res.target)
        if target is not None:
            out.append(Route(conn, res, target))
    return out


_SURE_BROWSER = (
    "NEXT_PUBLIC_", "VITE_", "REACT_APP_", "NUXT_PUBLIC_", "VUE_APP_", "EXPO_PUBLIC_", "GATSBY_",
)  # fmt: skip


def browser_routes(project: RuleContext) -> list[Route]:
    """Browser-facing values (NEXT_PUBLIC_ ...) that name a service of the project."""
    return project.view(_compute_browser_routes)


def _compute_browser_routes(project: RuleContext) -> list[Route]:
    reach = reachability(project)
    out: list[Route] = []
    for conn in connections(project):
        if conn.role is not VarRole.BROWSER or not conn.host or conn.dest.templated:
            continue
        sure = (conn.variable or "").upper().startswith(_SURE_BROWSER)
        if not sure and conn.dest.scheme not in ("http", "https", "ws", "wss"):
            continue  # bare PUBLIC_ (SvelteKit, Astro) is also used by servers: URLs only
        res = reach.resolve(conn.client, conn.host)
        if res.target is not None and res.via in NAME_VIAS:
            target = reach.services.get(res.target)
            if target is not None:
                out.append(Route(conn, res, target))
    return out


def mode_of(reach: Reachability, service: str) -> str | None:
    """The network mode that decides what ``service`` can reach: its own, or that of the
    service whose namespace it shares (``service:X``); None for normal networks."""
    seen: set[str] = set()
    current = service
    while current not in seen:
        seen.add(current)
        net = reach.services.get(current)
        if net is None or net.network_mode is None:
            return None
        if net.network_mode.startswith("service:"):
            current = net.network_mode[len("service:") :]
            continue
        return net.network_mode
    return None


def family(net: ServiceNet) -> str | None:
    return image_family(net.image) if net.image else None


def environment(project: RuleContext, service: str) -> Mapping:
    svc = project.services.get(service)
    env = svc.get("environment") if svc is not None else None
    return env if isinstance(env, Mapping) else Mapping()


def env_text(project: RuleContext, service: str, var: str) -> str | None:
    node = environment(project, service).get(var)
    if isinstance(node, Scalar) and node.value is not None:
        return str(node.value)
    return None


def strings(node: Node | None) -> list[str]:
    if isinstance(node, Sequence):
        return [str(n.value) for n in node.items if isinstance(n, Scalar) and n.value is not None]
    if isinstance(node, Scalar) and node.value is not None:
        return [str(node.value)]
    return []


def has_healthcheck(project: RuleContext, service: str) -> bool | None:
    """True: the compose file defines a working healthcheck; False: it disables the
    image's; None: it says nothing (the image may define one)."""
    svc = project.services.get(service)
    hc = svc.get("healthcheck") if svc is not None else None
    if not isinstance(hc, Mapping):
        return None
    disable = hc.get("disable")
    if isinstance(disable, Scalar) and disable.value is True:
        return False
    test = strings(hc.get("test"))
    if test[:1] == ["NONE"]:
        return False
    return True if test else None


def parsed(conn: Connection, project: RuleContext | None = None) -> ParsedValue:
    """The connection's value parsed, for its problems and secrets (with ``project``:
    the parse the connection inventory made, not a new one)."""
    if conn.variable is None:
        return ParsedValue([], [])
    if project is not None:
        return parsed_value(project, conn.value, conn.variable)
    return parse_value(conn.value, conn.variable)


def _lines(project: RuleContext, path: str) -> list[str] | None:
    cache: dict[str, list[str] | None] = project.view(_line_cache)
    if path not in cache:
        text = project.source_text(path)
        cache[path] = text.splitlines() if text is not None else None
    return cache[path]


def span_text(project: RuleContext, span: Span | None) -> str | None:
    """The source text a one-line span covers, or None."""
    if span is None or span.line != span.end_line:
        return None
    lines = _lines(project, span.path)
    if lines is None or span.line > len(lines):
        return None
    return lines[span.line - 1][span.col - 1 : span.end_col - 1]


def _line_cache(project: RuleContext) -> dict[str, list[str] | None]:
    return {}


def locate(project: RuleContext, conn: Connection, offset: int, length: int) -> Span | None:
    """The span of ``conn.value[offset:offset+length]``, derived from the exact host span
    and checked against the source text; the connection's span when that fails."""
    anchor = conn.host_span
    fallback = conn.span
    if anchor is None or anchor.line != anchor.end_line:
        return fallback
    if anchor.end_col - anchor.col != conn.dest.host_length:
        return fallback
    col = anchor.col + offset - conn.dest.host_offset
    if col < 1:
        return fallback
    lines = _lines(project, anchor.path)
    if lines is None or anchor.line > len(lines):
        return fallback
    if lines[anchor.line - 1][col - 1 : col - 1 + length] != conn.value[offset : offset + length]:
        return _literal_span(project, conn, offset, length) or fallback
    return Span(anchor.path, anchor.line, col, anchor.line, col + length)


def _literal_span(project: RuleContext, conn: Connection, offset: int, length: int) -> Span | None:
    """The span of value[offset:offset+length] when it is literal text of the scalar
    around variables (the scheme of ``postgres://app:${PW}@db/app``)."""
    node = conn.node
    found = pieces(node) if node is not None and node.subs else None
    for p in found or ():
        if p.sub is None and p.start <= offset and offset + length <= p.end and node is not None:
            span = node.sub_span(p.raw + offset - p.start, length)
            if (
                span is not None
                and span_text(project, span) == conn.value[offset : offset + length]
            ):
                return span
    return None


class Piece(Frozen):
    """A run of an interpolated value: ``value[start:end]`` is literal text of the raw
    scalar (``sub`` None) or the expansion of one ``${VAR}`` expression."""

    start: int
    end: int
    sub: Substitution | None
    raw: int  # where the piece starts in the scalar's raw text

    __slots__ = ("end", "raw", "start", "sub")

    def __init__(self, start: int, end: int, sub: Substitution | None, raw: int = 0) -> None:
        set_field(self, "start", start)
        set_field(self, "end", end)
        set_field(self, "sub", sub)
        set_field(self, "raw", raw)


def pieces(node: Scalar) -> list[Piece] | None:
    """The value of ``node`` cut into literal text and variable expansions, or None
    when its raw text cannot be matched up with its substitutions."""
    raw, value = node.raw, node.value
    if raw is None or not isinstance(value, str):
        return None
    found = _pieces(raw, node.subs, value, 0)
    if found is None and "=" in raw:  # '- KEY=value': raw holds the key too
        found = _pieces(raw, node.subs, value, raw.index("=") + 1)
    return found


def _pieces(raw: str, subs: tuple[Substitution, ...], value: str, i: int) -> list[Piece] | None:
    out: list[Piece] = []
    unused = list(subs)
    j = 0
    while i < len(raw):
        sub = None
        if raw[i] == "$" and not raw.startswith("$$", i):
            sub = next(
                (x for x in unused if x.expression and raw.startswith(x.expression, i)), None
            )
        if sub is not None:
            text = sub.value or ""
            if not value.startswith(text, j):
                return None
            unused.remove(sub)
            out.append(Piece(j, j + len(text), sub, i))
            i, j = i + len(sub.expression), j + len(text)
            continue
        step = 2 if raw.startswith("$$", i) else 1  # '$$' is one '$' of the value
        if j >= len(value) or value[j] != raw[i]:
            return None
        last = out[-1] if out else None
        if (
            step == 1
            and last is not None
            and last.sub is None
            and last.end - last.start == i - last.raw
        ):
            out[-1] = Piece(last.start, j + 1, None, last.raw)  # 1:1 text goes on
        else:
            out.append(Piece(j, j + 1, None, i))
        i, j = i + step, j + 1
    return out if j == len(value) else None


def piece_at(node: Scalar | None, offset: int) -> Piece | None:
    """The variable expansion that supplied ``value[offset]``, if one did."""
    found = pieces(node) if node is not None and node.subs else None
    return next((p for p in found or () if p.sub and p.start <= offset < p.end), None)


def port_span(project: RuleContext, conn: Connection) -> Span | None:
    """The explicit port's text, else the host."""
    d = conn.dest
    if d.port_offset is None:
        return conn.span
    length = d.port_length or len(str(d.port))
    return locate(project, conn, d.port_offset, length)


def describe(conn: Connection) -> str:
    """``DATABASE_URL`` / ``the healthcheck`` — where the destination is written."""
    if conn.variable is not None:
        return conn.variable
    return f"the {conn.where}"


def networks_text(names: frozenset[str]) -> str:
    return ", ".join(sorted(names)) if names else "no network"


# ports -------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![0-9.])([0-9]{2,5})(?![0-9.])")
_PORTISH = ("PORT", "LISTEN", "ADDR", "BIND", "ADVERTISED", "ADDRESS", "URL", "ENDPOINT")


def possible_ports(project: RuleContext, net: ServiceNet) -> frozenset[int]:
    """Every port ``net`` may listen on: the model's listen_ports, its image family's
    secondary ports (plugins, TLS, cluster, UI), and any number in a port-like variable
    or in its command."""
    ports = set(net.listen_ports)
    facts = family_facts(family(net))
    if facts is not None:
        ports.update(facts.secondary_ports)
    own_env = net.listening.port_env
    for key, node in environment(project, net.name).items.items():
        if key in own_env:
            continue  # PGPORT ...: what it sets is in listen_ports, unless a flag wins
        if (
            isinstance(node, Scalar)
            and node.value is not None
            and any(w in key.upper() for w in _PORTISH)
        ):
            ports.update(int(m) for m in _NUMBER.findall(str(node.value)))
    svc = project.services.get(net.name)
    if svc is not None:
        for word in strings(svc.get("command")) + strings(svc.get("entrypoint")):
            ports.update(int(m) for m in _NUMBER.findall(word))
    return frozenset(p for p in ports if 0 < p < 65536)


def value_groups(project: RuleContext) -> list[list[Connection]]:
    """Connections grouped by the value they were parsed from (one group per value)."""
    return project.view(_compute_groups)


def _compute_groups(project: RuleContext) -> list[list[Connection]]:
    groups: dict[int, list[Connection]] = {}
    for conn in connections(project):
        if conn.variable is not None and conn.node is not None:
            groups.setdefault(id(conn.node), []).append(conn)
    return list(groups.values())


def owner(group: list[Connection], offset: int) -> Connection:
    """The connection of a value whose host follows ``offset`` most closely."""
    after = [c for c in group if c.dest.host_offset >= offset]
    return min(after, key=lambda c: c.dest.host_offset) if after else group[0]


def sharers(project: RuleContext, conn: Connection) -> frozenset[str]:
    """Services whose environment holds this very value (same source location): more
    than one when it comes from `extends`, a YAML anchor or a shared env_file."""
    index: dict[Span, frozenset[str]] = project.view(_compute_sharers)
    span = conn.node.span if conn.node is not None else None
    return index.get(span, frozenset({conn.client})) if span else frozenset({conn.client})


def _compute_sharers(project: RuleContext) -> dict[Span, frozenset[str]]:
    out: dict[Span, set[str]] = {}
    for sname in project.services:
        for node in environment(project, sname).items.values():
            if node.span is not None:
                out.setdefault(node.span, set()).add(sname)
    return {k: frozenset(v) for k, v in out.items()}
