"""An attribute or value that the Compose specification does not allow.

## What it catches

Everything the Compose JSON schema rejects, checked the way Compose checks it
(after interpolation, per file): unknown top-level keys and service attributes
(with a "did you mean" suggestion for typos such as `depend_on`), values of the
wrong type (`ports: 80` instead of a list), invalid enum values (a `depends_on`
condition), names that break the allowed pattern, and missing required keys. Each
finding points at the offending key or value, not at the top of the file. A
list-form `environment` item written as `- LOG_LEVEL: debug` is a YAML mapping
inside the list, which Compose refuses ("unexpected type map"); the finding says
how to write it instead.

## Why it matters

`docker compose` refuses the whole project ("services.web additional properties
'depend_on' not allowed"). Tools that lint the raw text report only the first
error and at line 1; here every error is reported where it is.

## Bad

```yaml
services:
  web:
    image: nginx
    depend_on: [db]
    ports: 8080
```

## Good

```yaml
services:
  web:
    image: nginx
    depends_on: [db]
    ports: ["8080:80"]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

code = "CMP005"
name = "schema-violation"
summary = "An attribute or value that the Compose specification does not allow"
severity = "error"


def check(project: RuleContext) -> Iterator[Violation]:
    from composelint.resolve.schema import validate  # jsonschema is costly to import

    for doc in project.interpolated:
        for err in validate(doc.root):
            message = err.message
            if err.suggestion and err.suggestion not in message:
                message += f"; did you mean `{err.suggestion}`?"
            yield Violation(message, err.span, help=_help(err.path, message))


def _help(path: tuple[object, ...], message: str) -> str | None:
    """``- LOG_LEVEL: debug`` in a list-form environment is a one-key mapping."""
    env_item = len(path) == 4 and path[0] == "services" and path[2] == "environment"
    if env_item and isinstance(path[3], int) and message.endswith("got mapping"):
        return 'write the item as "- KEY=value", or drop the dashes to use map form'
    return None
