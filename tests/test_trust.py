"""False-positive classes found on real, working stacks (issue: trust on real projects).

Each class has a minimal project of its own that must stay silent, next to the true
positive that must still fire at its exact code and place.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from composelint.cli import main
from composelint.lint.registry import load_registry


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


# the opt-in hardening (CMP8) and ordering/style (CMP7) checks judge a production
# posture or taste, not whether the project works: not part of "every rule" here
HARDENING = ",".join(
    r.code for r in load_registry() if not r.default_enabled and r.code.startswith(("CMP7", "CMP8"))
)


def lint(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int, list[tuple[str, str, int, int]]]:
    """Exit code and (code, file, line, column) of every finding, run in ``root``."""
    monkeypatch.chdir(root)
    for var in [v for v in os.environ if v.startswith("COMPOSE_")]:
        monkeypatch.delenv(var)
    rc = main([*argv, "--select", "ALL", "--ignore", HARDENING, "--isolated", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    return rc, [(f["code"], f["file"], f["line"], f["column"]) for f in data["findings"]]


HEALTHY_DB = """\
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/pw
    healthcheck:
      test: ["CMD-SHELL", "pg_isready"]
"""


# 1. words that are not host names ------------------------------------------------


NOT_HOSTS = (
    "services:\n"
    "  app:\n"
    "    image: example/app:1.0\n"
    "    environment:\n"
    "      REDIS_HOST: 'null'\n"
    "      SEED_SELF_HOST: 'true'\n"
    "      PROXY_HOST: None\n"
    "      REJECT_UNKNOWN_CLIENT_HOSTNAME: '0'\n"
    "      ONLY_MAIL_HOSTNAME: n\n"
    "      EXPORTER_HOST: <your-mail-domain>\n"
    "      MESSENGER_TRANSPORT_DSN: doctrine://default?auto_setup=0\n"
    "      MAILER_DSN: null://null\n"
    "      SMS_PROVIDER: sms://user:secret@mock\n"
    "      CLUSTER_HOSTNAME: node1\n"
    "      VARNISH_SERVER: SERVER1\n"
)


def test_switches_null_words_and_named_transports_are_not_hosts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"compose.yaml": NOT_HOSTS})
    assert lint(tmp_path, monkeypatch, capsys) == (0, [])


def test_a_real_unknown_host_next_to_them_still_fires(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"compose.yaml": NOT_HOSTS + "      CACHE_HOST: rediss\n"})
    rc, found = lint(tmp_path, monkeypatch, capsys)
    assert found == [("CMP107", "compose.yaml", 16, 19)]
    assert rc == 1


# 2. fragments are linted inside the project that pulls them in --------------------


FRAGMENT_MAIN = "include:\n  - docker-compose.app.yml\nservices:\n" + HEALTHY_DB
FRAGMENT = """\
services:
  app:
    image: example/app:1.0
    depends_on:
      db:
        condition: service_healthy
    environment:
      DATABASE_URL: postgres://app@db:5432/app
