"""`composelint graph`: the project's services and the connections between them.

Services are grouped by the networks they are on (one group per distinct set of
networks, so a service on two networks appears once, in a group that names both),
one arrow per connection named in the configuration (client -> target, labelled
with the variable and port), hosts that are not services of the project as
separate nodes. A connection that a connectivity rule flags is drawn dashed, red
for an error and orange for a warning, and labelled with the rules' names: findings
are mapped back to connections by their span. Labels never hold values, so no secret can leak into them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from composelint.analysis.connectivity import (
    Connection,
    Reachability,
    connections,
    is_loopback,
    reachability,
)
from composelint.analysis.connstrings import VarRole, mask_value
from composelint.model.context import RuleContext, context_of
from composelint.model.findings import Finding, Severity
from composelint.model.project import Project
from composelint.model.span import Span
from composelint.output.redact import mask_text

FORMATS = ("mermaid", "dot")
# the code families of the connectivity rules (hosts, networks/ports, URLs/credentials)
CONNECTIVITY_PREFIXES = ("CMP1", "CMP2", "CMP3")
_DRAWN_ROLES = frozenset({VarRole.DESTINATION_URL, VarRole.DESTINATION_HOST, VarRole.OTHER})
_RESOLVED = frozenset({"service", "alias", "container_name", "generated_name", "link", "hostname"})


@dataclass(frozen=True, order=True)
class Edge:
    client: str
    target: str  # a service name, or an external node's label
    external: bool
    label: str  # variable (or where) and port
    broken: tuple[str, ...] = ()  # names of the rules that flag the connection
    severity: str | None = None  # the worst of their findings: "error" or "warning"


@dataclass
class Graph:
    title: str
    groups: dict[str, list[str]] = field(default_factory=dict)  # group label -> services
    externals: list[str] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


def build(project: RuleContext | Project, findings: Iterable[Finding] = ()) -> Graph:
    """The graph of ``project``; ``findings`` are the connectivity rules' findings
    (pass the context the rules saw, so that the options they applied apply here)."""
    project = context_of(project)
    reach = reachability(project)
    graph = Graph(project.name)
    groups: dict[str, list[str]] = {}
    for name in sorted(reach.services):
        groups.setdefault(_group(reach, name), []).append(name)
    graph.groups = dict(sorted(groups.items()))
    conns = [c for c in connections(project) if _drawn(c)]
    flagged = _flags(conns, [f for f in findings if f.code.startswith(CONNECTIVITY_PREFIXES)])
    edges: set[Edge] = set()
    externals: set[str] = set()
    for i, c in enumerate(conns):
        target, external = _target(reach, c)
        if external:
            externals.add(target)
        port = f":{c.port}" if c.port is not None else ""
        label = f"{c.variable or c.where}{port}"
        names, level = flagged.get(i, ((), None))
        edges.add(Edge(c.client, target, external, label, names, level))
    graph.externals = sorted(externals)
    graph.edges = sorted(edges)
    return graph


def render(graph: Graph, fmt: str = "mermaid") -> str:
    if fmt == "dot":
        return _dot(graph)
    return _mermaid(graph)


# -- building --------------------------------------------------------------------


def _drawn(c: Connection) -> bool:
    return (
        c.where != "healthcheck"  # a healthcheck talks to its own container
        and c.role in _DRAWN_ROLES
        and bool(c.host)
        and not c.dest.templated
    )


def _group(reach: Reachability, name: str) -> str:
    mode = reach.services[name].network_mode
    if mode:
        return f"network_mode: {mode}"
    nets = sorted(reach.effective_networks(name))
    if not nets:
        return "no network"
    return ("network: " if len(nets) == 1 else "networks: ") + ", ".join(nets)


def _target(reach: Reachability, c: Connection) -> tuple[str, bool]:
    """(service name, False) or (external node label, True)."""
    me = reach.services.get(c.client)
    if is_loopback(c.host):
        if me is not None and me.network_mode and me.network_mode.startswith("service:"):
            return reach.namespace_owner(c.client), False
        return c.host, True
    if c.host in reach.declared_ips:
        for name, net in sorted(reach.services.items()):
            if any(c.host in (a.ipv4, a.ipv6) for a in net.attachments.values()):
                return name, False
    res = reach.resolve(c.client, c.host)
    if res.target in reach.services and res.via in _RESOLVED:
        return res.target, False
    # a "host" that is part of a password (mysql://root:pw:x/y@db) is not shown
    shown = c.host in mask_value(c.value) and c.host in mask_text(c.value)
    host = c.host if shown else "****"
    return (f"{host} (disabled)" if res.via == "disabled" else host), True


def _within(inner: Span, outer: Span) -> bool:
    return (
        inner.path == outer.path
        and (inner.line, inner.col) >= (outer.line, outer.col)
        and (inner.end_line, inner.end_col) <= (outer.end_line, outer.end_col)
    )


def _flags(
    conns: list[Connection], findings: list[Finding]
) -> dict[int, tuple[tuple[str, ...], str]]:
    """Connection index -> (names of the rules whose error or warning findings point into
    it, the worst severity): at its host exactly, or anywhere in its value when no other
    connection owns that span."""
    hosts = {c.host_span for c in conns if c.host_span is not None}
    out: dict[int, set[str]] = {}
    worst: dict[int, Severity] = {}
    for f in findings:
        if f.span is None or f.severity is Severity.INFO:
            continue
        for i, c in enumerate(conns):
            if f.span == c.host_span or (
                f.span not in hosts and c.value_span is not None and _within(f.span, c.value_span)
            ):
                out.setdefault(i, set()).add(f.name)
                if i not in worst or f.severity.rank > worst[i].rank:
                    worst[i] = f.severity
    return {i: (tuple(sorted(names)), worst[i].value) for i, names in out.items()}


# -- rendering -------------------------------------------------------------------


def _ids(graph: Graph) -> dict[tuple[bool, str], str]:
    ids: dict[tuple[bool, str], str] = {}
    for names in graph.groups.values():
        for name in names:
            ids[(False, name)] = f"s{len(ids)}"
    for n, ext in enumerate(graph.externals):
        ids[(True, ext)] = f"x{n}"
    return ids


def _edge_label(e: Edge) -> str:
    return e.label + (f" [{', '.join(e.broken)}]" if e.broken else "")


_COLORS = {"error": "red", "warning": "orange"}


def _mq(text: str) -> str:
    return text.replace('"', "#quot;")


def _mermaid(graph: Graph) -> str:
    ids = _ids(graph)
    lines = ["flowchart LR"]
    for g, (label, names) in enumerate(graph.groups.items()):
        lines.append(f'  subgraph g{g}["{_mq(label)}"]')
        lines.extend(f'    {ids[(False, n)]}["{_mq(n)}"]' for n in names)
        lines.append("  end")
    lines.extend(f'  {ids[(True, x)]}(["{_mq(x)}"])' for x in graph.externals)
    styled: dict[str, list[str]] = {}
    for n, e in enumerate(graph.edges):
        arrow = "-.->" if e.broken else "-->"
        src, dst = ids[(False, e.client)], ids[(e.external, e.target)]
        lines.append(f'  {src} {arrow}|"{_mq(_edge_label(e))}"| {dst}')
        if e.severity:
            styled.setdefault(_COLORS[e.severity], []).append(str(n))
    for color, numbers in sorted(styled.items()):
        lines.append(f"  linkStyle {','.join(numbers)} stroke:{color},color:{color}")
    if graph.externals:
        lines.append("  classDef external stroke-dasharray: 4 4")
        lines.append(f"  class {','.join(ids[(True, x)] for x in graph.externals)} external")
    return "\n".join(lines) + "\n"


def _dq(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot(graph: Graph) -> str:
    ids = _ids(graph)
    lines = [f"digraph {_dq(graph.title)} {{", "  rankdir=LR;", "  node [shape=box];"]
    for g, (label, names) in enumerate(graph.groups.items()):
        lines.append(f"  subgraph cluster_{g} {{")
        lines.append(f"    label={_dq(label)};")
        lines.extend(f"    {ids[(False, n)]} [label={_dq(n)}];" for n in names)
        lines.append("  }")
    lines.extend(
        f"  {ids[(True, x)]} [label={_dq(x)}, shape=ellipse, style=dashed];"
        for x in graph.externals
    )
    for e in graph.edges:
        attrs = f"label={_dq(_edge_label(e))}"
        if e.severity:
            color = _COLORS[e.severity]
            attrs += f", style=dashed, color={color}, fontcolor={color}"
        lines.append(f"  {ids[(False, e.client)]} -> {ids[(e.external, e.target)]} [{attrs}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
