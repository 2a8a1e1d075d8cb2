"""``composelint --fix`` / ``--diff`` through the command line: exact bytes after,
nothing else moved, a second run changes nothing, the model is what Compose says."""

from __future__ import annotations

import io
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from compose_ref import clean_env, find_compose

from composelint.cli import main

COMPOSE_BEFORE = """\
version: "3.8"  # obsolete
x-common: &common
  restart: unless-stopped   # anchors stay
services:
  web:
    <<: *common
    image: nginx:1.27
    ports:
      - 22:22
      - "8080:80"
    environment: {LOG: "debug"}   # flow style stays
  db:
    <<: *common
    image: postgres:16
    env_file: db.env
"""
COMPOSE_AFTER = COMPOSE_BEFORE.replace('version: "3.8"  # obsolete\n', "").replace(
    "      - 22:22\n", '      - "22:22"\n'
)
ENV_BEFORE = (
    b"# db settings\r\nPOSTGRES_USER = app\r\nPOSTGRES_DB=app  \r\nPOSTGRES_PASSWORD=change-me"
)
ENV_AFTER = b"# db settings\nPOSTGRES_USER=app\nPOSTGRES_DB=app\nPOSTGRES_PASSWORD=change-me\n"


def _project(tmp_path: Path) -> Path:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "compose.yaml").write_text(COMPOSE_BEFORE)
    (tmp_path / "db.env").write_bytes(ENV_BEFORE)
    return tmp_path


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], cwd: Path, *args: str
) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    code = main([*args, "--isolated"])
    out, err = capsys.readouterr()
    return code, out, err


def test_fix_gives_exactly_the_after_bytes_and_a_second_fix_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path)
    code, out, err = _run(monkeypatch, capsys, project, "--fix", "--show-fixes", ".")
    assert (project / "compose.yaml").read_text() == COMPOSE_AFTER
    assert (project / "db.env").read_bytes() == ENV_AFTER
    assert (
        out.splitlines()[0]
        == "Fixed compose.yaml:1:1: CMP701 compose-version-obsolete: delete the version line"
    )
    assert "fixed 6 finding(s) in 2 file(s)" in err
    assert out.endswith("All checks passed.\n") and code == 0
    code, out, err = _run(monkeypatch, capsys, project, "--fix", ".")
    assert (project / "compose.yaml").read_text() == COMPOSE_AFTER
    assert (project / "db.env").read_bytes() == ENV_AFTER
    assert err == "" and code == 0


def test_lint_marks_fixable_findings_and_counts_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path)
    code, out, _ = _run(monkeypatch, capsys, project, ".")
    assert "compose.yaml:9:9: CMP702 [*] [warning] unquoted port mapping 22:22" in out
    assert out.endswith("[*] 6 fixable with --fix.\n")
    assert code == 0  # warnings and info only: the default fail-on is error
    assert (project / "compose.yaml").read_text() == COMPOSE_BEFORE  # lint never writes


def test_diff_changes_nothing_and_applies_with_git_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path / "p")
    code, out, _ = _run(monkeypatch, capsys, project, "--diff", ".")
    assert code == 1
    assert (project / "compose.yaml").read_text() == COMPOSE_BEFORE
    assert (project / "db.env").read_bytes() == ENV_BEFORE
    if shutil.which("git"):
        subprocess.run(["git", "apply", "-"], input=out.encode(), cwd=project, check=True)
        assert (project / "compose.yaml").read_text() == COMPOSE_AFTER
        assert (project / "db.env").read_bytes() == ENV_AFTER
        code, out, _ = _run(monkeypatch, capsys, project, "--diff", ".")
        assert (code, out) == (0, "")


def test_unsafe_fixes_only_with_the_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    image: nginx\n    environment:\n      - 'TOKEN=\"abc\"'\n"
    )
    before = (tmp_path / "compose.yaml").read_text()
    _run(monkeypatch, capsys, tmp_path, "--fix", ".")
    assert (tmp_path / "compose.yaml").read_text() == before  # removing kept quotes is unsafe
    _run(monkeypatch, capsys, tmp_path, "--fix", "--unsafe-fixes", ".")
    assert (tmp_path / "compose.yaml").read_text() == (
        "services:\n  app:\n    image: nginx\n    environment:\n      - 'TOKEN=abc'\n"
    )


def test_fix_only_exits_0_when_findings_remain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(
        'version: "3"\nservices:\n  app:\n    image: nginx\n    depends_on: [nope]\n'
    )
    code, _, _ = _run(monkeypatch, capsys, tmp_path, "--fix", ".")
    assert code == 1  # the dangling depends_on has no fix
    assert not (tmp_path / "compose.yaml").read_text().startswith("version")
    (tmp_path / "compose.yaml").write_text(
        'version: "3"\n' + (tmp_path / "compose.yaml").read_text()
    )
    code, _, _ = _run(monkeypatch, capsys, tmp_path, "--fix-only", ".")
    assert code == 0


