"""The bundled examples, through the real CLI and every default rule: the seed's
broken test environment is caught, its working production environment is clean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from composelint.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def lint(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, name: str
) -> tuple[int, list]:  # type: ignore[type-arg]
    monkeypatch.chdir(EXAMPLES)
    code = main(["--format", "json", name])
    return code, json.loads(capsys.readouterr().out)["findings"]


def test_production_example_is_clean(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert lint(capsys, monkeypatch, "ventanas-prod") == (0, [])


def test_test_example_reports_the_post_mortem(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, findings = lint(capsys, monkeypatch, "ventanas-test")
    assert code == 1
    assert [
        (f["code"], f["name"], f["file"], f["line"], f["column"], f["end_column"]) for f in findings
    ] == [
        ("CMP107", "host-unknown", "ventanas-test/.env", 7, 65, 81),
        ("CMP107", "host-unknown", "ventanas-test/.env", 8, 19, 38),
    ]
    assert findings[0]["related"] == [
        {
            "file": "ventanas-test/docker-compose.test.yml",
            "line": 16,
            "column": 15,
            "message": "DATABASE_URL is loaded by this env_file",
        }
    ]
