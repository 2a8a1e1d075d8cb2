"""Rule discovery and lookup.

Every rule, built-in or third-party, is a module registered under the entry-point
group ``composelint.rules`` (entry-point name = rule name, value = module path).
Loading imports every registered module: selection by code or code prefix needs
each rule's ``code``, and rule modules are required to be cheap to import (heavy
dependencies are imported inside ``check``).

A rule module defines ``check(ctx)``, run on each project, and/or
``check_tree(projects)``, run once over every project of a directory run after the
per-project passes (``composelint.lint.tree``).

A plugin that cannot be imported, has invalid metadata, or clashes with another
rule's code or name is never silently dropped: it becomes a ``RegistryProblem``
that the CLI reports (and that makes the run exit 2).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from composelint.lint.plugins import PluginRef as EntryPoint
from composelint.lint.plugins import entry_points
from composelint.model.findings import Severity, Violation

if TYPE_CHECKING:
    from composelint.model.context import RuleContext

GROUP = "composelint.rules"
DOC_SECTIONS = ("What it catches", "Why it matters", "Bad", "Good")
# may follow the required sections, in this order, each at most once
OPTIONAL_DOC_SECTIONS = ("Options", "Fix safety", "References")
CODE_RE = re.compile(r"^[A-Z]{2,5}[0-9]{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_SELECTOR_RE = re.compile(r"^[A-Z]{2,5}[0-9]{0,3}$")
_HEADING_RE = re.compile(r"^##[ \t]+([^ \t\n](?:.*[^ \t\n])?)[ \t]*$", re.MULTILINE)
_FENCE_RE = re.compile(r"^```[a-z]+[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    severity: Severity
    doc: str  # Markdown: the module docstring
    origin: str  # the entry point's value, e.g. "composelint.rules.core.yaml_syntax"
    module: ModuleType
    # False: the rule runs only when --select names it (code, name or prefix)
    default_enabled: bool = True

    def check(self, ctx: RuleContext) -> Iterable[Violation]:
        result: Iterable[Violation] = self.module.check(ctx)
        return result

    @property
    def per_project(self) -> bool:
        """The rule has a ``check(ctx)`` run on each project."""
        return callable(getattr(self.module, "check", None))

    @property
    def tree(self) -> bool:
        """The rule has a ``check_tree(projects)`` run across the projects of a directory."""
        return callable(getattr(self.module, "check_tree", None))

    def check_tree(self, projects: Sequence[RuleContext]) -> Iterable[Violation]:
        result: Iterable[Violation] = self.module.check_tree(projects)
        return result

    @property
    def options(self) -> dict[str, object]:
        opts = getattr(self.module, "options", None)
        return dict(opts) if isinstance(opts, dict) else {}


@dataclass(frozen=True)
class RegistryProblem:
    """A plugin that could not be registered, or two that clash."""

    origin: str
    message: str


class UnknownSelector(ValueError):
    """A ``--select`` / ``--ignore`` entry that matches no rule."""


@dataclass
class Registry:
    rules: list[Rule]  # sorted by code
    problems: list[RegistryProblem]

    def __post_init__(self) -> None:
        self._by_code = {r.code: r for r in self.rules}
        self._by_name = {r.name: r for r in self.rules}

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def get(self, key: str) -> Rule | None:
        """The rule with this code (any case) or name."""
        return self._by_code.get(key.upper()) or self._by_name.get(key.lower())

    def matching(self, selector: str) -> list[Rule]:
        """Rules selected by a code, a code prefix (``CMP1``), a name or ``ALL``."""
        key = selector.strip()
        if key.upper() == "ALL":
            return list(self.rules)
        rule = self.get(key)
        if rule is not None:
            return [rule]
        if _SELECTOR_RE.match(key.upper()):
            return [r for r in self.rules if r.code.startswith(key.upper())]
        return []

    def select(self, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> list[Rule]:
        """The rules ``select`` names (when empty: every rule enabled by default)
        minus those ``ignore`` names. A rule with ``default_enabled = False`` runs
        only when a ``select`` entry (code, name, prefix or ``ALL``) matches it.

        Raises ``UnknownSelector`` for an entry that matches nothing: a typo in a
        selection must not silently disable checks.
        """
        chosen = self._resolve(select) if select else [r for r in self.rules if r.default_enabled]
        dropped = {r.code for r in self._resolve(ignore)}
        return [r for r in chosen if r.code not in dropped]

    def _resolve(self, selectors: Sequence[str]) -> list[Rule]:
        out: dict[str, Rule] = {}
        for sel in selectors:
            found = self.matching(sel)
            if not found:
                raise UnknownSelector(f"unknown rule, code or prefix: {sel!r}")
            out.update((r.code, r) for r in found)
        return sorted(out.values(), key=lambda r: r.code)


def doc_problems(doc: str) -> list[str]:
    """What is wrong with a rule's Markdown documentation (empty when fine): the four
    required sections in order, then optionally ``## Options``, ``## Fix safety`` and
    ``## References`` in that order."""
    headings = _HEADING_RE.findall(doc)
    required, extra = tuple(headings[: len(DOC_SECTIONS)]), headings[len(DOC_SECTIONS) :]
    order = [OPTIONAL_DOC_SECTIONS.index(h) for h in extra if h in OPTIONAL_DOC_SECTIONS]
    if required != DOC_SECTIONS or len(order) != len(extra) or order != sorted(set(order)):
        wanted = ", ".join(f"## {s}" for s in DOC_SECTIONS)
        optional = ", ".join(f"## {s}" for s in OPTIONAL_DOC_SECTIONS)
        return [
            f"docs must have exactly the sections {wanted}, then optionally {optional} "
            f"(found: {', '.join(headings) or 'none'})"
        ]
    problems = []
    parts = _HEADING_RE.split(doc)  # [intro, h1, body1, h2, body2, ...]
    bodies = dict(zip(parts[1::2], parts[2::2], strict=True))
    for section in headings:
        body = bodies[section].strip()
        if not body:
            problems.append(f"docs section '## {section}' is empty")
        elif section in ("Bad", "Good") and not _FENCE_RE.search(body):
            problems.append(
                f"docs section '## {section}' has no fenced example (```yaml, ```dotenv ...)"
            )
    return problems


