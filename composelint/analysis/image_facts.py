"""What composelint knows about server images: plain data, read through ``images``.

Two kinds of record:

- a :class:`Family` holds what every image of one server family shares: the protocol
  (ports, URL schemes, client error texts), the variables that set credentials, the
  server's own command-line flags and environment variables;
- an :class:`Image` holds what one repository's Dockerfile and entrypoint do: the names
  that identify it, the ports it listens on when they differ from the family's, whether
  it declares a ``HEALTHCHECK``, its data directory and whether it starts as root and
  chowns that directory before dropping privileges.

Every fact carries its source in a comment. ``docker-library/<x>`` means the official
image's repository on GitHub (``<version>/Dockerfile`` and ``docker-entrypoint.sh``,
read at its newest commit); "hub" means the image's page on Docker Hub. A fact marked
``(unverified)`` was carried over from the tables this module replaces and has not been
checked against a source yet; rules may use it, new rules should check it first.
"""

from __future__ import annotations

from composelint.model.record import Frozen, set_field


class Credentials(Frozen):
    """The variables of a server image that create its user, password and database."""

    users: tuple[str, ...]
    passwords: tuple[str, ...]
    databases: tuple[str, ...]
    error: str  # what the client prints when they do not match
    database_word: str  # "vhost" for RabbitMQ: kept as written (no '/' strip)
    root_user: str | None  # a superuser that exists without the user variables
    root_passwords: tuple[str, ...]
    # scripts mounted here may create other users and databases on first start
    init_scripts_dir: str | None

    __slots__ = (
        "database_word",
        "databases",
        "error",
        "init_scripts_dir",
        "passwords",
        "root_passwords",
        "root_user",
        "users",
    )

    def __init__(
        self,
        users: tuple[str, ...],
        passwords: tuple[str, ...],
        databases: tuple[str, ...],
        error: str,
        database_word: str = "database",
        root_user: str | None = None,
        root_passwords: tuple[str, ...] = (),
        init_scripts_dir: str | None = None,
    ) -> None:
        set_field(self, "users", users)
        set_field(self, "passwords", passwords)
        set_field(self, "databases", databases)
        set_field(self, "error", error)
        set_field(self, "database_word", database_word)
        set_field(self, "root_user", root_user)
        set_field(self, "root_passwords", root_passwords)
        set_field(self, "init_scripts_dir", init_scripts_dir)


class Family(Frozen):
    name: str
    ports: tuple[int, ...]  # listening without configuration, the main one first
    secondary_ports: tuple[int, ...]  # commonly opened besides (plugins, TLS, UI)
    ports_known: bool  # the ports are well enough known to flag another one
    schemes: frozenset[str] | None  # normalised and raw; None = HTTP only
    preferred_scheme: str | None  # the scheme to suggest (non-HTTP protocols)
    credentials: Credentials | None
    own_env_prefixes: tuple[str, ...]  # variables the server reads about itself
    slow_start: bool  # seconds between container start and accepting connections
    probe: str | None  # a healthcheck test that works in the official image
    # command-line options of the server (images.server_command reads them): "--port"
    # takes its value as the next word or after "="; a short "-p" also attached ("-p5433");
    # "-c port" is a setting passed as key=value ("-c port=5433", "-cport=5433")
    port_flags: tuple[str, ...]  # set the listening port ("[host]:port" for minio)
    bind_flags: tuple[str, ...]  # set the bind address
    bind_all_flags: tuple[str, ...]  # bind every address, no value (--bind_ip_all)
    password_flags: tuple[str, ...]  # set the password clients must give
    port_env: tuple[str, ...]  # environment variables the server takes its port from
    # the executables that start the server (compared without their directory): what the
    # flags above are read from when a command names a program
    programs: tuple[str, ...]
    tls_by_default: bool | None  # False: the image serves no TLS until configured
    # a database, cache, broker, search or coordination server: its clients connect when
    # they start (and fail without it), unlike mail, telemetry or HTTP services, which
    # clients reach on first use
    needed_at_start: bool
    # a database UI that connects when someone logs in, not when it starts
    connects_on_login: bool

    __slots__ = (
        "bind_all_flags",
        "bind_flags",
        "connects_on_login",
        "credentials",
        "name",
        "needed_at_start",
        "own_env_prefixes",
        "password_flags",
        "port_env",
        "port_flags",
        "ports",
        "ports_known",
        "preferred_scheme",
        "probe",
        "programs",
        "schemes",
        "secondary_ports",
        "slow_start",
        "tls_by_default",
    )

    def __init__(
        self,
        name: str,
        ports: tuple[int, ...] = (),
        secondary_ports: tuple[int, ...] = (),
        ports_known: bool = False,
        schemes: frozenset[str] | None = None,
        preferred_scheme: str | None = None,
        credentials: Credentials | None = None,
        own_env_prefixes: tuple[str, ...] = (),
        slow_start: bool = False,
        probe: str | None = None,
        port_flags: tuple[str, ...] = (),
        bind_flags: tuple[str, ...] = (),
        bind_all_flags: tuple[str, ...] = (),
        password_flags: tuple[str, ...] = (),
        port_env: tuple[str, ...] = (),
        programs: tuple[str, ...] = (),
        tls_by_default: bool | None = None,
        needed_at_start: bool = False,
        connects_on_login: bool = False,
    ) -> None:
        set_field(self, "name", name)
        set_field(self, "ports", ports)
        set_field(self, "secondary_ports", secondary_ports)
        set_field(self, "ports_known", ports_known)
        set_field(self, "schemes", schemes)
        set_field(self, "preferred_scheme", preferred_scheme)
        set_field(self, "credentials", credentials)
        set_field(self, "own_env_prefixes", own_env_prefixes)
        set_field(self, "slow_start", slow_start)
        set_field(self, "probe", probe)
        set_field(self, "port_flags", port_flags)
        set_field(self, "bind_flags", bind_flags)
        set_field(self, "bind_all_flags", bind_all_flags)
        set_field(self, "password_flags", password_flags)
        set_field(self, "port_env", port_env)
        set_field(self, "programs", programs)
        set_field(self, "tls_by_default", tls_by_default)
        set_field(self, "needed_at_start", needed_at_start)
        set_field(self, "connects_on_login", connects_on_login)


