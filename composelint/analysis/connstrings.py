"""Network destinations in environment values: URLs, JDBC, libpq, ADO.NET, host lists.

A pure library (standard library only) for the connectivity rules: which hosts/ports an
environment variable's *value* points at (`parse_value`), with exact offsets into the
value so that a caller can point at a column. What the variable's *name* says the value
is for is in ``varroles`` (`classify_variable`, re-exported here), the schemes' aliases,
default ports and typos in ``schemes``, and what servers speak in ``images``.

Decisions (background: connection-settings.md §H-§J):

- **Passwords are never stored**, only their offsets (`Destination.password_offset`,
  `ParsedValue.secrets`). `params` leaves out every password-like key, and messages
  never quote user info or ports, so reprs and messages are safe to print.
- **Unencoded '@' in the user info** (``postgresql://u:p@ss@db/x``): Python's urllib,
  Go's net/url and WHATWG URL parsers split at the *last* '@' (host ``db``); libpq
  (psql, psycopg) splits at the *first* '@' (host ``ss@db``). We return the last-'@' host (the
  one the author meant) and report ``userinfo-unencoded`` at the stray '@'. An unencoded
  '/' in a password ends the authority early for every parser ('?' and '#' for all but
  libpq): when a host list follows a later '@' we report it and return the intended host.
- **AMQP vhost**: ``amqp://h//`` (vhost "/") is the Celery/kombu/pika convention and is
  accepted; any other unencoded '/' in the vhost is ``amqp-vhost-slash``.
- **Not network** (no destination): ``sqlite``, ``file``, ``unix``, any ``+unix`` /
  ``+socket`` scheme (``redis+unix``, ``http+unix``), object stores (``s3``, ``gs`` ...),
  a libpq host that is a directory (``/var/run/postgresql``), embedded JDBC
  (``jdbc:h2:mem:``, ``jdbc:sqlite:``), SQL Server named pipes / shared memory / LocalDB,
  and a URL without a host (``postgresql:///db``) unless the libpq query has ``host=``.
- **Bare host:port values** count by value alone only when every port is numeric and
  >= 80 and every host starts with a letter or is an IP (so ``postgres:16`` image tags
  and ``12:30`` times are not destinations). For destination, bind and advertised
  variables any host list, and a bare host, is accepted.
- **Kafka listeners** (``PLAINTEXT://:9092``) have scheme ``kafka-listener`` and the
  listener name as raw_scheme; an empty host (bind all) is returned as ``host == ""``.
- **References**: ``${VAR}`` text is kept as written (``:`` or ``@`` inside braces never
  split anything); a host or port containing ``$`` is ``templated`` and never invalid.
- ``host-underscore`` is reported for host variables and the hosts of URLs of every
  scheme (java.net.URI rejects '_' whatever the scheme); Docker's DNS resolves such
  names, so callers should treat it as a warning at most.
- **libpq settings** in their own variables (``PGSSLMODE``, ``PGTARGETSESSIONATTRS`` ...)
  and in libpq URLs / key=value strings are checked against libpq's closed value sets
  (``schemes.LIBPQ_ENUMS``), case-sensitively like libpq.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Literal
from urllib.parse import unquote

from composelint.analysis.schemes import (
    AMQP_SCHEMES,
    DEFAULT_PORTS,
    HTTP_SCHEMES,
    KNOWN_SCHEMES,
    LIBPQ_ENUMS,
    NAMED_SCHEMES,
    NODE_PG_SSLMODES,
    POSTGRES_SCHEMES,
    default_port_for_scheme,
    is_local_scheme,
    normalise_scheme,
    suggest_scheme,
)
from composelint.analysis.varroles import VarInfo, VarRole, classify_variable, var_info
from composelint.model.record import Frozen, replace, set_field
from composelint.regex import lazy_pattern

__all__ = [
    "MASK",
    "PROBLEM_KINDS",
    "Destination",
    "ParsedValue",
    "ValueProblem",
    "VarRole",
    "classify_variable",
    "default_port_for_scheme",
    "mask_value",
    "parse_value",
    "suggest_scheme",
]

Kind = Literal["url", "jdbc", "libpq", "adonet", "hostport", "host"]
MASK = "****"


class Destination(Frozen):
    """One host a value points at; offsets index the value given to parse_value."""

    host: str  # as written, IPv6 brackets removed; "" = bind all (listeners, BIND values)
    port: int | None  # the explicit port
    default_port: int | None  # the scheme's default port, only when there is no explicit one
    scheme: str | None  # normalised: 'postgresql', 'jdbc:mysql', 'libpq', 'adonet', ...
    raw_scheme: str | None  # as written: 'postgress', 'postgresql+asyncpg', 'jdbc:oracle:thin'
    host_offset: int
    host_length: int
    port_offset: int | None
    user: str | None  # never the password
    has_password: bool
    password_offset: int | None  # where the password text is, so that callers can mask it
    password_length: int
    database: str | None  # path / database / vhost / service name / ZooKeeper chroot
    params: dict[str, str]  # query or key=value settings, no secrets
    kind: Kind
    port_length: int
    templated: bool  # host or port holds a $VAR / ${VAR} reference

    __slots__ = (
        "database",
        "default_port",
        "has_password",
        "host",
        "host_length",
        "host_offset",
        "kind",
        "params",
        "password_length",
        "password_offset",
        "port",
        "port_length",
        "port_offset",
        "raw_scheme",
        "scheme",
        "templated",
        "user",
    )

    def __init__(
        self,
        host: str,
        port: int | None,
        default_port: int | None,
        scheme: str | None,
        raw_scheme: str | None,
        host_offset: int,
        host_length: int,
        port_offset: int | None,
        user: str | None,
        has_password: bool,
        password_offset: int | None,
        password_length: int,
        database: str | None,
        params: dict[str, str],
        kind: Kind,
        port_length: int = 0,
        templated: bool = False,
    ) -> None:
        set_field(self, "host", host)
        set_field(self, "port", port)
        set_field(self, "default_port", default_port)
        set_field(self, "scheme", scheme)
        set_field(self, "raw_scheme", raw_scheme)
        set_field(self, "host_offset", host_offset)
        set_field(self, "host_length", host_length)
        set_field(self, "port_offset", port_offset)
        set_field(self, "user", user)
        set_field(self, "has_password", has_password)
        set_field(self, "password_offset", password_offset)
        set_field(self, "password_length", password_length)
        set_field(self, "database", database)
        set_field(self, "params", params)
        set_field(self, "kind", kind)
        set_field(self, "port_length", port_length)
        set_field(self, "templated", templated)

    # written out: the dict field (params) stays out of the hash
    def __hash__(self) -> int:
        return hash(
            (
                self.host,
                self.port,
                self.default_port,
                self.scheme,
                self.raw_scheme,
                self.host_offset,
                self.host_length,
                self.port_offset,
                self.user,
                self.has_password,
                self.password_offset,
                self.password_length,
                self.database,
                self.kind,
                self.port_length,
                self.templated,
            )
        )

    @property
    def effective_port(self) -> int | None:
        return self.port if self.port is not None else self.default_port

    @property
    def is_ip(self) -> bool:
        return _is_ip(self.host)

    @property
    def public_dns_name(self) -> bool:
        """A dotted DNS name: not an IP, not localhost-ish, not a docker-internal name."""
        h = self.host.lower().rstrip(".")
        if "." not in h or self.templated or _is_ip(h):
            return False
        return not h.endswith(_PRIVATE_SUFFIXES)


class ValueProblem(Frozen):
    """A syntax issue; kind is one of PROBLEM_KINDS. The message quotes no secret."""

    kind: str
    message: str
    offset: int
    length: int

    __slots__ = ("kind", "length", "message", "offset")

    def __init__(self, kind: str, message: str, offset: int, length: int) -> None:
        set_field(self, "kind", kind)
        set_field(self, "message", message)
        set_field(self, "offset", offset)
        set_field(self, "length", length)


class ParsedValue(Frozen):
    destinations: list[Destination]  # every host of a multi-host value
    problems: list[ValueProblem]
    # (offset, length) of every password-like text, attached to a destination or not
    secrets: list[tuple[int, int]]

    __slots__ = ("destinations", "problems", "secrets")

    def __init__(
        self,
        destinations: list[Destination],
        problems: list[ValueProblem],
        secrets: list[tuple[int, int]] | None = None,
    ) -> None:
        set_field(self, "destinations", destinations)
        set_field(self, "problems", problems)
        set_field(self, "secrets", [] if secrets is None else secrets)


PROBLEM_KINDS = frozenset(
    {
        "userinfo-unencoded",  # '@ : / # ? %' unencoded in the URL user or password
        "port-after-path",  # postgresql://db/app:5432
        "srv-with-port",  # mongodb+srv://cluster:27017
        "srv-multiple-hosts",  # mongodb+srv://a,b
        "host-has-scheme",  # DB_HOST=postgres://db
        "host-has-port",  # DB_HOST=db:5432, Server=db:1433
        "host-has-space",  # DB_HOST="db "
        "host-underscore",  # a '_' in a host name
        "invalid-port",  # not a number from 1 to 65535
        "amqp-vhost-slash",  # amqp://h/a/b
        "bad-sslmode",  # sslmode=required
        "bad-libpq-setting",  # target_session_attrs=master, PGGSSENCMODE=on
        "scheme-typo",  # postgress://
    }
)


# ----------------------------------------------------------------------------- tables
# fmt: off

_PRIVATE_SUFFIXES = ("localhost", ".localhost", ".docker.internal", ".internal", ".local",
                     ".lan", ".home.arpa")
_SECRET_WORDS = ("password", "passwd", "secret", "token", "accountkey", "accesskey",
                 "sharedaccesskey", "apikey", "credential", "privatekey")
_SECRET_EXACT = frozenset({"pass", "pwd", "pw", "sig"})

_LIBPQ_KEYS = frozenset({
    "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "channel_binding",
    "connect_timeout", "client_encoding", "options", "application_name",
    "fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval",
    "keepalives_count", "tcp_user_timeout", "replication", "gssencmode", "sslmode",
    "requiressl", "sslcompression", "sslcert", "sslkey", "sslpassword", "sslcertmode",
    "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer", "ssl_min_protocol_version",
    "ssl_max_protocol_version", "krbsrvname", "gsslib", "gssdelegation", "service",
    "target_session_attrs", "load_balance_hosts", "sslnegotiation", "require_auth",
})
_LIBPQ_STRUCTURAL = frozenset({"host", "hostaddr", "port", "dbname", "user"})
_ADO_SERVER_KEYS = frozenset({"server", "data source", "datasource", "address", "addr",
                              "network address", "host"})
_ADO_DB_KEYS = frozenset({"database", "initial catalog"})
_ADO_USER_KEYS = frozenset({"user id", "userid", "uid", "user", "username", "user name"})
_ADO_STRUCTURAL = _ADO_SERVER_KEYS | _ADO_DB_KEYS | _ADO_USER_KEYS | {"port"}
_ADO_KEYS = _ADO_STRUCTURAL | {
    "password", "pwd", "driver", "provider", "integrated security", "trusted_connection",
    "encrypt", "trustservercertificate", "endpoint", "defaultendpointsprotocol",
    "accountname", "ssl mode", "sslmode",
}
_SQLSERVER_MARKERS = frozenset({"initial catalog", "trustservercertificate",
                                "integrated security", "multipleactiveresultsets",
                                "trusted_connection", "encrypt"})

# regexes ------------------------------------------------------------------------------
_SCHEME_RE = lazy_pattern(r"[A-Za-z][A-Za-z0-9+.\-]*://")
_URL_START = lazy_pattern(r"(?<=[\s,;\"'])[A-Za-z][A-Za-z0-9+.\-]*://")
_AUTH_STOP = lazy_pattern(r"[/?#]")
_AUTH_STOP_SQLSERVER = lazy_pattern(r"[;/?#]")
_QUERY_STOP = lazy_pattern(r"[?#]")
_PORT_RE = lazy_pattern(r"[0-9]{1,5}")
_PATH_PORT = lazy_pattern(r":[0-9]{1,5}$")
_HOST_CHARS = lazy_pattern(r"[A-Za-z0-9_.\-\x00${}%]*")
_STRICT_HOST = lazy_pattern(r"[A-Za-z][A-Za-z0-9_.\-]*")
_ANY_HOST = lazy_pattern(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?")
_LISTENER_ITEM = lazy_pattern(r"\s*[A-Z][A-Z0-9_]*://[^/,@?#\s]*\s*")
_KAFKA_PROTOCOLS = frozenset({"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"})
_VOTER_ITEM = lazy_pattern(r"\s*[0-9]+@[^,@/\s]+\s*")
_PCT_BAD = lazy_pattern(r"%(?![0-9A-Fa-f]{2})")
_LIBPQ_FIRST = lazy_pattern(r"\s*([a-z_]+)\s*=")
_LIBPQ_KEY = lazy_pattern(r"([A-Za-z_][A-Za-z0-9_]*)\s*=\s*")
# words separated by whitespace: no two quantifiers compete for the same spaces
_ADO_FIRST = lazy_pattern(r"\s*([A-Za-z][A-Za-z_]*(?:\s+[A-Za-z_]+)*)\s*=")
_JDBC_SUB = lazy_pattern(r"[A-Za-z0-9:_.\-]+")
_JDBC_KV_SECRET = lazy_pattern(r"(?i)(?<![A-Za-z0-9_])(?:password|passwd|pwd)\s*=\s*([^;&\s]*)")
_ORACLE_RE = lazy_pattern(r"(?i)jdbc:oracle:[A-Za-z0-9]+:")
_TNS_ADDRESS = lazy_pattern(r"(?i)\(\s*ADDRESS\s*=((?:\s*\([^()]*\))*)\s*\)")
# the spaces after an empty value belong to the first \s* only (the lookbehind)
_TNS_KV = lazy_pattern(
    r"(?i)\(\s*(HOST|PORT|SERVICE_NAME|SID)\s*=\s*([^()\s]*)(?:(?<![\s=])\s*)?\)"
)
_SPACE = lazy_pattern(r"\s+")
_TNS_DB = frozenset({"SERVICE_NAME", "SID"})

# fmt: on


def _is_secret_key(key: str) -> bool:
    k = re.sub(r"[\s_\-.]", "", key.lower())
    return k in _SECRET_EXACT or any(w in k for w in _SECRET_WORDS)


# values that switch a setting or stand in for one, never a machine: YAML/env booleans,
# null words, and what .env templates write for "fill me in"
_NOT_HOST_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "y", "n", "null", "nil",
                             "none", "undefined", "disabled", "enabled", "disable", "enable",
                             "changeme", "change_me", "todo", "tbd", "xxx", "example"})  # fmt: skip

# an upper-case word (SERVER1, PLAIN, OAUTHBEARER): a label or an enum constant; service
# and host names are written in lower case
_CONSTANT = lazy_pattern(r"[A-Z][A-Z0-9_]+")


def not_a_host(text: str) -> bool:
    """A bare value that is a switch, a number, a null word, a placeholder
    (``<your-domain>``, ``To set``) or an upper-case constant, never a destination."""
    t = text.strip().lower()
    constant = text.strip()
    return (
        t in _NOT_HOST_WORDS
        or (constant.isupper() and _CONSTANT.fullmatch(constant) is not None)
        or t.isdigit()
        or (t[:1] in "<[{" and t[-1:] in ">]}" and "$" not in t)
        or any(c.isspace() for c in t)
    )


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


# ----------------------------------------------------------------------------- parsing


class _Meta(Frozen):
    """What the destinations of one connection string share."""

    kind: Kind
    scheme: str | None
    raw_scheme: str | None
    default: int | None
    user: str | None
    pw: tuple[int, int] | None  # [start, end) of the password text
    database: str | None
    params: dict[str, str]

    __slots__ = ("database", "default", "kind", "params", "pw", "raw_scheme", "scheme", "user")

    def __init__(
        self,
        kind: Kind,
        scheme: str | None,
        raw_scheme: str | None = None,
        default: int | None = None,
        user: str | None = None,
        pw: tuple[int, int] | None = None,
        database: str | None = None,
        params: dict[str, str] | None = None,
    ) -> None:
        set_field(self, "kind", kind)
        set_field(self, "scheme", scheme)
        set_field(self, "raw_scheme", raw_scheme)
        set_field(self, "default", default)
        set_field(self, "user", user)
        set_field(self, "pw", pw)
        set_field(self, "database", database)
        set_field(self, "params", {} if params is None else params)


def _blank_references(value: str) -> str:
    """The value with the inside of every ${...} replaced by NULs, so that ':' or '@' in
    '${DB_HOST:-db}' never split anything; offsets are unchanged."""
    out = list(value)
    i = value.find("${")
    while i != -1:
        depth, j = 0, i + 1
        while j < len(value):
            ch = value[j]
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    break
            elif depth >= 1:
                out[j] = "\x00"
            j += 1
        i = value.find("${", j)
    return "".join(out)


class _Ctx:
    """Parsing state: v is the value, s the same with ${...} insides blanked (for
    structure only; text is always sliced from v)."""

    __slots__ = ("dests", "info", "problems", "s", "secrets", "v")

    def __init__(self, value: str, info: VarInfo) -> None:
        self.v = value
        self.s = _blank_references(value) if "${" in value else value
        self.info = info
        self.dests: list[Destination] = []
        self.problems: list[ValueProblem] = []
        self.secrets: list[tuple[int, int]] = []

    def problem(self, kind: str, message: str, offset: int, length: int) -> None:
        self.problems.append(ValueProblem(kind, message, offset, length))

    def secret(self, a: int, b: int) -> None:
        if b > a and (a, b - a) not in self.secrets:
            self.secrets.append((a, b - a))

    def port(self, pa: int | None, pb: int | None) -> int | None:
        """The port text at [pa, pb) as an int; reports invalid-port."""
        if pa is None or pb is None or pa == pb:
            return None
        text = self.v[pa:pb]
        if "$" in text:
            return None
        if _PORT_RE.fullmatch(text) and 0 < int(text) <= 65535:
            return int(text)
        self.problem("invalid-port", "invalid port: not a number from 1 to 65535", pa, pb - pa)
        return None

    def add(self, ha: int, hb: int, pa: int | None, pb: int | None, meta: _Meta) -> None:
        if meta.kind in ("host", "hostport") and not_a_host(self.v[ha:hb]):
            return  # REDIS_HOST=null, SEED_SELF_HOST=true, ..._HOSTNAME=0: not a destination
        port = self.port(pa, pb)
        has_port = pa is not None and pb is not None and pb > pa
        plen = pb - pa if pa is not None and pb is not None and has_port else 0
        pw = meta.pw if meta.pw is not None and meta.pw[1] > meta.pw[0] else None
        host = self.v[ha:hb]
        self.dests.append(
            Destination(
                host=host,
                port=port,
                default_port=None if port is not None else meta.default,
                scheme=meta.scheme,
                raw_scheme=meta.raw_scheme,
                host_offset=ha,
                host_length=hb - ha,
                port_offset=pa if has_port else None,
                user=meta.user,
                has_password=pw is not None,
                password_offset=pw[0] if pw is not None else None,
                password_length=pw[1] - pw[0] if pw is not None else 0,
                database=meta.database,
                params=dict(meta.params),
                kind=meta.kind,
                port_length=plen,
                templated="$" in host or (has_port and "$" in self.v[pa:pb]),
            )
        )


def _items(s: str, a: int, b: int, sep: str = ",") -> list[tuple[int, int]]:
    """[a, b) split at sep, each part stripped of white space."""
    out: list[tuple[int, int]] = []
    start = a
    while True:
        end = s.find(sep, start, b)
        if end == -1:
            end = b
        i, j = start, end
        while i < j and s[i].isspace():
            i += 1
        while j > i and s[j - 1].isspace():
            j -= 1
        out.append((i, j))
        if end == b:
            return out
        start = end + 1


def _split_hostport(s: str, a: int, b: int) -> tuple[int, int, int | None, int | None]:
    """(host_a, host_b, port_a, port_b) of 'host[:port]' or '[v6][:port]' in [a, b)."""
    if a < b and s[a] == "[":
        close = s.find("]", a, b)
        if close != -1:
            if close + 1 < b and s[close + 1] == ":":
                return a + 1, close, close + 2, b
            return a + 1, close, None, None
    c = s.find(":", a, b)
    if c == -1 or s.find(":", c + 1, b) != -1:  # no port, or a bare IPv6 literal
        return a, b, None, None
    return a, c, c + 1, b


def _looks_like_hostlist(s: str, a: int, b: int) -> bool:
    """Is [a, b) 'host[:port][,host[:port]...]' with numeric ports and some host?"""
    some_host = False
    for i, j in _items(s, a, b):
        ha, hb, pa, pb = _split_hostport(s, i, j)
        if not _HOST_CHARS.fullmatch(s, ha, hb) and s.count(":", ha, hb) < 2:
            return False
        if pa is not None and pb is not None and not s[pa:pb].isdigit() and pb > pa:
            return False
        some_host = some_host or hb > ha
    return some_host


def _decoded(text: str) -> str:
    return text if "$" in text else unquote(text)


def _userinfo(ctx: _Ctx, a: int, b: int) -> tuple[str | None, tuple[int, int] | None]:
    """(user, password span) of the user info at [a, b); reports stray '%' signs."""
    colon = ctx.s.find(":", a, b)
    user = _decoded(ctx.v[a : b if colon == -1 else colon]) or None
    pw = None if colon == -1 else (colon + 1, b)
    if pw is not None:
        ctx.secret(*pw)
    m = _PCT_BAD.search(ctx.s, a, b)
    if m:
        ctx.problem(
            "userinfo-unencoded",
            "a '%' in the user or password is not followed by two hex digits; write it as %25",
            m.start(),
            1,
        )
    return user, pw


def _hidden_userinfo(ctx: _Ctx, p: int, auth_end: int, b: int, stops: re.Pattern[str]) -> int:
    """The '@' ending user info whose password holds an unencoded '/', '?' or '#' (so
    the authority seems to end at auth_end), or -1."""
    s = ctx.s
    at = s.find("@", auth_end, b)
    if at == -1:
        return -1
    m = stops.search(s, at + 1, b)
    host_end = m.start() if m else b
    at = s.rfind("@", at, host_end)
    if not _looks_like_hostlist(s, at + 1, host_end):
        return -1
    # a valid authority followed by a path or a query: the '@' belongs to those
    if _looks_like_hostlist(s, p, auth_end) and (
        s[auth_end] == "/" or any(ch in s[auth_end + 1 : at] for ch in "=&/")
    ):
        return -1
    return at


def _later_userinfo_end(s: str, auth_end: int, b: int, stops: re.Pattern[str]) -> int:
    """The '@' that really ends the user info when the password holds '@' and then '/',
    '?' or '#' ('postgresql://u:p@ss/w@db/app' reads as host 'ss' and path 'w@db/app'),
    or -1. Only a short run without '/', '=' or '&' may sit between the stop and that
    '@', and a host list must follow it: a database name or query never looks so."""
    if auth_end >= b:
        return -1
    later = s.find("@", auth_end + 1, b)
    between = s[auth_end + 1 : later]
    if later == -1 or not between or any(ch in between for ch in "/=&"):
        return -1
    m = stops.search(s, later + 1, b)
    return later if _looks_like_hostlist(s, later + 1, m.start() if m else b) else -1


def _query(ctx: _Ctx, a: int, b: int, sep: str = "&") -> dict[str, tuple[str, int, int]]:
    """lower-case key -> (decoded value, value start, value end); records secrets."""
    out: dict[str, tuple[str, int, int]] = {}
    for i, j in _items(ctx.s, a, b, sep):
        eq = ctx.s.find("=", i, j)
        if eq == -1:
            continue
        key = ctx.v[i:eq].strip()
        if _is_secret_key(key):
            ctx.secret(eq + 1, j)
        out[key.lower()] = (_decoded(ctx.v[eq + 1 : j]), eq + 1, j)
    return out


def _check_setting(
    ctx: _Ctx, key: str, value: str, a: int, *, strict: bool, node: bool = False
) -> None:
    """A libpq setting with a closed set of values (LIBPQ_ENUMS). libpq compares them
    case-sensitively, pgjdbc and r2dbc do not (strict=False); node: a URL or PGSSLMODE,
    which node-postgres may read (it adds sslmode=no-verify)."""
    allowed = LIBPQ_ENUMS[key]
    ok = value in allowed if strict else value.lower() in allowed
    if key == "sslmode" and node and value in NODE_PG_SSLMODES:
        ok = True
    if not ok and "$" not in value:
        kind = "bad-sslmode" if key == "sslmode" else "bad-libpq-setting"
        ctx.problem(kind, f"{key} must be one of " + ", ".join(allowed), a, len(value))


def _underscore(ctx: _Ctx, ha: int, hb: int, why: str) -> None:
    host = ctx.v[ha:hb]
    i = host.find("_")
    if i != -1 and "$" not in host:
        ctx.problem(
            "host-underscore",
            f"the host name contains '_', which is not valid in DNS host names; {why}",
            ha + i,
            1,
        )


# java.net.URI reads a host with '_' as a registry-based authority: getHost() is null
# (JDK-6587184), so Java clients that parse URLs with it fail whatever the scheme
# (redisson/redisson#2150, quarkusio/quarkus#16037 for redis://); Ruby's URI rejected it
# before 2.2 ("does not accept registry part", bugs.ruby-lang.org/issues/8241; 2.2's
# URI() uses the RFC 3986 parser, ruby/uri#105). Python's urllib, Go's net/url
# (shouldEscape(encodeHost) lets '_' through) and WHATWG URL ('_' is no forbidden host
# code point: web-platform-tests url/resources/urltestdata.json) accept it.
_URL_UNDERSCORE = "java.net.URI (Java clients) and Ruby's URI before 2.2 reject it"


def _paired_port(ports: list[tuple[int, int]], n: int) -> tuple[int | None, int | None]:
    """libpq: the n-th port of a list, or the only one for every host."""
    if n < len(ports):
        return ports[n]
    if len(ports) == 1:
        return ports[0]
    return None, None


# --- URLs


def _parse_url(
    ctx: _Ctx, a: int, b: int, *, kind: Kind = "url", prefix: str = "", inner: int = 0
) -> None:
    """A URL at [a, b). With prefix 'jdbc:' or 'r2dbc:' the scheme is prefix plus the first
    sub-protocol after inner ('jdbc:mysql' for 'jdbc:mysql:loadbalance://')."""
    s, v = ctx.s, ctx.v
    if prefix:
        se = s.find("://", a, b)
        if se == -1:
            return
        sub = v[inner:se].split(":", 1)[0].lower()  # the driver's own name: jdbc:sqlserver
        scheme = prefix + sub
        default = default_port_for_scheme(scheme)
    else:
        m = _SCHEME_RE.match(s, a, b)
        if m is None:
            return
        se = m.end() - 3
        scheme = normalise_scheme(v[a:se])
        default = DEFAULT_PORTS.get(scheme)
    raw_scheme = v[a:se]
    sqlserver = scheme == "jdbc:sqlserver"
    stops = _AUTH_STOP_SQLSERVER if sqlserver else _AUTH_STOP
    # web URLs may carry an '@' in their path (https://mastodon.social/@user)
    http_like = scheme in HTTP_SCHEMES or sqlserver or is_local_scheme(scheme)
    p = se + 3
    mm = stops.search(s, p, b)
    auth_end = mm.start() if mm else b

    # user info: split at the last '@' of the authority, like urllib
    at = s.rfind("@", p, auth_end)
    if at != -1:
        first = s.find("@", p, at)
        # a dotted name before the stop is a real host (git+ssh://git@github.com/a@b)
        dotted = "." in s[at + 1 : auth_end]
        later = _later_userinfo_end(s, auth_end, b, stops) if not (http_like or dotted) else -1
        if first != -1 or later != -1:
            ctx.problem(
                "userinfo-unencoded",
                "the user or password contains an unencoded '@' (write it as %40); libpq "
                "(psql, psycopg) splits at the first '@' and takes the rest for the host",
                first if first != -1 else at,
                1,
            )
        if later != -1:  # 'u:p@ss/w@db': the host is the later one, not 'ss'
            at = later
            mm = stops.search(s, at + 1, b)
            auth_end = mm.start() if mm else b
    elif auth_end < b:
        at = _hidden_userinfo(ctx, p, auth_end, b, stops)
        if at != -1:
            ch = s[auth_end]
            ctx.problem(
                "userinfo-unencoded",
                f"the user or password contains an unencoded '{ch}' (write it as "
                f"%{ord(ch):02X}); URL parsers end the host part there",
                auth_end,
                1,
            )
            mm = stops.search(s, at + 1, b)
            auth_end = mm.start() if mm else b
    user, pw = _userinfo(ctx, p, at) if at != -1 else (None, None)
    if is_local_scheme(scheme) or scheme in NAMED_SCHEMES:
        return

    # path and query
    qm = _QUERY_STOP.search(s, auth_end, b)
    path_end = qm.start() if qm else b
    query: dict[str, tuple[str, int, int]] = {}
    if sqlserver:  # jdbc:sqlserver://host:port;databaseName=x;user=u
        query = _query(ctx, auth_end, b, ";")
        path_end = auth_end
    elif qm is not None and s[qm.start()] == "?":
        fm = s.find("#", qm.start() + 1, b)
        query = _query(ctx, qm.start() + 1, b if fm == -1 else fm)
    database = None
    if path_end > auth_end and s[auth_end] == "/":
        raw_path = v[auth_end + 1 : path_end]
        database = _decoded(raw_path) if raw_path else None
        slash = raw_path.find("/")
        if scheme in AMQP_SCHEMES and slash != -1 and raw_path != "/":
            ctx.problem(
                "amqp-vhost-slash",
                "the vhost contains an unencoded '/'; write it as %2F (amqp://host/%2F for "
                "the vhost '/')",
                auth_end + 1 + slash,
                1,
            )
        pm = _PATH_PORT.search(raw_path)
        if pm and slash == -1 and scheme not in HTTP_SCHEMES:
            ctx.problem(
                "port-after-path",
                "the port is written after the database name; put it after the host "
                "(host:port/database)",
                auth_end + 1 + pm.start(),
                pm.end() - pm.start(),
            )
    for key in ("databasename", "database") if sqlserver else ():
        if key in query:
            database = query[key][0]
    for key in ("user", "username"):
        if user is None and key in query:
            user = query[key][0]
    if pw is None and "password" in query:
        pw = query["password"][1:]
    postgres = scheme in POSTGRES_SCHEMES or scheme.endswith(":postgresql")
    # pgjdbc and r2dbc take sslmode, but name the other settings their own way
    keys = LIBPQ_ENUMS.keys() if not prefix else {"sslmode"}
    for key in sorted(keys & query.keys()) if postgres else ():
        mode, qa, _ = query[key]
        _check_setting(ctx, key, mode, qa, strict=not prefix, node=not prefix)
    if not prefix and scheme not in KNOWN_SCHEMES:
        guess = suggest_scheme(raw_scheme)
        if guess:
            ctx.problem("scheme-typo", f"unknown scheme; did you mean '{guess}'?", a, se - a)

    structural = {"user", "username"} | ({"host", "port"} if postgres else set())
    params = {k: t[0] for k, t in query.items() if k not in structural and not _is_secret_key(k)}
    if scheme == "mongodb+srv":
        default = None
    meta = _Meta(kind, scheme, raw_scheme, default, user, pw, database, params)
    hosts = [(i, j) for i, j in _items(s, at + 1 if at != -1 else p, auth_end) if i < j]
    if not hosts:
        if postgres and "host" in query:  # postgresql:///db?host=db&port=5432
            _, qa, qb = query["host"]
            ports = _items(s, query["port"][1], query["port"][2]) if "port" in query else []
            for n, (i, j) in enumerate(_items(s, qa, qb)):
                if i < j and v[i] != "/":
                    ctx.add(i, j, *_paired_port(ports, n), meta)
        elif sqlserver and "servername" in query:  # jdbc:sqlserver://;serverName=db
            _, qa, qb = query["servername"]
            pn = query.get("portnumber") or query.get("port")
            ctx.add(qa, qb, pn[1] if pn else None, pn[2] if pn else None, meta)
        return
    if scheme == "mongodb+srv" and len(hosts) > 1:
        ctx.problem(
            "srv-multiple-hosts",
            "mongodb+srv takes exactly one host name",
            hosts[1][0],
            hosts[-1][1] - hosts[1][0],
        )
    for i, j in hosts:
        ha, hb, pa, pb = _split_hostport(s, i, j)
        host_meta = meta
        bs = s.find("\\", ha, hb) if sqlserver else -1
        if bs != -1:  # host\instance
            host_meta = replace(meta, params={**params, "instancename": v[bs + 1 : hb]})
            hb = bs
        if scheme == "mongodb+srv" and pa is not None:
            ctx.problem(
                "srv-with-port",
                "mongodb+srv URLs must not give a port (the DNS SRV record supplies it)",
                pa - 1,
                (pb or pa) - pa + 1,
            )
            pa = pb = None
        if hb == ha:
            continue
        _underscore(ctx, ha, hb, _URL_UNDERSCORE)
        ctx.add(ha, hb, pa, pb, host_meta)


def _parse_url_list(ctx: _Ctx, a: int, b: int) -> bool:
    """One or more URLs at [a, b), separated by ',', ';' or spaces, maybe a JSON array
    (Kibana's ELASTICSEARCH_HOSTS); False when [a, b) does not start with a URL."""
    s = ctx.s
    while a < b and s[a] in " \t[\"'":
        a += 1
    while b > a and s[b - 1] in " \t]\"'":
        b -= 1
    if _is_listener_list(s, a, b):  # also one SASL_PLAINTEXT:// item: "_" is no URL scheme
        _parse_listeners(ctx, a, b)
        return True
    if _SCHEME_RE.match(s, a, b) is None:
        return False
    starts = [a] + [m.start() for m in _URL_START.finditer(s, a + 1, b)]
    starts.append(b)
    for k in range(len(starts) - 1):
        i, j = starts[k], starts[k + 1]
        while j > i and s[j - 1] in " \t,;\"'":
            j -= 1
        _parse_url(ctx, i, j)
    return True


def _is_listener_list(s: str, a: int, b: int) -> bool:
    """'PLAINTEXT://:9092,CONTROLLER://:9093' (upper-case listener names, no paths)."""
    items = _items(s, a, b)
    if not all(_LISTENER_ITEM.fullmatch(s, i, j) for i, j in items):
        return False
    return len(items) > 1 or s[a : s.find(":", a, b)] in _KAFKA_PROTOCOLS


_LISTENER_NAME = lazy_pattern(r"\s*[A-Za-z][A-Za-z0-9_]*://")  # SASL_PLAINTEXT: "_" allowed


def _parse_listeners(ctx: _Ctx, a: int, b: int) -> None:
    for i, j in _items(ctx.s, a, b):
        m = _LISTENER_NAME.match(ctx.s, i, j)
        if m is not None:
            meta = _Meta("url", "kafka-listener", ctx.v[i : m.end() - 3])
            ctx.add(*_split_hostport(ctx.s, m.end(), j), meta)


# --- JDBC, Oracle


def _parse_jdbc(ctx: _Ctx, a: int, b: int) -> None:
    s = ctx.s
    for m in _JDBC_KV_SECRET.finditer(s, a, b):  # DB2 ':password=x;', SQL Server ';pwd=x'
        ctx.secret(m.start(1), m.end(1))
    mo = _ORACLE_RE.match(s, a, b)
    if mo:
        _parse_oracle_thin(ctx, mo.end(), b, raw_scheme=ctx.v[a : mo.end() - 1])
        return
    sep = s.find("://", a, b)
    if sep == -1 or not _JDBC_SUB.fullmatch(s, a + 5, sep):
        return  # jdbc:h2:mem:x, jdbc:sqlite:..., jdbc:postgresql:db: no network host
    _parse_url(ctx, a, b, kind="jdbc", prefix="jdbc:", inner=a + 5)


def _parse_oracle_thin(ctx: _Ctx, p: int, b: int, *, raw_scheme: str) -> None:
    """After 'jdbc:oracle:thin:': [user/password]@address (the address has no '@')."""
    s, v = ctx.s, ctx.v
    at = s.rfind("@", p, b)
    if at == -1:
        return
    user, pw = None, None
    if at > p:
        slash = s.find("/", p, at)
        user = v[p : slash if slash != -1 else at] or None
        if slash != -1:
            pw = (slash + 1, at)
            ctx.secret(*pw)
    meta = _Meta("jdbc", "jdbc:oracle", raw_scheme, 1521, user, pw)
    _oracle_address(ctx, at + 1, b, meta, None)


def _oracle_address(ctx: _Ctx, r: int, b: int, meta: _Meta, port: tuple[int, int] | None) -> None:
    """//host:port/service, host:port/service, host:port:SID or a TNS descriptor
    (DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db)(PORT=1521))(CONNECT_DATA=...))."""
    s, v = ctx.s, ctx.v
    while r < b and s[r].isspace():
        r += 1
    if r < b and s[r] == "(":
        service = next(
            (m.group(2) for m in _TNS_KV.finditer(s, r, b) if m.group(1).upper() in _TNS_DB),
            None,
        )
        tns_meta = replace(meta, database=service)
        for am in _TNS_ADDRESS.finditer(s, r, b):
            found = {m.group(1).upper(): m.span(2) for m in _TNS_KV.finditer(s, *am.span(1))}
            if "HOST" in found:
                ha, hb = found["HOST"]
                pa, pb = found.get("PORT", (None, None))
                ctx.add(ha, hb, pa, pb, tns_meta)
        return
    if s.startswith("//", r, b):
        r += 2
    qm = _QUERY_STOP.search(s, r, b)
    end = qm.start() if qm else b
    slash = s.find("/", r, end)
    hp_end = slash if slash != -1 else end
    ha, hb, pa, pb = _split_hostport(s, r, hp_end)
    database = v[slash + 1 : end] if slash != -1 else None
    if pa is None and s.count(":", r, hp_end) == 2:  # host:port:SID
        c1 = s.find(":", r, hp_end)
        c2 = s.find(":", c1 + 1, hp_end)
        ha, hb, pa, pb = r, c1, c1 + 1, c2
        database = v[c2 + 1 : hp_end]
    if pa is None and port is not None:
        pa, pb = port
    if hb > ha:
        ctx.add(ha, hb, pa, pb, replace(meta, database=database or None))


# --- libpq key/value


def _libpq_tokens(s: str) -> list[tuple[str, int, int]]:
    """(key, value start, value end) of "key=value" / "key = 'quoted \\' value'" tokens,
    up to the first token that is not key=value (where libpq stops with an error)."""
    out: list[tuple[str, int, int]] = []
    i, n = 0, len(s)
    while True:
        while i < n and s[i].isspace():
            i += 1
        m = _LIBPQ_KEY.match(s, i) if i < n else None
        if m is None:
            return out
        j = k = m.end()
        quoted = j < n and s[j] == "'"
        if quoted:
            j = k = j + 1
        while k < n and (s[k] != "'" if quoted else not s[k].isspace()):
            k += 2 if s[k] == "\\" else 1
        k = min(k, n)
        out.append((m.group(1), j, k))
        i = k + 1 if quoted else k


def _parse_libpq(ctx: _Ctx) -> None:
    s, v = ctx.s, ctx.v
    kv: dict[str, tuple[int, int]] = {}
    for key, a, b in _libpq_tokens(s):
        kv[key] = (a, b)
        if _is_secret_key(key):
            ctx.secret(a, b)
    text = {k: v[a:b] for k, (a, b) in kv.items()}
    for key in sorted(LIBPQ_ENUMS.keys() & kv.keys()):
        _check_setting(ctx, key, text[key], kv[key][0], strict=True)
    hk = "host" if "host" in kv else "hostaddr" if "hostaddr" in kv else None
    if hk is None:
        return  # the default: a local socket
    params = {k: t for k, t in text.items() if k not in _LIBPQ_STRUCTURAL and not _is_secret_key(k)}
    meta = _Meta(
        "libpq",
        "libpq",
        None,
        5432,
        text.get("user"),
        kv.get("password"),
        text.get("dbname"),
        params,
    )
    ports = _items(s, *kv["port"]) if "port" in kv else []
    for n, (i, j) in enumerate(_items(s, *kv[hk])):
        if i < j and v[i] not in "/@":  # not a socket directory or abstract socket
            ctx.add(i, j, *_paired_port(ports, n), meta)


# --- ADO.NET / ODBC


def _ado_parts(s: str) -> list[tuple[str, int, int]]:
    """(lower-case key, value start, value end) of 'Key=Value;...', values maybe quoted
    with "..", '..' or ODBC {..} (a doubled closing quote escapes it)."""
    out: list[tuple[str, int, int]] = []
    i, n = 0, len(s)
    while i < n:
        eq, semi = s.find("=", i), s.find(";", i)
        if eq == -1 or (semi != -1 and semi < eq):
            if semi == -1:
                break
            i = semi + 1
            continue
        key = " ".join(s[i:eq].split()).lower()
        j = eq + 1
        while j < n and s[j] == " ":
            j += 1
        if j < n and s[j] in "\"'{":
            close = "}" if s[j] == "{" else s[j]
            k = j + 1
            while k < n and not (s[k] == close and s[k + 1 : k + 2] != close):
                k += 2 if s[k] == close else 1
            out.append((key, j + 1, min(k, n)))
            semi = s.find(";", k)
        else:
            semi = s.find(";", j)
            end = n if semi == -1 else semi
            while end > j and s[end - 1].isspace():
                end -= 1
            out.append((key, j, end))
        if semi == -1:
            break
        i = semi + 1
    return out


def _ado_default_port(keys: set[str], server_key: str, sqlserver: bool) -> int | None:
    """The provider's default port, guessed from the keys: Npgsql 'Host=' -> 5432, SQL
    Server markers -> 1433, MySQL's Uid/Pwd with Port= -> 3306; otherwise unknown."""
    if server_key == "host":
        return None if keys & {"uid", "pwd", "sslmode"} else 5432
    if sqlserver:
        return 1433
    return 3306 if keys & {"uid", "pwd"} and "port" in keys else None


def _parse_adonet(ctx: _Ctx) -> None:
    s, v = ctx.s, ctx.v
    parts = _ado_parts(s)
    kv: dict[str, tuple[int, int]] = {}
    for key, a, b in parts:
        kv[key] = (a, b)
        if _is_secret_key(key):
            ctx.secret(a, b)
    server_key = next((k for k, _, _ in parts if k in _ADO_SERVER_KEYS), None)
    if server_key is None:
        return
    sa, sb = kv[server_key]
    low = v[sa:sb].lower()
    if low.startswith(("np:", "lpc:", "(localdb)")):
        return  # named pipes, shared memory, LocalDB: not TCP
    keys = set(kv)
    sqlserver = bool(keys & _SQLSERVER_MARKERS) or low.startswith("tcp:")
    if low.startswith("tcp:"):
        sa += 4
    meta = _Meta(
        kind="adonet",
        scheme="adonet",
        default=_ado_default_port(keys, server_key, sqlserver),
        user=next((v[a:b] for k, (a, b) in kv.items() if k in _ADO_USER_KEYS), None),
        pw=kv.get("password") or kv.get("pwd"),
        database=next((v[a:b] for k, (a, b) in kv.items() if k in _ADO_DB_KEYS), None),
        params={
            k: v[a:b]
            for k, (a, b) in kv.items()
            if k not in _ADO_STRUCTURAL and not _is_secret_key(k)
        },
    )
    port_kv = kv.get("port")
    text = s[sa:sb].lstrip()
    if text.startswith(("(", "//")) or (
        "/" in text and server_key in ("data source", "datasource")
    ):
        _oracle_address(ctx, sa, sb, meta, port_kv)  # ODP.NET Data Source
        return
    items = _items(s, sa, sb)
    if len(items) == 2 and server_key != "host" and s[slice(*items[1])].isdigit():
        (ha, hb), (port_a, port_b) = items  # SQL Server 'host[\instance],port'
        bs = s.find("\\", ha, hb)
        ctx.add(ha, bs if bs != -1 else hb, port_a, port_b, meta)
        return
    for i, j in items:  # Npgsql 'Host=h1:5432,h2', MySQL 'Server=h1,h2'
        if i == j:
            continue
        ha, hb, pa, pb = _split_hostport(s, i, j)
        bs = s.find("\\", ha, hb)
        hb = bs if bs != -1 else hb
        if pa is not None and server_key != "host":
            ctx.problem(
                "host-has-port",
                "SQL Server and MySQL connection strings take the port after a comma "
                "(Server=db,1433) or in Port=, not after ':'",
                pa - 1,
                (pb or pa) - pa + 1,
            )
        if pa is None and port_kv is not None:
            pa, pb = port_kv
        ctx.add(ha, hb, pa, pb, meta)


# --- bare hosts and host lists


def _parse_hostlist(
    ctx: _Ctx, a: int, b: int, *, strict: bool, host_var: bool = False, allow_empty: bool = False
) -> bool:
    """'h1:p1,h2:p2[/path]' (Kafka, ZooKeeper chroot, EZConnect) or a bare host.
    strict: the value alone must prove it is a destination (numeric ports >= 80)."""
    s, v = ctx.s, ctx.v
    slash = s.find("/", a, b)
    end = slash if slash != -1 else b
    parsed = []
    for i, j in _items(s, a, end):
        ha, hb, pa, pb = _split_hostport(s, i, j)
        host = s[ha:hb]
        if strict:
            port_ok = pa is not None and pb is not None and _PORT_RE.fullmatch(s, pa, pb)
            if not port_ok or int(s[pa:pb]) < 80:
                return False
            if not (_STRICT_HOST.fullmatch(host) or _is_ip(host)):
                return False
        elif not (
            _ANY_HOST.fullmatch(host)
            or _is_ip(host)
            or ("$" in host and _HOST_CHARS.fullmatch(host))
            or (allow_empty and ha == hb)
        ):
            return False
        parsed.append((ha, hb, pa, pb))
    hint = ctx.info.hint
    database = (v[slash + 1 : b] or None) if slash != -1 else None
    default = default_port_for_scheme(hint) if hint else None
    for ha, hb, pa, pb in parsed:
        if host_var and pa is not None and not ctx.info.hostport_ok:
            ctx.problem(
                "host-has-port",
                "this variable takes a host name only; set the port in its own variable",
                pa - 1,
                (pb or pa) - pa + 1,
            )
        if host_var:
            _underscore(ctx, ha, hb, "some clients reject it")
        kind: Kind = "host" if host_var or pa is None else "hostport"
        ctx.add(ha, hb, pa, pb, _Meta(kind, hint, None, default, database=database))
    return True


def _parse_voters(ctx: _Ctx, a: int, b: int) -> None:
    """Kafka controller quorum voters: '1@kafka1:9093,2@kafka2:9093'."""
    for i, j in _items(ctx.s, a, b):
        at = ctx.s.find("@", i, j)
        meta = _Meta("hostport", "kafka-quorum", params={"node_id": ctx.v[i:at]})
        ctx.add(*_split_hostport(ctx.s, at + 1, j), meta)


def _parse_host_var(ctx: _Ctx) -> None:
    """DB_HOST, PGHOST, REDIS_HOST ...: the value should be a plain host name."""
    s, v = ctx.s, ctx.v
    a, b = 0, len(v)
    while a < b and v[a].isspace():
        a += 1
    while b > a and v[b - 1].isspace():
        b -= 1
    if a == b:
        return
    space = _SPACE.search(v)
    if space:
        ctx.problem(
            "host-has-space",
            "the host name contains white space",
            space.start(),
            space.end() - space.start(),
        )
    m = _SCHEME_RE.match(s, a, b)
    if m:
        if v[a : m.end() - 3].lower() not in ("http", "https") or not ctx.info.http_host_ok:
            ctx.problem(
                "host-has-scheme", "this variable takes a host name, not a URL", a, m.end() - a
            )
        _parse_url(ctx, a, b)
        return
    if v[a] == "/":
        return  # PGHOST=/var/run/postgresql: a socket directory
    if not _parse_hostlist(ctx, a, b, strict=False, host_var=True):
        _underscore(ctx, a, b, "some clients reject it")
        hint = ctx.info.hint
        ctx.add(a, b, None, None, _Meta("host", hint, None, default_port_for_scheme(hint or "")))


def _parse_by_value(ctx: _Ctx, *, lenient: bool) -> None:
    """Recognise the form by the value; lenient: bare hosts and any host list count."""
    s = ctx.s
    a, b = 0, len(s)
    while a < b and s[a].isspace():
        a += 1
    while b > a and s[b - 1].isspace():
        b -= 1
    head = s[a : a + 6].lower()
    if head.startswith("jdbc:"):
        _parse_jdbc(ctx, a, b)
    elif head == "r2dbc:":
        inner = a + 11 if s[a + 6 : a + 11].lower() == "pool:" else a + 6
        _parse_url(ctx, a, b, prefix="r2dbc:", inner=inner)
    elif ctx.info.listeners and "://" in s:
        _parse_listeners(ctx, a, b)
    elif _parse_url_list(ctx, a, b):
        pass
    elif "=" in s:
        if ";" in s:
            _parse_adonet(ctx)
        elif (m := _LIBPQ_FIRST.match(s)) and m.group(1) in _LIBPQ_KEYS:
            _parse_libpq(ctx)
        elif (m := _ADO_FIRST.match(s)) and " ".join(m.group(1).split()).lower() in _ADO_KEYS:
            _parse_adonet(ctx)
    elif "@" in s and all(_VOTER_ITEM.fullmatch(s, i, j) for i, j in _items(s, a, b)):
        _parse_voters(ctx, a, b)
    elif a < b and (ctx.info.bare_ok or ":" in s):
        _parse_hostlist(ctx, a, b, strict=not lenient, allow_empty=ctx.info.role is VarRole.BIND)


_NO_VARIABLE = VarInfo(role=None)
_QUICK_ROLES = frozenset({None, VarRole.OTHER, VarRole.BROWSER, VarRole.PUBLIC})


def parse_value(value: str, variable: str | None = None) -> ParsedValue:
    """Every network destination in an environment value, with located problems.

    variable: the variable's name; it decides how a bare host, port or list is read
    (see classify_variable). Nothing is parsed for CREDENTIAL variables. Never raises.
    """
    info = var_info(variable) if variable else _NO_VARIABLE
    role = info.role
    if not value or role is VarRole.CREDENTIAL:
        return ParsedValue([], [])
    if role in _QUICK_ROLES and not info.setting and ":" not in value and "=" not in value:
        return ParsedValue([], [])  # the fast path: cannot be a URL, DSN or host:port
    ctx = _Ctx(value, info)
    stripped = value.strip()
    start = value.find(stripped) if stripped else 0
    if info.setting:
        if stripped:
            _check_setting(ctx, info.setting, stripped, start, strict=True, node=True)
    elif role is VarRole.DESTINATION_PORT or (role is VarRole.BIND and stripped.isdigit()):
        ctx.port(start, start + len(stripped))
    elif role is VarRole.DESTINATION_HOST:
        _parse_host_var(ctx)
    else:
        lenient = role in (VarRole.DESTINATION_URL, VarRole.BIND, VarRole.ADVERTISED)
        _parse_by_value(ctx, lenient=lenient)
    return ParsedValue(ctx.dests, ctx.problems, sorted(ctx.secrets))


def mask_value(value: str) -> str:
    """The value with every password as '****': URL user info, libpq password=,
    ADO.NET Password=/Pwd=, JDBC ;password= / ?password=, Oracle user/password@."""
    out: list[str] = []
    last = 0
    for off, length in parse_value(value).secrets:
        if off >= last:
            out += (value[last:off], MASK)
            last = off + length
    out.append(value[last:])
    return "".join(out)
