"""Golden before/after pairs of ``--fix``, one per rule that can emit a fix.

``tests/fixes/<rule-name>/before/`` is a project, ``after/`` what ``composelint
--fix --select <rule>`` makes of it, byte for byte (an optional ``ARGS`` file adds
arguments, one per line: ``--unsafe-fixes`` for a rule whose fix is unsafe). A
second run changes nothing, a fix said to be unsafe is not applied without
``--unsafe-fixes``, and the reference ``docker compose config`` of ``after`` is the
model ``composelint config`` prints.
"""

from __future__ import annotations

import ast
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from compose_ref import Case, find_compose, judge, run_compose

from composelint.cli import main
from composelint.lint.registry import load_registry

PAIRS = Path(__file__).resolve().parent / "fixes"
RULES = Path(__file__).resolve().parents[1] / "rules"
# findings whose fix the run makes itself (lint/filters.py), not the rule module
FIXED_BY_THE_RUN = {"unused-suppression"}
NAMES = sorted(p.name for p in PAIRS.iterdir() if (p / "before").is_dir())
REGISTRY = {r.name: r for r in load_registry()}


def _calls(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name):
                yield f.id
            elif isinstance(f, ast.Attribute):
                yield f.attr


def fixable_rules() -> set[str]:
    """The built-in rules whose module builds a ``Fix``, directly or through a helper
    of a family (a helper that builds one, or calls one that does)."""
    helpers: dict[str, set[str]] = {}
    for path in RULES.rglob("helpers.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                helpers[node.name] = set(_calls(node))
    makers = {"Fix"}
    while more := {n for n, called in helpers.items() if called & makers} - makers:
        makers |= more
    found = set(FIXED_BY_THE_RUN)
    for rule in REGISTRY.values():
        source = getattr(rule.module, "__file__", None)
        if source is None or not Path(source).is_relative_to(RULES):
            continue  # a plugin
        if set(_calls(ast.parse(Path(source).read_text(encoding="utf-8")))) & makers:
            found.add(rule.name)
    return found


def test_every_rule_that_can_fix_has_a_pair() -> None:
    fixable = fixable_rules()
    assert {"env-bom", "ports-order", "depends-on-missing"} <= fixable  # the scan works
    assert sorted(fixable - set(NAMES)) == []
    assert sorted(set(NAMES) - set(REGISTRY)) == []  # no pair for a rule that is gone


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _args(name: str) -> list[str]:
    args_file = PAIRS / name / "ARGS"
    extra = args_file.read_text().split() if args_file.is_file() else []
    return ["--isolated", "--select", REGISTRY[name].code, *extra]


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], cwd: Path, *args: str
) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    code = main([*args, "."])
    out, _ = capsys.readouterr()
    return code, out


def _copy(name: str, side: str, tmp_path: Path) -> Path:
    """The pair's project in a directory named after the rule (the project name)."""
    project = tmp_path / side / name
    shutil.copytree(PAIRS / name / side, project)
    return project


@pytest.mark.parametrize("name", NAMES)
def test_fix_gives_exactly_the_after_bytes(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _args(name)
    before, after = _tree(PAIRS / name / "before"), _tree(PAIRS / name / "after")
    assert before != after
    project = _copy(name, "before", tmp_path)
    _run(monkeypatch, capsys, project, *args, "--fix")
    assert _tree(project) == after
    _run(monkeypatch, capsys, project, *args, "--fix")  # a second run changes nothing
    assert _tree(project) == after
    assert _run(monkeypatch, capsys, project, *args, "--diff") == (0, "")
    if "--unsafe-fixes" in args:  # the fix is unsafe: --fix alone leaves it
        project = _copy(name, "before", tmp_path / "safe-only")
        safe = [a for a in args if a != "--unsafe-fixes"]
        _run(monkeypatch, capsys, project, *safe, "--fix")
        assert _tree(project) == before


@pytest.mark.skipif(find_compose() is None, reason="the reference docker-compose is not installed")
@pytest.mark.parametrize("name", NAMES)
def test_compose_accepts_the_after_and_agrees_with_config(name: str, tmp_path: Path) -> None:
    binary = find_compose()
    assert binary is not None
    case = Case(f"fix:{name}", _copy(name, "after", tmp_path), ())
    with tempfile.TemporaryDirectory() as home:
        ref = run_compose(binary, case, Path(home))
        assert ref.returncode == 0, ref.stderr
        verdict = judge(case, ref, Path(home))
    assert verdict.agree, verdict.detail
