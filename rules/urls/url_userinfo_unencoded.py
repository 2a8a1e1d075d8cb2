"""A reserved character is unencoded in a URL's user name or password.

## What it catches

An `@`, `/`, `?`, `#` (or a stray `%`) written as-is in the user or password of a
connection URL: `postgresql://app:p@ss@db/app`, `redis://:a/b@cache:6379`. The
value is checked after interpolation, so a `${DB_PASSWORD}` whose value in `.env`
holds such a character is caught too: the finding then points at the
`${DB_PASSWORD}` that brings the character in, and the `.env` line that sets it
is a related location. Otherwise it points at the user-info part; the password
itself is never printed.

## Why it matters

URL parsers split the URL at those characters: libpq and SQLAlchemy take
everything after the *first* `@` as the host (`ss@db`), and `/ ? #` end the host
part early. The client then tries to connect to a host that does not exist —
`could not translate host name "…" to address`, `getaddrinfo ENOTFOUND` — or
authenticates with a truncated password. Percent-encode the characters (`@` →
`%40`, `/` → `%2F`, `?` → `%3F`, `#` → `%23`, `%` → `%25`), or use a password
without them.

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

## Fix safety

The fix percent-encodes `@ / ? #` and stray `%` signs of the user info; clients
decode them, so they log in with the same password. It is safe when the user
info is written literally in the compose file, or in the `.env` / `env_file`
value that holds the whole URL. When the characters come from a variable
(`${DB_PASSWORD}`), the fix edits that variable's value in the `.env` file and is
unsafe: the value changes for every reader of that `.env` file. The fix is
offered only when every use of the variable in the project is inside the user
info of a URL and the file is no service's `env_file`; a variable that also sets
the server's password (`POSTGRES_PASSWORD: ${DB_PASSWORD}`) gets no fix, since
that value must stay unencoded. No fix is offered when the value comes from the
shell or cannot be located exactly. The
edits carry password text: reports mask them and the language server never
sends them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from composelint.analysis.connections import (
    locate,
    owner,
    parsed,
    piece_at,
    span_text,
    value_groups,
)
from composelint.analysis.connectivity import Connection
from composelint.analysis.env_inventory import ENV_FILE, env_files
from composelint.analysis.scalars import substituted
from composelint.load.sources import resolve_path
from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Edit, Fix, Related, Violation
from composelint.model.nodes import Substitution
from composelint.model.span import Span

code = "CMP301"
name = "url-userinfo-unencoded"
summary = "A reserved character is unencoded in a URL's user or password"
severity = "error"

# what ends or splits the user info (RFC 3986 §3.2.1 gen-delims but ':'), and a '%'
# that starts no %XX escape; ':' separates user and password and stays
_RESERVED = re.compile(r"[@/?#]|%(?![0-9A-Fa-f]{2})")


_NOTES = {
    "@": "URL parsers split there and connect to a different host (libpq and "
    "SQLAlchemy take the text after the first '@' as the host), failing with "
    '"could not translate host name" or an authentication error',
    "/": "URL parsers end the host part there and connect to a different host, failing "
    'with "could not translate host name" or an authentication error',
    # libpq's conninfo_uri_decode; Go's url.Parse (unescape with encodeUserPassword)
    "%": 'libpq refuses the URL ("invalid percent-encoded token"), and so does Go\'s '
    'net/url ("invalid URL escape")',
}


def encode(text: str) -> str:
    """``text`` with the characters that break user info percent-encoded."""
    return _RESERVED.sub(lambda m: f"%{ord(m.group()[0]):02X}", text)


def check(project: RuleContext) -> Iterator[Violation]:
    for group in value_groups(project):
        problems = [p for p in parsed(group[0], project).problems if p.kind == "userinfo-unencoded"]
        for problem in problems:
            conn = owner(group, problem.offset)
            yield _violation(project, conn, problem.offset)


def _violation(project: RuleContext, conn: Connection, offset: int) -> Violation:
    value = conn.value
    char = value[offset]
    start = value.rfind("://", 0, offset) + 3
    end = conn.dest.host_offset - 1  # the '@' before the host
    if start < 3 or end <= start or value[end] != "@":
        start, end = offset, offset + 1  # only the character itself is known
    span: Span | None = conn.span
    related = conn.related
    fix = None
    piece = piece_at(conn.node, offset)
    sub = piece.sub if piece is not None else None
    if piece is not None and sub is not None and piece.start <= start and end <= piece.end:
        # the whole URL came from one variable: the user info is literal in its .env value
        exact = _in_value(project, sub, start - piece.start, end - start)
        if exact is not None:
            span, fix = exact, _literal_fix(exact, value[start:end])
    elif piece is not None and sub is not None:  # ${PW} brought the character in
        span = sub.expr_span or span
        if sub.span is not None and sub.source == "env":
            related = (*related, Related(sub.span, f"{sub.name} is set here"))
        if piece.start >= start and piece.end <= end:
            fix = _variable_fix(project, sub)
    else:
        exact = locate(project, conn, start, end - start)
        if exact is None or exact == conn.span:  # variables around: the character alone
            start, end = offset, offset + 1
            exact = locate(project, conn, offset, 1)
        if exact is not None and exact != conn.span:
            span, fix = exact, _literal_fix(exact, value[start:end])
    return Violation(
        f"the user or password in {conn.variable} contains an unencoded {char!r}",
        span,
        related,
        fix,
        note=_NOTES.get(char, _NOTES["/"]),
        help=f"percent-encode it as %{ord(char):02X}",
    )


def _literal_fix(span: Span, text: str) -> Fix:
    return Fix(
        "percent-encode the user info",
        (Edit(span, _encode_userinfo(text), sensitive=True),),
        applicability=Applicability.SAFE,
    )


def _in_value(project: RuleContext, sub: Substitution, offset: int, length: int) -> Span | None:
    """The span of sub.value[offset:offset+length] in the .env line that sets it."""
    inner = _written(project, sub)
    if inner is None or sub.span is None:
        return None
    quote, _ = inner
    s = sub.span
    col = s.col + len(quote) + offset
    span = Span(s.path, s.line, col, s.line, col + length)
    return span if span_text(project, span) == (sub.value or "")[offset : offset + length] else None


def _written(project: RuleContext, sub: Substitution) -> tuple[str, str] | None:
    """(quote, text) of the .env value that sets ``sub`` when that text is exactly its
    value (no escapes or references), else None."""
    if sub.source != "env" or sub.value is None or sub.span is None:
        return None
    written = span_text(project, sub.span)
    if written is None:
        return None
    quote = written[:1] if len(written) >= 2 and written[0] == written[-1] in "'\"" else ""
    inner = written[len(quote) : len(written) - len(quote)]
    return (quote, inner) if inner == sub.value else None


def _encode_userinfo(userinfo: str) -> str:
    user, colon, password = userinfo.partition(":")
    return encode(user) + colon + encode(password)


def _variable_fix(project: RuleContext, sub: Substitution) -> Fix | None:
    """Encode the variable's value where a .env file sets it, when that is plain text."""
    written = _written(project, sub)
    if written is None or sub.span is None or not _only_in_userinfo(project, sub):
        return None
    quote, inner = written
    return Fix(
        f"percent-encode the value of {sub.name} in its .env file",
        (Edit(sub.span, quote + encode(inner) + quote, sensitive=True),),
        applicability=Applicability.UNSAFE,
    )


def _only_in_userinfo(project: RuleContext, sub: Substitution) -> bool:
    """Whether every use of ``sub``'s variable is inside the user info of a URL, and
    its file is not also a container's env_file: an encoded value anywhere else
    (``POSTGRES_PASSWORD: ${DB_PASSWORD}``) would change the password itself."""
    path = resolve_path(Path(sub.span.path)) if sub.span is not None else None
    if any(ef.path == path and ENV_FILE in ef.roles for ef in env_files(project)):
        return False
    return all(
        _in_userinfo(node.raw or "", use.expression)
        for _path, node in substituted(project)
        for use in node.subs
        if use.name == sub.name
    )


def _in_userinfo(raw: str, expression: str) -> bool:
    """Whether each occurrence of ``expression`` in ``raw`` stands between a ``://``
    and the ``@`` that ends the user info."""
    start = raw.find(expression)
    while start >= 0:
        before, after = raw[:start], raw[start + len(expression) :]
        scheme_end = before.rfind("://")
        if scheme_end < 0 or "/" in before[scheme_end + 3 :] or "@" not in after.split("/")[0]:
            return False
        start = raw.find(expression, start + 1)
    return True
