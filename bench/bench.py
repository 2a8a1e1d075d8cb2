"""Whole-process benchmark of composelint against the ``docker compose`` Go binary.

    python bench/bench.py [--runs 7] [--big-runs 3] [--quick] [--compose PATH]

Prints one row per line of the speed table of the project (issue 13): a small
project, 2000 and 20000 services (each against ``docker compose config``), a tree
of 200 small projects with ``-j1`` and ``-j``, and the language server's
didChange -> diagnostics on 5 and 2000 services. Times are medians of runs that
alternate between the commands compared (paired: a busy moment slows both), the
ratio is taken from the same run, and peak RSS is the largest of the runs.
``--quick`` is a sanity check (few runs, small sizes), not a measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from compose_ref import find_compose_script, unwrap  # noqa: E402
from gen_project import generate  # noqa: E402

SMALL = REPO / "examples" / "ventanas-prod" / "docker-compose.beta.yml"


class Runs:
    """Wall times and peak RSS (MB) of the runs of one command."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.peak_mb = 0.0
        self.codes: set[int] = set()

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def _env() -> dict[str, str]:
    # bytecode caching on: some environments set PYTHONDONTWRITEBYTECODE, which would
    # make every run recompile composelint (no installed copy works like that)
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def paired(commands: dict[str, list[str]], runs: int, cwd: Path) -> dict[str, Runs]:
    """Run the commands in turn, ``runs`` rounds after an untimed warm-up round; the
    peak RSS of each run is the child's own (``wait4``), descendants included."""
    out = {label: Runs() for label in commands}
    env = _env()
    for round_ in range(runs + 1):
        for label, argv in commands.items():
            start = time.perf_counter()
            proc = subprocess.Popen(
                argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            if round_ == 0:
                continue
            r = out[label]
            r.times.append(elapsed)
            r.peak_mb = max(r.peak_mb, usage.ru_maxrss / 1024)
            r.codes.add(proc.returncode)
    return out


def composelint_argv() -> list[str]:
    script = Path(sys.executable).parent / "composelint"
    return [str(script)] if script.exists() else [sys.executable, "-m", "composelint"]


def has_jobs(cl: list[str]) -> bool:
    """Whether this composelint has ``-j/--jobs``."""
    out = subprocess.run([*cl, "--help"], capture_output=True, text=True).stdout
    return "--jobs" in out


# -- the language server ---------------------------------------------------------


class LspClient:
    """The least of an editor: open a document, change it, wait for its diagnostics."""

    def __init__(self, cl: list[str], cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [*cl, "server"],
            cwd=cwd,
            env=_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.next_id = 0

    def send(self, method: str, params: object, *, request: bool = False) -> None:
        message: dict[str, object] = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            self.next_id += 1
            message["id"] = self.next_id
        body = json.dumps(message).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def receive(self) -> dict[str, object]:
        assert self.proc.stdout is not None
        length = 0
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the language server exited")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        message: dict[str, object] = json.loads(self.proc.stdout.read(length))
        return message

    def wait_diagnostics(self, uri: str) -> None:
        while True:
            m = self.receive()
            params = m.get("params")
            if (
                m.get("method") == "textDocument/publishDiagnostics"
                and isinstance(params, dict)
                and params.get("uri") == uri
            ):
                return

    def close(self) -> None:
        self.send("shutdown", None, request=True)
        self.send("exit", None)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def lsp_change_latency(cl: list[str], compose: Path, changes: int) -> Runs:
    """didChange -> publishDiagnostics of that document, ``changes`` times."""
    client = LspClient(cl, compose.parent)
    uri = compose.resolve().as_uri()
    text = compose.read_text()
    result = Runs()
    try:
        client.send(
            "initialize",
            {"processId": os.getpid(), "rootUri": compose.parent.resolve().as_uri(),
             "capabilities": {}},
            request=True,
        )  # fmt: skip
        while "id" not in client.receive():
            pass
        client.send("initialized", {})
        doc = {"uri": uri, "languageId": "yaml", "version": 1, "text": text}
        client.send("textDocument/didOpen", {"textDocument": doc})
        client.wait_diagnostics(uri)
        for version in range(2, changes + 2):
            edited = text + f"# edit {version}\n"
            start = time.perf_counter()
            client.send(
                "textDocument/didChange",
                {"textDocument": {"uri": uri, "version": version},
                 "contentChanges": [{"text": edited}]},
            )  # fmt: skip
            client.wait_diagnostics(uri)
            result.times.append(time.perf_counter() - start)
            time.sleep(0.05)  # a pause in typing
    finally:
        client.close()
    return result


# -- the table ---------------------------------------------------------------------


class Row:
    def __init__(self, what: str, ours: Runs | None, ref: Runs | None = None, goal: str = ""):
        self.what, self.ours, self.ref, self.goal = what, ours, ref, goal
        self.note = ""


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def render(rows: Sequence[Row]) -> str:
    table = [("what", "composelint", "reference", "ratio", "peak MB", "goal", "note")]
    for r in rows:
        ours = _ms(r.ours.median) if r.ours else "-"
        ref = _ms(r.ref.median) if r.ref else ""
        ratio = f"{r.ours.median / r.ref.median:.2f}x" if r.ours and r.ref else ""
        peak = f"{r.ours.peak_mb:.0f}" if r.ours and r.ours.peak_mb else ""
        codes = r.ours.codes - {0, 1} if r.ours else set()
        note = r.note + (f" exit {sorted(codes)}!" if codes else "")
        table.append((r.what, ours, ref, ratio, peak, r.goal, note.strip()))
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in table
    )


def run_all(opts: argparse.Namespace, go: str | None, work: Path) -> list[Row]:
    cl = composelint_argv()
    rows: list[Row] = []
    quick = opts.quick
    runs, big_runs = (2, 1) if quick else (opts.runs, opts.big_runs)

    def versus(what: str, compose: Path, n: int, goal: str) -> Row:
        commands = {"ours": [*cl, str(compose)]}
        if go:
            commands["go"] = [go, "-f", str(compose), "config"]
        got = paired(commands, n, compose.parent)
        return Row(what, got["ours"], got.get("go"), goal)

    # small project: composelint, the Go binary and the floor, paired
    floor_code = (
        "import sys, yaml; yaml.compose(open(sys.argv[1], encoding='utf-8'),"
        " Loader=yaml.CSafeLoader)"
    )
    commands = {"ours": [*cl, str(SMALL)], "floor": [sys.executable, "-c", floor_code, str(SMALL)]}
    if go:
        commands["go"] = [go, "-f", str(SMALL), "config"]
    small = paired(commands, runs * 3, SMALL.parent)
    row = Row("small project (3 services), default lint", small["ours"], small.get("go"))
    row.goal = "<= 1.0x Go"
    row.note = f"floor (python + import yaml + libyaml parse): {_ms(small['floor'].median)}"
    rows.append(row)

    for services, n, goal in (
        (200 if quick else 2000, runs, "<= 0.4x Go, <= 80 MB"),
        (400 if quick else 20000, big_runs, "<= 0.2x Go, linear"),
    ):
        compose = generate(work / f"p{services}", services)
        rows.append(versus(f"{services} services", compose, n, goal))

    # a tree of small projects, one process and all cores
    count = 10 if quick else 200
    tree = work / "tree"
    for i in range(count):
        generate(tree / f"p{i:03d}", 5, seed=i)
    if has_jobs(cl):
        cpus = os.cpu_count() or 1  # spelled out: -j with no number may not be accepted
        tree_cmds = {"j1": [*cl, "-j1", str(tree)], "j": [*cl, f"-j{cpus}", str(tree)]}
        got = paired(tree_cmds, runs, tree)
        rows.append(Row(f"tree of {count} small projects, -j1", got["j1"]))
        row = Row(f"tree of {count} small projects, -j", got["j"], got["j1"], "<= 0.6x -j1")
        row.note = f"-j{cpus} (the CPU count); ratio against -j1"
        rows.append(row)
    else:
        got = paired({"one": [*cl, str(tree)]}, runs, tree)
        row = Row(f"tree of {count} small projects (one process)", got["one"])
        row.note = "no -j/--jobs in this build: the -j rows are missing"
        rows.append(row)

    # the language server
    if subprocess.run([sys.executable, "-c", "import pygls"], capture_output=True).returncode:
        rows.append(Row("LSP didChange -> diagnostics", None, goal="needs pygls"))
    else:
        changes = 3 if quick else max(opts.runs, 7)
        for services, goal in ((5, "<= 30 ms"), (200 if quick else 2000, "<= 0.5 s")):
            compose = generate(work / f"lsp{services}", services)
            latency = lsp_change_latency(cl, compose, changes)
            rows.append(
                Row(f"LSP didChange -> diagnostics, {services} services", latency, None, goal)
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per command")
    parser.add_argument("--big-runs", type=int, default=3, help="runs on 20000 services")
    parser.add_argument("--quick", action="store_true", help="a sanity check: tiny sizes")
    parser.add_argument(
        "--compose", help="docker-compose to compare with (default: the test extra's)"
    )
    opts = parser.parse_args()
    script = opts.compose or find_compose_script()
    go = unwrap(Path(script)) if script else None
    if go is None:
        print("note: docker-compose not found; no reference column", file=sys.stderr)
    cl = composelint_argv()
    check = subprocess.run(
        [*cl, "config", "-f", str(SMALL), "--format", "json"], capture_output=True, text=True
    )
    try:
        json.loads(check.stdout)
    except json.JSONDecodeError:
        print(f"`{' '.join(cl)} config` failed: {check.stderr.strip()[-300:]}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="composelint-bench-") as tmp:
        rows = run_all(opts, go, Path(tmp))
    if opts.quick:
        print("quick sanity run (tiny sizes, 2 runs): not a measurement")
    else:
        print(f"{opts.runs} runs ({opts.big_runs} on 20000 services), paired, medians")
    print(f"{os.cpu_count()} CPUs, {sys.executable}")
    print(f"reference: {go or 'none'}")
    print(render(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
