"""Configuration files: finding, loading and validating them, and the rule options.

composelint reads the first of these it finds in the linted project's directory or
one of its parents (the nearest directory wins; files are never merged):

1. ``.composelint.toml`` (top-level keys)
2. ``.composelint.yaml`` / ``.composelint.yml`` (top-level keys)
3. ``pyproject.toml`` with a ``[tool.composelint]`` table (one without is skipped)

When several exist in one directory the first of this list is used. ``--config FILE``
names the file explicitly, ``--isolated`` ignores configuration files, and command
line options override the file. The keys are described by
``schemas/config.schema.json``; a configuration error is one located line
(``file:line:col: message``).

Rule options (``connection-variables``, ``allowed-hosts``, ``image-ports``) become a
typed, read-only ``RuleOptions`` (``composelint.model.options``) that reaches rules
through their context. Importing this module is cheap: TOML, YAML and the schema are
only loaded when a configuration file exists.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from composelint.model.findings import Severity
from composelint.model.options import CONTAINER_NAME_PATTERN, RuleOptions
from composelint.model.record import Frozen, set_field
from composelint.regex import lazy_pattern

if TYPE_CHECKING:
    from composelint.lint.registry import Registry
    from composelint.model.nodes import PathElement

CONFIG_NAMES = (".composelint.toml", ".composelint.yaml", ".composelint.yml", "pyproject.toml")
SCHEMA_FILE = "config.schema.json"
SELECTOR_KEYS = ("select", "extend-select", "ignore")
# ``preset = NAME``: rules added to the selection (as extend-select does)
PRESETS: dict[str, tuple[str, ...]] = {
    # every security rule, the opt-in hardening checks too, and bound published ports
    "hardened": ("CMP8", "port-no-host-interface"),
}


class ConfigError(Exception):
    """An unusable configuration; ``str(exc)`` is one line, located when possible."""


class Config(Frozen):
    """One configuration file's settings (all empty: no file)."""

    path: Path | None  # the file; None for the defaults
    select: tuple[str, ...] | None  # None: every rule
    extend_select: tuple[str, ...]
    ignore: tuple[str, ...]
    severity: tuple[tuple[str, Severity], ...]  # (selector, severity) as written
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...]  # (glob, selectors)
    fail_on: Severity | None
    options: RuleOptions

    __slots__ = (
        "extend_select",
        "fail_on",
        "ignore",
        "options",
        "path",
        "per_file_ignores",
        "select",
        "severity",
    )

    def __init__(
        self,
        path: Path | None = None,
        select: tuple[str, ...] | None = None,
        extend_select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        severity: tuple[tuple[str, Severity], ...] = (),
        per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = (),
        fail_on: Severity | None = None,
        options: RuleOptions | None = None,
    ) -> None:
        set_field(self, "path", path)
        set_field(self, "select", select)
        set_field(self, "extend_select", extend_select)
        set_field(self, "ignore", ignore)
        set_field(self, "severity", severity)
        set_field(self, "per_file_ignores", per_file_ignores)
        set_field(self, "fail_on", fail_on)
        set_field(self, "options", RuleOptions() if options is None else options)

    @property
    def root(self) -> Path | None:
        """The directory ``per-file-ignores`` globs are relative to."""
        return self.path.parent if self.path else None


# -- finding -------------------------------------------------------------------


class ConfigFinder:
    """The nearest configuration file of a directory, cached per directory."""

    def __init__(self) -> None:
        self._cache: dict[Path, Path | None] = {}

    def find(self, directory: Path) -> Path | None:
        from composelint.load.sources import resolve_path

        start = resolve_path(directory)
        walked: list[Path] = []
        found: Path | None = None
        current = start
        while True:
            if current in self._cache:
                found = self._cache[current]
                break
            walked.append(current)
            found = _config_in(current)
            if found is not None or current.parent == current:
                break
            current = current.parent
        for d in walked:
            self._cache[d] = found
        return found


