"""--baseline: accept the current findings, report only new ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from composelint.cli import main

SELECT = ("--select", "CMP0,CMP5")
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


def lint(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[tuple[str, int]], str]:
    rc = main(["--format", "json", *SELECT, *argv])
    out, err = capsys.readouterr()
    return rc, [(f["code"], f["line"]) for f in json.loads(out)["findings"]], err


def test_missing_baseline_is_written_and_the_run_passes(
    proj: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, found, err = lint(capsys, "--baseline", "baseline.json")
    assert (rc, found) == (0, [])
    assert err == "composelint: wrote 2 finding(s) to the baseline baseline.json\n"
    data = json.loads((proj / "baseline.json").read_text())
    assert list(data) == ["composelint-baseline", "findings"]
    assert data["composelint-baseline"] == 1
    rows = [(e["path"], e["code"], e["name"]) for e in data["findings"]]
    assert rows == [
        ("compose.yaml", "CMP006", "undefined-reference"),
        ("compose.yaml", "CMP501", "var-undefined"),
    ]
    assert all(len(e["fingerprint"]) == 32 for e in data["findings"])
    text = (proj / "baseline.json").read_text()
    assert text.endswith("}\n") and text == json.dumps(data, indent=2) + "\n"


def test_baselined_findings_stay_hidden_and_new_ones_are_reported(
    proj: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lint(capsys, "--baseline", "baseline.json")
    before = (proj / "baseline.json").read_text()
    assert lint(capsys, "--baseline", "baseline.json") == (0, [], "")
    # unrelated edits above move the old findings; a new problem appears on line 13
    (proj / "compose.yaml").write_text(
        "# the stack\n\n" + COMPOSE + "  worker:\n    image: nginx\n    depends_on: [queue]\n"
    )
    assert lint(capsys, "--baseline", "baseline.json")[:2] == (1, [("CMP006", 13)])
    assert lint(capsys)[1] == [("CMP006", 6), ("CMP501", 8), ("CMP006", 13)]
    assert (proj / "baseline.json").read_text() == before  # never rewritten by a plain run


def test_changing_the_offending_line_reports_it_again(
    proj: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lint(capsys, "--baseline", "baseline.json")
    (proj / "compose.yaml").write_text(COMPOSE.replace("[dbb]", "[dbbb]"))
    assert lint(capsys, "--baseline", "baseline.json")[:2] == (1, [("CMP006", 4)])


def test_the_baseline_works_from_another_working_directory(
    proj: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (proj / "app").mkdir()
    (proj / "compose.yaml").rename(proj / "app" / "compose.yaml")
    lint(capsys, "--baseline", "baseline.json", "app")
    data = json.loads((proj / "baseline.json").read_text())
    assert {e["path"] for e in data["findings"]} == {"app/compose.yaml"}
    monkeypatch.chdir(proj / "app")
    assert lint(capsys, "--baseline", "../baseline.json")[:2] == (0, [])


def test_update_baseline_rewrites_it(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lint(capsys, "--baseline", "baseline.json")
    (proj / "compose.yaml").write_text(COMPOSE.replace("[dbb]", "[db]"))
    rc, found, err = lint(capsys, "--baseline", "baseline.json", "--update-baseline")
    assert (rc, found) == (0, [])
    assert err == "composelint: wrote 1 finding(s) to the baseline baseline.json\n"
    data = json.loads((proj / "baseline.json").read_text())
    assert [e["code"] for e in data["findings"]] == ["CMP501"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", 'not a composelint baseline (expected "composelint-baseline": 1'),
        ("{nope", "not a composelint baseline (invalid JSON"),
    ],
)
def test_a_broken_baseline_is_a_usage_error(
    proj: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    (proj / "baseline.json").write_text(text)
    rc = main([*SELECT, "--baseline", "baseline.json"])
    out, err = capsys.readouterr()
    assert (rc, out) == (2, "")
    assert err.startswith(f"composelint: error: {proj / 'baseline.json'}: {message}")


def test_update_baseline_needs_a_baseline(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--update-baseline"]) == 2
    assert (
        capsys.readouterr().err == "composelint: error: --update-baseline needs --baseline FILE\n"
    )
