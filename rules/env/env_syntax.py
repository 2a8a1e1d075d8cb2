"""A line of a `.env` file that Compose cannot parse.

## What it catches

Lines of the project `.env`, an `--env-file` or a service `env_file` that
Compose's dotenv parser rejects: an unterminated quoted value, a space inside a
key (`MY KEY=1`), a key with characters Compose does not accept. The finding
points at the line and column where parsing failed. Each file is reported once,
however many services read it. Env files that Compose does not read (an
`.env.example`, another `.env.*` file in the project directory) are checked too,
as warnings: they break the day someone copies or passes them.

## Why it matters

Compose refuses to load the project ("line 3: unterminated quoted value",
"key cannot contain a space"), or, for a service `env_file`, refuses to create
the container. Other tools (python-dotenv, shells) often skip such a line
silently, so the file may have "worked" elsewhere.

## Bad

```dotenv
DATABASE_URL="postgresql://app:secret@db:5432/app
MY KEY=1
```

## Good

```dotenv
DATABASE_URL="postgresql://app:secret@db:5432/app"
MY_KEY=1
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.env_inventory import ENV_FILE, INCLUDE, INTERPOLATION, env_files
from composelint.model.context import RuleContext
from composelint.model.findings import Severity, Violation

from ..core.helpers import problem_violations

code = "CMP401"
name = "env-syntax"
summary = "A .env line that Compose cannot parse"
severity = "error"


def check(project: RuleContext) -> Iterator[Violation]:
    yield from problem_violations(project, name)
    for ef in env_files(project):
        if ef.roles & {INTERPOLATION, ENV_FILE}:
            continue  # the resolver parsed it and recorded its errors
        level = Severity.ERROR if INCLUDE in ef.roles else Severity.WARNING
        for err in ef.parsed.errors:
            yield Violation(err.message, err.span, severity=level)
