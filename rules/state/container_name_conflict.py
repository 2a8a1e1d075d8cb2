"""A container_name that a container of another project (or no project) already holds.

## What it catches

With a `--state` snapshot: a service's `container_name` is the name of an existing
container that is not this service's container: one of another compose project,
of another service of this project (a warning: two services that share a
`container_name`, usually under different profiles, cannot run together), or one
started with `docker run`.

## Why it matters

Container names are unique per engine. `docker compose up` stops with
`Conflict. The container name "/db" is already in use by container ...`, or, worse,
after someone removes the other container, two projects fight over one name.
Rename one of them, or drop `container_name` and let Compose generate
`<project>-<service>-1`.

## Bad

```yaml
name: shop
services:
  db:
    image: postgres:16
    container_name: db
```

```json
[{"Id": "c3", "Name": "/db", "State": {"Running": true},
  "Config": {"Image": "postgres:15", "Env": [], "Labels": {
    "com.docker.compose.project": "blog", "com.docker.compose.service": "db"}},
  "NetworkSettings": {"Networks": {"blog_default": {}}}}]
```

## Good

```yaml
name: shop
services:
  db:
    image: postgres:16
    container_name: shop-db
```

```json
[{"Id": "c3", "Name": "/db", "State": {"Running": true},
  "Config": {"Image": "postgres:15", "Env": [], "Labels": {
    "com.docker.compose.project": "blog", "com.docker.compose.service": "db"}},
  "NetworkSettings": {"Networks": {"blog_default": {}}}}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Severity, Violation
from composelint.model.nodes import Scalar

from .helpers import engine_state, snapshot_entry, violation

code = "CMP955"
name = "container-name-conflict"
summary = "A container_name that a container of another project already holds"
severity = "error"


def check(project: RuleContext) -> Iterator[Violation]:
    state = engine_state(project)
    if state is None or not state.has_containers:
        return
    for service, svc in project.services.items():
        node = svc.get("container_name")
        if not isinstance(node, Scalar) or not isinstance(node.value, str) or not node.value:
            continue
        other = state.named(node.value)
        if other is None or (other.project == project.name and other.service == service):
            continue
        if other.project is None:
            owner = "a container not created by Compose (docker run)"
        elif other.project == project.name:  # two services, one name: profiles?
            owner = f'the container of service "{other.service}" of this project'
        else:
            owner = f'a container of project "{other.project}" (service "{other.service}")'
        same = other.project == project.name
        yield violation(
            f'container_name "{node.value}" is taken by {owner}',
            node.span,
            snapshot_entry(other),
            note=f'docker compose up fails: Conflict. The container name "/{node.value}" is '
            "already in use",
            help="rename one of them, or drop container_name",
            severity=Severity.WARNING if same else None,
        )