"""


def test_directory_scan_lints_an_included_file_only_in_its_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"compose.yaml": FRAGMENT_MAIN, "docker-compose.app.yml": FRAGMENT})
    assert lint(tmp_path, monkeypatch, capsys, ".") == (0, [])
    # a staged fragment (pre-commit passes only it) lints the project that includes it
    assert lint(tmp_path, monkeypatch, capsys, "docker-compose.app.yml") == (0, [])


@pytest.mark.parametrize(
    ("main_file", "env"),
    [
        ("services:\n  app:\n    extends: {file: docker-compose.app.yml, service: app}\n"
         + HEALTHY_DB, ""),
        ("services:\n" + HEALTHY_DB, "COMPOSE_FILE=compose.yaml:docker-compose.app.yml\n"),
    ],
    ids=["extends-file", "COMPOSE_FILE"],
)  # fmt: skip
def test_extends_and_compose_file_make_a_fragment_too(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    main_file: str,
    env: str,
) -> None:
    write(tmp_path, {"compose.yaml": main_file, "docker-compose.app.yml": FRAGMENT, ".env": env})
    assert lint(tmp_path, monkeypatch, capsys, ".") == (0, [])


def test_a_defect_in_a_fragment_is_reported_once_at_its_own_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = FRAGMENT.replace("@db:5432", "@dbx:5432")
    write(tmp_path, {"compose.yaml": FRAGMENT_MAIN, "docker-compose.app.yml": broken})
    rc, found = lint(tmp_path, monkeypatch, capsys, ".")
    assert found == [("CMP107", "docker-compose.app.yml", 8, 36)]
    assert rc == 1


def _compose_binary() -> Path | None:
    """The reference docker compose binary of the test extras, if installed."""
    found = shutil.which("docker-compose")
    cand = Path(found) if found else Path(sys.executable).parent / "docker-compose"
    return cand if cand.is_file() else None


def test_compose_accepts_the_fragment_project_on_its_main_file(tmp_path: Path) -> None:
    binary = _compose_binary()
    if binary is None:
        pytest.skip("no reference docker compose binary")
    write(tmp_path, {"compose.yaml": FRAGMENT_MAIN, "docker-compose.app.yml": FRAGMENT})
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(
        [str(binary), "-f", "compose.yaml", "config", "-q"], cwd=tmp_path, env=env, check=False
    )
    assert done.returncode == 0


# 6. bind addresses and a service's own listeners -----------------------------------


KRAFT = """\
services:
  kafka:
    image: apache/kafka:3.8.0
    environment:
      KAFKA_PROCESS_ROLES: broker,controller
      KAFKA_LISTENERS: PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093
      KAFKA_CONTROLLER_QUORUM_VOTERS: 1@127.0.0.1:9093
      KAFKA_CONTROLLER_LISTENER_NAMES: CONTROLLER
      API_HOST: 0.0.0.0
      ENVOY_ADDR: "::"
      LOGFLARE_NODE_HOST: 127.0.0.1
"""


def test_bare_bind_addresses_and_own_listeners_are_not_connections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"compose.yaml": KRAFT})
    assert lint(tmp_path, monkeypatch, capsys) == (0, [])


def test_a_url_to_0000_and_a_loopback_voter_port_nobody_serves_still_fire(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = KRAFT.replace("127.0.0.1:9093", "127.0.0.1:9095") + (
        "  app:\n    image: example/app:1.0\n    environment:\n"
        "      SEARCH_URL: http://0.0.0.0:9092\n"
    )
    write(tmp_path, {"compose.yaml": text})
    _, found = lint(tmp_path, monkeypatch, capsys)
    assert found == [("CMP101", "compose.yaml", 7, 41), ("CMP102", "compose.yaml", 15, 26)]


# 7. the app's own public URL -------------------------------------------------------


PUBLIC = """\
services:
  frontend:
    image: example/frontend:1.0
    ports: ["9001:8080"]
  backend:
    image: example/backend:1.0
    ports: ["6060:6060"]
    environment:
      PENPOT_PUBLIC_URI: http://localhost:9001
      S3_EXTERNAL_ENDPOINT: http://localhost:9001
      GITEA_BROWSER_ENDPOINT: http://localhost:9001
      PASSWORD_RESET_URL: http://localhost:9001/reset
      WEB_URL: http://localhost:9001
      FARO_ENDPOINT: http://localhost:9001/collect
      SELF_URL: http://localhost:6060
      PHX_HOST: localhost
      URLS_LOGIN: http://127.0.0.1:9001/login
      UPSTREAM_REAL_IP_ADDRESS: 127.0.0.1
      STORAGE_CONNECTION: local://localhost
"""


def test_public_urls_for_browsers_are_not_container_destinations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"compose.yaml": PUBLIC})
    assert lint(tmp_path, monkeypatch, capsys) == (0, [])


def test_a_server_side_url_to_localhost_still_fires(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"compose.yaml": PUBLIC + "      FRONTEND_API_URL: http://localhost:9001\n"})
    _, found = lint(tmp_path, monkeypatch, capsys)
    assert found == [("CMP101", "compose.yaml", 20, 32)]


# 8. secrets are judged by value, not by a word in the name ---------------------------


NOT_SECRETS = (
    "services:\n"
    + HEALTHY_DB
    + """\
  app:
    image: example/app:1.0
    depends_on: {db: {condition: service_healthy}}
    environment:
      DATABASE_URL: postgres://${DB_USER:-app}:${DB_PASS}@db/app
      SMTP_PRIVATE_FROM_NAME: noreply
      KAFKA_HTTP_AUTH_CREDENTIALS_PROVIDER: OAUTHBEARER
      SECRET_RESET_URL: http://example.com/reset
      xpack.security.http.ssl.key: certs/node/node.key
