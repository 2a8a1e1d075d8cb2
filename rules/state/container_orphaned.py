"""A container of this project whose service is no longer in the file.

## What it catches

With a `--state` snapshot: a container labelled with this project's name
(`com.docker.compose.project`) whose service (`com.docker.compose.service`) the
files no longer define, not even under a profile. One-off `docker compose run`
containers are left out.

## Why it matters

Compose calls these orphans and only warns about them; they keep running, keep
their names and ports, and clients keep reaching them under names the file no
longer shows, as the post-mortem's database did. Nobody recreates them when the
configuration changes. Either put the service back in the file, or remove them
with `docker compose up -d --remove-orphans` (or `docker compose down
--remove-orphans`).

## Bad

```yaml
name: shop
services:
  app:
    image: acme/app
```

```json
[{"Id": "c2", "Name": "/shop-db-1", "State": {"Running": true},
  "Config": {"Image": "postgres:16", "Env": [], "Labels": {
    "com.docker.compose.project": "shop", "com.docker.compose.service": "db"}},
  "NetworkSettings": {"Networks": {"shop_default": {}}}}]
```

## Good

```yaml
name: shop
services:
  app:
    image: acme/app
  db:
    image: postgres:16
```

```json
[{"Id": "c2", "Name": "/shop-db-1", "State": {"Running": true},
  "Config": {"Image": "postgres:16", "Env": [], "Labels": {
    "com.docker.compose.project": "shop", "com.docker.compose.service": "db"}},
  "NetworkSettings": {"Networks": {"shop_default": {}}}}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.nodes import Mapping
from composelint.model.span import Span

from .helpers import engine_state, snapshot_entry, violation

code = "CMP954"
name = "container-orphaned"
summary = "A container of this project whose service is no longer in the file"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    state = engine_state(project)
    if state is None:
        return
    known = set(project.services) | set(project.disabled_services)
    for c in state.of_project(project.name):
        if c.service is None or c.service in known:
            continue
        status = "running" if c.running else "stopped"
        yield violation(
            f'container "{c.name}" is an orphan: service "{c.service}" is not in the file',
            _services_key(project),
            snapshot_entry(c),
            note=f"it belongs to this project ({project.name}, {status}); clients may still "
            "reach it and nothing recreates it",
            help="put the service back in the file, or remove the container: "
            "docker compose up -d --remove-orphans",
        )


def _services_key(project: RuleContext) -> Span | None:
    """The ``services:`` key of the first compose file (where a service would go)."""
    for _display, root in project.documents:
        if isinstance(root, Mapping) and "services" in root.key_spans:
            return root.key_spans["services"]
    return project.span("services", key=True)
