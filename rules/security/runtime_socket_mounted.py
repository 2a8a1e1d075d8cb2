"""A container runtime's control socket (Docker, containerd, Podman, CRI-O) bind-mounted.

## What it catches

A bind mount whose host source is a runtime API socket
(`/var/run/docker.sock`, `/run/containerd/containerd.sock`,
`/run/podman/podman.sock`, `/run/user/1000/docker.sock` ...) or a directory that
holds one (`/var/run`, `/run`, `/run/containerd` ..., and `/` and `/var`
themselves), read-only or not.

## Why it matters

Whoever can talk to the socket can ask the daemon to start a privileged container
with the host's `/` mounted: it is root on the host. `:ro` does not help: it makes
the socket file read-only, not the API behind it, so requests still go through
(connecting to a Unix socket is not a write to the filesystem). A monitoring agent
that mounts the host's `/` read-only can reach the socket under it the same way.

## Bad

```yaml
services:
  dashboard:
    image: acme/dashboard:1.4
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
```

## Good

```yaml
services:
  dashboard:
    image: acme/dashboard:1.4
    environment:
      DOCKER_HOST: tcp://docker-api.internal.example:2375
```

When a service must own the socket (a filtering API proxy), suppress the finding
on its mount with the reason: `# composelint: disable=runtime-socket-mounted`.

## Fix safety

No fix is offered. Adding `:ro` would be the obvious edit, but it does not restrict
the API behind the socket (see above), so it would look like a fix without being
one; what does help (a filtering proxy, no mount) needs the user's decision.

## References

- CIS Docker Benchmark v1.6.0, 5.32: ensure that the Docker socket is not mounted inside
  any containers.
- OWASP Docker Security Cheat Sheet, rule 1.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import SOCKET_DIRS, bind_mounts, is_runtime_socket, violation

code = "CMP801"
name = "runtime-socket-mounted"
summary = "A Docker, containerd, Podman or CRI-O control socket mounted into a container"
severity = "warning"

HELP = "remove the mount, or give the service a filtering API proxy instead of the socket"


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        for mount in bind_mounts(svc):
            if not is_runtime_socket(mount.source):
                continue
            what = (
                f"the host's {mount.source}, which holds the container runtime socket"
                if mount.source in SOCKET_DIRS
                else f"the container runtime socket {mount.source}"
            )
            span, related = mount.source_at()
            yield violation(
                f"{sname} mounts {what}",
                span,
                related=related,
                note="read-only does not restrict the API" if mount.read_only else None,
                help=HELP,
            )
