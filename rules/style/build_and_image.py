"""A service with both `build:` and `image:`.

## What it catches

A service that sets both `build` and `image`.

## Why it matters

Compose builds the service and tags the result with the `image:` name; with the
default `pull_policy` it first tries to pull that name, and `docker compose
push` pushes to it. That is right when the name is your own repository. When
the name is a public image (`image: postgres:16` next to `build: .`), the build
silently replaces the public tag on the machine, and a pull can replace the
build. Say which one you mean: an image of your own, or no `build:`.

## Bad

```yaml
services:
  api:
    build: ./api
    image: node:20
```

## Good

```yaml
services:
  api:
    build: ./api
```

## References

- Compose specification: `build` ("when both image and build are set, the
  image is built and tagged with the image name").
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

from ..security.helpers import violation

code = "CMP704"
name = "build-and-image"
summary = "A service sets both build and image (the build is tagged with the image name)"
severity = "info"


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        if svc.get("build") is None or svc.get("image") is None:
            continue
        image = svc.get("image")
        yield violation(
            f"{sname} sets both build and image",
            svc.key_span("image"),
            note=f"the build is tagged {image.to_plain() if image else ''}",
            help="remove image: unless it names your own repository",
        )
