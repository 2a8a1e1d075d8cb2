"""The host rules (CMP101-CMP110), end to end through the real loader and resolver:
each fires at the exact file:line:col and stays silent on a correct project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from composelint.lint.engine import Engine
from composelint.lint.registry import Registry
from composelint.load.discover import discover
from composelint.model.findings import Applicability, Edit, Finding, Fix, Related, Severity
from composelint.model.span import Span
from composelint.resolve.resolver import ResolveOptions, resolve

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def lint(
    registry: Registry, directory: Path, files: dict[str, str], *codes: str, **options: object
) -> list[Finding]:
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text)
    specs, problems = discover(
        [], files=[], project_directory=None, env_files=[], stdin_filename=None, cwd=directory
    )
    assert problems == []
    (spec,) = specs
    project = resolve(spec, ResolveOptions(**options))  # type: ignore[arg-type]
    rules = registry.select(list(codes or ("CMP1",)))
    return [f for f in Engine(registry, rules).check(project) if f.code.startswith("CMP1")]


def at(findings: list[Finding]) -> list[tuple[str, int, int, str]]:
    return [
        (f.code, f.span.line, f.span.col, f.severity.value) for f in findings if f.span is not None
    ]


def compose(services: str, extra: str = "") -> dict[str, str]:
    return {"compose.yaml": "services:\n" + services + extra}


# -- CMP101 host-loopback -------------------------------------------------------------

POSTGRES = "  postgres:\n    image: postgres:16\n"


def test_loopback_names_the_service_that_serves_the_port(
    registry: Registry, tmp_path: Path
) -> None:
    files = compose(
        "  app:\n    image: acme/app\n    environment:\n"
        "      DATABASE_URL: postgresql://u:secret@localhost:5432/app\n" + POSTGRES
    )
    (f,) = lint(registry, tmp_path, files, "CMP101")
    assert (f.code, f.span.line, f.span.col, f.span.end_col, f.severity) == (
        "CMP101",
        5,
        43,
        52,
        Severity.ERROR,
    )
    assert f.message == (
        'DATABASE_URL in service "app" points at "localhost" port 5432 instead of the "postgres" '
        "service"
    )

    assert f.note == (
        "inside a container localhost is the container itself: the connection is refused at "
        'runtime ("Connection refused")'
    )
    assert f.help == "use `postgres:5432`"
    assert "secret" not in f"{f.message}{f.note}{f.help}"


def test_loopback_without_a_server_in_the_project_is_a_warning(
    registry: Registry, tmp_path: Path
) -> None:
    files = compose("  app:\n    image: acme/app\n    environment:\n      - REDIS_HOST=127.0.0.1\n")
    assert at(lint(registry, tmp_path, files, "CMP101")) == [("CMP101", 5, 20, "warning")]


@pytest.mark.parametrize(
    "app",
    [
        # a healthcheck runs in the container itself
        "    healthcheck:\n      test: [CMD, curl, -f, http://localhost:8000/health]\n",
        # bind address and the app's own public URL
        "    environment:\n      HOST: 127.0.0.1\n      APP_URL: http://localhost:8000\n",
        # browser-facing
        "    environment:\n      NEXT_PUBLIC_API_URL: http://localhost:5432\n",
        # host networking: localhost is the Docker host
        "    network_mode: host\n    environment:\n      DB_HOST: localhost\n",
        # the app calls itself on its own port
        "    expose: ['8000']\n    environment:\n      SELF_URL: http://localhost:8000/api\n",
    ],
)
def test_loopback_silent(registry: Registry, tmp_path: Path, app: str) -> None:
    files = compose("  app:\n    image: acme/app\n" + app + POSTGRES)
    assert lint(registry, tmp_path, files, "CMP101") == []


def test_loopback_in_a_shared_network_stack(registry: Registry, tmp_path: Path) -> None:
    files = compose(
        "  vpn:\n    image: acme/vpn\n    ports: ['8080:8080']\n"
        "  client:\n    image: acme/client\n    network_mode: service:vpn\n"
        "    environment:\n      PROXY_URL: http://localhost:8080\n"
    )
    assert lint(registry, tmp_path, files, "CMP101") == []


# -- CMP102 host-unspecified-address ----------------------------------------------------


def test_unspecified_address_as_destination(registry: Registry, tmp_path: Path) -> None:
    files = compose(
        "  worker:\n    image: acme/worker\n    environment:\n      API_URL: http://0.0.0.0:8000\n"
        "  api:\n    image: acme/api\n    expose: ['8000']\n    environment:\n      HOST: 0.0.0.0\n"
    )
    (f,) = lint(registry, tmp_path, files, "CMP102")
    assert (f.span.line, f.span.col, f.severity) == (5, 23, Severity.ERROR)
    assert f.message == (
        'API_URL in service "worker" connects to "0.0.0.0", the unspecified "all interfaces" address'
    )
    assert f.help == "use `api:8000`"


# -- CMP103 host-ip-literal -------------------------------------------------------------

IPAM = """networks:
  back:
    ipam:
      config:
        - subnet: 172.28.0.0/16
