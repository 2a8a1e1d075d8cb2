"""A file of the project cannot be read as text, so it cannot be linted.

## What it catches

A compose file, `.env` file or `env_file` that composelint cannot read: it does not
exist (a `-f` file, a path argument), is a directory, FIFO or device, is a symlink
loop, is not readable (permission denied), is binary (contains NUL bytes), is not
valid UTF-8, or is larger than the 8 MiB limit (stdin too). The message names the
file and the reason. A project `.env` that is a directory is a warning: Compose
ignores it, so none of its variables are set.

## Why it matters

Docker Compose refuses such a project outright. Nothing in an unreadable file can
be checked, so the run exits with status 2 ("could not lint something") whatever
the other findings are; the other files are still linted.

## Bad

```console
$ composelint -f compose.yml       # the file is called compose.yaml
$ composelint docker-compose.yml   # saved as UTF-16 by an editor
```

## Good

```yaml
# compose.yaml, saved as UTF-8 (with or without a BOM)
services:
  web:
    image: nginx:1.27
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import problem_violations

code = "CMP001"
name = "file-unreadable"
summary = "A compose or .env file cannot be read as UTF-8 text"
severity = "error"


def check(project: RuleContext) -> Iterator[Violation]:
    return problem_violations(project, name)
