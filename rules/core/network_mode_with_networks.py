"""A service sets both `network_mode` and `networks`.

## What it catches

A service that declares `network_mode` (`host`, `none`, `bridge`,
`service:<name>`, `container:<name>`) together with a `networks` attribute, in
one file or after merging overrides and `extends`.

## Why it matters

The two are mutually exclusive: `network_mode` replaces the container's network
stack, so it cannot also join networks. Compose refuses the project ("service web
declares mutually exclusive `network_mode` and `networks`").

## Bad

```yaml
services:
  web:
    image: nginx
    network_mode: host
    networks: [front]
networks:
  front: {}
```

## Good

```yaml
services:
  web:
    image: nginx
    network_mode: host
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Related, Violation
from composelint.model.nodes import Mapping, Sequence

from .helpers import problem_violations

code = "CMP007"
name = "network-mode-with-networks"
summary = "A service sets both network_mode and networks"
severity = "error"


def check(project: RuleContext) -> Iterator[Violation]:
    reported: set[tuple[str, int]] = set()
    for svc_name, svc in project.services.items():
        mode, networks = svc.get("network_mode"), svc.get("networks")
        if mode is None or not isinstance(networks, (Mapping, Sequence)) or not len(networks):
            continue
        span = svc.key_span("networks")
        related: tuple[Related, ...] = ()
        mode_span = svc.key_span("network_mode")
        if mode_span is not None:
            related = (Related(mode_span, "network_mode is set here"),)
        if span is not None:
            reported.add((span.path, span.line))
        yield Violation(
            f"service {svc_name} declares mutually exclusive `network_mode` and `networks`",
            span,
            related,
        )
    for v in problem_violations(project, name):
        if v.span is None or (v.span.path, v.span.line) not in reported:
            yield v
