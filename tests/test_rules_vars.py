"""Variable rules (CMP501-CMP506): exact line:col, fixes, masked values, silence."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_rules_env import applied, at, lint

from composelint.lint.registry import Registry
from composelint.model.findings import Edit, Severity
from composelint.model.span import Span


def test_var_undefined_shows_the_resulting_value_masked(registry: Registry, tmp_path: Path) -> None:
    compose = (
        "services:\n  app:\n    image: acme/app\n    environment:\n"
        "      DATABASE_URL: postgresql://${DB_USER}:${DB_PASS}@${DB_HOST}:5432/\n"
        "      DB_PASSWORD: hunter2${SUFFIX}\n"
    )
    findings = lint(registry, tmp_path, {"compose.yaml": compose}, "CMP501")
    assert at(findings) == [
        ("CMP501", "compose.yaml", 5, 34),
        ("CMP501", "compose.yaml", 5, 45),
        ("CMP501", "compose.yaml", 5, 56),
        ("CMP501", "compose.yaml", 6, 27),
    ]
    assert findings[0].note == (
        'Compose substitutes an empty string: the value becomes "postgresql://:@:5432/"'
    )
    assert findings[3].note is not None and findings[3].note.endswith('the value becomes "****"')
    assert findings[0].message == 'variable "DB_USER" is not set'
    assert findings[0].help == (
        "set it in the project .env file or give a default: ${DB_USER:-value}"
    )

    assert all("hunter2" not in f"{f.message}{f.note}{f.help}" for f in findings)


def test_var_only_in_env_file(registry: Registry, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    compose = "services:\n  app:\n    image: acme/app:${APP_TAG}\n    env_file: app.env\n"
    files = {"compose.yaml": compose, "app.env": "X=1\nAPP_TAG=1.2\n"}
    (f,) = lint(registry, tmp_path, files, "var-only-in-env-file", monkeypatch=monkeypatch)
    assert (f.code, f.span) == ("CMP502", Span("compose.yaml", 3, 21, 3, 31))
    assert f.related[0].span == Span("app.env", 2, 1, 2, 8)
    files[".env"] = "APP_TAG=1.2\n"
    assert lint(registry, tmp_path, files, "CMP502", monkeypatch=monkeypatch) == []


UNESCAPED = """\
services:
  db:
    image: postgres:${PG_TAG}
    environment:
      POSTGRES_PASSWORD: pa$word
      ADMIN_URL: http://h/$path
    command: sh -c "echo $HOME; echo $${ESCAPED}"
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U ${POSTGRES_USER}"]
    labels:
      auth: admin:$apr1$salt$hash
