"""Top-level keys not in the canonical order (opt-in).

## What it catches

A top-level key that comes after one the canonical order puts later:
`x-` extensions, `version`, `name`, `include`, `services`, `models`,
`networks`, `volumes`, `secrets`, `configs`. Off by default.

## Why it matters

It does not change what Compose does. A fixed order puts the shared fragments
(`x-` anchors) before their use and the services first after the project's
identity, in every file of a repository.

## Bad

```yaml
volumes:
  data: {}
services:
  db:
    image: postgres:16
    volumes: [data:/var/lib/postgresql/data]
```

## Good

```yaml
services:
  db:
    image: postgres:16
    volumes: [data:/var/lib/postgresql/data]
volumes:
  data: {}
```

## Fix safety

The fix reorders the top-level blocks' lines; it is offered only when the file
has no anchors or aliases in them.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import compose_documents, ordering_violation

code = "CMP711"
name = "top-level-keys-order"
summary = "Top-level keys that are not in the canonical order"
severity = "info"
default_enabled = False

ORDER = [
    *("x-", "version", "name", "include", "services", "models"),
    *("networks", "volumes", "secrets", "configs"),
]


def rank(key: str) -> int:
    return 0 if key.startswith("x-") else (ORDER.index(key) if key in ORDER else len(ORDER))


def check(project: RuleContext) -> Iterator[Violation]:
    for _display, root in compose_documents(project):
        entries = [(k, root.key_spans.get(k), k) for k in root.items]
        found = ordering_violation(
            project, root, entries, rank, "the canonical top-level order", "sort the top-level keys"
        )
        if found is not None:
            yield found
