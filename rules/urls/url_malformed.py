"""A connection URL that client libraries reject or misread.

## What it catches

- The port written after the database name: `postgresql://db/app:5432`.
- `mongodb+srv://` with a port or several hosts, or pointed at a service of the
  project (Docker's DNS serves no SRV records).
- An `sslmode` libpq rejects (`sslmode=required`, `sslmode=Disable`: libpq
  compares case-sensitively) — error. `no-verify` is node-postgres' own value and
  is accepted in URLs and `PGSSLMODE`.
- The other libpq settings with a closed set of values, in a URL, a key=value
  string or their own variable: `PGSSLMODE`, `PGTARGETSESSIONATTRS` (`any`,
  `read-write`, `read-only`, `primary`, `standby`, `prefer-standby`),
  `PGGSSENCMODE`, `PGCHANNELBINDING`, `PGLOADBALANCEHOSTS`, `PGSSLNEGOTIATION`,
  `PGSSLCERTMODE` and their connection-string keys (`target_session_attrs=master`).
- `sslmode=require` / `verify-ca` / `verify-full` to a Postgres service of the
  project that shows no TLS setup (no `ssl=on` in its command, no SSL/TLS
  variable, no certificate or config file mounted) — warning.
- An AMQP vhost with an unencoded `/` (`amqp://h/a/b`; the vhost `/` is `%2F`).
- A URL port that is not a number from 1 to 65535.

## Why it matters

These strings parse, but not as meant. libpq stops with `invalid sslmode value`
(`invalid target_session_attrs value` ...);
the port after the path becomes part of the database name (`database "app:5432"
does not exist`); the MongoDB driver refuses `mongodb+srv` with a port or fails
with `querySrv ENOTFOUND _mongodb._tcp.mongo`; a Postgres server without TLS
answers `server does not support SSL, but SSL was required`.

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@db/app:5432?sslmode=require
      MONGO_URL: mongodb+srv://mongo:27017/app
  db:
    image: postgres:16
  mongo:
    image: mongo:7
```

## Good

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@db:5432/app?sslmode=disable
      MONGO_URL: mongodb://mongo:27017/app
  db:
    image: postgres:16
  mongo:
    image: mongo:7
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connections import (
    describe,
    environment,
    family,
    locate,
    owner,
    parsed,
    routes,
    strings,
    value_groups,
)
from composelint.analysis.connectivity import value_issues
from composelint.analysis.images import family_facts
from composelint.analysis.schemes import LIBPQ_ENUMS, NODE_PG_SSLMODES
from composelint.analysis.varroles import var_info
from composelint.model.context import RuleContext
from composelint.model.findings import Severity, Violation
from composelint.model.nodes import Mapping, Sequence

code = "CMP303"
name = "url-malformed"
summary = "A connection URL that client libraries reject or misread"
severity = "error"

_KINDS = {
    "port-after-path": "libpq/SQLAlchemy read it as part of the database name "
    '(database "app:5432" does not exist)',
    "srv-with-port": 'the MongoDB driver refuses it ("mongodb+srv URI cannot have port number")',
    "srv-multiple-hosts": "the MongoDB driver refuses it",
    "bad-sslmode": 'libpq refuses to connect ("invalid sslmode value")',
    "bad-libpq-setting": "libpq refuses to connect",
    "amqp-vhost-slash": 'the client connects to a different vhost and gets "NOT_ALLOWED - '
    'vhost not found"',
    "invalid-port": "the client cannot parse the URL",
}
_TLS_MODES = frozenset({"require", "verify-ca", "verify-full"})
_TLS_WORDS = ("ssl", "tls", ".crt", ".pem", ".key", "cert", "postgresql.conf")


def _tls_off_by_default(fam: str | None) -> bool:
    """Whether the family's image serves no TLS until it is configured (postgres)."""
    facts = family_facts(fam)
    return facts is not None and facts.tls_by_default is False


def _serves_tls(project: RuleContext, service: str) -> bool:
    """Whether a Postgres service shows any sign of a TLS setup."""
    svc = project.services[service]
    words = strings(svc.get("command")) + strings(svc.get("entrypoint"))
    for key, value in environment(project, service).items.items():
        words += [key, *strings(value)]
    volumes = svc.get("volumes")
    for item in volumes.items if isinstance(volumes, Sequence) else []:
        if isinstance(item, Mapping):
            words += strings(item.get("source")) + strings(item.get("target"))
    text = " ".join(words).lower()
    return any(w in text for w in _TLS_WORDS)


def _note(kind: str, message: str, database: str | None = None) -> str:
    if kind == "port-after-path" and database:  # the database name is no secret
        return (
            "libpq/SQLAlchemy read it as part of the database name "
            f'(database "{database}" does not exist)'
        )
    if kind == "bad-libpq-setting":  # "target_session_attrs must be one of ..."
        return f'libpq refuses to connect ("invalid {message.split(" ", 1)[0]} value")'
    return _KINDS[kind]


def _settings(project: RuleContext) -> Iterator[Violation]:
    """libpq settings in their own variables (PGSSLMODE=required): a value with no
    destination, so not among the connections."""
    for issue in value_issues(project):
        setting = var_info(issue.variable).setting
        if setting is None or issue.problem.kind not in ("bad-sslmode", "bad-libpq-setting"):
            continue
        allowed = LIBPQ_ENUMS[setting]
        if setting == "sslmode":
            allowed += NODE_PG_SSLMODES
        yield Violation(
            f"{issue.variable} is not a valid {setting} value",
            issue.span,
            issue.related,
            note=_note(issue.problem.kind, issue.problem.message)
            + "; it compares the value case-sensitively",
            help="use one of " + ", ".join(allowed),
        )


def check(project: RuleContext) -> Iterator[Violation]:
    for group in value_groups(project):
        for problem in parsed(group[0], project).problems:
            if problem.kind not in _KINDS or (
                problem.kind == "invalid-port" and "://" not in group[0].value
            ):
                continue
            conn = owner(group, problem.offset)
            what, _, fix = problem.message.partition("; ")  # the parser's "what; how to fix"
            yield Violation(
                f"{conn.variable}: {what}",
                locate(project, conn, problem.offset, problem.length),
                conn.related,
                note=_note(problem.kind, problem.message, conn.dest.database),
                help=fix or None,
            )
    yield from _settings(project)

    for route in routes(project):
        conn, target = route.conn, route.target
        if conn.dest.scheme == "mongodb+srv":
            yield Violation(
                f"{describe(conn)} uses mongodb+srv:// with the service {target.name}",
                conn.span,
                conn.related,
                note=f"the driver looks up the DNS SRV record _mongodb._tcp.{conn.host}, which "
                'Docker\'s DNS does not serve ("querySrv ENOTFOUND")',
                help=f"use mongodb://{conn.host}:27017",
            )
            continue
        mode = conn.dest.params.get("sslmode")
        if (
            mode in _TLS_MODES
            and _tls_off_by_default(family(target))
            and not _serves_tls(project, target.name)
        ):
            yield Violation(
                f"{describe(conn)} requires TLS (sslmode={mode}) but {target.name} is not set up for it",
                conn.span,
                conn.related,
                severity=Severity.WARNING,
                note=f"{target.name} ({target.image}) ships without TLS unless started with ssl=on "
                'and a certificate: the connection fails with "server does not support SSL, but '
                'SSL was required"',
                help="use sslmode=disable or prefer inside the Compose network, or configure TLS "
                "on the server",
            )
