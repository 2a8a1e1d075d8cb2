"""Messages a person can read: a finding's message says what is wrong in one short
clause; why it fails (``note``) and how to fix it (``help``) are separate parts.

Checked over every finding the suite's own projects produce: the conformance
fixture projects, the bundled examples and every rule's documented *Bad* example.
The README's example output is the real output of its command.
"""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from test_rule_examples import BUILTIN, NOT_SELF_CONTAINED, findings_of, section

from composelint.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "projects"
EXAMPLES = ROOT / "examples"

# What is wrong, in one clause: about 100 characters, with room for a long
# variable or service name (the corpus has 90-character variable names).
MAX_MESSAGE = 100


def _lint(monkeypatch: pytest.MonkeyPatch, cwd: Path, *args: str) -> list[dict[str, Any]]:
    monkeypatch.chdir(cwd)
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        main(["--format", "json", "--select", "ALL", "--isolated", *args])
    findings: list[dict[str, Any]] = json.loads(out.getvalue())["findings"]
    return findings


def _fixture_args(d: Path) -> list[str]:
    args = d / "ARGS"
    return args.read_text(encoding="utf-8").split("\n") if args.is_file() else []


def _assert_readable(findings: list[dict[str, Any]], where: str) -> None:
    for f in findings:
        message, fix, note = f["message"], f["help"], f["note"]
        label = f"{where}: {f['code']} {message!r}"
        assert len(message) <= MAX_MESSAGE, label
        assert message and "\n" not in message, label
        assert not message.endswith((".", ";", ":")), label  # a clause, not a paragraph
        for part in (fix, note):
            assert part is None or (part.strip() == part and part), label


FIXTURE_DIRS = sorted(d for d in FIXTURES.iterdir() if d.is_dir())


@pytest.mark.parametrize("fixture", FIXTURE_DIRS, ids=lambda d: d.name)
def test_fixture_project_messages_are_one_short_clause(
    fixture: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = [a for a in _fixture_args(fixture) if a]
    _assert_readable(_lint(monkeypatch, fixture, *args), fixture.name)


@pytest.mark.parametrize("example", ["ventanas-test", "ventanas-prod"])
def test_example_messages_are_one_short_clause(
    example: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _assert_readable(_lint(monkeypatch, EXAMPLES, example), example)


@pytest.mark.parametrize(
    "rule", [r for r in BUILTIN if r.name not in NOT_SELF_CONTAINED], ids=lambda r: r.name
)
def test_documented_bad_example_messages_are_one_short_clause(rule: Any, tmp_path: Path) -> None:
    findings = findings_of(rule, section(rule.doc, "Bad"), tmp_path / "bad")
    assert findings, rule.name  # the Bad example fires (also checked by test_rule_examples)
    _assert_readable(findings, rule.name)


def test_the_post_mortem_finding_in_three_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = [
        f for f in _lint(monkeypatch, EXAMPLES, "ventanas-test") if f["code"] == "CMP107"
    ]

    assert (first["code"], first["file"], first["line"], first["column"]) == (
        "CMP107",
        "ventanas-test/.env",
        7,
        65,
    )
    assert first["message"] == (
        'DATABASE_URL in service "app" points at unknown host "ventanas-test-db"'
    )
    assert first["note"] == (
        'app joins only network "default", so the name does not resolve at runtime (the client '
        'reports: could not translate host name "ventanas-test-db" to address)'
    )
    assert first["help"] == (
        'add the database as a service, or add the external network "ventanas-test-network" '
        "that this project declares to the networks of app if the database runs there"
    )
    assert (second["line"], second["column"]) == (8, 19)
    assert second["note"] == (
        'app joins only network "default", so the name does not resolve at runtime (the client '
        "reports: ventanas-test-redis: Name or service not known)"
    )


README_EXAMPLE = re.compile(r"```text\n\$ composelint (?P<args>\S+)\n(?P<out>.*?)```", re.S)


def test_readme_example_output_is_the_real_output(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    m = README_EXAMPLE.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert m is not None
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")
    assert main([m["args"]]) == 1
    assert capsys.readouterr().out == m["out"]
    assert "  = note: " in m["out"] and "  = help: " in m["out"] and "  = related: " in m["out"]


def test_third_party_constructors_keep_working() -> None:
    """help and note are keyword-only with defaults: existing plugins construct
    Violation, Finding and Problem positionally as before."""
    from composelint.model.findings import Finding, Severity, Violation
    from composelint.model.project import Problem

    v = Violation("m", None, (), None, Severity.INFO)
    assert (v.message, v.severity, v.help, v.note) == ("m", Severity.INFO, None, None)
    f = Finding("X001", "x", Severity.ERROR, "m", None, (), None)
    assert (f.help, f.note) == (None, None)
    p = Problem("x", "m", None, (), True, Severity.ERROR)
    assert (p.fatal, p.help, p.note) == (True, None, None)
    with pytest.raises(TypeError):
        Violation("m", None, (), None, None, "a help")  # type: ignore[misc]
    assert Violation("m", None, help="h", note="n").help == "h"
