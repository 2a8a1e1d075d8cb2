"""CMP3xx URL/credential rules, end to end through the loader and resolver."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_rules_network import at, lint

from composelint.lint.registry import Registry
from composelint.model.findings import Severity

SECRET = "s3cr3t"


def test_userinfo_unencoded_points_at_userinfo(registry: Registry, tmp_path: Path) -> None:
    text = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:p@ss@db:5432/app
  db:
    image: postgres:16
"""
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "CMP301")
    assert f.span is not None
    assert (f.span.line, f.span.col, f.span.end_col) == (5, 34, 42)  # "app:p@ss"
    assert f.message == "the user or password in DATABASE_URL contains an unencoded '@'"
    assert f.help == "percent-encode it as %40"
    assert "p@ss" not in f"{f.message}{f.note}{f.help}"


def test_userinfo_from_env_password_is_caught_and_not_printed(
    registry: Registry, tmp_path: Path
) -> None:
    compose = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:${DB_PASSWORD}@db:5432/app
"""
    files = {"compose.yaml": compose, ".env": f"DB_PASSWORD={SECRET}#x\n"}
    (f,) = lint(registry, tmp_path, files, "CMP301")
    assert SECRET not in f"{f.message}{f.note}{f.help}" and f.help == "percent-encode it as %23"


def test_encoded_userinfo_is_silent(registry: Registry, tmp_path: Path) -> None:
    text = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:p%40ss@db:5432/app
"""
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP301") == []


SCHEMES = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgress://app:x@db:5432/app
      CELERY_BROKER_URL: redis://mq:5672//
      CELERY_RESULT_BACKEND: rpc://mq
      MQ_UI: http://mq:15672
  db:
    image: postgres:16
  mq:
    image: rabbitmq:3-management
"""


def test_scheme_typo_and_mismatch(registry: Registry, tmp_path: Path) -> None:
    findings = lint(registry, tmp_path, {"compose.yaml": SCHEMES}, "CMP302")
    # rpc:// (Celery) and http:// to the management port are fine
    assert at(findings) == [("CMP302", 5, 21), ("CMP302", 6, 26)]
    typo, mismatch = findings
    assert "'postgresql'" in typo.message
    assert typo.fix is not None and typo.fix.edits[0].replacement == "postgresql"
    assert typo.help == "write postgresql://"
    assert mismatch.help == "use amqp://"


def test_right_schemes_are_silent(registry: Registry, tmp_path: Path) -> None:
    text = SCHEMES.replace("postgress", "postgresql+asyncpg").replace("redis://mq", "amqp://mq")
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP302") == []


MALFORMED = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:x@db/app:5432
      PG2: postgresql://app:x@db:5432/app?sslmode=require
      PG3: postgresql://app:x@db:5432/app?sslmode=required
      MONGO_URL: mongodb+srv://mongo/app
  db:
    image: postgres:16
  mongo:
    image: mongo:7
"""


def test_url_malformed(registry: Registry, tmp_path: Path) -> None:
    findings = lint(registry, tmp_path, {"compose.yaml": MALFORMED}, "CMP303")
    assert sorted(at(findings)) == [
        ("CMP303", 5, 46),
        ("CMP303", 6, 31),
        ("CMP303", 7, 51),
        ("CMP303", 8, 32),
    ]
    by_line = {f.span.line: f for f in findings if f.span}
    assert by_line[6].severity is Severity.WARNING
    assert by_line[6].note is not None and "server does not support SSL" in by_line[6].note
    assert by_line[7].severity is Severity.ERROR
    assert by_line[8].note is not None and "querySrv ENOTFOUND" in by_line[8].note


def test_wellformed_urls_are_silent(registry: Registry, tmp_path: Path) -> None:
    text = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:x@db:5432/app?sslmode=require
      MONGO_URL: mongodb+srv://cluster0.example.net/app
  db:
    image: postgres:16
    command: ["postgres", "-c", "ssl=on"]
