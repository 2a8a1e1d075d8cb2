"""The budgets of docs/security.md, measured (``composelint.limits``).

Every input class that once cost seconds or gigabytes from a few kilobytes is fed
through the command line in a child process, with its scaled-up variant: the exit
code and the located diagnostic are exact, and the child's CPU time, peak memory
and output size stay inside the budget (every input under 1 MB: under 2 s and
300 MB; output bounded by a multiple of the input). These are the only timed tests:
CPU time (not wall time) with a generous factor, so that a loaded CI machine does
not make them flaky while a quadratic or exponential regression still fails.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from composelint import limits

TIME_BUDGET = 2.0  # seconds of CPU for any input under 1 MB
SLACK = 1.5  # for a loaded machine
MEMORY_BUDGET = 300 * 1024 * 1024
HANG = 60.0  # seconds of wall time after which the child is killed (a FIFO that blocks)


@dataclass
class Run:
    code: int
    out: str
    err: str
    cpu: float  # seconds, user + system, of the child alone
    rss: int  # peak resident set size of the child, bytes

    def findings(self) -> list[tuple[str, str, int, int, str]]:
        report = json.loads(self.out)
        return [
            (f["code"], f["file"], f["line"], f["column"], f["message"]) for f in report["findings"]
        ]


def _limit_child() -> None:  # pragma: no cover - runs in the child
    # a regression must fail the test, not take the machine's memory down
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def composelint(cwd: Path, *argv: str, stdin: str | None = None) -> Run:
    """Run the CLI in a child process and measure that child alone (``wait4``)."""
    out_path, err_path = cwd.parent / f"{cwd.name}.out", cwd.parent / f"{cwd.name}.err"
    stdin_file = open(stdin, "rb") if stdin else subprocess.DEVNULL  # noqa: SIM115
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "composelint", *argv],
            cwd=cwd,
            stdin=stdin_file,
            stdout=out,
            stderr=err,
            preexec_fn=_limit_child,
            env={**os.environ, "NO_COLOR": "1"},
        )
        timer = threading.Timer(HANG, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            proc.returncode = 0  # reaped by wait4
            if stdin:
                stdin_file.close()  # type: ignore[union-attr]
    assert os.WIFEXITED(status), f"killed by signal {os.WTERMSIG(status)} (hang or limit)"
    run = Run(
        os.WEXITSTATUS(status),
        out_path.read_text(encoding="utf-8", errors="replace"),
        err_path.read_text(encoding="utf-8", errors="replace"),
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024),
    )
    assert "Traceback" not in run.err
    return run


def within_budget(run: Run, project: Path, *, factor: int = limits.OUTPUT_FACTOR) -> None:
    size = sum(p.stat().st_size for p in project.rglob("*") if p.is_file())
    assert size < 1024 * 1024
    assert run.cpu < TIME_BUDGET * SLACK, f"{run.cpu:.2f} s of CPU"
    assert run.rss < MEMORY_BUDGET, f"{run.rss // 2**20} MB"
    output = len(run.out.encode()) + len(run.err.encode())
    assert output <= factor * size + limits.OUTPUT_SLACK, f"{output} bytes out"


def write(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir()
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return directory


# -- interpolation -------------------------------------------------------------------


@pytest.mark.parametrize("count", [8000, 40000])
def test_unclosed_defaults(tmp_path: Path, count: int) -> None:
    p = write(
        tmp_path / "p", {"compose.yaml": f'services:\n  a:\n    image: "{"${A:-" * count}"\n'}
    )
    run = composelint(p, "--format", "json", "--select", "CMP004")
    assert run.code == 1
    bad = "${A:-" * 20  # the message quotes 100 characters of the expression
    assert run.findings() == [
        (
            "CMP004",
            "compose.yaml",
            3,
            13,
            f'invalid interpolation format "{bad}..."; you may need to escape any $ with another $',
        )
    ]
    within_budget(run, p)


@pytest.mark.parametrize("lines", [29, 200])
def test_env_doubling_a_variable_per_line(tmp_path: Path, lines: int) -> None:
    env = "A0=xxxxxxxx\n" + "".join(f"A{i}=${{A{i - 1}}}${{A{i - 1}}}\n" for i in range(1, lines))
    p = write(tmp_path / "p", {"compose.yaml": "services:\n  a:\n    image: x\n", ".env": env})
    run = composelint(p, "--format", "json")
    assert run.code == 2
    message = (
        f"interpolation expands beyond the limit of {limits.MAX_EXPANDED_BYTES} bytes for "
        "one value (a variable repeated too often): the value is not expanded"
    )
    # A17 is 8 * 2**17 = 1 MiB, A18 would be 2 MiB: it keeps its text, which the
    # next lines double again
    findings = run.findings()
    assert findings[0] == ("CMP401", ".env", 19, 11, message)
    project = message.replace(
        f"{limits.MAX_EXPANDED_BYTES} bytes for one value",
        f"{limits.MAX_TOTAL_EXPANDED_BYTES} bytes for the project",
    )
    assert {f[4] for f in findings} <= {message, project}
    within_budget(run, p)


@pytest.mark.parametrize("count", [5000, 10000])
def test_code_frames_of_a_long_line(tmp_path: Path, count: int) -> None:
    p = write(tmp_path / "p", {"compose.yaml": f'services:\n  a:\n    image: "{"${A}" * count}"\n'})
    run = composelint(p, "--select", "CMP501", "--fail-on", "warning")
    assert run.code == 1
    assert run.out.count("CMP501") == count
    first = run.out.split("\n")[1]
    assert first.startswith('3 |     image: "${A}${A}') and first.endswith("…")
    assert max(len(line) for line in run.out.split("\n")) < 2 * limits.MAX_FRAME_WIDTH
    within_budget(run, p, factor=limits.REPORT_FACTOR)


# -- YAML aliases ---------------------------------------------------------------------

NESTED = "${A:-" * 50 + "x" + "}" * 50  # 301 bytes of nested defaults
ANCHOR = "x-e: &e\n" + "".join(f'  K{i}: "{NESTED}"\n' for i in range(50))  # 15 KB


@pytest.mark.parametrize("services", [250])
def test_anchor_of_nested_defaults_aliased_within_the_budget(tmp_path: Path, services: int) -> None:
    body = "".join(f"  s{i}:\n    image: x\n    environment: *e\n" for i in range(services))
    p = write(tmp_path / "p", {"compose.yaml": ANCHOR + "services:\n" + body})
    run = composelint(p, "--format", "json")
    assert (run.code, run.findings()) == (0, [])
    within_budget(run, p)


@pytest.mark.parametrize("services", [400, 4000])
def test_anchor_of_nested_defaults_aliased_beyond_the_budget(tmp_path: Path, services: int) -> None:
    body = "".join(f"  s{i}:\n    image: x\n    environment: *e\n" for i in range(services))
    p = write(tmp_path / "p", {"compose.yaml": ANCHOR + "services:\n" + body})
    run = composelint(p, "--format", "json")
    assert run.code == 2
    # the alias that crosses 4 MiB: the one of service 274 (15.3 KB each)
    assert run.findings() == [
        (
            "CMP002",
            "compose.yaml",
            55 + 3 * 274,
            18,
            f"aliases repeat more than {limits.MAX_ALIAS_BYTES} bytes of YAML text",
        )
    ]
    within_budget(run, p)


def test_config_of_a_large_anchor_aliased_many_times(tmp_path: Path) -> None:
    anchor = "x-big: &big\n" + "".join(f"  K{i}: {'v' * 95}\n" for i in range(1000))  # 100 KB
    body = "".join(f"  s{i}:\n    image: x\n    labels: *big\n" for i in range(2000))
    p = write(tmp_path / "p", {"compose.yaml": anchor + "services:\n" + body})
    run = composelint(p, "config")
    assert (run.code, run.out) == (2, "")
    assert f"CMP002 [error] aliases repeat more than {limits.MAX_ALIAS_BYTES} bytes" in run.err
    within_budget(run, p)


def test_config_output_is_bounded_by_the_input(tmp_path: Path) -> None:
    # within every expansion budget, yet 12 MB of output from 2 KB
    env = "A=" + "x" * 100 + "\nB0=${A}\n"
    env += "".join(f"B{i}=${{B{i - 1}}}${{B{i - 1}}}\n" for i in range(1, 13))
    body = "".join(
        f"  s{i}:\n    image: x\n    environment:\n      V: ${{B12}}\n" for i in range(30)
    )
    p = write(tmp_path / "p", {"compose.yaml": "services:\n" + body, ".env": env})
    run = composelint(p, "config")
    assert (run.code, run.out) == (2, "")
    assert run.err.startswith("composelint: the resolved project is larger than ")
    within_budget(run, p)


# -- extends and include --------------------------------------------------------------


@pytest.mark.parametrize("services", [400, 3000])
def test_extends_chain(tmp_path: Path, services: int) -> None:
    body = "".join(
        f"  s{i}:\n    extends: s{i - 1}\n    environment:\n      LEVEL: '{i}'\n"
        for i in range(1, services)
    )
    p = write(tmp_path / "p", {"compose.yaml": "services:\n  s0:\n    image: x\n" + body})
    run = composelint(p, "--format", "json")
    assert (run.code, run.findings()) == (0, [])
    within_budget(run, p)


@pytest.mark.parametrize("depth", [60, 500])
def test_include_chain(tmp_path: Path, depth: int) -> None:
    files = {"compose.yaml": "include: [i1.yaml]\nservices:\n  a: {image: x}\n"}
    for i in range(1, depth):
        include = f"include: [i{i + 1}.yaml]\n" if i < depth - 1 else ""
        files[f"i{i}.yaml"] = include + f"services:\n  s{i}: {{image: x}}\n"
    p = write(tmp_path / "p", files)
    run = composelint(p, "--format", "json")
    if depth <= limits.MAX_INCLUDE_DEPTH:
        assert (run.code, run.findings()) == (0, [])
    else:
        last = limits.MAX_INCLUDE_DEPTH - 1
        assert run.code == 2
        assert run.findings() == [
            (
                "CMP008",
                f"i{last}.yaml",
                1,
                11,
                f"include nested deeper than {limits.MAX_INCLUDE_DEPTH} levels: "
                f"i{last + 1}.yaml was not loaded",
            )
        ]
    within_budget(run, p)


@pytest.mark.parametrize("levels", [18, 40])
def test_include_diamond(tmp_path: Path, levels: int) -> None:
    files = {"compose.yaml": "include: [l1a/c.yaml, l1b/c.yaml]\nservices:\n  a: {image: x}\n"}
    for k in range(1, levels + 1):
        for side in "ab":
            include = f"include: [../l{k + 1}a/c.yaml, ../l{k + 1}b/c.yaml]\n" if k < levels else ""
            files[f"l{k}{side}/c.yaml"] = include + f"services:\n  s{k}{side}: {{image: x}}\n"
    p = write(tmp_path / "p", files)
    run = composelint(p, "--format", "json")
    assert (run.code, run.findings()) == (0, [])
    within_budget(run, p)


# -- special files ----------------------------------------------------------------------


def test_stdin_from_dev_zero(tmp_path: Path) -> None:
    p = write(tmp_path / "p", {})
    run = composelint(p, "-", "--format", "json", stdin="/dev/zero")
    assert run.code == 2
    assert json.loads(run.out)["findings"][0]["message"] == (
        f"<stdin>: input is too large (more than {limits.MAX_FILE_BYTES} bytes)"
    )
    assert run.cpu < TIME_BUDGET * SLACK
    assert run.rss < MEMORY_BUDGET


def test_special_files_as_options_do_not_block(tmp_path: Path) -> None:
    p = write(tmp_path / "p", {"compose.yaml": "services:\n  a:\n    image: x\n"})
    os.mkfifo(p / "fifo")
    for option in ("--baseline", "--diff-file", "--config", "--env-file"):
        run = composelint(p, option, "fifo")
        assert run.code == 2
        assert "is a FIFO, not a regular file" in run.out + run.err
        within_budget(run, p)
