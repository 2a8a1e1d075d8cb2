"""The ``composelint`` command.

``composelint [PATHS...] [options]`` lints; ``composelint rule CODE_OR_NAME`` prints a
rule's documentation; ``composelint config [options]`` prints the resolved project
like ``docker compose config``; ``composelint snapshot`` records what the Docker
engine runs, for ``--state`` (the only command that runs Docker). Subcommands are recognised only as the *first*
argument, so ``composelint ./config`` or ``composelint -- config`` lints a path
named ``config``.

Exit status: 0 clean, 1 findings at or above ``--fail-on``, 2 usage error or
something could not be linted.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, NoReturn, cast

from composelint import __version__
from composelint.model.record import replace

if TYPE_CHECKING:
    import argparse

    from composelint.lint.registry import Registry, Rule
    from composelint.lint.settings import Settings
    from composelint.model.findings import Finding
    from composelint.model.project import Problem, Project
    from composelint.model.state import EngineState
    from composelint.run import Targets

SEVERITIES = ("error", "warning", "info")
# the rules whose errors make `docker compose` refuse the project (for `config`)
COMPOSE_VALIDITY = ("CMP0", "env-file-missing")


class UsageError(Exception):
    pass


def _Parser(**kwargs: Any) -> argparse.ArgumentParser:
    """An argument parser whose errors raise ``UsageError``; argparse is imported only
    when a command line has options (see ``plain_lint_args``)."""
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            raise UsageError(message)

    return Parser(**kwargs)


def _project_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="compose file, directory (searched recursively) or - for stdin",
    )
    p.add_argument(
        "-f",
        "--file",
        dest="files",
        action="append",
        default=[],
        metavar="FILE",
        help="compose file; repeat to merge files into one project, as docker compose does",
    )
    p.add_argument(
        "--project-directory",
        metavar="DIR",
        help="project directory (default: the first file's directory)",
    )
    p.add_argument(
        "--env-file",
        dest="env_files",
        action="append",
        default=[],
        metavar="FILE",
        help="interpolation env file instead of <project dir>/.env (repeatable)",
    )
    p.add_argument(
        "--profile",
        dest="profiles",
        action="append",
        default=[],
        metavar="P",
        help="active profile (repeatable; default: lint every service)",
    )
    p.add_argument("-p", "--project-name", metavar="NAME")
    p.add_argument(
        "--use-shell-env",
        action="store_true",
        help="let the shell environment feed interpolation, as docker compose does (default: off, for reproducible results)",
    )
    p.add_argument(
        "--stdin-filename", metavar="PATH", help="the path to report for a file read from stdin"
    )
    p.add_argument("--debug", action="store_true", help="print tracebacks of internal errors")


def _lint_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="composelint",
        description="Lint Docker Compose projects and .env files.",
        epilog=(
            "Subcommands (only as the first argument): 'rule CODE_OR_NAME', 'config',"
            " 'graph', 'server', 'snapshot'. Each has its own --help."
        ),
    )
    _project_options(p)
    from composelint.output.reporters import FORMATS

    p.add_argument(
        "--format",
        choices=(*FORMATS, "auto"),
        default="text",
        help="report format (default: text); auto: github under GitHub Actions, else text",
    )
    p.add_argument(
        "--output-file",
        metavar="PATH",
        help="write the report to PATH; stdout then gets only the one-line summary",
    )
    p.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="X,Y",
        help="rules, codes or code prefixes to run",
    )
    p.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="X,Y",
        help="rules, codes or code prefixes to skip",
    )
    p.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default=None,
        help="lowest severity that fails the run (default: fail-on in the configuration, else error)",
    )
    p.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even with findings (2 still means something could not be linted)",
    )
    _filter_options(p)
    p.add_argument(
        "--state",
        dest="states",
        action="append",
        default=[],
        metavar="FILE",
        help="compare with what runs: output of docker inspect / docker network inspect /"
        " docker compose ps --format json, or of composelint snapshot (repeatable; - for stdin)",
    )
    fixing = p.add_argument_group("fixing")
    fixing.add_argument(
        "--fix", action="store_true", help="apply the safe fixes, then report what remains"
    )
    fixing.add_argument(
        "--unsafe-fixes", action="store_true", help="with --fix or --diff: the unsafe fixes too"
    )
    fixing.add_argument(
        "--diff",
        action="store_true",
        help="print a unified diff of what --fix would change and change nothing"
        " (exit 1 when there is something to fix)",
    )
    fixing.add_argument(
        "--fix-only",
        action="store_true",
        help="like --fix, but exit 0 even when findings remain (2: could not lint)",
    )
    fixing.add_argument("--show-fixes", action="store_true", help="list what --fix fixed")
    p.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=None,
        metavar="N",
        help="lint the projects of a directory or of several arguments in N processes"
        " (default, auto: one per idle CPU; started only when there is enough work)",
    )
    p.add_argument("--no-color", action="store_true")
    p.add_argument("--list-rules", action="store_true")
    p.add_argument("--version", action="store_true")
    return p


def _jobs(text: str) -> int | None:
    """``-j N``; ``auto`` (None) is the default."""
    if text == "auto":
        return None
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        import argparse  # loaded already: the parser calls this

        raise argparse.ArgumentTypeError(
            f"expected a number of processes (1 or more) or auto, got {text!r}"
        )
    return n


def _default_jobs() -> int:
    """One process per CPU this process may run on that is not already busy (by the
    1-minute load average, as ``make -l`` judges it): on a machine whose cores are
    taken, workers only share one core's time and a run gets slower, not faster
    (measured: two CPU-bound processes there took 2.1 times as long as one)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    try:
        busy = int(os.getloadavg()[0])
    except (AttributeError, OSError):  # no load average (Windows)
        busy = 0
    return max(1, min(cpus, cpus - busy))