def _config_in(directory: Path) -> Path | None:
    from composelint.load.sources import exists

    for name in CONFIG_NAMES:
        path = directory / name
        if not exists(path):
            continue
        # a configuration that cannot be read (a FIFO, a loop ...) is found, and
        # loading it says why; a pyproject.toml only counts with a composelint table
        if name != "pyproject.toml" or _has_tool_table(path):
            return path
    return None


_TOOL_HEADER = lazy_pattern(r"^[ \t]*\[\s*tool\s*\.\s*composelint\s*[\].]", re.MULTILINE)
_TOOL_DOTTED = lazy_pattern(r"^[ \t]*tool\s*\.\s*composelint\s*[.=]", re.MULTILINE)


def _has_tool_table(path: Path) -> bool:
    """Whether a pyproject.toml configures composelint (a cheap text check)."""
    from composelint.load.sources import UnreadableFile, read_text

    try:
        text = read_text(path)
    except UnreadableFile:
        return False
    return bool(_TOOL_HEADER.search(text) or _TOOL_DOTTED.search(text))


# -- loading ---------------------------------------------------------------------


def load_config(path: Path, registry: Registry, *, cwd: Path | None = None) -> Config:
    """Read, validate and normalise one configuration file; raises ``ConfigError``."""
    from composelint.load.sources import UnreadableFile, display_path, read_text, resolve_path

    shown = display_path(resolve_path(path), resolve_path(cwd or Path.cwd()))
    try:
        text = read_text(path)
    except UnreadableFile as exc:
        raise ConfigError(f"{shown}: {exc}") from None
    if path.suffix in (".yaml", ".yml"):
        data, locate = _load_yaml(text, shown)
    else:
        data, locate = _load_toml(text, shown, pyproject=path.name == "pyproject.toml")
    _validate(data, locate, registry)
    return _build(path, data)


Locator = Any  # Callable[[tuple[PathElement, ...]], str]: "file:line:col" of a path


def _load_toml(text: str, shown: str, *, pyproject: bool) -> tuple[dict[str, Any], Locator]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = f"{shown}:{m.group(1)}:{m.group(2)}" if m else shown
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc)) or "invalid TOML"
        raise ConfigError(f"{where}: invalid TOML: {message}") from None
    prefix: tuple[str, ...] = ("tool", "composelint") if pyproject else ()
    data: Any = doc
    for key in prefix:
        data = data.get(key, {}) if isinstance(data, dict) else {}
    if not isinstance(data, dict):
        raise ConfigError(f"{shown}: [tool.composelint] must be a table")

    def locate(path: tuple[PathElement, ...]) -> str:
        line, col = toml_position(text, prefix + tuple(path))
        return f"{shown}:{line}:{col}"

    return _jsonable(data), locate


def _load_yaml(text: str, shown: str) -> tuple[dict[str, Any], Locator]:
    from composelint.load.yamlload import load_yaml
    from composelint.model.nodes import Mapping, span_at

    result = load_yaml(text, shown)
    for problem in result.problems:
        span = problem.span
        where = f"{span}" if span else shown
        raise ConfigError(f"{where}: invalid YAML: {problem.message}")
    if not result.documents:
        return {}, lambda path: f"{shown}:1:1"
    if len(result.documents) > 1:
        raise ConfigError(f"{shown}: expected one YAML document, found {len(result.documents)}")
    root = result.documents[0]
    if isinstance(root, Mapping) and not root.items:
        return {}, lambda path: f"{shown}:1:1"
    if not isinstance(root, Mapping):
        where = f"{root.span}" if root.span else f"{shown}:1:1"
        raise ConfigError(f"{where}: the configuration must be a mapping of settings")

    def locate(path: tuple[PathElement, ...]) -> str:
        span = span_at(root, path, key=True) or root.span
        return f"{span}" if span else f"{shown}:1:1"

    return _jsonable(root.to_plain()), locate


