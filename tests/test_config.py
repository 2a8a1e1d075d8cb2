"""Configuration files: discovery, precedence, validation with located errors, options."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from composelint.cli import main
from composelint.lint.config import ConfigFinder, toml_position

ROOT = Path(__file__).resolve().parents[1]
# CMP006 undefined-reference (error) on line 4, CMP501 var-undefined (warning) on line 6
COMPOSE = """\
services:
  web:
    image: nginx
    depends_on: [dbb]
    environment:
      A: ${NOPE}
  db:
    image: postgres
"""


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    return tmp_path


def lint(
    capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int, list[tuple[str, str, int]], str]:
    """Exit code, (code, severity, line) of each finding, stderr."""
    rc = main(["--format", "json", *argv])
    out, err = capsys.readouterr()
    found = json.loads(out)["findings"] if out else []
    return rc, [(f["code"], f["severity"], f["line"]) for f in found], err


def test_without_configuration_every_rule_runs(
    proj: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert lint(capsys) == (1, [("CMP006", "error", 4), ("CMP501", "warning", 6)], "")


def test_pyproject_table_selects_overrides_severity_and_fail_on(
    proj: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (proj / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.composelint]\nignore = ["var-undefined"]\n'
        'fail-on = "error"\n\n[tool.composelint.severity]\nundefined-reference = "warning"\n'
    )
    # the error became a warning, and only errors fail the run
    assert lint(capsys) == (0, [("CMP006", "warning", 4)], "")
    # command-line options override the file
    assert lint(capsys, "--fail-on", "warning")[0] == 1
    assert lint(capsys, "--select", "CMP5")[1] == [("CMP501", "warning", 6)]
    assert lint(capsys, "--isolated")[1] == [("CMP006", "error", 4), ("CMP501", "warning", 6)]


def test_a_more_specific_severity_selector_wins(
    proj: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (proj / ".composelint.toml").write_text(
        'severity = { "CMP0" = "info", "CMP" = "error", var-undefined = "info" }\n'
    )
    assert lint(capsys)[1] == [("CMP006", "info", 4), ("CMP501", "info", 6)]


def test_extend_select_adds_to_select(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (proj / ".composelint.yaml").write_text("select: [CMP006]\n")
    assert lint(capsys)[1] == [("CMP006", "error", 4)]
    assert lint(capsys, "--extend-select", "var-undefined")[1] == [
        ("CMP006", "error", 4),
        ("CMP501", "warning", 6),
    ]
    (proj / ".composelint.yaml").write_text("extend-select: [CMP501]\nignore: [CMP0]\n")
    assert lint(capsys)[1] == [("CMP501", "warning", 6)]


def test_per_file_ignores_match_globs_relative_to_the_config(
    proj: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sub = proj / "deploy" / "dev"
    sub.mkdir(parents=True)
    (sub / "compose.yaml").write_text(COMPOSE)
    (proj / "pyproject.toml").write_text(
        '[tool.composelint.per-file-ignores]\n"deploy/**/compose.yaml" = ["CMP501"]\n'
    )
    rc, _, _ = lint(capsys, ".")
    out = main(["--format", "json", "."])
    data = json.loads(capsys.readouterr()[0])
    assert rc == out == 1
    assert sorted((f["file"], f["code"]) for f in data["findings"]) == [
        ("compose.yaml", "CMP006"),
        ("compose.yaml", "CMP501"),
        ("deploy/dev/compose.yaml", "CMP006"),
    ]
    # a glob without a slash matches the file name anywhere below
    (proj / "pyproject.toml").write_text(
        '[tool.composelint.per-file-ignores]\n"compose.yaml" = ["undefined-reference"]\n'
    )
    main(["--format", "json", "."])
    data = json.loads(capsys.readouterr()[0])
    assert {f["code"] for f in data["findings"]} == {"CMP501"}


def test_nearest_configuration_wins_and_precedence_in_one_directory(tmp_path: Path) -> None:
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text("[tool.composelint]\n")
    (tmp_path / "a" / "pyproject.toml").write_text('[project]\nname = "no table"\n')
    finder = ConfigFinder()
    assert (
        finder.find(sub) == tmp_path / "pyproject.toml"
    )  # a pyproject without the table is skipped
    (tmp_path / "a" / ".composelint.yaml").write_text("{}\n")
    assert ConfigFinder().find(sub) == tmp_path / "a" / ".composelint.yaml"
    (tmp_path / "a" / ".composelint.toml").write_text("")
    assert ConfigFinder().find(sub) == tmp_path / "a" / ".composelint.toml"


def test_explicit_config_file(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (proj / "ci.toml").write_text('ignore = ["CMP006"]\n')
    assert lint(capsys, "--config", "ci.toml")[1] == [("CMP501", "warning", 6)]
    rc, found, err = lint(capsys, "--config", "missing.toml")
    assert (rc, found, err) == (2, [], "composelint: error: --config missing.toml: no such file\n")


@pytest.mark.parametrize(
    ("name", "text", "error"),
    [
        (
            "pyproject.toml",
            '[tool.composelint]\nselect = [\n  "CMP0",\n  "undefined-referenc",\n]\n',
            "pyproject.toml:4:3: select: unknown rule, code or prefix 'undefined-referenc'; "
            "did you mean 'undefined-reference'?",
        ),
        (
            "pyproject.toml",
            "[tool.composelint.severity]\nvar-undefined = \"info\"\nvar-undefine = 'info'\n",
            "pyproject.toml:3:1: severity: unknown rule, code or prefix 'var-undefine'; "
            "did you mean 'var-undefined'?",
        ),
        (
            ".composelint.toml",
            'fail-on = "warning"\nselct = ["CMP0"]\n',
            '.composelint.toml:2:1: unknown top-level key "selct" (did you mean "select"?)',
        ),
        (
            ".composelint.toml",
            'fail-on = "fatal"\n',
            '.composelint.toml:1:1: fail-on: invalid value "fatal", expected one of "error", '
            '"warning", "info"',
        ),
        (
            ".composelint.toml",
            'select = ["CMP0"]\nfail-on = error\n',
            ".composelint.toml:2:11: invalid TOML: Invalid value",
        ),
        (
            ".composelint.yaml",
            "per-file-ignores:\n  '*.env':\n    - env-syntax\n    - envsyntax\n",
            ".composelint.yaml:4:7: per-file-ignores '*.env': unknown rule, code or prefix "
            "'envsyntax'; did you mean 'env-syntax'?",
        ),
        (
            ".composelint.yaml",
            "image-ports:\n  acme/api: 99999\n",
            ".composelint.yaml:2:3: image-ports.acme/api: 99999 is greater than the maximum 65535",
        ),
        (
            ".composelint.yaml",
            "- select\n",
            ".composelint.yaml:1:1: the configuration must be a mapping of settings",
        ),
    ],
)
def test_configuration_errors_are_one_located_line(
    proj: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, error: str
) -> None:
    (proj / name).write_text(text)
    rc, found, err = lint(capsys)
    assert (rc, found) == (2, [])
    assert err == f"composelint: error: {error}\n"


def test_toml_positions_of_nested_keys_and_array_items() -> None:
    text = (
        "[tool.composelint]\n"
        'select = ["CMP0", "CMP1"]\n'
        'severity = { host-loopback = "info", "CMP5" = "error" }\n'
        "[tool.composelint.per-file-ignores]\n"
        '"**/dev/*.yaml" = [\n  "var-undefined",  # why\n  "CMP2",\n]\n'
    )
    tc = ("tool", "composelint")
    assert toml_position(text, (*tc, "select", 1)) == (2, 19)
    assert toml_position(text, (*tc, "severity", "CMP5")) == (3, 38)
    assert toml_position(text, (*tc, "per-file-ignores", "**/dev/*.yaml", 1)) == (7, 3)
    assert toml_position(text, (*tc, "nothing-here")) == (1, 1)  # the nearest table


def test_rule_options_reach_the_rule_context_and_the_connectivity_model(proj: Path) -> None:
    from composelint.analysis.connectivity import reachability
    from composelint.run import Targets, lint

    (proj / ".composelint.toml").write_text(
        'connection-variables = ["UPSTREAM"]\n'
        'allowed-hosts = ["db.internal.example.com", "*.corp.example"]\n'
        '[image-ports]\n"acme/api" = 9999\n"registry.example.com/acme/worker" = [7000, 7001]\n'
    )
    (proj / "compose.yaml").write_text(
        "services:\n  api:\n    image: registry.example.com/acme/api:1.2\n"
        "  worker:\n    image: registry.example.com/acme/worker@sha256:abc\n"
        "  web:\n    image: nginx:1.27\n"
    )
    (linted,) = lint(Targets(cwd=proj)).projects
    ctx = linted.context
    options = ctx.options
    assert options.connection_variables == ("UPSTREAM",)
    assert ctx.option("connection-variables", ()) == ("UPSTREAM",)  # the plugin API
    assert options.host_allowed("DB.internal.example.com")
    assert options.host_allowed("a.b.corp.example")
    assert not options.host_allowed("corp.example") and not options.host_allowed("example.com")
    assert options.extra_ports("registry.example.com/acme/api:1.2") == (9999,)
    assert options.extra_ports("acme/api") == (9999,)
    assert options.extra_ports("other/acme-api") == ()
    services = reachability(ctx).services
    assert 9999 in services["api"].listen_ports
    assert {7000, 7001} <= services["worker"].listen_ports
    assert 9999 not in services["web"].listen_ports


def test_rule_option_defaults_without_configuration() -> None:
    from composelint.model.options import RuleOptions

    options = RuleOptions()
    assert options.connection_variables == ()
    assert not options.host_allowed("db.internal.example.com")
    assert options.extra_ports("acme/api") == ()
    assert options.option("allowed-hosts", ()) == ()


def test_schema_is_valid_draft7_and_accepts_a_full_configuration() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "schemas" / "config.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    full = {
        "select": ["CMP0", "host-loopback"],
        "extend-select": ["CMP9"],
        "ignore": ["CMP7"],
        "severity": {"host-ip-literal": "error"},
        "per-file-ignores": {"**/*.env": ["env-syntax"]},
        "fail-on": "error",
        "connection-variables": ["UPSTREAM"],
        "allowed-hosts": ["db.internal.example.com", "*.corp.example"],
        "image-ports": {"acme/api": 8080, "acme/worker": [7000, 7001]},
    }
    assert list(jsonschema.Draft7Validator(schema).iter_errors(full)) == []
    assert list(jsonschema.Draft7Validator(schema).iter_errors({"fail-on": "fatal"}))


def test_configuration_loading_stays_off_the_hot_path(tmp_path: Path) -> None:
    """No jsonschema ever; TOML only when a TOML file exists."""
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")

    def imported() -> str:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "composelint"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        return proc.stderr

    toml_module = "tomllib" if sys.version_info >= (3, 11) else "tomli"
    plain = imported()
    assert "jsonschema" not in plain and toml_module not in plain
    (tmp_path / ".composelint.toml").write_text('select = ["CMP0"]\n')
    configured = imported()
    assert "jsonschema" not in configured and toml_module in configured


def test_fail_on_is_judged_per_project(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sub = proj / "sub"
    sub.mkdir()
    (sub / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx\n    environment:\n      A: ${NOPE}\n"
    )
    (sub / ".composelint.toml").write_text('fail-on = "warning"\n')
    assert lint(capsys, "sub")[:2] == (1, [("CMP501", "warning", 5)])
    (proj / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx\n    environment:\n      A: ${NOPE}\n"
    )
    (sub / "compose.yaml").unlink()
    assert lint(capsys, ".")[0] == 0  # the root project's warning does not fail by default


def test_statistics_follow_the_report(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (proj / "compose.yaml").write_text(COMPOSE.replace("[dbb]", "[dbb, cache]"))
    assert main(["--format", "concise", "--statistics"]) == 1
    out, err = capsys.readouterr()
    assert out.endswith("2  CMP006  undefined-reference\n1  CMP501  var-undefined\n")
    assert err == ""
    assert main(["--format", "json", "--statistics"]) == 1
    out, err = capsys.readouterr()
    json.loads(out)  # still one JSON document: the statistics went to stderr
    assert err == "2  CMP006  undefined-reference\n1  CMP501  var-undefined\n"


def test_allowed_hosts_are_not_checked(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (proj / "compose.yaml").write_text(
        "services:\n  app:\n    image: x\n    environment:\n"
        "      DATABASE_URL: postgres://u@legacydb:5432/x\n"
    )
    assert main(["--format", "concise", "."]) == 1
    out = capsys.readouterr().out
    assert out.startswith("compose.yaml:5:34: CMP107 ")
    (proj / "pyproject.toml").write_text('[tool.composelint]\nallowed-hosts = ["legacydb"]\n')
    assert main(["--format", "concise", "."]) == 0
    assert capsys.readouterr().out == "All checks passed.\n"
