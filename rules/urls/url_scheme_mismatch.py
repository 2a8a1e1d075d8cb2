"""A URL scheme that is misspelt, missing, dropped by its client, or not spoken by the target.

## What it catches

- A misspelt scheme: `postgress://`, `postgre://`, `mongo://`, `ampq://`,
  `htpp://` (also with a SQLAlchemy driver: `postgress+asyncpg://`). Only guesses
  towards database, broker and HTTP schemes are reported, and real schemes of
  other libraries (Celery's `rpc://`, `db+…`, `cache+…`) are left alone.
- A URL whose host is a service of the project built from a known image, on that
  image's main port (or the scheme's default port), with a scheme the image does
  not speak: `http://redis:6379`, `redis://rabbitmq:5672`,
  `mysql+pymysql://…@postgres/…`. A UI or HTTP port of the same image
  (`http://rabbitmq:15672`) is not reported.
- A `*_URL` / `*_URI` value with no scheme that names a Postgres, MySQL,
  MongoDB, Redis or RabbitMQ service (`BROKER_URL: rabbitmq:5672`) — warning,
  since a few clients (ioredis) fall back to reading `host:port`.
  ZooKeeper, Kafka and memcached connect strings, which are `host:port` lists by
  design, and names with `KAFKA`, `ZOOKEEPER`, `BOOTSTRAP` or `CONNECT` are left
  alone.
- `postgres://` (also `postgres+psycopg2://`) in a SQLAlchemy setting
  (`SQLALCHEMY_DATABASE_URI`, any name with the word `SQLALCHEMY`): SQLAlchemy
  1.4 removed that dialect name — warning.

## Why it matters

The client library picks the protocol from the scheme. An unknown one fails
before connecting (SQLAlchemy: `Can't load plugin: sqlalchemy.dialects:postgress`;
Prisma: `the URL must start with the protocol postgresql://`), and a wrong one
talks the wrong protocol to the server: `Connection reset by peer`, `wrong version
number`, `Protocol error` or a hang until the timeout. A URL parser (Python's
`urllib`, Go's `net/url`, WHATWG `URL`) reads `rabbitmq:5672` as the scheme
`rabbitmq` and no host. SQLAlchemy 1.4 and later fail on `postgres://` with
`Can't load plugin: sqlalchemy.dialects:postgres` (1.3 only warned).

## Bad

```yaml
services:
  worker:
    image: acme/worker
    environment:
      CELERY_BROKER_URL: redis://rabbitmq:5672//
      DATABASE_URL: postgress://app:secret@db:5432/app
  rabbitmq:
    image: rabbitmq:3
  db:
    image: postgres:16
```

## Good

```yaml
services:
  worker:
    image: acme/worker
    environment:
      CELERY_BROKER_URL: amqp://guest:guest@rabbitmq:5672//
      DATABASE_URL: postgresql://app:secret@db:5432/app
  rabbitmq:
    image: rabbitmq:3
  db:
    image: postgres:16
```

## Fix safety

Replacing `postgres` by `postgresql` in a SQLAlchemy setting is safe: every
SQLAlchemy release since 0.6 accepts `postgresql://`. The fix of a misspelt scheme is
unsafe (the suggestion is a guess), and so is adding the scheme to a scheme-less
`*_URL` (the client may want credentials or another scheme, `amqps://`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from composelint.analysis.connections import (
    Route,
    family,
    locate,
    owner,
    parsed,
    routes,
    span_text,
    value_groups,
)
from composelint.analysis.connectivity import Connection
from composelint.analysis.connstrings import VarRole
from composelint.analysis.schemes import (
    CONNECT_STRING_WORDS,
    SQLALCHEMY_REMOVED,
    URL_CONFIGURED_SCHEMES,
)
from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Edit, Fix, Severity, Violation
from composelint.model.span import Span

code = "CMP302"
name = "url-scheme-mismatch"
summary = "A URL scheme that is misspelt, missing, no longer accepted by its client library, or not spoken by the target image"
severity = "error"


def _scheme_span(project: RuleContext, conn: Connection) -> Span | None:
    raw = conn.dest.raw_scheme or ""
    i = conn.value.rfind(raw + ":", 0, conn.dest.host_offset)
    return locate(project, conn, i, len(raw)) if raw and i != -1 else conn.span


def _words(variable: str | None) -> list[str]:
    return [w for w in re.split(r"[^A-Z0-9]+", (variable or "").upper()) if w]


def _sqlalchemy(project: RuleContext) -> Iterator[Violation]:
    """postgres:// in a SQLAlchemy setting (SQLALCHEMY_DATABASE_URI, FOO_SQLALCHEMY_URL)."""
    for group in value_groups(project):
        conn = group[0]
        raw = (conn.dest.raw_scheme or "").lower()
        base = raw.split("+", 1)[0]
        if "SQLALCHEMY" not in _words(conn.variable) or conn.dest.kind != "url":
            continue
        if base not in SQLALCHEMY_REMOVED:
            continue
        want = SQLALCHEMY_REMOVED[base]
        span = _scheme_span(project, conn)
        fix = None
        if span is not None and span != conn.span:
            head = Span(span.path, span.line, span.col, span.line, span.col + len(base))
            if (span_text(project, head) or "").lower() == base:
                fix = Fix(f"use {want}://", (Edit(head, want),), applicability=Applicability.SAFE)
        yield Violation(
            f"{conn.variable} uses {base}://, which SQLAlchemy 1.4 and later reject",
            span,
            conn.related,
            fix,
            severity=Severity.WARNING,
            note=f'SQLAlchemy 1.4 removed the "{base}" dialect name: create_engine fails with '
            f'"Can\'t load plugin: sqlalchemy.dialects:{base}"',
            help=f"write {want}{raw[len(base) :]}://",
        )


