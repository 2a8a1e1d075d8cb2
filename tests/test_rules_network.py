"""CMP2xx network/port/depends_on rules, end to end through the loader and resolver."""

from __future__ import annotations

from pathlib import Path

import pytest

from composelint.lint.engine import Engine
from composelint.lint.registry import Registry
from composelint.model.findings import Finding, Severity

REPO = Path(__file__).resolve().parents[1]


def lint(registry: Registry, directory: Path, files: dict[str, str], *codes: str) -> list[Finding]:
    from composelint.load.discover import discover
    from composelint.resolve.resolver import ResolveOptions, resolve

    for name, text in files.items():
        (directory / name).write_text(text)
    specs, problems = discover(
        [], files=[], project_directory=None, env_files=[], stdin_filename=None, cwd=directory
    )
    assert problems == []
    (spec,) = specs
    project = resolve(spec, ResolveOptions())
    findings = Engine(registry, registry.select(list(codes))).check(project)
    return [f for f in findings if f.code in codes]


def at(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return [(f.code, f.span.line, f.span.col) for f in findings if f.span is not None]


SPLIT = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@db:5432/app
    depends_on: [db]
    networks: [front]
  db:
    image: postgres:16
    networks: [back]
networks:
  front: {}
  back: {}
"""


def test_no_shared_network_points_at_the_host(registry: Registry, tmp_path: Path) -> None:
    (f,) = lint(registry, tmp_path, {"compose.yaml": SPLIT}, "CMP201")
    assert at([f]) == [("CMP201", 5, 45)]
    assert f.severity is Severity.ERROR
    assert f.message == "DATABASE_URL points at 'db', which app shares no network with"
    assert f.note == (
        "app is on front, db only on back: the name does not resolve at runtime "
        '("could not translate host name", "Name or service not known")'
    )
    assert f.help == "add a common network (e.g. put app on back too)"


def test_no_shared_network_via_env_file_points_into_the_env_file(
    registry: Registry, tmp_path: Path
) -> None:
    compose = SPLIT.replace(
        "    environment:\n      DATABASE_URL: postgresql://app:secret@db:5432/app\n",
        "    env_file: [app.env]\n",
    )
    files = {"compose.yaml": compose, "app.env": "X=1\nDATABASE_URL=postgresql://u:p@db/app\n"}
    (f,) = lint(registry, tmp_path, files, "CMP201")
    assert f.span is not None and f.span.path.endswith("app.env")
    assert (f.span.line, f.span.col) == (2, 31)


def test_network_mode_none_and_bridge_clients(registry: Registry, tmp_path: Path) -> None:
    text = """\
services:
  a:
    image: acme/a
    network_mode: none
    environment: {DB_HOST: db}
  b:
    image: acme/b
    network_mode: bridge
    environment: {DB_HOST: db}
  db:
    image: postgres:16
"""
    findings = lint(registry, tmp_path, {"compose.yaml": text}, "CMP201")
    assert at(findings) == [("CMP201", 5, 28), ("CMP201", 9, 28)]
    assert findings[0].note is not None and "network_mode: none" in findings[0].note
    assert findings[1].note is not None and "network_mode: bridge" in findings[1].note


def test_network_mode_default_client_and_bridge_target(registry: Registry, tmp_path: Path) -> None:
    text = """\
services:
  app:
    image: acme/app
    network_mode: default
    environment: {DB_HOST: db}
  web:
    image: acme/web
    environment:
      CACHE_URL: redis://cache:6379/0
  cache:
    image: redis:7
    network_mode: bridge
  legacy:
    image: acme/legacy
    network_mode: bridge
    environment: {CACHE_HOST: cache}
  db:
    image: postgres:16
"""
    findings = lint(registry, tmp_path, {"compose.yaml": text}, "CMP201")
    assert at(findings) == [("CMP201", 5, 28), ("CMP201", 9, 26), ("CMP201", 16, 31)]
    app, web, legacy = findings
    assert app.note is not None and "not the project's default network" in app.note
    assert app.help == "remove network_mode: default from app and put it on a network db is on"
    assert web.note is not None and web.note.startswith("cache uses network_mode: bridge")
    assert web.help == (
        "remove network_mode: bridge from cache (it then joins the project's default network)"
    )
    assert legacy.note is not None and legacy.note.startswith("legacy uses network_mode: bridge")


def test_legacy_link_between_two_bridge_containers_is_silent(
    registry: Registry, tmp_path: Path
) -> None:
    text = """\
services:
  app:
    image: acme/app
    network_mode: bridge
    links: [cache]
    environment: {CACHE_HOST: cache}
  cache:
    image: redis:7
    network_mode: bridge
"""
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP201") == []


def test_alias_only_on_another_network(registry: Registry, tmp_path: Path) -> None:
    text = """\
services:
  app:
    image: acme/app
    environment: {REDIS_URL: "redis://cache:6379"}
    networks: [front, back]
  redis:
    image: redis:7
    networks:
      front: {}
      back: {aliases: [cache]}
  other:
    image: acme/o
    environment: {REDIS_URL: "redis://cache:6379"}
    networks: [front]
networks:
  front: {}
  back: {}
"""
    findings = lint(registry, tmp_path, {"compose.yaml": text}, "CMP201")
    assert at(findings) == [("CMP201", 13, 39)]
    assert findings[0].note is not None
    assert "alias 'cache' of redis only exists on back" in findings[0].note


def test_shared_network_is_silent(registry: Registry, tmp_path: Path) -> None:
    text = SPLIT.replace("networks: [front]", "networks: [front, back]")
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP201", "CMP202") == []


HOST_MODE = """\
services:
  app:
    image: acme/app
    network_mode: host
    ports: ["8080:80"]
    environment:
      DB_HOST: db
  db:
    image: postgres:16
    ports: ["5433:5432"]
"""


def test_host_mode_ports_and_service_names(registry: Registry, tmp_path: Path) -> None:
    findings = lint(registry, tmp_path, {"compose.yaml": HOST_MODE}, "CMP202", "CMP201")
    assert at(findings) == [("CMP202", 5, 5), ("CMP202", 7, 16)]
    ports, name = findings
    assert ports.severity is Severity.WARNING and "ports: mapping is ignored" in ports.message
    assert ports.help == "remove ports: or the host network mode"
    assert name.severity is Severity.ERROR
    assert name.help == "use localhost:5433 (the port db publishes)"


def test_host_mode_without_ports_or_names_is_silent(registry: Registry, tmp_path: Path) -> None:
    text = "services:\n  app:\n    image: acme/app\n    network_mode: host\n"
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP202") == []


PORTS = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@db:5433/app
      REDIS_URL: redis://cache:6380/0
      SEARCH: http://search:9200
      API: http://api:9999
    depends_on: [db, cache, search, api]
  db:
    image: postgres:16
    ports: ["5433:5432"]
  cache:
    image: redis:7
  search:
    image: elasticsearch:8.13.0
  api:
    image: acme/api
    ports: ["8000:8000"]
"""


def test_published_port_is_an_error_with_a_fix(registry: Registry, tmp_path: Path) -> None:
    (f,) = lint(registry, tmp_path, {"compose.yaml": PORTS}, "CMP203")
    assert at([f]) == [("CMP203", 5, 48)]
    assert f.message == (
        'DATABASE_URL connects to db:5433, the port db publishes on the host ("5433:5432")'
    )
    assert f.help == "use db:5432"
    assert f.fix is not None and [e.replacement for e in f.fix.edits] == ["5432"]
    assert f.fix.edits[0].span.col == 48 and f.fix.edits[0].span.end_col == 52
    assert f.fix.applicability.value == "safe"


def test_published_port_from_an_env_line_is_an_unsafe_fix(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = PORTS.replace("postgresql://app:secret@db:5433/app", "${DATABASE_URL}")
    files = {"compose.yaml": text, ".env": "DATABASE_URL=postgresql://app@db:5433/app\n"}
    (f,) = lint(registry, tmp_path, files, "CMP203")
    assert f.fix is not None and f.fix.applicability.value == "unsafe"
    assert [(e.span.path, e.span.line, e.span.col, e.replacement) for e in f.fix.edits] == [
        (".env", 1, 34, "5432")
    ]


def test_unexpected_port_only_for_known_images(registry: Registry, tmp_path: Path) -> None:
    findings = lint(registry, tmp_path, {"compose.yaml": PORTS}, "CMP204")
    # redis:6380 is reported; db:5433 is CMP203's; elasticsearch:9200 is right;
    # acme/api is an unknown image
    assert at(findings) == [("CMP204", 6, 32)]
    assert findings[0].note is not None
    assert "cache (redis:7) listens on 6379" in findings[0].note


def test_port_overrides_in_command_are_known(registry: Registry, tmp_path: Path) -> None:
    text = PORTS.replace(
        "    image: redis:7\n",
        '    image: redis:7\n    command: ["redis-server", "--port", "6380"]\n',
    ).replace("db:5433", "db:5432")
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP203", "CMP204") == []


DEPS = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@db:5432/app
      REDIS_URL: redis://cache:6379/0
      WORKER: http://worker:8000
    links: [cache]
  worker:
    image: acme/worker
    depends_on:
      db: {condition: service_healthy}
  db:
    image: postgres:16
    healthcheck:
      test: ["CMD-SHELL", "pg_isready"]
  cache:
    image: redis:7
"""


def test_depends_on_missing(registry: Registry, tmp_path: Path) -> None:
    findings = lint(registry, tmp_path, {"compose.yaml": DEPS}, "CMP205")
    # cache is an implicit dependency through links
    assert at(findings) == [("CMP205", 5, 45), ("CMP205", 7, 22)]
    assert findings[0].help is not None and "condition: service_healthy" in findings[0].help
    assert findings[1].help == "add depends_on: [worker] to app"


def test_depends_on_present_or_transitive_is_silent(registry: Registry, tmp_path: Path) -> None:
    text = DEPS.replace("    links: [cache]\n", "    links: [cache]\n    depends_on: [worker]\n")
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP205") == []


def test_depends_on_not_ready(registry: Registry, tmp_path: Path) -> None:
    text = """\
services:
  app:
    image: acme/app
    depends_on:
      - db
      - cache
  worker:
    image: acme/w
    depends_on:
      mq: {condition: service_started}
      api: {condition: service_healthy}
  db:
    image: postgres:16
  cache:
    image: redis:7
  mq:
    image: rabbitmq:3-management
    healthcheck:
      test: ["CMD", "rabbitmq-diagnostics", "-q", "ping"]
  api:
    image: memcached:1.6
"""
    findings = lint(registry, tmp_path, {"compose.yaml": text}, "CMP206")
    assert at(findings) == [("CMP206", 5, 9), ("CMP206", 10, 7), ("CMP206", 11, 24)]
    short, started, healthy = findings
    assert "in the short form" in short.message
    assert short.help is not None and "pg_isready" in short.help
    assert "with condition: service_started" in started.message
    assert healthy.note is not None and "has no healthcheck configured" in healthy.note


def test_depends_on_ready_is_silent(registry: Registry, tmp_path: Path) -> None:
    text = """\
services:
  app:
    image: acme/app
    depends_on:
      db: {condition: service_healthy}
      cache: {condition: service_started}
  db:
    image: postgres:16
    healthcheck:
      test: ["CMD-SHELL", "pg_isready"]
  cache:
    image: redis:7
"""
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP206") == []


def test_depends_on_profile_disabled(registry: Registry, tmp_path: Path) -> None:
    text = """\
services:
  web:
    image: acme/web
    depends_on: [db]
  tool:
    image: acme/tool
    profiles: [tools]
    depends_on: [db]
  db:
    image: postgres:16
    profiles: [database]
  opt:
    image: acme/opt
    depends_on:
      db: {condition: service_started, required: false}
"""
    findings = lint(registry, tmp_path, {"compose.yaml": text}, "CMP207")
    assert at(findings) == [("CMP207", 4, 18), ("CMP207", 8, 18)]
    assert [f.severity for f in findings] == [Severity.ERROR, Severity.WARNING]
    assert findings[0].note is not None
    assert 'depends on undefined service "db"' in findings[0].note


def test_depends_on_shared_profile_is_silent(registry: Registry, tmp_path: Path) -> None:
    text = """\
services:
  tool:
    image: acme/tool
    profiles: [tools]
    depends_on: [db]
  db:
    image: postgres:16
    profiles: [tools, database]
"""
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP207") == []


def test_external_network_destination_is_info(registry: Registry, tmp_path: Path) -> None:
    text = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@shared-db:5432/app
      API_URL: http://api.example.com/v1
    networks: [shared]
networks:
  shared:
    external: true
"""
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "CMP208")
    assert at([f]) == [("CMP208", 10, 5)]  # the `external` key: where the user can act
    assert f.severity is Severity.INFO and f.note is not None and "not known" in f.note
    assert (
        f.message
        == "external network 'shared' is expected to hold 'shared-db', which is not checked"
    )
    assert [(r.span.line, r.span.col, r.message) for r in f.related] == [
        (5, 45, "DATABASE_URL of app points at 'shared-db'")
    ]


def test_external_network_info_is_once_per_network(registry: Registry, tmp_path: Path) -> None:
    text = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@shared-db:5432/app
      CACHE_URL: redis://shared-cache:6379/0
    networks: [shared]
  worker:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@shared-db:5432/app
    networks: [shared]
networks:
  shared:
    external:
      name: infra_shared
"""
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "CMP208")
    assert at([f]) == [("CMP208", 15, 5)]
    assert "'shared-db', 'shared-cache'" in f.message
    assert f.help == "verify with `docker network inspect infra_shared`"  # its name on the engine
    assert [(r.span.line, r.span.col) for r in f.related] == [(5, 45), (6, 26), (11, 45)]


def test_no_external_network_no_info(registry: Registry, tmp_path: Path) -> None:
    assert lint(registry, tmp_path, {"compose.yaml": SPLIT}, "CMP208") == []


LOOPBACK = """\
services:
  api:
    image: acme/api
    command: ["uvicorn", "main:app", "--host", "127.0.0.1", "--port", "8000"]
  cache:
    image: redis:7
    command: redis-server --bind 127.0.0.1
  admin:
    image: acme/admin
    environment:
      HOST: 127.0.0.1
  web:
    image: acme/web
    environment:
      API_URL: http://api:8000
      REDIS_URL: redis://cache:6379
"""


def test_service_listens_on_loopback(registry: Registry, tmp_path: Path) -> None:
    findings = lint(registry, tmp_path, {"compose.yaml": LOOPBACK}, "CMP209")
    # admin binds to loopback too, but nobody connects to it
    assert at(findings) == [("CMP209", 4, 48), ("CMP209", 7, 14)]
    assert "(--host 127.0.0.1)" in findings[0].message
    assert "web connects to it" in findings[0].message


def test_listening_on_all_interfaces_is_silent(registry: Registry, tmp_path: Path) -> None:
    text = LOOPBACK.replace("127.0.0.1", "0.0.0.0")
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP209") == []


KAFKA = """\
services:
  kafka:
    image: bitnami/kafka:3.7
    environment:
      KAFKA_CFG_LISTENERS: PLAINTEXT://:9092,CONTROLLER://:9093,EXTERNAL://:9094
      KAFKA_CFG_ADVERTISED_LISTENERS: PLAINTEXT://localhost:9092,EXTERNAL://localhost:9094
  app:
    image: acme/app
    environment:
      KAFKA_BOOTSTRAP_SERVERS: kafka:9092
"""


def test_kafka_advertised_loopback(registry: Registry, tmp_path: Path) -> None:
    (f,) = lint(registry, tmp_path, {"compose.yaml": KAFKA}, "CMP210")
    assert at([f]) == [("CMP210", 6, 51)]
    assert f.note is not None and "Broker may not be available" in f.note


def test_kafka_two_listeners_is_silent(registry: Registry, tmp_path: Path) -> None:
    text = KAFKA.replace("PLAINTEXT://localhost:9092", "PLAINTEXT://kafka:9092")
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP210") == []


MY_CODES = [f"CMP2{n:02d}" for n in range(1, 11)] + [f"CMP30{n}" for n in range(1, 6)]


def test_production_example_is_clean(registry: Registry) -> None:
    from composelint.cli import main

    example = REPO / "examples" / "ventanas-prod"
    if not example.is_dir():
        pytest.skip("examples/ventanas-prod is absent")
    assert main(["--select", ",".join(MY_CODES), str(example)]) == 0


def test_production_example_has_no_finding_of_these_rules(registry: Registry) -> None:
    example = REPO / "examples" / "ventanas-prod"
    if not example.is_dir():
        pytest.skip("examples/ventanas-prod is absent")
    from composelint.load.discover import discover
    from composelint.resolve.resolver import ResolveOptions, resolve

    specs, _ = discover(
        [str(example)],
        files=[],
        project_directory=None,
        env_files=[],
        stdin_filename=None,
        cwd=example,
    )
    findings = [
        f
        for spec in specs
        for f in Engine(registry, registry.select(MY_CODES)).check(resolve(spec, ResolveOptions()))
    ]
    assert findings == []


# --- what a server listens on, from its own settings -------------------------------------

OWN_PORTS = """\
services:
  app:
    image: acme/app
    environment:
      REDIS_URL: redis://cache:6379/0
      DATABASE_URL: postgresql://app:secret@db:5432/app
      MYSQL_URL: mysql://app:secret@my:3306/app
      MONGO_URL: mongodb://mongo:27017/app
    depends_on: [cache, db, my, mongo]
  cache:
    image: redis:7
    command: redis-server --port 6380
  db:
    image: postgres:16
    environment:
      PGPORT: 5433
  my:
    image: mysql:8
    command: ["--port=3307"]
  mongo:
    image: mongo:7
    command: ["sh", "-c", "exec mongod --port 27018 --bind_ip_all"]
"""


def test_a_server_moved_to_another_port_is_reported(registry: Registry, tmp_path: Path) -> None:
    findings = lint(registry, tmp_path, {"compose.yaml": OWN_PORTS}, "CMP204")
    assert at(findings) == [
        ("CMP204", 5, 32),
        ("CMP204", 6, 48),
        ("CMP204", 7, 40),
        ("CMP204", 8, 34),
    ]
    redis, pg, mysql, mongo = findings
    assert redis.message == (
        "REDIS_URL connects to cache:6379, but cache listens on 6380 (--port 6380)"
    )
    assert redis.help == "use cache:6380"
    assert [(r.span.line, r.message) for r in redis.related] == [(12, "cache sets its port here")]
    assert pg.message.endswith("but db listens on 5433 (PGPORT=5433)")
    assert mysql.message.endswith("but my listens on 3307 (--port=3307)")  # via the entrypoint
    assert mongo.message.endswith("but mongo listens on 27018 (--port 27018)")  # sh -c


def test_clients_of_a_moved_server_on_its_port_are_silent(
    registry: Registry, tmp_path: Path
) -> None:
    text = (
        OWN_PORTS.replace("cache:6379", "cache:6380")
        .replace("db:5432", "db:5433")
        .replace("my:3306", "my:3307")
        .replace("mongo:27017", "mongo:27018")
    )
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP204", "CMP203") == []


def test_a_port_set_from_an_unknown_value_is_not_checked(
    registry: Registry, tmp_path: Path
) -> None:
    text = """\
services:
  app:
    image: acme/app
    environment:
      A: redis://a:6380
      B: redis://b:6380
      C: postgresql://u:p@c:5432/x
      D: redis://d:1234
    depends_on: [a, b, c, d]
  a:
    image: redis:7
    command: redis-server --port ${REDIS_PORT}
  b:
    image: redis:7
    command: ["sh", "-c", "redis-server --port $$REDIS_PORT"]
  c:
    image: postgres:16
    environment:
      PGPORT: ${PGPORT}
  d:
    image: postgis/postgis
    command: ["--port", "1234"]
"""
    # a, b, c: the port is not known here; d: postgis' entrypoint is not known to run
    # an option-first command, so 1234 is not known to be its port (nor reported)
    findings = lint(registry, tmp_path, {"compose.yaml": text}, "CMP204")
    assert at(findings) == []


def test_flag_wins_over_the_variable(registry: Registry, tmp_path: Path) -> None:
    text = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://u:p@db:5433/x
    depends_on: [db]
  db:
    image: postgres:16
    command: postgres -p 5434
    environment:
      PGPORT: 5433
"""
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "CMP204")
    assert at([f]) == [("CMP204", 5, 41)]
    assert f.message.endswith("but db listens on 5434 (-p 5434)")


