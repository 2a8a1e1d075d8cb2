"""URL schemes: their aliases, default ports, spelling mistakes, and what they are for.

Facts about client libraries' schemes (connection-settings.md §I); which schemes a server
image speaks is in ``images``. Standard library only.
"""

from __future__ import annotations

__all__ = [
    "AMQP_SCHEMES",
    "CONNECT_STRING_WORDS",
    "DEFAULT_PORTS",
    "GENERIC_SCHEMES",
    "HTTP_SCHEMES",
    "KNOWN_SCHEMES",
    "LEGITIMATE_SCHEMES",
    "LIBPQ_ENUMS",
    "LIBPQ_ENV",
    "NAMED_SCHEMES",
    "POSTGRES_SCHEMES",
    "SQLALCHEMY_REMOVED",
    "SSLMODES",
    "TYPO_TARGETS",
    "URL_CONFIGURED_SCHEMES",
    "default_port_for_scheme",
    "is_local_scheme",
    "lookup_error",
    "normalise_scheme",
    "server_kind",
    "suggest_scheme",
]

# fmt: off
_SCHEME_ALIASES = {"postgres": "postgresql", "pgsql": "postgresql", "postgis": "postgresql",
                   "timescale": "postgresql", "mysql2": "mysql", "mysqlgis": "mysql",
                   "sqlserver": "mssql"}
# SQLAlchemy-style dialects whose "+driver" suffix does not change the protocol
_DIALECTS = frozenset({"postgresql", "mysql", "mariadb", "mssql", "oracle", "sqlite",
                       "cockroachdb", "redshift"})
_LOCAL_SCHEMES = frozenset({"sqlite", "sqlite3", "file", "unix", "s3", "s3a", "gs", "gcs", "az",
                            "abfs", "abfss", "wasb", "wasbs", "data", "mailto", "redis-socket",
                            "socket"})
DEFAULT_PORTS: dict[str, int] = {
    "postgresql": 5432, "libpq": 5432, "cockroachdb": 26257, "redshift": 5439, "mysql": 3306,
    "mariadb": 3306, "mysqlx": 33060, "mssql": 1433, "oracle": 1521, "db2": 50000,
    "redis": 6379, "rediss": 6379, "redis+sentinel": 26379, "valkey": 6379, "valkeys": 6379,
    "mongodb": 27017, "amqp": 5672, "amqps": 5671, "pyamqp": 5672, "http": 80, "https": 443,
    "ws": 80, "wss": 443, "nats": 4222, "kafka": 9092, "kafka-list": 9092, "zookeeper": 2181,
    "memcached": 11211, "memcache": 11211, "cassandra": 9042, "neo4j": 7687, "neo4j+s": 7687,
    "neo4j+ssc": 7687, "bolt": 7687, "bolt+s": 7687, "bolt+ssc": 7687, "mqtt": 1883,
    "mqtts": 8883, "stomp": 61613, "ldap": 389, "ldaps": 636, "smtp": 25, "smtps": 465,
    "imap": 143, "imaps": 993, "pop3": 110, "pop3s": 995, "ftp": 21, "sftp": 22, "ssh": 22,
    "git": 9418, "couchdb": 5984, "influxdb": 8086, "clickhouse": 9000, "etcd": 2379,
    "consul": 8500, "h2": 9092, "derby": 1527, "hsqldb": 9001,
}
_JDBC_PORTS = {"clickhouse": 8123, "ch": 8123}  # the JDBC drivers speak HTTP
# transport DSNs whose "host" names a configured connection or provider, not a machine:
# Symfony Messenger doctrine://default, sync://, in-memory:// (symfony.com/doc/current/
# messenger.html#transport-configuration); Symfony Mailer null://null, sendmail://default,
# native://default (symfony.com/doc/current/mailer.html#using-built-in-transports);
# Appwrite's _APP_SMS_PROVIDER sms://user:secret@<provider> (appwrite.io/docs/advanced/
# self-hosting/sms) and storage DSN local://localhost, the container's own disk
# (appwrite.io/docs/advanced/self-hosting/configuration/environment-variables#storage)
NAMED_SCHEMES = frozenset({"doctrine", "sync", "in-memory", "null", "sendmail", "native", "sms",
                           "local"})
# client libraries' own schemes for SQL servers and brokers (sources with the families'
# schemes in image_facts): Ecto, Rails' trilogy, golang-migrate's pgx, Lettuce's and
# redis-py helpers' Sentinel forms, Kombu's librabbitmq
_CLIENT_SCHEMES = frozenset({"ecto", "trilogy", "pgx", "pgx5", "redis-sentinel",
                             "rediss+sentinel", "librabbitmq"})
