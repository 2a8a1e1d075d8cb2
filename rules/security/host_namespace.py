"""A service that shares a namespace with the host: network, PID, IPC, UTS or user.

## What it catches

`pid: host` and `ipc: host` (warning), and `network_mode: host`, `uts: host`
and `userns_mode: host` (info).

## Why it matters

Namespaces are what make a container a container. `pid: host` shows it every
process on the machine and lets its root signal or trace them; `ipc: host` opens
the host's shared memory. `network_mode: host` puts it on the host's network
stack, where it can reach services the host keeps on `127.0.0.1` and listens on
every interface past the firewall; `uts: host` gives it the host's hostname
(and, with `SYS_ADMIN`, the power to change it);
`userns_mode: host` undoes user-namespace remapping for it, so its root is
the host's root. Sometimes that is the point (a monitoring agent, a DHCP server):
suppress the finding there with the reason.

## Bad

```yaml
services:
  agent:
    image: acme/agent:4.2
    pid: host
```

## Good

```yaml
services:
  agent:
    image: acme/agent:4.2
    pid: service:app
  app:
    image: acme/app:1.0
```

## References

- CIS Docker Benchmark v1.6.0, 5.10 (network), 5.16 (PID), 5.17 (IPC),
  5.21 (UTS), 5.31 (user namespaces).
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Severity, Violation

from .helpers import key_or_value_span, text, violation

code = "CMP807"
name = "host-namespace"
summary = "A service shares the host's PID, IPC, network, UTS or user namespace"
severity = "warning"

# field -> (what the host namespace gives the container, severity)
FIELDS = {
    "pid": ("sees and signals every host process", Severity.WARNING),
    "ipc": ("shares the host's shared memory", Severity.WARNING),
    "network_mode": ("is on the host's network stack", Severity.INFO),
    "uts": ("shares the host's hostname namespace", Severity.INFO),
    "userns_mode": ("is not user-namespace remapped", Severity.INFO),
}
HELP = "remove it, or share the namespace of one service (service:NAME) instead"


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        for field, (what, sev) in FIELDS.items():
            if (text(svc.get(field)) or "").lower() != "host":
                continue
            span, related = key_or_value_span(svc, field)
            yield violation(
                f"{sname} {what} ({field}: host)", span, help=HELP, related=related, severity=sev
            )
