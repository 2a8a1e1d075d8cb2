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

from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.nodes import Mapping

from .helpers import compose_documents, ordering_violation

code = "CMP709"
name = "services-order"
summary = "Services that are not in alphabetical order"
severity = "info"
default_enabled = False


def rank(key: str) -> str:
    return key.lower()


def check(project: RuleContext) -> Iterator[Violation]:
    for _display, root in compose_documents(project):
        services = root.get("services")
        if not isinstance(services, Mapping):
            continue
        entries = [(k, services.key_spans.get(k), k) for k in services.items]
        found = ordering_violation(
            project,
            services,
            entries,
            rank,
            "alphabetical order",
            "sort the services",
            noun="service ",
        )
        if found is not None:
            yield found