"""


def test_var_unescaped_dollar_in_compose(registry: Registry, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    files = {"compose.yaml": UNESCAPED, ".env": "PG_TAG=16\nPOSTGRES_USER=app\n"}
    findings = lint(registry, tmp_path, files, "CMP503", monkeypatch=monkeypatch)
    assert at(findings) == [
        ("CMP503", "compose.yaml", 5, 28),
        ("CMP503", "compose.yaml", 7, 26),
        ("CMP503", "compose.yaml", 11, 24),
        ("CMP503", "compose.yaml", 11, 29),
    ]
    password = findings[0]
    assert "word" not in f"{password.message}{password.note}{password.help}"
    assert "POSTGRES_PASSWORD" in password.message
    assert password.fix is not None
    assert password.fix.edits == (Edit(Span("compose.yaml", 5, 28, 5, 29), "$$"),)
    assert findings[1].message == (
        '"$HOME" is interpolated by Compose, not by the container\'s shell'
    )
    assert findings[1].note == "Compose replaces it when the file is loaded (an empty string)"
    assert findings[1].help == "write $$ to pass a literal $ to the container"


def test_var_unescaped_dollar_in_env_file(registry: Registry, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    compose = "services:\n  app:\n    image: a\n    env_file: app.env\n"
    env = "DB_PASSWORD=pa$word\nOK='pa$word'\nREF=${DB_PASSWORD}\nX=\"a$b\"\n"
    files = {"compose.yaml": compose, "app.env": env}
    findings = lint(registry, tmp_path, files, "CMP503", monkeypatch=monkeypatch)
    assert at(findings) == [("CMP503", "app.env", 1, 15), ("CMP503", "app.env", 4, 5)]
    assert applied(env, findings[0].fix).splitlines()[0] == "DB_PASSWORD='pa$word'"
    assert applied(env, findings[1].fix).splitlines()[3] == 'X="a$$b"'


def test_var_unescaped_dollar_silent(registry: Registry, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    compose = (
        "services:\n  app:\n    image: a:${TAG}\n    command: echo $$HOME ${GREETING:-hi}\n"
        "    environment:\n      DB_PASSWORD: ${DB_PASSWORD}\n"
    )
    files = {"compose.yaml": compose, ".env": "TAG=1\nDB_PASSWORD='pa$$x'\n"}
    assert lint(registry, tmp_path, files, "CMP503", monkeypatch=monkeypatch) == []


def test_env_not_passed(registry: Registry, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    compose = "services:\n  app:\n    image: a:${TAG}\n"
    env = "TAG=1\nDATABASE_URL=postgresql://app:pw@db:5432/app\nLOG_LEVEL=info\n"
    files = {"compose.yaml": compose, ".env": env}
    (f,) = lint(registry, tmp_path, files, "env-not-passed", monkeypatch=monkeypatch)
    assert (f.code, f.span) == ("CMP504", Span(".env", 2, 1, 2, 13))
    assert "pw" not in f"{f.message}{f.note}{f.help}"


@pytest.mark.parametrize(
    "compose",
    [
        "services:\n  app:\n    image: a\n    environment: [DATABASE_URL]\n",
        "services:\n  app:\n    image: a\n    environment:\n      DATABASE_URL:\n",
        "services:\n  app:\n    image: a\n    environment:\n      DB: ${DATABASE_URL}\n",
        "services:\n  app:\n    image: a\n    env_file: .env\n",
        "services:\n  app:\n    image: a\n    volumes: [.:/app]\n",
        "services:\n  app:\n    image: a\n    volumes: [./.env:/app/.env:ro]\n",
    ],
)
def test_env_not_passed_silent(
    registry: Registry, tmp_path: Path, monkeypatch, compose: str
) -> None:  # type: ignore[no-untyped-def]
    files = {"compose.yaml": compose, ".env": "DATABASE_URL=postgresql://db/app\n"}
    assert lint(registry, tmp_path, files, "CMP504", monkeypatch=monkeypatch) == []


BUILD = "services:\n  app:\n    build: .\n"
DOTENV = {".env": "DATABASE_URL=postgresql://db/app\n"}


@pytest.mark.parametrize(
    "files",
    [
        {"Dockerfile": "FROM python:3.12\nCOPY src/ /app/\n"},  # never copies .env
        {"Dockerfile": "FROM x AS b\nFROM y\nCOPY --from=b . /app\n"},  # another stage
        {"Dockerfile": "FROM x\nCOPY . /app\n", ".dockerignore": "# secrets\n.env\n"},
        {"Dockerfile": "FROM x\nCOPY . /app\n", ".dockerignore": "*\n!src\n"},
        {"Dockerfile": "FROM x\nCOPY . /app\n", "Dockerfile.dockerignore": "**/.env*\n"},
        {"Dockerfile": "FROM x\nRUN <<EOF\nCOPY . /app\nEOF\n"},  # a heredoc body
    ],
)
def test_env_not_passed_with_a_build_that_does_not_copy_it(
    registry: Registry, tmp_path: Path, monkeypatch, files: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    project = {"compose.yaml": BUILD, **DOTENV, **files}
    (f,) = lint(registry, tmp_path, project, "CMP504", monkeypatch=monkeypatch)
    assert (f.code, f.span) == ("CMP504", Span(".env", 1, 1, 1, 13))


@pytest.mark.parametrize(
    ("compose", "files"),
    [
        (BUILD, {"Dockerfile": "FROM x\nCOPY . /app\n"}),
        (BUILD, {"Dockerfile": "FROM x\nCOPY --chown=app \\\n  .env* /app/\n"}),
        (BUILD, {"Dockerfile": 'FROM x\nADD ["*", "/app/"]\n'}),
        (BUILD, {"Dockerfile": "FROM x\nCOPY . /app\n", ".dockerignore": ".env*\n!.env\n"}),
        (BUILD, {"Dockerfile": "FROM x\nCOPY . /app\n", ".dockerignore": "sub/.env\n"}),
        (BUILD, {"Dockerfile": "FROM x\nARG SRC=.\nCOPY ${SRC} /app\n"}),
        (BUILD, {}),  # no Dockerfile: nothing known, the context counts as copied
        (
            "services:\n  app:\n    build: {context: ., dockerfile: docker/app.Dockerfile}\n",
            {"docker/app.Dockerfile": "FROM x\nCOPY . /app\n"},
        ),
        (
            "services:\n  app:\n    build:\n      context: .\n"
            "      dockerfile_inline: |\n        FROM x\n        COPY . /app\n",
            {},
        ),
    ],
)
def test_env_not_passed_silent_when_the_build_copies_it(
    registry: Registry, tmp_path: Path, monkeypatch, compose: str, files: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    project = {"compose.yaml": compose, **DOTENV, **files}
    assert lint(registry, tmp_path, project, "CMP504", monkeypatch=monkeypatch) == []


def test_env_shadowed(registry: Registry, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    compose = (
        "services:\n  app:\n    image: a\n    env_file: app.env\n"
        "    environment:\n      LOG_LEVEL: info\n      SAME: 1\n      - X\n"
    )
    compose = compose.replace("      - X\n", "")
    files = {"compose.yaml": compose, "app.env": "LOG_LEVEL=debug\nSAME=1\nONLY=here\n"}
    (f,) = lint(registry, tmp_path, files, "env-shadowed", monkeypatch=monkeypatch)
    assert (f.code, f.span.line, f.span.col) == ("CMP505", 6, 7)  # type: ignore[union-attr]
    assert f.related[0].span == Span("app.env", 1, 11, 1, 16)
    bare = compose.replace(
        "    environment:\n      LOG_LEVEL: info\n      SAME: 1\n", "    environment: [LOG_LEVEL]\n"
    )
    (f,) = lint(registry, tmp_path, {"compose.yaml": bare}, "CMP505", monkeypatch=monkeypatch)
    assert f.note is not None and "unset in the container" in f.note
    assert f.help == "remove the environment entry"


def test_env_example_drift(registry: Registry, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    files = {
        "compose.yaml": "services:\n  app:\n    image: a\n",
        ".env": "A=1\nB=2\nONLY_REAL=3\n",
        ".env.example": "# template\nA=\nB=\nONLY_EXAMPLE=\n",
    }
    findings = lint(registry, tmp_path, files, "env-example-drift", monkeypatch=monkeypatch)
    assert at(findings) == [("CMP506", ".env", 3, 1), ("CMP506", ".env.example", 4, 1)]
    assert all(f.severity is Severity.WARNING for f in findings)
    files[".env.example"] = "A=\nB=\nONLY_REAL=\n"
    assert lint(registry, tmp_path, files, "CMP506", monkeypatch=monkeypatch) == []
