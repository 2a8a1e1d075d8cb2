"""A service that keeps Docker's default capabilities instead of `cap_drop: [ALL]` (opt-in).

## What it catches

A service whose `cap_drop` does not contain `ALL`. Off by default: select it (or
the `hardened` preset) for production stacks.

## Why it matters

Docker grants every container 14 capabilities (`CHOWN`, `DAC_OVERRIDE`,
`NET_RAW`, `SETUID`, `MKNOD` ...). Most services need none or a few of them;
each one left is something an attacker with code execution can use
(`NET_RAW` spoofs packets on the network, `DAC_OVERRIDE` ignores file permissions).

## Bad

```yaml
services:
  api:
    image: acme/api:2.0
```

## Good

```yaml
services:
  api:
    image: acme/api:2.0
    cap_drop: [ALL]
    cap_add: [NET_BIND_SERVICE]
```

## References

- CIS Docker Benchmark v1.6.0, 5.4: ensure that Linux kernel capabilities are restricted
  within containers.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.nodes import scalar_items

from .cap_add_dangerous import normalise
from .helpers import violation

code = "CMP804"
name = "cap-drop-all-missing"
summary = "A service without cap_drop: [ALL] keeps Docker's default capabilities"
severity = "info"
default_enabled = False

HELP = "add cap_drop: [ALL] and cap_add only what the service needs"


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        if any(normalise(str(c.value)) == "ALL" for c in scalar_items(svc.get("cap_drop"))):
            continue
        span = svc.key_span("cap_drop") or project.span("services", sname, key=True)
        yield violation(f"{sname} does not drop the default capabilities", span, help=HELP)
