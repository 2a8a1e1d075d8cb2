"""A service whose root filesystem is writable: no `read_only: true` (opt-in).

## What it catches

A service without `read_only: true`. Off by default: select it (or the
`hardened` preset).

## Why it matters

With a writable root filesystem, code execution in the container can replace its
binaries and configuration or drop tools, and the change lasts as long as the
container. Read-only root plus `tmpfs` for scratch paths and volumes for data
leaves nowhere persistent to write.

## Bad

```yaml
services:
  web:
    image: acme/web:1.8
```

## Good

```yaml
services:
  web:
    image: acme/web:1.8
    read_only: true
    tmpfs: [/tmp, /run]
```

## References

- CIS Docker Benchmark v1.6.0, 5.13: ensure that the container's root filesystem is
  mounted as read only.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import is_true, violation

code = "CMP813"
name = "read-only-missing"
summary = "A service whose root filesystem is writable (no read_only: true)"
severity = "info"
default_enabled = False

HELP = "set read_only: true and give the paths it writes a tmpfs or a volume"


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        if is_true(svc.get("read_only")):
            continue
        span = svc.key_span("read_only") or project.span("services", sname, key=True)
        yield violation(f"{sname} has a writable root filesystem", span, help=HELP)