class Image(Frozen):
    family: str | None  # None: a client or app image with facts of its own
    names: tuple[str, ...]  # last path components ('postgis' of 'postgis/postgis')
    paths: tuple[str, ...]  # whole repository paths, registry and 'library/' dropped
    ports: tuple[int, ...] | None  # instead of the family's
    tag_ports: tuple[tuple[str, tuple[int, ...]], ...]  # (word in the tag, ports)
    healthcheck: bool | None  # declares a HEALTHCHECK; None = not known
    data_dirs: tuple[str, ...]  # where the server keeps its data
    chowns_data: bool | None  # starts as root, chowns data_dirs, drops privileges
    user: str | None  # the user it starts as ("root"); None = not known
    password_env: tuple[str, ...]  # variables that set the server's password
    ignored_env: tuple[str, ...]  # look like settings, but this image ignores them
    hostport_env: tuple[str, ...]  # *_HOST variables it documents as host[:port]
    hostport_by_name: bool  # applied by variable name alone, whatever the image
    port_env: tuple[str, ...]  # variables this image takes its port from (the family's too)
    # its entrypoint starts the server when the command's first word is an option
    # (``command: --port 6380`` runs ``redis-server --port 6380``)
    runs_options: bool
    # False: the server asks clients for no password unless its own command line sets one
    # (no variable and no default configuration file does); None: not known
    asks_password: bool | None
    # why the record is not used yet: a checked fact that would change findings, kept
    # for the change that reviews them (images.pending_images lists these records)
    pending: str | None

    __slots__ = (
        "asks_password",
        "chowns_data",
        "data_dirs",
        "family",
        "healthcheck",
        "hostport_by_name",
        "hostport_env",
        "ignored_env",
        "names",
        "password_env",
        "paths",
        "pending",
        "port_env",
        "ports",
        "runs_options",
        "tag_ports",
        "user",
    )

    def __init__(
        self,
        family: str | None,
        names: tuple[str, ...] = (),
        paths: tuple[str, ...] = (),
        ports: tuple[int, ...] | None = None,
        tag_ports: tuple[tuple[str, tuple[int, ...]], ...] = (),
        healthcheck: bool | None = None,
        data_dirs: tuple[str, ...] = (),
        chowns_data: bool | None = None,
        user: str | None = None,
        password_env: tuple[str, ...] = (),
        ignored_env: tuple[str, ...] = (),
        hostport_env: tuple[str, ...] = (),
        hostport_by_name: bool = False,
        port_env: tuple[str, ...] = (),
        runs_options: bool = False,
        asks_password: bool | None = None,
        pending: str | None = None,
    ) -> None:
        set_field(self, "family", family)
        set_field(self, "names", names)
        set_field(self, "paths", paths)
        set_field(self, "ports", ports)
        set_field(self, "tag_ports", tag_ports)
        set_field(self, "healthcheck", healthcheck)
        set_field(self, "data_dirs", data_dirs)
        set_field(self, "chowns_data", chowns_data)
        set_field(self, "user", user)
        set_field(self, "password_env", password_env)
        set_field(self, "ignored_env", ignored_env)
        set_field(self, "hostport_env", hostport_env)
        set_field(self, "hostport_by_name", hostport_by_name)
        set_field(self, "port_env", port_env)
        set_field(self, "runs_options", runs_options)
        set_field(self, "asks_password", asks_password)
        set_field(self, "pending", pending)


# ----------------------------------------------------------------------------- schemes

# client libraries' own URL schemes for a server, beyond its protocol's name:
# - ecto: Elixir's Ecto.Repo takes ecto://user:pass@host/database for every SQL adapter
#   (Postgrex, MyXQL, Tds) (hexdocs.pm/ecto/Ecto.Repo.html, "URLs")
# - trilogy, mysql2: Rails' DATABASE_URL names the adapter (ActiveRecord protocol
#   adapters, rails/rails#50110; apidock ActiveRecord.protocol_adapters)
# - dialect+driver: SQLAlchemy's engine URLs (docs.sqlalchemy.org, "Engine
#   Configuration", per-dialect driver pages: psycopg2cffi, cymysql, pyodbc,
#   mariadbconnector)
# - pgx, pgx5: golang-migrate's pgx database drivers (github.com/golang-migrate/
#   migrate, database/pgx and database/pgx/v5 README)
# - redis-sentinel: Lettuce's RedisURI (github.com/lettuce-io/lettuce-core wiki "Redis
#   URI and connection details"); redis+sentinel / rediss+sentinel: Redis-Sentinel-Url
#   (pypi) and prefect-redis; sentinel: Kombu's Redis transport with Sentinel
#   (docs.celeryq.dev, "Using Redis": broker_url = 'sentinel://localhost:26379;...')
# - librabbitmq: Kombu's transport alias (kombu.transport TRANSPORT_ALIASES)
# fmt: off
_ECTO = "ecto"
_MYSQL_SCHEMES = frozenset({"mysql", "mariadb", "mysqlx", "mysql+pymysql", "mysql+mysqldb",
                            "mysql+aiomysql", "mysql+asyncmy", "mysql+mysqlconnector",
                            "mysql+cymysql", "mysql+pyodbc", "mariadb+mariadbconnector",
                            "jdbc:mysql", "jdbc:mariadb", "r2dbc:mysql", "r2dbc:mariadb",
                            "adonet", _ECTO, "trilogy", "mysql2"})