def _scheme_less(project: RuleContext, routes_: list[Route]) -> Iterator[Violation]:
    """BROKER_URL=rabbitmq:5672: a URL parser reads 'rabbitmq' as the scheme."""
    from composelint.analysis.images import family_facts

    for route in routes_:
        conn, target = route.conn, route.target
        words = _words(conn.variable)
        if conn.dest.kind != "hostport" or conn.role is not VarRole.DESTINATION_URL:
            continue
        if not words or words[-1] not in ("URL", "URI") or set(words) & CONNECT_STRING_WORDS:
            continue
        facts = family_facts(family(target))
        want = facts.preferred_scheme if facts is not None else None
        if want not in URL_CONFIGURED_SCHEMES or len(parsed(conn).destinations) != 1:
            continue
        host = conn.host
        span = conn.host_span
        exact = span is not None and span_text(project, span) == host
        fix = (
            Fix(
                f"add the {want}:// scheme",
                (Edit(span, f"{want}://{host}"),),
                applicability=Applicability.UNSAFE,
            )
            if exact and span is not None
            else None
        )
        yield Violation(
            f"{conn.variable} has no scheme: URL parsers read {host!r} as the scheme",
            conn.span,
            conn.related,
            fix,
            severity=Severity.WARNING,
            note=f"a client that parses {conn.variable} as a URL (Python's urllib, Go's net/url, "
            f"WHATWG URL) sees the scheme {host!r} and no host, and fails before connecting; "
            "only clients that fall back to host:port (ioredis) connect",
            help=f"write {want}://{host}:{conn.dest.port}" if conn.dest.port else None,
        )


def check(project: RuleContext) -> Iterator[Violation]:
    from composelint.analysis.images import family_facts, image_default_ports, schemes_for_family
    from composelint.analysis.schemes import GENERIC_SCHEMES, LEGITIMATE_SCHEMES, TYPO_TARGETS

    typo_spans: set[Span | None] = set()
    for group in value_groups(project):
        for problem in parsed(group[0], project).problems:
            if problem.kind != "scheme-typo":
                continue
            conn = owner(group, problem.offset)
            written = conn.value[problem.offset : problem.offset + problem.length].lower()
            guess = problem.message.rsplit("'", 2)[-2] if problem.message.count("'") >= 2 else None
            if written.split("+", 1)[0] in LEGITIMATE_SCHEMES or guess not in TYPO_TARGETS:
                continue  # a real scheme of some library, or a guess we are unsure of
            span = locate(project, conn, problem.offset, problem.length)
            typo_spans.add(span)
            exact = span is not None and span != conn.span
            yield Violation(
                f"{conn.variable}: unknown URL scheme {conn.value[problem.offset : problem.offset + problem.length]!r}"
                + (f", probably a typo for {guess!r}" if guess else ""),
                span,
                conn.related,
                Fix(f"use {guess}://", (Edit(span, guess),), applicability=Applicability.UNSAFE)
                if guess and exact and span
                else None,
                note="the client cannot pick a driver and fails before connecting (e.g. "
                'SQLAlchemy "Can\'t load plugin")',
                help=f"write {guess}://" if guess else None,
            )
    yield from _sqlalchemy(project)
    all_routes = routes(project)
    yield from _scheme_less(project, all_routes)
    for route in all_routes:
        conn, target = route.conn, route.target
        fam = family(target)
        facts = family_facts(fam)
        want = facts.preferred_scheme if facts is not None else None
        scheme, raw = conn.dest.scheme, (conn.dest.raw_scheme or "").lower()
        if fam is None or want is None or scheme is None or conn.dest.kind not in ("url", "jdbc"):
            continue
        if (
            scheme in GENERIC_SCHEMES
            or raw in GENERIC_SCHEMES
            or raw.split("+", 1)[0] in LEGITIMATE_SCHEMES
        ):
            continue
        allowed = schemes_for_family(fam)
        if scheme in allowed or raw in allowed:
            continue
        main = image_default_ports(target.image or "")[:1]
        if conn.dest.port is not None and tuple([conn.dest.port]) != main:
            continue  # another port of the image (a UI, metrics): may speak HTTP
        span = _scheme_span(project, conn)
        if span in typo_spans:
            continue
        yield Violation(
            f"{conn.variable or conn.where} uses {raw}:// to reach {target.name}, which does not "
            "speak that protocol",
            span,
            conn.related,
            note=f"{target.name} runs {target.image} ({fam}): the connection fails "
            '("Connection reset by peer", "Protocol error", or a timeout)',
            help=f"use {want}://",
        )
