"""The tree pass: rules that look across the projects of a directory run.

A directory argument (``composelint path/``) can yield several projects: an app and
the infrastructure it joins, the services of a monorepo. After every project has
been linted on its own, the rules that define ``check_tree(projects)`` run once over
all of them. This is a separate step after the per-project passes and needs only
their results (each project's context and settings), so it can run in the parent
of a process pool.

Each tree finding belongs to the project whose files hold its span
(``Engine.check_tree``) and goes through that project's filters exactly like its own
findings: the rule must be selected there, and its severity overrides,
``per-file-ignores`` and suppression comments apply; the baseline and the diff
filter come later, run-wide, as for every finding. A rule that has both ``check``
and ``check_tree`` sees more in the tree (a name another project uses too, a host
another project provides): in a tree run its ``check_tree`` findings replace its
per-project ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from composelint.lint.engine import INTERNAL_CODE, Engine, finalize
from composelint.lint.filters import FindingFilter
from composelint.lint.registry import Registry, Rule
from composelint.model.record import replace

if TYPE_CHECKING:
    from composelint.run import LintedProject


def directory_run(paths: Sequence[str], cwd: Path) -> bool:
    """Whether one of the path arguments is a directory (cross-project rules run only then)."""
    from composelint.load.sources import resolve_path

    return any(p != "-" and resolve_path(p, cwd).is_dir() for p in paths)


def tree_pass(
    linted: Sequence[LintedProject],
    registry: Registry,
    filters: FindingFilter,
    *,
    debug: bool = False,
) -> list[LintedProject]:
    """The projects with the findings of the tree rules merged into their own."""
    # per settings, not per project: the projects of a tree mostly share their settings
    split: dict[int, tuple[list[Rule], set[str], set[str]]] = {}
    chosen: dict[str, Rule] = {}
    for p in linted:
        if id(p.settings) not in split:
            mine = [r for r in p.settings.rules if r.tree]
            replaced = {r.code for r in mine if r.per_project}
            split[id(p.settings)] = (mine, {r.code for r in mine}, replaced)
            chosen.update((r.code, r) for r in mine)
    rules = sorted(chosen.values(), key=lambda r: r.code)
    if not rules:
        return list(linted)
    per_project = Engine(registry, rules, debug=debug).check_tree([p.context for p in linted])
    out: list[LintedProject] = []
    for p, found in zip(linted, per_project, strict=True):
        mine, codes, replaced = split[id(p.settings)]
        found = [f for f in found if f.code in codes or f.code == INTERNAL_CODE]
        kept = filters.project(found, p.project.sources, p.settings, mine)
        own = [f for f in p.findings if f.code not in replaced]
        out.append(replace(p, findings=tuple(finalize([*own, *kept]))))
    return out
