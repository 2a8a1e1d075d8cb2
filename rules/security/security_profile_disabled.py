"""`security_opt` that turns off seccomp, AppArmor, SELinux labels or masked paths.

## What it catches

`security_opt` entries `seccomp:unconfined`, `apparmor:unconfined`,
`label:disable` and `systempaths=unconfined` (with `:` or `=`).

## Why it matters

Docker confines every container with a seccomp filter (about 44 dangerous system
calls refused), an AppArmor or SELinux profile and masked `/proc` and `/sys`
paths. Each entry removes one of those layers for this container: a kernel bug
reachable through a refused system call, or a write to `/proc/sys`, is then open
to it. If the default filter blocks something the service needs, allow that call
in a custom profile (`seccomp:./profile.json`) rather than removing the filter.

## Bad

```yaml
services:
  browser:
    image: acme/headless-browser:5
    security_opt:
      - seccomp:unconfined
```

## Good

```yaml
services:
  browser:
    image: acme/headless-browser:5
    security_opt:
      - seccomp:./chrome-seccomp.json
```

## References

- CIS Docker Benchmark v1.6.0, 5.2 (AppArmor), 5.3 (SELinux), 5.22 (seccomp).
- Docker documentation: seccomp security profiles for Docker.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import security_options, value_span, violation

code = "CMP805"
name = "security-profile-disabled"
summary = "security_opt disables seccomp, AppArmor, SELinux labelling or masked paths"
severity = "warning"

DISABLES = {
    ("seccomp", "unconfined"): "the seccomp system call filter",
    ("apparmor", "unconfined"): "the AppArmor profile",
    ("label", "disable"): "SELinux labelling",
    ("systempaths", "unconfined"): "the masked /proc and /sys paths",
}
HELP = "remove the entry; if a call is refused, allow it in a custom profile"


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        for key, value, node in security_options(svc):
            what = DISABLES.get((key, value.lower()))
            if what is None:
                continue
            span, related = value_span(node)
            yield violation(f"{sname} turns off {what}", span, help=HELP, related=related)
