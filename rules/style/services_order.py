"""Services not in alphabetical order (opt-in).

## What it catches

In each compose file, a service whose name sorts before the service above it.
Off by default: select it to keep long files easy to scan.

## Why it matters

It does not change what Compose runs. In a file with dozens of services,
alphabetical order makes a service easy to find and keeps additions from
landing at random places (fewer merge conflicts).

## Bad

```yaml
services:
  web:
    image: acme/web:1.8
  api:
    image: acme/api:2.0
```

## Good

```yaml
services:
  api:
    image: acme/api:2.0
  web:
    image: acme/web:1.8
```

## Fix safety

The fix reorders the services' lines (with the comments directly above each);
it is offered only for block mappings without anchors or aliases.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.findings import Violation
from composelint.model.nodes import Mapping
from composelint.model.project import Project

from ..security.helpers import violation
from .helpers import compose_documents, first_out_of_order, reorder_fix, sorted_order

code = "CMP709"
name = "services-order"
summary = "Services that are not in alphabetical order"
severity = "info"
default_enabled = False


def rank(key: str) -> str:
    return key.lower()


def check(project: Project) -> Iterator[Violation]:
    for _display, root in compose_documents(project):
        services = root.get("services")
        if not isinstance(services, Mapping):
            continue
        keys = list(services.items)
        found = first_out_of_order(keys, rank)
        if found is None:
            continue
        i, before = found
        yield violation(
            f"service {keys[i]} is out of alphabetical order",
            services.key_spans.get(keys[i]),
            help=f"move it before {keys[before]}",
            fix=reorder_fix(project, services, sorted_order(keys, rank), "sort the services"),
        )
