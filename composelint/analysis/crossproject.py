"""What several projects of one directory run share on a Docker engine: network
names, the DNS names registered on them, container names (the tree rules).

Facts (compose-facts §5; verified with ``docker compose -p infra config``): a network
is named ``<project>_<key>`` unless it sets ``name:``, and an ``external`` one is
looked up by its ``name:`` (else its key). On every network a container joins,
Docker's DNS answers its service name, its ``container_name`` and the aliases of
that attachment. Projects with the same project name are one Compose project (a
variant of the same files), so they are never compared with each other.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from composelint.analysis.connectivity import reachability
from composelint.model.context import RuleContext
from composelint.model.nodes import Mapping, Scalar
from composelint.model.record import Frozen, set_field
from composelint.model.span import Span


class NetworkDecl(Frozen):
    """A network of a project's resolved model (networks no service joins are dropped)."""

    key: str
    name: str  # the network's name on the engine
    external: bool
    span: Span | None  # the `external` key when external, else the network's key

    __slots__ = ("external", "key", "name", "span")

    def __init__(self, key: str, name: str, external: bool, span: Span | None) -> None:
        set_field(self, "key", key)
        set_field(self, "name", name)
        set_field(self, "external", external)
        set_field(self, "span", span)


def network_decls(ctx: RuleContext) -> dict[str, NetworkDecl]:
    """The project's networks by key (cached per project)."""
    return ctx.view(_compute_decls)


def _compute_decls(ctx: RuleContext) -> dict[str, NetworkDecl]:
    out: dict[str, NetworkDecl] = {}
    for key, conf in ctx.section("networks").items.items():
        conf = conf if isinstance(conf, Mapping) else Mapping()
        ext = conf.get("external")
        external = (isinstance(ext, Scalar) and ext.value is True) or isinstance(ext, Mapping)
        named = conf.get("name")
        if isinstance(named, Scalar) and isinstance(named.value, str) and named.value:
            real = named.value
        else:
            real = key if external else f"{ctx.name}_{key}"
        span = ctx.span("networks", key, "external", key=True) if external else None
        out[key] = NetworkDecl(key, real, external, span or ctx.span("networks", key, key=True))
    return out


class Registration(Frozen):
    """A DNS name that a service of a project answers to on a network (by its name on
    the engine)."""

    project: int  # index in the tree
    service: str
    name: str  # lower-cased
    network: str  # the network's name on the engine
    span: Span | None  # the service's key, the alias or the container_name

    __slots__ = ("name", "network", "project", "service", "span")

    def __init__(
        self, project: int, service: str, name: str, network: str, span: Span | None
    ) -> None:
        set_field(self, "project", project)
        set_field(self, "service", service)
        set_field(self, "name", name)
        set_field(self, "network", network)
        set_field(self, "span", span)


def registrations(ctx: RuleContext, index: int) -> Iterator[Registration]:
    """Every name each active service of ``ctx`` registers, on each network it joins."""
    reach = reachability(ctx)
    decls = network_decls(ctx)
    for sname, net in reach.services.items():
        if net.network_mode is not None:  # no endpoint of its own (or no DNS at all)
            continue
        svc_span = ctx.span("services", sname, key=True)
        for att in net.attachments.values():
            decl = decls.get(att.network)
            if decl is None:
                continue
            yield Registration(index, sname, sname.lower(), decl.name, svc_span)
            for alias in att.aliases:
                span = ctx.span("services", sname, "networks", att.network, "aliases")
                yield Registration(index, sname, alias.lower(), decl.name, span)
            if net.container_name:
                span = ctx.span("services", sname, "container_name")
                yield Registration(index, sname, net.container_name.lower(), decl.name, span)


def shared_names(projects: Sequence[RuleContext]) -> dict[tuple[str, str], list[Registration]]:
    """(network name on the engine, DNS name) -> who registers it, for the networks
    that more than one project joins."""
    by_network: dict[str, set[str]] = {}
    all_regs: list[Registration] = []
    for i, ctx in enumerate(projects):
        for reg in registrations(ctx, i):
            all_regs.append(reg)
            by_network.setdefault(reg.network, set()).add(ctx.name)
    out: dict[tuple[str, str], list[Registration]] = {}
    for reg in all_regs:
        if len(by_network[reg.network]) > 1:
            out.setdefault((reg.network, reg.name), []).append(reg)
    return out


def repository(ctx: RuleContext) -> Path | None:
    """The git repository the project is in (all its worktrees count as one); None
    outside one."""
    return _repository(ctx.directory)


@lru_cache(maxsize=256)
def _repository(directory: Path) -> Path | None:
    from composelint.load.gitignore import repository_of

    try:
        return repository_of(directory.resolve())
    except OSError:
        return None


def project_label(ctx: RuleContext) -> str:
    """``project "infra" (infra/compose.yaml)``: how a message names another project."""
    main = ctx.compose_files[0] if ctx.compose_files else None
    where = next((d for d, src in ctx.sources.items() if src.path == main), None)
    return f'project "{ctx.name}" ({where})' if where else f'project "{ctx.name}"'
