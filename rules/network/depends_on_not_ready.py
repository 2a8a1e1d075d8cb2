"""`depends_on` a database or broker without waiting for it to be ready, or waiting on no healthcheck.

## What it catches

- A `depends_on` entry in the short form (`depends_on: [db]`) or with
  `condition: service_started` whose target runs a database or message-broker
  image. The families, by image name (any registry, tag or vendor prefix):
  postgres (also postgis, timescaledb, pgvector), mysql (also percona), mariadb,
  mongo, rabbitmq, kafka, elasticsearch, opensearch, mssql, oracle, cassandra,
  clickhouse, couchdb, neo4j and influxdb. Redis, valkey and memcached are left
  out on purpose: they accept connections within a second of starting and their
  clients reconnect. ZooKeeper is left out too: Kafka retries it by itself.
- `condition: service_healthy` on a service that has no `healthcheck:` (or disables
  it) when its image is known to declare no `HEALTHCHECK` (the image facts) — for a
  local `build:` the Dockerfile is read; an image the facts do not know, or a
  Dockerfile that cannot be read or declares none (its base image may), is not
  reported.

## Why it matters

`service_started` only waits for the container to *start*. A database needs
seconds (much longer on first initialisation) before it accepts connections, so
the dependent service fails with `Connection refused` / `the database system is
starting up` and exits or crash-loops. `service_healthy` on a service without a
healthcheck fails at `up`: `dependency failed to start: container ... has no
healthcheck configured`.

## Bad

```yaml
services:
  app:
    image: acme/app
    depends_on: [db]
  db:
    image: postgres:16
```

## Good

```yaml
services:
  app:
    image: acme/app
    depends_on:
      db:
        condition: service_healthy
  db:
    image: postgres:16
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
      interval: 5s
      retries: 10
```

## Fix safety

Unsafe (`--unsafe-fixes`), and offered only when the target has a healthcheck: the
fix writes `condition: service_healthy` in place of `service_started`, or rewrites
a `depends_on` list as the mapping it means with that condition for the target, so
the client waits until the target is healthy — and does not start when it never
becomes healthy. A flow-style list, or a service behind an anchor or defined in
several files, gets no fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from composelint.analysis.connections import has_healthcheck
from composelint.analysis.images import family_facts, image_facts, image_family
from composelint.load.sources import UnreadableFile, read_text
from composelint.model.context import RuleContext
from composelint.model.findings import Related, Violation
from composelint.model.nodes import Mapping, Scalar
from composelint.model.span import Span

from .helpers import healthy_condition

code = "CMP206"
name = "depends-on-not-ready"
summary = (
    "depends_on a database/broker without service_healthy, or service_healthy with no healthcheck"
)
severity = "warning"

_HEALTHCHECK = re.compile(r"(?im)^[ \t]*HEALTHCHECK\s+(?!NONE\b)")


def _within(inner: Span | None, outer: Span | None) -> bool:
    if inner is None or outer is None or inner.path != outer.path:
        return False
    return (outer.line, outer.col) <= (inner.line, inner.col) and (
        inner.end_line,
        inner.end_col,
    ) <= (
        outer.end_line,
        outer.end_col,
    )


def _image_has_healthcheck(svc: Mapping) -> bool | None:
    """Whether the image declares a HEALTHCHECK: True/False, None when unknown."""
    build = svc.get("build")
    if isinstance(build, Mapping):
        context = build.get("context")
        dockerfile = build.get("dockerfile")
        if not isinstance(context, Scalar) or not isinstance(context.value, str):
            return None
        if "://" in context.value or context.value.startswith("git@"):
            return None
        name = str(dockerfile.value) if isinstance(dockerfile, Scalar) else "Dockerfile"
        try:  # bounded, regular files only: a FIFO Dockerfile must not block the lint
            text = read_text(Path(context.value) / name)
        except UnreadableFile:
            return None
        return bool(_HEALTHCHECK.search(text)) or None
    image = svc.get("image")
    if isinstance(image, Scalar) and isinstance(image.value, str):
        facts = image_facts(image.value)
        return facts.healthcheck if facts is not None else None  # unknown image: cannot tell
    return None


def check(project: RuleContext) -> Iterator[Violation]:
    services = project.services
    for sname, svc in services.items():
        deps = svc.get("depends_on")
        if not isinstance(deps, Mapping):
            continue
        for target, entry in deps.items.items():
            key_span = deps.key_span(target)
            if not isinstance(entry, Mapping) or target not in services:
                continue
            if not _within(key_span, deps.span):
                continue  # implicit (links, volumes_from ...): nothing written to change
            cond_node = entry.get("condition")
            cond = cond_node.value if isinstance(cond_node, Scalar) else "service_started"
            tsvc = services[target]
            image = tsvc.get("image")
            fam = (
                image_family(image.value)
                if isinstance(image, Scalar) and isinstance(image.value, str)
                else None
            )
            facts = family_facts(fam)
            hc = has_healthcheck(project, target)
            hc_span = tsvc.key_span("healthcheck")
            if cond == "service_started" and facts is not None and facts.slow_start:
                written = (
                    "in the short form"
                    if isinstance(cond_node, Scalar) and cond_node.span == key_span
                    else "with condition: service_started"
                )
                fix_data = None
                if hc or (hc is None and _image_has_healthcheck(tsvc)):
                    fix = f"use the long form with condition: service_healthy ({target} has a healthcheck)"
                    as_written = cond_node if isinstance(cond_node, Scalar) else None
                    fix_data = healthy_condition(project, sname, target, as_written, key_span)
                else:
                    probe = facts.probe or '["CMD", ...]'
                    fix = (
                        f"add a healthcheck to {target} (e.g. test: {probe}) and depend on it "
                        "with condition: service_healthy"
                    )
                yield Violation(
                    f"{sname} depends on {target} ({fam}) {written}, which does not wait for readiness",
                    key_span,
                    (Related(hc_span, f"{target}'s healthcheck"),) if hc and hc_span else (),
                    note=f"it only waits for the container to start, not for {fam} to accept "
                    f'connections: {sname} may fail with "Connection refused" / "the database '
                    'system is starting up"',
                    help=fix,
                    fix=fix_data,
                )
            elif cond == "service_healthy" and not hc:
                if hc is None and _image_has_healthcheck(tsvc) is not False:
                    continue  # the image declares one, or we cannot tell
                why = "disables its healthcheck" if hc is False else "defines no healthcheck"
                yield Violation(
                    f"{sname} waits for {target} to be healthy, but {target} {why}",
                    cond_node.span if isinstance(cond_node, Scalar) else key_span,
                    note="its image declares none: `docker compose up` fails with "
                    '"container ... has no healthcheck configured"',
                    help=f"add a healthcheck to {target}",
                )
