"""Every built-in rule is registered, documented, and its examples tell the truth."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import make_project

from composelint.lint.engine import Engine
from composelint.lint.registry import DOC_SECTIONS, OPTIONAL_DOC_SECTIONS, Registry

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _entry_points() -> dict[str, str]:
    text = (ROOT / "pyproject.toml").read_text()
    section = text.split('[project.entry-points."composelint.rules"]', 1)[1].split("\n[", 1)[0]
    return dict(re.findall(r'^([\w-]+) = "([\w.]+)"$', section, re.MULTILINE))


def _examples(doc: str, section: str) -> list[tuple[str, str]]:
    body = doc.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return FENCE.findall(body)


# a family's folder holds exactly the rules of its code block
FAMILIES = {
    "core": "CMP0",
    "hosts": "CMP1",
    "network": "CMP2",
    "urls": "CMP3",
    "env": "CMP4",
    "vars": "CMP5",
    "files": "CMP6",
    "style": "CMP7",
    "security": "CMP8",
    "meta": "CMP90",
    "state": "CMP95",
}


def test_every_rule_module_is_registered_under_its_name() -> None:
    modules = sorted(
        f"composelint.rules.{p.parent.name}.{p.stem}"
        for p in (ROOT / "rules").glob("*/*.py")
        if p.stem not in ("__init__", "helpers", "settings")
    )
    eps = _entry_points()
    assert sorted(eps.values()) == modules
    assert not list((ROOT / "rules").glob("[!_]*.py")), "rules live in their family's folder"
    for name, module in eps.items():
        assert module.rsplit(".", 1)[1] == name.replace("-", "_")


def test_each_family_folder_matches_its_code_block(registry: Registry) -> None:
    assert sorted(
        p.name for p in (ROOT / "rules").iterdir() if p.is_dir() and p.name != "__pycache__"
    ) == sorted(FAMILIES)
    for rule in registry:
        family = rule.origin.split(".")[2]
        assert rule.code.startswith(FAMILIES[family]), (rule.code, rule.origin)


def test_builtin_rules_metadata(registry: Registry) -> None:
    eps = _entry_points()
    assert sorted(r.name for r in registry) == sorted(eps)
    assert len({r.code for r in registry}) == len(registry.rules)
    for rule in registry:
        assert rule.code.startswith("CMP"), rule.code
        assert eps[rule.name] == rule.origin
        headings = re.findall(r"^## (.+)$", rule.doc, re.MULTILINE)
        assert headings[: len(DOC_SECTIONS)] == list(DOC_SECTIONS), rule.code
        extra = headings[len(DOC_SECTIONS) :]
        assert extra == [s for s in OPTIONAL_DOC_SECTIONS if s in extra], rule.code
        assert not rule.summary.endswith("."), rule.code


def test_good_yaml_examples_are_valid_yaml(registry: Registry) -> None:
    for rule in registry:
        for lang, body in _examples(rule.doc, "Good"):
            # json: a state snapshot, for the rules that compare with one (CMP95x)
            assert lang in ("yaml", "dotenv", "console", "json"), (rule.code, lang)
            if lang == "yaml":
                yaml.safe_load(body)
            if lang == "json":
                assert rule.code.startswith("CMP95"), rule.code
                json.loads(body)


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
