"""An `extends` cannot be resolved.

## What it catches

A service whose `extends` names a file that does not exist, a service that is
not defined in that file ("service "nope" not found in common/base.yaml"), or a
chain of `extends` that loops back on itself ("Circular reference"). The finding
points at the `extends` entry.

## Why it matters

Compose refuses the project. Without its base, the service has no image, ports
or environment, so nothing else about it can be checked either.

## Bad

```yaml
services:
  worker:
    extends:
      file: common.yaml
      service: wrokerbase
```

## Good

```yaml
services:
  worker:
    extends:
      file: common.yaml
      service: workerbase
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import problem_violations

code = "CMP009"
name = "extends-failed"
summary = "An extends entry cannot be resolved"
severity = "error"


def check(project: RuleContext) -> Iterator[Violation]:
    return problem_violations(project, name)