def _filter_options(p: argparse.ArgumentParser) -> None:
    """Configuration, baseline and diff."""
    p.add_argument(
        "--extend-select",
        action="append",
        default=[],
        metavar="X,Y",
        help="rules, codes or code prefixes to run in addition to the selection",
    )
    p.add_argument(
        "--config", metavar="FILE", help="configuration file (default: the nearest one found)"
    )
    p.add_argument("--isolated", action="store_true", help="ignore configuration files")
    p.add_argument(
        "--statistics", action="store_true", help="print the number of findings per rule"
    )
    p.add_argument(
        "--baseline",
        metavar="FILE",
        help="report only findings not in FILE (written with the current findings when missing)",
    )
    p.add_argument(
        "--update-baseline",
        action="store_true",
        help="rewrite the --baseline file with the current findings",
    )
    diff = p.add_mutually_exclusive_group()
    diff.add_argument(
        "--diff-base",
        metavar="REF",
        help="report only findings on lines changed since git REF (merge base with HEAD)",
    )
    diff.add_argument(
        "--diff-file",
        metavar="PATH",
        help="report only findings on lines a unified diff adds or changes (- for stdin)",
    )


def _registry() -> Registry:
    from composelint.lint.registry import load_registry

    return load_registry()


def _use_color(no_color: bool) -> bool:
    return not no_color and not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def _report_format(name: str) -> str:
    """``auto`` is ``github`` under GitHub Actions, ``text`` elsewhere (as yamllint)."""
    if name != "auto":
        return name
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _write_report(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write the report to {path}: {exc.strerror or exc}") from None


def _read_stdin() -> tuple[str | None, str | None]:
    """The text on stdin, or the reason it is not text."""
    from composelint.load.sources import UnreadableFile, read_stream

    try:  # bounded like every file: `composelint - < /dev/zero` reads the limit + 1 byte
        return read_stream(sys.stdin), None
    except UnreadableFile as exc:
        return None, str(exc)


def _targets(args: argparse.Namespace, *, compose_profiles: bool = False) -> Targets:
    """What the project options name; stdin is read here when a path is ``-``, the
    ``--state`` snapshots when there are some."""
    from composelint.resolve.resolver import ResolveOptions
    from composelint.run import Targets

    state: EngineState | None = None
    state_problems: list[Problem] = []
    states = getattr(args, "states", [])
    if states:
        from composelint.load.state import load_states

        if "-" in states and ("-" in args.paths or "-" in args.files):
            raise UsageError("stdin can feed either a compose file or --state, not both")
        state, state_problems = load_states(states, Path.cwd(), sys.stdin)
    stdin_text = stdin_error = None
    if "-" in args.paths or "-" in args.files:
        stdin_text, stdin_error = _read_stdin()
    return Targets(
        paths=tuple(args.paths),
        files=tuple(args.files),
        project_directory=args.project_directory,
        env_files=tuple(args.env_files),
        stdin_filename=args.stdin_filename,
        stdin_text=stdin_text,
        stdin_error=stdin_error,
        resolve=ResolveOptions(
            profiles=tuple(args.profiles),
            # lint every service by default; `config` shows what Compose would run
            all_profiles=not compose_profiles,
            use_shell_env=args.use_shell_env,
            shell_env=dict(os.environ) if args.use_shell_env else {},
            project_name=args.project_name,
        ),
        cwd=Path.cwd(),
        state=state,
        state_problems=tuple(state_problems),
    )


def _split(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def _settings(args: argparse.Namespace) -> Settings:
    """The selection, configuration, baseline and diff the lint options ask for."""
    from composelint.lint.settings import Settings, SettingsError
    from composelint.model.findings import Severity

    try:
        return Settings(
            select=_split(args.select),
            extend_select=_split(args.extend_select),
            ignore=_split(args.ignore),
            fail_on=Severity(args.fail_on) if args.fail_on else None,
            config_file=Path(args.config) if args.config else None,
            isolated=args.isolated,
            baseline=Path(args.baseline) if args.baseline else None,
            update_baseline=args.update_baseline,
            diff_base=args.diff_base,
            diff_file=args.diff_file,
            exit_zero=args.exit_zero,
            debug=args.debug,
        )
    except SettingsError as exc:
        raise UsageError(str(exc)) from None


def _say(lines: Sequence[str], prefix: str = "") -> None:
    for line in lines:
        print(f"composelint: {prefix}{line}", file=sys.stderr)


def _say_errors(problems: Sequence[Problem]) -> None:
    """What could not be linted and is no finding: the message, then its note and help."""
    for p in problems:
        print(f"composelint: error: {p.message}", file=sys.stderr)
        for label, text in (("note", p.note), ("help", p.help)):
            if text:
                print(f"  {label}: {text}", file=sys.stderr)


# what ``_lint_parser().parse_args(paths)`` gives for arguments that are all paths
# (tests/test_cli.py checks the two agree)
_LINT_DEFAULTS: dict[str, object] = {
    "files": [], "project_directory": None, "env_files": [], "profiles": [],
    "project_name": None, "use_shell_env": False, "stdin_filename": None, "debug": False,
    "format": "text", "output_file": None, "select": [], "ignore": [], "fail_on": None,
    "exit_zero": False, "extend_select": [], "config": None, "isolated": False,
    "statistics": False, "baseline": None, "update_baseline": False, "diff_base": None,
    "diff_file": None, "states": [], "fix": False, "unsafe_fixes": False, "diff": False,
    "fix_only": False, "show_fixes": False, "no_color": False, "list_rules": False,
    "version": False, "jobs": None,
}  # fmt: skip


def plain_lint_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """The parsed arguments of ``composelint [--] PATH...`` (no option) without
    building the parser, which with argparse's help formatter and translations
    (shutil, gettext, locale) is a tenth of a small lint; None when there is an
    option to parse."""
    if argv and argv[0] == "--" and "--" not in argv[1:]:
        argv = argv[1:]  # pre-commit's `composelint -- FILES`: all of them paths
    elif any(a.startswith("-") and a != "-" for a in argv):
        return None
    values = {k: list(v) if isinstance(v, list) else v for k, v in _LINT_DEFAULTS.items()}
    return cast("argparse.Namespace", SimpleNamespace(paths=list(argv), **values))


def _cmd_lint(argv: list[str]) -> int:
    args = plain_lint_args(argv) or _lint_parser().parse_args(argv)
    if args.version:
        print(f"composelint {__version__}")
        return 0
    registry = _registry()
    if args.list_rules:
        width = max((len(r.name) for r in registry), default=0)
        for r in registry:
            print(f"{r.code}  {r.name:<{width}}  {r.severity.value:<7}  {r.summary}")
        for p in registry.problems:
            print(f"composelint: {p.message}", file=sys.stderr)
        return 2 if registry.problems else 0
    from composelint.lint.settings import SettingsError
    from composelint.run import lint

    settings = _settings(args)
    targets = _targets(args)
    try:
        if args.fix or args.fix_only or args.diff:
            done = _apply_fixes(args, targets, settings, registry)
            if done is not None:
                return done
        jobs = args.jobs if args.jobs is not None else _default_jobs()
        report = lint(targets, settings, registry, jobs=jobs)
    except SettingsError as exc:
        raise UsageError(str(exc)) from None
    _say(report.notices)
    _say_errors(report.errors)

    from composelint.output.reporters import Report, render

    findings = report.findings
    fmt = _report_format(args.format)
    quiet = args.output_file is None and fmt in ("text", "concise")
    if quiet and not report.projects and not findings and report.errors:
        return report.exit_code  # nothing was linted: no "All checks passed."
    color = fmt == "text" and args.output_file is None and _use_color(args.no_color)
    by_code = {r.code: r for r in registry}
    text = render(fmt, Report(findings, report.files, report.sources, color, by_code))
    if args.output_file is None:
        sys.stdout.write(text)
    else:
        from composelint.output.reporters.text import summary

        _write_report(args.output_file, text)
        print(summary(findings))
    if args.statistics:  # after the report; on stderr when stdout is machine-readable
        human = fmt in ("text", "concise", "github") and args.output_file is None
        out = sys.stdout if human else sys.stderr
        out.write(statistics(findings))
    if args.fix_only and not report.fatal:
        return 0
    return report.exit_code


def _apply_fixes(
    args: argparse.Namespace, targets: Targets, settings: Settings, registry: Registry
) -> int | None:
    """``--diff``: print what fixing would change, and the exit code. ``--fix``: write
    the fixed files (a stdin buffer goes to stdout) and None, so that the findings
    that remain are reported; the exit code when there is nothing more to do."""
    from composelint.lint import fixes
    from composelint.run import fix

    run = fix(targets, settings, registry, unsafe=args.unsafe_fixes)
    if not run.converged:
        _say([f"the fixes did not settle after {run.passes} passes; some are left unapplied"])
    if args.diff:
        sys.stdout.write(fixes.unified_diff(run, Path.cwd()))
        return 1 if run.changed() else 0
    if args.show_fixes:
        for f in sorted(run.fixed, key=lambda f: f.sort_key()):
            where = f"{f.span}: " if f.span is not None else ""
            print(f"Fixed {where}{f.code} {f.name}: {f.fix.description if f.fix else ''}")
    if targets.reads_stdin:  # editors' "fix on save": the fixed buffer, nothing written
        from composelint.model.record import replace
        from composelint.run import lint, stdin_path

        path = stdin_path(targets)
        text = run.current.get(path) if path is not None else None
        fixed = text if text is not None else (targets.stdin_text or "")
        sys.stdout.write(fixed)
        _say([f"fixed {len(run.fixed)} finding(s) in the buffer read from stdin"])
        left = lint(replace(targets, stdin_text=fixed), settings, registry)
        return 0 if args.fix_only and not left.fatal else left.exit_code
    failures = fixes.write(run, run.roots | {Path.cwd()})
    _say([f"{path}: {reason}" for path, reason in failures])
    if run.fixed:
        files = len(run.changed()) - len(failures)
        _say([f"fixed {len(run.fixed)} finding(s) in {files} file(s)"])
    return None


def statistics(findings: Sequence[Finding]) -> str:
    """Count per rule, most frequent first: ``  12  CMP501  var-undefined``."""
    from collections import Counter

    counts = Counter((f.code, f.name) for f in findings)
    if not counts:
        return ""
    width = len(str(max(counts.values())))
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return "".join(f"{n:>{width}}  {code}  {name}\n" for (code, name), n in rows)


def _cmd_rule(argv: list[str]) -> int:
    p = _Parser(prog="composelint rule", description="Print a rule's documentation.")
    p.add_argument("rule", metavar="CODE_OR_NAME", nargs="?")
    p.add_argument(
        "--all", action="store_true", help="every rule's documentation, as one Markdown page"
    )
    args = p.parse_args(argv)
    registry = _registry()
    if args.all:
        sys.stdout.write(rules_markdown(registry.rules))
        return 0
    if args.rule is None:
        raise UsageError("name a rule (code or name), or use --all")
    rule = registry.get(args.rule)
    if rule is None:
        from composelint.lint.config import rule_suggestion

        raise UsageError(f"unknown rule: {args.rule!r}{rule_suggestion(args.rule, registry)}")

    import inspect

    print(f"{rule.code} {rule.name} [{rule.severity.value}]\n")
    print(inspect.cleandoc(rule.doc))
    return 0


def rules_markdown(rules: Sequence[Rule]) -> str:
    """All rules' documentation as one Markdown page (docs/rules.md is made of it)."""
    import inspect

    parts = [
        "# Rules\n\n"
        "Generated by `composelint rule --all > docs/rules.md`; the test suite checks it\n"
        "is current. `composelint rule CODE_OR_NAME` prints one rule.\n"
    ]
    for rule in rules:
        off = "" if rule.default_enabled else ", off by default"
        doc = inspect.cleandoc(rule.doc).replace("\n## ", "\n### ")
        parts.append(f"\n## {rule.code} `{rule.name}`\n\n*{rule.severity.value}{off}*\n\n{doc}\n")
    return "".join(parts)


def _config_model(project: Project, show_secrets: bool) -> dict[str, object]:
    """The model as plain data; the values of secret variables substituted under
    harmless-looking keys are masked (``render_config`` masks by key)."""
    from composelint.output.redact import mask_strings, substituted_secrets

    plain: dict[str, object] = project.model.to_plain()
    if show_secrets:
        return plain
    masked: dict[str, object] = mask_strings(plain, substituted_secrets(project.model))
    return masked


def _cmd_config(argv: list[str]) -> int:
    p = _Parser(
        prog="composelint config",
        description="Print the resolved project like docker compose config.",
    )
    _project_options(p)
    p.add_argument("--format", choices=("yaml", "json"), default="yaml")
    p.add_argument(
        "--show-secrets", action="store_true", help="print secret values instead of ****"
    )
    args = p.parse_args(argv)
    from composelint.lint.settings import Settings
    from composelint.model.findings import Severity
    from composelint.run import lint

    # what makes Compose refuse the project, whatever configuration and comments say
    settings = Settings(
        select=COMPOSE_VALIDITY, isolated=True, suppressions=False, debug=args.debug
    )
    report = lint(_targets(args, compose_profiles=True), settings, _registry())
    if len(report.projects) > 1:
        raise UsageError(
            f"config needs exactly one project, found {len(report.projects)}; "
            "name its files with -f"
        )
    _say(report.notices)
    _say_errors(report.errors)
    fatal = report.fatal or not report.projects
    refused = [f for f in report.findings if f.severity is Severity.ERROR]
    if refused or fatal:
        from composelint.output.reporters import Report, render

        sys.stderr.write(render("text", Report(refused or report.findings, [], report.sources)))
        return 2 if fatal else 1
    from composelint.output.configout import output_problem, render_config

    project = report.projects[0].project
    model = _config_model(project, args.show_secrets)
    read = sum(len(s.text or "") for s in project.sources.values())
    problem = output_problem(model, read)
    if problem is not None:
        print(f"composelint: {problem}", file=sys.stderr)
        return 2
    sys.stdout.write(render_config(model, args.format, show_secrets=args.show_secrets))
    return 0


def _cmd_graph(argv: list[str]) -> int:
    p = _Parser(
        prog="composelint graph",
        description="Print the services, their networks and the connections between them.",
    )
    _project_options(p)
    p.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    args = p.parse_args(argv)
    from composelint.lint.settings import Settings, SettingsError
    from composelint.output.graph import build, render
    from composelint.run import find_projects, lint

    targets = _targets(args)
    specs, problems, notices = find_projects(targets)
    _say(notices)
    if len(specs) != 1 or any(p.fatal for p in problems):
        _say([problem.message for problem in problems])
        if len(specs) != 1:
            raise UsageError(
                f"graph needs exactly one project, found {len(specs)}; name its files with -f"
            )
        return 2
    # the same settings as linting the project: what lint reports is what is drawn
    try:
        report = lint(replace(targets, specs=tuple(specs)), Settings(debug=args.debug))
    except SettingsError as exc:
        raise UsageError(str(exc)) from None
    if report.fatal or not report.projects:  # lint's contract: could not lint -> exit 2
        from composelint.output.reporters import Report
        from composelint.output.reporters import render as render_report

        shown = [f for f in report.findings if f.fatal]
        sys.stderr.write(render_report("text", Report(shown, [], report.sources)))
        return 2
    sys.stdout.write(render(build(report.projects[0].context, report.findings), args.format))
    return 0


def _cmd_snapshot(argv: list[str]) -> int:
    p = _Parser(
        prog="composelint snapshot",
        description="Record what the Docker engine runs (containers and networks) for --state."
        " The only command that runs docker; environment values are stored as digests.",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    args = p.parse_args(argv)
    from composelint.snapshot import SnapshotError, take

    try:
        text = take()
    except SnapshotError as exc:
        print(f"composelint: snapshot: {exc}", file=sys.stderr)
        return 2
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    return 0


def _cmd_server(argv: list[str]) -> int:
    p = _Parser(
        prog="composelint server",
        description="Run the language server (LSP over stdin/stdout) for editors.",
    )
    p.add_argument("--stdio", action="store_true", help="the default (accepted for LSP clients)")
    p.parse_args(argv)
    import importlib.util

    if importlib.util.find_spec("pygls") is None:
        raise UsageError("the language server needs pygls: install composelint[lsp]")
    from composelint.lsp import serve

    serve()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if argv is None and (not args or args[0] != "server"):
        # A one-shot run builds a large, acyclic tree of nodes; the cyclic collector
        # would traverse it again and again (half the time of a 2000-service lint).
        # Only for the process entry point: library callers and the server keep it.
        gc.disable()
    try:
        if args and args[0] == "rule":
            return _cmd_rule(args[1:])
        if args and args[0] == "config":
            return _cmd_config(args[1:])
        if args and args[0] == "server":
            return _cmd_server(args[1:])
        if args and args[0] == "graph":
            return _cmd_graph(args[1:])
        if args and args[0] == "snapshot":
            return _cmd_snapshot(args[1:])
        return _cmd_lint(args)
    except UsageError as exc:
        print(f"composelint: error: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (composelint | head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
