"""An image without an `@sha256:` digest (opt-in).

## What it catches

A service `image:` without a digest. Off by default: select it (or the `hardened`
preset) for deployments that must run exactly the bytes they were tested with.
A service with `build:` is not reported.

## Why it matters

A tag is a pointer the registry owner can move: `postgres:16.4` is rebuilt for
base-image fixes, and a compromised registry account can push anything under it.
A digest names the content. Keep the tag beside it so update tools can propose
newer pins.

## Bad

```yaml
services:
  db:
    image: postgres:16.4
```

## Good

```yaml
services:
  db:
    image: postgres:16.4@sha256:4ec37d2a07a0067f176fdcc9d4bb633a5724d2cc4f892c7a2046d054bb6939e5
```

## References

- OWASP Docker Security Cheat Sheet, rule 13.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.images import parse_image
from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import built_locally, key_or_value_span, text, violation

code = "CMP816"
name = "image-no-digest"
summary = "An image pinned by tag only, without an @sha256 digest"
severity = "info"
default_enabled = False

HELP = "add the digest: image: NAME:TAG@sha256:..."


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        image = text(svc.get("image"))
        if not image or built_locally(svc) or parse_image(image).digest:
            continue
        span, related = key_or_value_span(svc, "image")
        yield violation(f"{sname} uses {image} without a digest", span, help=HELP, related=related)