def _jsonable(value: Any) -> Any:
    """Plain JSON-like data (TOML dates and YAML timestamps become strings)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if value is None or type(value) in (bool, int, float, str):
        return value
    return str(value)


def _validate(data: dict[str, Any], locate: Locator, registry: Registry) -> None:
    from composelint.model.nodes import from_plain
    from composelint.resolve.schema import validate_against

    errors = [(e.path, e.message) for e in validate_against(_schema(), from_plain(data, None))]
    if not errors:
        errors = _unknown_rules(data, registry) + _bad_patterns(data)
    if errors:
        path, message = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ConfigError(f"{locate(path)}: {message}{more}")


def _schema() -> dict[str, Any]:
    from composelint.resolve.schema import read_shipped

    text = read_shipped(SCHEMA_FILE)
    schema: dict[str, Any] = json.loads(text)
    return schema


def _unknown_rules(
    data: dict[str, Any], registry: Registry
) -> list[tuple[tuple[PathElement, ...], str]]:
    """Selectors that match no rule, with a suggestion: a typo must not disable a check."""
    where: list[tuple[tuple[PathElement, ...], str, str]] = []  # (path, selector, context)
    for key in SELECTOR_KEYS:
        where += [((key, i), s, key) for i, s in enumerate(data.get(key, []))]
    for sel in data.get("severity", {}):
        where.append((("severity", sel), sel, "severity"))
    for glob, sels in data.get("per-file-ignores", {}).items():
        where += [
            (("per-file-ignores", glob, i), s, f"per-file-ignores {glob!r}")
            for i, s in enumerate(sels)
        ]
    errors = []
    for path, sel, context in where:
        if not registry.matching(sel):
            errors.append((path, f"{context}: {unknown_rule_message(sel, registry)}"))
    return errors


def _bad_patterns(data: dict[str, Any]) -> list[tuple[tuple[PathElement, ...], str]]:
    pattern = data.get(CONTAINER_NAME_PATTERN)
    if pattern is None:
        return []
    try:
        re.compile(pattern)
    except re.error as exc:
        return [
            (
                (CONTAINER_NAME_PATTERN,),
                f"{CONTAINER_NAME_PATTERN}: not a regular expression: {exc}",
            )
        ]
    return []


def rule_suggestion(selector: str, registry: Registry) -> str:
    """``; did you mean 'y'?`` (names and codes are suggested), or where to look."""
    import difflib

    candidates = [r.name for r in registry] + [r.code for r in registry]
    close = difflib.get_close_matches(selector, candidates, n=1, cutoff=0.6) or (
        difflib.get_close_matches(selector.upper(), candidates, n=1, cutoff=0.6)
    )
    return f"; did you mean {close[0]!r}?" if close else " (see composelint --list-rules)"


def unknown_rule_message(selector: str, registry: Registry) -> str:
    """``unknown rule, code or prefix 'x'; did you mean 'y'?``"""
    return f"unknown rule, code or prefix {selector!r}{rule_suggestion(selector, registry)}"


def _build(path: Path, data: dict[str, Any]) -> Config:
    fail_on = data.get("fail-on")
    preset = PRESETS.get(data.get("preset", ""), ())
    return Config(
        path=path,
        select=tuple(data["select"]) if "select" in data else None,
        extend_select=preset + tuple(data.get("extend-select", ())),
        ignore=tuple(data.get("ignore", ())),
        severity=tuple((k, Severity(v)) for k, v in data.get("severity", {}).items()),
        per_file_ignores=tuple(
            (glob, tuple(sels)) for glob, sels in data.get("per-file-ignores", {}).items()
        ),
        fail_on=Severity(fail_on) if fail_on else None,
        options=RuleOptions.from_config(data),
    )


# -- locating keys in TOML text (tomllib keeps no positions) ---------------------------

_BARE = r"[A-Za-z0-9_-]+"
_BASIC = r'"(?:[^"\\\n]|\\.)*"'
_LITERAL = r"'[^'\n]*'"
_KEY_PART = lazy_pattern(rf"\s*({_BARE}|{_BASIC}|{_LITERAL})\s*")
_HEADER = lazy_pattern(r"^\s*\[\[?(.*?)\]\]?\s*(?:#.*)?$")
# a basic string left open runs to the end of its line: every start succeeds at once,
# so a line of `\"` is scanned once, not once per quote (such a file is invalid TOML)
_OPEN_BASIC = r'"(?:[^"\\\n]|\\.)*(?:"|\\?(?=\n|\Z))'
_STRING_OR_COMMENT = lazy_pattern(rf"#[^\n]*|{_OPEN_BASIC}|{_LITERAL}|[\]}}]")


def _key_parts(text: str) -> tuple[list[str], int] | None:
    """The dotted key at the start of ``text`` and where it ends, or None."""
    parts: list[str] = []
    pos = 0
    while True:
        m = _KEY_PART.match(text, pos)
        if m is None:
            return None
        raw = m.group(1)
        parts.append(json.loads(raw) if raw.startswith('"') else raw.strip("'"))
        pos = m.end()
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        return parts, pos


def toml_position(text: str, path: tuple[PathElement, ...]) -> tuple[int, int]:
    """Line and column (1-based) of the key or array item at ``path``; the nearest
    located ancestor when it cannot be found exactly."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    best: tuple[int, tuple[int, int]] = (0, (1, 1))  # (matched depth, position)
    table: list[str] = []
    for n, line in enumerate(lines, 1):
        header = _HEADER.match(line) if line.lstrip().startswith("[") else None
        if header is not None:
            parsed = _key_parts(header.group(1))
            table = parsed[0] if parsed else []
            depth = _common(table, path)
            if depth == len(table) and depth > best[0]:
                best = (depth, (n, line.index("[") + 1))
            continue
        parsed = _key_parts(line)
        if parsed is None or not line[parsed[1] :].startswith("="):
            continue
        full = table + parsed[0]
        depth = _common(full, path)
        if depth < len(full) or depth <= best[0]:
            continue
        col = len(line) - len(line.lstrip()) + 1
        best = (depth, (n, col))
        if depth < len(path):  # the rest is inside this value (inline table or array)
            inner = _inside_value(text, offsets[n - 1] + parsed[1] + 1, path[depth:])
            if inner is not None:
                pos = inner
                line_no = _line_of(offsets, pos)
                best = (len(path), (line_no, pos - offsets[line_no - 1] + 1))
    return best[1]


def _common(parts: list[str], path: tuple[PathElement, ...]) -> int:
    """How many leading elements ``parts`` and ``path`` share."""
    depth = 0
    for a, b in zip(parts, path, strict=False):
        if a != b:
            break
        depth += 1
    return depth


def _inside_value(text: str, start: int, rest: tuple[PathElement, ...]) -> int | None:
    """Offset of ``rest`` (keys of an inline table, indexes of an array) after ``start``."""
    pos = start
    for part in rest:
        if isinstance(part, int):
            count = -1
            for m in _STRING_OR_COMMENT.finditer(text, pos):
                token = m.group()
                if token[0] in "]}":
                    return None
                if token[0] == "#":
                    continue
                count += 1
                if count == part:
                    pos = m.start()
                    break
            else:
                return None
        else:
            rx = re.compile(
                rf"(?<![\w\"'-])({re.escape(part)}|\"{re.escape(part)}\"|'{re.escape(part)}')\s*="
            )
            found = rx.search(text, pos)
            if found is None:
                return None
            pos = found.start()
    return pos


def _line_of(offsets: list[int], pos: int) -> int:
    from bisect import bisect_right

    return bisect_right(offsets, pos)
