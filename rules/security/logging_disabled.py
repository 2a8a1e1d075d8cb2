"""`logging: driver: none`: everything the container prints is thrown away.

## What it catches

A service whose logging driver is `none`.

## Why it matters

With the `none` driver Docker keeps nothing of stdout and stderr: `docker compose
logs` is empty, and after an incident there is no record of what the service did.
To limit disk use, keep a driver and rotate (`max-size`, `max-file`).

## Bad

```yaml
services:
  api:
    image: acme/api:2.0
    logging:
      driver: none
```

## Good

```yaml
services:
  api:
    image: acme/api:2.0
    logging:
      driver: local
      options:
        max-size: 10m
```

## References

- Compose specification: `logging`.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.nodes import Mapping

from .helpers import key_or_value_span, text, violation

code = "CMP818"
name = "logging-disabled"
summary = "The none logging driver discards everything the container writes"
severity = "info"

HELP = "use a logging driver with rotation (driver: local, options: max-size)"


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        logging = svc.get("logging")
        if isinstance(logging, Mapping) and (text(logging.get("driver")) or "") == "none":
            span, related = key_or_value_span(logging, "driver")
            yield violation(f"{sname} discards its logs", span, help=HELP, related=related)
