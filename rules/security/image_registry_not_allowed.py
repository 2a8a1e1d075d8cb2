"""An image from a registry the `allowed-registries` option does not list.

## What it catches

With `allowed-registries` set, a service `image:` whose registry is not in the
list. An image without a registry host is from `docker.io`. Without the option
the rule reports nothing.

## Why it matters

Organisations pull only from registries they mirror and scan; an image from
anywhere else bypasses that review, and a typo in a registry host pulls from a
stranger.

## Bad

```yaml
services:
  api:
    image: ghcr.io/acme/api:2.0
```

## Good

```yaml
services:
  api:
    image: registry.example.com/acme/api:2.0
```

## Options

- `allowed-registries` (list of registry hosts, e.g.
  `["registry.example.com", "docker.io"]`): the registries images may come from.
  `*.example.com` matches every subdomain. The examples above assume
  `allowed-registries = ["registry.example.com"]`.

## References

- CIS Docker Benchmark v1.6.0, 4.2: ensure that containers use only trusted
  base images.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.images import parse_image
from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.options import ALLOWED_REGISTRIES

from .helpers import built_locally, key_or_value_span, text, violation

code = "CMP817"
name = "image-registry-not-allowed"
summary = "An image from a registry that allowed-registries does not list"
severity = "warning"

HELP = "use the image from an allowed registry, or add the registry to allowed-registries"


def allowed(registry: str, patterns: tuple[str, ...]) -> bool:
    return any(registry == p or (p.startswith("*.") and registry.endswith(p[1:])) for p in patterns)


def check(project: RuleContext) -> Iterator[Violation]:
    patterns: tuple[str, ...] = project.option(ALLOWED_REGISTRIES, ())
    if not patterns:
        return
    for sname, svc in project.services.items():
        image = text(svc.get("image"))
        if not image or built_locally(svc):
            continue
        ref = parse_image(image)
        registry = "docker.io" if ref.on_docker_hub else str(ref.registry)
        if allowed(registry, patterns):
            continue
        span, related = key_or_value_span(svc, "image")
        yield violation(
            f"{sname} pulls from {registry}, which is not an allowed registry",
            span,
            help=HELP,
            related=related,
        )