ONE_VARIABLE = """\
services:
  app:
    image: acme/app
    environment:
      DB_HOST: db
      DB_PORT: ${MYSQL_PORT}
      DATABASE_URL: mysql://u:p@db:${MYSQL_PORT}/x
    depends_on: [db]
  db:
    image: mysql:8
    ports:
      - "${MYSQL_PORT}:3306"
"""


def test_one_variable_for_two_ports(registry: Registry, tmp_path: Path) -> None:
    files = {"compose.yaml": ONE_VARIABLE, ".env": "MYSQL_PORT=3307\n"}
    findings = lint(registry, tmp_path, files, "CMP203")
    assert at(findings) == [("CMP203", 6, 16), ("CMP203", 7, 36)]
    pair, url = findings
    assert pair.severity is Severity.ERROR
    assert pair.message == (
        "DB_PORT dials db:3307 from ${MYSQL_PORT}, which also sets the port db publishes "
        "on the host"
    )
    assert [(Path(r.span.path).name, r.span.line, r.message) for r in pair.related] == [
        (".env", 1, "MYSQL_PORT is set here"),
        ("compose.yaml", 12, "db publishes 3307:3306 here"),
    ]
    assert pair.help == "use db:3306 (keep MYSQL_PORT for the host side only)"
    assert url.span is not None and (url.span.col, url.span.end_col) == (36, 49)
    assert url.fix is not None and [e.replacement for e in url.fix.edits] == ["3306"]


