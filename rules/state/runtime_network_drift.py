"""A container of the project on other networks than the file gives its service.

## What it catches

With a `--state` snapshot: a container that Compose created for a service of this
project is attached to a network the file does not give the service (someone ran
`docker network connect`), or is missing a network the file gives it (someone ran
`docker network disconnect`, or the file gained the network after the container
was created). Services with `network_mode` are not checked.

## Why it matters

A hand-made attachment is a fix that lives only in the engine: when Compose
recreates the container (the next `docker compose up` after a change, `down` and
`up`, a new image), the container gets exactly the networks of the file and the
connection that worked breaks again. The post-mortem's fix was such a
`docker network connect`. Put the network in the file instead (as an `external`
network with its `name:` when another project owns it); for a missing network, run
`docker compose up -d` to recreate the container.

## Bad

```yaml
name: shop
services:
  app:
    image: acme/app
```

```json
[{"Id": "c1", "Name": "/shop-app-1", "State": {"Running": true},
  "Config": {"Image": "acme/app", "Env": [], "Labels": {
    "com.docker.compose.project": "shop", "com.docker.compose.service": "app"}},
  "NetworkSettings": {"Networks": {"shop_default": {}, "legacy_backend": {}}}}]
```

## Good

```yaml
name: shop
services:
  app:
    image: acme/app
    networks: [default, backend]
networks:
  backend:
    external: true
    name: legacy_backend
```

```json
[{"Id": "c1", "Name": "/shop-app-1", "State": {"Running": true},
  "Config": {"Image": "acme/app", "Env": [], "Labels": {
    "com.docker.compose.project": "shop", "com.docker.compose.service": "app"}},
  "NetworkSettings": {"Networks": {"shop_default": {}, "legacy_backend": {}}}}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.span import Span

from .helpers import (
    engine_state,
    file_networks,
    networks_phrase,
    service_containers,
    snapshot_entry,
    violation,
)

code = "CMP952"
name = "runtime-network-drift"
summary = "A container of the project on other networks than the file gives its service"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    state = engine_state(project)
    if state is None:
        return
    for service, c in service_containers(project, state):
        wanted = file_networks(project, service)
        if wanted is None:
            continue
        actual = frozenset(c.network_names)
        span = _networks_span(project, service)
        extra, missing = actual - wanted, wanted - actual
        if extra:
            yield violation(
                f'container "{c.name}" is on a network the file does not give "{service}"',
                span,
                snapshot_entry(c),
                note=f"{networks_phrase(extra)}, attached by hand (docker network connect?): "
                "Compose drops the attachment when it recreates the container",
                help=f"add the network to the networks of {service} (external: true with its "
                "name: when another project owns it)",
            )
        if missing:
            yield violation(
                f'container "{c.name}" is missing a network the file gives "{service}"',
                span,
                snapshot_entry(c),
                note=f"{networks_phrase(missing)}: disconnected by hand, or created before the "
                "file changed; docker restart keeps it that way",
                help=f"recreate it: docker compose up -d {service}",
            )


def _networks_span(project: RuleContext, service: str) -> Span | None:
    """The service's ``networks:``; its name when the file leaves it implicit
    (Compose then gives it the ``default`` network)."""
    svc = project.services[service]
    nets = svc.get("networks")
    if nets is None or nets.span is None or nets.span == svc.span:
        return project.span("services", service, key=True)
    return nets.span