"""


def test_ip_literal(registry: Registry, tmp_path: Path) -> None:
    files = compose(
        "  app:\n    image: acme/app\n    networks: [back]\n    environment:\n"
        "      DATABASE_URL: postgresql://u:p@172.28.0.3:5432/app\n"  # a dynamic container IP
        "      CACHE_HOST: 172.28.0.9\n"  # the static address below: fine
        "      NAS_HOST: 192.168.1.10\n"  # LAN machine or container: info
        "      METRICS_URL: http://8.8.8.8:9100\n"  # public: fine
        "  cache:\n    image: redis:7\n    networks:\n      back:\n        ipv4_address: 172.28.0.9\n"
        "  postgres:\n    image: postgres:16\n    networks: [back]\n",
        IPAM,
    )
    findings = lint(registry, tmp_path, files, "CMP103")
    assert at(findings) == [("CMP103", 6, 38, "warning"), ("CMP103", 8, 17, "info")]
    assert findings[0].message.endswith('points at the fixed IP address "172.28.0.3"')
    assert findings[0].help == "use `postgres:5432`"
    assert findings[0].note == (
        'it is an address in the subnet of network "back": a container\'s address changes when '
        "it is recreated, and the client then times out or reaches the wrong container "
        '("Connection timed out")'
    )


# -- CMP104-CMP106 names that are not service names ----------------------------------------


def test_container_name_generated_name_and_hostname(registry: Registry, tmp_path: Path) -> None:
    files = compose(
        "  app:\n    image: acme/app\n    environment:\n"
        "      DB_HOST: ventanas-db\n"
        "      REDIS_URL: redis://shop-redis-1:6379/0\n"
        "      SEARCH_URL: http://search.internal:9200\n"
        "  postgres:\n    image: postgres:16\n    container_name: ventanas-db\n"
        "  redis:\n    image: redis:7\n"
        "  es:\n    image: elasticsearch:8.15.0\n    hostname: search.internal\n",
        "name: shop\n",
    )
    findings = lint(registry, tmp_path, files, "CMP104", "CMP105", "CMP106")
    assert at(findings) == [
        ("CMP104", 5, 16, "warning"),
        ("CMP105", 6, 26, "warning"),
        ("CMP106", 7, 26, "warning"),
    ]
    assert [f.help for f in findings] == [
        'use the service name "postgres"',
        'use the service name "redis"',
        'use "es", or add "search.internal" to its network aliases',
    ]


def test_container_names_fix_to_the_service_name(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Safe in the compose file; unsafe in a .env line, which other values may use."""
    monkeypatch.chdir(tmp_path)
    files = compose(
        "  app:\n    image: acme/app\n    environment:\n"
        "      DB_HOST: ventanas-db\n"
        "      REDIS_URL: redis://shop-redis-1:6379/0\n"
        "      CACHE_URL: ${CACHE_URL}\n"
        "  postgres:\n    image: postgres:16\n    container_name: ventanas-db\n"
        "  redis:\n    image: redis:7\n",
        "name: shop\n",
    )
    files[".env"] = "CACHE_URL=redis://shop-redis-1:6379/1\n"
    found = lint(registry, tmp_path, files, "CMP104", "CMP105")
    fixes = [(f.code, f.fix.applicability.value, f.fix.edits) for f in found if f.fix]
    assert fixes == [
        ("CMP105", "unsafe", (Edit(Span(".env", 1, 19, 1, 31), "redis"),)),
        ("CMP104", "safe", (Edit(Span("compose.yaml", 5, 16, 5, 27), "postgres"),)),
        ("CMP105", "safe", (Edit(Span("compose.yaml", 6, 26, 6, 38), "redis"),)),
    ]


