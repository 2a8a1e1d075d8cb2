"""URLs read the way client libraries read them (issue 10, part 2): interpolated user
info, scheme-less *_URL values, SQLAlchemy's removed postgres://, '_' in any URL host,
libpq settings in their own variables, near misses of host.docker.internal."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from compose_ref import clean_env, find_compose
from test_rules_network import lint

from composelint.cli import main
from composelint.lint.registry import Registry
from composelint.model.findings import Applicability, Finding, Severity


def where(findings: list[Finding]) -> list[tuple[str, int, int, int]]:
    return [
        (f.code, f.span.line, f.span.col, f.span.end_col) for f in findings if f.span is not None
    ]


# -- CMP301: the character comes from ${PW} -------------------------------------------

INTERPOLATED = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: mysql://app:${PW}@db/app
  db:
    image: mysql:8
"""


def test_userinfo_from_interpolation_points_at_the_variable(
    registry: Registry, tmp_path: Path
) -> None:
    files = {"compose.yaml": INTERPOLATED, ".env": 'PW="a#b@c"\n'}
    (f,) = lint(registry, tmp_path, files, "CMP301")
    assert where([f]) == [("CMP301", 5, 33, 38)]  # ${PW}
    assert f.message == "the user or password in DATABASE_URL contains an unencoded '#'"
    (rel,) = f.related
    assert (Path(rel.span.path).name, rel.span.line, rel.span.col) == (".env", 1, 4)
    assert f.fix is not None and f.fix.applicability is Applicability.UNSAFE
    (edit,) = f.fix.edits
    assert edit.sensitive and edit.replacement == '"a%23b%40c"'
    assert Path(edit.span.path).name == ".env"
    # no host-unknown on a fragment of the password ("c")
    assert lint(registry, tmp_path, files, "CMP107") == []


def test_no_fix_when_the_variable_also_sets_the_servers_password(
    registry: Registry, tmp_path: Path
) -> None:
    # encoding PW in .env would change MYSQL_PASSWORD too: the client would then
    # log in with a password the server was never given
    compose = INTERPOLATED + "    environment:\n      MYSQL_PASSWORD: ${PW}\n"
    files = {"compose.yaml": compose, ".env": 'PW="a#b@c"\n'}
    (f,) = lint(registry, tmp_path, files, "CMP301")
    assert where([f]) == [("CMP301", 5, 33, 38)]
    assert f.fix is None


def test_no_fix_when_the_env_file_is_also_a_containers_env_file(
    registry: Registry, tmp_path: Path
) -> None:
    compose = INTERPOLATED.replace(
        "    environment:\n", "    env_file: .env\n    environment:\n", 1
    )
    files = {"compose.yaml": compose, ".env": 'PW="a#b@c"\n'}
    (f,) = lint(registry, tmp_path, files, "CMP301")
    assert f.fix is None


def test_encoded_interpolated_userinfo_is_silent(registry: Registry, tmp_path: Path) -> None:
    files = {"compose.yaml": INTERPOLATED, ".env": 'PW="a%23b%40c"\n'}
    assert lint(registry, tmp_path, files, "CMP301", "CMP107") == []


def test_userinfo_from_a_default_has_no_fix(registry: Registry, tmp_path: Path) -> None:
    text = INTERPOLATED.replace("${PW}", "${PW:-a/b}")  # no .env line to edit
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "CMP301")
    assert where([f]) == [("CMP301", 5, 33, 43)]  # the whole expression
    assert f.fix is None and f.related == ()


def test_at_then_slash_in_a_literal_password(registry: Registry, tmp_path: Path) -> None:
    text = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: mysql://app:p@ss/w@db/app
  db:
    image: mysql:8
