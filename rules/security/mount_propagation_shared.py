"""A bind mount with `shared` or `rshared` propagation.

## What it catches

A bind mount whose propagation is `shared` or `rshared` (`./data:/data:shared`,
or `bind: {propagation: rshared}`).

## Why it matters

With shared propagation, mounts made on either side appear on the other: a
container with mount rights can place mounts into the host's tree. Docker's
default (`rprivate`) keeps them apart; `rslave` lets host mounts reach the
container without the way back.

## Bad

```yaml
services:
  storage:
    image: acme/storage:2
    volumes:
      - /mnt/data:/data:rshared
```

## Good

```yaml
services:
  storage:
    image: acme/storage:2
    volumes:
      - /mnt/data:/data:rslave
```

## References

- CIS Docker Benchmark v1.6.0, 5.20: ensure mount propagation mode is not set to shared.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import bind_mounts, violation

code = "CMP811"
name = "mount-propagation-shared"
summary = "A bind mount with shared propagation, so mounts cross between host and container"
severity = "info"

HELP = "drop the propagation option, or use rslave if host mounts must reach the container"


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        for mount in bind_mounts(svc):
            if mount.propagation in ("shared", "rshared"):
                yield violation(
                    f"{sname} mounts {mount.source} with {mount.propagation} propagation",
                    mount.span,
                    help=HELP,
                )
