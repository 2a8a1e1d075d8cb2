"""A local build context or Dockerfile that does not exist.

## What it catches

A service `build:` whose local context directory does not exist, or whose
Dockerfile (`Dockerfile` by default, or `build.dockerfile`, relative to the
context) is not there. Remote contexts (Git and HTTP URLs) and
`dockerfile_inline` are not checked.

## Why it matters

`docker compose config` accepts the project, but `docker compose build` and
`up` fail ("unable to prepare context: path not found", "failed to read
dockerfile"). It is a warning, not an error: a project that also names an
`image:` may never build locally (CI pulls the image), and some contexts are
generated or checked out (submodules) before the build.

## Bad

```yaml
services:
  api:
    build: ./backend        # the directory is called ./api
```

## Good

```yaml
services:
  api:
    build:
      context: ./api
      dockerfile: Dockerfile.prod
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.nodes import Mapping, Scalar
from composelint.regex import lazy_pattern

code = "CMP603"
name = "build-context-missing"
summary = "A local build context or Dockerfile that does not exist"
severity = "warning"

_REMOTE = lazy_pattern(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/)", re.IGNORECASE)


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        build = svc.get("build")
        if not isinstance(build, Mapping):
            continue
        context = build.get("context")
        if not isinstance(context, Scalar) or not isinstance(context.value, str):
            continue
        if any(s.source in ("unset", "error") for s in context.subs):
            continue
        written = context.raw if isinstance(context.raw, str) else context.value
        if _REMOTE.match(context.value) or _REMOTE.match(written):
            continue
        ctx = Path(context.value)
        if not ctx.is_absolute():
            continue
        if not ctx.is_dir():
            state = "is not a directory" if ctx.exists() else "does not exist"
            yield Violation(
                f'build context "{written}" of service "{sname}" {state}',
                context.span,
                note='docker compose build fails with "unable to prepare context"',
                help="fix the path",
            )
            continue
        if "dockerfile_inline" in build.items:
            continue
        dockerfile = build.get("dockerfile")
        name_ = (
            str(dockerfile.value)
            if isinstance(dockerfile, Scalar) and dockerfile.value
            else "Dockerfile"
        )
        path = ctx / name_
        if path.is_file() or (name_ == "Dockerfile" and (ctx / "dockerfile").is_file()):
            continue
        span = (
            dockerfile.span if isinstance(dockerfile, Scalar) and dockerfile.span else context.span
        )
        yield Violation(
            f'Dockerfile "{name_}" of service "{sname}" does not exist in its build context',
            span,
            note=f'the build context is "{written}": docker compose build fails',
            help="fix build.dockerfile or add the file",
        )
