"""A service's `ports` not in ascending order of their host port (opt-in).

## What it catches

A `ports` entry whose host port (the container port when none is published)
is lower than the entry's above it. Off by default.

## Why it matters

It does not change what Compose does. Sorted ports make a clash or a gap easy
to see, and the lists of different services easy to compare.

## Bad

```yaml
services:
  web:
    image: acme/web:1.8
    ports:
      - "8443:443"
      - "8080:80"
```

## Good

```yaml
services:
  web:
    image: acme/web:1.8
    ports:
      - "8080:80"
      - "8443:443"
```

## Fix safety

The fix reorders the entries' lines; it is offered only for block lists with
one entry per line start and no anchors or aliases. The list in `docker compose
config` is reordered with them; Docker publishes the same ports either way.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.nodes import Mapping, Node, Scalar, Sequence

from .helpers import compose_documents, ordering_violation

code = "CMP712"
name = "ports-order"
summary = "A service's ports that are not in ascending host-port order"
severity = "info"
default_enabled = False


def rank(entry: Node) -> tuple[int, int]:
    """(host port, container port); unknown parts (variables) sort as 0."""
    if isinstance(entry, Scalar):
        parts = str(entry.value).split("/", 1)[0].split(":")
        nums = [p.split("-", 1)[0] for p in parts[-2:]]
        host, target = (nums if len(nums) == 2 else [nums[0], nums[0]])[:2]
    elif isinstance(entry, Mapping):
        t = entry.get("target")
        p = entry.get("published")
        target = str(t.value) if isinstance(t, Scalar) else ""
        host = str(p.value).split("-", 1)[0] if isinstance(p, Scalar) else target
    else:
        return (0, 0)
    return (int(host) if host.isdigit() else 0, int(target) if target.isdigit() else 0)


def check(project: RuleContext) -> Iterator[Violation]:
    for _display, root in compose_documents(project):
        services = root.get("services")
        for svc in services.items.values() if isinstance(services, Mapping) else ():
            ports = svc.get("ports") if isinstance(svc, Mapping) else None
            if not isinstance(ports, Sequence):
                continue
            entries = [(str(p.to_plain()), p.span, p) for p in ports.items]
            found = ordering_violation(
                project, ports, entries, rank, "order", "sort the ports", noun="port "
            )
            if found is not None:
                yield found
