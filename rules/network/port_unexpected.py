"""A connection uses a port the target service does not listen on.

## What it catches

A destination whose host is another service of the project, built from an image
whose ports are well known (databases, brokers, caches, search engines: postgres,
mysql, mariadb, mongo, redis, rabbitmq, kafka, zookeeper, elasticsearch, ...),
when the port is none of:

- the image's default and usual secondary ports (`5432`; `5672`/`15672` ...);
- the targets of its `ports:` and its `expose:` entries;
- a number in one of its port-like variables (`KAFKA_LISTENERS` ...) or in its
  `command` / `entrypoint`.

The server's own settings replace the image's default port: a port flag in its
`command:` / `entrypoint:` (string or list form, after interpolation, also behind
`exec`, `docker-entrypoint.sh` or a one-program `sh -c "..."`) — `redis-server --port
6380`, `postgres -p 5433` / `-c port=5433`, `mysqld --port=3307`, `mongod --port
27018`, `memcached -p`, `nats-server -p`, `minio server --address :9002` — and the
variables its image documents (`PGPORT` for postgres, `MYSQL_TCP_PORT` for mysql and
mariadb, `MSSQL_TCP_PORT` for SQL Server, `REDIS_PORT_NUMBER` for bitnami/redis; the
official mongo image reads no `MONGO_PORT`). A flag wins over a variable. When such a setting takes a value
composelint cannot know (`--port ${PORT}` with `PORT` set nowhere, a shell `$PORT`),
the target is not checked.

An implicit port (`redis://cache`) counts as the scheme's default. Images whose
ports are unknown (your own builds, web servers reading a mounted config) are
never reported; a published host port is reported by `port-published-not-target`.

## Why it matters

Nothing listens on that port in the target container: the client fails with
`Connection refused` (or times out), usually after a misremembered default
(`mysql://db:5432`), a copy-pasted port, or a server moved to another port
(`redis-server --port 6380`) while its clients still dial the default.

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      REDIS_URL: redis://cache:6380/0
  cache:
    image: redis:7
```

## Good

```yaml
services:
  app:
    image: acme/app
    environment:
      REDIS_URL: redis://cache:6379/0
  cache:
    image: redis:7
```

## Options

`image-ports` in the configuration file adds the ports an image listens on
(`"acme/api" = 8080`; the key matches the image without its tag, with or without
a registry in front), for images whose ports composelint does not know.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connections import (
    describe,
    family,
    port_span,
    possible_ports,
    routes,
)
from composelint.model.context import RuleContext
from composelint.model.findings import Related, Violation

code = "CMP204"
name = "port-unexpected"
summary = "A connection uses a port the target service is not known to listen on"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    from composelint.analysis.images import family_facts, schemes_for_family

    for route in routes(project):
        conn, target = route.conn, route.target
        fam = family(target)
        port = conn.port
        facts = family_facts(fam)
        if facts is None or not facts.ports_known or port is None or fam is None:
            continue
        if target.listening.port_unknown:
            continue  # its own settings name a port composelint cannot know
        if conn.dest.port is None:
            if conn.dest.kind != "url":
                continue  # a host variable: the port is usually in a sibling *_PORT
            scheme = conn.dest.scheme
            if scheme is None or scheme not in schemes_for_family(fam):
                continue  # a wrong scheme's default port: url-scheme-mismatch
        if port in target.published and target.published[port] != port:
            continue  # port-published-not-target
        known = possible_ports(project, target)
        if port in known:
            continue
        listens = ", ".join(str(p) for p in sorted(target.listen_ports)) or "?"
        written = "" if conn.dest.port is not None else f" (the default port of {scheme}://)"
        own = target.listening
        setting = own.port_setting
        if target.listen_ports:
            by = f" ({setting.text})" if setting is not None else ""
            yield Violation(
                f"{describe(conn)} connects to {conn.host}:{port}{written}, but {target.name} "
                f"listens on {listens}{by}",
                port_span(project, conn),
                (
                    *conn.related,
                    *(
                        (Related(setting.span, f"{target.name} sets its port here"),)
                        if setting is not None and setting.span is not None
                        else ()
                    ),
                ),
                note=f'{target.name} ({target.image}) listens on {listens}: the connection is refused ("Connection refused")',
                help=f"use {conn.host}:{own.port if own.port is not None else min(target.listen_ports)}",
            )
        else:
            yield Violation(
                f"{describe(conn)} connects to {conn.host}:{port}, a port {target.name} does not listen on",
                port_span(project, conn),
                conn.related,
            )
