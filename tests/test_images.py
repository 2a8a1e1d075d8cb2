"""composelint.analysis.images: the image-reference parser and the image knowledge base
that every rule asks (ports, schemes, credentials, readiness, healthchecks, data dirs)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from composelint.analysis import image_facts
from composelint.analysis.connstrings import parse_value
from composelint.analysis.images import (
    ImageRef,
    ServerCommand,
    accepts_hostport,
    family_facts,
    family_names,
    hostport_variables,
    image_default_ports,
    image_family,
    image_names,
    owns_data_dir,
    parse_image,
    pending_images,
    schemes_for_family,
    server_command,
)
from composelint.analysis.images import (
    image_facts as facts_of,
)
from composelint.analysis.listening import server_listening
from composelint.model.nodes import Mapping, Node, Scalar, Sequence, Substitution

RULES = Path(__file__).resolve().parent.parent / "rules"

# --- the parser -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "ref"),
    [
        ("postgres", ImageRef(None, "postgres")),
        ("Postgres:16-Alpine", ImageRef(None, "postgres", "16-alpine")),
        ("library/redis:7", ImageRef(None, "library/redis", "7")),
        ("docker.io/library/postgres:16@sha256:abc",
         ImageRef("docker.io", "library/postgres", "16", "sha256:abc")),
        ("bitnami/kafka@sha256:abc", ImageRef(None, "bitnami/kafka", "", "sha256:abc")),
        ("localhost:5000/memcached:1.6", ImageRef("localhost:5000", "memcached", "1.6")),
        ("localhost/acme/app", ImageRef("localhost", "acme/app")),
        ("ghcr.io/acme/team/api:1.2", ImageRef("ghcr.io", "acme/team/api", "1.2")),
        ("  nginx:alpine  ", ImageRef(None, "nginx", "alpine")),
        ("${REGISTRY}/app:${TAG}", ImageRef(None, "${registry}/app", "${tag}")),
        ("", ImageRef(None, "")),
    ],
)  # fmt: skip
def test_parse_image(image: str, ref: ImageRef) -> None:
    assert parse_image(image) == ref


@pytest.mark.parametrize(
    ("image", "path", "namespace", "name", "key"),
    [
        ("postgres:16", "postgres", None, "postgres", "postgres"),
        ("docker.io/library/nginx:1.27", "nginx", None, "nginx", "nginx"),
        ("index.docker.io/bitnami/kafka", "bitnami/kafka", "bitnami", "kafka", "bitnami/kafka"),
        ("ghcr.io/library/foo", "foo", None, "foo", "ghcr.io/library/foo"),
        ("registry.example.com/acme/api:1.2", "acme/api", "acme", "api",
         "registry.example.com/acme/api"),
        ("mcr.microsoft.com/mssql/server:2022-latest", "mssql/server", "mssql", "server",
         "mcr.microsoft.com/mssql/server"),
    ],
)  # fmt: skip
def test_image_ref_parts(image: str, path: str, namespace: str | None, name: str, key: str) -> None:
    ref = parse_image(image)
    assert (ref.path, ref.namespace, ref.name, ref.key) == (path, namespace, name, key)


# --- families and default ports ---------------------------------------------------------------

IMAGES = [
    ("postgres", (5432,), "postgres"),
    ("postgres:16-alpine", (5432,), "postgres"),
    ("docker.io/library/postgres:16@sha256:" + "a" * 64, (5432,), "postgres"),
    ("postgis/postgis:16-3.4", (5432,), "postgres"),
    ("bitnami/postgresql:16", (5432,), "postgres"),
    ("mysql:8", (3306,), "mysql"),
    ("mariadb:11", (3306,), "mariadb"),
    ("docker.io/library/redis", (6379,), "redis"),
    ("valkey/valkey:8", (6379,), "redis"),
    ("redis/redis-stack:latest", (6379, 8001), "redis"),
    ("mongo:7", (27017,), "mongo"),
    ("rabbitmq:3", (5672,), "rabbitmq"),
    ("rabbitmq:3-management-alpine", (5672, 15672), "rabbitmq"),
    ("bitnami/kafka", (9092, 9093), "kafka"),
    ("bitnami/kafka:3.7@sha256:" + "b" * 64, (9092, 9093), "kafka"),
    ("confluentinc/cp-kafka:7.6.0", (9092,), "kafka"),
    ("confluentinc/cp-zookeeper", (2181,), "zookeeper"),
    ("docker.elastic.co/elasticsearch/elasticsearch:8.13.0", (9200, 9300), "elasticsearch"),
    ("mcr.microsoft.com/mssql/server:2022-latest", (1433,), "mssql"),
    ("gvenzl/oracle-free:23", (1521,), "oracle"),
    ("localhost:5000/memcached:1.6", (11211,), "memcached"),
    ("quay.io/keycloak/keycloak:24", (8080,), "keycloak"),
    ("minio/minio", (9000, 9001), "minio"),
    ("nginx:alpine", (80,), "nginx"),
    ("bitnami/nginx", (8080, 8443), "nginx"),
    ("ghcr.io/acme/my-app:1.0", (), None),
    ("${REGISTRY}/app:${TAG}", (), None),
    ("", (), None),
]


@pytest.mark.parametrize(("image", "ports", "family"), IMAGES, ids=[i[0] for i in IMAGES])
def test_images(image: str, ports: tuple[int, ...], family: str | None) -> None:
    assert image_default_ports(image) == ports
    assert image_family(image) == family


def test_schemes_for_family_match_parsed_schemes() -> None:
    pg = schemes_for_family("postgres")
    for value in ["postgres://db", "postgresql+psycopg2://db", "jdbc:postgresql://db/x",
                  "host=db", "Host=db;Database=x"]:  # fmt: skip
        assert parse_value(value).destinations[0].scheme in pg, value
    assert "redis" in schemes_for_family("redis")
    assert "mongodb+srv" in schemes_for_family("mongo")
    assert "jdbc:mariadb" in schemes_for_family("mariadb")
    assert "amqp" in schemes_for_family("rabbitmq")
    assert "postgresql" not in schemes_for_family("mysql")
    assert schemes_for_family("keycloak") == frozenset({"http", "https"})


def test_postgres_facts() -> None:
    pg = family_facts(image_family("postgis/postgis:16-3.4"))
    assert pg is not None and pg.name == "postgres"
    assert pg.credentials is not None
    assert (pg.credentials.users, pg.credentials.passwords, pg.credentials.databases) == (
        ("POSTGRES_USER",),
        ("POSTGRES_PASSWORD",),
        ("POSTGRES_DB",),
    )
    assert pg.port_env == ("PGPORT",) and "-p" in pg.port_flags
    assert pg.slow_start and pg.ports_known and pg.tls_by_default is False
    official = facts_of("docker.io/library/postgres:17")
    assert official is not None and official.healthcheck is False
    assert official.chowns_data and "/var/lib/postgresql/data" in official.data_dirs


def test_official_facts_do_not_leak_to_other_repositories() -> None:
    """A Bitnami image shares the family but not the official image's entrypoint."""
    official, bitnami = facts_of("redis:7"), facts_of("bitnami/redis:7.2")
    assert official is not None and bitnami is not None
    assert official.family == bitnami.family == "redis"
    assert (official.user, official.chowns_data, official.data_dirs) == ("root", True, ("/data",))
    assert (bitnami.user, bitnami.chowns_data, bitnami.data_dirs) == ("1001", None, ())
    assert "REDIS_PASSWORD" in official.ignored_env and "REDIS_PASSWORD" in bitnami.password_env
    custom = facts_of("acme/postgres:1")  # a custom image named postgres
    assert custom is not None and custom.family == "postgres" and custom.healthcheck is None


