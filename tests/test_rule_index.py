"""The generated rule index matches the rule modules, and a run uses it instead of
importing every rule (see composelint/lint/indexgen.py)."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap

import pytest

from composelint.lint import indexgen
from composelint.lint.plugins import PluginRef
from composelint.lint.registry import (
    INDEX_COMMAND,
    Registry,
    Rule,
    StaleRuleIndex,
    load_registry,
    rule_from_module,
)
from composelint.lint.rule_index import RULES
from composelint.model.findings import Severity


def test_the_rule_index_is_current() -> None:
    with open(indexgen.INDEX_PATH, encoding="utf-8") as fh:
        current = fh.read()
    assert current == indexgen.render(), (
        f"composelint/lint/rule_index.py is stale: regenerate it with `{INDEX_COMMAND}`"
    )


def test_every_builtin_rule_is_indexed_and_valid(registry: Registry) -> None:
    """What load_registry no longer checks on every run: each built-in module's
    metadata and docs, and that the index says what the module says."""
    indexed = {row[1]: row for row in RULES}
    for name, origin in indexgen.builtin_entry_points():
        module = importlib.import_module(origin)
        rule, errors = rule_from_module(module, origin, name)
        assert rule is not None and not errors, (origin, errors)
        assert name in indexed, f"{origin} is not in the rule index: run `{INDEX_COMMAND}`"
        code, _, severity, enabled, family, row_origin, summary = indexed[name]
        assert (code, severity, enabled, row_origin, summary) == (
            rule.code,
            rule.severity.value,
            rule.default_enabled,
            origin,
            rule.summary,
        ), f"the rule index disagrees with {origin}: run `{INDEX_COMMAND}`"
        assert origin.split(".")[2] == family
        assert registry.get(name) == rule


def test_loading_the_registry_imports_no_rule() -> None:
    code = textwrap.dedent(
        """
        import sys
        from composelint.lint.registry import load_registry
        reg = load_registry()
        assert reg.rules and not reg.problems, reg.problems
        reg.select(["CMP1", "image-not-pinned"], ["CMP101"])
        print(sorted(m for m in sys.modules
                     if m.startswith("composelint.rules.") and m.count(".") == 3))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_an_indexed_rule_imports_its_module_on_first_use(registry: Registry) -> None:
    rule = registry.get("host-loopback")
    assert rule is not None
    assert rule.doc.lstrip().startswith(rule.module.__doc__.lstrip()[:20])  # type: ignore[union-attr]
    assert callable(rule.module.check)


def test_a_stale_index_row_fails_loudly_with_the_regeneration_command() -> None:
    stale = Rule(
        "CMP101",
        "host-loopback",
        "A summary that changed",
        Severity.INFO,
        None,
        "composelint.rules.hosts.host_loopback",
        None,
    )
    with pytest.raises(StaleRuleIndex, match="summary, severity") as err:
        stale.module  # noqa: B018
    assert INDEX_COMMAND in str(err.value)


def test_a_builtin_rule_missing_from_the_index_is_imported_and_validated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A rule added after the index was generated still runs (as a plugin would)."""
    from composelint.lint import rule_index

    kept = tuple(row for row in RULES if row[1] != "host-loopback")
    monkeypatch.setattr(rule_index, "RULES", kept)
    reg = load_registry(
        [PluginRef("host-loopback", "composelint.rules.hosts.host_loopback", "composelint.rules")]
    )
    assert not reg.problems
    (rule,) = reg.rules
    assert rule.code == "CMP101" and rule.doc and rule.module.__name__.endswith("host_loopback")
