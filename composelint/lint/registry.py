"""Rule discovery and lookup.

Every rule, built-in or third-party, is a module registered under the entry-point
group ``composelint.rules`` (entry-point name = rule name, value = module path).
The built-in rules' metadata (code, name, summary, severity, ``default_enabled``)
comes from the generated ``composelint.lint.rule_index``, so that selecting,
listing and parsing suppressions import no rule: a built-in rule's module is
imported when it first runs (or its docs are read), and its docs are validated by
the test suite, not on every run. Any other entry point (a third-party plugin, or
a built-in rule the index does not list yet) is imported and validated at load,
docs included. Rule modules are required to be cheap to import (heavy
dependencies are imported inside ``check``).

A rule module defines ``check(ctx)``, run on each project, and/or
``check_tree(projects)``, run once over every project of a directory run after the
per-project passes (``composelint.lint.tree``).

A plugin that cannot be imported, has invalid metadata, or clashes with another
rule's code or name is never silently dropped: it becomes a ``RegistryProblem``
that the CLI reports (and that makes the run exit 2).
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from composelint.lint.plugins import PluginRef as EntryPoint
from composelint.lint.plugins import entry_points
from composelint.model.findings import Severity, Violation

if TYPE_CHECKING:
    from composelint.model.context import RuleContext

GROUP = "composelint.rules"
DOC_SECTIONS = ("What it catches", "Why it matters", "Bad", "Good")
# may follow the required sections, in this order, each at most once
OPTIONAL_DOC_SECTIONS = ("Options", "Fix safety", "References")
# patterns, compiled on first use (by ``re``'s cache): a plain lint of built-in
# rules matches none of them
CODE_PATTERN = r"^[A-Z]{2,5}[0-9]{3}$"
NAME_PATTERN = r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"
_SELECTOR_PATTERN = r"^[A-Z]{2,5}[0-9]{0,3}$"
_HEADING_PATTERN = r"^##[ \t]+([^ \t\n](?:.*[^ \t\n])?)[ \t]*$"
_FENCE_PATTERN = r"^```[a-z]+[ \t]*$"
# what regenerates composelint/lint/rule_index.py (after adding or changing a rule)
INDEX_COMMAND = "python -m composelint.lint.indexgen"
_SEVERITY = {s.value: s for s in Severity}


class StaleRuleIndex(RuntimeError):
    """A built-in rule's module disagrees with the rule index it was selected by."""


class Rule:
    """A registered rule. ``doc`` and ``module`` may be None: then the module named
    by ``origin`` is imported the first time either is needed (a rule from the
    rule index), and its metadata is checked against what the index said."""

    __slots__ = (
        "_doc",
        "_module",
        "code",
        "default_enabled",
        "name",
        "origin",
        "severity",
        "summary",
    )

    def __init__(
        self,
        code: str,
        name: str,
        summary: str,
        severity: Severity,
        doc: str | None,  # Markdown: the module docstring
        origin: str,  # the entry point's value, e.g. "composelint.rules.core.yaml_syntax"
        module: ModuleType | None,
        # False: the rule runs only when --select names it (code, name or prefix)
        default_enabled: bool = True,
    ) -> None:
        self.code = code
        self.name = name
        self.summary = summary
        self.severity = severity
        self._doc = doc
        self.origin = origin
        self._module = module
        self.default_enabled = default_enabled

    def _key(self) -> tuple[Any, ...]:
        return (
            self.code,
            self.name,
            self.summary,
            self.severity,
            self.origin,
            self.default_enabled,
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Rule)
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Rule(code={self.code!r}, name={self.name!r}, origin={self.origin!r})"

    @property
    def module(self) -> ModuleType:
        if self._module is None:
            module = importlib.import_module(self.origin)
            stale = _index_mismatch(self, module)
            if stale:
                raise StaleRuleIndex(
                    f"the rule index disagrees with {self.origin} ({stale}): "
                    f"regenerate it with `{INDEX_COMMAND}`"
                )
            self._module = module
        return self._module

    @property
    def doc(self) -> str:
        if self._doc is None:
            self._doc = self.module.__doc__ or ""
        return self._doc

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


def _index_mismatch(rule: Rule, module: ModuleType) -> str:
    """Which metadata of ``module`` differs from the indexed ``rule`` (empty: none)."""
    found = (
        getattr(module, "code", None),
        getattr(module, "name", None),
        (getattr(module, "summary", None) or "").strip(),
        getattr(module, "severity", None),
        getattr(module, "default_enabled", True),
    )
    indexed = (rule.code, rule.name, rule.summary, rule.severity.value, rule.default_enabled)
    if found == indexed:
        return ""
    fields = ("code", "name", "summary", "severity", "default_enabled")
    return ", ".join(f for f, a, b in zip(fields, found, indexed, strict=True) if a != b)


