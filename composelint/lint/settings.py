"""The run's settings: what the command line and the configuration files say, built
once before any project is resolved and read-only from then on.

:class:`Settings` is what a caller asks for (the command line's selection, which
configuration to use, baseline and diff, ``--exit-zero``); :func:`load_settings`
turns it, with the configuration file governing each directory to be linted, into
:class:`RunSettings`: one frozen :class:`ProjectSettings` (selected rules, severity
overrides, ``per-file-ignores``, ``fail-on``, rule options) per configuration file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping as ReadOnlyMapping
from pathlib import Path
from types import MappingProxyType

from composelint.lint.config import (
    Config,
    ConfigError,
    ConfigFinder,
    load_config,
    unknown_rule_message,
)
from composelint.lint.registry import Registry, Rule, UnknownSelector
from composelint.load.sources import file_problem, resolve_path
from composelint.model.findings import Severity
from composelint.model.options import RuleOptions
from composelint.model.record import Frozen, set_field

DEFAULT_FAIL_ON = Severity.ERROR


class SettingsError(Exception):
    """A bad configuration, selection, baseline or diff: one line, exit status 2."""


class Settings(Frozen):
    """What the caller asks for; the command line overrides the configuration file."""

    select: tuple[str, ...]  # empty: as the configuration says
    extend_select: tuple[str, ...]
    ignore: tuple[str, ...]
    fail_on: Severity | None
    config_file: Path | None  # None: the nearest configuration file
    isolated: bool  # ignore configuration files
    # inline suppression comments and per-file-ignores (off for `config`, which shows
    # what Compose refuses whatever the comments say)
    suppressions: bool
    baseline: Path | None
    update_baseline: bool
    diff_base: str | None  # git ref
    diff_file: str | None  # a unified diff; "-" for stdin
    exit_zero: bool
    debug: bool  # print tracebacks of internal errors

    __slots__ = (
        "baseline",
        "config_file",
        "debug",
        "diff_base",
        "diff_file",
        "exit_zero",
        "extend_select",
        "fail_on",
        "ignore",
        "isolated",
        "select",
        "suppressions",
        "update_baseline",
    )

    def __init__(
        self,
        select: tuple[str, ...] = (),
        extend_select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        fail_on: Severity | None = None,
        config_file: Path | None = None,
        isolated: bool = False,
        suppressions: bool = True,
        baseline: Path | None = None,
        update_baseline: bool = False,
        diff_base: str | None = None,
        diff_file: str | None = None,
        exit_zero: bool = False,
        debug: bool = False,
    ) -> None:
        set_field(self, "select", select)
        set_field(self, "extend_select", extend_select)
        set_field(self, "ignore", ignore)
        set_field(self, "fail_on", fail_on)
        set_field(self, "config_file", config_file)
        set_field(self, "isolated", isolated)
        set_field(self, "suppressions", suppressions)
        set_field(self, "baseline", baseline)
        set_field(self, "update_baseline", update_baseline)
        set_field(self, "diff_base", diff_base)
        set_field(self, "diff_file", diff_file)
        set_field(self, "exit_zero", exit_zero)
        set_field(self, "debug", debug)
        self.__post_init__()

    def __post_init__(self) -> None:
        if self.update_baseline and self.baseline is None:
            raise SettingsError("--update-baseline needs --baseline FILE")


class PerFileIgnore(Frozen):
    pattern: re.Pattern[str]
    name_only: bool  # the glob has no "/": it matches the file name in any directory
    codes: frozenset[str]

    __slots__ = ("codes", "name_only", "pattern")

    def __init__(self, pattern: re.Pattern[str], name_only: bool, codes: frozenset[str]) -> None:
        set_field(self, "pattern", pattern)
        set_field(self, "name_only", name_only)
        set_field(self, "codes", codes)


class ProjectSettings(Frozen):
    """The effective settings for the projects one configuration file governs."""

    config: Config
    rules: tuple[Rule, ...]  # selected, by code
    severities: ReadOnlyMapping[str, Severity]  # code -> overridden severity
    per_file: tuple[PerFileIgnore, ...]
    fail_on: Severity
    _ignored: dict[str, frozenset[str]]  # a cache, by display path

    __slots__ = ("_ignored", "config", "fail_on", "per_file", "rules", "severities")

    def __init__(
        self,
        config: Config,
        rules: tuple[Rule, ...],
        severities: ReadOnlyMapping[str, Severity],
        per_file: tuple[PerFileIgnore, ...],
        fail_on: Severity,
        _ignored: dict[str, frozenset[str]] | None = None,
    ) -> None:
        set_field(self, "config", config)
        set_field(self, "rules", rules)
        set_field(self, "severities", severities)
        set_field(self, "per_file", per_file)
        set_field(self, "fail_on", fail_on)
        set_field(self, "_ignored", {} if _ignored is None else _ignored)

    def __repr__(self) -> str:
        return f"{self.__class__.__qualname__}(config={self.config!r}, rules={self.rules!r}, severities={self.severities!r}, per_file={self.per_file!r}, fail_on={self.fail_on!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ProjectSettings) or other.__class__ is not self.__class__:
            return NotImplemented
        return (self.config, self.rules, self.severities, self.per_file, self.fail_on) == (
            other.config,
            other.rules,
            other.severities,
            other.per_file,
            other.fail_on,
        )

    def __hash__(self) -> int:
        return hash((self.config, self.rules, self.severities, self.per_file, self.fail_on))

    @property
    def options(self) -> RuleOptions:
        return self.config.options

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
        for entry in self.per_file:
            subject = absolute.name if entry.name_only else rel
            if subject is not None and entry.pattern.fullmatch(subject):
                codes |= entry.codes
        return frozenset(codes)


class RunSettings(Frozen):
    """The settings of one run: the request and every configuration it needs."""

    request: Settings
    cwd: Path
    default: ProjectSettings  # for the working directory (and problems of no project)
    # directory -> the settings governing it (every directory that will be linted)
    by_directory: ReadOnlyMapping[Path, ProjectSettings]

    __slots__ = ("by_directory", "cwd", "default", "request")

    def __init__(
        self,
        request: Settings,
        cwd: Path,
        default: ProjectSettings,
        by_directory: ReadOnlyMapping[Path, ProjectSettings] | None = None,
    ) -> None:
        set_field(self, "request", request)
        set_field(self, "cwd", cwd)
        set_field(self, "default", default)
        set_field(
            self,
            "by_directory",
            MappingProxyType({}) if by_directory is None else by_directory,
        )

    def for_directory(self, directory: Path) -> ProjectSettings:
        return self.by_directory.get(directory.resolve(), self.default)


def load_settings(
    registry: Registry, request: Settings, cwd: Path, directories: Iterable[Path] = ()
) -> RunSettings:
    """Load every configuration file the directories need, so that a bad one stops
    the run before anything is linted (raises ``SettingsError``)."""
    try:
        return _Loader(registry, request, cwd).run(directories)
    except (ConfigError, UnknownSelector) as exc:
        raise SettingsError(str(exc)) from None


class _Loader:
    def __init__(self, registry: Registry, request: Settings, cwd: Path) -> None:
        self.registry, self.request, self.cwd = registry, request, cwd
        self.finder = ConfigFinder()
        self.by_config: dict[Path | None, ProjectSettings] = {}
        self.explicit: Config | None = None
        if request.config_file is not None:
            path = cwd / request.config_file
            reason = file_problem(path)
            if reason is not None:
                raise SettingsError(f"--config {request.config_file}: {reason}")
            self.explicit = load_config(path, registry, cwd=cwd)

    def run(self, directories: Iterable[Path]) -> RunSettings:
        default = self.for_directory(self.cwd)
        by_directory = {d.resolve(): self.for_directory(d) for d in directories}
        return RunSettings(self.request, self.cwd, default, MappingProxyType(by_directory))

    def for_directory(self, directory: Path) -> ProjectSettings:
        if self.explicit is not None:
            config = self.explicit
        elif self.request.isolated:
            config = Config()
        else:
            path = self.finder.find(directory)
            if path in self.by_config:
                return self.by_config[path]
            config = Config() if path is None else load_config(path, self.registry, cwd=self.cwd)
        if config.path not in self.by_config:
            self.by_config[config.path] = self.settings(config)
        return self.by_config[config.path]

    def settings(self, config: Config) -> ProjectSettings:
        reg, cli = self.registry, self.request
        chosen = {r.code: r for r in reg.select(list(config.select or ()))}
        chosen.update((r.code, r) for r in self.matching(config.extend_select))
        for code in {r.code for r in self.matching(config.ignore)}:
            chosen.pop(code, None)
        if cli.select:
            chosen = {r.code: r for r in reg.select(list(cli.select))}
        chosen.update((r.code, r) for r in self.matching(cli.extend_select))
        for code in {r.code for r in self.matching(cli.ignore)}:
            chosen.pop(code, None)
        severities: dict[str, Severity] = {}
        # a more specific selector wins: prefixes by length, then exact codes and names
        for selector, severity in sorted(config.severity, key=lambda s: self.specificity(s[0])):
            for rule in reg.matching(selector):
                severities[rule.code] = severity
        per_file = tuple(
            PerFileIgnore(
                glob_regex(glob), "/" not in glob, frozenset(r.code for r in self.matching(sels))
            )
            for glob, sels in config.per_file_ignores
        )
        return ProjectSettings(
            config,
            tuple(sorted(chosen.values(), key=lambda r: r.code)),
            MappingProxyType(severities),
            per_file,
            cli.fail_on or config.fail_on or DEFAULT_FAIL_ON,
        )

    def matching(self, selectors: Iterable[str]) -> list[Rule]:
        out: list[Rule] = []
        for sel in selectors:
            found = self.registry.matching(sel)
            if not found:
                raise UnknownSelector(unknown_rule_message(sel, self.registry))
            out += found
        return out

    def specificity(self, selector: str) -> tuple[int, int]:
        rule = self.registry.get(selector)
        exact = rule is not None and selector.upper() != "ALL"
        return (1 if exact else 0, len(selector))


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