def test_stdin_buffer_is_fixed_to_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        sys,
        "stdin",
        io.TextIOWrapper(io.BytesIO(b"services:\n  a:\n    image: x\n    ports: [22:22]\n")),
    )
    code, out, err = _run(
        monkeypatch, capsys, tmp_path, "--fix", "-", "--stdin-filename", "compose.yaml"
    )
    assert err == "composelint: fixed 1 finding(s) in the buffer read from stdin\n"
    assert out == 'services:\n  a:\n    image: x\n    ports: ["22:22"]\n'
    assert list(tmp_path.iterdir()) == []  # nothing written for stdin
    assert code == 0


@pytest.mark.skipif(
    find_compose() is None, reason="the reference docker-compose binary is not installed"
)
def test_safe_fixes_keep_the_model_compose_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    binary = find_compose()
    assert binary is not None
    project = _project(tmp_path)
    env = clean_env(tmp_path)

    def model() -> object:
        done = subprocess.run(
            [binary, "config", "--format", "json"],
            cwd=project,
            env=env,
            capture_output=True,
            check=True,
        )
        return json.loads(done.stdout)

    before = model()
    _run(monkeypatch, capsys, project, "--fix", ".")
    assert (project / "compose.yaml").read_text() == COMPOSE_AFTER
    assert model() == before


FIXABLE = [
    ("ports", "      - 22:22\n"),
    ("env", "    environment: {A: b}\n"),
]
ENV_LINES = [b"A = 1", b"B=2  ", b"C=x\r", b"D= y"]


@pytest.mark.parametrize("seed", range(12))
def test_random_fixable_files_converge_and_stay_valid(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rnd = random.Random(seed)
    lines = ['version: "3"\n'] if rnd.random() < 0.5 else []
    lines += [
        "services:\n",
        "  app:\n",
        "    image: nginx\n",
        "    env_file: a.env\n",
        "    ports:\n",
    ]
    lines += [
        f"      - {rnd.randint(1, 59)}:{rnd.randint(10, 59)}\n" for _ in range(rnd.randint(1, 4))
    ]
    (tmp_path / "compose.yaml").write_text("".join(lines))
    env = b"\n".join(rnd.sample(ENV_LINES, k=rnd.randint(1, len(ENV_LINES))))
    (tmp_path / "a.env").write_bytes(env if rnd.random() < 0.5 else env + b"\n")
    _run(monkeypatch, capsys, tmp_path, "--fix", ".")
    after = {p: p.read_bytes() for p in tmp_path.iterdir()}
    code, out, _ = _run(monkeypatch, capsys, tmp_path, "--diff", ".")
    assert (code, out) == (0, "")  # converged: nothing left to fix
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == after
    code, out, _ = _run(monkeypatch, capsys, tmp_path, "--select", "CMP0", ".")
    assert code == 0, out  # Compose's own checks still accept it


BOOL_BEFORE = """\
services:
  app:
    image: nginx:1.27
    environment:
      DEBUG: True   # Compose passes "true"
      FEATURE_X: off
      VERBOSE: yes
      ENABLED: true
      STRICT: FALSE
      QUOTED: "on"
  worker:
    image: nginx:1.27
    environment: {RETRY: on, DRY_RUN: false, NAME: w}
"""
BOOL_AFTER = """\
services:
  app:
    image: nginx:1.27
    environment:
      DEBUG: "true"   # Compose passes "true"
      FEATURE_X: "off"
      VERBOSE: "yes"
      ENABLED: "true"
      STRICT: "false"
      QUOTED: "on"
  worker:
    image: nginx:1.27
    environment: {RETRY: "on", DRY_RUN: "false", NAME: w}
"""
BOOL_ENVIRONMENT = {
    "app": {
        "DEBUG": "true",
        "FEATURE_X": "off",
        "VERBOSE": "yes",
        "ENABLED": "true",
        "STRICT": "false",
        "QUOTED": "on",
    },
    "worker": {"RETRY": "on", "DRY_RUN": "false", "NAME": "w"},
}


def test_fix_quotes_yaml_booleans_in_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_text(BOOL_BEFORE)
    code, _, err = _run(monkeypatch, capsys, tmp_path, "--fix", ".")
    assert compose.read_bytes() == BOOL_AFTER.encode()
    assert "fixed 7 finding(s) in 1 file(s)" in err and code == 0
    code, out, err = _run(monkeypatch, capsys, tmp_path, "--fix", ".")
    assert compose.read_bytes() == BOOL_AFTER.encode()
    assert (err, out, code) == ("", "All checks passed.\n", 0)
    binary = find_compose()
    if binary is None:
        return
    for text in (BOOL_BEFORE, BOOL_AFTER):  # the reference binary: same model before and after
        compose.write_text(text)
        done = subprocess.run(
            [binary, "config", "--format", "json"],
            cwd=tmp_path,
            env=clean_env(tmp_path),
            capture_output=True,
            check=True,
        )
        services = json.loads(done.stdout)["services"]
        assert {name: s["environment"] for name, s in services.items()} == BOOL_ENVIRONMENT