_MYSQL_CREDENTIALS = Credentials(
    # docker-library/mysql docker-entrypoint.sh (MYSQL_USER/PASSWORD/DATABASE,
    # MYSQL_ROOT_PASSWORD); MariaDB/mariadb-docker docker-entrypoint.sh reads MARIADB_* and
    # the MYSQL_* names as fall-backs (_mariadb_file_env 'MYSQL_USER')
    users=("MYSQL_USER", "MARIADB_USER"),
    passwords=("MYSQL_PASSWORD", "MARIADB_PASSWORD"),
    databases=("MYSQL_DATABASE", "MARIADB_DATABASE"),
    error="Access denied for user",
    root_user="root",
    root_passwords=("MYSQL_ROOT_PASSWORD", "MARIADB_ROOT_PASSWORD"),
    init_scripts_dir="/docker-entrypoint-initdb.d",  # both docker-entrypoint.sh run it
)
# mysqld --port=N / -P N, --bind-address (dev.mysql.com server-options); MYSQL_TCP_PORT:
# "The default TCP/IP port number" (dev.mysql.com environment-variables); the server reads
# it too: sql/mysqld.cc set_ports() takes getenv("MYSQL_TCP_PORT") when no --port is given
# ("either default can be overridden by the environment variable MYSQL_TCP_PORT, which in
# turn can be overridden with command line options"), called from network_init() in
# MariaDB/server sql/mysqld.cc as well; docker-library/mysql docker-entrypoint.sh starts
# its set-up server with --skip-networking, so only the final server listens there
_MYSQL_PORT_FLAGS = ("--port", "-P")
_MYSQL_BIND_FLAGS = ("--bind-address",)
_MYSQL_PORT_ENV = ("MYSQL_TCP_PORT",)

