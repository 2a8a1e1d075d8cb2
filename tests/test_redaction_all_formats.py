"""No output of composelint ever contains a secret: every registered report format
(discovered dynamically, so formats added later are covered), `config` without
--show-secrets, and `graph`, over a project full of passwords, tokens and keys
written in every way the rules might quote them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from composelint import cli
from composelint.output.reporters import FORMATS

COMPOSE = """\
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: Pg-Literal-Pw-1
      MYSQL_PASSWORD: Dollar$ecretPw2
      - BAD
    ports:
      - 22:22
  app:
    build:
      context: ./missing-context
      args:
        NPM_TOKEN: npm_TokenValue3
    environment:
      - DATABASE_URL=postgresql://app:UrlUserinfoPw4@db:5432/app
      - JWT_SECRET=JwtSecretValue5
      - LIBPQ=host=db password=LibpqPassword6 user=app
      - ADO=Server=db;Database=app;User Id=sa;Password=AdoNetPassword7;
      - API_KEY="QuotedApiKey8"
      - DEFAULTED=${DB_PASSWORD:-DefaultPassword9}
      - PW_URL=postgresql://app:${UNSET_USER_PW}UnsetTail10@dbb:5432/app
    env_file: [app.env]
    volumes:
      - ./missing-logs:/app/logs
    command: ["--dsn", "postgresql://u:CommandPw11@db/app"]
"""
ENV = """\
DB_PASSWORD=EnvFilePassword12
DB_PASSWORD=EnvFilePassword13
STRIPE_KEY = sk_live_StripeKey14
DATABASE_URL=postgresql://app:EnvUrlPassword15@localhost:5432/app
PRIVATE_KEY="-----BEGIN KEY-----
MultiLinePrivateKey16
-----END KEY-----"
SESSION_SECRET=spaced Session Secret17
"""
APP_ENV = """\
REDIS_PASSWORD=pa$RedisPassword18
ADMIN_TOKEN=AdminToken19 # note
  AUTH_SECRET=AuthSecret20\t# tab
JWT_SECRET=FromEnvFile21
"""
SECRETS = [
    "Pg-Literal-Pw-1",
    "ecretPw2",
    "npm_TokenValue3",
    "UrlUserinfoPw4",
    "JwtSecretValue5",
    "LibpqPassword6",
    "AdoNetPassword7",
    "QuotedApiKey8",
    "DefaultPassword9",
    "UnsetTail10",
    "CommandPw11",
    "EnvFilePassword12",
    "EnvFilePassword13",
    "StripeKey14",
    "EnvUrlPassword15",
    "MultiLinePrivateKey16",
    "Session Secret17",
    "Secret17",
    "RedisPassword18",
    "AdminToken19",
    "AuthSecret20",
    "FromEnvFile21",
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    compose = COMPOSE.replace("      - BAD\n", "")
    (tmp_path / "compose.yaml").write_text(compose)
    (tmp_path / ".env").write_bytes(ENV.encode())
    (tmp_path / "app.env").write_text(APP_ENV)
    (tmp_path / ".env.example").write_text("DB_PASSWORD=\nOTHER_TOKEN=ExampleToken22\n")
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _assert_clean(output: str) -> None:
    leaked = [s for s in SECRETS if s in output]
    assert not leaked, f"secrets in the output: {leaked}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_report_format_prints_a_secret(
    project: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["--format", fmt, "--select", "ALL", "--no-color", "."])
    out, err = capsys.readouterr()
    assert out.strip(), "the project must produce findings"
    _assert_clean(out + err)


def test_the_report_is_about_the_secrets(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The findings that could quote a secret are really there (else the test above
    would pass vacuously)."""
    cli.main(["--format", "json", "--select", "ALL", "."])
    out = capsys.readouterr().out
    for name in (
        "secret-in-compose",
        "var-unescaped-dollar",
        "var-undefined",
        "env-duplicate-key",
        "env-whitespace-around-equals",
        "env-unquoted-space",
        "env-inline-comment",
        "env-file-not-ignored",
        "env-example-drift",
    ):
        assert f'"{name}"' in out, name


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_config_masks_secrets(project: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["config", "--format", fmt])
    out, err = capsys.readouterr()
    assert "services" in out + err
    _assert_clean(out + err)


@pytest.mark.skipif(
    importlib.util.find_spec("composelint.output.graph") is None, reason="no graph command"
)
@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_graph_masks_secrets(project: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["graph", "--format", fmt])
    out, err = capsys.readouterr()
    assert out.strip() or err.strip()
    _assert_clean(out + err)


# -- secrets the key name does not give away, or written in unusual places -----------

