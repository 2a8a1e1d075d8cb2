from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from composelint import __version__
from composelint.cli import _use_color, main

ROOT = Path(__file__).resolve().parents[1]
GOOD = "services:\n  web:\n    image: nginx\n    depends_on: [db]\n  db:\n    image: acme/store\n"
BAD = "services:\n  web:\n    image: nginx\n    depends_on: [dbb]\n  db:\n    image: acme/store\n"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    pytest.importorskip("composelint.resolve.resolver")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, "--version") == (0, f"composelint {__version__}\n", "")


def _imported_modules(*argv: str, cwd: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "composelint", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stderr


def test_version_and_small_lint_import_neither_jsonschema_nor_pygments(project: Path) -> None:
    (project / "compose.yaml").write_text(GOOD)
    for argv in (("--version",), (), ("--format", "json")):
        imports = _imported_modules(*argv, cwd=project)
        assert "composelint" in imports
        assert "jsonschema" not in imports and "pygments" not in imports, argv


def test_list_rules(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = cli(capsys, "--list-rules")
    assert rc == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["CMP001", "file-unreadable", "error"]
    assert any(line.split()[:3] == ["CMP010", "remote-include", "info"] for line in lines)


@pytest.mark.parametrize("key", ["CMP006", "cmp006", "undefined-reference"])
def test_rule_subcommand_prints_the_docs(capsys: pytest.CaptureFixture[str], key: str) -> None:
    rc, out, _ = cli(capsys, "rule", key)
    assert rc == 0
    assert out.startswith("CMP006 undefined-reference [error]\n\n")
    assert "## What it catches" in out and "## Good" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["rule", "nope"],
            "composelint: error: unknown rule: 'nope' (see composelint --list-rules)\n",
        ),
        (
            ["rule", "hots-unknown"],
            "composelint: error: unknown rule: 'hots-unknown'; did you mean 'host-unknown'?\n",
        ),
        (
            ["rule", "cmp107x"],
            "composelint: error: unknown rule: 'cmp107x'; did you mean 'CMP107'?\n",
        ),
        (
            ["--format", "xml"],
            "composelint: error: argument --format: invalid choice: 'xml' (choose from 'text',"
            " 'concise', 'json', 'sarif', 'github', 'gitlab', 'checkstyle', 'junit', 'rdjson',"
            " 'auto')\n",
        ),
        (["--select", "CMP88"], "composelint: error: unknown rule, code or prefix: 'CMP88'\n"),
        (["--bogus"], "composelint: error: unrecognized arguments: --bogus\n"),
        (
            ["config", "--format", "toml"],
            "composelint: error: argument --format: invalid choice: 'toml' (choose from 'yaml', 'json')\n",
        ),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert cli(capsys, *argv) == (2, "", message)


def test_clean_project(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "compose.yaml").write_text(GOOD)
    assert cli(capsys, "--no-color") == (0, "All checks passed.\n", "")


def test_findings_exit_1_with_frame(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "compose.yaml").write_text(BAD)
    rc, out, _ = cli(capsys)
    assert rc == 1
    assert out == (
        'compose.yaml:4:18: CMP006 [error] service "web" depends on undefined service "dbb" '
        "(undefined-reference)\n"
        "4 |     depends_on: [dbb]\n"
        "  |                  ^^^\n"
        '  = help: did you mean "db"?\n'
        "\n"
        "Found 1 error in 1 file.\n"
    )
    assert cli(capsys, "--exit-zero")[0] == 0
    assert cli(capsys, "--ignore", "CMP006")[:2] == (0, "All checks passed.\n")
    assert cli(capsys, "--select", "CMP01,CMP005")[0] == 0


def test_unlintable_path_exits_2_and_the_rest_is_still_linted(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "a").mkdir()
    (project / "a" / "compose.yaml").write_text(BAD)
    (project / "b.yaml").write_bytes(b"services:\x00\n")
    rc, out, _ = cli(capsys, "a", "b.yaml", "missing.yaml", "--format", "json")
    doc = json.loads(out)
    assert rc == 2
    found = {(f["code"], f["file"], f["line"]) for f in doc["findings"]}
    assert ("CMP006", "a/compose.yaml", 4) in found
    assert any(f["code"] == "CMP001" and "missing.yaml" in f["message"] for f in doc["findings"])
    assert any(
        f["code"] == "CMP001" and "b.yaml" in (f["file"] or f["message"]) for f in doc["findings"]
    )
    assert "a/compose.yaml" in doc["files"]


def test_fail_on_threshold(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "compose.yaml").write_text("include:\n  - oci://docker.io/acme/stack:1\n" + GOOD)
    rc, out, _ = cli(capsys)
    assert rc == 0 and "CMP010 [info]" in out and out.endswith("Found 1 info in 1 file.\n")
    assert cli(capsys, "--fail-on", "info")[0] == 1


def test_stdin(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(BAD.encode())))
    rc, out, err = cli(capsys, "-", "--stdin-filename", "svc/compose.yaml", "--format", "json")
    assert rc == 1 and err == ""
    (f,) = json.loads(out)["findings"]
    assert (f["code"], f["file"], f["line"], f["column"]) == ("CMP006", "svc/compose.yaml", 4, 18)


