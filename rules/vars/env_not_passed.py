"""A connection setting in the project `.env` that no container receives.

## What it catches

A variable such as `DATABASE_URL`, `REDIS_URL` or `BROKER_URL` (a URL, DSN or
host setting, by its name) defined in the project `.env` (or `--env-file`) that
no `${...}` refers to, that no `environment:` entry passes through (`- VAR` /
`VAR:`), and whose file is not listed under any service's `env_file:`.

## Why it matters

The project `.env` feeds interpolation of the compose file only. It is *not*
the containers' environment: the application never sees `DATABASE_URL` and
falls back to its default (often `localhost`), which fails inside a container.
Pass it explicitly.

## Bad

```yaml
# .env: DATABASE_URL=postgresql://app:pw@db:5432/app
services:
  app:
    image: acme/app
```

## Good

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: ${DATABASE_URL}
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from composelint.analysis.env_inventory import ENV_FILE, INTERPOLATION, env_files, used_names
from composelint.load.sources import UnreadableFile, read_text
from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.nodes import Mapping, Scalar, Sequence

code = "CMP504"
name = "env-not-passed"
summary = "A connection setting in the project .env that no service receives"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    from composelint.analysis.connstrings import VarRole, classify_variable

    roles = (VarRole.DESTINATION_URL, VarRole.DESTINATION_HOST)
    files = [
        ef for ef in env_files(project) if INTERPOLATION in ef.roles and ENV_FILE not in ef.roles
    ]
    if not files or not project.services:
        return
    used = used_names(project)
    readable = _dirs_visible_to_containers(project)
    for ef in files:
        if any(ef.path.parent == d or d in ef.path.parents for d in readable):
            continue  # a container can read the file itself (mounted or copied)
        for entry in ef.assignments():
            key = entry.key
            if key in used or key.startswith("COMPOSE_") or classify_variable(key) not in roles:
                continue
            if not _HOSTLIKE.search(entry.raw_value):
                continue  # empty, a boolean or a number: not a destination
            yield Violation(
                f'"{key}" is set in {ef.display}, but no container sees it',
                entry.key_span,
                note=f"{ef.display} only feeds ${{...}} interpolation, nothing uses {key} and no "
                "service lists this file under env_file",
                help=f"pass it with environment: {{{key}: ${{{key}}}}} or env_file",
            )


_HOSTLIKE = re.compile(r"[A-Za-z]")
_DOCKERIGNORE_ENV = re.compile(r"^[ \t]*(?:\*\*/)?(?:\.env\*?|\*\.env|\.env\.\*)[^\S\n]*$", re.M)


def _dirs_visible_to_containers(project: RuleContext) -> list[Path]:
    """Directories whose files a container can read: bind-mount sources, and build
    contexts whose .dockerignore does not leave out .env files (COPY . . bakes the
    .env into the image, where an app's dotenv loader finds it)."""
    out: list[Path] = []
    for svc in project.services.values():
        volumes = svc.get("volumes")
        for vol in volumes.items if isinstance(volumes, Sequence) else ():
            if isinstance(vol, Mapping) and _value(vol, "type") == "bind":
                source = _value(vol, "source")
                if source:
                    out.append(Path(source))
        build = svc.get("build")
        context = _value(build, "context") if isinstance(build, Mapping) else None
        if context and Path(context).is_dir():
            try:
                ignore = read_text(Path(context) / ".dockerignore")
            except UnreadableFile:
                ignore = ""
            if not _DOCKERIGNORE_ENV.search(ignore):
                out.append(Path(context))
    return out


def _value(node: Mapping, key: str) -> str | None:
    v = node.get(key)
    return str(v.value) if isinstance(v, Scalar) and v.value is not None else None