"""
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP303") == []


BROWSER = """\
services:
  web:
    build:
      context: .
      args:
        NEXT_PUBLIC_API_URL: http://api:8000
    environment:
      API_INTERNAL_URL: http://api:8000
      PUBLIC_FRONTEND_ADDRESS: api:8000
  api:
    image: acme/api
    ports: ["8080:8000"]
"""


def test_browser_variable_with_service_name(registry: Registry, tmp_path: Path) -> None:
    (f,) = lint(registry, tmp_path, {"compose.yaml": BROWSER}, "CMP304")
    assert at([f]) == [("CMP304", 6, 37)]
    assert f.help is not None and "localhost:8080" in f.help
    assert f.note is not None and "ERR_NAME_NOT_RESOLVED" in f.note


def test_browser_variable_with_public_address_is_silent(registry: Registry, tmp_path: Path) -> None:
    text = BROWSER.replace(
        "NEXT_PUBLIC_API_URL: http://api:8000", "NEXT_PUBLIC_API_URL: http://localhost:8080"
    )
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP304") == []


CREDS = f"""\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://bob:{SECRET}@db:5432/other
      PG2: postgresql://app:wrong@db:5432/app
      PG3: postgresql://${{DB_USER}}:${{DB_PASS}}@db:5432/app
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: {SECRET}
      POSTGRES_DB: app
  db2:
    image: postgres:16
    environment:
      POSTGRES_USER: ${{DB_USER}}
      POSTGRES_PASSWORD: ${{DB_PASS}}
"""


def test_credentials_mismatch(registry: Registry, tmp_path: Path) -> None:
    files = {"compose.yaml": CREDS, ".env": "DB_USER=app\nDB_PASS=other\n"}
    findings = lint(registry, tmp_path, files, "CMP305")
    assert at(findings) == [
        ("CMP305", 5, 45),
        ("CMP305", 5, 45),
        ("CMP305", 6, 29),  # the password text, never its value
        ("CMP305", 7, 47),
    ]
    assert sorted(f.message.split(": ", 1)[1][:24] for f in findings[:2]) == [
        "the database 'other' is ",
        "the user 'bob' is not db",
    ]
    assert findings[2].message == (
        "PG2 does not match db's settings: the password is not the one db sets in POSTGRES_PASSWORD"
    )
    assert findings[2].help == "use the same values (ideally the same ${VARIABLE} on both sides)"
    assert findings[2].note is not None and "password authentication failed" in findings[2].note
    assert "DB_PASS" not in findings[3].message and "POSTGRES_PASSWORD" in findings[3].message
    for f in findings:
        text = f"{f.message}{f.note}{f.help}"
        assert SECRET not in text and "wrong" not in text


def test_matching_credentials_are_silent(registry: Registry, tmp_path: Path) -> None:
    text = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://${DB_USER}:${DB_PASS}@db:5432/app
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: ${DB_USER}
      POSTGRES_PASSWORD: ${DB_PASS}
      POSTGRES_DB: app
"""
    files = {"compose.yaml": text, ".env": "DB_USER=app\nDB_PASS=x\n"}
    assert lint(registry, tmp_path, files, "CMP305") == []


REDIS_AUTH = """\
services:
  app:
    image: acme/app
    environment:
      A_URL: redis://:wrong@r1:6379/0
      B_URL: redis://r1:6379/0
      C_URL: redis://:s3cret@r2:6379/0
    depends_on: [r1, r2]
  r1:
    image: redis:7
    command: ["redis-server", "--requirepass", "s3cret"]
  r2:
    image: redis:7
"""


