"""Bad input never produces a traceback: each case is one located diagnostic, exit 2,
and the other projects on the command line are still linted."""

from __future__ import annotations

import io
import json
import os
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from composelint.cli import main

GOOD = "services:\n  web:\n    image: nginx\n    networks: [ghost]\n"  # one real finding


def run(cwd: Path, *argv: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["--format", "json", *argv])
    finally:
        os.chdir(old)
    assert "Traceback" not in err.getvalue()
    return code, json.loads(out.getvalue()), err.getvalue()


def located(report: dict, code: str) -> list[tuple[str, int, int, str]]:  # type: ignore[type-arg]
    return [
        (f["file"], f["line"], f["column"], f["message"])
        for f in report["findings"]
        if f["code"] == code
    ]


def project(root: Path, name: str, text: str | bytes) -> Path:
    d = root / name
    d.mkdir()
    target = d / "compose.yaml"
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text)
    return d


def test_other_projects_are_still_linted(tmp_path: Path) -> None:
    project(tmp_path, "bad", b"\x00\x01\x02")
    project(tmp_path, "good", GOOD)
    code, report, _ = run(tmp_path, ".")
    assert code == 2
    assert located(report, "CMP001") == [
        ("bad/compose.yaml", 1, 1, "cannot read file: binary file (contains NUL bytes)")
    ]
    assert [
        (f["file"], f["line"], f["column"]) for f in report["findings"] if f["code"] == "CMP006"
    ] == [("good/compose.yaml", 4, 16)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"services:\n  a:\n    image: caf\xe9\n",
            "cannot read file: not valid UTF-8 (byte 0xe9 on line 3)",
        ),
        (b"\x00" * 10, "cannot read file: binary file (contains NUL bytes)"),
    ],
)
def test_undecodable_files(tmp_path: Path, content: bytes, message: str) -> None:
    project(tmp_path, "p", content)
    code, report, _ = run(tmp_path, "p")
    assert code == 2
    assert located(report, "CMP001") == [("p/compose.yaml", 1, 1, message)]


def test_file_over_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import composelint.load.sources as sources

    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 100)
    project(tmp_path, "p", "services:\n" + "  # padding\n" * 20)
    code, report, _ = run(tmp_path, "p")
    assert code == 2
    ((path, line, col, message),) = located(report, "CMP001")
    assert (path, line, col) == ("p/compose.yaml", 1, 1)
    assert message.startswith("cannot read file: file is too large (")


def test_malformed_yaml_is_located(tmp_path: Path) -> None:
    project(tmp_path, "p", "services:\n  a:\n\timage: x\n")
    code, report, _ = run(tmp_path, "p")
    assert code == 2
    ((path, line, col, _msg),) = located(report, "CMP002")
    assert (path, line, col) == ("p/compose.yaml", 3, 1)


def test_alias_bomb(tmp_path: Path) -> None:
    lines = ["x-a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"x-a{i}: &a{i} [{refs}]")
    project(tmp_path, "p", "\n".join(lines) + "\nservices: {}\n")
    code, report, _ = run(tmp_path, "p")
    assert code == 2
    ((_path, _line, _col, message),) = located(report, "CMP002")
    assert "alias" in message.lower() or "nodes" in message.lower()


def test_deep_nesting(tmp_path: Path) -> None:
    project(tmp_path, "p", "x: " + "[" * 100_000 + "]" * 100_000 + "\n")
    code, report, _ = run(tmp_path, "p")
    assert code == 2
    ((_path, line, _col, message),) = located(report, "CMP002")
    assert line == 1 and "nesting is deeper than 200 levels" in message


def test_missing_f_file(tmp_path: Path) -> None:
    code, report, _ = run(tmp_path, "-f", "missing.yaml")
    assert code == 2
    assert [f["message"] for f in report["findings"]] == ["missing.yaml: no such file"]


def test_missing_env_file(tmp_path: Path) -> None:
    project(tmp_path, "p", "services:\n  a:\n    image: x\n    env_file: missing.env\n")
    code, report, _ = run(tmp_path, "p")
    assert code == 2
    ((path, line, col, message),) = located(report, "CMP601")
    assert (path, line, col) == ("p/compose.yaml", 4, 15)
    assert "missing.env not found" in message


def test_include_cycle(tmp_path: Path) -> None:
    d = project(tmp_path, "p", "include: [other.yaml]\nservices:\n  a: {image: x}\n")
    (d / "other.yaml").write_text("include: [compose.yaml]\nservices:\n  b: {image: x}\n")
    code, report, _ = run(tmp_path, "p")
    assert code == 2
    ((path, line, col, message),) = located(report, "CMP008")
    assert (path, line, col) == ("p/other.yaml", 1, 11)
    assert message.startswith("include cycle detected: ")


def test_extends_cycle(tmp_path: Path) -> None:
    project(
        tmp_path,
        "p",
        "services:\n  a:\n    image: x\n    extends: b\n  b:\n    image: x\n    extends: a\n",
    )
    code, report, _ = run(tmp_path, "p")
    assert code == 2
    assert located(report, "CMP009")


def test_directory_where_a_file_is_expected(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()
    code, report, _ = run(tmp_path, "-f", "dir.yaml")
    assert code == 2
    assert [f["message"] for f in report["findings"]] == [
        "cannot read file: is a directory, expected a file"
    ]


def test_fifo_does_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "compose.yaml")
    code, report, _ = run(tmp_path, "-f", "compose.yaml")
    assert code == 2
    assert [f["message"] for f in report["findings"]] == [
        "cannot read file: is a FIFO, not a regular file"
    ]


def test_device_path(tmp_path: Path) -> None:
    code, report, _ = run(tmp_path, "-f", "/dev/null")
    assert code == 2
    assert [f["message"] for f in report["findings"]] == [
        "cannot read file: is a device, not a regular file"
    ]


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root can read any file")
def test_unreadable_path(tmp_path: Path) -> None:
    d = project(tmp_path, "p", GOOD)
    (d / "compose.yaml").chmod(0)
    code, report, _ = run(tmp_path, "p")
    assert code == 2
    assert located(report, "CMP001") == [
        ("p/compose.yaml", 1, 1, "cannot read file: permission denied")
    ]


def test_empty_file(tmp_path: Path) -> None:
    project(tmp_path, "p", "")
    code, report, _ = run(tmp_path, "p")
    assert code == 2
    ((_path, _line, _col, message),) = located(report, "CMP002")
    assert "empty compose file" in message
