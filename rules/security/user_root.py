"""`user: root` or uid 0 set explicitly.

## What it catches

A service whose `user` is `root`, `0`, or `root`/`0` with a group
(`0:0`, `root:docker`).

## Why it matters

Many images run as an unprivileged user on purpose; `user: root` overrides that,
so any code execution in the service is root in the container, one kernel bug or
misconfiguration away from root on the host. Usually it was added to fix a
"Permission denied" on a volume: give the image's user the files instead.

## Bad

```yaml
services:
  worker:
    image: acme/worker:3.1
    user: root
```

## Good

```yaml
services:
  worker:
    image: acme/worker:3.1
    user: "1000:1000"
```

## References

- CIS Docker Benchmark 4.1 (a user for the container); OWASP Docker Security
  Cheat Sheet, rule 2.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import key_or_value_span, text, violation

code = "CMP812"
name = "user-root"
summary = "A service explicitly runs as root (user: root or uid 0)"
severity = "info"

HELP = "remove user: or set a non-root uid, and give that user the paths it writes"


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        user = text(svc.get("user"))
        if user is None or user.split(":", 1)[0].strip().lower() not in ("root", "0"):
            continue
        span, related = key_or_value_span(svc, "user")
        yield violation(f"{sname} runs as root (user: {user})", span, help=HELP, related=related)