KNOWN_SCHEMES = frozenset(
    set(DEFAULT_PORTS) | set(_SCHEME_ALIASES) | _LOCAL_SCHEMES | _DIALECTS | NAMED_SCHEMES
    | _CLIENT_SCHEMES
    | {"mongodb+srv", "sentinel", "tcp", "udp", "tls", "ssl", "grpc", "grpcs", "docker", "svn",
       "ftps", "sqs", "pulsar", "pulsar+ssl", "elasticsearch", "opensearch", "syslog",
       "statsd", "snowflake", "trino", "presto", "jdbc", "r2dbc", "oci"}
)
_TYPOS = {
    "postgress": "postgresql", "postgressql": "postgresql", "postgre": "postgresql",
    "postgresq": "postgresql", "postgesql": "postgresql", "postgrsql": "postgresql",
    "posgres": "postgres", "posgresql": "postgresql", "psql": "postgresql", "pg": "postgresql",
    "mongo": "mongodb", "mongodb-srv": "mongodb+srv", "mongo+srv": "mongodb+srv",
    "mysqli": "mysql", "redis-cluster": "redis", "rabbitmq": "amqp", "rabbit": "amqp",
    "ampq": "amqp", "ampqs": "amqps", "htpp": "http", "htps": "https",
}
POSTGRES_SCHEMES = frozenset({"postgresql", "libpq", "cockroachdb"})
AMQP_SCHEMES = frozenset({"amqp", "amqps", "pyamqp"})
HTTP_SCHEMES = frozenset({"http", "https", "ws", "wss"})
SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
# libpq settings whose values form a closed set: connectOptions2() in postgres/postgres
# src/interfaces/libpq/fe-connect.c compares each with strcmp (so case-sensitively) and
# fails with 'invalid <name> value: "..."'; target_session_attrs has had its last four
# values since PostgreSQL 14 (commit ee28cacf), sslcertmode since 16, sslnegotiation since 17
LIBPQ_ENUMS: dict[str, tuple[str, ...]] = {
    "sslmode": SSLMODES,
    "target_session_attrs": ("any", "read-write", "read-only", "primary", "standby",
                             "prefer-standby"),
    "gssencmode": ("disable", "prefer", "require"),
    "channel_binding": ("disable", "prefer", "require"),
    "load_balance_hosts": ("disable", "random"),
    "sslnegotiation": ("postgres", "direct"),
    "sslcertmode": ("disable", "allow", "require"),
}
# the environment variables libpq reads for them (postgresql.org/docs/current/libpq-envars.html)
LIBPQ_ENV = {"PGSSLMODE": "sslmode", "PGTARGETSESSIONATTRS": "target_session_attrs",
             "PGGSSENCMODE": "gssencmode", "PGCHANNELBINDING": "channel_binding",
             "PGLOADBALANCEHOSTS": "load_balance_hosts", "PGSSLNEGOTIATION": "sslnegotiation",
             "PGSSLCERTMODE": "sslcertmode"}
# node-postgres also takes sslmode=no-verify, in a URL (pg-connection-string) and in
# PGSSLMODE (brianc/node-postgres packages/pg/lib/connection-parameters.js): TLS without
# certificate checks. libpq rejects it, but a Node client is as likely: never an error
NODE_PG_SSLMODES = ("no-verify",)
# fmt: on


def normalise_scheme(raw: str) -> str:
    """'Postgres+asyncpg' -> 'postgresql', 'redis+sentinel' -> 'redis+sentinel': aliases
    resolved, a SQLAlchemy dialect's driver dropped."""
    base, plus, driver = raw.lower().partition("+")
    base = _SCHEME_ALIASES.get(base, base)
    if plus and base not in _DIALECTS:
        return f"{base}+{driver}"
    return base


def is_local_scheme(scheme: str) -> bool:
    """A scheme that names no network destination (sqlite, file, s3, redis+unix ...)."""
    base, _, driver = scheme.partition("+")
    return base in _LOCAL_SCHEMES or driver in ("unix", "socket")


def default_port_for_scheme(scheme: str) -> int | None:
    """The port a client uses when none is written ('postgres+asyncpg' -> 5432)."""
    s = scheme.lower()
    for prefix in ("jdbc:", "r2dbc:"):
        if s.startswith(prefix):
            sub = s[len(prefix) :].split(":", 1)[0]
            if prefix == "jdbc:" and sub in _JDBC_PORTS:
                return _JDBC_PORTS[sub]
            return DEFAULT_PORTS.get(normalise_scheme(sub))
    return DEFAULT_PORTS.get(normalise_scheme(s))


