"""Env file keys out of alphabetical order (off by default).

## What it catches

Within a group of assignments (lines not separated by a blank line or a
comment), a key that sorts before the key above it. Enable it with
`--select env-unordered-key` (or `CMP412`).

## Why it matters

Sorted groups make duplicates and missing keys visible at a glance and keep
merges of `.env.example` files conflict-free. It is a team convention, not a
defect, hence off by default.

## Bad

```dotenv
POSTGRES_USER=app
POSTGRES_DB=app
```

## Good

```dotenv
POSTGRES_DB=app
POSTGRES_USER=app
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.env_inventory import env_files
from composelint.model.context import RuleContext
from composelint.model.findings import Related, Violation

code = "CMP412"
name = "env-unordered-key"
summary = "An env file key that sorts before the key above it"
severity = "info"
default_enabled = False


def check(project: RuleContext) -> Iterator[Violation]:
    for ef in env_files(project):
        previous = None
        for entry in ef.parsed.entries:
            if previous is not None:
                between = ef.text[
                    ef.line_starts[previous.value_span.end_line - 1] : ef.line_starts[
                        entry.line - 1
                    ]
                ].splitlines()[1:]
                if any(not s.strip() or s.lstrip().startswith("#") for s in between):
                    previous = None
            if previous is not None and entry.key.upper() < previous.key.upper():
                yield Violation(
                    f'"{entry.key}" should come before "{previous.key}"',
                    entry.key_span,
                    (Related(previous.key_span, f'"{previous.key}" is here'),),
                    note="keys are sorted alphabetically within a group",
                )

            else:
                previous = entry
