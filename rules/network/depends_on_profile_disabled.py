"""A service depends on a service that only runs under a profile it does not share.

## What it catches

A `depends_on` entry (written, or implied by `links`, `volumes_from`,
`network_mode: service:X` ...) whose target has `profiles:` while the dependent
can run without any of them:

- the dependent has no `profiles:` (always on) and the target has some — a plain
  `docker compose up` refuses the project (error);
- the dependent has a profile the target does not list — `--profile <that one>`
  refuses it (warning).

Entries with `required: false` are fine (Compose drops them). When `--profile` /
`COMPOSE_PROFILES` disabled the target, `undefined-reference` (CMP006) reports it.

## Why it matters

Compose treats a dependency on a disabled service like a typo: `service "web"
depends on undefined service "db": invalid compose project`. The project works
for whoever always passes the right `--profile` and breaks for everyone else (and
in CI).

## Bad

```yaml
services:
  web:
    image: acme/web
    depends_on: [db]
  db:
    image: postgres:16
    profiles: [database]
```

## Good

```yaml
services:
  web:
    image: acme/web
    depends_on:
      db:
        condition: service_started
        required: false
  db:
    image: postgres:16
    profiles: [database]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connections import strings
from composelint.model.context import RuleContext
from composelint.model.findings import Related, Severity, Violation
from composelint.model.nodes import Mapping, Scalar

code = "CMP207"
name = "depends-on-profile-disabled"
summary = "depends_on a service that only runs under a profile the dependent does not share"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    services = project.services
    for sname, svc in services.items():
        deps = svc.get("depends_on")
        if not isinstance(deps, Mapping):
            continue
        mine = strings(svc.get("profiles"))
        for target, entry in deps.items.items():
            tsvc = services.get(target)
            if tsvc is None or not isinstance(entry, Mapping):
                continue
            required = entry.get("required")
            if isinstance(required, Scalar) and required.value is False:
                continue
            theirs = strings(tsvc.get("profiles"))
            if not theirs or "*" in theirs:
                continue
            missing = [p for p in mine if p not in theirs]
            if mine and not missing:
                continue
            need = ", ".join(theirs)
            error = f'\'service "{sname}" depends on undefined service "{target}"\''
            if not mine:
                message = f"{sname} always runs but depends on {target}, which needs a profile"
                note = (
                    f"{target} only runs with --profile {need}: a plain `docker compose up` fails "
                    f"with {error}"
                )
                sev = Severity.ERROR
            else:
                message = f"{sname} runs with --profile {missing[0]} but depends on {target}, which does not"
                note = (
                    f"{target} only runs with --profile {need}: `--profile {missing[0]}` fails "
                    f"with {error}"
                )
                sev = Severity.WARNING

            fix = (
                f"give {sname} the same profiles, add {missing[0] if mine else 'no profile'} "
                f"to {target}'s profiles, or mark the dependency required: false"
                if mine
                else f"remove profiles from {target}, give {sname} a profile of {target}, "
                "or mark the dependency required: false"
            )
            tspan = tsvc.key_span("profiles")
            yield Violation(
                message,
                deps.key_span(target) or entry.span,
                (Related(tspan, f"{target}'s profiles"),) if tspan else (),
                severity=sev,
                note=note,
                help=fix,
            )