STDIN_WITH_PATHS = """\
services:
  app:
    image: nginx
    env_file: app.env
    volumes:
      - ./data:/data
    build: ./app
    depends_on: [dbb]
"""


def test_stdin_without_a_filename_says_what_it_assumes(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A buffer with no real location: no env_file / bind mount / build context is
    reported missing, the other rules still run, and stderr says what was assumed."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(STDIN_WITH_PATHS.encode())))
    # every rule but the opt-in style and hardening checks, which this buffer would trip
    rc, out, err = cli(capsys, "-", "--format", "json", "--select", "ALL", "--ignore", "CMP7,CMP8")
    assert rc == 1
    found = [(f["code"], f["file"], f["line"], f["column"]) for f in json.loads(out)["findings"]]
    assert found == [("CMP006", "compose.yaml", 8, 18)]
    assert err == (
        "composelint: stdin is linted as ./compose.yaml (no --stdin-filename given); "
        "env files, bind mounts and build contexts are not checked for existence\n"
    )


def test_stdin_with_a_filename_checks_files(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(STDIN_WITH_PATHS.encode())))
    rc, out, _ = cli(capsys, "-", "--stdin-filename", "compose.yaml", "--format", "json")
    assert rc == 2  # the missing env_file makes Compose refuse the project
    codes = {f["code"] for f in json.loads(out)["findings"]}
    assert {"CMP601", "CMP602", "CMP603", "CMP006"} <= codes


def test_no_compose_file_is_its_own_diagnostic(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "empty").mkdir()
    rc, out, err = cli(capsys, "empty")
    assert (rc, out) == (2, "")
    assert err == (
        "composelint: error: no Compose file found in empty or below\n"
        "  note: no file in it or below it (outside .git, node_modules and virtualenvs)"
        " is named compose*.y(a)ml or docker-compose*.y(a)ml\n"
        "  help: name the files with -f\n"
    )
    rc, out, err = cli(capsys, "--format", "json", "empty", "--exit-zero")
    assert rc == 2 and json.loads(out)["findings"] == []


def test_no_compose_file_in_the_working_directory_or_its_parents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from composelint.load import discover

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(discover, "find_default_files", lambda directory: (None, None))
    rc, out, err = cli(capsys)
    assert (rc, out) == (2, "")
    assert err == (
        f"composelint: error: no Compose file found in {tmp_path.resolve()} or its parents\n"
        "  note: looked for compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml\n"
        "  help: run composelint in the project's directory, or name the files with -f\n"
    )


def test_the_other_projects_are_linted_next_to_an_empty_directory(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "empty").mkdir()
    (project / "app").mkdir()
    (project / "app" / "compose.yaml").write_text(BAD)
    rc, out, err = cli(capsys, "empty", "app", "--no-color", "--format", "concise")
    assert rc == 2 and err.startswith("composelint: error: no Compose file found in empty")
    assert out.startswith("app/compose.yaml:4:18: CMP006")


def test_subcommand_names_are_only_recognised_first(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "config").mkdir()
    (project / "config" / "compose.yaml").write_text(BAD)
    rc, out, _ = cli(capsys, "--no-color", "config")
    assert rc == 1 and out.startswith("config/compose.yaml:4:18: CMP006")


def test_colour_only_on_a_tty_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert _use_color(no_color=False) is True
    assert _use_color(no_color=True) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert _use_color(no_color=False) is False
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False, raising=False)
    assert _use_color(no_color=False) is False


SECRET_COMPOSE = """\
services:
  api:
    image: acme/api
    environment:
      DB_PASSWORD: ${DB_PASSWORD}
      DATABASE_URL: postgres://app:${DB_PASSWORD}@db/app
      API_TOKEN: tok-inline-77
    depends_on: [dbx]
  db:
    image: postgres
"""


def test_secrets_never_printed(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "compose.yaml").write_text(SECRET_COMPOSE)
    (project / ".env").write_text("DB_PASSWORD=hunter2-from-env\n")
    for argv in ((), ("--format", "json"), ("config",), ("config", "--format", "json")):
        _, out, err = cli(capsys, *argv)
        assert "hunter2-from-env" not in out + err and "tok-inline-77" not in out + err, argv