"""
)


def test_names_that_describe_a_secret_and_referenced_passwords_are_silent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"compose.yaml": NOT_SECRETS, ".env": "DB_PASS=x\n"})
    assert lint(tmp_path, monkeypatch, capsys) == (0, [])


def test_a_literal_password_in_a_url_still_fires(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = NOT_SECRETS + "      CACHE_URL: redis://:Xk9mQ2vLp7@cache:6379/0\n"
    write(tmp_path, {"compose.yaml": text, ".env": "DB_PASS=x\n"})
    _, found = lint(tmp_path, monkeypatch, capsys)
    assert [f for f in found if f[0] == "CMP604"] == [("CMP604", "compose.yaml", 17, 27)]


# 3. every rule sees the model `composelint config` prints ---------------------------


RESET_BASE = """\
services:
  app:
    image: example/app:1.0
    ports:
      - 22:22
    environment:
      API_TOKEN: Xk9mQ2vLp7wZ
  worker:
    image: example/worker:1.0
    depends_on: [cache]
    ports:
      - 22:22
    volumes:
      - ./missing-dir:/data
      - ./acme.json:/acme.json
    env_file: ./worker.env
    environment:
      API_TOKEN: Xk9mQ2vLp7wZ
      PRICE: "costs $5"
      CACHE_URL: redis://localhost:6379
      BROKER_URL: amqp://rabbit:5672
      DB_HOST: db:5432
      MODE: "'quoted'"
"""
RESET_OVERRIDE = """\
services:
  app:
    ports: !reset []
    environment: !reset {}
  worker: !reset
"""


def test_every_rule_is_silent_on_a_service_an_override_resets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"compose.yaml": RESET_BASE, "compose.override.yaml": RESET_OVERRIDE})
    assert lint(tmp_path, monkeypatch, capsys) == (0, [])
    binary = _compose_binary()
    if binary is not None:  # and Compose agrees that nothing of the worker is left
        done = subprocess.run(
            [str(binary), "config", "--services"],
            cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert (done.returncode, done.stdout) == (0, "app\n")


def test_without_the_override_the_broken_service_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"compose.yaml": RESET_BASE})
    _, found = lint(tmp_path, monkeypatch, capsys)
    assert ("CMP006", "compose.yaml", 10, 18) in found  # depends on undefined "cache"
    assert ("CMP604", "compose.yaml", 7, 18) in found  # the app's literal token


# 11. the .env that is deliberately not committed --------------------------------------


DEPLOYED = {
    ".gitignore": ".env\n",
    ".env.example": "API_KEY=\n",
    "compose.yaml": "services:\n  app:\n    image: example/app:1.0\n"
    "    environment:\n      API_KEY: ${API_KEY}\n",
}


def _deployed(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / ".git").mkdir()
    return write(tmp_path, files)


def test_a_variable_listed_in_the_template_of_an_ignored_env_is_info(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _deployed(tmp_path, DEPLOYED)
    monkeypatch.chdir(tmp_path)
    rc = main(["--isolated", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["severity"], f["line"], f["column"]) for f in data["findings"]] == [
        ("CMP501", "info", 5, 16)
    ]
    assert ".env.example" in data["findings"][0]["message"]
    assert rc == 0


def test_a_variable_in_no_template_or_a_committed_env_stays_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    compose = DEPLOYED["compose.yaml"] + "      OTHER: ${NOT_LISTED}\n"
    _deployed(tmp_path, {**DEPLOYED, ".gitignore": "", "compose.yaml": compose})
    monkeypatch.chdir(tmp_path)
    main(["--isolated", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    # .env is not ignored: a missing .env is an accident, not a deploy-time secret
    assert [(f["code"], f["severity"], f["line"]) for f in data["findings"]] == [
        ("CMP501", "warning", 5),
        ("CMP501", "warning", 6),
    ]


# 12. depends-on-missing: a warning for servers needed at start -----------------------


LAZY = """\
services:
  app:
    image: example/app:1.0
    environment:
      SMTP_HOST: mail
      OTEL_EXPORTER_OTLP_ENDPOINT: http://collector:4318
  mail:
    image: axllent/mailpit:v1.20
  collector:
    image: otel/opentelemetry-collector:0.100.0
