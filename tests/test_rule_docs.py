"""Every built-in rule is registered, documented, and its examples tell the truth."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import make_project

from composelint.engine import Engine
from composelint.registry import DOC_SECTIONS, Registry

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _entry_points() -> dict[str, str]:
    text = (ROOT / "pyproject.toml").read_text()
    section = text.split('[project.entry-points."composelint.rules"]', 1)[1].split("\n[", 1)[0]
    return dict(re.findall(r'^([\w-]+) = "([\w.]+)"$', section, re.MULTILINE))


def _examples(doc: str, section: str) -> list[tuple[str, str]]:
    body = doc.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return FENCE.findall(body)


def test_every_rule_module_is_registered_under_its_name() -> None:
    modules = sorted(p.stem for p in (ROOT / "rules").glob("*.py") if not p.stem.startswith("_"))
    eps = _entry_points()
    assert sorted(v.rsplit(".", 1)[1] for v in eps.values()) == modules
    assert all(v.startswith("composelint.rules.") for v in eps.values())


def test_builtin_rules_metadata(registry: Registry) -> None:
    eps = _entry_points()
    assert sorted(r.name for r in registry) == sorted(eps)
    assert len({r.code for r in registry}) == len(registry.rules)
    for rule in registry:
        assert rule.code.startswith("CMP"), rule.code
        assert eps[rule.name] == rule.origin
        assert [h for h in re.findall(r"^## (.+)$", rule.doc, re.MULTILINE)] == list(DOC_SECTIONS)
        assert not rule.summary.endswith("."), rule.code


def test_good_yaml_examples_are_valid_yaml(registry: Registry) -> None:
    for rule in registry:
        for lang, body in _examples(rule.doc, "Good"):
            assert lang in ("yaml", "dotenv", "console"), (rule.code, lang)
            if lang == "yaml":
                yaml.safe_load(body)


@pytest.mark.parametrize("code", ["CMP005", "CMP006", "CMP007"])
def test_model_rules_fire_on_bad_and_not_on_good(registry: Registry, code: str) -> None:
    rule = registry.get(code)
    assert rule is not None
    engine = Engine(registry, [rule])
    ((_, bad),) = _examples(rule.doc, "Bad")
    ((_, good),) = _examples(rule.doc, "Good")
    assert [f.code for f in engine.check(make_project(bad))], (
        "the Bad example must trigger the rule"
    )
    assert engine.check(make_project(good)) == []
