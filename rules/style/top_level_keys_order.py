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

from composelint.model.findings import Violation
from composelint.model.project import Project

from ..security.helpers import violation
from .helpers import compose_documents, first_out_of_order, reorder_fix, sorted_order

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


def check(project: Project) -> Iterator[Violation]:
    for _display, root in compose_documents(project):
        keys = list(root.items)
        found = first_out_of_order(keys, rank)
        if found is None:
            continue
        i, before = found
        yield violation(
            f"{keys[i]} is out of the canonical top-level order",
            root.key_spans.get(keys[i]),
            help=f"move it before {keys[before]}",
            fix=reorder_fix(project, root, sorted_order(keys, rank), "sort the top-level keys"),
        )
