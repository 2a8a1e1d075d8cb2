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


# -- one door: every path composelint is given, every OS error (issue 15) -------------


def run_raw(cwd: Path, *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of a run that may end in a usage error."""
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(argv))
    finally:
        os.chdir(old)
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue(), err.getvalue()


def loop(path: Path) -> Path:
    path.symlink_to(path.name)
    return path


def good(directory: Path, text: str = "services:\n  web:\n    image: nginx\n") -> Path:
    (directory / "compose.yaml").write_text(text)
    return directory


@pytest.mark.parametrize("argv", [("-f", "c.yaml"), ("c.yaml",)])
def test_symlink_loop_as_compose_file(tmp_path: Path, argv: tuple[str, ...]) -> None:
    loop(tmp_path / "c.yaml")
    code, report, _ = run(tmp_path, *argv)
    assert code == 2
    assert located(report, "CMP001") == [("c.yaml", 1, 1, "cannot read file: symlink loop")]
    assert not located(report, "CMP900")


def test_symlink_loop_as_env_file_option_and_argument(tmp_path: Path) -> None:
    good(tmp_path)
    loop(tmp_path / "e.env")
    code, report, _ = run(tmp_path, "--env-file", "e.env")
    assert code == 2
    assert located(report, "CMP001") == [("e.env", 1, 1, "cannot read file: symlink loop")]
    code, report, _ = run(tmp_path, "e.env")
    assert code == 2
    assert [f["message"] for f in report["findings"]] == ["e.env: cannot read file: symlink loop"]


def test_symlink_loop_as_project_directory(tmp_path: Path) -> None:
    good(tmp_path)
    loop(tmp_path / "d")
    code, report, _ = run(tmp_path, "--project-directory", "d")
    assert code == 2
    assert [f["message"] for f in report["findings"]] == ["d: --project-directory: symlink loop"]


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("--baseline", "--baseline {name}: {reason}"),
        ("--diff-file", "--diff-file {name}: {reason}"),
        ("--config", "--config {name}: {reason}"),
    ],
)
@pytest.mark.parametrize(
    ("kind", "reason"),
    [("loop", "symlink loop"), ("fifo", "is a FIFO, not a regular file")],
)
def test_option_files_that_are_not_regular(
    tmp_path: Path, option: str, message: str, kind: str, reason: str
) -> None:
    good(tmp_path)
    target = tmp_path / "x.json"
    if kind == "loop":
        loop(target)
    else:
        os.mkfifo(target)  # must not block
    code, out, err = run_raw(tmp_path, option, "x.json")
    assert (code, out) == (2, "")
    expected = message.format(name="x.json", reason=reason)
    assert err == f"composelint: error: {expected}\n"


@pytest.mark.parametrize("option", ["--baseline", "--diff-file"])
def test_option_files_that_are_devices(tmp_path: Path, option: str) -> None:
    good(tmp_path)
    code, _, err = run_raw(tmp_path, option, "/dev/zero")
    assert code == 2
    assert err.endswith("/dev/zero: is a device, not a regular file\n")


def test_binary_diff_file_is_an_error(tmp_path: Path) -> None:
    good(tmp_path, GOOD)
    (tmp_path / "x.diff").write_bytes(b"\x00\x01binary")
    code, out, err = run_raw(tmp_path, "--diff-file", "x.diff")
    assert (code, out) == (2, "")
    assert err == ("composelint: error: --diff-file x.diff: binary file (contains NUL bytes)\n")


def test_env_file_fifo_says_what_it_is(tmp_path: Path) -> None:
    good(tmp_path)
    os.mkfifo(tmp_path / "e.env")
    code, report, _ = run(tmp_path, "--env-file", "e.env")
    assert code == 2
    assert located(report, "CMP001") == [
        ("e.env", 1, 1, "cannot read file: is a FIFO, not a regular file")
    ]


def test_stdin_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import composelint.load.sources as sources

    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 1000)
    stream = io.BytesIO(b"x" * 5000)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(stream))
    code, report, _ = run(tmp_path, "-")
    assert code == 2
    assert [f["message"] for f in report["findings"]] == [
        "<stdin>: input is too large (more than 1000 bytes)"
    ]
    assert stream.tell() == 1001  # the limit + 1 byte, never the whole stream


def test_symlink_loop_as_stdin_filename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loop(tmp_path / "c.yaml")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(GOOD.encode())))
    code, report, _ = run(tmp_path, "-", "--stdin-filename", "c.yaml")
    assert code == 1
    assert [(f["file"], f["line"], f["code"]) for f in report["findings"]] == [
        ("c.yaml", 4, "CMP006")
    ]


@pytest.mark.parametrize("command", ["config", "graph"])
def test_symlink_loop_in_config_and_graph(tmp_path: Path, command: str) -> None:
    loop(tmp_path / "c.yaml")
    code, out, err = run_raw(tmp_path, command, "-f", "c.yaml")
    assert (code, out) == (2, "")
    assert err.startswith("c.yaml:1:1: CMP001 [error] cannot read file: symlink loop")


@pytest.mark.parametrize(
    ("compose", "code", "where", "message"),
    [
        (
            "include: [loop.yaml]\nservices:\n  a: {image: x}\n",
            "CMP008",
            ("compose.yaml", 1, 11),
            "cannot read loop.yaml: symlink loop",
        ),
        (
            "services:\n  a:\n    extends: {file: loop.yaml, service: b}\n",
            "CMP009",
            ("compose.yaml", 3, 14),
            "cannot read loop.yaml: symlink loop",
        ),
        (
            "services:\n  a:\n    image: x\n    env_file: loop.yaml\n",
            "CMP601",
            ("compose.yaml", 4, 15),
            "cannot read loop.yaml: symlink loop",
        ),
    ],
)
def test_symlink_loop_named_by_the_project(
    tmp_path: Path, compose: str, code: str, where: tuple[str, int, int], message: str
) -> None:
    good(tmp_path, compose)
    loop(tmp_path / "loop.yaml")
    exit_code, report, _ = run(tmp_path, ".")
    assert exit_code == 2
    assert (*where, message) in located(report, code)
    assert not located(report, "CMP900")


def test_symlink_loop_as_secret_file_and_compose_file_variable(tmp_path: Path) -> None:
    good(
        tmp_path,
        "services:\n  a:\n    image: x\n    secrets: [s]\nsecrets:\n  s:\n    file: loop.txt\n",
    )
    loop(tmp_path / "loop.txt")
    code, report, _ = run(tmp_path, ".")
    assert code == 0 and report["findings"] == []
    (tmp_path / ".env").write_text("COMPOSE_FILE=loop.yaml\n")
    loop(tmp_path / "loop.yaml")
    code, report, _ = run(tmp_path)
    assert code == 2
    assert located(report, "CMP001") == [("loop.yaml", 1, 1, "cannot read file: symlink loop")]


@pytest.mark.parametrize("kind", ["fifo", "device", "loop"])
def test_unusable_project_env(tmp_path: Path, kind: str) -> None:
    good(tmp_path)
    env = tmp_path / ".env"
    if kind == "fifo":
        os.mkfifo(env)
        reason = "is a FIFO, not a regular file"
    elif kind == "device":
        env.symlink_to("/dev/zero")
        reason = "is a device, not a regular file"
    else:
        loop(env)
        reason = "symlink loop"
    code, report, _ = run(tmp_path, ".")
    assert code == 2
    assert located(report, "CMP001") == [(".env", 1, 1, f"cannot read file: {reason}")]


def test_project_env_directory_is_ignored_like_compose(tmp_path: Path) -> None:
    # compose-go GetEnvFromFile skips a default .env that is a directory
    # (`docker compose config` succeeds): a warning, not "could not lint"
    good(tmp_path)
    (tmp_path / ".env").mkdir()
    code, report, _ = run(tmp_path, ".")
    assert code == 0  # a warning: below the default fail-on (error)
    assert [(f["code"], f["severity"], f["message"]) for f in report["findings"]] == [
        (
            "CMP001",
            "warning",
            ".env is a directory: docker compose ignores it, so no variable is read from it",
        )
    ]


def test_env_file_outside_the_project_reads_no_siblings(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "o.env").write_text("A=1\n")
    (elsewhere / ".env").write_text("lowercase=1\n")  # env-lowercase-key if it were read
    (elsewhere / ".env.prod").write_text("B =1\n")
    project = tmp_path / "p"
    project.mkdir()
    good(project, f"services:\n  a:\n    image: x\n    env_file: {elsewhere}/o.env\n")
    code, report, _ = run(project, ".")
    assert code == 0, report
    assert report["files"] == [f"{elsewhere}/o.env", "compose.yaml"]


def test_baseline_never_hides_could_not_lint(tmp_path: Path) -> None:
    good(tmp_path, "services:\n  a:\n    image: x\n    env_file: missing.env\n")
    missing = ("compose.yaml", 4, 15, 'env file missing.env not found (service "a")')
    code, out, err = run_raw(tmp_path, "--baseline", "b.json", "--format", "json")
    assert code == 2
    assert located(json.loads(out), "CMP601") == [missing]
    assert err == "composelint: wrote 0 finding(s) to the baseline b.json\n"
    code, out, _ = run_raw(tmp_path, "--baseline", "b.json", "--format", "json")
    assert code == 2
    assert located(json.loads(out), "CMP601") == [missing]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"compose.yaml": b"\x00"}, "cannot read file: binary file (contains NUL bytes)"),
        (
            {"compose.yaml": "services:\n  a: {extends: b}\n  b: {extends: a}\n"},
            "circular extends: a -> b -> a",
        ),
    ],
)
def test_graph_exits_2_when_the_project_cannot_be_linted(
    tmp_path: Path, files: dict[str, str | bytes], message: str
) -> None:
    for name, content in files.items():
        if isinstance(content, bytes):
            (tmp_path / name).write_bytes(content)
        else:
            (tmp_path / name).write_text(content)
    code, out, err = run_raw(tmp_path, "graph")
    assert (code, out) == (2, "")
    assert message in err


def test_graph_fifo_and_alias_bomb(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "compose.yaml")
    code, out, err = run_raw(tmp_path, "graph")
    assert (code, out) == (2, "")
    assert "compose.yaml:1:1: CMP001 [error] cannot read file: is a FIFO" in err
    (tmp_path / "compose.yaml").unlink()
    lines = ["x-a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"x-a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    good(tmp_path, "\n".join(lines) + "\nservices: {}\n")
    code, out, err = run_raw(tmp_path, "graph")
    assert (code, out) == (2, "")
    assert "CMP002 [error] too many YAML nodes" in err


def test_file_name_too_long(tmp_path: Path) -> None:
    name = "x" * 5000 + ".yaml"
    code, report, _ = run(tmp_path, "-f", name)
    assert code == 2
    assert located(report, "CMP001") == [(name, 1, 1, "cannot read file: file name too long")]


def test_extends_file_outside_the_project_reads_no_sibling_compose_files(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "base.yml").write_text("services:\n  base:\n    image: x\n")
    # host-unknown would name this file ("it is defined in compose.db.yml") if it were read
    (elsewhere / "compose.db.yml").write_text("services:\n  db:\n    image: postgres\n")
    project = tmp_path / "p"
    project.mkdir()
    good(
        project,
        "services:\n  app:\n    extends: {file: ../elsewhere/base.yml, service: base}\n"
        "    environment:\n      URL: http://db:5432/x\n",
    )
    code, report, _ = run(project, "--select", "CMP107")
    assert code == 1
    ((path, line, col, message),) = located(report, "CMP107")
    assert (path, line, col) == ("compose.yaml", 5, 19)
    assert "compose.db.yml" not in message
