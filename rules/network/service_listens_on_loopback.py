"""A service that other services connect to only listens on 127.0.0.1.

## What it catches

A service that another service of the project connects to, whose own
configuration binds it to the loopback interface:

- a bind variable with a loopback value: `HOST=127.0.0.1`, `BIND_ADDRESS=localhost`,
  `*_LISTEN_HOST`, `*_BIND`, `KAFKA_LISTENERS=PLAINTEXT://127.0.0.1:9092` ...;
- a command flag: `--bind 127.0.0.1` (redis, gunicorn `-b`), `--host 127.0.0.1`
  (uvicorn, flask), `--bind_ip 127.0.0.1` (mongod), `--listen`, `--address`,
  `--bind-address`;
- a database or cache server's own bind option, read like its port (also behind
  `docker-entrypoint.sh` or a one-program `sh -c`): `postgres -h localhost` /
  `-c listen_addresses=localhost`, `mysqld --bind-address=127.0.0.1`, `mongod
  --bind_ip localhost`, `redis-server --bind 127.0.0.1 ::1`, `memcached -l
  127.0.0.1`, `nats-server -a 127.0.0.1`; every address it lists must be loopback.

Values loaded from an `env_file` are not used (such files are often shared with
other programs, and a generic `HOST` there may mean something else). When the bind value carries a port and clients use another port, nothing is
reported (`METRICS_BIND=127.0.0.1:9100` is not the port they use). `0.0.0.0` and
`::` are never reported. Framework defaults (Flask and Vite listen on 127.0.0.1
unless told otherwise) and mounted config files are not visible statically.

## Why it matters

Inside a container, 127.0.0.1 is the container itself: a server bound there is
unreachable from every other container, and clients get `Connection refused`
although the name resolves and the port is right — one of the hardest cases to
diagnose from the client's logs.

## Bad

```yaml
services:
  api:
    image: acme/api
    command: ["uvicorn", "main:app", "--host", "127.0.0.1", "--port", "8000"]
  web:
    image: acme/web
    environment:
      API_URL: http://api:8000
```

## Good

```yaml
services:
  api:
    image: acme/api
    command: ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]
  web:
    image: acme/web
    environment:
      API_URL: http://api:8000
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from composelint.analysis.connections import Route, routes, sharers
from composelint.analysis.connstrings import VarRole
from composelint.model.context import RuleContext
from composelint.model.findings import Related, Violation
from composelint.model.nodes import Scalar, Sequence
from composelint.model.span import Span

code = "CMP209"
name = "service-listens-on-loopback"
summary = "A service that others connect to only listens on 127.0.0.1"
severity = "warning"

_FLAGS = frozenset(
    {"--bind", "-b", "--host", "--bind_ip", "--bind-ip", "--listen", "--address",
     "--bind-address", "--listen-address", "--http-host"}
)  # fmt: skip
_HOSTPORT = re.compile(r"^\[?([^\]]*?)\]?(?::([0-9]{1,5}))?$")


def _loopback_port(value: str) -> tuple[bool, int | None]:
    from composelint.analysis.connectivity import is_loopback

    m = _HOSTPORT.match(value.strip())
    if m is None:
        return False, None
    return is_loopback(m.group(1)), int(m.group(2)) if m.group(2) else None


def _command_binds(
    project: RuleContext, service: str
) -> Iterator[tuple[str, int | None, Span | None]]:
    svc = project.services[service]
    node = svc.get("command")
    words: list[tuple[str, Span | None]] = []
    if isinstance(node, Sequence):
        words = [(str(w.value), w.span) for w in node.items if isinstance(w, Scalar)]
    elif isinstance(node, Scalar) and node.value is not None:
        from composelint.analysis.connectivity import command_words

        words = [(w, node.span) for w in command_words(node)]
    for i, (word, span) in enumerate(words):
        flag, eq, value = word.partition("=")
        if flag not in _FLAGS:
            continue
        if not eq:
            if i + 1 >= len(words):
                continue
            value, span = words[i + 1]
        loop, port = _loopback_port(value)
        if loop:
            yield f"{flag} {value}", port, span


def check(project: RuleContext) -> Iterator[Violation]:
    from composelint.analysis.connectivity import connections, is_loopback, reachability

    by_target: dict[str, list[Route]] = {}
    for route in routes(project):
        by_target.setdefault(route.target.name, []).append(route)
    if not by_target:
        return
    binds: list[tuple[str, str, int | None, Span | None]] = []
    for conn in connections(project):
        if (
            conn.role is VarRole.BIND
            and conn.client in by_target
            and is_loopback(conn.host)
            and len(sharers(project, conn)) == 1  # not from a shared anchor / extends
            and (conn.client, conn.variable or "") not in project.env_file_origins
        ):
            binds.append((conn.client, f"{conn.variable}={conn.host}", conn.dest.port, conn.span))
    reach = reachability(project)
    for service in by_target:
        found = [(service, *b) for b in _command_binds(project, service)]
        own = reach.services[service].listening
        option = own.bind_setting
        if not found and option is not None and own.bind and all(map(is_loopback, own.bind)):
            found.append((service, option.text, None, option.span))  # postgres -h ...
        binds.extend(found)
    for service, setting, port, span in binds:
        clients = [r for r in by_target[service] if port is None or r.conn.port == port]
        if not clients:
            continue
        first = clients[0].conn
        others = sorted({r.client for r in clients})
        yield Violation(
            f"{service} listens only on loopback ({setting}), but "
            f"{', '.join(others)} connect{'s' if len(others) == 1 else ''} to it",
            span,
            (Related(first.span, f"{first.client} connects to {service} here"),)
            if first.span
            else (),
            note="they connect over the network, and inside a container 127.0.0.1 is the "
            'container itself, so they get "Connection refused"',
            help="bind to 0.0.0.0 instead",
        )
