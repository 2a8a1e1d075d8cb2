"""The one lint pipeline, for the command line (lint, config, graph), the language
server and the tests::

    discover -> settings -> for each project: resolve -> rules -> filter
             -> across the projects of a directory: tree rules -> filter
             -> run-wide: unused suppressions, baseline, diff -> LintReport

:func:`lint` is the whole path; every step below it is one call. The settings
(``composelint.lint.settings``) are loaded for every directory to be linted before
any project is resolved and are read-only afterwards; rules see a project only
through its :class:`~composelint.model.context.RuleContext`.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping as AbcMapping
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from composelint.lint.engine import (
    Engine,
    finalize,
    internal_error,
    is_fatal,
    registry_findings,
)
from composelint.lint.filters import FindingFilter, baseline_and_diff
from composelint.lint.registry import Registry, Rule, load_registry
from composelint.lint.settings import (
    ProjectSettings,
    RunSettings,
    Settings,
    SettingsError,
    load_settings,
)
from composelint.load.discover import NoComposeFile, ProjectSpec, discover
from composelint.model.context import ImageKnowledge, RuleContext
from composelint.model.findings import Finding
from composelint.model.project import Problem, Project, SourceFile
from composelint.model.record import Frozen, replace, set_field
from composelint.resolve.resolver import ResolveOptions, resolve

if TYPE_CHECKING:
    from composelint.lint.fixes import FileText, FixRun
    from composelint.model.state import EngineState

# rules that check that a path next to the compose file exists: meaningless for a
# buffer read from stdin without --stdin-filename, which has no real location
FILE_EXISTENCE_RULES = frozenset(
    {"env-file-missing", "bind-mount-missing", "build-context-missing"}
)


class Targets(Frozen):
    """What to lint: command-line style arguments, or projects already found."""

    paths: tuple[str, ...]  # compose files, directories, env files, "-" for stdin
    files: tuple[str, ...]  # -f: merged into one project
    project_directory: str | None
    env_files: tuple[str, ...]  # --env-file
    stdin_filename: str | None
    stdin_text: str | None  # what stdin held, when a path is "-"
    stdin_error: str | None  # why stdin could not be read as text
    resolve: ResolveOptions
    cwd: Path
    # projects found by the caller (the language server): no discovery
    specs: tuple[ProjectSpec, ...] | None
    # what the engine runs (--state), and the problems of reading it
    state: EngineState | None
    state_problems: tuple[Problem, ...]

    __slots__ = (
        "cwd",
        "env_files",
        "files",
        "paths",
        "project_directory",
        "resolve",
        "specs",
        "state",
        "state_problems",
        "stdin_error",
        "stdin_filename",
        "stdin_text",
    )

    def __init__(
        self,
        paths: tuple[str, ...] = (),
        files: tuple[str, ...] = (),
        project_directory: str | None = None,
        env_files: tuple[str, ...] = (),
        stdin_filename: str | None = None,
        stdin_text: str | None = None,
        stdin_error: str | None = None,
        resolve: ResolveOptions | None = None,
        cwd: Path | None = None,
        specs: tuple[ProjectSpec, ...] | None = None,
        state: EngineState | None = None,
        state_problems: tuple[Problem, ...] = (),
    ) -> None:
        set_field(self, "paths", paths)
        set_field(self, "files", files)
        set_field(self, "project_directory", project_directory)
        set_field(self, "env_files", env_files)
        set_field(self, "stdin_filename", stdin_filename)
        set_field(self, "stdin_text", stdin_text)
        set_field(self, "stdin_error", stdin_error)
        set_field(self, "resolve", ResolveOptions() if resolve is None else resolve)
        set_field(self, "cwd", Path.cwd() if cwd is None else cwd)
        set_field(self, "specs", specs)
        set_field(self, "state", state)
        set_field(self, "state_problems", state_problems)

    @property
    def reads_stdin(self) -> bool:
        return "-" in self.paths or "-" in self.files


class LintedProject(Frozen):
    """One resolved project with the settings that governed it and its findings."""

    context: RuleContext
    settings: ProjectSettings
    findings: tuple[Finding, ...]  # filtered, before the run-wide filters

    __slots__ = ("context", "findings", "settings")

    def __init__(
        self, context: RuleContext, settings: ProjectSettings, findings: tuple[Finding, ...]
    ) -> None:
        set_field(self, "context", context)
        set_field(self, "settings", settings)
        set_field(self, "findings", findings)

    @property
    def project(self) -> Project:
        return self.context.project


class LintReport(Frozen):
    """The outcome of a run."""

    findings: list[Finding]  # every finding reported, sorted
    projects: list[LintedProject]
    sources: dict[str, SourceFile]  # every file read, by display path
    errors: list[Problem]  # what could not be linted and is not a finding (no compose file)
    notices: list[str]  # for stderr: assumptions made, files written
    fatal: bool  # something could not be linted
    exit_code: int

    __slots__ = ("errors", "exit_code", "fatal", "findings", "notices", "projects", "sources")

    def __init__(
        self,
        findings: list[Finding],
        projects: list[LintedProject],
        sources: dict[str, SourceFile],
        errors: list[Problem],
        notices: list[str],
        fatal: bool,
        exit_code: int,
    ) -> None:
        set_field(self, "findings", findings)
        set_field(self, "projects", projects)
        set_field(self, "sources", sources)
        set_field(self, "errors", errors)
        set_field(self, "notices", notices)
        set_field(self, "fatal", fatal)
        set_field(self, "exit_code", exit_code)

    @property
    def files(self) -> list[str]:
        """The files that were read, sorted (what reporters list as linted)."""
        return sorted(d for d, s in self.sources.items() if s.text is not None)


def lint(
    targets: Targets,
    settings: Settings | None = None,
    registry: Registry | None = None,
    *,
    images: ImageKnowledge = None,
    jobs: int = 1,
) -> LintReport:
    """Lint ``targets`` with ``settings``; raises ``SettingsError`` (exit 2) for a bad
    configuration, selection, baseline or diff, and nothing for bad input.

    ``jobs``: how many processes may resolve and check the projects (the projects are
    independent; see ``composelint.lint.parallel``). The result does not depend on it."""
    settings = settings or Settings()
    registry = registry or load_registry()
    if settings.diff_file == "-" and targets.reads_stdin:
        raise SettingsError("stdin cannot be both a compose file and the --diff-file")
    specs, problems, notices = find_projects(targets)
    errors: list[Problem] = [p for p in problems if isinstance(p, NoComposeFile)]
    problems = [p for p in problems if not isinstance(p, NoComposeFile)]
    # every configuration the run needs, before any project is resolved
    run = load_settings(registry, settings, targets.cwd, (_where(s) for s in specs))
    filters = FindingFilter(registry, run)
    # per project: resolve -> rules (in worker processes when it pays), then filter here,
    # in order: the filters keep run-wide bookkeeping (suppressions, fail-on)
    checked = check_projects(specs, targets, run, registry, images, jobs)
    results = [
        accept(spec, c, targets, run, filters, images)
        for spec, c in zip(specs, checked, strict=True)
    ]
    linted = [r for r in results if isinstance(r, LintedProject)]
    crashed = [r for r in results if isinstance(r, Finding)]
    # across the projects of a directory run: the tree rules (composelint.lint.tree)
    if len(linted) >= 2 and targets.specs is None:
        from composelint.lint.tree import directory_run, tree_pass  # two projects or more

        if directory_run(targets.paths, targets.cwd):
            linted = tree_pass(linted, registry, filters, debug=run.request.debug)
    # what belongs to no project: argument problems, broken plugins
    orphans = Engine(registry, run.default.rules).problem_findings(problems, orphans=True)
    findings = [
        *(f for p in linted for f in p.findings),
        *crashed,
        *filters.orphans(orphans),
        *registry_findings(registry.problems),
    ]
    # run-wide: unused suppressions, then the baseline and the diff
    findings = finalize([*findings, *filters.unused_suppressions()])
    sources = {d: s for p in linted for d, s in p.project.sources.items()}
    findings, written = baseline_and_diff(findings, sources, settings, targets.cwd)
    fatal = (
        bool(errors or crashed or registry.problems)
        or is_fatal(problems)
        or any(is_fatal(p.project.problems) for p in linted)
    )
    code = filters.exit_code(findings, fatal=fatal, exit_zero=settings.exit_zero)
    return LintReport(findings, linted, sources, errors, notices + written, fatal, code)


def find_projects(targets: Targets) -> tuple[list[ProjectSpec], list[Problem], list[str]]:
    """The projects ``targets`` name, problems with the arguments, and notices."""
    if targets.specs is not None:
        return list(targets.specs), [], []
    if targets.stdin_error is not None:
        shown = targets.stdin_filename or "<stdin>"
        return (
            [],
            [Problem("file-unreadable", f"{shown}: {targets.stdin_error}", None, fatal=True)],
            [],
        )
    notices: list[str] = []
    if targets.reads_stdin and targets.stdin_filename is None:
        notices.append(
            "stdin is linted as ./compose.yaml (no --stdin-filename given); "
            "env files, bind mounts and build contexts are not checked for existence"
        )
    specs, found = discover(
        list(targets.paths),
        files=list(targets.files),
        project_directory=targets.project_directory,
        env_files=list(targets.env_files),
        stdin_filename=targets.stdin_filename,
        cwd=targets.cwd,
        stdin_text=targets.stdin_text,
    )
    return specs, [*found, *targets.state_problems], notices


def lint_project(
    spec: ProjectSpec,
    targets: Targets,
    run: RunSettings,
    registry: Registry,
    filters: FindingFilter,
    images: ImageKnowledge = None,
) -> LintedProject | Finding:
    """Resolve one project, run the rules its settings select, filter the findings;
    an internal-error finding when the resolver itself fails."""
    checked = check_project(spec, targets, run, registry, images)
    return accept(spec, checked, targets, run, filters, images)


class Checked(Frozen):
    """A project resolved and checked, before the filters: what a worker process sends
    back (everything in it pickles: nodes, spans, findings, problems)."""

    project: Project
    found: list[Finding]
    # the context the rules saw, with their shared analyses; not sent between
    # processes (the rule options do not pickle): the parent makes a new one
    context: RuleContext | None

    __slots__ = ("context", "found", "project")

    def __init__(
        self, project: Project, found: list[Finding], context: RuleContext | None = None
    ) -> None:
        set_field(self, "project", project)
        set_field(self, "found", found)
        set_field(self, "context", context)


def check_projects(
    specs: Sequence[ProjectSpec],
    targets: Targets,
    run: RunSettings,
    registry: Registry,
    images: ImageKnowledge,
    jobs: int,
) -> list[Checked | Finding]:
    """``check_project`` for every spec, in order; by ``jobs`` processes when there is
    enough work for them (``composelint.lint.parallel``)."""
    if jobs > 1 and len(specs) > 1 and images is None:
        from composelint.lint import parallel

        def one(spec: ProjectSpec) -> Checked | Finding:
            return check_project(spec, targets, run, registry, images, shipped=True)

        found = parallel.map_projects(one, specs, jobs)
        if found is not None:
            return found
    return [check_project(spec, targets, run, registry, images) for spec in specs]


def check_project(
    spec: ProjectSpec,
    targets: Targets,
    run: RunSettings,
    registry: Registry,
    images: ImageKnowledge = None,
    *,
    shipped: bool = False,
) -> Checked | Finding:
    """Resolve one project and run the rules its settings select; an internal-error
    finding when the resolver itself fails. ``shipped``: the result goes to another
    process (the shared analyses computed for the rules stay behind)."""
    debug = run.request.debug
    try:
        project = resolve(spec, targets.resolve, cwd=targets.cwd)
    except Exception as exc:  # the resolver must not raise; if it does, say so and go on
        if debug:
            import traceback

            traceback.print_exception(exc, file=sys.stderr)
        return internal_error(
            f"could not resolve the project in {spec.project_dir}: {type(exc).__name__}: {exc}"
        )
    if targets.state is not None:
        project = replace(project, state=targets.state)
    settings, rules = _rules_for(spec, targets, run)
    if _unplaced_stdin(spec, targets):
        kept = [p for p in project.problems if p.rule not in FILE_EXISTENCE_RULES]
        project = replace(project, problems=kept)
    ctx = RuleContext(project, settings.options, images)
    found = Engine(registry, rules, debug=debug).check(ctx)
    if shipped:  # caches of the model: rebuilt on demand in the parent
        project._views.clear()
        return Checked(project, found)
    return Checked(project, found, ctx)


def accept(
    spec: ProjectSpec,
    checked: Checked | Finding,
    targets: Targets,
    run: RunSettings,
    filters: FindingFilter,
    images: ImageKnowledge = None,
) -> LintedProject | Finding:
    """A checked project with its findings filtered by the settings that govern it."""
    if isinstance(checked, Finding):
        return checked
    settings, rules = _rules_for(spec, targets, run)
    ctx = checked.context or RuleContext(checked.project, settings.options, images)
    ran = [r for r in rules if r.per_project]  # tree rules run later, if at all
    kept_findings = filters.project(checked.found, ctx.sources, settings, ran)
    return LintedProject(ctx, settings, tuple(kept_findings))


def _rules_for(
    spec: ProjectSpec, targets: Targets, run: RunSettings
) -> tuple[ProjectSettings, Sequence[Rule]]:
    """The settings that govern a project and the rules that run on it."""
    settings = run.for_directory(_where(spec))
    rules: Sequence[Rule] = settings.rules
    if _unplaced_stdin(spec, targets):
        rules = [r for r in rules if r.name not in FILE_EXISTENCE_RULES]
    return settings, rules


def _where(spec: ProjectSpec) -> Path:
    """The directory whose configuration file governs a project."""
    return spec.compose_files[0].parent if spec.compose_files else spec.project_dir


def _unplaced_stdin(spec: ProjectSpec, targets: Targets) -> bool:
    """A project whose compose file is a stdin buffer with no --stdin-filename."""
    return spec.stdin_text is not None and targets.stdin_filename is None


def fix(
    targets: Targets,
    settings: Settings | None = None,
    registry: Registry | None = None,
    *,
    unsafe: bool = False,
) -> FixRun:
    """Apply the fixes of the findings ``lint`` reports, pass after pass, in memory:
    the result says what every changed file becomes (``fixes.write`` writes it)."""
    from composelint.lint import fixes
    from composelint.lint.fixes import FileText

    registry = registry or load_registry()
    buffer_path = stdin_path(targets)
    roots: set[Path] = set()

    def one_pass(overrides: AbcMapping[Path, str]) -> tuple[list[Finding], dict[str, FileText]]:
        current = targets
        if overrides:
            stdin_text = targets.stdin_text
            if buffer_path is not None and buffer_path in overrides:
                stdin_text = overrides[buffer_path]
            merged = {**targets.resolve.overrides, **overrides}
            current = replace(
                targets, stdin_text=stdin_text, resolve=replace(targets.resolve, overrides=merged)
            )
        report = lint(current, settings, registry)
        roots.update(p.project.directory for p in report.projects)
        texts = {
            d: FileText(s.path, s.text) for d, s in report.sources.items() if s.text is not None
        }
        return report.findings, texts

    result = fixes.run(one_pass, unsafe=unsafe)
    result.roots = roots
    return result


def stdin_path(targets: Targets) -> Path | None:
    """The path a stdin buffer is linted as, when a path is ``-``."""
    if not targets.reads_stdin:
        return None
    from composelint.load.sources import resolve_path

    return resolve_path(targets.stdin_filename or "compose.yaml", targets.cwd)
