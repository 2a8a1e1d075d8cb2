"""The filter stage: which findings are reported, after the rules and before reporting.

Per project (with the configuration that governs it, see ``composelint.lint.config``):
rule selection (``select`` / ``extend-select`` / ``ignore``, the command line
applied after the file), rule options into ``Project.options``, ``severity``
overrides, ``per-file-ignores`` and inline suppression comments
(``composelint.lint.suppress``). Then once for the whole run: ``unused-suppression``
findings, the baseline (``composelint.lint.baseline``) and the diff
(``composelint.lint.difffilter``).

:class:`Pipeline` has the engine's interface (``check``, ``problem_findings``), so
the CLI drives it exactly like an :class:`~composelint.lint.engine.Engine`.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from composelint.lint.config import Config, ConfigFinder, load_config, unknown_rule_message
from composelint.lint.engine import INTERNAL_CODE, Engine, exit_code, finalize
from composelint.lint.registry import Registry, Rule, UnknownSelector
from composelint.lint.suppress import Directive, Selector, scan
from composelint.load.sources import resolve_path
from composelint.model.findings import Edit, Finding, Fix, Severity
from composelint.model.project import Problem, Project, SourceFile
from composelint.model.span import Span

if TYPE_CHECKING:
    from composelint.lint.difffilter import ChangedLines

UNUSED_CODE = "CMP901"
DEFAULT_FAIL_ON = Severity.ERROR


class FilterError(Exception):
    """A bad configuration, selection, baseline or diff: one line, exit status 2."""


@dataclass(frozen=True)
class Selection:
    """What the command line says; it overrides the configuration file."""

    select: tuple[str, ...] = ()  # empty: not given
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity | None = None


@dataclass
class Settings:
    """The effective settings for the projects one configuration file governs."""

    config: Config
    rules: list[Rule]
    engine: Engine
    severities: dict[str, Severity]  # code -> overridden severity
    per_file: list[tuple[re.Pattern[str], bool, frozenset[str]]]  # (glob, on name only, codes)
    fail_on: Severity
    _ignored: dict[str, frozenset[str]] = field(default_factory=dict)

    def ignored(self, display: str, cwd: Path) -> frozenset[str]:
        """Codes that ``per-file-ignores`` turns off in a file (by display path)."""
        if display not in self._ignored:
            self._ignored[display] = self._compute_ignored(display, cwd)
        return self._ignored[display]

    def _compute_ignored(self, display: str, cwd: Path) -> frozenset[str]:
        root = self.config.root
        if not self.per_file or root is None:
            return frozenset()
        path = Path(display)
        absolute = path if path.is_absolute() else cwd / path
        try:
            rel: str | None = resolve_path(absolute).relative_to(resolve_path(root)).as_posix()
        except ValueError:
            rel = None
        codes: set[str] = set()
        for rx, name_only, rule_codes in self.per_file:
            subject = absolute.name if name_only else rel
            if subject is not None and rx.fullmatch(subject):
                codes |= rule_codes
        return frozenset(codes)


def glob_regex(glob: str) -> re.Pattern[str]:
    """``**`` crosses directories, ``*`` and ``?`` do not, ``[...]`` is a class."""
    out, i = "", 0
    while i < len(glob):
        c = glob[i]
        if glob.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif glob.startswith("**", i):
            out, i = out + ".*", i + 2
        elif c == "*":
            out, i = out + "[^/]*", i + 1
        elif c == "?":
            out, i = out + "[^/]", i + 1
        elif c == "[" and "]" in glob[i + 2 :]:
            end = glob.index("]", i + 2)
            body = glob[i + 1 : end]
            body = "^" + body[1:] if body.startswith("!") else body
            out, i = out + "[" + body.replace("\\", "\\\\") + "]", end + 1
        else:
            out, i = out + re.escape(c), i + 1
    return re.compile(out)


@dataclass
class _FileState:
    """Suppression comments of one file and what happened to them."""

    directives: list[Directive]
    lines: list[str]
    settings: Settings  # of the first project that read the file
    ran: set[str] = field(default_factory=set)  # codes that ran on the file (any project)
    used: set[tuple[int, int]] = field(default_factory=set)  # (directive, selector) indexes


class Pipeline:
    """Settings per project, the per-project filters, and the run-wide filters."""

    def __init__(
        self,
        registry: Registry,
        selection: Selection = Selection(),
        *,
        cwd: Path,
        config_file: Path | None = None,
        isolated: bool = False,
        debug: bool = False,
    ) -> None:
        self.registry = registry
        self.selection = selection
        self.cwd = cwd
        self.debug = debug
        self._isolated = isolated
        self._finder = ConfigFinder()
        self._explicit: Config | None = None
        if config_file is not None:
            self._explicit = load_config(config_file, registry, cwd=cwd)
        self._by_config: dict[Path | None, Settings] = {}
        self._files: dict[str, _FileState] = {}
        self._codes: dict[str, frozenset[str]] = {}
        self._threshold: dict[Finding, Severity] = {}
        self.default = self.settings_for(cwd)

    # -- settings ---------------------------------------------------------------

    def settings_for(self, directory: Path) -> Settings:
        """The settings of the configuration governing ``directory`` (loaded once).

        Raises ``ConfigError`` for a bad file and ``UnknownSelector`` for a bad
        command-line selection.
        """
        if self._explicit is not None:
            config = self._explicit
        elif self._isolated:
            config = Config()
        else:
            path = self._finder.find(directory)
            if path in self._by_config:
                return self._by_config[path]
            config = Config() if path is None else load_config(path, self.registry, cwd=self.cwd)
        if config.path not in self._by_config:
            self._by_config[config.path] = self._settings(config)
        return self._by_config[config.path]

    def _settings(self, config: Config) -> Settings:
        reg, cli = self.registry, self.selection
        chosen = {r.code: r for r in reg.select(list(config.select or ()))}
        chosen.update((r.code, r) for r in self._matching(config.extend_select))
        for code in {r.code for r in self._matching(config.ignore)}:
            chosen.pop(code, None)
        if cli.select:
            chosen = {r.code: r for r in reg.select(list(cli.select))}
        chosen.update((r.code, r) for r in self._matching(cli.extend_select))
        for code in {r.code for r in self._matching(cli.ignore)}:
            chosen.pop(code, None)
        rules = sorted(chosen.values(), key=lambda r: r.code)
        severities: dict[str, Severity] = {}
        # a more specific selector wins: prefixes by length, then exact codes and names
        for selector, severity in sorted(config.severity, key=lambda s: self._specificity(s[0])):
            for rule in reg.matching(selector):
                severities[rule.code] = severity
        per_file = [
            (glob_regex(glob), "/" not in glob, frozenset(r.code for r in self._matching(sels)))
            for glob, sels in config.per_file_ignores
        ]
        return Settings(
            config,
            rules,
            Engine(reg, rules, debug=self.debug),
            severities,
            per_file,
            cli.fail_on or config.fail_on or DEFAULT_FAIL_ON,
        )

    def _matching(self, selectors: Iterable[str]) -> list[Rule]:
        out: list[Rule] = []
        for sel in selectors:
            found = self.registry.matching(sel)
            if not found:
                raise UnknownSelector(unknown_rule_message(sel, self.registry))
            out += found
        return out

    def _specificity(self, selector: str) -> tuple[int, int]:
        rule = self.registry.get(selector)
        exact = rule is not None and selector.upper() != "ALL"
        return (1 if exact else 0, len(selector))

    def load(self, directories: Iterable[Path]) -> None:
        """Load every configuration these directories need now, so that a bad one
        stops the run before anything is linted."""
        for directory in directories:
            self.settings_for(directory)

    # -- the engine's interface ----------------------------------------------------

    def check(self, project: Project) -> list[Finding]:
        """The project's findings, filtered by the settings that govern it."""
        where = project.compose_files[0].parent if project.compose_files else project.directory
        settings = self.settings_for(where)
        project.options = dict(settings.config.options)
        ran = {r.code for r in settings.rules}
        for display, source in project.sources.items():
            state = self._file(display, source, settings)
            if state is not None:
                state.ran |= ran - settings.ignored(display, self.cwd)
        return self._filter(settings.engine.check(project), settings)

    def problem_findings(
        self, problems: Iterable[Problem], *, orphans: bool = False
    ) -> list[Finding]:
        found = self.default.engine.problem_findings(problems, orphans=orphans)
        return self._filter(found, self.default)

    def _file(self, display: str, source: SourceFile, settings: Settings) -> _FileState | None:
        if source.text is None:
            return None
        if display not in self._files:
            text = source.text
            self._files[display] = _FileState(
                scan(text, display, source.kind), text.split("\n"), settings
            )
        return self._files[display]

    def _filter(self, findings: Iterable[Finding], settings: Settings) -> list[Finding]:
        out: list[Finding] = []
        for f in findings:
            if f.code != INTERNAL_CODE and not f.fatal:  # "could not lint" is always shown
                severity = settings.severities.get(f.code)
                if severity is not None and severity is not f.severity:
                    f = replace(f, severity=severity)
                if f.span is not None and f.code in settings.ignored(f.span.path, self.cwd):
                    continue
                if self._suppressed(f):
                    continue
            out.append(f)
            self._note(f, settings)
        return out

    def _note(self, f: Finding, settings: Settings) -> None:
        previous = self._threshold.get(f)
        if previous is None or settings.fail_on.rank < previous.rank:
            self._threshold[f] = settings.fail_on

    def _codes_of(self, selector: str) -> frozenset[str]:
        if selector not in self._codes:
            self._codes[selector] = frozenset(r.code for r in self.registry.matching(selector))
        return self._codes[selector]

    def _suppressed(self, f: Finding) -> bool:
        state = self._files.get(f.span.path) if f.span is not None else None
        if state is None or f.span is None:
            return False
        hit = False
        for i, d in enumerate(state.directives):
            if not d.file_wide and d.line != f.span.line:
                continue
            for j, sel in enumerate(d.selectors):
                if f.code in self._codes_of(sel.text):
                    state.used.add((i, j))
                    hit = True
        return hit

    # -- the whole run ---------------------------------------------------------------

    def unused_suppressions(self) -> list[Finding]:
        """``unused-suppression`` findings: comments that suppressed nothing although
        the rule ran on the file, unknown rules, and malformed directives."""
        rule = self.registry.get(UNUSED_CODE)
        if rule is None:
            return []
        out: list[Finding] = []
        for display, state in self._files.items():
            settings = state.settings
            if rule not in settings.rules or UNUSED_CODE in settings.ignored(display, self.cwd):
                continue
            for i, d in enumerate(state.directives):
                unused = self._unused_message(state, i, d)
                if unused is None:
                    continue
                message, fix = unused
                finding = Finding(
                    rule.code,
                    rule.name,
                    settings.severities.get(rule.code, rule.severity),
                    message,
                    d.span,
                    fix=self._removal(d, state, i),
                    help=fix,
                )
                if not self._suppressed(finding):
                    out.append(finding)
                    self._note(finding, settings)
        return out

    def _unused_message(
        self, state: _FileState, index: int, d: Directive
    ) -> tuple[str, str | None] | None:
        """The message and the help of the finding about directive ``d``, if any."""
        if d.error is not None:
            return f"not a valid suppression comment: {d.error}", None
        unknown = [s for s in d.selectors if not self._codes_of(s.text)]
        if unknown:
            hint = unknown_rule_message(unknown[0].text, self.registry)
            return f"suppression comment: {hint}", None
        unused = self._unused_selectors(state, index, d)
        if not unused:
            return None
        names = " or ".join(s.text for s in unused)
        where = "in this file" if d.file_wide else f"on line {d.line}"
        them = "it" if len(unused) == 1 else "them"
        return (
            f"unused suppression: no {names} finding {where} to suppress",
            f"remove {them} from the comment so that it does not hide a future finding",
        )

    def _unused_selectors(self, state: _FileState, index: int, d: Directive) -> list[Selector]:
        return [
            s
            for j, s in enumerate(d.selectors)
            if (index, j) not in state.used
            and self._codes_of(s.text) & state.ran
            and self._codes_of(s.text) != {UNUSED_CODE}
        ]

    def _removal(self, d: Directive, state: _FileState, index: int) -> Fix | None:
        """Deleting the comment, when nothing in it is used."""
        if d.error is not None or len(self._unused_selectors(state, index, d)) != len(d.selectors):
            return None
        s = d.span
        if d.line != s.line:  # a comment line of its own: delete the line
            span = Span(s.path, s.line, 1, s.line + 1, 1)
        else:  # a trailing comment: delete it and the blanks before it
            before = state.lines[s.line - 1][: s.col - 1]
            start = len(before.rstrip()) + 1
            span = Span(s.path, s.line, start, s.end_line, s.end_col)
        return Fix("remove the unused suppression comment", (Edit(span, ""),))

    def exit_code(self, findings: Sequence[Finding], *, fatal: bool, exit_zero: bool) -> int:
        """Like ``engine.exit_code``, with each finding judged by the ``fail-on`` of the
        configuration that governs it."""
        default = self.default.fail_on
        failing = [
            f
            for f in findings
            if f.code == INTERNAL_CODE or f.severity.rank >= self._threshold.get(f, default).rank
        ]
        return exit_code(failing, fatal=fatal, fail_on=Severity.INFO, exit_zero=exit_zero)