"""
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "CMP301")
    assert where([f]) == [("CMP301", 5, 29, 39)]  # app:p@ss/w
    assert f.fix is not None and f.fix.applicability is Applicability.SAFE
    assert f.fix.edits[0].replacement == "app:p%40ss%2Fw"
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP107") == []  # not "ss"


def test_userinfo_literal_in_the_env_url(registry: Registry, tmp_path: Path) -> None:
    compose = INTERPOLATED.replace("mysql://app:${PW}@db/app", "${DATABASE_URL}")
    files = {"compose.yaml": compose, ".env": "DATABASE_URL=mysql://app:a#b@c@db/app\n"}
    (f,) = lint(registry, tmp_path, files, "CMP301")
    assert f.span is not None and Path(f.span.path).name == ".env"
    assert (f.span.line, f.span.col, f.span.end_col) == (1, 22, 31)  # app:a#b@c
    assert f.fix is not None and f.fix.applicability is Applicability.SAFE
    assert f.fix.edits[0].replacement == "app:a%23b%40c"


def test_userinfo_around_a_variable_fixes_the_character(registry: Registry, tmp_path: Path) -> None:
    text = INTERPOLATED.replace("mysql://app:${PW}@db/app", "mysql://${DB_USER}:p@ss@db/app")
    files = {"compose.yaml": text, ".env": "DB_USER=app\n"}
    (f,) = lint(registry, tmp_path, files, "CMP301")
    assert where([f]) == [("CMP301", 5, 41, 42)]  # the first '@'
    assert f.fix is not None and f.fix.edits[0].replacement == "%40"


def test_stray_percent_in_a_literal_password(registry: Registry, tmp_path: Path) -> None:
    text = INTERPOLATED.replace("mysql://app:${PW}@db/app", "postgresql://u:50%off@db/app")
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "CMP301")
    assert where([f]) == [("CMP301", 5, 34, 42)]
    assert "invalid percent-encoded token" in (f.note or "")
    assert f.fix is not None and f.fix.edits[0].replacement == "u:50%25off"


FIX_COMPOSE = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:p@ss/w#rd@db:5432/app  # literal
      CACHE_URL: "redis://:${REDIS_PW}@cache:6379/0"
  db:
    image: postgres:16
  cache:
    image: redis:7
"""
FIX_ENV = b'# cache\nREDIS_PW="a#b@c"\n'
FIXED_COMPOSE = FIX_COMPOSE.replace("p@ss/w#rd@db", "p%40ss%2Fw%23rd@db")
FIXED_ENV = b'# cache\nREDIS_PW="a%23b%40c"\n'


def _fix(monkeypatch: pytest.MonkeyPatch, cwd: Path, *args: str) -> int:
    monkeypatch.chdir(cwd)
    return main(["--fix", *args, "--isolated", "--select", "CMP301", "."])


def test_fix_encodes_userinfo_exactly_and_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(FIX_COMPOSE)
    (tmp_path / ".env").write_bytes(FIX_ENV)
    _fix(monkeypatch, tmp_path)  # safe fixes only: the literal password
    assert (tmp_path / "compose.yaml").read_text() == FIXED_COMPOSE
    assert (tmp_path / ".env").read_bytes() == FIX_ENV
    assert _fix(monkeypatch, tmp_path, "--unsafe-fixes") == 0
    assert (tmp_path / "compose.yaml").read_text() == FIXED_COMPOSE
    assert (tmp_path / ".env").read_bytes() == FIXED_ENV
    capsys.readouterr()
    assert _fix(monkeypatch, tmp_path, "--unsafe-fixes") == 0  # a second run: nothing
    assert (tmp_path / "compose.yaml").read_text() == FIXED_COMPOSE
    assert (tmp_path / ".env").read_bytes() == FIXED_ENV
    out, err = capsys.readouterr()
    assert err == "" and "a#b" not in out and "p@ss" not in out


def test_userinfo_fixes_are_masked_in_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(FIX_COMPOSE)
    (tmp_path / ".env").write_bytes(FIX_ENV)
    monkeypatch.chdir(tmp_path)
    main(["--isolated", "--select", "CMP301", "--format", "json", "."])
    out = capsys.readouterr().out
    edits = [e for f in json.loads(out)["findings"] for e in f["fix"]["edits"]]
    assert len(edits) == 2 and all(e["replacement"] == "****" for e in edits)
    assert "a%23b" not in out and "a#b" not in out


@pytest.mark.skipif(
    find_compose() is None, reason="the reference docker-compose binary is not installed"
)
def test_fixed_userinfo_is_accepted_by_compose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    binary = find_compose()
    assert binary is not None
    (tmp_path / "compose.yaml").write_text(FIX_COMPOSE)
    (tmp_path / ".env").write_bytes(FIX_ENV)
    _fix(monkeypatch, tmp_path, "--unsafe-fixes")
    done = subprocess.run(
        [binary, "config", "--format", "json"],
        cwd=tmp_path,
        env=clean_env(tmp_path),
        capture_output=True,
        check=True,
    )
    env = json.loads(done.stdout)["services"]["app"]["environment"]
    assert env == {
        "DATABASE_URL": "postgresql://app:p%40ss%2Fw%23rd@db:5432/app",
        "CACHE_URL": "redis://:a%23b%40c@cache:6379/0",
    }


# -- CMP303: port after the path, libpq settings in their own variables ----------------