HOSTILE_COMPOSE = """\
x-pw: &pw AnchorSecret5
services:
  db:
    image: mysql:8
    environment:
      DB_PASSWORD: *pw
      DATABASE_URL: postgres://u:pw@AtSecret1@db/x
      HASH_URL: postgres://u:pw#HashSecret2@db/x
      DB_URL: mysql://root:pw:ColonSecret3/x@db
      MY_PASSWORD:
        NextLineSecret6
      "SOME_SECRET ": TrailingSpaceSecret7
      ? OTHER_SECRET
      : ComplexKeySecret8
      KAFKA_OPTS: "-Dx=y username=\\"u\\" password=\\"JaasSecret9\\";"
      STRIPE_SK: StripeSkSecret12
      NPM_AUTH: NpmAuthSecret13
      SLACK_WEBHOOK: https://hooks.slack.com/services/T000/B000/SlackSecret14
      SENTRY_DSN: https://0123456789abcdef0123456789abcdef@o1.ingest.sentry.io/1
      APP_CONFIG: '{"password": "JsonSecret16"}'
      GH: ghp_GithubShapedSecret17abcdefghijklmnop
      AWS_ID: AKIAQWERTYUIOPASDFGH
    command: ["mysqld", "--password", "FlagSecret10"]
    healthcheck:
      test: mysqladmin ping -uroot -pGluedSecret11
    labels:
      - traefik.http.middlewares.a.basicauth.users=admin:$$apr1$$BasicSecret15
  app:
    image: app
    env_file: [app.env]
"""
HOSTILE_ENV = "API_TOKEN=abc #CommentSecret4\n"
HOSTILE_SECRETS = [
    "AtSecret1",
    "HashSecret2",
    "ColonSecret3",
    "CommentSecret4",
    "AnchorSecret5",
    "NextLineSecret6",
    "TrailingSpaceSecret7",
    "ComplexKeySecret8",
    "JaasSecret9",
    "FlagSecret10",
    "GluedSecret11",
    "StripeSkSecret12",
    "NpmAuthSecret13",
    "SlackSecret14",
    "BasicSecret15",
    "0123456789abcdef0123456789abcdef",
    "JsonSecret16",
    "GithubShapedSecret17",
    "AKIAQWERTYUIOPASDFGH",
]


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "compose.yaml").write_text(HOSTILE_COMPOSE)
    (tmp_path / "app.env").write_text(HOSTILE_ENV)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _assert_hostile_clean(output: str) -> None:
    leaked = [s for s in HOSTILE_SECRETS if s in output]
    assert not leaked, f"secrets in the output: {leaked}"


def test_every_line_of_the_hostile_files_is_masked() -> None:
    """What a code frame or fingerprint shows of any line of these files."""
    from composelint.output.redact import MaskedLines

    for text in (HOSTILE_COMPOSE, HOSTILE_ENV):
        lines = MaskedLines(text.splitlines())
        _assert_hostile_clean("\n".join(lines[i] for i in range(len(lines))))
    shown = MaskedLines(HOSTILE_COMPOSE.splitlines())
    assert shown[0] == "x-pw: &pw ****"  # the anchor a secret key aliases
    assert shown[6] == "      DATABASE_URL: postgres://u:****@db/x"  # up to the last "@"
    assert shown[8] == "      DB_URL: mysql://root:****@db"
    assert shown[3] == "    image: mysql:8"  # and nothing else


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_report_format_prints_a_hidden_secret(
    hostile: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["--format", fmt, "--select", "ALL", "--no-color", "."])
    out, err = capsys.readouterr()
    assert out.strip()
    _assert_hostile_clean(out + err)


def test_the_inline_comment_fix_is_reported_masked(
    hostile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The fix moves "#CommentSecret4" (part of the token for docker run): the
    replacement is masked in the report, and ``--fix`` still writes the real text."""
    import json

    cli.main(["--format", "json", "--select", "env-inline-comment", "."])
    report = json.loads(capsys.readouterr().out)
    edits = [e for f in report["findings"] for e in f["fix"]["edits"]]
    assert [e["replacement"] for e in edits] == ["****", ""]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_config_masks_hidden_secrets(
    hostile: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["config", "--format", fmt])
    out, err = capsys.readouterr()
    assert "services" in out
    _assert_hostile_clean(out + err)
    assert "AnchorSecret5" in _show_secrets(capsys, fmt)  # the masking is not a loss


def _show_secrets(capsys: pytest.CaptureFixture[str], fmt: str) -> str:
    cli.main(["config", "--format", fmt, "--show-secrets"])
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_graph_masks_hidden_secrets(
    hostile: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["graph", "--format", fmt])
    out, err = capsys.readouterr()
    assert out.strip()
    _assert_hostile_clean(out + err)