def test_redis_passwords_against_requirepass(registry: Registry, tmp_path: Path) -> None:
    findings = lint(registry, tmp_path, {"compose.yaml": REDIS_AUTH}, "CMP305")
    assert at(findings) == [("CMP305", 5, 23), ("CMP305", 6, 22), ("CMP305", 7, 23)]
    wrong, missing, extra = findings
    assert wrong.message == (
        "A_URL does not match r1's settings: the password is not the one r1 sets with --requirepass"
    )
    assert wrong.span is not None and wrong.span.end_col == 28  # the password text
    assert [(r.span.line, r.message) for r in wrong.related] == [(11, "r1 sets its password here")]
    assert missing.message == "B_URL gives no password, but r1 requires one"
    assert missing.note == 'every command fails with "NOAUTH Authentication required"'
    assert extra.message == "C_URL gives a password, but r2 requires none"
    assert extra.severity is Severity.WARNING
    assert extra.note is not None and "redis-py fails with AuthenticationError" in extra.note
    for f in findings:
        assert "s3cret" not in f"{f.message}{f.note}{f.help}"
        assert "wrong" not in f"{f.message}{f.note}{f.help}"


def test_redis_passwords_that_match_are_silent(registry: Registry, tmp_path: Path) -> None:
    text = """\
services:
  app:
    image: acme/app
    environment:
      A_URL: redis://:${REDIS_PASSWORD}@r1:6379/0
      B_URL: redis://r2:6379/0
      C_URL: redis://default:any@r2:6379/0
      D_URL: redis://r3:6379/0
      REDIS_PASSWORD: ${REDIS_PASSWORD}
    depends_on: [r1, r2, r3]
  r1:
    image: redis:7
    command: sh -c "docker-entrypoint.sh --requirepass ${REDIS_PASSWORD}"
  r2:
    image: redis:7
    environment:
      REDIS_PASSWORD: ignored  # the official image reads no such variable
  r3:
    image: redis:7
    command: redis-server /usr/local/etc/redis/redis.conf
"""
    # A: the same password; B: no password on either side; C: the default user takes
    # any password; D: the client has a separate password variable, and r3's config
    # file may set one
    files = {"compose.yaml": text, ".env": "REDIS_PASSWORD=s3cret\n"}
    assert lint(registry, tmp_path, files, "CMP305") == []


def test_bitnami_redis_password_variable_asks_for_one(registry: Registry, tmp_path: Path) -> None:
    text = """\
services:
  app:
    image: acme/app
    environment:
      CACHE_URL: redis://cache:6379/0
    depends_on: [cache]
  cache:
    image: bitnami/redis:7.2
    environment:
      REDIS_PASSWORD: s3cret
"""
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "CMP305")
    assert at([f]) == [("CMP305", 5, 26)]
    assert f.message == "CACHE_URL gives no password, but cache requires one"


def test_each_value_is_parsed_once_for_every_rule(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The URL rules and the value inventory share one parse of each value (and the
    rules that read every scalar share one walk of the documents)."""
    from composelint.analysis import connections, connectivity, scalars

    parsed: list[tuple[str, str | None]] = []
    real_parse = connectivity.parse_value

    def parse(value: str, variable: str | None = None) -> object:
        parsed.append((value, variable))
        return real_parse(value, variable)

    walked: list[object] = []
    real_walk = scalars.walk

    def walk(node: object, *args: object) -> object:
        walked.append(node)
        return real_walk(node, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(connectivity, "parse_value", parse)
    monkeypatch.setattr(connections, "parse_value", parse)
    monkeypatch.setattr(scalars, "walk", walk)
    compose = (
        "services:\n  app:\n    image: acme/app\n    environment:\n"
        "      DATABASE_URL: postgresql://app:p@ss@db:5432/app\n"
        "      CACHE_URL: redis://cache:6379\n      NOTE: ${UNSET}\n"
        "  db:\n    image: postgres:16\n  cache:\n    image: redis:7\n"
    )
    codes = ("CMP301", "CMP302", "CMP303", "CMP503", "CMP604")
    found = lint(registry, tmp_path, {"compose.yaml": compose}, *codes)
    assert "CMP301" in {f.code for f in found}  # the rules still report
    env_values = [p for p in parsed if p[1] in ("DATABASE_URL", "CACHE_URL")]
    assert sorted(env_values) == sorted(set(env_values))  # once each
    assert len(walked) == 1  # one document, walked once
