"""The core promise: each kind of error Compose refuses shows at its exact line:col,
in text and JSON output alike, and all of them are reported, not only the first."""

from __future__ import annotations

import io
import json
import os
from contextlib import redirect_stdout
from pathlib import Path

from composelint.cli import main

COMPOSE = """\
services:
  app:
    image: nginx
    image: nginx:1.27
    depens_on: [db]
    command: echo ${X/a/b}
  db:
    image: postgres
---
services: [unclosed
"""

EXPECTED = [
    ("CMP003", "duplicate-key", 4, 5, 'mapping key "image" already defined at line 3'),
    (
        "CMP005",
        "schema-violation",
        5,
        5,
        'services.app: unknown key "depens_on" (did you mean "depends_on"?)',
    ),
    (
        "CMP004",
        "interpolation-syntax",
        6,
        19,
        'invalid interpolation format "${X/a/b}"; you may need to escape any $ with another $',
    ),
    (
        "CMP002",
        "yaml-syntax",
        10,
        11,  # the unclosed bracket, not the end of the file where the parser stopped
        "did not find expected ',' or ']' (while parsing a flow sequence)",
    ),
]


def run(tmp_path: Path, *argv: str) -> tuple[int, str]:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    out = io.StringIO()
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        with redirect_stdout(out):
            code = main([*argv, "--no-color", "."])
    finally:
        os.chdir(old)
    return code, out.getvalue()


def test_json_output_locates_every_error(tmp_path: Path) -> None:
    code, out = run(tmp_path, "--format", "json")
    assert code == 2  # the second document could not be parsed
    found = [
        (f["code"], f["name"], f["line"], f["column"], f["message"])
        for f in json.loads(out)["findings"]
    ]
    assert found == EXPECTED
    assert {f["file"] for f in json.loads(out)["findings"]} == {"compose.yaml"}


def test_text_output_locates_every_error(tmp_path: Path) -> None:
    code, out = run(tmp_path)
    assert code == 2
    headers = [line for line in out.splitlines() if line.startswith("compose.yaml:")]
    assert headers == [
        f"compose.yaml:{line}:{col}: {c} [error] {msg} ({name})"
        for c, name, line, col, msg in EXPECTED
    ]
    # the code frame underlines the misspelt key exactly
    assert "5 |     depens_on: [db]\n  |     ^^^^^^^^^\n" in out
