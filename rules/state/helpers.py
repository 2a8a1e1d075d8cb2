"""Shared by the state rules (CMP95x): the snapshot, and the file's view of real names.

Compose names what it creates after the project: network ``<project>_<key>`` unless
the network sets ``name:`` (``docker compose config`` prints the resolved ``name``),
containers carry the labels in ``composelint.model.state``.
"""

from __future__ import annotations

from collections.abc import Iterable

from composelint.model.context import RuleContext
from composelint.model.findings import Related, Severity, Violation
from composelint.model.nodes import Mapping, Scalar
from composelint.model.span import Span
from composelint.model.state import Container, EngineState

# networks without container-name DNS or without a stack at all: on the default
# bridge containers reach each other only by IP address or legacy --link (Docker
# docs, "Bridge network driver": differences between user-defined and default bridges)
NO_DNS_NETWORKS = frozenset({"bridge", "host", "none"})


def engine_state(project: RuleContext) -> EngineState | None:
    """The snapshot given with ``--state``; None without one (the rules stay silent)."""
    return project.state


def network_name(project: RuleContext, key: str) -> str:
    """The engine's name of the project network ``key``."""
    return resource_name(project, "networks", key)


def resource_name(project: RuleContext, section: str, key: str) -> str:
    """The engine's name of a network or volume of the project: its resolved
    ``name:`` (``docker compose config`` sets one for each), else ``<project>_<key>``."""
    conf = project.section(section).get(key)
    name = conf.get("name") if isinstance(conf, Mapping) else None
    if isinstance(name, Scalar) and isinstance(name.value, str) and name.value:
        return name.value
    return f"{project.name}_{key}"


def file_networks(project: RuleContext, service: str) -> frozenset[str] | None:
    """The engine names of the networks the file gives ``service``; None when it uses
    ``network_mode`` (host, none, service:, container:), whose networks are not its own."""
    svc = project.services.get(service)
    if svc is None or svc.get("network_mode") is not None:
        return None
    nets = svc.get("networks")
    keys = list(nets.items) if isinstance(nets, Mapping) else ["default"]
    return frozenset(network_name(project, k) for k in keys)


def service_containers(project: RuleContext, state: EngineState) -> list[tuple[str, Container]]:
    """(service, container) for every container Compose created for a service that the
    file still defines (one-off ``run`` containers left out)."""
    return [
        (c.service, c)
        for c in state.of_project(project.name)
        if c.service is not None and c.service in project.services
    ]


def is_ours(project: RuleContext, c: Container) -> bool:
    """A container of a service of this project (as the file is now)."""
    return c.project == project.name and c.service in project.services


def resolving_networks(c: Container, host: str) -> frozenset[str]:
    """The networks on which ``host`` resolves to container ``c``: its name on every
    user-defined network, an alias on the network that declares it."""
    low = host.lower()
    out: set[str] = set()
    for name in c.network_names:
        if name in NO_DNS_NETWORKS:
            continue
        if c.name.lower() == low:
            out.add(name)
    for ep in c.endpoints or ():
        if ep.network not in NO_DNS_NETWORKS and low in {a.lower() for a in ep.aliases}:
            out.add(ep.network)
    return frozenset(out)


def quoted(names: Iterable[str]) -> str:
    """``"a", "b"`` from names, sorted."""
    return ", ".join(f'"{n}"' for n in sorted(names))


def networks_phrase(names: Iterable[str]) -> str:
    """``network "a"`` / ``networks "a", "b"``."""
    names = sorted(names)
    return f"{'network' if len(names) == 1 else 'networks'} {quoted(names)}"


def violation(
    message: str,
    span: Span | None,
    related: tuple[Related, ...] = (),
    *,
    note: str | None = None,
    help: str | None = None,
    severity: Severity | None = None,
) -> Violation:
    """A finding: ``message`` says what is wrong in one clause, ``note`` why it matters
    at runtime, ``help`` how to fix it."""
    return Violation(message, span, related, severity=severity, note=note, help=help)


def snapshot_entry(c: Container) -> tuple[Related, ...]:
    """The container's place in the snapshot, as a related location."""
    return (Related(c.origin, "the container in the snapshot"),) if c.origin else ()