def test_port_after_path(registry: Registry, tmp_path: Path) -> None:
    text = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgres://db/app:5433
      GOOD_URL: postgres://db:5433/app
  db:
    image: postgres:16
"""
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "CMP303")
    assert where([f]) == [("CMP303", 5, 38, 43)]
    assert f.message == "DATABASE_URL: the port is written after the database name"
    assert 'database "app:5433" does not exist' in (f.note or "")


LIBPQ_VARS = """\
services:
  app:
    image: acme/app
    environment:
      PGSSLMODE: required
      PGTARGETSESSIONATTRS: master
      PGGSSENCMODE: Disable
      DATABASE_URL: postgresql://db/app?target_session_attrs=readwrite
  db:
    image: postgres:16
"""


def test_invalid_libpq_settings(registry: Registry, tmp_path: Path) -> None:
    findings = lint(registry, tmp_path, {"compose.yaml": LIBPQ_VARS}, "CMP303")
    assert where(findings) == [
        ("CMP303", 5, 18, 26),
        ("CMP303", 6, 29, 35),
        ("CMP303", 7, 21, 28),
        ("CMP303", 8, 62, 71),
    ]
    ssl, tsa, gss, url = findings
    assert ssl.message == "PGSSLMODE is not a valid sslmode value"
    assert ssl.severity is Severity.ERROR and "no-verify" in (ssl.help or "")
    assert tsa.help == "use one of any, read-write, read-only, primary, standby, prefer-standby"
    assert "invalid target_session_attrs value" in (tsa.note or "")
    assert gss.message == "PGGSSENCMODE is not a valid gssencmode value"
    assert url.message.startswith("DATABASE_URL: target_session_attrs must be one of any")


def test_valid_libpq_settings_are_silent(registry: Registry, tmp_path: Path) -> None:
    text = (
        LIBPQ_VARS.replace("required", "require")
        .replace("master", "read-write")
        .replace("Disable", "disable")
        .replace("readwrite", "primary")
    )
    text = text.replace("      PGSSLMODE: require\n", "      PGSSLMODE: no-verify\n")
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP303") == []


# -- CMP302: scheme-less *_URL, SQLAlchemy's postgres:// --------------------------------


SCHEMELESS = """\
services:
  worker:
    image: acme/worker
    environment:
      BROKER_URL: rabbitmq:5672
      SCHEMA_REGISTRY_KAFKASTORE_CONNECTION_URL: zookeeper:2181
      CACHE_URL: memcached:11211
  rabbitmq:
    image: rabbitmq:3
  zookeeper:
    image: zookeeper:3.9
  memcached:
    image: memcached:1
"""


def test_scheme_less_url(registry: Registry, tmp_path: Path) -> None:
    (f,) = lint(registry, tmp_path, {"compose.yaml": SCHEMELESS}, "CMP302")
    assert where([f]) == [("CMP302", 5, 19, 27)]
    assert f.severity is Severity.WARNING
    assert f.message == "BROKER_URL has no scheme: URL parsers read 'rabbitmq' as the scheme"
    assert f.help == "write amqp://rabbitmq:5672"
    assert f.fix is not None and f.fix.applicability is Applicability.UNSAFE
    assert f.fix.edits[0].replacement == "amqp://rabbitmq"


def test_url_with_scheme_is_silent(registry: Registry, tmp_path: Path) -> None:
    text = SCHEMELESS.replace("rabbitmq:5672", "amqp://rabbitmq:5672")
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP302") == []


SQLALCHEMY = """\
services:
  app:
    image: acme/app
    environment:
      SQLALCHEMY_DATABASE_URI: postgres://app:${PW}@db:5432/app
      MYAPP_SQLALCHEMY_URL: postgres+psycopg2://app:${PW}@db/app
      DATABASE_URL: postgres://app:${PW}@db:5432/app
  db:
    image: postgres:16
