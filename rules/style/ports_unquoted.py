"""An unquoted port mapping that YAML 1.1 reads as a base-60 number.

## What it catches

A plain (unquoted) `ports` entry shaped like `HH:MM`: digits, a colon, and a
number below 60 (`22:22`, `2222:22`, `8080:50`).

## Why it matters

Compose (YAML 1.2) reads `22:22` as a string, but YAML 1.1 tools — PyYAML,
docker-compose v1, Ansible, many CI linters and templating steps — read it as a
sexagesimal integer: `22:22` becomes `1342`. The same file then means different
things to different tools. Quote port mappings.

## Bad

```yaml
services:
  git:
    image: gitea/gitea
    ports:
      - 22:22
```

## Good

```yaml
services:
  git:
    image: gitea/gitea
    ports:
      - "22:22"
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Edit, Fix, Violation
from composelint.model.nodes import Mapping, Scalar

code = "CMP702"
name = "ports-unquoted"
summary = "An unquoted HH:MM-like port mapping that YAML 1.1 reads as a number"
severity = "warning"

# YAML 1.1 sexagesimal integer (the colon parts are 0..59)
_BASE60 = re.compile(r"[0-9][0-9_]*(?::[0-5]?[0-9])+")


def check(project: RuleContext) -> Iterator[Violation]:
    for doc in project.documents:
        services = doc.mapping("services")
        if services is None:
            continue
        for sname, svc in services.items.items():
            ports = svc.seq("ports") if isinstance(svc, Mapping) else None
            if ports is None or not project.in_model(("services", sname, "ports")):
                continue
            for item in ports.items:
                if not isinstance(item, Scalar) or item.style != "" or item.span is None:
                    continue
                text = item.raw if isinstance(item.raw, str) else str(item.value)
                if not _BASE60.fullmatch(text):
                    continue
                yield Violation(
                    f"unquoted port mapping {text}",
                    item.span,
                    fix=Fix(
                        "quote the port mapping",
                        (Edit(item.span, f'"{text}"'),),
                        applicability=Applicability.SAFE,
                    ),
                    note="YAML 1.1 tools read it as a base-60 number",
                    help=f'quote it: "{text}"',
                )
