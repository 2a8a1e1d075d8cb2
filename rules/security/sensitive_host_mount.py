"""A bind mount that shows the container a sensitive part of the host.

## What it catches

A read-only bind mount of `/etc`, `/root`, `/boot`, `/proc`, `/sys`, `/dev`,
`/var/lib/docker` and the other root-equivalent paths `writable-host-mount`
lists, and any mount of `/home`, `/etc/shadow`, `/var/lib/kubelet` or of a
credential directory (`~/.ssh`, `~/.aws` ...) that `writable-host-mount` does
not already report. Single files such as `/etc/localtime` are not reported.

## Why it matters

Read access still discloses the host: password hashes, private keys, cloud
credentials, other containers' configuration and secrets under
`/var/lib/docker`. Monitoring agents (node-exporter, cAdvisor) mount `/proc`,
`/sys` read-only on purpose: suppress the finding there with the reason. A mount
of `/` is `runtime-socket-mounted`: it carries the Docker socket with it.

## Bad

```yaml
services:
  deploy:
    image: acme/deployer:1.2
    volumes:
      - ~/.ssh:/root/.ssh:ro
```

## Good

```yaml
services:
  deploy:
    image: acme/deployer:1.2
    secrets: [deploy_key]
secrets:
  deploy_key:
    file: ./deploy_key
```

## References

- CIS Docker Benchmark v1.6.0, 5.6: ensure sensitive host system directories are not
  mounted on containers.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import (
    SENSITIVE,
    bind_mounts,
    credential_dir,
    is_runtime_socket,
    violation,
    writable_host_root,
)

code = "CMP809"
name = "sensitive-host-mount"
summary = "A bind mount of host credentials or system directories"
severity = "info"

HELP = "mount only the files the service needs, or pass credentials as secrets:"


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        for mount in bind_mounts(svc):
            if writable_host_root(mount) or is_runtime_socket(mount.source):
                continue  # writable-host-mount or runtime-socket-mounted reports it
            if mount.source not in SENSITIVE and credential_dir(mount.source) is None:
                continue
            mode = "read-only" if mount.read_only else "writable"
            span, related = mount.source_at()
            yield violation(
                f"{sname} mounts the host's {mount.source} ({mode})",
                span,
                help=HELP,
                related=related,
            )