"""


def test_sqlalchemy_postgres_scheme(registry: Registry, tmp_path: Path) -> None:
    findings = lint(registry, tmp_path, {"compose.yaml": SQLALCHEMY}, "CMP302")
    assert where(findings) == [("CMP302", 5, 32, 40), ("CMP302", 6, 29, 46)]
    first, second = findings
    assert first.severity is Severity.WARNING
    assert first.message == (
        "SQLALCHEMY_DATABASE_URI uses postgres://, which SQLAlchemy 1.4 and later reject"
    )
    assert "Can't load plugin: sqlalchemy.dialects:postgres" in (first.note or "")
    assert second.help == "write postgresql+psycopg2://"
    assert first.fix is not None and first.fix.applicability is Applicability.SAFE
    (edit,) = first.fix.edits
    assert (edit.span.col, edit.span.end_col, edit.replacement) == (32, 40, "postgresql")


def test_sqlalchemy_postgresql_scheme_is_silent(registry: Registry, tmp_path: Path) -> None:
    text = SQLALCHEMY.replace("postgres://", "postgresql://").replace("postgres+", "postgresql+")
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP302") == []


# -- CMP109: '_' in the host of a URL of any scheme -----------------------------------


UNDERSCORE = """\
services:
  app:
    image: acme/app
    environment:
      REDIS_URL: redis://redis_cache:6379/0
      SPRING_DATA_REDIS_URL: redis://redis_cache:6379
  redis_cache:
    image: redis:7
"""


def test_underscore_in_any_url_host(registry: Registry, tmp_path: Path) -> None:
    findings = lint(registry, tmp_path, {"compose.yaml": UNDERSCORE}, "CMP109")
    assert where(findings) == [("CMP109", 5, 31, 32), ("CMP109", 6, 43, 44)]
    plain, spring = findings
    assert plain.severity is Severity.INFO
    assert spring.severity is Severity.WARNING  # Spring parses it with java.net.URI
    assert "java.net.URI" in (spring.note or "")


def test_hyphen_in_url_host_is_silent(registry: Registry, tmp_path: Path) -> None:
    text = UNDERSCORE.replace("redis_cache", "redis-cache")
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP109") == []


# -- CMP107: near misses of host.docker.internal ---------------------------------------


SPECIAL = """\
services:
  app:
    image: acme/app
    environment:
      API_URL: http://host.docker.intenral:8080
      METRICS_URL: http://docker.host.internal:9100
      PODMAN_URL: http://host.containers.internal:8080
      OTHER_URL: http://api.example.com
"""


def test_near_miss_of_host_docker_internal(registry: Registry, tmp_path: Path) -> None:
    findings = lint(registry, tmp_path, {"compose.yaml": SPECIAL}, "CMP107")
    assert where(findings) == [("CMP107", 5, 23, 43), ("CMP107", 6, 27, 47)]
    typo, swapped = findings
    assert typo.severity is Severity.ERROR
    assert typo.message == 'API_URL in service "app" points at unknown host "host.docker.intenral"'
    assert (typo.help or "").startswith('did you mean "host.docker.internal"?')
    assert (swapped.help or "").startswith('did you mean "host.docker.internal"?')


def test_special_names_spelt_right_are_silent(registry: Registry, tmp_path: Path) -> None:
    text = SPECIAL.replace("intenral", "internal").replace("docker.host.", "host.docker.")
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP107") == []


def test_pieces_match_raw_text_and_expansions() -> None:
    from composelint.analysis.connections import piece_at, pieces
    from composelint.model.nodes import Scalar, Substitution

    pw = Substitution("PW", "env", "a#b", None, "${PW}")
    node = Scalar("x:$1a#b@db", None, raw="x:$$1${PW}@db", subs=(pw,))
    got = pieces(node)
    assert got is not None
    assert [(p.start, p.end, p.sub is not None, p.raw) for p in got] == [
        (0, 2, False, 0),
        (2, 3, False, 2),  # '$$': one '$', two characters of raw text
        (3, 4, False, 4),
        (4, 7, True, 5),
        (7, 10, False, 10),
    ]
    assert piece_at(node, 5) is not None and piece_at(node, 8) is None
    listed = Scalar("u:a#b", None, raw="URL=u:${PW}", subs=(pw,))  # '- URL=...' items
    assert [p.raw for p in pieces(listed) or []] == [4, 6]
    assert pieces(Scalar("other", None, raw="u:${PW}", subs=(pw,))) is None


FRAGMENT = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://u:5432/x@db/app
  db:
    image: postgres:16
"""


def test_host_that_is_a_fragment_of_the_userinfo(registry: Registry, tmp_path: Path) -> None:
    (f,) = lint(registry, tmp_path, {"compose.yaml": FRAGMENT}, "CMP107")
    assert where([f]) == [("CMP107", 5, 34, 35)]
    assert 'read "u" as the host, not "db"' in (f.note or "")
    assert f.help == 'percent-encode the "/" of the password as %2F'


def test_encoded_fragment_is_silent(registry: Registry, tmp_path: Path) -> None:
    text = FRAGMENT.replace("5432/x@db", "5432%2Fx@db")
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP107", "CMP301") == []
