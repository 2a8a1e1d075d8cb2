"""A connection URL's scheme is misspelt, or is not a protocol the target image speaks.

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

## Why it matters

The client library picks the protocol from the scheme. An unknown one fails
before connecting (SQLAlchemy: `Can't load plugin: sqlalchemy.dialects:postgress`;
Prisma: `the URL must start with the protocol postgresql://`), and a wrong one
talks the wrong protocol to the server: `Connection reset by peer`, `wrong version
number`, `Protocol error` or a hang until the timeout.

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
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connections import family, locate, owner, parsed, routes, value_groups
from composelint.analysis.connectivity import Connection
from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Edit, Fix, Violation
from composelint.model.span import Span

code = "CMP302"
name = "url-scheme-mismatch"
summary = "A URL scheme that is misspelt or not spoken by the target image"
severity = "error"


def _scheme_span(project: RuleContext, conn: Connection) -> Span | None:
    raw = conn.dest.raw_scheme or ""
    i = conn.value.rfind(raw + ":", 0, conn.dest.host_offset)
    return locate(project, conn, i, len(raw)) if raw and i != -1 else conn.span


def check(project: RuleContext) -> Iterator[Violation]:
    from composelint.analysis.images import family_facts, image_default_ports, schemes_for_family
    from composelint.analysis.schemes import GENERIC_SCHEMES, LEGITIMATE_SCHEMES, TYPO_TARGETS

    typo_spans: set[Span | None] = set()
    for group in value_groups(project):
        for problem in parsed(group[0]).problems:
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
    for route in routes(project):
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