def test_a_host_and_port_pair_on_the_published_port(registry: Registry, tmp_path: Path) -> None:
    text = ONE_VARIABLE.replace("${MYSQL_PORT}", "3307").replace(
        "      DATABASE_URL: mysql://u:p@db:3307/x\n", ""
    )
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "CMP203")
    assert at([f]) == [("CMP203", 6, 16)]
    assert f.message == (
        'DB_PORT connects to db:3307, the port db publishes on the host ("3307:3306")'
    )


def test_one_variable_for_the_host_side_only_is_silent(registry: Registry, tmp_path: Path) -> None:
    text = ONE_VARIABLE.replace("DB_PORT: ${MYSQL_PORT}", "DB_PORT: 3306").replace(
        "db:${MYSQL_PORT}/x", "db:3306/x"
    )
    files = {"compose.yaml": text, ".env": "MYSQL_PORT=3307\n"}
    assert lint(registry, tmp_path, files, "CMP203", "CMP204") == []


def test_a_server_bound_to_loopback_by_its_own_option(registry: Registry, tmp_path: Path) -> None:
    text = """\
services:
  db:
    image: postgres:16
    command: ["postgres", "-c", "listen_addresses=localhost"]
  cache:
    image: memcached:1.6
    command: ["sh", "-c", "exec memcached -l 127.0.0.1"]
  store:
    image: redis:7
    command: redis-server --bind 127.0.0.1 ::1
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://u:p@db:5432/x
      CACHE: memcached://cache:11211
      REDIS_URL: redis://store:6379
"""
    findings = lint(registry, tmp_path, {"compose.yaml": text}, "CMP209")
    assert at(findings) == [("CMP209", 4, 33), ("CMP209", 7, 27), ("CMP209", 10, 14)]
    db, cache, store = findings
    assert db.message == (
        "db listens only on loopback (-c listen_addresses=localhost), but app connects to it"
    )
    assert "(-l 127.0.0.1)" in cache.message
    assert "(--bind 127.0.0.1)" in store.message  # the generic flag reader's word


