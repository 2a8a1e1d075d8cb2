"""A service's `depends_on` not in alphabetical order (opt-in).

## What it catches

A `depends_on` entry (list or mapping) that sorts before the entry above it.
Off by default.

## Why it matters

It does not change the start order (Compose follows the dependency graph, not
the list). A sorted list shows at a glance whether a dependency is there.

## Bad

```yaml
services:
  app:
    image: acme/app:1.0
    depends_on: [redis, db]
  db:
    image: postgres:16
  redis:
    image: redis:7.4
```

## Good

```yaml
services:
  app:
    image: acme/app:1.0
    depends_on: [db, redis]
  db:
    image: postgres:16
  redis:
    image: redis:7.4
```

## Fix safety

The fix reorders the entries' lines; it is offered only for block lists and
mappings without anchors or aliases.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.nodes import Mapping, Node, Scalar, Sequence
from composelint.model.span import Span

from .helpers import compose_documents, ordering_violation

code = "CMP713"
name = "depends-on-order"
summary = "A service's depends_on entries that are not in alphabetical order"
severity = "info"
default_enabled = False


def _entries(deps: Node) -> list[tuple[str, Span | None]]:
    if isinstance(deps, Mapping):
        return [(k, deps.key_spans.get(k)) for k in deps.items]
    if isinstance(deps, Sequence):
        return [(str(i.value), i.span) for i in deps.items if isinstance(i, Scalar)]
    return []


def check(project: RuleContext) -> Iterator[Violation]:
    for _display, root in compose_documents(project):
        services = root.get("services")
        for svc in services.items.values() if isinstance(services, Mapping) else ():
            deps = svc.get("depends_on") if isinstance(svc, Mapping) else None
            if deps is None:
                continue
            entries = [(name, span, name.lower()) for name, span in _entries(deps)]
            found = ordering_violation(
                project, deps, entries, str, "alphabetical order", "sort depends_on"
            )
            if found is not None:
                yield found
