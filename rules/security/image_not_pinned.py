"""An image with no tag or a moving one (`latest`, `stable`, `edge` ...) and no digest.

## What it catches

A service `image:` that has no tag, or the tag `latest`, `stable`, `edge`,
`nightly`, `main` or `master`, and no `@sha256:` digest. A service with `build:`
is not reported: its `image:` names what it builds. Off by default: select it
(or the `hardened` preset).

## Why it matters

Each pull can bring a different image: a new major version with a changed
configuration format or data layout starts on the next `docker compose pull`, and
two machines run different code from the same file. Pin a version tag.

## Bad

```yaml
services:
  cache:
    image: redis
```

## Good

```yaml
services:
  cache:
    image: redis:7.4
```

## References

- OWASP Docker Security Cheat Sheet, rule 13 (pin image versions).
- Compose specification: `image`.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.images import parse_image
from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from .helpers import built_locally, key_or_value_span, text, violation

code = "CMP815"
name = "image-not-pinned"
summary = "An image without a version tag (none, or latest and other moving tags)"
severity = "info"
# off by default: most examples and many real files use untagged images on purpose
default_enabled = False

MOVING = frozenset({"latest", "stable", "edge", "nightly", "main", "master"})
HELP = "pin a version tag (NAME:1.2), and a digest for a byte-for-byte pin"


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        image = text(svc.get("image"))
        if not image or built_locally(svc):
            continue
        ref = parse_image(image)
        if ref.digest or (ref.tag and ref.tag not in MOVING):
            continue
        what = f"the moving tag {ref.tag}" if ref.tag else "no tag (latest)"
        span, related = key_or_value_span(svc, "image")
        yield violation(f"{sname} uses {image} with {what}", span, help=HELP, related=related)