FAMILIES: tuple[Family, ...] = (
    Family(
        "postgres", needed_at_start=True, ports=(5432,), ports_known=True, slow_start=True,
        schemes=frozenset({"postgresql", "postgres", "postgresql+psycopg2",
                           "postgresql+psycopg", "postgresql+asyncpg", "postgresql+pg8000",
                           "postgresql+psycopg2cffi", "jdbc:postgresql", "r2dbc:postgresql",
                           "libpq", "adonet", _ECTO, "pgx", "pgx5"}),
        preferred_scheme="postgresql",
        # docker-library/docs postgres/content.md "Environment Variables" (POSTGRES_PASSWORD,
        # POSTGRES_USER, POSTGRES_DB); docker-library/postgres docker-entrypoint.sh
        credentials=Credentials(
            ("POSTGRES_USER",), ("POSTGRES_PASSWORD",), ("POSTGRES_DB",),
            'password authentication failed for user / role "..." does not exist / '
            'database "..." does not exist',
            init_scripts_dir="/docker-entrypoint-initdb.d",  # docker-entrypoint.sh runs it
        ),
        own_env_prefixes=("POSTGRES", "PG"),
        probe='["CMD-SHELL", "pg_isready -U $${POSTGRES_USER:-postgres}"]',
        # postgresql.org docs app-postgres: -p port, -h addresses, -c name=value and
        # --name=value for any setting (port, listen_addresses); "-p ... Defaults to the
        # value of the PGPORT environment variable"; docker-library/postgres
        # docker-entrypoint.sh starts its set-up server with -p "${PGPORT:-5432}" and then
        # execs postgres with the same environment
        port_flags=("-p", "-c port", "--port"), bind_flags=("-h", "-c listen_addresses",
                                                            "--listen_addresses"),
        port_env=("PGPORT",), programs=("postgres", "postmaster"),
        # postgresql.org docs runtime-config-connection: ssl defaults to off;
        # docker-library/postgres 17/bookworm/Dockerfile changes only listen_addresses in
        # postgresql.conf.sample and its entrypoint creates no certificate
        tls_by_default=False,
    ),
    Family(
        "mysql", needed_at_start=True, ports=(3306,), secondary_ports=(33060,), ports_known=True, slow_start=True,
        schemes=_MYSQL_SCHEMES, preferred_scheme="mysql", credentials=_MYSQL_CREDENTIALS,
        own_env_prefixes=("MYSQL",),
        probe='["CMD", "mysqladmin", "ping", "-h", "localhost"]',
        port_flags=_MYSQL_PORT_FLAGS, bind_flags=_MYSQL_BIND_FLAGS, port_env=_MYSQL_PORT_ENV,
        programs=("mysqld",),
    ),
    Family(
        # 33060 (X Protocol) is MySQL's; kept from the previous table (unverified)
        "mariadb", needed_at_start=True, ports=(3306,), secondary_ports=(33060,), ports_known=True,
        slow_start=True, schemes=_MYSQL_SCHEMES, preferred_scheme="mysql",
        credentials=_MYSQL_CREDENTIALS, own_env_prefixes=("MARIADB", "MYSQL"),
        # MariaDB/mariadb-docker 13.0/Dockerfile: COPY healthcheck.sh /usr/local/bin (no
        # HEALTHCHECK instruction)
        probe='["CMD", "healthcheck.sh", "--connect", "--innodb_initialized"]',
        port_flags=_MYSQL_PORT_FLAGS, bind_flags=_MYSQL_BIND_FLAGS, port_env=_MYSQL_PORT_ENV,
        programs=("mariadbd", "mysqld"),
    ),
    Family(
        "mongo", needed_at_start=True, ports=(27017,), ports_known=True, slow_start=True,
        schemes=frozenset({"mongodb", "mongodb+srv"}), preferred_scheme="mongodb",
        # docker-library/docs mongo/content.md and docker-library/mongo docker-entrypoint.sh
        # (creates the root user in "admin")
        credentials=Credentials(
            ("MONGO_INITDB_ROOT_USERNAME",), ("MONGO_INITDB_ROOT_PASSWORD",), (),
            "Authentication failed",
            init_scripts_dir="/docker-entrypoint-initdb.d",  # docker-entrypoint.sh runs it
        ),
        own_env_prefixes=("MONGO",),
        probe='["CMD", "mongosh", "--quiet", "--eval", "db.adminCommand(\'ping\')"]',
        # mongodb.com docs mongod: --port, --bind_ip, --bind_ip_all; no variable sets the
        # port: docker-library/mongo docker-entrypoint.sh reads no MONGO_PORT (it passes
        # --port 27017 to its own set-up server only)
        port_flags=("--port",), bind_flags=("--bind_ip",), bind_all_flags=("--bind_ip_all",),
        programs=("mongod", "mongos"),
    ),
    Family(
        # 26379: Sentinel; 8001: RedisInsight in redis/redis-stack (hub redis/redis-stack)
        "redis", needed_at_start=True, ports=(6379,), secondary_ports=(26379, 8001), ports_known=True,
        schemes=frozenset({"redis", "rediss", "redis+sentinel", "rediss+sentinel",
                           "redis-sentinel", "sentinel", "valkey", "valkeys"}),
        preferred_scheme="redis", own_env_prefixes=("REDIS",),
        # redis.io docs "Redis configuration": any redis.conf directive as --name value
        port_flags=("--port",), bind_flags=("--bind",), password_flags=("--requirepass",),
        programs=("redis-server", "valkey-server"),
    ),
    Family(
        # docker-library/rabbitmq Dockerfile: EXPOSE 4369 5671 5672 15691 15692 25672;
        # 15672 etc.: rabbitmq.com docs networking (management, MQTT, STOMP, web plugins)
        "rabbitmq", needed_at_start=True, ports=(5672,), ports_known=True, slow_start=True,
        secondary_ports=(5671, 15672, 15671, 15692, 25672, 1883, 8883, 61613, 61614, 15674,
                         15675),
        schemes=frozenset({"amqp", "amqps", "pyamqp", "librabbitmq"}), preferred_scheme="amqp",
        # docker-library/docs rabbitmq/content.md: RABBITMQ_DEFAULT_USER/PASS ("guest" by
        # default) and RABBITMQ_DEFAULT_VHOST
        credentials=Credentials(
            ("RABBITMQ_DEFAULT_USER",), ("RABBITMQ_DEFAULT_PASS",), ("RABBITMQ_DEFAULT_VHOST",),
            "ACCESS_REFUSED - Login was refused / NOT_ALLOWED - vhost not found",
            database_word="vhost",
        ),
        own_env_prefixes=("RABBITMQ",),
        probe='["CMD", "rabbitmq-diagnostics", "-q", "ping"]',
    ),
    Family(
        # 9093: KRaft controller, 29092/9094: the usual second listener, 9101: JMX (unverified)
        "kafka", needed_at_start=True, ports=(9092,), secondary_ports=(9093, 9094, 29092, 9101), ports_known=True,
        slow_start=True, schemes=frozenset({"kafka", "kafka-list", "kafka-listener"}),
    ),
    Family(
        # zookeeper.apache.org admin guide: 2888 quorum, 3888 election, 8080 AdminServer
        "zookeeper", needed_at_start=True, ports=(2181,), secondary_ports=(2888, 3888, 8080), ports_known=True,
        schemes=frozenset({"zookeeper"}), preferred_scheme="zookeeper",
    ),
    Family(
        # elastic.co docs: 9200 HTTP, 9300 transport; the Docker image takes any variable
        # named like a setting (network.host, http.port, transport.host) as that setting
        # (elastic.co "Install Elasticsearch with Docker", configuring with environment
        # variables)
        "elasticsearch", needed_at_start=True, ports=(9200, 9300), secondary_ports=(9300,), ports_known=True,
        slow_start=True, own_env_prefixes=("NETWORK", "HTTP", "TRANSPORT"),
    ),
    Family(
        # opensearch.org docs: 9200 REST, 9300 transport, 9600 performance analyzer
        "opensearch", needed_at_start=True, ports=(9200, 9300), secondary_ports=(9300, 9600), ports_known=True,
        slow_start=True, own_env_prefixes=("NETWORK", "HTTP", "TRANSPORT"),
    ),
    Family(
        # docker-library/memcached Dockerfile: EXPOSE 11211; memcached -p <port>, -l <addr>
        "memcached", needed_at_start=True, ports=(11211,), ports_known=True,
        schemes=frozenset({"memcached", "memcache"}), preferred_scheme="memcached",
        port_flags=("-p", "--port"), bind_flags=("-l", "--listen"), programs=("memcached",),
    ),
    Family(
        # learn.microsoft.com sql-server-linux-configure-environment-variables:
        # MSSQL_TCP_PORT "Configure the TCP port that SQL Server listens on (default
        # 1433)", MSSQL_IP_ADDRESS the address; 1434 (DAC) unverified
        "mssql", needed_at_start=True, ports=(1433,), secondary_ports=(1434,), ports_known=True, slow_start=True,
        schemes=frozenset({"mssql", "sqlserver", "mssql+pyodbc", "mssql+pymssql",
                           "mssql+aioodbc", "jdbc:sqlserver", "r2dbc:mssql", "adonet", _ECTO}),
        preferred_scheme="mssql", port_env=("MSSQL_TCP_PORT",),
    ),
    Family(
        # 5500: Enterprise Manager Express (unverified)
        "oracle", needed_at_start=True, ports=(1521,), secondary_ports=(5500,), ports_known=True, slow_start=True,
        schemes=frozenset({"oracle", "oracle+oracledb", "oracle+cx_oracle", "jdbc:oracle",
                           "adonet"}),
        preferred_scheme="oracle",
    ),
    Family(
        # cassandra.apache.org docs: 9042 CQL, 7000/7001 gossip, 7199 JMX, 9160 Thrift
        "cassandra", needed_at_start=True, ports=(9042,), secondary_ports=(7000, 7001, 7199, 9160),
        ports_known=True, slow_start=True, schemes=frozenset({"cassandra"}),
        preferred_scheme="cassandra",
    ),
    Family(
        # clickhouse.com docs network ports: 8123 HTTP, 9000 native, 8443/9440 TLS,
        # 9004 MySQL, 9005 PostgreSQL, 9009 interserver
        "clickhouse", needed_at_start=True, ports=(8123, 9000), secondary_ports=(8443, 9004, 9005, 9009, 9440),
        ports_known=True, slow_start=True,
        schemes=frozenset({"clickhouse", "clickhouse+native", "clickhouse+http", "http",
                           "https", "jdbc:clickhouse"}),
    ),
    # min.io docs: 9000 S3 API, 9001 console (--console-address); minio server --address
    Family("minio", needed_at_start=True, ports=(9000, 9001), secondary_ports=(9001,), ports_known=True,
           port_flags=("--address",), programs=("minio",)),
    Family(
        # docs.nats.io: 4222 clients, 6222 routes, 8222 monitoring; nats-server -p/--port,
        # -a/--addr
        "nats", needed_at_start=True, ports=(4222,), secondary_ports=(6222, 8222), ports_known=True,
        schemes=frozenset({"nats", "tls"}), preferred_scheme="nats",
        port_flags=("-p", "--port"), bind_flags=("-a", "--addr"), programs=("nats-server",),
    ),
    Family(
        # neo4j.com operations manual ports: 7687 Bolt, 7474 HTTP, 7473 HTTPS
        "neo4j", needed_at_start=True, ports=(7687, 7474), secondary_ports=(7473,), ports_known=True,
        slow_start=True,
        schemes=frozenset({"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc",
                           "http", "https"}),
        preferred_scheme="neo4j",
    ),
    # a Kafka-API broker; see the redpanda Image record
    Family("redpanda", needed_at_start=True, ports=(9092,), secondary_ports=(8081, 8082, 9644, 33145),
           schemes=frozenset({"kafka", "kafka-list", "kafka-listener"})),
    # docs.influxdata.com: 8086 HTTP API, 8088 RPC (1.x backups)
    Family("influxdb", needed_at_start=True, ports=(8086,), secondary_ports=(8088,), ports_known=True,
           slow_start=True),
    # github.com/mailhog/MailHog, mailpit.axllent.org: 1025 SMTP, 8025 web UI
    Family("mailhog", ports=(1025, 8025), ports_known=True,
           schemes=frozenset({"smtp", "http"})),
    Family("mailpit", ports=(1025, 8025), ports_known=True,
           schemes=frozenset({"smtp", "http"})),
    # etcd.io docs: 2379 clients, 2380 peers
    Family("etcd", needed_at_start=True, ports=(2379,), secondary_ports=(2380,), ports_known=True),
    # docs.couchdb.org: 5984 HTTP, 4369 epmd, 5986 node-local (pre-3.0)
    Family("couchdb", needed_at_start=True, ports=(5984,), secondary_ports=(4369, 5986), ports_known=True,
           slow_start=True),
    # developer.hashicorp.com consul docs: 8500 HTTP, 8501 HTTPS, 8502 gRPC, 8600 DNS,
    # 8300-8302 server RPC and Serf
    Family("consul", ports=(8500,), secondary_ports=(8300, 8301, 8302, 8501, 8502, 8600),
           ports_known=True),
    # developer.hashicorp.com vault docs: 8200 API, 8201 cluster
    Family("vault", ports=(8200,), secondary_ports=(8201,), ports_known=True),
    Family("localstack", ports=(4566,)),  # docs.localstack.cloud: the edge port
    Family("keycloak", ports=(8080,)),  # keycloak.org server docs: http-port 8080
    # web servers, proxies and UIs listen where their mounted configuration says
    Family("nginx", ports=(80,)), Family("httpd", ports=(80,)),
    Family("caddy", ports=(80, 443)), Family("grafana", ports=(3000,)),
    # database UIs: ADMINER_DEFAULT_SERVER only fills in the login form (docker-library/
    # docs adminer/content.md); phpMyAdmin's PMA_HOST and pgAdmin's servers are reached
    # when a user logs in or opens a server (docs.phpmyadmin.net "Installing using
    # Docker"; pgadmin.org docs "Container Deployment")
    Family("prometheus", ports=(9090,)),
    Family("adminer", ports=(8080,), connects_on_login=True),
    Family("phpmyadmin", ports=(80,), connects_on_login=True),
    Family("pgadmin", ports=(80,), connects_on_login=True),
    Family("mongo-express", ports=(8081,)),
    Family("mosquitto", ports=(1883,), schemes=frozenset({"mqtt", "mqtts", "ws", "wss"}),
           preferred_scheme="mqtt"),
)