def test_loopback_fix_only_when_one_service_owns_the_port(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    files = compose(
        "  app:\n    image: acme/app\n    environment:\n"
        "      DATABASE_URL: postgresql://u:secret@localhost:5432/app\n"
        "      CACHE_URL: redis://127.0.0.1:6380/0\n"
        "      MQ: amqp://localhost:5672\n"
        "      OWN: redis://[::1]:6380\n"
        "      ADMIN_URL: http://localhost:5432\n"
        + POSTGRES
        + '  api:\n    image: acme/api\n    ports: ["6380:6379"]\n'
        "  mq:\n    image: rabbitmq:3\n  mq2:\n    image: rabbitmq:3\n"
    )
    found = lint(registry, tmp_path, files, "CMP101")
    assert [(f.span.line, f.fix) for f in found if f.span] == [
        (
            5,
            Fix(
                "use postgres",
                (Edit(Span("compose.yaml", 5, 43, 5, 52), "postgres"),),
                Applicability.UNSAFE,
            ),
        ),
        (
            6,
            Fix(
                "use api:6379",
                (
                    Edit(Span("compose.yaml", 6, 26, 6, 35), "api"),
                    Edit(Span("compose.yaml", 6, 36, 6, 40), "6379"),
                ),
                Applicability.UNSAFE,
            ),
        ),
        (7, None),  # mq or mq2: only the user knows
        (8, None),  # an IPv6 literal is written in brackets
        (9, None),  # a browser may use an http URL
    ]


def test_service_names_and_aliases_are_silent(registry: Registry, tmp_path: Path) -> None:
    files = compose(
        "  app:\n    image: acme/app\n    hostname: app.local\n    environment:\n"
        "      DB_HOST: postgres\n      SEARCH_URL: http://search:9200\n"
        "      SELF_URL: http://app.local:8000\n"
        "  postgres:\n    image: postgres:16\n    container_name: pg\n"
        "  es:\n    image: elasticsearch:8.15.0\n    hostname: es.internal\n"
        "    networks:\n      default:\n        aliases: [search]\n"
    )
    assert lint(registry, tmp_path, files) == []


# -- CMP107 host-unknown ---------------------------------------------------------------------


def test_the_seed_test_environment_reports_host_unknown_in_the_env_file(
    registry: Registry, tmp_path: Path
) -> None:
    shutil.copytree(EXAMPLES / "ventanas-test", tmp_path / "p")
    specs, _ = discover(
        [],
        files=[str(tmp_path / "p" / "docker-compose.test.yml")],
        project_directory=None,
        env_files=[],
        stdin_filename=None,
        cwd=tmp_path,
    )
    project = resolve(specs[0], ResolveOptions())
    findings = Engine(registry, registry.select(["CMP1"])).check(project)
    env = str(tmp_path / "p" / ".env")
    assert [(f.code, f.span) for f in findings] == [
        ("CMP107", Span(env, 7, 65, 7, 81)),
        ("CMP107", Span(env, 8, 19, 8, 38)),
    ]
    first = findings[0]
    assert first.severity is Severity.ERROR
    assert first.related == (
        Related(
            Span(str(tmp_path / "p" / "docker-compose.test.yml"), 16, 15, 16, 19),
            "DATABASE_URL is loaded by this env_file",
        ),
    )
    assert first.message == (
        'DATABASE_URL in service "app" points at unknown host "ventanas-test-db"'
    )
    assert first.note == (
        'app joins only network "default", so the name does not resolve at runtime (the client '
        'reports: could not translate host name "ventanas-test-db" to address)'
    )
    # the post-mortem's fix: the database's network is declared external, app is not on it
    assert first.help == (
        'add the database as a service, or add the external network "ventanas-test-network" '
        "that this project declares to the networks of app if the database runs there"
    )
    assert "change-me" not in f"{first.message}{first.note}{first.help}"


def test_the_seed_production_environment_is_clean(registry: Registry, tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "ventanas-prod", tmp_path / "p")
    specs, _ = discover(
        [],
        files=[str(tmp_path / "p" / "docker-compose.beta.yml")],
        project_directory=None,
        env_files=[],
        stdin_filename=None,
        cwd=tmp_path,
    )
    project = resolve(specs[0], ResolveOptions())
    assert Engine(registry, registry.select(["CMP1"])).check(project) == []


def test_unknown_host_suggests_a_close_name(registry: Registry, tmp_path: Path) -> None:
    files = compose(
        "  app:\n    image: acme/app\n    environment:\n      DB_HOST: postgress\n" + POSTGRES
    )
    (f,) = lint(registry, tmp_path, files, "CMP107")
    assert (f.span.line, f.span.col, f.severity) == (5, 16, Severity.ERROR)
    assert f.help is not None and f.help.startswith('did you mean "postgres"? Otherwise add')


def test_unknown_host_on_an_external_network_is_a_warning(
    registry: Registry, tmp_path: Path
) -> None:
    files = compose(
        "  app:\n    image: acme/app\n    networks: [shared]\n    environment:\n"
        "      REDIS_URL: redis://cache:6379\n",
        "networks:\n  shared:\n    external: true\n",
    )
    (f,) = lint(registry, tmp_path, files, "CMP107")
    assert (f.span.line, f.span.col, f.severity) == (6, 26, Severity.WARNING)
    assert f.message == (
        'REDIS_URL in service "app" points at "cache", which is not a service of this project'
    )
    assert f.note is not None and 'external network "shared" is called "cache"' in f.note


def test_unknown_host_disabled_by_profile(registry: Registry, tmp_path: Path) -> None:
    files = compose(
        "  app:\n    image: acme/app\n    environment:\n      DB_HOST: db\n"
        "  db:\n    image: postgres:16\n    profiles: [db]\n"
    )
    (f,) = lint(registry, tmp_path, files, "CMP107", profiles=("other",))
    assert (f.span.line, f.span.col, f.severity) == (5, 16, Severity.WARNING)
    assert (
        f.message
        == 'DB_HOST in service "app" points at "db", a service disabled by the active profiles'
    )
    assert f.help == "enable its profile or remove the profile from it"


def test_unknown_host_defined_in_a_sibling_file_is_a_warning(
    registry: Registry, tmp_path: Path
) -> None:
    files = compose(
        "  app:\n    image: acme/app\n    environment:\n      MONGO_URL: mongodb://mongo/db\n"
    )
    files["compose.database.yml"] = "services:\n  mongo:\n    image: mongo:7\n"
    (f,) = lint(registry, tmp_path, files, "CMP107")
    assert f.severity is Severity.WARNING
    assert f.message == (
        'MONGO_URL in service "app" points at "mongo", defined only in compose.database.yml'
    )
    assert f.help == "use the files together (-f ... -f compose.database.yml, or include:)"


@pytest.mark.parametrize(
    "env",
    [
        "CACHE_DRIVER: redis",  # a driver name, not a host
        "SESSION_DRIVER: redis",
        "API_URL: https://api.example.com/v1",  # dotted public name
        "VIRTUAL_HOST: shop",  # the app's own name (nginx-proxy)
        "NEXT_PUBLIC_API_URL: http://backend:8000",  # browser-facing
        "DATABASE_URL: postgresql://${DB_USER}@${DB_HOST}/app",  # templated host
        "DATABASE_URL: file:./dev.db",  # Prisma SQLite
        "ASPNETCORE_URLS: http://*:8080",  # listen URL wildcard
        "DB_HOST: db",
        "DB_HOST: database",  # a network alias
    ],
)
def test_unknown_host_silent(registry: Registry, tmp_path: Path, env: str) -> None:
    files = compose(
        f"  app:\n    image: acme/app\n    environment:\n      {env}\n"
        "  db:\n    image: postgres:16\n    networks:\n      default:\n        aliases: [database]\n"
    )
    assert lint(registry, tmp_path, files, "CMP107") == []


# -- CMP108 host-docker-internal ------------------------------------------------------------


def test_host_docker_internal(registry: Registry, tmp_path: Path) -> None:
    files = compose(
        "  app:\n    image: acme/app\n    environment:\n"
        "      DATABASE_URL: postgresql://u:p@host.docker.internal:5433/app\n"
        "      METRICS_URL: http://host.docker.internal:9100\n"
        "  db:\n    image: postgres:16\n    ports: ['5433:5432']\n"
        "  worker:\n    image: acme/worker\n    extra_hosts: ['host.docker.internal:host-gateway']\n"
        "    environment:\n      METRICS_URL: http://host.docker.internal:9100\n"
    )
    findings = lint(registry, tmp_path, files, "CMP108")
    assert at(findings) == [("CMP108", 5, 38, "warning"), ("CMP108", 6, 27, "warning")]
    assert findings[0].help == "use `db:5432`"
    assert findings[1].help == (
        'add extra_hosts: ["host.docker.internal:host-gateway"] to service "app"'
    )


# -- CMP109 host-invalid --------------------------------------------------------------------


def test_host_invalid(registry: Registry, tmp_path: Path) -> None:
    files = compose(
        "  app:\n    image: acme/app\n    environment:\n"
        "      PGHOST: db:5432\n"  # libpq takes the port in PGPORT
        "      DB_HOST: 'db '\n"
        "      WORDPRESS_DB_HOST: db:3306\n"  # documented host:port: fine
        "      SPRING_BOOT_ADMIN_URL: http://admin_server:8080\n"
        "  db:\n    image: postgres:16\n  admin_server:\n    image: acme/admin\n"
    )
    assert at(lint(registry, tmp_path, files, "CMP109")) == [
        ("CMP109", 5, 17, "warning"),
        ("CMP109", 6, 19, "error"),
        ("CMP109", 8, 42, "warning"),
    ]


def test_host_invalid_silent(registry: Registry, tmp_path: Path) -> None:
    files = compose(
        "  app:\n    image: acme/app\n    environment:\n      PGHOST: db\n      PGPORT: '5432'\n"
        "  db:\n    image: postgres:16\n"
    )
    assert lint(registry, tmp_path, files, "CMP109") == []


# -- CMP110 host-reserved-alias -------------------------------------------------------------


def test_reserved_alias(registry: Registry, tmp_path: Path) -> None:
    files = compose(
        "  localhost:\n    image: acme/app\n"
        "  db:\n    image: postgres:16\n    networks:\n      default:\n        aliases: [localhost]\n"
    )
    findings = lint(registry, tmp_path, files, "CMP110")
    assert at(findings) == [("CMP110", 2, 3, "error"), ("CMP110", 8, 19, "error")]
    assert findings[1].message.endswith('loopback alias "localhost" on network "default"')
    assert findings[1].help == "remove the alias and use the service name"


# -- the documentation's examples tell the truth ------------------------------------------

CODES = [f"CMP1{n:02d}" for n in range(1, 11)]


@pytest.mark.parametrize("code", CODES)
def test_doc_examples(registry: Registry, tmp_path: Path, code: str) -> None:
    rule = registry.get(code)
    assert rule is not None
    bad = rule.doc.split("## Bad\n", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    good = rule.doc.split("## Good\n", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "bad").mkdir()
    (tmp_path / "good").mkdir()
    assert [f.code for f in lint(registry, tmp_path / "bad", {"compose.yaml": bad}, code)] == [code]
    assert lint(registry, tmp_path / "good", {"compose.yaml": good}, code) == []
