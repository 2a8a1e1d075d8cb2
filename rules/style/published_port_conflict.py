"""Two services (or two entries) that publish the same host port.

## What it catches

Two `ports` entries that bind the same host port, protocol and address, in two
services or twice in one, and a fixed host port on a service that runs several
replicas (`deploy.replicas`, `scale`). An entry without an address binds every
interface, so it clashes with any address of its family (a warning then, since
some setups allow it). Services that only run under profiles never active
together (`profiles: [dev]` and `profiles: [prod]`) do not clash; one that runs
only under a profile clashes when that profile is active (a warning). A host
port range for one container port (`"8000-8010:80"`) is a pool Docker picks a
free port from, and services in `network_mode: host` are skipped (Docker ignores
their `ports:`).

## Why it matters

Docker binds each published port when the container starts; the second container
fails: `Bind for 0.0.0.0:8080 failed: port is already allocated`.

## Bad

```yaml
services:
  web:
    image: acme/web:1.8
    ports: ["8080:80"]
  admin:
    image: acme/admin:2.0
    ports: ["8080:3000"]
```

## Good

```yaml
services:
  web:
    image: acme/web:1.8
    ports: ["8080:80"]
  admin:
    image: acme/admin:2.0
    ports: ["8081:3000"]
```

## References

- Compose specification: `ports`.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Related, Severity, Violation
from composelint.model.nodes import Mapping, Scalar, Sequence
from composelint.model.record import Frozen, set_field
from composelint.model.span import Span

from ..security.helpers import violation

code = "CMP703"
name = "published-port-conflict"
summary = "Two services or entries publish the same host port, so one fails to start"
severity = "error"

_WILDCARDS = ("", "0.0.0.0", "::")


class Binding(Frozen):
    service: str
    host_ip: str
    first: int
    last: int
    protocol: str
    profiles: frozenset[str]
    span: Span | None

    __slots__ = ("first", "host_ip", "last", "profiles", "protocol", "service", "span")

    def __init__(
        self,
        service: str,
        host_ip: str,
        first: int,
        last: int,
        protocol: str,
        profiles: frozenset[str],
        span: Span | None,
    ) -> None:
        set_field(self, "service", service)
        set_field(self, "host_ip", host_ip)
        set_field(self, "first", first)
        set_field(self, "last", last)
        set_field(self, "protocol", protocol)
        set_field(self, "profiles", profiles)
        set_field(self, "span", span)


def _text(node: object) -> str:
    return str(node.value) if isinstance(node, Scalar) and node.value is not None else ""


def _range(published: str) -> tuple[int, int] | None:
    lo, _, hi = published.partition("-")
    if not lo.isdigit() or (hi and not hi.isdigit()):
        return None
    return int(lo), int(hi or lo)


def bindings(project: RuleContext) -> list[Binding]:
    out = []
    for sname, svc in project.services.items():
        if _text(svc.get("network_mode")) == "host":
            continue
        ports = svc.get("ports")
        profiles = svc.get("profiles")
        names = frozenset(
            _text(p) for p in (profiles.items if isinstance(profiles, Sequence) else ())
        )
        for entry in ports.items if isinstance(ports, Sequence) else ():
            if not isinstance(entry, Mapping):
                continue
            rng = _range(_text(entry.get("published")))
            if rng is None:
                continue  # no host port: Docker picks a free one
            ip = _text(entry.get("host_ip")).strip("[]")
            protocol = _text(entry.get("protocol")) or "tcp"
            out.append(Binding(sname, ip, *rng, protocol, names, entry.span))
    return out


def clash(a: Binding, b: Binding) -> Severity | None:
    """How sure a clash is: error on the same address (no address binds both 0.0.0.0
    and ::), warning when an all-interfaces binding meets a specific address of the
    same family; None when both can be bound."""
    if a.protocol != b.protocol or a.last < b.first or b.last < a.first:
        return None
    ips = {a.host_ip, b.host_ip}
    if len(ips) == 1 or ips <= {"", "0.0.0.0"} or ips <= {"", "::"}:
        return Severity.ERROR
    if not ips & set(_WILDCARDS):
        return None  # two specific addresses
    v4, v6 = any("." in ip for ip in ips), any(":" in ip for ip in ips)
    return None if v4 and v6 else Severity.WARNING


def _port(b: Binding) -> str:
    return str(b.first) if b.first == b.last else f"{b.first}-{b.last}"


def together(project: RuleContext, a: Binding, b: Binding) -> Severity | None:
    """Whether two services run together: always (error), only under a profile
    (warning), or never in one run that names one profile (None)."""
    if a.service == b.service or project.active_profiles:
        return Severity.ERROR
    if not a.profiles and not b.profiles:
        return Severity.ERROR
    if a.profiles and b.profiles and not (a.profiles & b.profiles):
        return None
    return Severity.WARNING


def replicas(project: RuleContext, service: str) -> int:
    """How many containers the service runs (``deploy.replicas`` or ``scale``)."""
    for path in (("deploy", "replicas"), ("scale",)):
        node = project.node("services", service, *path)
        if isinstance(node, Scalar) and isinstance(node.value, int) and node.value > 1:
            return node.value
    return 1


def check(project: RuleContext) -> Iterator[Violation]:
    for b in bindings(project):
        count = replicas(project, b.service)
        if count > b.last - b.first + 1:
            yield violation(
                f"{b.service} runs {count} replicas on host port {_port(b)}/{b.protocol}",
                b.span,
                note="only one container can bind it: the others fail to start",
                help=f"publish a range of {count} ports, or only the container port",
            )
    # single host ports seen so far, by (protocol, port): only those can clash with
    # another single port (one list per port keeps the order, and the pass linear)
    seen: dict[tuple[str, int], list[Binding]] = {}
    for b in bindings(project):
        if b.first != b.last:
            continue  # a host port range for one container port: Docker picks a free one
        same_port = seen.setdefault((b.protocol, b.first), [])
        for a in same_port:
            sure, run = clash(a, b), together(project, a, b)
            if sure is None or run is None:
                continue
            sev = Severity.ERROR if sure is run is Severity.ERROR else Severity.WARNING
            port = _port(b)
            where = "again" if a.service == b.service else f"as {a.service} does"
            yield violation(
                f"{b.service} publishes host port {port}/{b.protocol} {where}",
                b.span,
                note="the second container fails to start: port is already allocated",
                help="publish another host port",
                related=(Related(a.span, f"{a.service} publishes it here"),) if a.span else (),
                severity=sev,
            )
            break
        same_port.append(b)
