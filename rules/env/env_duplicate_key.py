"""The same key set twice in one env file.

## What it catches

A key assigned more than once in a `.env`, `--env-file`, `env_file` target or
example file. The finding points at the second (and every later) assignment.

## Why it matters

Compose keeps the last value and drops the earlier one without a word, so the
line you edit may not be the line that counts. Two values for one key usually
mean a merge or copy-paste accident: one of them is stale.

## Bad

```dotenv
DATABASE_URL=postgresql://app@db:5432/app
REDIS_URL=redis://redis:6379/0
DATABASE_URL=postgresql://app@localhost:5432/app
```

## Good

```dotenv
DATABASE_URL=postgresql://app@db:5432/app
REDIS_URL=redis://redis:6379/0
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.env_inventory import env_files
from composelint.load.dotenv import EnvEntry
from composelint.model.context import RuleContext
from composelint.model.findings import Related, Violation

code = "CMP402"
name = "env-duplicate-key"
summary = "A key assigned more than once in the same env file"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    for ef in env_files(project):
        first: dict[str, EnvEntry] = {}
        for entry in ef.parsed.entries:
            earlier = first.setdefault(entry.key, entry)
            if earlier is entry:
                continue
            yield Violation(
                f'"{entry.key}" is already set on line {earlier.line}',
                entry.key_span,
                (Related(earlier.key_span, f'"{entry.key}" first set here'),),
                note=f"the last assignment wins, so line {earlier.line} is silently ignored",
                help="keep only one of them",
            )
