"""File-reference, secret and style rules (CMP602-CMP605, CMP701-CMP702) and the
static .gitignore matcher they rely on."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from test_rules_env import at, lint

from composelint.lint.registry import Registry
from composelint.load.gitignore import is_ignored, is_tracked
from composelint.model.findings import Edit, Severity
from composelint.model.span import Span

VOLUMES = """\
services:
  app:
    image: acme/app
    volumes:
      - ./logs:/app/logs
      - ./nginx.conf:/etc/nginx/nginx.conf:ro
      - type: bind
        source: ./present
        target: /data
      - /var/log/app:/host-logs
      - data:/var/lib/data
volumes:
  data: {}
"""


def test_bind_mount_missing(registry: Registry, tmp_path: Path) -> None:
    (tmp_path / "present").mkdir()
    findings = lint(registry, tmp_path, {"compose.yaml": VOLUMES}, "bind-mount-missing")
    assert at(findings) == [("CMP602", "compose.yaml", 5, 9), ("CMP602", "compose.yaml", 6, 9)]
    assert findings[0].message == 'bind mount source "./logs" of service "app" does not exist'
    assert findings[0].note is not None and "owned by root" in findings[0].note
    assert findings[1].note is not None and "a file mount becomes a directory" in findings[1].note
    assert findings[1].help == "create it in the repository (e.g. with a .gitkeep file)"


def test_bind_mount_present_is_silent(registry: Registry, tmp_path: Path) -> None:
    for d in ("logs", "present"):
        (tmp_path / d).mkdir()
    (tmp_path / "nginx.conf").write_text("events {}\n")
    assert lint(registry, tmp_path, {"compose.yaml": VOLUMES}, "CMP602") == []


BUILD = """\
services:
  api:
    build: ./backend
  web:
    build:
      context: ./web
      dockerfile: Dockerfile.prod
  ok:
    build: ./ok
  remote:
    build: https://github.com/acme/app.git#main
"""


def test_build_context_missing(registry: Registry, tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "Dockerfile").write_text("FROM scratch\n")
    findings = lint(registry, tmp_path, {"compose.yaml": BUILD}, "build-context-missing")
    assert at(findings) == [("CMP603", "compose.yaml", 3, 12), ("CMP603", "compose.yaml", 7, 19)]
    assert all(f.severity is Severity.WARNING for f in findings)
    (tmp_path / "backend").mkdir()
    (tmp_path / "backend" / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "web" / "Dockerfile.prod").write_text("FROM scratch\n")
    assert lint(registry, tmp_path, {"compose.yaml": BUILD}, "CMP603") == []


SECRETS = """\
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: Xk9mQ2vLp
      MYSQL_ALLOW_EMPTY_PASSWORD: "yes"
      API_TOKEN: ${API_TOKEN}
      DEFAULT_PASSWORD: change-me
      - unused
  app:
    image: acme/app
    environment:
      - DATABASE_URL=postgresql://app:s3cr3tpw@db:5432/app
      - JWT_SECRET=abcdef123456
    command: ["--dsn", "host=db password=Zq8wErTy user=app"]
