"""``-j/--jobs``: the projects of a run checked in worker processes give the same
report, byte for byte, and the same exit code as one process."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from composelint.cli import main
from composelint.lint import parallel
from composelint.lint.registry import load_registry
from composelint.lint.settings import Settings
from composelint.run import Checked, Targets, lint

FIXTURES = Path(__file__).parent / "fixtures" / "projects"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "composelint", *args],
        cwd=FIXTURES.parent,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_two_processes_print_what_one_prints(fmt: str) -> None:
    one = _run("-j1", "--format", fmt, "--no-color", "projects")
    two = _run("-j2", "--format", fmt, "--no-color", "projects")
    assert one.returncode == two.returncode
    assert one.stdout == two.stdout
    assert one.stderr == two.stderr
    assert one.stdout.count("\n") > 100  # the tree has findings in many projects


def test_several_arguments_are_checked_in_parallel_too() -> None:
    paths = [str(p) for p in sorted(FIXTURES.iterdir()) if p.is_dir()][:20]
    one = _run("-j1", "--format", "json", *paths)
    two = _run("-j2", "--format", "json", *paths)
    assert (one.returncode, one.stdout) == (two.returncode, two.stdout)


def test_the_fixture_tree_really_runs_in_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """A result that does not pickle would silently fall back to one process: the pool
    must return every project's result itself."""
    returned: list[object] = []
    real = parallel.map_projects

    def spy(*args: object, **kwargs: object) -> object:
        out = real(*args, **kwargs)  # type: ignore[arg-type]
        returned.append(out)
        return out

    monkeypatch.setattr(parallel, "map_projects", spy)
    targets = Targets(paths=(str(FIXTURES),), cwd=FIXTURES)
    report = lint(targets, Settings(isolated=True), load_registry(), jobs=2)
    assert returned and returned[0] is not None
    assert len(report.projects) >= parallel.MIN_PROJECTS
    one = lint(targets, Settings(isolated=True), load_registry(), jobs=1)
    assert report.findings == one.findings
    assert report.exit_code == one.exit_code
    assert report.files == one.files


def test_what_crosses_the_boundary_pickles() -> None:
    report = lint(Targets(paths=(str(FIXTURES),), cwd=FIXTURES), Settings(isolated=True))
    for linted in report.projects:
        checked = Checked(linted.project, list(linted.findings))
        back = pickle.loads(pickle.dumps(checked))
        assert back.found == checked.found
        assert back.project.model.to_plain() == linted.project.model.to_plain()
        assert back.project.problems == linted.project.problems
        assert back.project.sources == linted.project.sources


def test_small_runs_stay_in_one_process(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    targets = Targets(paths=(str(tmp_path),), cwd=tmp_path)
    from composelint.run import find_projects

    specs, _, _ = find_projects(targets)
    assert len(specs) == 3
    assert not parallel.worth_it(specs, 2)
    assert parallel.map_projects(lambda s: s, specs, 2) is None


def test_the_first_project_is_checked_before_the_fork(tmp_path: Path) -> None:
    """The parent checks one project itself before it forks, so the modules the rules
    import lazily are loaded once and inherited, not imported again by every worker."""
    import os

    for i in range(parallel.MIN_PROJECTS):
        (tmp_path / f"p{i}").mkdir()
        (tmp_path / f"p{i}" / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    from composelint.run import find_projects

    specs, _, _ = find_projects(Targets(paths=(str(tmp_path),), cwd=tmp_path))
    pids = parallel.map_projects(lambda s: os.getpid(), specs, 2)
    assert pids is not None and len(pids) == len(specs)
    assert pids[0] == os.getpid()
    assert os.getpid() not in pids[1:]


def test_jobs_must_be_a_positive_number(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-j0", "."]) == 2
    assert "number of processes" in capsys.readouterr().err
    assert main(["--jobs", "x", "."]) == 2


def test_the_default_leaves_busy_cpus_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from composelint.cli import _default_jobs

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.4, 0.0, 0.0))
    assert _default_jobs() == 4
    monkeypatch.setattr(os, "getloadavg", lambda: (2.7, 0.0, 0.0))
    assert _default_jobs() == 2
    monkeypatch.setattr(os, "getloadavg", lambda: (9.0, 0.0, 0.0))
    assert _default_jobs() == 1
    assert main(["-j", "auto", "--version"]) == 0
