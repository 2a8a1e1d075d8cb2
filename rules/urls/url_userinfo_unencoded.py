"""A reserved character is unencoded in a URL's user name or password.

## What it catches

An `@`, `/`, `?`, `#` (or a stray `%`) written as-is in the user or password of a
connection URL: `postgresql://app:p@ss@db/app`, `redis://:a/b@cache:6379`. The
value is checked after interpolation, so a `${DB_PASSWORD}` whose value in `.env`
holds such a character is caught too. The finding points at the user-info part;
the password itself is never printed.

## Why it matters

URL parsers split the URL at those characters: libpq and SQLAlchemy take
everything after the *first* `@` as the host (`ss@db`), and `/ ? #` end the host
part early. The client then tries to connect to a host that does not exist —
`could not translate host name "…" to address`, `getaddrinfo ENOTFOUND` — or
authenticates with a truncated password. Percent-encode the characters (`@` →
`%40`, `:` → `%3A`, `/` → `%2F`, `?` → `%3F`, `#` → `%23`, `%` → `%25`), or use a
password without them.

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:p@ssw0rd@db:5432/app
```

## Good

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:p%40ssw0rd@db:5432/app
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connections import locate, owner, parsed, value_groups
from composelint.model.context import RuleContext
from composelint.model.findings import Violation

code = "CMP301"
name = "url-userinfo-unencoded"
summary = "A reserved character is unencoded in a URL's user or password"
severity = "error"


def check(project: RuleContext) -> Iterator[Violation]:
    for group in value_groups(project):
        problems = [p for p in parsed(group[0]).problems if p.kind == "userinfo-unencoded"]
        for problem in problems:
            conn = owner(group, problem.offset)
            value = conn.value
            start = value.rfind("://", 0, problem.offset)
            end = conn.dest.host_offset - 1
            if start == -1 or end <= start or value[end] != "@":
                span = conn.span
            else:
                span = locate(project, conn, start + 3, end - start - 3)
            char = value[problem.offset]
            yield Violation(
                f"the user or password in {conn.variable} contains an unencoded {char!r}",
                span,
                conn.related,
                note="URL parsers split there and connect to a different host (libpq and "
                "SQLAlchemy take the text after the first '@' as the host), failing with "
                '"could not translate host name" or an authentication error',
                help=f"percent-encode it as %{ord(char):02X}",
            )