def apply_baseline(
    findings: Sequence[Finding],
    sources: Mapping[str, SourceFile],
    path: Path,
    *,
    cwd: Path,
    update: bool = False,
) -> tuple[list[Finding], str | None]:
    """Findings not in the baseline at ``path``, and a notice when the file was written
    (it is written when missing or with ``update``: then nothing is reported)."""
    from composelint.lint import baseline
    from composelint.load.sources import exists, resolve_path

    base = resolve_path(path, cwd).parent
    keys = baseline.fingerprint_all(findings, sources, base, cwd)
    if update or not exists(cwd / path):
        entries = [(k[0], k[1], f) for k, f in zip(keys, findings, strict=True) if k is not None]
        baseline.write(cwd / path, entries)
        kept = [f for k, f in zip(keys, findings, strict=True) if k is None]
        return kept, f"wrote {len(entries)} finding(s) to the baseline {path}"
    known = baseline.read(cwd / path, str(path))
    return [f for k, f in zip(keys, findings, strict=True) if k is None or k[0] not in known], None


def statistics(findings: Iterable[Finding]) -> str:
    """Count per rule, most frequent first: ``  12  CMP501  var-undefined``."""
    counts = Counter((f.code, f.name) for f in findings)
    if not counts:
        return ""
    width = len(str(max(counts.values())))
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return "".join(f"{n:>{width}}  {code}  {name}\n" for (code, name), n in rows)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The command-line options of the filter stage."""
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


def _split(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def build_pipeline(
    registry: Registry, args: argparse.Namespace, cwd: Path, directories: Iterable[Path]
) -> Pipeline:
    """The pipeline for the command line, with the configuration of every directory
    loaded (raises ``FilterError``)."""
    from composelint.lint.config import ConfigError

    if args.update_baseline and not args.baseline:
        raise FilterError("--update-baseline needs --baseline FILE")
    if args.diff_file == "-" and ("-" in args.paths or "-" in args.files):
        raise FilterError("stdin cannot be both a compose file and the --diff-file")
    selection = Selection(
        _split(args.select),
        _split(args.extend_select),
        _split(args.ignore),
        Severity(args.fail_on) if args.fail_on else None,
    )
    config = Path(args.config) if args.config else None
    if config is not None:
        from composelint.load.sources import file_problem

        reason = file_problem(cwd / config)
        if reason is not None:
            raise FilterError(f"--config {args.config}: {reason}")
    try:
        pipeline = Pipeline(
            registry,
            selection,
            cwd=cwd,
            config_file=cwd / config if config else None,
            isolated=args.isolated,
            debug=args.debug,
        )
        pipeline.load(directories)
    except (ConfigError, UnknownSelector) as exc:
        raise FilterError(str(exc)) from None
    return pipeline


def run_wide(
    pipeline: Pipeline,
    findings: Iterable[Finding],
    sources: Mapping[str, SourceFile],
    args: argparse.Namespace,
) -> tuple[list[Finding], list[str]]:
    """Unused suppressions, then the baseline, then the diff: the findings left and
    notices for stderr (raises ``FilterError``)."""
    notices: list[str] = []
    out = finalize([*findings, *pipeline.unused_suppressions()])
    if args.baseline is None and args.diff_base is None and args.diff_file is None:
        return out, notices  # the common case: no git, no baseline (and no imports)
    from composelint.lint import difffilter
    from composelint.lint.baseline import BaselineError

    try:
        if args.baseline is not None:
            out, notice = apply_baseline(
                out, sources, Path(args.baseline), cwd=pipeline.cwd, update=args.update_baseline
            )
            if notice:
                notices.append(notice)
        changed = _changed_lines(args, pipeline.cwd)
    except (BaselineError, difffilter.DiffError) as exc:
        raise FilterError(str(exc)) from None
    if changed is not None:
        out = [f for f in out if f.fatal or changed.keeps(f, pipeline.cwd)]
    return out, notices


def _changed_lines(args: argparse.Namespace, cwd: Path) -> ChangedLines | None:
    from composelint.lint import difffilter

    if args.diff_base is not None:
        return difffilter.from_git(args.diff_base, cwd)
    diff_file: str | None = args.diff_file
    if diff_file is not None:
        return difffilter.from_text(difffilter.read_diff(diff_file, cwd), cwd)
    return None