def test_a_server_bound_to_loopback_and_another_address_is_silent(
    registry: Registry, tmp_path: Path
) -> None:
    text = """\
services:
  db:
    image: postgres:16
    command: ["postgres", "-c", "listen_addresses=localhost,172.18.0.5"]
  cache:
    image: memcached:1.6
    command: ["memcached", "-l", "0.0.0.0"]
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://u:p@db:5432/x
      CACHE: memcached://cache:11211
"""
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP209") == []


# -- depends_on fixes (unsafe): valid YAML in the file's own style, or none -----------------


def _fixed(text: str, finding: Finding) -> str:
    from composelint.lint import fixes

    assert finding.fix is not None
    assert finding.fix.applicability.value == "unsafe"
    starts = fixes.line_starts(text)
    return fixes.apply(
        text,
        [(*fixes.offsets(e.span, starts, len(text)), e.replacement) for e in finding.fix.edits],
    )


HEALTHY_DB = '  db:\n    image: postgres:16\n    healthcheck:\n      test: ["CMD", "pg_isready"]\n'
CLIENT_ENV = "    environment:\n      DATABASE_URL: postgresql://app@db:5432/app\n"


@pytest.mark.parametrize(
    ("client", "after"),
    [
        (  # a new key, first in the service, at its indentation (before a merge key)
            "  app:  # the app\n    <<: *base\n    image: acme/app\n" + CLIENT_ENV,
            "  app:  # the app\n    depends_on:\n      db:\n        condition: service_healthy\n"
            "    <<: *base\n    image: acme/app\n" + CLIENT_ENV,
        ),
        (  # an entry added to a block mapping
            "  app:\n    image: acme/app\n" + CLIENT_ENV + "    depends_on:\n      cache:\n"
            "        condition: service_started\n",
            "  app:\n    image: acme/app\n" + CLIENT_ENV + "    depends_on:\n      db:\n"
            "        condition: service_healthy\n      cache:\n        condition: service_started\n",
        ),
        (  # a list becomes the mapping it means, its comments kept
            "  app:\n    image: acme/app\n"
            + CLIENT_ENV
            + "    depends_on:\n      - cache  # first\n",
            "  app:\n    image: acme/app\n"
            + CLIENT_ENV
            + "    depends_on:\n      cache:  # first\n"
            "        condition: service_started\n      db:\n        condition: service_healthy\n",
        ),
    ],
)
def test_depends_on_missing_fix_writes_block_yaml(
    registry: Registry, tmp_path: Path, client: str, after: str
) -> None:
    head = "x-base: &base\n  restart: always\nservices:\n"
    tail = HEALTHY_DB + "  cache:\n    image: redis:7\n"
    text = head + client + tail
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "CMP205")
    assert _fixed(text, f) == head + after + tail
    (tmp_path / "compose.yaml").write_text(head + after + tail)
    assert lint(registry, tmp_path, {}, "CMP205", "CMP002", "CMP001") == []


