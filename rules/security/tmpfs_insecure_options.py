"""A tmpfs mount that allows executing programs or setuid (`exec`, `suid`).

## What it catches

A service `tmpfs:` entry whose options include `exec` or `suid` (`/tmp:exec`,
`/run:rw,suid`).

## Why it matters

Docker mounts a service's tmpfs with `noexec,nosuid` (Docker documentation,
`--tmpfs`): a writable in-memory directory is then no place to run a
downloaded binary or a setuid copy of a shell. `exec` and `suid` take that away.

## Bad

```yaml
services:
  app:
    image: acme/app:1.0
    tmpfs:
      - /tmp:exec,size=64m
```

## Good

```yaml
services:
  app:
    image: acme/app:1.0
    tmpfs:
      - /tmp:size=64m
```

## References

- Docker documentation: tmpfs mounts (`--tmpfs` options default to
  `noexec,nosuid,nodev`).
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.nodes import scalar_items

from .helpers import value_span, violation

code = "CMP814"
name = "tmpfs-insecure-options"
summary = "A tmpfs mount with exec or suid, so it can run dropped programs"
severity = "info"

RISKY = ("exec", "suid")
HELP = "remove the option (Docker's default is noexec,nosuid)"


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        for entry in scalar_items(svc.get("tmpfs")):
            path, _, options = str(entry.value).partition(":")
            risky = [o for o in options.split(",") if o.strip() in RISKY]
            if risky:
                span, related = value_span(entry)
                yield violation(
                    f"{sname} mounts tmpfs {path} with {','.join(risky)}",
                    span,
                    help=HELP,
                    related=related,
                )