"""


def test_a_lazily_used_server_without_depends_on_is_info(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"compose.yaml": LAZY})
    monkeypatch.chdir(tmp_path)
    rc = main(["--isolated", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert sorted((f["code"], f["severity"], f["line"]) for f in data["findings"]) == [
        ("CMP205", "info", 5),
        ("CMP205", "info", 6),
    ]
    assert rc == 0


def test_a_database_without_depends_on_stays_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = LAZY.replace("      SMTP_HOST: mail\n", "      DATABASE_URL: postgres://app@db/app\n")
    write(tmp_path, {"compose.yaml": text + "  db:\n    image: postgres:16\n"})
    monkeypatch.chdir(tmp_path)
    main(["--isolated", "--format", "json", "--select", "CMP205"])
    data = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["severity"], f["line"], f["column"]) for f in data["findings"]] == [
        ("CMP205", "warning", 5, 36),
        ("CMP205", "info", 6, 43),
    ]


# 9. bind-mount-missing says only what is true -----------------------------------------


def test_a_variable_holding_an_absolute_path_is_the_deploy_machines_business(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    compose = (
        "services:\n  app:\n    image: example/app:1.0\n    volumes:\n"
        "      - ${DATA_DIR}/db:/data\n"
    )
    write(tmp_path, {"compose.yaml": compose, ".env": "DATA_DIR=/srv/app\n"})
    assert lint(tmp_path, monkeypatch, capsys) == (0, [])


def test_a_missing_single_file_mount_still_fires(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    compose = (
        "services:\n  app:\n    image: example/app:1.0\n    volumes:\n"
        "      - ${DATA_DIR}/db:/data\n      - ${CONF:-./acme.json}:/acme.json\n"
    )
    write(tmp_path, {"compose.yaml": compose, ".env": "DATA_DIR=/srv/app\n"})
    _, found = lint(tmp_path, monkeypatch, capsys)
    assert found == [("CMP602", "compose.yaml", 6, 9)]


# 5. host:port in a *_HOST variable ------------------------------------------------------


HOSTPORT = (
    """\
services:
  app:
    image: example/app:1.0
    depends_on: {db: {condition: service_healthy}}
    environment:
      DB_HOST: db:5432
      PGHOST: db:5432
"""
    + HEALTHY_DB
)


def test_host_port_in_an_apps_own_host_variable_is_info_and_in_pghost_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"compose.yaml": HOSTPORT})
    monkeypatch.chdir(tmp_path)
    main(["--isolated", "--format", "json", "--select", "CMP109"])
    data = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["severity"], f["line"], f["column"]) for f in data["findings"]] == [
        ("CMP109", "info", 6, 18),
        ("CMP109", "warning", 7, 17),
    ]


# 10. healthchecks the image declares ----------------------------------------------------


HEALTHY_IMAGES = """\
services:
  agent:
    image: example/agent:1.0
    depends_on:
      server: {condition: service_healthy}
      built: {condition: service_healthy}
  server:
    image: example/unknown-server:3
  built:
    build: ./built
"""


def test_service_healthy_on_an_image_that_may_declare_a_healthcheck_is_silent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        "compose.yaml": HEALTHY_IMAGES,
        "built/Dockerfile": 'FROM alpine:3\nHEALTHCHECK CMD ["wget", "-q", "localhost"]\n',
    }
    write(tmp_path, files)
    assert lint(tmp_path, monkeypatch, capsys) == (0, [])


def test_service_healthy_on_an_image_known_to_declare_none_still_fires(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        "compose.yaml": HEALTHY_IMAGES.replace("example/unknown-server:3", "memcached:1.6"),
        "built/Dockerfile": 'FROM alpine:3\nHEALTHCHECK CMD ["wget", "-q", "localhost"]\n',
    }
    write(tmp_path, files)
    _, found = lint(tmp_path, monkeypatch, capsys)
    assert found == [("CMP206", "compose.yaml", 5, 27)]


DATA_DIRS = """\
services:
  db:
    image: postgres:16
    volumes:
      - ./data/postgres:/var/lib/postgresql/data
  cache:
    image: redis:7
    volumes:
      - ./data/redis:/data
  app:
    image: example/app:1.0
    volumes:
      - ./uploads:/srv/uploads
