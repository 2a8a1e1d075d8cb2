"""A `${...}` expression that Compose cannot interpolate.

## What it catches

Variable expressions Compose rejects: `${}`, `${ VAR}` (a space), `${1VAR}` (a
name starting with a digit), an unterminated `${VAR`, and shell-only forms such
as `${VAR/a/b}`, `${VAR:0:2}` and `${#VAR}`, in compose files and in `.env`
files. The finding points at the expression itself.

## Why it matters

Compose stops with "invalid interpolation format ... You may need to escape any $
with another $". A literal `$` (in a password, a regular expression, a shell
command) must be written `$$`.

## Bad

```yaml
services:
  web:
    image: nginx:${TAG/v/}
    command: sh -c 'echo ${ HOME}'
```

## Good

```yaml
services:
  web:
    image: nginx:${TAG:-1.27}
    command: sh -c 'echo $${HOME}'
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import problem_violations

code = "CMP004"
name = "interpolation-syntax"
summary = "A ${...} expression that Compose cannot interpolate"
severity = "error"


def check(project: RuleContext) -> Iterator[Violation]:
    return problem_violations(project, name)
