"""`cap_add` of a capability that reaches beyond the container, grouped by what it allows.

## What it catches

A capability in `cap_add` that Docker does not grant by default and that acts on
the host or on other containers. Reported with its group:

- **host escape** (warning): `ALL`, `SYS_ADMIN`, `SYS_MODULE`, `SYS_RAWIO`,
  `DAC_READ_SEARCH`, `BPF`, `MAC_ADMIN`, `MAC_OVERRIDE` — each has a known
  route from the container to root on the host (mounting, kernel modules, raw
  I/O ports, `open_by_handle_at` outside the container's root, kernel programs,
  changing the security policy itself);
- **network control** (info): `NET_ADMIN` — interfaces, routes and firewall
  rules of every network namespace the container joins;
- **inspection** (info): `SYS_PTRACE`, `PERFMON`, `SYSLOG` — reading other
  processes' memory, sampling the host, reading the kernel log;
- **host-wide resources** (info): `SYS_TIME`, `SYS_NICE`, `SYS_RESOURCE`,
  `IPC_LOCK`, `LEASE`, `SYS_BOOT`, `WAKE_ALARM`, `BLOCK_SUSPEND` — the clock,
  scheduling, memory locking and power state shared with every other workload.

`CAP_` prefixes and lower case are accepted, as Docker accepts them.

## Why it matters

Capabilities are root's powers split into pieces. The default set is chosen so
that the container's root is only root inside the container; each of these adds
a power over the machine or its neighbours.

## Bad

```yaml
services:
  backup:
    image: acme/backup:3.0
    cap_add: [SYS_ADMIN]
```

## Good

```yaml
services:
  backup:
    image: acme/backup:3.0
    cap_drop: [ALL]
    cap_add: [CHOWN, DAC_OVERRIDE]
```

## References

- CIS Docker Benchmark v1.6.0, 5.4: ensure that Linux kernel capabilities are restricted
  within containers.
- capabilities(7).
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Severity, Violation
from composelint.model.nodes import scalar_items

from .helpers import value_span, violation

code = "CMP803"
name = "cap-add-dangerous"
summary = "cap_add of a capability that acts on the host or other containers"
severity = "warning"

# group -> (capabilities, what they allow, severity)
GROUPS: tuple[tuple[str, frozenset[str], str, Severity], ...] = (
    (
        "host escape",
        frozenset(
            {"ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_RAWIO", "DAC_READ_SEARCH", "BPF"}
            | {"MAC_ADMIN", "MAC_OVERRIDE"}
        ),
        "a known route to root on the host",
        Severity.WARNING,
    ),
    (
        "network control",
        frozenset({"NET_ADMIN"}),
        "control of interfaces, routes and firewall rules",
        Severity.INFO,
    ),
    (
        "inspection",
        frozenset({"SYS_PTRACE", "PERFMON", "SYSLOG"}),
        "reading other processes or the host kernel's state",
        Severity.INFO,
    ),
    (
        "host-wide resources",
        frozenset(
            {"SYS_TIME", "SYS_NICE", "SYS_RESOURCE", "IPC_LOCK", "LEASE", "SYS_BOOT"}
            | {"WAKE_ALARM", "BLOCK_SUSPEND"}
        ),
        "a lever over resources every workload on the host shares",
        Severity.INFO,
    ),
)
HELP = "remove it, or drop ALL and add back only what the service uses"


def normalise(capability: str) -> str:
    cap = capability.strip().upper()
    return cap[4:] if cap.startswith("CAP_") else cap


def group_of(capability: str) -> tuple[str, str, Severity] | None:
    cap = normalise(capability)
    for group, members, allows, sev in GROUPS:
        if cap in members:
            return group, allows, sev
    return None


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        for item in scalar_items(svc.get("cap_add")):
            found = group_of(str(item.value))
            if found is None:
                continue
            group, allows, sev = found
            span, related = value_span(item)
            yield violation(
                f"{sname} adds {normalise(str(item.value))} ({group}: {allows})",
                span,
                help=HELP,
                related=related,
                severity=sev,
            )