def test_mysql_root_and_rabbitmq_vhost_credentials() -> None:
    my, rabbit = family_facts("mariadb"), family_facts("rabbitmq")
    assert my is not None and my.credentials is not None
    assert my.credentials.root_user == "root"
    assert "MARIADB_ROOT_PASSWORD" in my.credentials.root_passwords
    assert rabbit is not None and rabbit.credentials is not None
    assert rabbit.credentials.database_word == "vhost"
    assert family_facts("redis") is not None and family_facts("nope") is None
    assert family_facts(None) is None


def test_healthcheck_images() -> None:
    hc = facts_of("ghcr.io/vaultwarden/server:latest")
    assert hc is not None and hc.healthcheck is True and hc.family is None
    assert facts_of("acme/unknown") is None


def test_hostport_variables_by_name() -> None:
    assert hostport_variables() == frozenset({"WORDPRESS_DB_HOST", "ME_CONFIG_MONGODB_SERVER"})
    gitea = facts_of("gitea/gitea:1.22")
    assert gitea is not None and "GITEA__database__HOST" in gitea.hostport_env
    assert accepts_hostport("gitea/gitea:1.22", "GITEA__database__HOST")
    assert accepts_hostport("docker.gitea.com/gitea:1.24", "gitea__DATABASE__host")
    assert accepts_hostport(None, "WORDPRESS_DB_HOST")
    assert not accepts_hostport("acme/app", "DB_HOST") and not accepts_hostport(None, "DB_HOST")
    # the classifier applies the by-name ones: WORDPRESS_DB_HOST=db:3306 is no problem
    assert parse_value("db:3306", "WORDPRESS_DB_HOST").problems == []
    assert [p.kind for p in parse_value("db:3306", "DB_HOST").problems] == ["host-has-port"]


