"""A host setting that is not a host name (a scheme, a port, spaces, underscores).

## What it catches

Values of host variables (`DB_HOST`, `REDIS_HOST`, `PGHOST`, ADO.NET `Server=`)
and connection strings whose host part cannot work as written:

- `host-has-scheme` (`DB_HOST=postgres://db`): a URL where a host name goes;
- `host-has-port` (`PGHOST=db:5432`, `Server=db:1433`): a port glued to the
  host where the client takes it separately (`WORDPRESS_DB_HOST` and other
  variables documented to accept `host:port` are fine; for an application's own
  `DB_HOST=db:5432`, whose client is unknown, an info);
- `host-has-space` (`DB_HOST="db "`): white space in the name (error);
- `host-underscore` (`http://my_api:8000`, `redis://redis_cache:6379`, a URL of
  any scheme): Docker's DNS resolves names with `_`, but `java.net.URI` reads
  such a host as no host at all (`getHost()` is null), whatever the scheme, and
  Ruby's `URI` rejected it before Ruby 2.2; Python's `urllib`, Go's `net/url` and
  Node's `URL` accept it — warning for URLs in the settings of Java frameworks
  (`SPRING_*`, `QUARKUS_*` ...), info elsewhere.

## Why it matters

The client looks the whole text up as a host name and fails: `could not
translate host name "db:5432" to address`, `getaddrinfo ENOTFOUND
postgres://db`, or — for underscores — `Host name may not be null` / `IllegalArgumentException`
from Java clients (Redisson, Quarkus' Redis client, Apache HttpClient), and HTTP
400 from servers that validate the `Host` header.

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      PGHOST: db:5432
  db:
    image: postgres:16
```

## Good

```yaml
services:
  app:
    image: acme/app
    environment:
      PGHOST: db
      PGPORT: "5432"
  db:
    image: postgres:16
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connectivity import ValueIssue, value_issues
from composelint.analysis.connstrings import mask_value, parse_value
from composelint.model.context import RuleContext
from composelint.model.findings import Severity, Violation
from composelint.model.nodes import Scalar

code = "CMP109"
name = "host-invalid"
summary = "A host setting that is not a host name: a scheme, a port, spaces or underscores"
severity = "warning"

_FIX = {
    "host-has-scheme": "write only the host name, or use the variable that takes a URL",
    "host-has-port": "write only the host name and set the port in its own setting",
    "host-has-space": "remove the white space",
    "host-underscore": "rename the service (or add a network alias) without '_'",
}
_WHAT = {
    "host-has-scheme": "a URL where a host name goes",
    "host-has-port": "a port glued to the host name",
    "host-has-space": "white space in the host name",
    "host-underscore": "a '_' in the host name",
}
_WHY = {
    "host-has-scheme": "the client looks the whole text up as a name",
    "host-has-port": "the client looks the whole text up as a name",
    "host-has-space": "no host name contains white space",
    "host-underscore": "Docker's DNS resolves it, but java.net.URI (Java clients of any "
    "scheme) and Ruby's URI before 2.2 reject a host with '_' (a null host, "
    "IllegalArgumentException), and servers that check the Host header answer HTTP 400",
}


def check(project: RuleContext) -> Iterator[Violation]:
    for issue in value_issues(project):
        kind = issue.problem.kind
        if kind not in _FIX:
            continue
        if kind == "host-has-port" and _documented_hostport(project, issue):
            continue  # the image takes host:port there (gitea's DB_HOST): host + port
        yield Violation(
            f"{_subject(issue)} has {_WHAT[kind]}",
            issue.span,
            issue.related,
            severity=_severity(issue),
            note=f'the value is "{_shown(issue)}": {issue.problem.message}; {_WHY[kind]}',
            help=_FIX[kind],
        )


def _documented_hostport(project: RuleContext, issue: ValueIssue) -> bool:
    """Whether the client's image documents ``host:port`` in this variable (the image
    facts: gitea's DB_HOST, wordpress's WORDPRESS_DB_HOST)."""
    from composelint.analysis.images import image_facts

    svc = project.services.get(issue.client)
    image = svc.get("image") if svc is not None else None
    if not isinstance(image, Scalar) or not isinstance(image.value, str):
        return False
    facts = image_facts(image.value)
    return facts is not None and issue.variable in facts.hostport_env


def _subject(issue: ValueIssue) -> str:
    kind = "build arg " if issue.where == "build-arg" else ""
    return f'{kind}{issue.variable} in service "{issue.client}"'


def _shown(issue: ValueIssue) -> str:
    text = mask_value(issue.value)
    return text if len(text) <= 80 else text[:77] + "..."


# host variables whose clients take a bare host only (libpq, PDO, mysqlclient)
_STRICT_HOST_VARS = frozenset(
    {"PGHOST", "POSTGRES_HOST", "MYSQL_HOST", "MARIADB_HOST", "DB_HOST", "DATABASE_HOST"}
)
_LIBPQ_HOST_VARS = frozenset({"PGHOST", "PGHOSTADDR"})
_JAVA_PREFIXES = ("SPRING_", "QUARKUS_", "MICRONAUT_", "JAVA_", "JDBC_")


def _severity(issue: ValueIssue) -> Severity | None:
    """Error for white space; warning where the client is known to reject the value;
    info otherwise (many apps take host:port or a URL in a *_HOST variable, whether
    host:port works depends on the client, and only some URL parsers reject '_')."""
    kind = issue.problem.kind
    var = issue.variable.upper()
    if kind == "host-has-space":
        return Severity.ERROR
    if kind == "host-has-port":
        # libpq's own PGHOST and connection strings (Server=db:1433) have a known
        # client that rejects it; for DB_HOST and friends the app decides (gitea
        # documents DB_HOST=db:5432)
        known = var in _LIBPQ_HOST_VARS or "=" in issue.value
        return None if known else Severity.INFO
    if kind == "host-has-scheme":
        return None if var in _STRICT_HOST_VARS else Severity.INFO
    at = issue.problem.offset
    for dest in parse_value(issue.value, issue.variable).destinations:
        inside = dest.host_offset <= at < dest.host_offset + max(dest.host_length, 1)
        # a Java framework's URL setting: parsed with java.net.URI, whatever the scheme
        if inside and dest.kind == "url" and var.startswith(_JAVA_PREFIXES):
            return None
    return Severity.INFO
