"""An `include` that points at a remote resource (Git or OCI) is not checked.

## What it catches

An `include` entry whose path is a Git URL (`git@...`, `https://...git`) or an
OCI artifact (`oci://...`). composelint never fetches anything over the network,
so the services and networks such an include would add are unknown.

## Why it matters

References to resources defined remotely cannot be verified: a `depends_on` or
network name that only the remote file defines may or may not exist. This is
informational: it tells you which part of the project was not linted. Vendor the
file (or lint it separately) to have it checked.

## Bad

```yaml
include:
  - oci://docker.io/acme/database-stack:1.0
services:
  web:
    image: nginx
    depends_on: [db]
```

## Good

```yaml
include:
  - ./vendor/database-stack/compose.yaml
services:
  web:
    image: nginx
    depends_on: [db]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import problem_violations

code = "CMP010"
name = "remote-include"
summary = "A remote (Git or OCI) include is not fetched, so it is not checked"
severity = "info"


def check(project: RuleContext) -> Iterator[Violation]:
    return problem_violations(project, name)
