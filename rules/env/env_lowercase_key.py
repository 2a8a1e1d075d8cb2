"""A lower-case letter in an env file key (off by default).

## What it catches

Keys such as `db_host` or `Api_Key` in an env file. Enable it with
`--select env-lowercase-key` (or `CMP411`) if your team writes keys in upper case.

## Why it matters

Variable names are case-sensitive: `${DB_HOST}` does not see `db_host`.
Upper-case names are the convention for environment variables, and mixing cases
is a classic source of "the variable is set but not picked up".

## Bad

```dotenv
db_host=postgres
```

## Good

```dotenv
DB_HOST=postgres
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.env_inventory import env_files
from composelint.model.context import RuleContext
from composelint.model.findings import Violation

code = "CMP411"
name = "env-lowercase-key"
summary = "An env file key with lower-case letters"
severity = "info"
default_enabled = False


def check(project: RuleContext) -> Iterator[Violation]:
    for ef in env_files(project):
        for entry in ef.parsed.entries:
            if entry.key != entry.key.upper():
                yield Violation(
                    f'"{entry.key}" has lower-case letters',
                    entry.key_span,
                    note="environment variable names are case-sensitive and conventionally upper case",
                    help=f"write {entry.key.upper()}",
                )
