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

- CIS Docker Benchmark 5.10 (memory), 5.28 (PIDs cgroup limit).
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.findings import Violation
from composelint.model.project import Project

from .helpers import violation

code = "CMP819"
name = "resource-limits-missing"
summary = "A service without a memory limit or a pids limit"
severity = "info"
default_enabled = False

HELP = "set deploy.resources.limits.memory and .pids (or mem_limit and pids_limit)"


def check(project: Project) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        limits = project.node("services", sname, "deploy", "resources", "limits")
        missing = []
        for short, long_key, what in (
            ("mem_limit", "memory", "memory"),
            ("pids_limit", "pids", "pids"),
        ):
            has_long = (
                limits is not None
                and project.node("services", sname, "deploy", "resources", "limits", long_key)
                is not None
            )
            if svc.get(short) is None and not has_long:
                missing.append(what)
        if missing:
            span = project.span("services", sname, key=True)
            yield violation(f"{sname} has no {' or '.join(missing)} limit", span, help=HELP)
