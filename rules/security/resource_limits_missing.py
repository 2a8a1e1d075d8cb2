"""A service without a memory limit or a process (pids) limit (opt-in).

## What it catches

A service with neither `mem_limit` nor `deploy.resources.limits.memory`, or with
neither `pids_limit` nor `deploy.resources.limits.pids`. Off by default: select
it (or the `hardened` preset).

## Why it matters

Without limits one container can take all the host's memory (the kernel then
kills processes of other services too) or fork until the host's process table is
full. A limit turns that into a restart of the one service.

## Bad

```yaml
services:
  worker:
    image: acme/worker:3.1
```

## Good

```yaml
services:
  worker:
    image: acme/worker:3.1
    deploy:
      resources:
        limits:
          memory: 512m
          pids: 200
```

## References

- CIS Docker Benchmark v1.6.0, 5.11 (memory) and the PIDs cgroup limit
  recommendation of section 5.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.nodes import Mapping, Node, Scalar

from .helpers import violation

code = "CMP819"
name = "resource-limits-missing"
summary = "A service without a memory limit or a pids limit"
severity = "info"
default_enabled = False

HELP = "set deploy.resources.limits.memory and .pids (or mem_limit and pids_limit)"


def _limited(node: Node | None) -> bool:
    """A limit that limits: -1 and 0 mean unlimited (``pids_limit: -1``)."""
    if not isinstance(node, Scalar) or node.value is None:
        return False
    return not (isinstance(node.value, int) and node.value <= 0)


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        limits = project.node("services", sname, "deploy", "resources", "limits")
        limits = limits if isinstance(limits, Mapping) else Mapping()
        missing = [
            what
            for short, long_key, what in (
                ("mem_limit", "memory", "memory"),
                ("pids_limit", "pids", "pids"),
            )
            if not (_limited(svc.get(short)) or _limited(limits.get(long_key)))
        ]
        if missing:
            span = project.span("services", sname, key=True)
            yield violation(f"{sname} has no {' or '.join(missing)} limit", span, help=HELP)
