"""Quote characters inside a volume entry, which Compose keeps as part of the path.

## What it catches

A short-syntax `volumes` entry whose text, after YAML has removed its own
quotes, still contains `"` or `'` (`- "'./data:/data'"`, `- ./data:"/srv/data"`,
or a quoted value pasted from a shell command line).

## Why it matters

YAML quotes delimit the string; quotes inside it are characters of the path.
Compose does not strip them: `'./data` is not a relative path (it does not
start with `.`), so it becomes a named volume that Compose rejects or creates
empty, and `"/srv/data"` is a directory literally named with quotes. Quote the
whole entry once, in YAML, or not at all.

## Bad

```yaml
services:
  app:
    image: acme/app:1.0
    volumes:
      - ./data:"/srv/data"
```

## Good

```yaml
services:
  app:
    image: acme/app:1.0
    volumes:
      - "./data:/srv/data"
```

## References

- Compose specification: `volumes`, short syntax.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Edit, Fix, Violation
from composelint.model.nodes import Mapping, Scalar, Sequence

from ..security.helpers import violation
from .helpers import compose_documents

code = "CMP705"
name = "volume-quotes"
summary = "Quote characters inside a volume entry become part of the path"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    for _display, root in compose_documents(project):
        services = root.get("services")
        for svc in services.items.values() if isinstance(services, Mapping) else ():
            volumes = svc.get("volumes") if isinstance(svc, Mapping) else None
            for item in volumes.items if isinstance(volumes, Sequence) else ():
                if not isinstance(item, Scalar) or not isinstance(item.value, str):
                    continue
                value = item.value
                if '"' not in value and "'" not in value:
                    continue
                fix = None
                if item.style == "" and item.span and item.span.line == item.span.end_line:
                    cleaned = value.replace('"', "").replace("'", "")
                    fix = Fix("remove the inner quotes", (Edit(item.span, f'"{cleaned}"'),))
                yield violation(
                    f"volume entry {value} has quotes inside it",
                    item.span,
                    note="Compose keeps them as part of the path",
                    help="quote the whole entry once, or not at all",
                    fix=fix,
                )