"""


def test_secret_in_compose(registry: Registry, tmp_path: Path) -> None:
    text = SECRETS.replace("      - unused\n", "")
    findings = lint(registry, tmp_path, {"compose.yaml": text}, "secret-in-compose")
    assert [(f.span.line, f.span.col, f.span.end_col) for f in findings] == [  # type: ignore[union-attr]
        (5, 26, 35),
        (12, 39, 47),
        (13, 20, 32),
        (14, 42, 50),
    ]
    for secret in ("Xk9mQ2vLp", "s3cr3tpw", "abcdef123456", "Zq8wErTy"):
        assert all(secret not in f.message for f in findings)


def test_secret_in_compose_silent(registry: Registry, tmp_path: Path) -> None:
    text = "services:\n  db:\n    image: postgres\n    environment:\n      POSTGRES_PASSWORD: ${PW:?}\n      POSTGRES_PASSWORD_FILE: /run/secrets/pw\n"
    findings = lint(registry, tmp_path, {"compose.yaml": text, ".env": "PW=x\n"}, "CMP604")
    assert findings == []


ENV_SECRET = "POSTGRES_USER=app\nPOSTGRES_PASSWORD=bK7rQ2vX9mLp4TzW\n"
COMPOSE = "services:\n  app:\n    image: acme/app\n"


def test_env_file_not_ignored(registry: Registry, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".git").mkdir()
    files = {"compose.yaml": COMPOSE, ".env": ENV_SECRET, ".gitignore": "node_modules/\n"}
    (f,) = lint(registry, tmp_path, files, "env-file-not-ignored", monkeypatch=monkeypatch)
    assert (f.code, f.span, f.severity) == ("CMP605", Span(".env", 2, 1, 2, 18), Severity.WARNING)
    assert "bK7rQ2vX9mLp4TzW" not in f.message and "POSTGRES_PASSWORD" in f.message
    files[".gitignore"] = "node_modules/\n.env\n"
    assert lint(registry, tmp_path, files, "CMP605", monkeypatch=monkeypatch) == []


def test_env_file_not_ignored_silent_cases(registry: Registry, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    files = {"compose.yaml": COMPOSE, ".env": ENV_SECRET}
    # outside a git repository
    assert lint(registry, tmp_path, files, "CMP605", monkeypatch=monkeypatch) == []
    (tmp_path / ".git").mkdir()
    # placeholders only, and example files, are no secrets
    files = {
        "compose.yaml": COMPOSE,
        ".env": "POSTGRES_PASSWORD=change-me\nAPI_TOKEN=\n",
        ".env.example": "POSTGRES_PASSWORD=real-looking-Zq8wE\n",
    }
    assert lint(registry, tmp_path, files, "CMP605", monkeypatch=monkeypatch) == []


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_committed_env_file_is_only_info(registry: Registry, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    files = {"compose.yaml": COMPOSE, ".env": ENV_SECRET}
    for name, body in files.items():
        (tmp_path / name).write_text(body)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", ".env"], check=True)
    assert is_tracked(tmp_path / ".env") is True
    assert is_tracked(tmp_path / "compose.yaml") is False
    (f,) = lint(registry, tmp_path, files, "CMP605", monkeypatch=monkeypatch)
    assert f.severity is Severity.INFO and "committed" in f.message


@pytest.mark.parametrize(
    ("patterns", "path", "ignored"),
    [
        (".env\n", "a/b/.env", True),
        ("/.env\n", "a/.env", False),
        ("/.env\n", ".env", True),
        (".env*\n!.env.example\n", ".env.example", False),
        (".env*\n!.env.example\n", ".env.local", True),
        ("secrets/\n", "secrets/.env", True),
        ("secrets/\n!secrets/.env\n", "secrets/.env", True),  # parent dir stays ignored
        ("**/deploy/*.env\n", "x/y/deploy/prod.env", True),
        ("deploy/**\n", "deploy/a/b.env", True),
        ("*.env\n", "a.env.bak", False),
        ("\\#.env\n", "#.env", True),
        ("# .env\n", ".env", False),
        ("a/\n", "a", False),
    ],
)
def test_gitignore_matching(tmp_path: Path, patterns: str, path: str, ignored: bool) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text(patterns)
    assert is_ignored(tmp_path / path) is ignored
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
        rc = subprocess.run(
            ["git", "-C", str(tmp_path), "check-ignore", "-q", "--no-index", path]
        ).returncode
        assert (rc == 0) is ignored, "disagrees with git check-ignore"


def test_nested_gitignore_overrides_the_root_one(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text(".env\n")
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / ".gitignore").write_text("!.env\n")
    assert is_ignored(tmp_path / "app" / ".env") is True
    assert is_ignored(tmp_path / "demo" / ".env") is False


def test_compose_version_obsolete(registry: Registry, tmp_path: Path) -> None:
    text = 'version: "3.8"\nservices:\n  web:\n    image: nginx\n'
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "compose-version-obsolete")
    assert (f.code, f.span.line, f.span.col, f.severity) == ("CMP701", 1, 1, Severity.INFO)  # type: ignore[union-attr]
    assert f.fix is not None
    assert f.fix.edits == (Edit(Span("compose.yaml", 1, 1, 2, 1), ""),)
    clean = "services:\n  web:\n    image: nginx\n"
    assert lint(registry, tmp_path, {"compose.yaml": clean}, "CMP701") == []


def test_ports_unquoted(registry: Registry, tmp_path: Path) -> None:
    text = (
        "services:\n  git:\n    image: gitea/gitea\n    ports:\n"
        '      - 22:22\n      - 8080:80\n      - "2222:22"\n      - 2222:22\n      - 3000\n'
    )
    findings = lint(registry, tmp_path, {"compose.yaml": text}, "ports-unquoted")
    assert at(findings) == [("CMP702", "compose.yaml", 5, 9), ("CMP702", "compose.yaml", 8, 9)]
    assert findings[0].fix.edits == (Edit(Span("compose.yaml", 5, 9, 5, 14), '"22:22"'),)  # type: ignore[union-attr]
