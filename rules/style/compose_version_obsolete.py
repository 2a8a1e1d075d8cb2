"""The obsolete top-level `version:` key.

## What it catches

A top-level `version:` in a compose file (`version: "3.8"`).

## Why it matters

Compose v2 ignores it and warns "the attribute `version` is obsolete, it will be
ignored". It does not select a file format or enable features any more, so it
only misleads readers into thinking some limits of the old formats apply.

## Bad

```yaml
version: "3.8"
services:
  web:
    image: nginx
```

## Good

```yaml
services:
  web:
    image: nginx
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Edit, Fix, Violation
from composelint.model.nodes import Mapping
from composelint.model.span import Span

code = "CMP701"
name = "compose-version-obsolete"
summary = "The obsolete top-level version key"
severity = "info"


def check(project: RuleContext) -> Iterator[Violation]:
    for doc in project.documents:
        root = doc.root
        if not isinstance(root, Mapping) or "version" not in root.items:
            continue
        key = root.key_spans.get("version")
        value = root.items["version"].span
        if key is None:
            continue
        fix = None
        if value is not None and key.col == 1:
            fix = Fix(
                "delete the version line",
                (Edit(Span(key.path, key.line, 1, value.end_line + 1, 1), ""),),
                applicability=Applicability.SAFE,
            )
        yield Violation(
            "the top-level version key is obsolete",
            key,
            fix=fix,
            note="Compose ignores it (and warns)",
            help="delete it",
        )