@pytest.mark.parametrize(
    "client",
    [
        "  app: {image: acme/app, environment: {DATABASE_URL: 'postgresql://app@db/app'}}\n",
        "  app: &app\n    image: acme/app\n" + CLIENT_ENV,  # the mapping is shared
        "  app:\n    image: acme/app\n" + CLIENT_ENV + "    depends_on: [cache]\n",
        "  app:\n    <<: *deps\n    image: acme/app\n" + CLIENT_ENV,  # a merged depends_on
        # a list at the key's own column: a mapping there would be the key's sibling
        "  app:\n    image: acme/app\n" + CLIENT_ENV + "    depends_on:\n    - cache\n",
    ],
)
def test_depends_on_missing_offers_no_fix_it_cannot_write(
    registry: Registry, tmp_path: Path, client: str
) -> None:
    head = "x-deps: &deps\n  depends_on: [cache]\nservices:\n"
    text = head + client + HEALTHY_DB + "  cache:\n    image: redis:7\n"
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "CMP205")
    assert f.fix is None


def test_depends_on_missing_no_fix_without_healthcheck_or_in_two_files(
    registry: Registry, tmp_path: Path
) -> None:
    text = "services:\n  app:\n    image: acme/app\n" + CLIENT_ENV + HEALTHY_DB
    override = "services:\n  app:\n    restart: always\n"
    (f,) = lint(
        registry, tmp_path, {"compose.yaml": text, "compose.override.yaml": override}, "CMP205"
    )
    assert f.fix is None  # an override file could !reset what the fix adds
    (tmp_path / "compose.override.yaml").unlink()
    plain = text.replace('    healthcheck:\n      test: ["CMD", "pg_isready"]\n', "")
    (f,) = lint(registry, tmp_path, {"compose.yaml": plain}, "CMP205")
    assert f.fix is None


