"""A `# composelint: disable=...` comment that suppresses nothing.

## What it catches

A suppression comment whose rule reported nothing on the line it covers (or, for
`disable-file`, anywhere in the file), a suppression naming a rule that does not
exist, and a `composelint:` comment that is not a valid directive. A suppression
is only called unused when its rule actually ran on the file: deselecting a rule
(`--ignore`, `ignore`, `per-file-ignores`) does not make its suppressions unused.
The finding offers a fix that deletes the comment when nothing in it is used.

Suppressions are applied by the filter stage after every rule has run, so this
rule's findings come from there; the rule itself only reports when selected.

## Why it matters

A stale suppression silently hides the next real problem on that line: once the
original finding is fixed, the comment keeps waiting for a new one. A misspelt
rule name suppresses nothing at all, so the finding it was meant for stays and the
comment misleads readers into thinking it was reviewed.

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app@db:5432/app  # composelint: disable=host-loopback
  db:
    image: postgres:16
```

## Good

```yaml
services:
  app:
    image: acme/app
    environment:
      # development only: the database runs on the developer's machine
      # composelint: disable=host-loopback
      DATABASE_URL: postgresql://app@localhost:5432/app
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

code = "CMP901"
name = "unused-suppression"
summary = "A suppression comment that suppresses nothing, or names an unknown rule"
severity = "info"


def check(project: RuleContext) -> Iterator[Violation]:
    """Nothing: unused suppressions are known only after every rule has run
    (``composelint.lint.filters.Pipeline.unused_suppressions``)."""
    return iter(())