# --- the data itself ----------------------------------------------------------------------------


def test_every_image_names_a_family_and_no_name_is_listed_twice() -> None:
    seen: dict[str, image_facts.Image] = {}
    families = family_names()
    for rec in image_facts.IMAGES:
        assert rec.family is None or rec.family in families, rec
        for key in (*rec.names, *(f"/{p}" for p in rec.paths)):
            assert key not in seen, f"{key} is in two records"
            seen[key] = rec
        assert rec.ports is None or not rec.tag_ports, rec
    named = {rec.family for rec in image_facts.IMAGES if rec.names and rec.family}
    assert named == families  # every family is reachable from some image name


def test_family_facts_are_consistent() -> None:
    for fam in image_facts.FAMILIES:
        if fam.ports_known:
            assert fam.ports, fam.name
        if fam.preferred_scheme is not None:
            assert fam.schemes is not None and fam.preferred_scheme in fam.schemes, fam.name
        assert not set(fam.secondary_ports) - set(range(1, 65536))
        for field in fam.__slots__:
            value = getattr(fam, field)
            if isinstance(value, tuple):
                assert len(set(value)) == len(value), (fam.name, field)


def test_importing_images_does_not_load_the_data() -> None:
    import subprocess
    import sys

    code = (
        "import sys, composelint.analysis.images as i; "
        "print('composelint.analysis.image_facts' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- no image tables outside the knowledge base -----------------------------------------------


def image_literals(source: str, names: frozenset[str]) -> list[tuple[int, str]]:
    """(line, text) of every string literal, docstrings aside, that names a known image
    or family ('postgres', 'bitnami/kafka', 'redis:7'): what an image table is made of."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            docstrings.add(id(body[0].value))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        text = node.value.strip().lower()
        if id(node) in docstrings or not text or " " in text:
            continue
        ref = parse_image(text)
        if (
            text in names
            or ref.path in names
            or (ref.name in names and ("/" in text or ":" in text))
        ):
            found.append((node.lineno, node.value))
    return found


def test_the_image_literal_scan_finds_a_table() -> None:
    names = family_names() | image_names()
    source = (
        '"""Docs may say image: postgres:16."""\n'
        '_PORTS = {"postgres": 5432, "bitnami/kafka": 9092}\n'
        'if fam == "Redis" or image == "mysql:8":\n'
        '    msg = "the MongoDB driver refuses it"\n'
    )
    assert image_literals(source, names) == [
        (2, "postgres"),
        (2, "bitnami/kafka"),
        (3, "Redis"),
        (3, "mysql:8"),
    ]


def test_no_rule_module_carries_an_image_table() -> None:
    """Image facts live in composelint/analysis/image_facts.py; rules ask images.py."""
    names = family_names() | image_names()
    modules = sorted(RULES.rglob("*.py"))
    assert len(modules) > 50  # the rules are where this test looks for them
    offenders = [
        f"{path.relative_to(RULES.parent)}:{line}: {text!r}"
        for path in modules
        for line, text in image_literals(path.read_text(encoding="utf-8"), names)
    ]
    assert offenders == []


def test_pending_facts_are_not_used_yet() -> None:
    """A checked fact that would change findings waits in pending_images()."""
    assert image_family("docker.redpanda.com/redpandadata/redpanda:v24.1.1") is None
    pending = {p for rec in pending_images() for p in rec.paths}
    assert {"redpandadata/redpanda"} <= pending
    assert all(rec.pending for rec in pending_images())


# --- command lines ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("family", "words", "expected"),
    [
        ("redis", ["redis-server", "--port", "6380", "--requirepass", "s3cret"],
         ServerCommand(6380, "6380", None, True)),
        ("redis", ["redis-server", "/etc/redis.conf", "--bind", "0.0.0.0"],
         ServerCommand(None, None, "0.0.0.0", False)),
        ("redis", ["redis-server", "--requirepass"], ServerCommand()),  # no value: no password
        ("postgres", ["postgres", "-c", "port=5433"], ServerCommand(5433, "5433")),
        ("postgres", ["postgres", "-cport=5433", "-c", "max_connections=200", "-p", "5434"],
         ServerCommand(5434, "5434")),  # the last one wins
        ("postgres", ["postgres", "-c", "max_connections=200"], ServerCommand()),
        ("postgres", ["postgres", "-c", "listen_addresses=*"], ServerCommand(bind="*")),
        ("mongo", ["mongod", "--port=27018", "--bind_ip_all"], ServerCommand(27018, "27018", "*")),
        ("mongo", ["mongod", "--bind_ip", "localhost"], ServerCommand(bind="localhost")),
        ("mysql", ["mysqld", "--port=3307", "--bind-address=0.0.0.0"],
         ServerCommand(3307, "3307", "0.0.0.0")),
        ("mariadb", ["mariadbd", "-P", "3308"], ServerCommand(3308, "3308")),
        ("memcached", ["memcached", "-p11212", "-l", "127.0.0.1"],
         ServerCommand(11212, "11212", "127.0.0.1")),
        ("nats", ["nats-server", "-p", "${NATS_PORT}"], ServerCommand(None, "${NATS_PORT}")),
        ("minio", ["server", "/data", "--address", ":9002"], ServerCommand(9002, ":9002")),
        ("nginx", ["nginx", "-p", "/etc/nginx"], ServerCommand()),  # no server flags known
        (None, ["-p", "5432"], ServerCommand()),
    ],
)  # fmt: skip
def test_server_command(family: str | None, words: list[str], expected: ServerCommand) -> None:
    assert server_command(family, words) == expected


def _service(command: object = None, **env: str) -> Mapping:
    """A service mapping as the resolver builds it: literal values, nothing interpolated."""
    items: dict[str, Node] = {}
    if isinstance(command, list):
        items["command"] = Sequence([Scalar(w, None, raw=w) for w in command])
    elif isinstance(command, str):
        items["command"] = Scalar(command, None, raw=command)
    if env:
        items["environment"] = Mapping({k: Scalar(v, None, raw=v) for k, v in env.items()})
    return Mapping(items)


def _unset_word(*words: str) -> Mapping:
    """A list command whose last item is a ``${VAR}`` that nothing sets."""
    unset = Substitution("VAR", "unset", "", None, "${VAR}")
    items: list[Node] = [Scalar(w, None, raw=w) for w in words]
    items.append(Scalar("", None, raw="${VAR}", subs=(unset,)))
    return Mapping({"command": Sequence(items)})


@pytest.mark.parametrize(
    ("image", "service", "port", "unknown", "password"),
    [
        ("redis:7", _service("redis-server --port 6380"), 6380, False, False),
        ("redis:7", _service(["--port", "6380"]), 6380, False, False),  # the entrypoint
        ("redis:7", _service(), None, False, False),  # the image's CMD: no password
        ("redis:7", _service("/usr/local/bin/redis-server --requirepass x"), None, False, True),
        ("redis:7", _service(["sh", "-c", "exec redis-server --port 6381"]), 6381, False, False),
        ("redis:7", _service(["sh", "-c", "redis-server --port $PORT"]), None, True, False),
        ("redis:7", _service(["sh", "-c", "sleep 1 && redis-server --port 6381"]), None, False,
         None),  # more than one program: not read
        ("redis:7", _service("redis-server /etc/redis.conf"), None, False, None),  # a config
        ("redis:7", _service(REDIS_PASSWORD="x"), None, False, False),  # ignored by the image
        ("redis:7", _service(["redis-server", "--requirepass", ""]), None, False, False),
        ("redis:7", _service(["redis-server", "--port", ""]), None, True, False),  # ${P} unset
        ("bitnami/redis", _service(REDIS_PASSWORD="x"), None, False, True),
        ("bitnami/redis", _service(REDIS_PORT_NUMBER="6380", REDIS_PASSWORD="x"), 6380, False,
         True),
        ("redis:7", _service(REDIS_PORT_NUMBER="6380"), None, False, False),  # bitnami's only
        ("postgres:16", _service(PGPORT="5433"), 5433, False, None),
        ("postgres:16", _service("postgres -p 5434", PGPORT="5433"), 5434, False, None),
        ("postgres:16", _service(["-c", "port=5435"]), 5435, False, None),
        ("postgis/postgis", _service(["-c", "port=5435"]), None, True, None),  # entrypoint?
        ("postgis/postgis", _service(["-c", "max_connections=9"]), None, False, None),
        ("mysql:8", _service(MYSQL_TCP_PORT="3307"), 3307, False, None),
        ("mariadb:11", _service(["--port=3308"]), 3308, False, None),
        ("mongo:7", _service(["mongod", "--port", "27018"]), 27018, False, None),
        ("mongo:7", _service(MONGO_PORT="27018"), None, False, None),  # not read by the image
        ("mongo:7", _service("mongosh --port 27019 --eval x"), None, False, None),  # a client
        ("memcached:1.6", _service(["-p", "11212"]), 11212, False, None),
        ("nats:2.10", _service(["-p", "4223"]), 4223, False, None),
        ("acme/app", _service("app --port 8000"), None, False, None),
        ("caddy:2", _unset_word("caddy", "run", "--config"), None, False, None),  # no flags
        ("redis:7", _unset_word("sh", "-c"), None, True, None),  # could be anything
    ],
)  # fmt: skip
def test_server_listening(
    image: str, service: Mapping, port: int | None, unknown: bool, password: bool | None
) -> None:
    own = server_listening(service, image)
    assert (own.port, own.port_unknown, own.password) == (port, unknown, password)


@pytest.mark.parametrize(
    ("image", "service", "bind"),
    [
        ("redis:7", _service("redis-server --bind 127.0.0.1 ::1 --port 6380"), ("127.0.0.1", "::1")),
        ("postgres:16", _service(["-c", "listen_addresses=localhost"]), ("localhost",)),
        ("postgres:16", _service(["postgres", "-h", "127.0.0.1,10.0.0.2"]), ("127.0.0.1", "10.0.0.2")),
        ("mongo:7", _service(["mongod", "--bind_ip_all"]), ("*",)),
        ("mysql:8", _service(["--bind-address=127.0.0.1"]), ("127.0.0.1",)),
        ("memcached:1.6", _service(["sh", "-c", "memcached -l $ADDR"]), ()),  # not known
        ("postgis/postgis", _service(["-h", "127.0.0.1"]), ()),  # its entrypoint: not known
    ],
)  # fmt: skip
def test_server_listening_reads_the_bind_option(
    image: str, service: Mapping, bind: tuple[str, ...]
) -> None:
    assert server_listening(service, image).bind == bind


def test_server_listening_keeps_a_literal_password_only() -> None:
    own = server_listening(_service(["redis-server", "--requirepass", "s3cret"]), "redis:7")
    assert own.password_value == "s3cret"
    own = server_listening(_service(["sh", "-c", "redis-server --requirepass $P"]), "redis:7")
    assert own.password is True and own.password_value is None


@pytest.mark.parametrize(
    ("image", "target", "owned"),
    [
        ("postgres:16", "/var/lib/postgresql/data", True),
        ("postgres:18", "/var/lib/postgresql", True),
        ("mysql:8", "/var/lib/mysql/", True),
        ("redis", "/data", True),
        ("mongo:7", "/data/db", True),
        ("postgres:16", "/docker-entrypoint-initdb.d", None),  # not a data dir
        ("docker.elastic.co/elasticsearch/elasticsearch:8.13.0",
         "/usr/share/elasticsearch/data", False),  # uid 1000, chowns nothing
        ("bitnami/postgresql", "/bitnami/postgresql", None),  # not known
        ("acme/app", "/data", None),
    ],
)  # fmt: skip
def test_owns_data_dir(image: str, target: str, owned: bool | None) -> None:
    assert owns_data_dir(image, target) is owned


def test_the_woodpecker_server_image_declares_a_healthcheck() -> None:
    facts = facts_of("woodpeckerci/woodpecker-server:v3")
    assert facts is not None and facts.healthcheck is True
