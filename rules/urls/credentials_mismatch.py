"""The user, password or database in a connection URL differ from the target's settings.

## What it catches

A connection to a service of the project running postgres, mysql, mariadb, mongo
or rabbitmq whose user, password or database differ from what the target's
image creates on first start:

| image | user | password | database / vhost |
|---|---|---|---|
| postgres | `POSTGRES_USER` | `POSTGRES_PASSWORD` | `POSTGRES_DB` |
| mysql, mariadb | `MYSQL_USER` / `MARIADB_USER` (or `root`) | `MYSQL_PASSWORD` (`MYSQL_ROOT_PASSWORD` for root) | `MYSQL_DATABASE` |
| mongo | `MONGO_INITDB_ROOT_USERNAME` | `MONGO_INITDB_ROOT_PASSWORD` | — |
| rabbitmq | `RABBITMQ_DEFAULT_USER` | `RABBITMQ_DEFAULT_PASS` | `RABBITMQ_DEFAULT_VHOST` |

For redis, whose official image creates no user, the URL's password is compared with
what the server's own command line says (`redis-server --requirepass X`, also behind
`docker-entrypoint.sh` or a one-program `sh -c`; `REDIS_PASSWORD` on `bitnami/redis`):

- the URL's password differs from `--requirepass` (`WRONGPASS`);
- the server asks for a password and the URL gives none, and the client has no other
  variable that could carry one (`*PASS*`, `*AUTH*`): `NOAUTH Authentication required`;
- the URL gives a password (and no user) to an official `redis` image that asks for
  none — no `--requirepass`, no configuration file on its command line. Redis answers
  `AUTH <password> called without any password configured for the default user`;
  redis-py raises `AuthenticationError`, while ioredis and node-redis only log a warning
  and go on, so this one says "very likely wrong", not "fails".

The official `redis` image ignores `REDIS_PASSWORD`: a password there sets nothing.

Only settings written on the target are compared (no image defaults), values are
compared after interpolation, and a side that interpolates an unset variable is
skipped. Two values taken from the same `${VAR}` match by construction. User and
database are not compared when the target mounts `/docker-entrypoint-initdb.d`
(init scripts may create others). Passwords are never printed: the message names
the variables.

## Why it matters

The client fails at runtime with `password authentication failed for user "app"`,
`role "app" does not exist`, `database "app" does not exist`, `Access denied for
user` or `ACCESS_REFUSED`. Note that the image applies these settings only when it
initialises an empty data volume: after changing them, the old volume keeps the
old credentials.

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@db:5432/app
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: postgres
      POSTGRES_PASSWORD: secret
      POSTGRES_DB: app
```

## Good

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://${DB_USER}:${DB_PASSWORD}@db:5432/app
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: ${DB_USER}
      POSTGRES_PASSWORD: ${DB_PASSWORD}
      POSTGRES_DB: app
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from composelint.analysis.connections import Route, environment, family, locate, routes
from composelint.analysis.connectivity import Connection
from composelint.analysis.images import family_facts
from composelint.model.context import RuleContext
from composelint.model.findings import Related, Violation
from composelint.model.nodes import Mapping, Node, Scalar, Sequence
from composelint.model.span import Span

code = "CMP305"
name = "credentials-mismatch"
summary = "User, password or database in a connection URL differ from the target's settings"
severity = "warning"


def _resolved(node: Node | None) -> str | None:
    """The value when it is fully known: literal, or interpolated from defined variables."""
    if not isinstance(node, Scalar) or node.value is None:
        return None
    if any(s.source in ("unset", "error", "shell") for s in node.subs):
        return None
    return str(node.value)


class _Setting(tuple[str, str, Span | None]):
    """A credential variable of the server and its known value."""

    __slots__ = ()

    def __new__(cls, var: str, value: str, span: Span | None) -> _Setting:
        return tuple.__new__(cls, (var, value, span))

    def __getnewargs__(self) -> tuple[Any, ...]:  # pickles and copies, as a NamedTuple
        return tuple(self)

    @property
    def var(self) -> str:
        return self[0]

    @property
    def value(self) -> str:
        return self[1]

    @property
    def span(self) -> Span | None:
        return self[2]

    def __repr__(self) -> str:
        return f"_Setting(var={self[0]!r}, value={self[1]!r}, span={self[2]!r})"


class _Mismatch(tuple[str, str, Span | None]):
    """What differs, and the server variable it differs from."""

    __slots__ = ()

    def __new__(cls, text: str, var: str, span: Span | None) -> _Mismatch:
        return tuple.__new__(cls, (text, var, span))

    def __getnewargs__(self) -> tuple[Any, ...]:  # pickles and copies, as a NamedTuple
        return tuple(self)

    @property
    def text(self) -> str:
        return self[0]

    @property
    def var(self) -> str:
        return self[1]

    @property
    def span(self) -> Span | None:
        return self[2]

    def __repr__(self) -> str:
        return f"_Mismatch(text={self[0]!r}, var={self[1]!r}, span={self[2]!r})"


def _setting(env: Mapping, names: tuple[str, ...]) -> _Setting | None:
    for n in names:
        node = env.get(n)
        value = _resolved(node)
        if value and node is not None:
            return _Setting(n, value, node.span)
    return None


def _mounts(project: RuleContext, service: str, directory: str | None) -> bool:
    """Whether the service mounts something at or under ``directory``."""
    if directory is None:
        return False
    volumes = project.services[service].get("volumes")
    for item in volumes.items if isinstance(volumes, Sequence) else []:
        target = item.get("target") if isinstance(item, Mapping) else None
        if isinstance(target, Scalar) and str(target.value).startswith(directory):
            return True
    return False


def _client_known(conn: Connection) -> bool:
    return conn.node is not None and _resolved(conn.node) is not None


def check(project: RuleContext) -> Iterator[Violation]:
    for route in routes(project):
        conn, target = route.conn, route.target
        facts = family_facts(family(target))
        if facts is not None and facts.password_flags:
            yield from _redis(project, route)  # a password on the server's command line
            continue
        creds = facts.credentials if facts is not None else None
        if creds is None or not _client_known(conn) or conn.dest.kind not in ("url", "jdbc"):
            continue
        error = creds.error
        vhost = creds.database_word == "vhost"
        env = environment(project, target.name)
        d = conn.dest
        where = conn.variable or conn.where
        scripts = _mounts(project, target.name, creds.init_scripts_dir)
        user = unquote(d.user) if d.user else None
        user_set = _setting(env, creds.users)
        is_root = creds.root_user is not None and user == creds.root_user
        if is_root:
            user_set = None
            pw_set = _setting(env, creds.root_passwords)
        else:
            pw_set = _setting(env, creds.passwords)
        problems: list[_Mismatch] = []
        if user and user_set and user != user_set.value and not scripts:
            problems.append(
                _Mismatch(
                    f"the user {user!r} is not {target.name}'s {user_set.var} ({user_set.value!r})",
                    user_set.var,
                    user_set.span,
                )
            )
        elif (
            user
            and pw_set
            and d.has_password
            and d.password_offset is not None
            and (is_root or user_set is not None)
        ):
            raw = conn.value[d.password_offset : d.password_offset + d.password_length]
            if "$" not in raw and unquote(raw) != pw_set.value:
                problems.append(
                    _Mismatch(
                        f"the password is not the one {target.name} sets in {pw_set.var}",
                        pw_set.var,
                        pw_set.span,
                    )
                )
        db_set = _setting(env, creds.databases)
        database = d.database if d.database is None or vhost else d.database.strip("/")
        if database and db_set and not scripts and not is_root and database != db_set.value:
            problems.append(
                _Mismatch(
                    f"the {creds.database_word} {database!r} is not "
                    f"{target.name}'s {db_set.var} ({db_set.value!r})",
                    db_set.var,
                    db_set.span,
                )
            )
        for m in problems:
            at = conn.span
            if "password" in m.text and d.password_offset is not None:
                at = locate(project, conn, d.password_offset, d.password_length)
            yield Violation(
                f"{where} does not match {target.name}'s settings: {m.text}",
                at,
                (*conn.related, *((Related(m.span, f"{m.var} is set here"),) if m.span else ())),
                note=f'the connection fails with "{error}"',
                help="use the same values (ideally the same ${VARIABLE} on both sides)",
            )


# Redis: the password the server's command line sets, against the URL's.
# redis/redis tests/unit/auth.tcl: AUTH with no password configured fails with
# "ERR AUTH <password> called without any password configured for the default user";
# with requirepass set, a wrong one gets WRONGPASS and any command without AUTH gets
# NOAUTH. redis-py (redis/_parsers/base.py NO_AUTH_SET_ERROR) raises AuthenticationError
# for the first; ioredis and node-redis log "does not require a password, but a password
# was supplied" and go on.
_OTHER_SECRET = ("PASS", "AUTH", "SECRET", "TOKEN", "CREDENTIAL")


def _redis(project: RuleContext, route: Route) -> Iterator[Violation]:
    conn, target = route.conn, route.target
    d = conn.dest
    own = target.listening
    facts = family_facts(family(target))
    schemes = facts.schemes if facts is not None and facts.schemes is not None else frozenset()
    if (
        d.kind != "url"
        or d.scheme not in schemes
        or "sentinel" in (d.scheme or "")  # a Sentinel has passwords of its own
        or own.password is None
        or not _client_known(conn)
        or (d.user not in (None, "", "default"))
    ):
        return
    where = conn.variable or conn.where
    setting = own.password_setting
    related = (
        *conn.related,
        *(
            (Related(setting.span, f"{target.name} sets its password here"),)
            if setting is not None and setting.span is not None
            else ()
        ),
    )
    at = conn.span
    if d.password_offset is not None:
        at = locate(project, conn, d.password_offset, d.password_length)
    raw = (
        conn.value[d.password_offset : d.password_offset + d.password_length]
        if d.has_password and d.password_offset is not None
        else None
    )
    if own.password and raw is not None:
        if own.password_value is None or "$" in raw or unquote(raw) == own.password_value:
            return
        yield Violation(
            f"{where} does not match {target.name}'s settings: the password is not the one "
            f"{target.name} sets with --requirepass",
            at,
            related,
            note='the connection fails with "WRONGPASS invalid username-password pair"',
            help="use the same password (ideally the same ${VARIABLE} on both sides)",
        )
    elif own.password and not d.has_password:
        if _other_secret(project, conn):
            return  # the client may pass the password apart from the URL
        yield Violation(
            f"{where} gives no password, but {target.name} requires one",
            conn.span,
            related,
            note='every command fails with "NOAUTH Authentication required"',
            help=f"give the URL {target.name}'s password (the same ${{VARIABLE}} as its --requirepass)",
        )
    elif own.password is False and raw and not d.user:
        yield Violation(
            f"{where} gives a password, but {target.name} requires none",
            at,
            conn.related,
            note='Redis answers AUTH with "AUTH <password> called without any password '
            'configured for the default user": redis-py fails with AuthenticationError, '
            "ioredis and node-redis only warn",
            help=f"start {target.name} with --requirepass (command: redis-server --requirepass "
            "${REDIS_PASSWORD}), or drop the password from the URL",
        )


def _other_secret(project: RuleContext, conn: Connection) -> bool:
    """Whether the client has another variable that may carry a password."""
    return any(
        key != conn.variable and any(w in key.upper() for w in _OTHER_SECRET)
        for key in environment(project, conn.client).items
    )