# ----------------------------------------------------------------------------- images

_MANAGEMENT = (("management", (5672, 15672)),)

IMAGES: tuple[Image, ...] = (
    # docker-library/postgres 17/bookworm/Dockerfile: ENV PGDATA /var/lib/postgresql/data,
    # no HEALTHCHECK; 18/: PGDATA /var/lib/postgresql/18/docker, VOLUME /var/lib/postgresql;
    # docker-entrypoint.sh: as root, find "$PGDATA" \! -user postgres -exec chown postgres,
    # then exec gosu postgres
    # docker-entrypoint.sh _main: if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"
    Image("postgres", paths=("postgres",), healthcheck=False,
          data_dirs=("/var/lib/postgresql/data", "/var/lib/postgresql"), chowns_data=True,
          user="root", runs_options=True),
    # built FROM the official image (hub postgis/postgis, timescale/timescaledb); their own
    # facts are not checked here
    Image("postgres", names=("postgres", "postgresql", "postgis", "timescaledb",
                             "timescaledb-ha", "pgvector", "postgresql-repmgr")),
    # docker-library/mysql 9.7/Dockerfile: VOLUME /var/lib/mysql, EXPOSE 3306 33060, no
    # HEALTHCHECK; docker-entrypoint.sh: find ... \! -user mysql -exec chown, exec gosu mysql
    # docker-entrypoint.sh _main: if [ "${1:0:1}" = '-' ]; then set -- mysqld "$@"
    Image("mysql", paths=("mysql",), healthcheck=False, data_dirs=("/var/lib/mysql",),
          chowns_data=True, user="root", runs_options=True),
    Image("mysql", names=("mysql", "mysql-server", "percona", "percona-server")),
    # MariaDB/mariadb-docker 13.0/Dockerfile: VOLUME /var/lib/mysql, EXPOSE 3306, no
    # HEALTHCHECK; docker-entrypoint.sh: find "$DATADIR" \! -user mysql -exec chown mysql:
    # docker-entrypoint.sh _main: "if command starts with an option, prepend mysqld"
    Image("mariadb", paths=("mariadb",), healthcheck=False, data_dirs=("/var/lib/mysql",),
          chowns_data=True, user="root", runs_options=True),
    Image("mariadb", names=("mariadb",)),
    # docker-library/mongo 8.3/Dockerfile: VOLUME /data/db /data/configdb, no HEALTHCHECK;
    # docker-entrypoint.sh: find -L /data/configdb /data/db \! -user mongodb -exec chown
    # docker-entrypoint.sh: if [ "${1:0:1}" = '-' ]; then set -- mongod "$@"
    Image("mongo", paths=("mongo",), healthcheck=False,
          data_dirs=("/data/db", "/data/configdb"), chowns_data=True, user="root",
          runs_options=True),
    Image("mongo", names=("mongo", "mongodb", "mongodb-community-server")),
    # docker-library/redis 7.4-rc/debian/Dockerfile: VOLUME /data, no HEALTHCHECK;
    # docker-entrypoint.sh: find . \! -user redis -exec chown redis, exec gosu redis; it
    # never reads REDIS_PASSWORD (only --requirepass or a mounted redis.conf set one;
    # docker-library/docs redis/content.md: set a password "by supplying a config file");
    # docker-entrypoint.sh: a first argument that is an option or ends in .conf gets
    # redis-server in front; the Dockerfile's CMD is ["redis-server"] (no config file)
    Image("redis", paths=("redis",), healthcheck=False, data_dirs=("/data",), chowns_data=True,
          user="root", ignored_env=("REDIS_PASSWORD",), runs_options=True,
          asks_password=False),
    Image("redis", names=("redis", "redis-stack", "redis-stack-server", "valkey", "keydb",
                          "dragonfly")),
    Image("redis", paths=("redis/redis-stack",), ports=(6379, 8001)),  # hub redis/redis-stack
    # hub bitnami/redis "Configuration": REDIS_PASSWORD sets requirepass; Bitnami images run
    # as the non-root user 1001 (hub bitnami/redis, "Why use a non-root container?")
    # bitnami/containers bitnami/redis/7.4/debian-12 rootfs/opt/bitnami/scripts/libredis.sh:
    # redis_configure_default writes "port $REDIS_PORT_NUMBER" into redis.conf (unless a
    # redis.conf is mounted in its mounted-etc directory), redis_validate refuses to start
    # without REDIS_PASSWORD unless ALLOW_EMPTY_PASSWORD=yes
    Image("redis", paths=("bitnami/redis",), password_env=("REDIS_PASSWORD",), user="1001",
          port_env=("REDIS_PORT_NUMBER",)),
    # docker-library/rabbitmq 4.3/ubuntu/Dockerfile: VOLUME $RABBITMQ_DATA_DIR
    # (/var/lib/rabbitmq), no HEALTHCHECK; docker-entrypoint.sh: find /var/lib/rabbitmq
    # \! -user rabbitmq -exec chown, exec gosu rabbitmq; '-management' tags add the UI
    # on 15672 (docker-library/docs rabbitmq/content.md, "Management Plugin")
    Image("rabbitmq", paths=("rabbitmq",), healthcheck=False, data_dirs=("/var/lib/rabbitmq",),
          chowns_data=True, user="root", tag_ports=_MANAGEMENT),
    Image("rabbitmq", names=("rabbitmq",), tag_ports=_MANAGEMENT),
    # bitnami/rabbitmq enables the management plugin (hub bitnami/rabbitmq) (unverified)
    Image("rabbitmq", paths=("bitnami/rabbitmq",), ports=(5672, 15672)),
    Image("kafka", names=("kafka", "cp-kafka", "cp-server")),
    # the KRaft controller listener: bitnami/containers bitnami/kafka/docker-compose.yml sets
    # KAFKA_CFG_LISTENERS=PLAINTEXT://:9092,CONTROLLER://:9093; apache/kafka runs Kafka's
    # KRaft server.properties, which listens the same way (unverified)
    Image("kafka", paths=("bitnami/kafka", "apache/kafka"), ports=(9092, 9093)),
    # 31z4/zookeeper-docker (the official image) 3.9.4/Dockerfile: ZOO_DATA_DIR=/data,
    # ZOO_DATA_LOG_DIR=/datalog, ZOO_LOG_DIR=/logs, no HEALTHCHECK; docker-entrypoint.sh:
    # as root, chown -R zookeeper on them, exec gosu zookeeper
    Image("zookeeper", paths=("zookeeper",), healthcheck=False,
          data_dirs=("/data", "/datalog", "/logs"), chowns_data=True, user="root"),
    Image("zookeeper", names=("zookeeper", "cp-zookeeper")),
    # elastic/dockerfiles elasticsearch/Dockerfile (before the branch-per-version move):
    # USER 1000:0, data under /usr/share/elasticsearch/data, no HEALTHCHECK; its
    # docker-entrypoint.sh chowns nothing (a bind mount must be writable by uid 1000)
    Image("elasticsearch", paths=("elasticsearch/elasticsearch", "elasticsearch"),
          healthcheck=False, data_dirs=("/usr/share/elasticsearch/data",), chowns_data=False,
          user="1000"),
    Image("elasticsearch", names=("elasticsearch",)),
    # opensearch-project/opensearch-build docker/release/dockerfiles/opensearch.al2023
    # .dockerfile: USER $UID (1000), EXPOSE 9200 9300 9600 9650, no HEALTHCHECK; data under
    # $OPENSEARCH_HOME/data = /usr/share/opensearch/data (the docs' compose example mounts it)
    Image("opensearch", paths=("opensearchproject/opensearch",), healthcheck=False,
          data_dirs=("/usr/share/opensearch/data",), user="1000"),
    Image("opensearch", names=("opensearch",)),
    # docker-library/memcached Dockerfile: USER memcache, EXPOSE 11211, no HEALTHCHECK;
    # docker-entrypoint.sh: case "$1" in -*) set -- memcached "$@"
    Image("memcached", paths=("memcached",), healthcheck=False, user="memcache",
          runs_options=True),
    Image("memcached", names=("memcached",)),
    Image("mssql", names=("azure-sql-edge",), paths=("mssql/server",)),
    Image("oracle", names=("oracle-xe", "oracle-free"),
          paths=("database/express", "database/free", "database/enterprise")),
    Image("clickhouse", names=("clickhouse", "clickhouse-server")),
    # docker-library/cassandra 5.0/Dockerfile: VOLUME /var/lib/cassandra, no HEALTHCHECK;
    # docker-entrypoint.sh: find ... \! -user cassandra -exec chown, exec gosu cassandra
    Image("cassandra", paths=("cassandra",), healthcheck=False,
          data_dirs=("/var/lib/cassandra",), chowns_data=True, user="root"),
    Image("cassandra", names=("cassandra",)),
    Image("minio", names=("minio",)),
    # nats-io/nats-docker 2.14.x/alpine3.22/Dockerfile: no USER, no VOLUME, no HEALTHCHECK;
    # 2.15.x/scratch/Dockerfile: ENTRYPOINT ["/nats-server"]; alpine3.22/docker-entrypoint.sh
    # puts nats-server in front of a first argument that is a flag
    Image("nats", paths=("nats",), healthcheck=False, user="root", runs_options=True),
    Image("nats", names=("nats",)),
    # neo4j/docker-neo4j-publish 2026.06.0/*/Dockerfile: VOLUME /data /logs, no
    # HEALTHCHECK; docker-entrypoint.sh chowns a mounted folder it cannot write to
    # (check_mounted_folder_writable_with_chown) before dropping to neo4j
    Image("neo4j", paths=("neo4j",), healthcheck=False, data_dirs=("/data", "/logs"),
          chowns_data=True, user="root"),
    Image("neo4j", names=("neo4j",)),
    # influxdata/influxdata-docker influxdb/2.9/Dockerfile: VOLUME /var/lib/influxdb2
    # /etc/influxdb2, no HEALTHCHECK; entrypoint.sh: as root, find ... \! -user influxdb
    # -exec chown (1.x keeps /var/lib/influxdb: not checked here)
    Image("influxdb", paths=("influxdb",), healthcheck=False,
          data_dirs=("/var/lib/influxdb2", "/etc/influxdb2"), chowns_data=True, user="root"),
    Image("influxdb", names=("influxdb",)),
    Image("mailhog", names=("mailhog",)),
    Image("mailpit", names=("mailpit",)),
    Image("localstack", names=("localstack",)),
    Image("keycloak", names=("keycloak",)),
    Image("consul", names=("consul",)),
    Image("vault", names=("vault",)),
    Image("etcd", names=("etcd",)),
    # apache/couchdb-docker 3.5.1/Dockerfile: VOLUME /opt/couchdb/data, no HEALTHCHECK;
    # docker-entrypoint.sh: as root, find /opt/couchdb \! ... -exec chown couchdb:couchdb
    Image("couchdb", paths=("couchdb",), healthcheck=False, data_dirs=("/opt/couchdb/data",),
          chowns_data=True, user="root"),
    Image("couchdb", names=("couchdb",)),
    Image("nginx", names=("nginx",)),
    # the Bitnami web images run as non-root and listen on 8080/8443 (hub bitnami/nginx)
    Image("nginx", paths=("bitnami/nginx",), ports=(8080, 8443)),
    Image("httpd", names=("httpd",)),
    Image("httpd", paths=("bitnami/apache",), ports=(8080, 8443)),
    Image("caddy", names=("caddy",)),
    Image("grafana", names=("grafana",)),
    Image("prometheus", names=("prometheus",)),
    Image("adminer", names=("adminer",)),
    Image("phpmyadmin", names=("phpmyadmin",)),
    Image("phpmyadmin", paths=("bitnami/phpmyadmin",), ports=(8080, 8443)),
    Image("pgadmin", names=("pgadmin4",)),
    # docker-library/docs mongo-express/content.md: ME_CONFIG_MONGODB_SERVER is "MongoDB
    # container name. Use comma delimited list of host names for replica sets", the port
    # is ME_CONFIG_MONGODB_PORT (host:port items: unverified, kept from the previous table)
    Image("mongo-express", names=("mongo-express",),
          hostport_env=("ME_CONFIG_MONGODB_SERVER",), hostport_by_name=True),
    Image("mosquitto", names=("eclipse-mosquitto",)),
    # client images whose *_HOST variable takes host:port
    # docker-library/docs wordpress/content.md: WORDPRESS_DB_HOST is honoured by
    # wp-config-docker.php, which hands it to WordPress's DB_HOST; DB_HOST takes
    # 'host:port' (developer.wordpress.org, "Editing wp-config.php": Set Database Host)
    Image(None, names=("wordpress",), hostport_env=("WORDPRESS_DB_HOST",),
          hostport_by_name=True),
    # docs.gitea.com "Installation with Docker": GITEA__database__HOST=db:5432 (and the
    # older DB_HOST=db:3306 of the image's environment-to-ini); the image is gitea/gitea on
    # Docker Hub and docker.gitea.com/gitea; not applied by name yet
    Image(None, paths=("gitea/gitea", "gitea"),
          hostport_env=("GITEA__database__HOST", "DB_HOST")),
    # woodpecker's server Dockerfile: HEALTHCHECK CMD ["/bin/woodpecker-server", "ping"]
    Image(None, paths=("woodpeckerci/woodpecker-server",), healthcheck=True),
    # redpanda.com docs (Docker quickstart, broker configuration): Kafka API 9092, Schema
    # Registry 8081, HTTP Proxy 8082, Admin API 9644, RPC 33145
    Image("redpanda", names=("redpanda",), paths=("redpandadata/redpanda",),
          pending="a new family: the port rules would start to check redpanda targets"),
    # images whose Dockerfile declares a HEALTHCHECK:
    # dani-garcia/vaultwarden docker/Dockerfile.{debian,alpine}: HEALTHCHECK ... /healthcheck.sh
    Image(None, paths=("vaultwarden/server",), healthcheck=True),
    # louislam/uptime-kuma docker/dockerfile: HEALTHCHECK ... CMD extra/healthcheck
    Image(None, paths=("louislam/uptime-kuma",), healthcheck=True),
    # pi-hole/docker-pi-hole src/Dockerfile: HEALTHCHECK CMD dig ... pi.hole
    Image(None, paths=("pihole/pihole",), healthcheck=True),
    # gitlabhq/omnibus-gitlab docker/Dockerfile: HEALTHCHECK --interval=60s ...
    Image(None, paths=("gitlab/gitlab-ce", "gitlab/gitlab-ee"), healthcheck=True),
    # authelia/authelia Dockerfile: HEALTHCHECK ... CMD /app/healthcheck.sh
    Image(None, paths=("authelia/authelia",), healthcheck=True),
    # immich-app/immich server/Dockerfile: HEALTHCHECK CMD immich-healthcheck (as quoted by
    # images built from it and by tests that check that Dockerfile)
    Image(None, paths=("immich-app/immich-server",), healthcheck=True),
    # mailcow/mailcow-dockerized data/Dockerfiles/{unbound,clamd}/Dockerfile: HEALTHCHECK
    # (its other images declare none)
    Image(None, paths=("mailcow/unbound",), healthcheck=True),
    Image(None, paths=("mailcow/clamd",), healthcheck=True,
          pending="depends-on-not-ready would accept service_healthy on it"),
    # docker-mailserver/docker-mailserver Dockerfile: HEALTHCHECK ... CMD dms-healthcheck, no
    # USER (runs as root); compose.yaml mounts /var/mail, /var/mail-state, /var/log/mail
    # and /tmp/docker-mailserver
    Image(None, paths=("docker-mailserver/docker-mailserver", "mailserver/docker-mailserver"),
          healthcheck=True, user="root",
          data_dirs=("/var/mail", "/var/mail-state", "/var/log/mail", "/tmp/docker-mailserver"),
          pending="depends-on-not-ready would accept service_healthy on it"),
    # WRONG since v2.10.0: NginxProxyManager/nginx-proxy-manager commit 6a6c2ef1
    # (2021-08-23, "Remove healthchecks and mention how to optin to them in docs") removed
    # it from docker/Dockerfile. Kept so that findings do not change in this refactoring;
    # setting it to None is a reviewed change of depends-on-not-ready
    Image(None, paths=("jc21/nginx-proxy-manager",), healthcheck=True),
)

