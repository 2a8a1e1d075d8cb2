"""composelint.analysis.connstrings: destinations, exact offsets, value problems, variable roles,
password masking and scheme suggestions (image facts: test_images.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from composelint.analysis.connstrings import (
    PROBLEM_KINDS,
    Destination,
    VarRole,
    classify_variable,
    default_port_for_scheme,
    mask_value,
    parse_value,
    suggest_scheme,
)
from composelint.analysis.schemes import lookup_error, server_kind


@dataclass
class Case:
    value: str
    variable: str | None = None
    # expected destinations, each a dict of the Destination fields that matter
    dests: list[dict[str, Any]] = field(default_factory=list)
    # expected problems: (kind, the exact text the problem points at)
    problems: list[tuple[str, str]] = field(default_factory=list)
    # the password text of every destination that has one
    password: str | None = None


def D(host: str, port: int | None = None, **kw: Any) -> dict[str, Any]:
    return {"host": host, "port": port, **kw}


CASES: dict[str, Case] = {
    # --- URLs --------------------------------------------------------------------------
    "url-postgres-full": Case(
        "postgresql://u:p@db:5432/app?sslmode=disable",
        "DATABASE_URL",
        [
            D(
                "db",
                5432,
                default_port=None,
                scheme="postgresql",
                user="u",
                database="app",
                params={"sslmode": "disable"},
                kind="url",
                has_password=True,
            )
        ],
        password="p",
    ),
    "url-driver-suffix": Case(
        "postgresql+asyncpg://app:s%40fe@db/app",
        None,
        [
            D(
                "db",
                None,
                default_port=5432,
                scheme="postgresql",
                raw_scheme="postgresql+asyncpg",
                user="app",
                database="app",
            )
        ],
        password="s%40fe",
    ),
    "url-postgres-alias": Case(
        "postgres://db",
        None,
        [
            D(
                "db",
                None,
                default_port=5432,
                scheme="postgresql",
                raw_scheme="postgres",
                has_password=False,
                user=None,
            )
        ],
    ),
    "url-mysql-pymysql": Case(
        "mysql+pymysql://root:pw@mysql:3306/shop",
        None,
        [D("mysql", 3306, scheme="mysql", database="shop")],
        password="pw",
    ),
    "url-redis-password-only": Case(
        "redis://:pass@redis:6379/0",
        "REDIS_URL",
        [D("redis", 6379, scheme="redis", user=None, has_password=True, database="0")],
        password="pass",
    ),
    "url-rediss-default-port": Case(
        "rediss://cache.example.com",
        None,
        [D("cache.example.com", None, default_port=6379, scheme="rediss")],
    ),
    "url-mongodb-replica-set": Case(
        "mongodb://h1:27017,h2:27018/db?replicaSet=rs0",
        "MONGO_URI",
        [
            D("h1", 27017, scheme="mongodb", database="db", params={"replicaset": "rs0"}),
            D("h2", 27018, scheme="mongodb", database="db"),
        ],
    ),
    "url-mongodb-default-ports": Case(
        "mongodb://mongo1,mongo2/?replicaSet=rs",
        None,
        [D("mongo1", None, default_port=27017), D("mongo2", None, default_port=27017)],
    ),
    "url-mongodb-srv": Case(
        "mongodb+srv://u:p@cluster0.example.net/db",
        None,
        [D("cluster0.example.net", None, default_port=None, scheme="mongodb+srv")],
        password="p",
    ),
    "url-postgres-multi-host": Case(
        "postgresql://h1:5432,h2:5433/db?target_session_attrs=read-write",
        None,
        [
            D("h1", 5432, database="db", params={"target_session_attrs": "read-write"}),
            D("h2", 5433, database="db"),
        ],
    ),
    "url-ipv6": Case(
        "postgresql://u:p@[::1]:5432/db",
        None,
        [D("::1", 5432, scheme="postgresql")],
        password="p",
    ),
    "url-amqp-encoded-vhost": Case(
        "amqp://guest:guest@rabbitmq:5672/%2F",
        "CELERY_BROKER_URL",
        [D("rabbitmq", 5672, scheme="amqp", database="/")],
        password="guest",
    ),
    "url-amqp-double-slash-ok": Case(
        "amqp://guest:guest@rabbitmq:5672//",
        None,
        [D("rabbitmq", 5672, database="/")],
        password="guest",
    ),
    "url-amqps-default": Case(
        "amqps://mq.internal/vh", None, [D("mq.internal", None, default_port=5671, database="vh")]
    ),
    "url-http-path-query-at": Case(
        "http://api:8080/v1?mail=a@b.com",
        "API_URL",
        [D("api", 8080, scheme="http", database="v1", params={"mail": "a@b.com"})],
    ),
    "url-https-public": Case(
        "https://example.com/app",
        "SITE_URL",
        [D("example.com", None, default_port=443, public_dns_name=True)],
    ),
    "url-libpq-query-host": Case(
        "postgresql:///app?host=db&port=5433",
        None,
        [D("db", 5433, scheme="postgresql", database="app", params={})],
    ),
    "url-libpq-query-socket": Case("postgresql:///app?host=/var/run/postgresql", None, []),
    "url-no-host": Case("postgresql:///app", None, []),
    "url-list-json-array": Case(
        '["http://es01:9200","http://es02:9200"]',
        "ELASTICSEARCH_HOSTS",
        [D("es01", 9200, scheme="http"), D("es02", 9200, scheme="http")],
    ),
    "url-list-commas": Case(
        "http://es01:9200, http://es02:9200",
        "ELASTICSEARCH_HOSTS",
        [D("es01", 9200), D("es02", 9200)],
    ),
    "url-oracle-dialect": Case(
        "oracle+oracledb://u:p@ora:1521/?service_name=XE",
        None,
        [D("ora", 1521, scheme="oracle", params={"service_name": "XE"})],
        password="p",
    ),
    "url-password-in-query": Case(
        "redis://redis:6379/0?password=hunter2&ssl=false",
        None,
        [D("redis", 6379, has_password=True, params={"ssl": "false"})],
        password="hunter2",
    ),
    "url-templated": Case(
        "postgresql://${DB_USER}:${DB_PASS}@${DB_HOST:-db}:${DB_PORT:-5432}/app",
        None,
        [D("${DB_HOST:-db}", None, templated=True, user="${DB_USER}", database="app")],
        password="${DB_PASS}",
    ),
    "url-host-docker-internal": Case(
        "http://host.docker.internal:11434",
        "OLLAMA_BASE_URL",
        [D("host.docker.internal", 11434, public_dns_name=False)],
    ),
    # --- not network ---------------------------------------------------------------------
    "local-sqlite": Case("sqlite:///data/app.db", "DATABASE_URL", []),
    "local-unix": Case("unix:///var/run/redis.sock", "REDIS_URL", []),
    "local-redis-unix": Case("redis+unix:///tmp/redis.sock?db=0", "REDIS_URL", []),
    "local-file": Case("file:///etc/app.conf", None, []),
    "local-s3": Case("s3://bucket/key", None, []),
    "local-pghost-dir": Case("/var/run/postgresql", "PGHOST", []),
    "local-jdbc-h2": Case("jdbc:h2:mem:test;DB_CLOSE_DELAY=-1", "SPRING_DATASOURCE_URL", []),
    "local-path-value": Case("/var/lib/data", "DATA_DIR", []),
    # --- JDBC / R2DBC ----------------------------------------------------------------------
    "jdbc-postgres": Case(
        "jdbc:postgresql://db:5432/app?user=u&password=secret&sslmode=require",
        "SPRING_DATASOURCE_URL",
        [
            D(
                "db",
                5432,
                scheme="jdbc:postgresql",
                raw_scheme="jdbc:postgresql",
                kind="jdbc",
                user="u",
                database="app",
                params={"sslmode": "require"},
            )
        ],
        password="secret",
    ),
    "jdbc-mysql-default": Case(
        "jdbc:mysql://mysql/app",
        None,
        [D("mysql", None, default_port=3306, scheme="jdbc:mysql", database="app")],
    ),
    "jdbc-mysql-loadbalance": Case(
        "jdbc:mysql:loadbalance://h1:3306,h2:3307/app",
        None,
        [
            D("h1", 3306, scheme="jdbc:mysql", raw_scheme="jdbc:mysql:loadbalance"),
            D("h2", 3307, scheme="jdbc:mysql"),
        ],
    ),
    "jdbc-sqlserver": Case(
        "jdbc:sqlserver://db:1433;databaseName=x;user=sa;password=Pw1;encrypt=false",
        None,
        [
            D(
                "db",
                1433,
                scheme="jdbc:sqlserver",
                user="sa",
                database="x",
                params={"databasename": "x", "encrypt": "false"},
            )
        ],
        password="Pw1",
    ),
    "jdbc-sqlserver-instance": Case(
        "jdbc:sqlserver://db\\SQLEXPRESS;databaseName=x",
        None,
        [
            D(
                "db",
                None,
                default_port=1433,
                params={"databasename": "x", "instancename": "SQLEXPRESS"},
            )
        ],
    ),
    "jdbc-sqlserver-servername": Case(
        "jdbc:sqlserver://;serverName=mssql;portNumber=1434", None, [D("mssql", 1434)]
    ),
    "jdbc-oracle-thin": Case(
        "jdbc:oracle:thin:@db:1521/SVC",
        None,
        [D("db", 1521, scheme="jdbc:oracle", raw_scheme="jdbc:oracle:thin", database="SVC")],
    ),
    "jdbc-oracle-slashes": Case("jdbc:oracle:thin:@//db:1521/SVC", None, [D("db", 1521)]),
    "jdbc-oracle-sid-user": Case(
        "jdbc:oracle:thin:scott/tiger@ora:1521:ORCL",
        None,
        [D("ora", 1521, user="scott", database="ORCL")],
        password="tiger",
    ),
    "jdbc-oracle-tns": Case(
        "jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=ora1)(PORT=1521))"
        "(ADDRESS=(PROTOCOL=TCP)(PORT=1522)(HOST=ora2))(CONNECT_DATA=(SERVICE_NAME=svc)))",
        None,
        [D("ora1", 1521, database="svc"), D("ora2", 1522, database="svc")],
    ),
    "r2dbc-pool": Case(
        "r2dbc:pool:postgresql://db/app",
        "SPRING_R2DBC_URL",
        [D("db", None, default_port=5432, scheme="r2dbc:postgresql")],
    ),
    # --- libpq key/value ---------------------------------------------------------------------
    "libpq-kv": Case(
        "host=db port=5432 dbname=app user=u password=p sslmode=disable",
        "PG_DSN",
        [
            D(
                "db",
                5432,
                scheme="libpq",
                kind="libpq",
                user="u",
                database="app",
                params={"sslmode": "disable"},
            )
        ],
        password="p",
    ),
    "libpq-kv-quoted": Case(
        "host = 'db' dbname='my app' password='p w'",
        None,
        [D("db", None, default_port=5432, database="my app")],
        password="p w",
    ),
    "libpq-kv-multi-host": Case(
        "host=h1,h2 port=5432,5433 dbname=app", None, [D("h1", 5432), D("h2", 5433)]
    ),
    "libpq-kv-hostaddr": Case("hostaddr=10.0.0.5 dbname=app", None, [D("10.0.0.5", None)]),
    # --- ADO.NET -----------------------------------------------------------------------------
    "ado-sqlserver": Case(
        "Server=db,1433;Database=x;User Id=sa;Password=Secr3t;TrustServerCertificate=True",
        "ConnectionStrings__DefaultConnection",
        [
            D(
                "db",
                1433,
                scheme="adonet",
                kind="adonet",
                user="sa",
                database="x",
                params={"trustservercertificate": "True"},
            )
        ],
        password="Secr3t",
    ),
    "ado-data-source": Case(
        "Data Source=mssql,1433;Initial Catalog=x;User ID=sa;Password=p",
        None,
        [D("mssql", 1433, database="x", user="sa")],
        password="p",
    ),
    "ado-npgsql": Case(
        "Host=db;Port=5432;Database=x;Username=u;Password=p",
        None,
        [D("db", 5432, database="x", user="u")],
        password="p",
    ),
    "ado-npgsql-default": Case(
        "Host=pg;Database=x", "ConnectionStrings__Db", [D("pg", None, default_port=5432)]
    ),
    "ado-tcp-prefix": Case(
        "Server=tcp:db,1433;Database=x", None, [D("db", 1433, default_port=None)]
    ),
    "ado-instance": Case(
        "Server=db\\SQLEXPRESS;Database=x;Integrated Security=false",
        None,
        [D("db", None, default_port=1433)],
    ),
    "ado-mysql": Case(
        "Server=mysql;Port=3306;Database=app;Uid=root;Pwd=pw",
        None,
        [D("mysql", 3306, user="root")],
        password="pw",
    ),
    "ado-odbc-braces": Case(
        "Driver={ODBC Driver 18 for SQL Server};Server=tcp:db,1433;Uid=u;Pwd={p;w}",
        None,
        [D("db", 1433, params={"driver": "ODBC Driver 18 for SQL Server"})],
        password="p;w",
    ),
    "ado-oracle-ezconnect": Case(
        "Data Source=//ora:1521/XEPDB1;User Id=u;Password=p",
        None,
        [D("ora", 1521, database="XEPDB1")],
        password="p",
    ),
    "ado-named-pipe": Case("Server=np:\\\\.\\pipe\\sql\\query;Database=x", None, []),
    # --- bare lists, ZooKeeper, Kafka --------------------------------------------------------
    "list-kafka": Case(
        "kafka:9092,kafka2:9092",
        "KAFKA_BOOTSTRAP_SERVERS",
        [
            D("kafka", 9092, scheme="kafka-list", kind="hostport"),
            D("kafka2", 9092, scheme="kafka-list", kind="hostport"),
        ],
    ),
    "list-kafka-no-port": Case(
        "kafka", "KAFKA_BROKERS", [D("kafka", None, default_port=9092, kind="host")]
    ),
    "list-zookeeper-chroot": Case(
        "zk1:2181,zk2:2181/kafka",
        "KAFKA_ZOOKEEPER_CONNECT",
        [D("zk1", 2181, scheme="zookeeper", database="kafka"), D("zk2", 2181)],
    ),
    "list-quorum-voters": Case(
        "1@kafka1:9093,2@kafka2:9093",
        "KAFKA_CFG_CONTROLLER_QUORUM_VOTERS",
        [
            D("kafka1", 9093, scheme="kafka-quorum", params={"node_id": "1"}),
            D("kafka2", 9093, params={"node_id": "2"}),
        ],
    ),
    "listeners-bind": Case(
        "PLAINTEXT://:9092,CONTROLLER://:9093",
        "KAFKA_CFG_LISTENERS",
        [
            D("", 9092, scheme="kafka-listener", raw_scheme="PLAINTEXT"),
            D("", 9093, raw_scheme="CONTROLLER"),
        ],
    ),
    "listeners-advertised": Case(
        "INTERNAL://kafka:29092,EXTERNAL://localhost:9092",
        "KAFKA_ADVERTISED_LISTENERS",
        [D("kafka", 29092, raw_scheme="INTERNAL"), D("localhost", 9092, raw_scheme="EXTERNAL")],
    ),
    "listeners-by-value": Case(
        "PLAINTEXT://kafka:9092,CONTROLLER://kafka:9093",
        None,
        [D("kafka", 9092, scheme="kafka-listener"), D("kafka", 9093)],
    ),
    "hostport-ipv6": Case("[::1]:5432", "DB_ADDR", [D("::1", 5432, kind="hostport")]),
    "hostport-by-value": Case("backend:8000", "UNKNOWN_THING", [D("backend", 8000)]),
    "hostport-image-tag-not": Case("postgres:16", None, []),
    "hostport-time-not": Case("12:30", None, []),
    "hostport-image-var-not": Case("redis:7.2-alpine", "REDIS_IMAGE", []),
    "plain-word-not": Case("production", "NODE_ENV", []),
    "plain-word-url-var-not": Case("changeme", "SENTRY_DSN", []),
    "templated-garbage-not": Case("${A} x:1", "KAFKA_BROKERS", []),
    # --- host / port / bind variables ----------------------------------------------------------
    "host-plain": Case(
        "db", "DB_HOST", [D("db", None, kind="host", scheme=None, default_port=None)]
    ),
    "host-hint": Case("redis", "REDIS_HOST", [D("redis", None, scheme="redis", default_port=6379)]),
    "host-pghost": Case("pg.internal", "PGHOST", [D("pg.internal", None, scheme="postgresql")]),
    "host-wordpress-port-ok": Case("db:3306", "WORDPRESS_DB_HOST", [D("db", 3306, kind="host")]),
    "host-mongo-express-list": Case(
        "mongo1,mongo2", "ME_CONFIG_MONGODB_SERVER", [D("mongo1"), D("mongo2")]
    ),
    "host-es-http-ok": Case("http://es:9200", "ES_HOST", [D("es", 9200, scheme="http")]),
    "host-credential-not-parsed": Case("p@ss:word", "POSTGRES_PASSWORD", []),
    "port-ok": Case("5432", "DB_PORT", []),
    "bind-all": Case("0.0.0.0", "HOST", [D("0.0.0.0", None, kind="host")]),
    "bind-hostport": Case("127.0.0.1:8000", "GUNICORN_BIND", [D("127.0.0.1", 8000)]),
    "bind-port-only": Case("8080", "PORT", []),
    "advertised-host": Case("kafka", "KAFKA_ADVERTISED_HOST_NAME", [D("kafka", None)]),
    "browser-url": Case(
        "http://backend:8000/api", "NEXT_PUBLIC_API_URL", [D("backend", 8000, database="api")]
    ),
    # --- problems --------------------------------------------------------------------------------
    "p-userinfo-at": Case(
        "postgresql://u:p@ss@db/x",
        "DATABASE_URL",
        [D("db", None, user="u", database="x")],
        [("userinfo-unencoded", "@")],
        password="p@ss",
    ),
    # an '@' and then a '/' in the password: the host is not the fragment 'ss'
    "p-userinfo-at-then-slash": Case(
        "mysql://app:p@ss/w@db/app",
        None,
        [D("db", database="app")],
        [("userinfo-unencoded", "@")],
        password="p@ss/w",
    ),
    "p-underscore-any-scheme": Case(
        "redis://redis_cache:6379/0", None, [D("redis_cache", 6379)], [("host-underscore", "_")]
    ),
    "p-path-at-after-a-domain": Case("git+ssh://git@github.com/org@v1", None, [D("github.com")]),
    "p-path-at-in-web-url": Case("https://mastodon.social/@user", None, [D("mastodon.social")]),
    "p-userinfo-slash": Case(
        "postgresql://u:p/ss@db:5432/x",
        None,
        [D("db", 5432, database="x")],
        [("userinfo-unencoded", "/")],
        password="p/ss",
    ),
    "p-userinfo-hash": Case(
        "redis://:pa#ss@redis:6379/0",
        None,
        [D("redis", 6379)],
        [("userinfo-unencoded", "#")],
        password="pa#ss",
    ),
    "p-userinfo-hash-numeric": Case(
        "redis://user:12#34@redis:6379/0",
        None,
        [D("redis", 6379, user="user")],
        [("userinfo-unencoded", "#")],
        password="12#34",
    ),
    "p-userinfo-question": Case(
        "mysql://root:a?b@mysql/app",
        None,
        [D("mysql", None, database="app")],
        [("userinfo-unencoded", "?")],
        password="a?b",
    ),
    "p-userinfo-percent": Case(
        "postgresql://u:100%sure@db/x",
        None,
        [D("db")],
        [("userinfo-unencoded", "%")],
        password="100%sure",
    ),
    "p-port-after-path": Case(
        "postgresql://db/app:5432",
        None,
        [D("db", None, database="app:5432")],
        [("port-after-path", ":5432")],
    ),
    "p-srv-with-port": Case(
        "mongodb+srv://u:p@cluster0.example.net:27017/db",
        None,
        [D("cluster0.example.net", None, default_port=None)],
        [("srv-with-port", ":27017")],
        password="p",
    ),
    "p-srv-multiple-hosts": Case(
        "mongodb+srv://a.example.net,b.example.net/db",
        None,
        [D("a.example.net"), D("b.example.net")],
        [("srv-multiple-hosts", "b.example.net")],
    ),
    "p-host-has-scheme": Case(
        "postgres://db:5432",
        "DB_HOST",
        [D("db", 5432, scheme="postgresql")],
        [("host-has-scheme", "postgres://")],
    ),
    "p-host-has-scheme-http-db": Case(
        "http://redis", "REDIS_HOST", [D("redis")], [("host-has-scheme", "http://")]
    ),
    "p-host-has-port": Case(
        "db:5432", "DB_HOST", [D("db", 5432, kind="host")], [("host-has-port", ":5432")]
    ),
    "p-host-has-port-ado": Case(
        "Server=db:1433;Database=x", None, [D("db", 1433)], [("host-has-port", ":1433")]
    ),
    "p-host-has-space": Case("db ", "POSTGRES_HOST", [D("db")], [("host-has-space", " ")]),
    "p-host-underscore": Case("my_db", "DB_HOST", [D("my_db")], [("host-underscore", "_")]),
    "p-host-underscore-http": Case(
        "http://my_api:8000", "API_URL", [D("my_api", 8000)], [("host-underscore", "_")]
    ),
    "p-invalid-port-url": Case(
        "redis://redis:99999",
        None,
        [D("redis", None, default_port=6379)],
        [("invalid-port", "99999")],
    ),
    "p-invalid-port-list": Case(
        "kafka:90x2", "KAFKA_BOOTSTRAP_SERVERS", [D("kafka", None)], [("invalid-port", "90x2")]
    ),
    "p-invalid-port-var": Case(" 54o2", "DB_PORT", [], [("invalid-port", "54o2")]),
    "p-invalid-port-zero": Case("0", "PGPORT", [], [("invalid-port", "0")]),
    "p-amqp-vhost-slash": Case(
        "amqp://u:p@rabbit:5672/my/vhost",
        None,
        [D("rabbit", 5672, database="my/vhost")],
        [("amqp-vhost-slash", "/")],
        password="p",
    ),
    "p-bad-sslmode-url": Case(
        "postgresql://db/app?sslmode=required", None, [D("db")], [("bad-sslmode", "required")]
    ),
    "p-bad-sslmode-case": Case(
        "host=db sslmode=Require", None, [D("db")], [("bad-sslmode", "Require")]
    ),
    "p-bad-sslmode-var": Case("true", "PGSSLMODE", [], [("bad-sslmode", "true")]),
    "p-sslmode-var-ok": Case("verify-full", "PGSSLMODE", []),
    # node-postgres reads PGSSLMODE and URLs, and takes no-verify; libpq's kv never sees it
    "p-sslmode-no-verify-var": Case("no-verify", "PGSSLMODE", []),
    "p-sslmode-no-verify-url": Case("postgres://db/app?sslmode=no-verify", None, [D("db")]),
    "p-sslmode-no-verify-kv": Case(
        "host=db sslmode=no-verify", None, [D("db")], [("bad-sslmode", "no-verify")]
    ),
    "p-bad-target-session-attrs-var": Case(
        "master", "PGTARGETSESSIONATTRS", [], [("bad-libpq-setting", "master")]
    ),
    "p-target-session-attrs-var-ok": Case("prefer-standby", "PGTARGETSESSIONATTRS", []),
    "p-bad-gssencmode-var": Case("Disable", "PGGSSENCMODE", [], [("bad-libpq-setting", "Disable")]),
    "p-bad-target-session-attrs-url": Case(
        "postgresql://h1,h2/app?target_session_attrs=readwrite",
        None,
        [D("h1"), D("h2")],
        [("bad-libpq-setting", "readwrite")],
    ),
    "p-bad-load-balance-kv": Case(
        "host=db load_balance_hosts=on", None, [D("db")], [("bad-libpq-setting", "on")]
    ),
    "p-sslmode-jdbc-case-insensitive": Case(
        "jdbc:postgresql://db/app?sslmode=Require", None, [D("db")]
    ),
    "p-scheme-typo": Case(
        "postgress://u:p@db/app",
        "DATABASE_URL",
        [D("db", None, scheme="postgress", default_port=None)],
        [("scheme-typo", "postgress")],
        password="p",
    ),
    "p-scheme-typo-mongo": Case(
        "mongo://mongo:27017/db", None, [D("mongo", 27017)], [("scheme-typo", "mongo")]
    ),
    "p-templated-port-not-invalid": Case(
        "db:${DB_PORT}", "KAFKA_BROKERS", [D("db", None, templated=True)]
    ),
}


def _check_offsets(value: str, d: Destination) -> None:
    assert value[d.host_offset : d.host_offset + d.host_length] == d.host
    if d.port is not None:
        assert d.port_offset is not None
        assert value[d.port_offset : d.port_offset + d.port_length] == str(d.port)
    if d.has_password:
        assert d.password_offset is not None and d.password_length > 0


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_parse_value(case: Case) -> None:
    pv = parse_value(case.value, case.variable)
    got = []
    for d in pv.destinations:
        _check_offsets(case.value, d)
        got.append(d)
    assert len(got) == len(case.dests), [d.host for d in got]
    for d, want in zip(got, case.dests, strict=True):
        for key, expected in want.items():
            assert getattr(d, key) == expected, (key, d)
    problems = [(p.kind, case.value[p.offset : p.offset + p.length]) for p in pv.problems]
    assert problems == case.problems
    for p in pv.problems:
        assert p.kind in PROBLEM_KINDS
    for d in got:
        if d.has_password:
            pw = case.value[d.password_offset : d.password_offset + d.password_length]  # type: ignore[operator]
            assert pw == case.password
        else:
            assert case.password is None or d.password_offset is None


def test_enough_cases() -> None:
    assert len(CASES) >= 60
    used = {kind for case in CASES.values() for kind, _ in case.problems}
    assert used == PROBLEM_KINDS


PW = "Zq9:Secr@t"  # contains ':' and '@' on purpose
SECRET_FORMS = [
    f"postgresql://app:{PW}@db:5432/x?sslmode=bad",
    "postgresql://app:Zq9%3ASecr%40t@db:5432/x",
    f"redis://:{PW}@redis:6379/0",
    f"host=db port=54x32 user=app password='{PW}' sslmode=bad",
    f"Server=db:1433;Database=x;User Id=sa;Password={PW};",
    f"Host=db;Port=5432;Username=u;Password='{PW}'",
    f"jdbc:sqlserver://db:1433;user=sa;password={PW}",
    f"jdbc:postgresql://db/x?user=u&password={PW}&sslmode=bad",
    f"jdbc:oracle:thin:scott/{PW}@ora:1521/XE",
    f"mongodb+srv://u:{PW}@cluster.example.net:27017/db",
    f"amqp://u:{PW}@rabbit/a/b",
]


@pytest.mark.parametrize("value", SECRET_FORMS)
def test_password_never_leaks(value: str) -> None:
    """Neither the raw nor the decoded password appears in a repr, user, params value or
    message, and mask_value removes it."""
    pv = parse_value(value, "DATABASE_URL")
    assert pv.destinations
    texts = [repr(pv)] + [p.message for p in pv.problems]
    texts += [str(d.user) for d in pv.destinations]
    texts += [v for d in pv.destinations for v in d.params.values()]
    for text in texts:
        for leak in ("Zq9", "Secr", "%3ASecr"):
            assert leak not in text
    for d in pv.destinations:
        assert d.has_password
        pw = value[d.password_offset : d.password_offset + d.password_length]  # type: ignore[operator]
        assert pw in (PW, "Zq9%3ASecr%40t")
    assert "Zq9" not in mask_value(value)
    assert "Secr" not in mask_value(value)


def test_bind_empty_host_offsets_point_after_scheme() -> None:
    value = "PLAINTEXT://:9092,CONTROLLER://:9093"
    d1, d2 = parse_value(value, "KAFKA_LISTENERS").destinations
    assert (d1.host_offset, d1.host_length, d1.port_offset) == (12, 0, 13)
    assert (d2.host_offset, d2.port_offset) == (31, 32)


def test_problem_offsets_are_exact() -> None:
    value = "postgresql://app:p@ss@db:5432/app"
    (problem,) = parse_value(value, "DATABASE_URL").problems
    assert (problem.offset, problem.length) == (18, 1)
    assert problem.message.startswith("the user or password contains an unencoded '@'")
    (d,) = parse_value(value).destinations
    assert (d.host, d.host_offset, d.port_offset, d.password_offset) == ("db", 22, 25, 17)


def test_public_dns_name() -> None:
    def pub(host: str) -> bool:
        return parse_value(f"http://{host}:8080").destinations[0].public_dns_name

    assert pub("api.example.com")
    assert not pub("api")
    assert not pub("10.0.0.1")
    assert not pub("host.docker.internal")
    assert not pub("app.localhost")
    assert not pub("[::1]")


def test_destination_is_hashable_and_frozen() -> None:
    (d,) = parse_value("redis://redis:6379/0").destinations
    assert hash(d) == hash(parse_value("redis://redis:6379/0").destinations[0])
    with pytest.raises(AttributeError):
        d.host = "x"  # type: ignore[misc]


def test_effective_port() -> None:
    (d,) = parse_value("postgresql://db/app").destinations
    assert (d.port, d.default_port, d.effective_port) == (None, 5432, 5432)
    (d,) = parse_value("postgresql://db:6543/app").destinations
    assert (d.port, d.default_port, d.effective_port) == (6543, None, 6543)


@pytest.mark.parametrize(
    "value",
    ["", " ", ":", "=", "@", "://", "jdbc:", "jdbc:oracle:thin:@", "Server=;", "host=",
     "postgresql://", "postgresql://:@", "[", "[::1", "a:b:c:d", "${", "${A:-${B}",
     "amqp://", "mongodb+srv://", "x" * 10000 + ":80", "Data Source=(DESCRIPTION=",
     "host='unterminated", "Pwd={unterminated", "\x00:\x00", "😀://😀:😀@😀"],
)  # fmt: skip
@pytest.mark.parametrize("variable", [None, "DATABASE_URL", "DB_HOST", "DB_PORT", "HOST"])
def test_bad_input_never_raises(value: str, variable: str | None) -> None:
    pv = parse_value(value, variable)
    for d in pv.destinations:
        _check_offsets(value, d)
    mask_value(value)


# --- classify_variable ---------------------------------------------------------------------

ROLES: dict[VarRole, list[str]] = {
    VarRole.DESTINATION_URL: [
        "DATABASE_URL", "db_url", "SQLALCHEMY_DATABASE_URI", "SPRING_DATASOURCE_URL",
        "QUARKUS_DATASOURCE_JDBC_URL", "ConnectionStrings__DefaultConnection",
        "ConnectionStrings:Default", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND",
        "MONGO_URI", "ME_CONFIG_MONGODB_URL", "KAFKA_BOOTSTRAP_SERVERS",
        "SPRING_KAFKA_BOOTSTRAP_SERVERS", "KAFKA_CFG_ZOOKEEPER_CONNECT",
        "KAFKA_CFG_CONTROLLER_QUORUM_VOTERS", "ELASTICSEARCH_HOSTS", "S3_ENDPOINT",
        "AWS_ENDPOINT_URL", "OLLAMA_BASE_URL", "VAULT_ADDR", "DSN", "PG_DSN",
        "ORACLE_CONNECTION_STRING", "MYAPP_DATABASE_URL", "DOCKER_HOST", "HTTP_PROXY",
    ],
    VarRole.DESTINATION_HOST: [
        "DB_HOST", "DATABASE_HOST", "POSTGRES_HOST", "PGHOST", "MYSQL_HOST",
        "WORDPRESS_DB_HOST", "POSTFIXADMIN_DB_HOST", "DB_SERVER", "REDIS_HOST",
        "SPRING_RABBITMQ_HOST", "ME_CONFIG_MONGODB_SERVER", "SMTP_HOST", "app_db_host",
        "DB_PORT_5432_TCP_ADDR", "DB_HOSTNAME", "ES_HOST",
    ],
    VarRole.DESTINATION_PORT: ["DB_PORT", "PGPORT", "REDIS_PORT", "myapp_db_port"],
    VarRole.BROWSER: [
        "NEXT_PUBLIC_API_URL", "VITE_API_URL", "REACT_APP_BACKEND_URL", "NUXT_PUBLIC_API_BASE",
        "VUE_APP_API", "EXPO_PUBLIC_API_URL", "PUBLIC_API_URL", "GATSBY_API_URL",
    ],
    VarRole.BIND: [
        "HOST", "BIND", "BIND_ADDRESS", "LISTEN_ADDRESS", "MUNINN_LISTEN_HOST", "WEB_BIND",
        "TIMETAGGER_BIND", "KAFKA_LISTENERS", "KAFKA_CFG_LISTENERS", "PORT", "SERVER_PORT",
        "UVICORN_HOST", "APP_HOST",
    ],
    VarRole.ADVERTISED: [
        "KAFKA_ADVERTISED_LISTENERS", "KAFKA_CFG_ADVERTISED_LISTENERS",
        "KAFKA_ADVERTISED_HOST_NAME", "ES_PUBLISH_HOST", "REDIS_CLUSTER_ANNOUNCE_IP",
    ],
    VarRole.CREDENTIAL: [
        "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "MYSQL_ROOT_PASSWORD",
        "MYSQL_DATABASE", "MARIADB_USER", "MONGO_INITDB_ROOT_USERNAME",
        "RABBITMQ_DEFAULT_VHOST", "RABBITMQ_DEFAULT_PASS", "REDIS_PASSWORD",
        "MSSQL_SA_PASSWORD", "PGPASSWORD", "DB_NAME", "MYSQL_ROOT_HOST",
    ],
    VarRole.PUBLIC: [
        "VIRTUAL_HOST", "LETSENCRYPT_HOST", "ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS", "CORS_ALLOWED_ORIGINS", "CORS_ORIGIN",
        "SOCIAL_AUTH_GITHUB_CALLBACK_URL", "OIDC_REDIRECT_URI", "PUBLIC_URL", "BASE_URL",
        "SITE_URL", "APP_URL", "HOSTNAME", "SERVER_NAME", "NEXTAUTH_URL", "GITLAB_EXTERNAL_URL",
        "KC_HOSTNAME", "MAIL_DOMAIN",
    ],
    VarRole.OTHER: [
        "VIRTUAL_HOST_PATH", "DB_HOST_PATH", "POSTGRES_HOST_AUTH_METHOD",
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "DB_CONNECTION", "MAIL_FROM_ADDRESS", "TZ",
        "NODE_ENV", "POSTGRES_IMAGE", "HOST_PORT", "PGSSLMODE", "DB_CONNECT_TIMEOUT", "",
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("name", "role"), [(n, r) for r, names in ROLES.items() for n in names], ids=str
)
def test_classify_variable(name: str, role: VarRole) -> None:
    assert classify_variable(name) is role


def test_classify_enough_names() -> None:
    assert sum(len(v) for v in ROLES.values()) >= 40


def test_classify_extra_destination_names() -> None:
    assert classify_variable("FOO_TARGET") is VarRole.OTHER
    assert classify_variable("foo_target", extra_destination_names=["FOO_TARGET"]) is (
        VarRole.DESTINATION_URL
    )


def test_variable_decides_bare_values() -> None:
    """A bare host counts only for host-ish variables; bare host:port needs a real port."""
    assert parse_value("db", "DB_HOST").destinations[0].host == "db"
    assert parse_value("db", "LABEL").destinations == []
    assert parse_value("db", None).destinations == []
    assert parse_value("db:5432", None).destinations[0].port == 5432
    assert parse_value("db:5432", "POSTGRES_PASSWORD").destinations == []


@pytest.mark.parametrize(
    ("scheme", "port"),
    [("postgres", 5432), ("postgresql+asyncpg", 5432), ("redis", 6379), ("rediss", 6379),
     ("mongodb", 27017), ("mongodb+srv", None), ("amqp", 5672), ("amqps", 5671),
     ("http", 80), ("https", 443), ("mysql", 3306), ("jdbc:postgresql", 5432),
     ("jdbc:sqlserver", 1433), ("jdbc:oracle", 1521), ("jdbc:clickhouse", 8123),
     ("r2dbc:postgresql", 5432), ("libpq", 5432), ("kafka-list", 9092), ("zookeeper", 2181),
     ("MSSQL", 1433), ("gopher", None)],
)  # fmt: skip
def test_default_port_for_scheme(scheme: str, port: int | None) -> None:
    assert default_port_for_scheme(scheme) == port


# --- masking and scheme suggestions -----------------------------------------------------------

MASKS = [
    ("postgresql://u:p%40ss@db/app", "postgresql://u:****@db/app"),
    ("postgresql://u:p@ss@db/app", "postgresql://u:****@db/app"),
    ("redis://:secret@redis:6379/0", "redis://:****@redis:6379/0"),
    ("redis://:pa#ss@redis:6379/0", "redis://:****@redis:6379/0"),
    ("redis://redis:6379?password=x1&db=0", "redis://redis:6379?password=****&db=0"),
    ("host=db user=u password=secret dbname=app", "host=db user=u password=**** dbname=app"),
    ("host=db password='s e c'", "host=db password='****'"),
    ("Server=db;Database=x;User Id=sa;Password=Pw1;", "Server=db;Database=x;User Id=sa;Password=****;"),
    ("Server=db;Uid=root;Pwd=pw", "Server=db;Uid=root;Pwd=****"),
    ("Driver={X};Server=db;PWD={a;b}", "Driver={X};Server=db;PWD={****}"),
    ("jdbc:sqlserver://db;user=sa;password=Pw1;encrypt=true",
     "jdbc:sqlserver://db;user=sa;password=****;encrypt=true"),
    ("jdbc:postgresql://db/app?user=u&password=p", "jdbc:postgresql://db/app?user=u&password=****"),
    ("jdbc:db2://db:50000/app:user=u;password=p;", "jdbc:db2://db:50000/app:user=u;password=****;"),
    ("jdbc:oracle:thin:scott/tiger@ora:1521/XE", "jdbc:oracle:thin:scott/****@ora:1521/XE"),
    ("host=/var/run/postgresql password=x", "host=/var/run/postgresql password=****"),
    ("AccountName=a;AccountKey=k3y==;EndpointSuffix=core.windows.net",
     "AccountName=a;AccountKey=****;EndpointSuffix=core.windows.net"),
    ("amqp://a:b@r1//;amqp://c:d@r2//", "amqp://a:****@r1//;amqp://c:****@r2//"),
    ("postgresql://db/app", "postgresql://db/app"),
    ("http://host/path?mail=a@b.com", "http://host/path?mail=a@b.com"),
    ("plain", "plain"),
]  # fmt: skip


@pytest.mark.parametrize(("value", "masked"), MASKS, ids=[m[0] for m in MASKS])
def test_mask_value(value: str, masked: str) -> None:
    assert mask_value(value) == masked


@pytest.mark.parametrize(
    ("raw", "suggestion"),
    [("postgress", "postgresql"), ("postgressql", "postgresql"), ("postgre", "postgresql"),
     ("POSTGRESS", "postgresql"), ("postgress+asyncpg", "postgresql+asyncpg"),
     ("mongo", "mongodb"), ("mongodb-srv", "mongodb+srv"), ("redis-cluster", "redis"),
     ("ampq", "amqp"), ("htps", "https"), ("mysq", "mysql"), ("reddis", "redis"),
     ("postgresql", None), ("postgres", None), ("redis", None), ("mongodb+srv", None),
     ("http", None), ("postgresql+asyncpg", None), ("zzzz", None), ("internal", None)],
)  # fmt: skip
def test_suggest_scheme(raw: str, suggestion: str | None) -> None:
    assert suggest_scheme(raw) == suggestion


def test_secrets_offsets_cover_password_text() -> None:
    value = "postgresql://u:hunter2@db/x"
    assert parse_value(value).secrets == [(15, 7)]
    assert re.sub("hunter2", "****", value) == mask_value(value)


def test_single_sasl_listener_keeps_its_host() -> None:
    value = "SASL_PLAINTEXT://broker:9095"
    (d,) = parse_value(value, "KAFKA_BOOTSTRAP_SERVERS").destinations
    assert (d.host, d.port, d.raw_scheme) == ("broker", 9095, "SASL_PLAINTEXT")
    assert value[d.host_offset : d.host_offset + d.host_length] == "broker"


@pytest.mark.parametrize(
    ("scheme", "kind"),
    [("postgresql+asyncpg", "database"), ("jdbc:mysql", "database"), ("adonet", "database"),
     ("rediss", "cache"), ("memcached", "cache"), ("r2dbc:mssql", "database"),
     ("amqp", "broker"), ("kafka-list", "broker"), ("https", "server"), ("", "server")],
)  # fmt: skip
def test_server_kind(scheme: str, kind: str) -> None:
    assert server_kind(scheme) == kind


def test_lookup_error_names_the_client_text() -> None:
    assert lookup_error("libpq", "db") == 'could not translate host name "db" to address'
    assert lookup_error("jdbc:mariadb", "db") == "Unknown MySQL server host 'db'"
    assert lookup_error("wss", "api") == "getaddrinfo ENOTFOUND api"
    assert lookup_error("amqp", "mq") == "mq: Name or service not known"