def test_depends_on_not_ready_fix_waits_for_healthy(registry: Registry, tmp_path: Path) -> None:
    text = (
        "services:\r\n  api:\r\n    image: acme/api\r\n    depends_on:\r\n"
        "      db: {condition: 'service_started'}\r\n"
        "  web:\r\n    image: acme/web\r\n    depends_on:\r\n      - db\r\n      - cache\r\n"
        "  flow:\r\n    image: acme/web\r\n    depends_on: [db]\r\n"
        + HEALTHY_DB.replace("\n", "\r\n")
        + "  cache:\r\n    image: redis:7\r\n"
    )
    api, web, flow = lint(registry, tmp_path, {"compose.yaml": text}, "CMP206")
    assert at([api, web, flow]) == [("CMP206", 5, 7), ("CMP206", 9, 9), ("CMP206", 13, 18)]
    assert _fixed(text, api) == text.replace("'service_started'", "'service_healthy'")
    assert _fixed(text, web) == text.replace(
        "      - db\r\n      - cache\r\n",
        "      db:\r\n        condition: service_healthy\r\n"
        "      cache:\r\n        condition: service_started\r\n",
    )
    assert flow.fix is None  # a flow list: no lines to rewrite


def test_depends_on_not_ready_no_fix_for_a_shared_condition(
    registry: Registry, tmp_path: Path
) -> None:
    text = (
        "x-started: &started\n  condition: service_started\n"
        "services:\n  api:\n    image: acme/api\n    depends_on:\n      db: *started\n"
        "      cache: *started\n" + HEALTHY_DB + "  cache:\n    image: redis:7\n"
    )
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "CMP206")
    assert at([f]) == [("CMP206", 7, 7)]
    assert f.fix is None  # the anchor serves cache too
