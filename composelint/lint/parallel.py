"""Resolve and check the projects of a run in worker processes (``-j/--jobs``).

Projects are independent until the filters, which keep run-wide bookkeeping (which
suppression comments were used, which ``fail-on`` governs a finding) and so run in
the parent, in the order of the projects, on what the workers send back. Only the
per-project work crosses the boundary: the workers are forked from the parent after
the settings and the rules are loaded, get an index, and return a picklable result
(``run.Checked``: the resolved project and its findings, or an internal-error
finding). Whatever goes wrong with the pool itself, the caller lints in-process.

Workers start only when there is enough work to pay for them. Measured on 2 cores: a
pool costs 10-30 ms to start (forks, and the imports of ``multiprocessing``), a small
project (2 KB, 5 services) 5-7 ms to lint, and sending a result back 5-15 % of what
it cost to make (pickled nodes, spans and findings). So it starts for at least
``MIN_PROJECTS`` projects, or for fewer that hold ``MIN_BYTES`` of compose files
between them (64 KB take about 0.2 s).

The parent checks the first project itself before it forks: the rules and the
analyses are imported lazily, and without that each worker imported them again (and
compiled them, where no bytecode is cached), which cost a run of 200 small projects
as much CPU as checking a third of them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from composelint.load.discover import ProjectSpec

T = TypeVar("T")

MIN_PROJECTS = 12  # small projects: fewer are not faster in several processes
MIN_BYTES = 64 * 1024  # or a few large ones
_CHUNKS_PER_WORKER = 4  # balance uneven projects without a round trip per project

# what the forked workers run: set in the parent just before the fork
_task: Callable[[Any], Any] | None = None
_items: Sequence[Any] = ()


def worth_it(specs: Sequence[ProjectSpec], jobs: int) -> bool:
    """Whether ``jobs`` workers would finish ``specs`` sooner than this process."""
    if jobs < 2 or len(specs) < 2:
        return False
    if len(specs) >= MIN_PROJECTS:
        return True
    size = 0
    for spec in specs:
        if spec.stdin_text is not None:
            size += len(spec.stdin_text)
        for path in spec.compose_files:
            with contextlib.suppress(OSError):
                size += path.stat().st_size
    return size >= MIN_BYTES


def map_projects(
    task: Callable[[ProjectSpec], T], specs: Sequence[ProjectSpec], jobs: int
) -> list[T] | None:
    """``[task(s) for s in specs]`` by up to ``jobs`` forked processes, in order; None
    when it does not pay, when processes cannot be forked here, or when the pool
    fails (the caller then runs ``task`` itself)."""
    jobs = min(jobs, len(specs))
    if not worth_it(specs, jobs):
        return None
    import multiprocessing  # only now: a small run does not pay for the import
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return None  # the workers must inherit the loaded rules and settings
    # the first project here, before the fork: it imports the modules the rules and
    # their analyses need, which the workers then inherit instead of each importing
    # them again (the parent needs them anyway, for the filters and the tree pass)
    first = task(specs[0])
    global _task, _items
    _task, _items = task, specs
    try:
        ctx = multiprocessing.get_context("fork")
        chunk = max(1, (len(specs) - 1) // (jobs * _CHUNKS_PER_WORKER))
        with ProcessPoolExecutor(jobs, mp_context=ctx) as pool:
            return [first, *pool.map(_run, range(1, len(specs)), chunksize=chunk)]
    except Exception:  # a result that does not pickle, a worker killed ...: do it here
        return None
    finally:
        _task, _items = None, ()


def _run(index: int) -> Any:
    assert _task is not None
    return _task(_items[index])