def test_config_prints_the_model_and_masks_secrets(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "compose.yaml").write_text(SECRET_COMPOSE.replace("dbx", "db"))
    (project / ".env").write_text("DB_PASSWORD=hunter2-from-env\n")
    rc, out, err = cli(capsys, "config")
    assert (rc, err) == (0, "")
    assert "      DB_PASSWORD: '****'\n" in out or '      DB_PASSWORD: "****"\n' in out
    assert "postgres://app:****@db/app" in out
    rc, out, _ = cli(capsys, "config", "--format", "json", "--show-secrets")
    model = json.loads(out)
    assert model["services"]["api"]["environment"]["DB_PASSWORD"] == "hunter2-from-env"
    assert list(model) == sorted(model)


def test_config_refuses_a_project_compose_refuses(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "compose.yaml").write_text(BAD)
    rc, out, err = cli(capsys, "config")
    assert (rc, out) == (1, "")
    assert 'service "web" depends on undefined service "dbb"' in err


def _compose_binary() -> str | None:
    found = shutil.which("docker-compose")
    if found:
        return found
    for cand in (
        Path(sys.executable).parent / "docker-compose",
        Path("/tmp/cgvenv/bin/docker-compose"),
    ):
        if cand.is_file():
            return str(cand)
    return None


def test_config_yaml_matches_docker_compose(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    binary = _compose_binary()
    if binary is None:
        pytest.skip("docker-compose binary not available")
    (project / "compose.yaml").write_text(
        "name: demo\n"
        "services:\n"
        "  web:\n"
        "    image: nginx:${TAG:-1}\n"
        "    ports: ['8080:80']\n"
        "    depends_on: [db]\n"
        "    command: echo hi\n"
        "    environment: {B: '2', A: x}\n"
        "    healthcheck: {test: curl -f localhost, interval: 5s}\n"
        "  db:\n"
        "    image: postgres\n"
        "    volumes: [data:/var/lib/postgresql/data]\n"
        "volumes:\n"
        "  data: {}\n"
        "x-extra: 1\n"
    )
    theirs = subprocess.run(
        [binary, "config"],
        cwd=project,
        env={"PATH": "/usr/bin:/bin", "HOME": str(project)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rc, ours, _ = cli(capsys, "config")
    assert rc == 0
    assert ours == theirs


def test_config_rendering_follows_compose_conventions() -> None:
    from composelint.output.configout import render_config

    model = {
        "x-b": 1,
        "services": {
            "web": {
                "image": "nginx",
                "hostname": "h",
                "healthcheck": {"interval": "5s", "test": ["CMD", "true"]},
                "command": None,
                "deploy": {"placement": {}, "replicas": 2},
                "environment": {
                    "EMAIL_USE_TLS": "1",
                    "EMAIL_USERNAME": "nb",
                    "A10": "x",
                    "A9": "on",
                    "EMPTY": "",
                    "PRICE": "5$",
                    "MULTI": "a\nb\n",
                    "STAR": "*",
                },
            }
        },
        "name": "demo",
        "x-a": 2,
    }
    assert render_config(model, show_secrets=True) == (
        "name: demo\n"
        "services:\n"
        "  web:\n"
        "    deploy:\n"
        "      replicas: 2\n"
        "    environment:\n"
        '      A9: "on"\n'
        "      A10: x\n"
        '      EMAIL_USE_TLS: "1"\n'
        "      EMAIL_USERNAME: nb\n"
        '      EMPTY: ""\n'
        "      MULTI: |\n"
        "        a\n"
        "        b\n"
        "      PRICE: 5$$\n"
        "      STAR: '*'\n"
        "    hostname: h\n"
        "    healthcheck:\n"
        "      test:\n"
        "        - CMD\n"
        '        - "true"\n'
        "      interval: 5s\n"
        "    image: nginx\n"
        "x-a: 2\n"
        "x-b: 1\n"
    )


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["compose.yaml"],
        ["a", "b/", "-"],
        ["config.yaml", "rule"],
        ["--", "compose.yaml", ".env"],  # the pre-commit hooks' args
        ["--", "-odd-name.yaml", "-"],
        ["--"],
    ],
)
def test_plain_paths_parse_as_argparse_would(argv: list[str]) -> None:
    """``composelint PATH...`` skips building the parser: it must give exactly the
    namespace the parser gives (a new option needs its default in _LINT_DEFAULTS)."""
    from composelint.cli import _lint_parser, plain_lint_args

    fast = plain_lint_args(argv)
    assert fast is not None
    assert vars(fast) == vars(_lint_parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv", [["--select", "CMP1", "x"], ["x", "-fy"], ["a", "--", "b"], ["--", "a", "--", "b"]]
)
def test_options_go_through_the_parser(argv: list[str]) -> None:
    from composelint.cli import plain_lint_args

    assert plain_lint_args(argv) is None
