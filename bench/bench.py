"""Whole-process benchmark of composelint against ``docker compose config``.

    python bench/bench.py [--runs 7] [--services 2000] [--compose PATH]

Each command runs ``--runs`` times; the table shows the median and minimum wall
time, the peak RSS over the runs, and ratios of the medians against
``docker-compose config`` on the same project and against ``python -c pass``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from compose_ref import find_compose_script, unwrap  # noqa: E402
from gen_project import generate  # noqa: E402

SMALL = REPO / "examples" / "ventanas-prod" / "docker-compose.beta.yml"
# (project, max ratio of composelint's median to docker-compose config's, max peak RSS MB)
TARGETS = {"small": (0.9, None), "large": (0.4, 120.0)}


@dataclass
class Result:
    label: str
    project: str
    times: list[float]
    peak_mb: float
    returncode: int


def measure(argv: list[str], runs: int, cwd: Path) -> tuple[list[float], float, int]:
    """Run ``argv`` ``runs`` times in a fresh child of a fresh measuring process.

    The measuring child reports its RUSAGE_CHILDREN peak, which then covers only the
    runs of this one command (the figure is a high-water mark per process tree).
    """
    code = (
        "import json,resource,subprocess,sys,time\n"
        "argv, runs, cwd = json.loads(sys.argv[1])\n"
        "times, rc = [], 0\n"
        "subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "for _ in range(runs):\n"
        "    t = time.perf_counter()\n"
        "    rc = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL,"
        " stderr=subprocess.DEVNULL).returncode\n"
        "    times.append(time.perf_counter() - t)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps([times, peak, rc]))\n"
    )
    # one untimed warm-up run per command, with bytecode caching on (some
    # environments set PYTHONDONTWRITEBYTECODE, which would make every timed run
    # recompile composelint's modules: no user's installed copy works like that)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps([argv, runs, str(cwd)])],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    times, peak_kb, rc = json.loads(out)
    return times, peak_kb / 1024, rc


def composelint_argv() -> list[str]:
    script = Path(sys.executable).parent / "composelint"
    return [str(script)] if script.exists() else [sys.executable, "-m", "composelint"]


def preflight(cl: list[str]) -> str | None:
    """Why composelint cannot be benchmarked (it must resolve the small example), or None."""
    proc = subprocess.run(
        [*cl, "config", "-f", str(SMALL), "--format", "json"], capture_output=True, text=True
    )
    try:
        json.loads(proc.stdout)
    except json.JSONDecodeError:
        return (
            f"`{' '.join(cl)} config` failed (exit {proc.returncode}): {proc.stderr.strip()[-300:]}"
        )
    return None


def run_all(runs: int, services: int, compose: str | None, workdir: Path) -> list[Result]:
    large = generate(workdir / "large", services)
    projects = {"small": SMALL, "large": large}
    results = [
        Result("python -c pass", "-", *measure([sys.executable, "-c", "pass"], runs, workdir))
    ]
    cl = composelint_argv()
    for name, compose_file in projects.items():
        here = compose_file.parent
        commands = {
            "composelint": [*cl, str(compose_file)],
            "composelint config --format json": [
                *cl,
                "config",
                "-f",
                str(compose_file),
                "--format",
                "json",
            ],
        }
        if compose:
            commands["docker-compose config"] = [compose, "-f", str(compose_file), "config"]
            go = unwrap(Path(compose))
            if go != compose:
                commands["(Go binary) config"] = [go, "-f", str(compose_file), "config"]
        for label, argv in commands.items():
            results.append(Result(label, name, *measure(argv, runs, here)))
    return results


def render(results: list[Result], services: int) -> str:
    base = next(r for r in results if r.project == "-")
    ref = {r.project: r for r in results if r.label == "docker-compose config"}
    rows = [
        ("command", "project", "median s", "min s", "peak MB", "vs compose", "vs python", "target")
    ]
    for r in results:
        med = statistics.median(r.times)
        vs_compose, target = "", ""
        if r.project in ref and r.label.startswith("composelint"):
            ratio = med / statistics.median(ref[r.project].times)
            vs_compose = f"{ratio:.2f}x"
            limit, mem = TARGETS[r.project]
            ok = ratio <= limit and (mem is None or r.peak_mb <= mem)
            target = (
                f"<= {limit}x"
                + (f", <= {mem:.0f} MB" if mem else "")
                + (" ok" if ok else " MISSED")
            )
        project = f"{services} services" if r.project == "large" else r.project
        if r.returncode not in (0, 1):
            target = f"exit {r.returncode}! " + target
        rows.append((
            r.label, project, f"{med:.3f}", f"{min(r.times):.3f}", f"{r.peak_mb:.0f}",
            vs_compose, f"{med / statistics.median(base.times):.1f}x", target,
        ))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument(
        "--compose", help="reference docker-compose command (default: the test extra's)"
    )
    opts = parser.parse_args()
    compose = opts.compose or find_compose_script()
    if compose is None:
        print("note: docker-compose not found; no reference column", file=sys.stderr)
    problem = preflight(composelint_argv())
    if problem:
        print(problem, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="composelint-bench-") as tmp:
        results = run_all(opts.runs, opts.services, compose, Path(tmp))
    print(f"{opts.runs} runs each, {os.cpu_count()} CPUs, {sys.executable}")
    print(render(results, opts.services))
    return 0


if __name__ == "__main__":
    sys.exit(main())
