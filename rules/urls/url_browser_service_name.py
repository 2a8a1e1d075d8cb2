"""A browser-facing variable points at a Compose service name.

## What it catches

A variable that front-end build tools expose to code running in the user's
browser — `NEXT_PUBLIC_*`, `VITE_*`, `REACT_APP_*`, `NUXT_PUBLIC_*`, `VUE_APP_*`,
`EXPO_PUBLIC_*`, `PUBLIC_*`, `GATSBY_*`, as an environment variable or a build
argument — whose URL host is a service name, alias or container name of the
project (`NEXT_PUBLIC_API_URL=http://api:8000`).

## Why it matters

Service names only resolve inside the Compose network. The browser runs on the
user's machine and fails with `net::ERR_NAME_NOT_RESOLVED` (or a CORS-looking
"Failed to fetch"), while server-side rendering with the same value works — so
the bug only shows up in the browser. Use the public address (the published port
on `localhost` in development, the domain in production), and a separate
server-side variable (`API_INTERNAL_URL=http://api:8000`) for code that runs in
the container.

## Bad

```yaml
services:
  web:
    build:
      context: .
      args:
        NEXT_PUBLIC_API_URL: http://api:8000
  api:
    image: acme/api
    ports: ["8000:8000"]
```

## Good

```yaml
services:
  web:
    build:
      context: .
      args:
        NEXT_PUBLIC_API_URL: http://localhost:8000
    environment:
      API_INTERNAL_URL: http://api:8000
  api:
    image: acme/api
    ports: ["8000:8000"]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connections import browser_routes
from composelint.model.context import RuleContext
from composelint.model.findings import Violation

code = "CMP304"
name = "url-browser-service-name"
summary = "A browser-facing variable (NEXT_PUBLIC_ ...) points at a Compose service name"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    for route in browser_routes(project):
        conn, target = route.conn, route.target
        published = next((p for p, t in target.published.items() if t == conn.port), None)
        fix = (
            f"use the public address, e.g. localhost:{published} (the port {target.name} "
            "publishes) in development"
            if published
            else f"publish a port on {target.name} and use the public address (localhost:<port> "
            "or your domain)"
        )
        yield Violation(
            f"{conn.variable} points the user's browser at the Compose service name {conn.host!r}",
            conn.span,
            conn.related,
            note="it is used by code running in the user's browser, which cannot resolve "
            'Compose service names ("net::ERR_NAME_NOT_RESOLVED")',
            help=fix,
        )
