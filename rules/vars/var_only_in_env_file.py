"""A `${VAR}` whose only definition is in a service's `env_file`.

## What it catches

A variable used in a compose file (`${VAR}`, `$VAR`) that is not set in the
project `.env` / `--env-file` files but is set in a file listed under some
service's `env_file:`.

## Why it matters

`env_file:` only fills the *container's* environment; it never feeds
interpolation of the compose file. `${VAR}` therefore becomes an empty string
(or its default) although the value is "right there" in `app.env`: a classic
cause of `postgresql://:@db/app`-style URLs and empty image tags.

## Bad

```yaml
services:
  app:
    image: acme/app:${APP_TAG}   # APP_TAG is only in app.env
    env_file: app.env
```

## Good

```yaml
# APP_TAG moved to the project .env (interpolation); app.env keeps the
# container's own settings
services:
  app:
    image: acme/app:${APP_TAG}
    env_file: app.env
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.env_inventory import ENV_FILE, INTERPOLATION, EnvFile, env_files
from composelint.analysis.scalars import substituted
from composelint.load.dotenv import EnvEntry
from composelint.model.context import RuleContext
from composelint.model.findings import Related, Violation

code = "CMP502"
name = "var-only-in-env-file"
summary = "A ${VAR} that only a service env_file defines, which never feeds interpolation"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    defined: dict[str, tuple[EnvFile, EnvEntry]] = {}
    for ef in env_files(project):
        if ENV_FILE in ef.roles and INTERPOLATION not in ef.roles:
            for entry in ef.parsed.entries:
                defined.setdefault(entry.key, (ef, entry))
    if not defined:
        return
    for _path, node in substituted(project):
        for sub in node.subs:
            if sub.name not in defined or sub.name in project.env:
                continue
            if sub.source not in ("unset", "default", "error"):
                continue
            ef, entry = defined[sub.name]
            outcome = (
                "its default"
                if sub.source == "default"
                else "an empty string"
                if sub.source == "unset"
                else "an error"
            )
            yield Violation(
                f'"{sub.name}" is set only in {ef.display}, a service env_file',
                sub.expr_span or node.span,
                (Related(entry.key_span, f'"{sub.name}" is set here, for the container only'),),
                note=f"a service env_file never feeds interpolation: {sub.expression} becomes "
                f"{outcome}",
                help="define it in the project .env (or --env-file) instead",
            )