def rule_from_module(
    module: ModuleType, origin: str, ep_name: str | None = None
) -> tuple[Rule | None, list[str]]:
    """Validate a rule module's metadata; the rule, or None and what is wrong."""
    errors: list[str] = []
    code = getattr(module, "code", None)
    name = getattr(module, "name", None)
    summary = getattr(module, "summary", None)
    severity = getattr(module, "severity", None)
    doc = module.__doc__ or ""
    if not isinstance(code, str) or not CODE_RE.match(code):
        errors.append(f"code {code!r} does not match {CODE_RE.pattern}")
    if not isinstance(name, str) or not NAME_RE.match(name):
        errors.append(f"name {name!r} is not kebab-case")
    elif ep_name is not None and ep_name != name:
        errors.append(f"entry point name {ep_name!r} differs from the rule name {name!r}")
    if not isinstance(summary, str) or not summary.strip() or "\n" in summary.strip():
        errors.append("summary must be one non-empty line")
    if severity not in ("error", "warning", "info"):
        errors.append(f"severity {severity!r} is not one of error, warning, info")
    default_enabled = getattr(module, "default_enabled", True)
    if not isinstance(default_enabled, bool):
        errors.append(f"default_enabled {default_enabled!r} is not a bool")
    if not callable(getattr(module, "check", None)) and not callable(
        getattr(module, "check_tree", None)
    ):
        errors.append("no check(project) or check_tree(projects) function")
    errors.extend(doc_problems(doc))
    if errors:
        return None, errors
    assert isinstance(code, str) and isinstance(name, str) and isinstance(summary, str)
    return (
        Rule(code, name, summary.strip(), Severity(severity), doc, origin, module, default_enabled),
        [],
    )


def load_registry(eps: Iterable[EntryPoint] | None = None) -> Registry:
    """Load, validate and index every registered rule."""
    points = sorted(_entry_points() if eps is None else eps, key=lambda ep: (ep.value, ep.name))
    rules: list[Rule] = []
    problems: list[RegistryProblem] = []
    by_code: dict[str, Rule] = {}
    by_name: dict[str, Rule] = {}
    for ep in points:
        try:
            module = ep.load()
        except Exception as exc:  # a broken plugin must not stop the others
            problems.append(
                RegistryProblem(
                    ep.value, f"cannot import rule plugin {ep.value}: {type(exc).__name__}: {exc}"
                )
            )
            continue
        if not isinstance(module, ModuleType):
            problems.append(RegistryProblem(ep.value, f"rule plugin {ep.value} must name a module"))
            continue
        rule, errors = rule_from_module(module, ep.value, ep.name)
        if rule is None:
            problems.extend(
                RegistryProblem(ep.value, f"rule plugin {ep.value}: {e}") for e in errors
            )
            continue
        clash = by_code.get(rule.code) or by_name.get(rule.name)
        if clash is not None:
            what = f"code {rule.code}" if clash.code == rule.code else f"name {rule.name}"
            problems.append(
                RegistryProblem(
                    ep.value,
                    f"rule plugin {ep.value} clashes with {clash.origin} ({what}); it is not loaded",
                )
            )
            continue
        by_code[rule.code] = by_name[rule.name] = rule
        rules.append(rule)
    rules.sort(key=lambda r: r.code)
    return Registry(rules, problems)


def _entry_points() -> list[EntryPoint]:
    eps = list(entry_points(group=GROUP))
    builtins = _source_tree_entry_points()
    if builtins:  # a source checkout: its pyproject.toml, not stale metadata, lists the built-ins
        eps = [ep for ep in eps if not ep.value.startswith("composelint.rules.")] + builtins
    return eps


def _source_tree_entry_points() -> list[EntryPoint]:
    """The built-in rules when composelint runs from a source checkout (the package
    directory sits next to pyproject.toml and rules/): read from pyproject.toml, with
    ``rules/`` made importable as ``composelint.rules`` exactly as installing maps it."""
    root = Path(__file__).resolve().parents[2]
    pyproject, rules_dir = root / "pyproject.toml", root / "rules"
    if not pyproject.is_file() or not (rules_dir / "__init__.py").is_file():
        return []
    if "composelint.rules" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "composelint.rules",
            rules_dir / "__init__.py",
            submodule_search_locations=[str(rules_dir)],
        )
        if spec is None or spec.loader is None:
            return []
        module = importlib.util.module_from_spec(spec)
        sys.modules["composelint.rules"] = module
        spec.loader.exec_module(module)
    header = f'[project.entry-points."{GROUP}"]'
    eps: list[EntryPoint] = []
    in_section = False
    for line in pyproject.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            in_section = stripped == header
        elif in_section and "=" in stripped and not stripped.startswith("#"):
            key, _, value = stripped.partition("=")
            eps.append(EntryPoint(key.strip().strip('"'), value.strip().strip('"'), GROUP))
    return eps