"""


def test_a_data_directory_the_image_initialises_is_not_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"compose.yaml": DATA_DIRS})
    monkeypatch.chdir(tmp_path)
    rc = main(["--isolated", "--format", "json", "--select", "CMP602"])
    data = json.loads(capsys.readouterr().out)
    # only the unknown image's directory, as an info: nothing says it cannot write there
    assert [(f["severity"], f["line"], f["column"]) for f in data["findings"]] == [("info", 13, 9)]
    assert "cannot write" not in data["findings"][0]["message"]
    assert rc == 0


def test_a_missing_directory_of_a_non_root_service_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = DATA_DIRS.replace(
        "    image: example/app:1.0\n", '    image: example/app:1.0\n    user: "1000"\n'
    )
    write(tmp_path, {"compose.yaml": text})
    _, found = lint(tmp_path, monkeypatch, capsys)
    assert found == [("CMP602", "compose.yaml", 14, 9)]


def test_an_image_that_documents_host_port_gets_host_and_port_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gitea = HOSTPORT.replace("example/app:1.0", "gitea/gitea:1.22").replace(
        "      PGHOST: db:5432\n", ""
    )
    write(tmp_path, {"compose.yaml": gitea})
    assert lint(tmp_path, monkeypatch, capsys) == (0, [])
    # the port is a destination port like any other: the wrong one is still found
    write(tmp_path, {"compose.yaml": gitea.replace("db:5432", "db:5433")})
    _, found = lint(tmp_path, monkeypatch, capsys)
    assert [f[0] for f in found] == ["CMP204"] and found[0][1:3] == ("compose.yaml", 6)


# 4. schemes of the client libraries ------------------------------------------------------


SCHEMES = (
    """\
services:
  app:
    image: example/app:1.0
    depends_on:
      db: {condition: service_healthy}
      cache: {condition: service_started}
      mq: {condition: service_started}
    environment:
      DATABASE_URL: ecto://app:${DB_PASSWORD}@db:5432/app
      RAILS_DATABASE_URL: trilogy://app:${DB_PASSWORD}@mysql:3306/app
      MIGRATE_URL: pgx5://app:${DB_PASSWORD}@db:5432/app
      REDIS_URL: redis-sentinel://cache:26379/0#mymaster
      BROKER_URL: librabbitmq://guest:${MQ_PASSWORD}@mq:5672//
"""
    + HEALTHY_DB
    + """\
  mysql:
    image: mysql:8.4
  cache:
    image: redis:7
  mq:
    image: rabbitmq:3
"""
)


def test_client_library_schemes_are_right_for_their_servers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"compose.yaml": SCHEMES, ".env": "DB_PASSWORD=x\nMQ_PASSWORD=y\n"})
    monkeypatch.chdir(tmp_path)
    main(["--isolated", "--format", "json", "--select", "CMP302"])
    assert json.loads(capsys.readouterr().out)["findings"] == []


def test_a_scheme_the_server_does_not_speak_is_still_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SCHEMES.replace(
        "ecto://app:${DB_PASSWORD}@db:5432", "mongodb://app:${DB_PASSWORD}@db:5432"
    )
    write(tmp_path, {"compose.yaml": text, ".env": "DB_PASSWORD=x\nMQ_PASSWORD=y\n"})
    monkeypatch.chdir(tmp_path)
    rc = main(["--isolated", "--format", "json", "--select", "CMP302"])
    data = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["severity"], f["line"], f["column"]) for f in data["findings"]] == [
        ("CMP302", "error", 9, 21)  # the scheme, located around ${DB_PASSWORD}
    ]
    assert rc == 1


def test_a_database_ui_without_depends_on_is_info(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "services:\n  adminer:\n    image: adminer:4\n    environment:\n"
        + ("      ADMINER_DEFAULT_SERVER: db\n")
        + HEALTHY_DB
    )
    write(tmp_path, {"compose.yaml": text})
    monkeypatch.chdir(tmp_path)
    main(["--isolated", "--format", "json", "--select", "CMP205"])
    data = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["severity"], f["line"], f["column"]) for f in data["findings"]] == [
        ("CMP205", "info", 5, 31)
    ]