class RegistryProblem:
    """A plugin that could not be registered, or two that clash."""

    __slots__ = ("message", "origin")

    def __init__(self, origin: str, message: str) -> None:
        self.origin = origin
        self.message = message

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, RegistryProblem)
        return (self.origin, self.message) == (other.origin, other.message)

    def __hash__(self) -> int:
        return hash((self.origin, self.message))

    def __repr__(self) -> str:
        return f"RegistryProblem(origin={self.origin!r}, message={self.message!r})"


class UnknownSelector(ValueError):
    """A ``--select`` / ``--ignore`` entry that matches no rule."""


class Registry:
    __slots__ = ("_by_code", "_by_name", "problems", "rules")

    def __init__(self, rules: list[Rule], problems: list[RegistryProblem]) -> None:
        self.rules = rules  # sorted by code
        self.problems = problems
        self._by_code = {r.code: r for r in self.rules}
        self._by_name = {r.name: r for r in self.rules}

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Registry)
        return (self.rules, self.problems) == (other.rules, other.problems)

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass without frozen

    def __repr__(self) -> str:
        return f"Registry(rules={self.rules!r}, problems={self.problems!r})"

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
        if re.match(_SELECTOR_PATTERN, key.upper()):
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
    headings = re.findall(_HEADING_PATTERN, doc, re.MULTILINE)
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
    parts = re.split(
        _HEADING_PATTERN, doc, flags=re.MULTILINE
    )  # [intro, h1, body1, h2, body2, ...]
    bodies = dict(zip(parts[1::2], parts[2::2], strict=True))
    for section in headings:
        body = bodies[section].strip()
        if not body:
            problems.append(f"docs section '## {section}' is empty")
        elif section in ("Bad", "Good") and not re.search(_FENCE_PATTERN, body, re.MULTILINE):
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
    if not isinstance(code, str) or not re.match(CODE_PATTERN, code):
        errors.append(f"code {code!r} does not match {CODE_PATTERN}")
    if not isinstance(name, str) or not re.match(NAME_PATTERN, name):
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
    """Load, validate and index every registered rule; the built-in rules that the
    rule index lists are not imported."""
    points = sorted(_entry_points() if eps is None else eps, key=lambda ep: (ep.value, ep.name))
    rules: list[Rule] = []
    problems: list[RegistryProblem] = []
    by_code: dict[str, Rule] = {}
    by_name: dict[str, Rule] = {}
    indexed = _indexed_rules()
    for ep in points:
        known = indexed.get((ep.name, ep.value))
        rule = Rule(*known) if known is not None else _import_rule(ep, problems)
        if rule is None:
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


def _import_rule(ep: EntryPoint, problems: list[RegistryProblem]) -> Rule | None:
    """Import and validate a rule the index does not list; None (and the problems
    added) when it cannot be registered."""
    try:
        module = ep.load()
    except Exception as exc:  # a broken plugin must not stop the others
        problems.append(
            RegistryProblem(
                ep.value, f"cannot import rule plugin {ep.value}: {type(exc).__name__}: {exc}"
            )
        )
        return None
    if not isinstance(module, ModuleType):
        problems.append(RegistryProblem(ep.value, f"rule plugin {ep.value} must name a module"))
        return None
    rule, errors = rule_from_module(module, ep.value, ep.name)
    problems.extend(RegistryProblem(ep.value, f"rule plugin {ep.value}: {e}") for e in errors)
    return rule


def _indexed_rules() -> dict[tuple[str, str], tuple[Any, ...]]:
    """The rule index as ``Rule`` arguments, by (entry-point name, module)."""
    from composelint.lint.rule_index import RULES

    return {
        (name, origin): (code, name, summary, _SEVERITY[severity], None, origin, None, enabled)
        for code, name, severity, enabled, _family, origin, summary in RULES
    }


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
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
    pyproject, rules_dir = os.path.join(root, "pyproject.toml"), os.path.join(root, "rules")
    init = os.path.join(rules_dir, "__init__.py")
    if not os.path.isfile(pyproject) or not os.path.isfile(init):
        return []
    if "composelint.rules" not in sys.modules:
        import importlib.util

        spec = importlib.util.spec_from_file_location(
            "composelint.rules", init, submodule_search_locations=[rules_dir]
        )
        if spec is None or spec.loader is None:
            return []
        module = importlib.util.module_from_spec(spec)
        sys.modules["composelint.rules"] = module
        spec.loader.exec_module(module)
    header = f'[project.entry-points."{GROUP}"]'
    eps: list[EntryPoint] = []
    in_section = False
    with open(pyproject, encoding="utf-8") as fh:
        text = fh.read()
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            in_section = stripped == header
        elif in_section and "=" in stripped and not stripped.startswith("#"):
            key, _, value = stripped.partition("=")
            eps.append(EntryPoint(key.strip().strip('"'), value.strip().strip('"'), GROUP))
    return eps
