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
