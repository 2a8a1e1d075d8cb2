"""A connection to a host name that no service of the project defines.

## What it catches

A connection variable (`DATABASE_URL`, `DB_HOST`, `REDIS_URL` ...) whose host is
a single-label name (no dots) that nothing in the project makes resolvable: no
service name, network alias, `container_name`, generated container name,
`links` / `external_links` alias or `extra_hosts` entry of the client. In
practice: the server the client needs is not part of this compose file.

- Error, pointing at the host text, also when it sits in a `.env` or `env_file`
  (the compose line that loads the file is a related location).
- Warning when the client joins an `external` network or sets `dns:` /
  `dns_search:` (the name may be defined there), for build args (used at build
  time), and for values recognised only by their shape.
- When the name is a service disabled by the active profiles, the message says
  so (warning).
- When the host is a fragment of the user info (`postgresql://u:5432/x@db/app`:
  a password of digits with an unencoded `/`, so every parser reads host `u`,
  port 5432), the message says so and names the service after the `@`.
- A misspelling of a special name of the Docker host (`host.docker.intenral`,
  `docker.host.internal`, `host-docker-internal`, `gateway.docker.interal`,
  `host.container.internal`) is reported with a did-you-mean, dotted or not.
- Other dotted names (`api.example.com`), IP addresses and browser-facing variables
  (`NEXT_PUBLIC_*`, `VITE_*`) are not checked; neither are values of variables
  that are not connection settings (`CACHE_DRIVER=redis`).

## Why it matters

`docker compose config` accepts the project and the containers start, then the
client fails to resolve the name: `could not translate host name "db" to
address`, `getaddrinfo ENOTFOUND db`. This is the failure of the post-mortem's
test environment: the app pointed at `ventanas-test-db`, a container started by
hand from another project, on a network the app did not join.

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@ventanas-test-db:5432/app
```

## Good

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@postgres:5432/app
    depends_on: [postgres]
  postgres:
    image: postgres:16
```

## Options

`allowed-hosts` (a list; `*.example.com` matches its subdomains) names hosts
that exist outside the project: connections to them are not followed, so no host,
network or port rule reports them. `connection-variables` adds variable names
whose values are destinations. Both go
in the configuration file (see docs/configuration.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from composelint.analysis.connectivity import (
    Connection,
    Reachability,
    connections,
    declared_external_networks,
    is_ip_literal,
    is_loopback,
    reachability,
)
from composelint.analysis.connstrings import VarRole
from composelint.model.context import RuleContext
from composelint.model.findings import Severity, Violation
from composelint.model.nodes import Mapping, Scalar

from .helpers import (
    NAMED,
    dialed,
    lookup_error,
    near_special,
    scheme_of,
    sibling_services,
    subject,
    suggest,
    what,
)

code = "CMP107"
name = "host-unknown"
summary = "A connection to a host name that no service, alias or container of the project defines"
severity = "error"

_SKIP_MODES = ("host", "none")


def check(project: RuleContext) -> Iterator[Violation]:
    reach = reachability(project)
    for c in dialed(connections(project), reach, where=NAMED):
        host = c.host
        if ":" in host or is_ip_literal(host) or is_loopback(host):
            continue
        special = near_special(host)
        if "." in host and special is None:
            continue
        me = reach.services.get(c.client)
        if me is None:
            continue
        mode = me.network_mode
        if mode is not None and (mode in _SKIP_MODES or mode.startswith("container:")):
            continue
        res = reach.resolve(c.client, host)
        if special is not None and res.via is None:
            yield _misspelt(reach, c, special)
            continue
        if res.via == "disabled" and res.target is not None:
            yield Violation(
                f'{subject(c)} points at "{host}", a service disabled by the active profiles',
                c.span,
                c.related,
                severity=Severity.WARNING,
                note="it is not started, so the name does not resolve "
                f"(the client reports: {lookup_error(c)})",
                help="enable its profile or remove the profile from it",
            )
            continue
        if res.via is not None:
            continue
        yield _unknown(project, reach, c)


def _misspelt(reach: Reachability, c: Connection, special: str) -> Violation:
    """host.docker.intenral, docker.host.internal: a special name, misspelt."""
    me = reach.services[c.client]
    fix = f'did you mean "{special}"?'
    if special == "host.docker.internal" and not any(h.lower() == special for h in me.extra_hosts):
        fix += f' On Linux also add extra_hosts: ["{special}:host-gateway"]'
    return Violation(
        f'{subject(c)} points at unknown host "{c.host}"',
        c.span,
        c.related,
        severity=Severity.WARNING if me.dns else None,
        note=f'no runtime defines "{c.host}", a near miss of the special name {special}: '
        f"the client reports: {lookup_error(c)}",
        help=fix,
    )


_NAME_AT = re.compile(r"@([A-Za-z0-9][A-Za-z0-9_.-]*)")


def _real_host(reach: Reachability, c: Connection) -> str | None:
    """The service a URL names after an '@' in its path, when the host the parsers
    see is a fragment of the user info: 'postgresql://app:5432/x@db/app' is user 'app'
    and password '5432/x' to the author, host 'app' port 5432 to every parser."""
    if c.dest.kind != "url" or c.dest.port_offset is None:
        return None  # a password that is not all digits is already read as one
    value = c.value
    slash = value.find("/", c.dest.port_offset)
    m = _NAME_AT.search(value, slash) if slash != -1 else None
    if (
        m is None
        or not value[slash + 1 : m.start()]
        or any(ch in value[slash + 1 : m.start()] for ch in "/=&")
    ):
        return None
    return m.group(1) if reach.resolve(c.client, m.group(1)).target is not None else None


def _unknown(project: RuleContext, reach: Reachability, c: Connection) -> Violation:
    me = reach.services[c.client]
    real = _real_host(reach, c)
    if real is not None:
        return Violation(
            f'{subject(c)} points at unknown host "{c.host}"',
            c.span,
            c.related,
            note=f'the user info holds an unencoded "/", so URL parsers end the host part '
            f'there and read "{c.host}" as the host, not "{real}" (the client reports: '
            f"{lookup_error(c)})",
            help='percent-encode the "/" of the password as %2F',
        )
    own = {c.client, me.container_name or c.client}
    guess = suggest(c.host, reach.known_names(c.client) - own)
    fix = f"add the {what(c)} as a service or join its network as external"
    unjoined = sorted(set(declared_external_networks(project)) - reach.effective_networks(c.client))
    if unjoined:  # the post-mortem: the database's network is declared, the app is not on it
        nets = ", ".join(f'"{n}"' for n in unjoined)
        fix = (
            f"add the {what(c)} as a service, or add the external network {nets} that this "
            f"project declares to the networks of {c.client} if the {what(c)} runs there"
        )
    if guess is not None:
        fix = f'did you mean "{guess}"? Otherwise {fix}'
    phrase = reach.network_phrase(c.client)
    sibling = sibling_services(project).get(c.host.lower())
    if sibling is not None:
        return Violation(
            f'{subject(c)} points at "{c.host}", defined only in {sibling}',
            c.span,
            c.related,
            severity=Severity.WARNING,
            note=f"{phrase}, and {sibling} is not part of this project: the name resolves "
            "only when the files are used together; otherwise the client reports: "
            f"{lookup_error(c)}",
            help=f"use the files together (-f ... -f {sibling}, or include:)",
        )
    external = sorted(reach.effective_networks(c.client) & reach.external_networks)
    if external:
        nets = ", ".join(f'"{n}"' for n in external)
        return Violation(
            f'{subject(c)} points at "{c.host}", which is not a service of this project',
            c.span,
            c.related,
            severity=Severity.WARNING,
            note=f"{phrase}; it resolves only if a container on the external network {nets} "
            f'is called "{c.host}", otherwise the client reports: {lookup_error(c)}',
            help=fix,
        )
    note = (
        f"{phrase}, so the name does not resolve at runtime (the client reports: {lookup_error(c)})"
    )
    doubt = _doubt(project, reach, c)
    if doubt:
        note += f"; not certain: {doubt}"
    return Violation(
        f'{subject(c)} points at unknown host "{c.host}"',
        c.span,
        c.related,
        severity=Severity.WARNING if doubt else None,
        note=note,
        help=fix,
    )


_OUTSIDE_WORDS = frozenset({"SMTP", "MAIL", "EMAIL", "LDAP", "IMAP", "POP3", "SYSLOG"})
_OUTSIDE_SCHEMES = ("smtp", "ldap", "imap", "pop3")
_SELECTOR_LAST = frozenset(
    {"ENGINE", "DRIVER", "TYPE", "BACKEND", "DIALECT", "CONNECTION", "VENDOR", "PROVIDER"}
)


def _doubt(project: RuleContext, reach: Reachability, c: Connection) -> str | None:
    """Why the finding may be wrong, which makes it a warning; None when it is solid."""
    words = set(re.split(r"[^A-Z0-9]+", (c.variable or "").upper()))
    if reach.services[c.client].dns:
        return "unless the service's dns: / dns_search: servers know the name"
    if c.where == "build-arg":
        return "a build arg: check whether the image uses it at run time"
    if c.where == "command" or c.role is VarRole.OTHER:
        return "recognised by the shape of the value only"
    if words & _OUTSIDE_WORDS or scheme_of(c).startswith(_OUTSIDE_SCHEMES):
        return "mail and directory servers often live outside the project, under a name the host's DNS knows"
    if "example" in c.host.lower():
        return "it looks like a placeholder"
    if c.role is VarRole.DESTINATION_URL and c.dest.kind == "host" and c.dest.port is None:
        return "a bare word where a URL is expected: it may not be a host at all"
    if what(c) in ("database", "server") and _other_backend(project, c.client):
        return "another setting of the service selects SQLite: this one may be unused"
    return None


def _other_backend(project: RuleContext, client: str) -> bool:
    env = project.services.get(client, Mapping()).get("environment")
    if not isinstance(env, Mapping):
        return False
    for var, node in env.items.items():
        last = re.split(r"[^A-Z0-9]+", var.upper())[-1]
        if (
            last in _SELECTOR_LAST
            and isinstance(node, Scalar)
            and "sqlite" in str(node.value).lower()
        ):
            return True
    return False
