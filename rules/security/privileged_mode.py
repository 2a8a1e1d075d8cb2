"""`privileged: true`: every capability, every host device, no seccomp or AppArmor.

## What it catches

A service with `privileged: true` (wherever it is set: the file, an override file,
an `extends` base, or a `.env` value it is interpolated from).

## Why it matters

A privileged container gets all capabilities, all of the host's devices and no
seccomp or AppArmor confinement. Escaping to root on the host takes one command
(mount the host disk, load a kernel module). What the service actually needs is
almost always narrower: one device, one capability.

## Bad

```yaml
services:
  vpn:
    image: acme/vpn:2.3
    privileged: true
```

## Good

```yaml
services:
  vpn:
    image: acme/vpn:2.3
    cap_add: [NET_ADMIN]
    devices:
      - /dev/net/tun
```

## References

- CIS Docker Benchmark v1.6.0, 5.5: ensure that privileged containers are not used.
- Compose specification: `privileged`.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import is_true, key_or_value_span, violation

code = "CMP802"
name = "privileged-mode"
summary = "privileged: true gives the container full control of the host"
severity = "warning"

HELP = "remove it and grant only the device (devices:) or capability (cap_add:) needed"


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        if is_true(svc.get("privileged")):
            span, related = key_or_value_span(svc, "privileged")
            yield violation(
                f"{sname} runs privileged",
                span,
                note="it gets every capability and host device, without seccomp or AppArmor",
                help=HELP,
                related=related,
            )