# Credentials that no rule checks yet (credentials-mismatch would start to compare them):
# learn.microsoft.com sql-server-linux-configure-environment-variables: MSSQL_SA_PASSWORD
# ("SA_PASSWORD ... is deprecated"), MSSQL_DB / MSSQL_USER / MSSQL_PASSWORD create a
# database and a user at container start
PENDING_CREDENTIALS: dict[str, Credentials] = {
    "mssql": Credentials(
        ("MSSQL_USER",), ("MSSQL_PASSWORD",), ("MSSQL_DB",), "Login failed for user",
        root_user="sa", root_passwords=("MSSQL_SA_PASSWORD", "SA_PASSWORD"),
    ),
}

# command-line options and variables that set a listening port in many servers and apps
# (what composelint read before the per-family flags above existed; kept for any image)
COMMON_PORT_FLAGS = ("--port", "-p", "--http-port")
COMMON_PORT_ENV = ("PGPORT", "MYSQL_TCP_PORT", "PORT", "SERVER_PORT", "HTTP_PORT", "APP_PORT",
                   "LISTEN_PORT")

# what a family's server is for, when it holds data or passes messages for other services
# (its clients are applications, not people: its ports need not face the network); from
# each project's own description of itself (postgresql.org, redis.io, rabbitmq.com ...)
ROLES: dict[str, str] = {
    **dict.fromkeys(("postgres", "mysql", "mariadb", "mongo", "mssql", "oracle", "cassandra",
                     "clickhouse", "couchdb", "neo4j", "influxdb", "elasticsearch",
                     "opensearch", "etcd"), "database"),
    **dict.fromkeys(("redis", "memcached"), "cache"),
    **dict.fromkeys(("rabbitmq", "kafka", "redpanda", "zookeeper", "nats", "mosquitto"),
                    "broker"),
}

# fmt: on