def suggest_scheme(raw_scheme: str) -> str | None:
    """The known scheme a misspelt one probably meant ('postgress' -> 'postgresql',
    'postgress+asyncpg' -> 'postgresql+asyncpg'); None when it is known or nothing is close."""
    s = raw_scheme.lower().rstrip(":/")
    base, plus, driver = s.partition("+")
    if s in KNOWN_SCHEMES or base in KNOWN_SCHEMES:
        return None
    if s in _TYPOS:
        return _TYPOS[s]
    guess = _TYPOS.get(base)
    if guess is None:
        import difflib  # only for a misspelling: not on every run

        close = difflib.get_close_matches(base, sorted(KNOWN_SCHEMES), n=1, cutoff=0.8)
        if not close:
            return None
        guess = close[0]
    return f"{guess}+{driver}" if plus and "+" not in guess else guess


# --------------------------------------------------------------- what a scheme is for
# fmt: off
_DATABASE_PREFIXES = ("postgres", "libpq", "mysql", "mariadb", "mongodb", "mssql", "oracle",
                      "adonet")
_CACHE_PREFIXES = ("redis", "rediss", "valkey", "memcache")
_BROKER_PREFIXES = ("amqp", "pyamqp", "kafka", "nats", "mqtt", "stomp", "zookeeper")
# fmt: on


def server_kind(scheme: str) -> str:
    """What kind of server a scheme talks to: ``database``, ``cache``, ``broker`` or
    ``server`` (``jdbc:`` and ``r2dbc:`` prefixes ignored)."""
    s = scheme.lower().removeprefix("jdbc:").removeprefix("r2dbc:")
    if s.startswith(_DATABASE_PREFIXES):
        return "database"
    if s.startswith(_CACHE_PREFIXES):
        return "cache"
    if s.startswith(_BROKER_PREFIXES):
        return "broker"
    return "server"


def lookup_error(scheme: str, host: str) -> str:
    """What the client library prints when ``host`` does not resolve: libpq, MySQL
    clients, Node's getaddrinfo, glibc's resolver otherwise."""
    s = scheme.lower()
    if s.startswith(("postgres", "libpq")) or s == "jdbc:postgresql":
        return f'could not translate host name "{host}" to address'
    if "mysql" in s or "mariadb" in s:
        return f"Unknown MySQL server host '{host}'"
    if s.startswith(("http", "ws")):
        return f"getaddrinfo ENOTFOUND {host}"
    return f"{host}: Name or service not known"


# fmt: off
# Celery/kombu result backends and transports, and other real schemes that look misspelt
LEGITIMATE_SCHEMES = frozenset(
    {"rpc", "db", "cache", "sqla", "memory", "filesystem", "couchbase", "riak", "dynamodb",
     "azureblockblob", "arangodb", "cosmosdbsql", "qpid", "confluentkafka", "django-db",
     "socks5", "socks5h", "socks4", "redis-sentinel"}
)
# the schemes of databases, brokers and HTTP, for which a "did you mean" is trusted
TYPO_TARGETS = frozenset(
    {"postgresql", "postgres", "mysql", "mariadb", "mongodb", "mongodb+srv", "redis", "rediss",
     "amqp", "amqps", "http", "https", "mssql"}
)
# schemes that name no application protocol
GENERIC_SCHEMES = frozenset({"tcp", "udp", "tls", "ssl", "adonet", "libpq", "kafka-listener"})
# fmt: on


# fmt: off
# SQLAlchemy 1.4 removed the "postgres" dialect name, deprecated since 0.6: create_engine
# fails with "Can't load plugin: sqlalchemy.dialects:postgres" (docs.sqlalchemy.org/en/14/
# changelog/changelog_14.html#change-3687655465c25a39b968b4f5f6e9170b, sqlalchemy/
# sqlalchemy#6083); "postgres+psycopg2" too (apache/superset#20895 adds it back as a plugin)
SQLALCHEMY_REMOVED = {"postgres": "postgresql"}
# servers whose clients are given URLs in *_URL settings, for the scheme-less check:
# a URL parser reads "rabbitmq:5672" as scheme "rabbitmq" and path "5672" (RFC 3986
# §3.1; urllib.parse.urlsplit, Go's url.Parse and WHATWG URL all do), though a client
# may fall back to host:port (ioredis' parseURL prefixes "//" when there are no
# slashes), hence a warning; ZooKeeper, Kafka and memcached connect strings are
# host:port lists by design
URL_CONFIGURED_SCHEMES = frozenset({"postgresql", "mysql", "mongodb", "redis", "amqp"})
CONNECT_STRING_WORDS = frozenset({"ZOOKEEPER", "ZK", "KAFKA", "BOOTSTRAP", "CONNECT", "MEMCACHED"})
# fmt: on
