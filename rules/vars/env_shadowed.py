"""An `env_file` value silently overridden by `environment:`.

## What it catches

A key that a service sets both in `environment:` and in one of its `env_file`
files, with different values (or with a bare `- KEY` in `environment:` that
finds no value). Compose keeps the `environment:` value and drops the file's
without a word.

## Why it matters

Editing the env file has no effect, which is confusing at best; at worst a bare
`- KEY` (meant as "pass it through") resolves to nothing and *removes* the value
the env file provided, leaving the variable unset in the container.

## Bad

```yaml
# app.env: LOG_LEVEL=debug
services:
  app:
    image: acme/app
    env_file: app.env
    environment:
      LOG_LEVEL: info
```

## Good

```yaml
# app.env: LOG_LEVEL=debug (the only place it is set)
services:
  app:
    image: acme/app
    env_file: app.env
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.env_inventory import env_files
from composelint.model.context import RuleContext
from composelint.model.findings import Related, Violation

code = "CMP505"
name = "env-shadowed"
summary = "An env_file value silently overridden by the service's environment"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    entries = {(ef.display, e.value_span): e for ef in env_files(project) for e in ef.assignments()}
    for shadowed in project.shadowed_env:
        service, key = shadowed.service, shadowed.key
        file_span, env_span = shadowed.env_file_span, shadowed.environment_span
        env_node = project.scalar("services", service, "environment", key)
        if env_node is None and project.node("services", service) is None:
            continue  # the service is not active
        entry = entries.get((file_span.path, file_span)) if file_span else None
        value = env_node.value if env_node is not None else None
        if entry is not None and "$" not in entry.raw_value and entry.value == value:
            continue  # same value twice: redundant, not harmful
        where = file_span.path if file_span else "an env_file"
        if value is None:
            message = f'"{key}" of service "{service}" is unset by its environment entry'
            note = (
                f'"{key}" is listed in the environment of service "{service}" without a value '
                "and is not set for interpolation, so it is unset in the container and the "
                f"value from {where} is dropped"
            )
            fix = "remove the environment entry"
        else:
            message = f'"{key}" of service "{service}" in environment: overrides its env_file'
            note = f"the value from {where} is silently ignored"
            fix = "keep it in one place"
        related = (Related(file_span, f'the ignored "{key}" of {where}'),) if file_span else ()
        yield Violation(message, env_span or file_span, related, note=note, help=fix)
