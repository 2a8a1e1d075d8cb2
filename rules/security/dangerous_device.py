"""A device that reaches the host's memory or disks passed to a container.

## What it catches

`devices` entries whose host side is `/dev/mem`, `/dev/kmem`, `/dev/port`,
the whole `/dev`, or a block device (`/dev/sda`, `/dev/nvme0n1`, `/dev/vdb`,
`/dev/xvda`, `/dev/mmcblk0`, `/dev/loop0`, `/dev/dm-0`, `/dev/md0`,
`/dev/mapper/...`, `/dev/disk/...`), and `device_cgroup_rules` that allow every
device (`a *:* rwm`) or block devices (`b ...`).

## Why it matters

The container reads and writes these devices directly, whatever its
capabilities: a disk device means the host's filesystems (edit `/etc/shadow`
on the raw disk), `/dev/mem` the host's physical memory.

## Bad

```yaml
services:
  app:
    image: acme/app:1.0
    devices:
      - /dev/sda:/dev/sda
```

## Good

```yaml
services:
  app:
    image: acme/app:1.0
    volumes:
      - /srv/app-data:/data
```

## References

- CIS Docker Benchmark v1.6.0, 5.18: ensure that host devices are not directly exposed
  to containers.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.nodes import Mapping, Sequence, scalar_items
from composelint.regex import lazy_pattern

from .helpers import text, value_span, violation

code = "CMP808"
name = "dangerous-device"
summary = "A host memory or block device (or every device) passed to a container"
severity = "warning"

MEMORY = frozenset({"/dev/mem", "/dev/kmem", "/dev/port", "/dev"})
BLOCK = lazy_pattern(
    r"/dev/(?:[shv]d[a-z]+\d*|xvd[a-z]+\d*|nvme\d+(?:n\d+(?:p\d+)?)?|mmcblk\d+(?:p\d+)?"
    r"|loop\d+|dm-\d+|md\d+|sr\d+|mapper/.+|disk/.+)"
)
HELP = "remove the device; mount the data (volumes:) if the service only needs files"


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        devices = svc.get("devices")
        for entry in devices.items if isinstance(devices, Sequence) else ():
            source = text(entry.get("source")) if isinstance(entry, Mapping) else None
            if source is None:
                continue
            source = source.rstrip("/") or "/"
            if source in MEMORY or BLOCK.fullmatch(source):
                kind = "block device" if source not in MEMORY else "device"
                yield violation(f"{sname} gets the host {kind} {source}", entry.span, help=HELP)
        for rule in scalar_items(svc.get("device_cgroup_rules")):
            words = str(rule.value).split()
            if words and words[0] in ("a", "b"):
                span, related = value_span(rule)
                yield violation(
                    f"{sname} may use {'every device' if words[0] == 'a' else 'block devices'}"
                    f" ({rule.value})",
                    span,
                    help=HELP,
                    related=related,
                )
