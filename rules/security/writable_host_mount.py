"""A writable bind mount of a host path where a write is root on the host.

## What it catches

A bind mount without `:ro` (`read_only: true`) of `/`, `/etc`, `/root`, `/boot`,
`/usr`, `/bin`, `/sbin`, `/lib`, `/proc`, `/sys`, `/dev`, `/var/lib/docker`,
`/var/lib/containerd`, cron and systemd directories, or of a credential
directory (`~/.ssh`, `~/.aws`, `~/.gnupg`, `~/.kube`, `~/.docker`).

## Why it matters

A write there runs code as root on the host: a cron entry, a systemd unit, a
changed binary, a `core_pattern` in `/proc/sys`, an `authorized_keys` line, a
container definition under `/var/lib/docker`. Monitoring agents that mount these
paths only read them.

## Bad

```yaml
services:
  agent:
    image: acme/agent:4.2
    volumes:
      - /etc:/host/etc
```

## Good

```yaml
services:
  agent:
    image: acme/agent:4.2
    volumes:
      - /etc:/host/etc:ro
```

## Fix safety

The fix appends `:ro` to a short-syntax entry that has no mode yet. A service that
really writes there fails with "Read-only file system": then it is the finding
that was right.

## References

- CIS Docker Benchmark v1.6.0, 5.6: ensure sensitive host system directories are not
  mounted on containers.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import append_fix, bind_mounts, credential_dir, violation, writable_host_root

code = "CMP810"
name = "writable-host-mount"
summary = "A writable bind mount of a host path where a write is root on the host"
severity = "warning"

HELP = "mount it read-only (:ro), or mount only the file the service needs"


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        for mount in bind_mounts(svc):
            if not writable_host_root(mount):
                continue
            what = (
                f"credential directory {mount.source}"
                if credential_dir(mount.source) and mount.source != "/"
                else mount.source
            )
            yield violation(
                f"{sname} mounts the host's {what} writable",
                mount.span,
                help=HELP,
                fix=append_fix(project, mount.span, ":ro", "mount it read-only", max_colons=1),
            )
