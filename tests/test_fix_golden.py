"""Golden before/after pairs of ``--fix``, one per rule that can emit a fix.

``tests/fixes/<rule-name>/before/`` is a project, ``after/`` what ``composelint
--fix --select <rule>`` makes of it, byte for byte (an optional ``ARGS`` file adds
arguments, one per line: ``--unsafe-fixes`` for a rule whose fix is unsafe). A
second run changes nothing, a fix said to be unsafe is not applied without
``--unsafe-fixes``, the reference ``docker compose config`` of ``after`` is the
model ``composelint config`` prints, and it differs from the model of ``before``
exactly at the paths an optional ``CHANGES`` file lists (none: the fix keeps the
model).
"""

from __future__ import annotations

import ast
import shutil
import subprocess
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
# fixable rules still waiting for their pair (their authors add it; the list only shrinks)
AWAITING_A_PAIR = {
    "network-external-name-mismatch",
}
NAMES = sorted(p.name for p in PAIRS.iterdir() if (p / "before").is_dir())
REGISTRY = {r.name: r for r in load_registry()}


def rule_of(name: str) -> str:
    """``host-container-name--env`` is a second pair of ``host-container-name``."""
    return name.split("--", 1)[0]


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
    rules = {rule_of(n) for n in NAMES}
    assert sorted(fixable - rules - AWAITING_A_PAIR) == []
    assert sorted(AWAITING_A_PAIR & rules) == []  # it has one now: take it off the list
    assert sorted(AWAITING_A_PAIR - fixable) == []  # still fixable
    assert sorted(rules - set(REGISTRY)) == []  # no pair for a rule that is gone


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _args(name: str) -> list[str]:
    args_file = PAIRS / name / "ARGS"
    extra = args_file.read_text().split() if args_file.is_file() else []
    return ["--isolated", "--select", REGISTRY[rule_of(name)].code, *extra]


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


def _differences(a: object, b: object, path: str = "") -> Iterator[str]:
    """Every JSON path where two models differ (a list of another length as a whole)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys()):
            sub = f"{path}.{key}" if path else str(key)
            if key not in a or key not in b:
                yield sub
            else:
                yield from _differences(a[key], b[key], sub)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _differences(x, y, f"{path}[{i}]")
    elif a != b:
        yield path or "<root>"


@pytest.mark.skipif(find_compose() is None, reason="the reference docker-compose is not installed")
@pytest.mark.parametrize("name", NAMES)
def test_the_model_changes_exactly_where_the_pair_says(name: str, tmp_path: Path) -> None:
    """``CHANGES`` lists the paths of the model (``docker compose config``) the fix
    changes, one per line: none for a fix that keeps the model, the finding's own
    value for one that changes it as the finding says it must."""
    binary = find_compose()
    assert binary is not None
    models = []
    for side in ("before", "after"):
        case = Case(f"fix:{name}:{side}", _copy(name, side, tmp_path), ())
        ref = run_compose(binary, case, tmp_path)
        assert ref.returncode == 0, ref.stderr
        models.append(ref.model())
    changes = PAIRS / name / "CHANGES"
    expected = changes.read_text().split() if changes.is_file() else []
    assert list(_differences(*models)) == expected


@pytest.mark.parametrize("tool", ["git", "patch"])
@pytest.mark.parametrize("name", NAMES)
def test_diff_applies_with_git_apply_and_patch(
    name: str,
    tool: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    project = _copy(name, "before", tmp_path)
    code, diff = _run(monkeypatch, capsys, project, *_args(name), "--diff")
    assert code == 1 and diff
    if tool == "git":
        _git_apply(project, diff)
    else:
        subprocess.run(
            ["patch", "-p1", "--quiet", "--batch"], input=diff.encode(), cwd=project, check=True
        )
    assert _tree(project) == _tree(PAIRS / name / "after")


def _git_apply(project: Path, diff: str) -> None:
    subprocess.run(["git", "init", "-q", "."], cwd=project, check=True)
    subprocess.run(["git", "apply", "-"], input=diff.encode(), cwd=project, check=True)
    shutil.rmtree(project / ".git")


# -- preservation: everything outside the fixed spans stays, byte for byte ------------------

KEEP_COMPOSE = """\
version: "3.9"   # obsolete: the fix deletes this line
# a comment above the anchors
x-logging: &logging           # anchors and aliases stay
  driver: json-file
  options: {max-size: "10m"}  # flow style inside block
x-env: &env
  TZ: UTC
services:
  web:   # the web front
    image: "nginx:${TAG}"
    logging: *logging
    ports:
      - 22:22            # unquoted: base 60 in YAML 1.1
      - "8080:80"
    environment:
      <<: *env
      DATABASE_URL: postgresql://app:secret@ventanas-db:5433/app   # two fixes, one line
    depends_on: [db]
  db:
    image: postgres:16
    container_name: ventanas-db
    ports: ['5433:5432']
    env_file: db.env
    healthcheck: {test: ["CMD", "pg_isready"], interval: 5s}
  worker: {image: "acme/worker:1", environment: {QUEUE: "redis://cache:6379"}}   # flow
  cache:
    image: redis:7
    ports: ["6379:6379"]
---
# a second document of the same file, merged into the first
services:
  cache:
    ports: !reset []
    command: ["redis-server", "--save", ""]
"""
KEEP_DB_ENV = (
    b"POSTGRES_USER = app\r\nPOSTGRES_PASSWORD=change-me  \r\n# keep me\r\nPOSTGRES_DB=app\r\n"
)
KEEP_ENV = b"# interpolation\r\nTAG=1.27\r\n"
SAFE_EDITS = [  # (before, after) of every fixed span, each unique in its file
    ('version: "3.9"   # obsolete: the fix deletes this line\n', ""),
    ("      - 22:22 ", '      - "22:22" '),
    ("@ventanas-db:5433/", "@db:5432/"),
]
UNSAFE_EDITS = [("['5433:5432']", "['127.0.0.1:5433:5432']")]


def _replace(text: str, edits: list[tuple[str, str]]) -> str:
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize("unsafe", [False, True])
def test_fix_changes_only_the_fixed_spans(
    unsafe: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Comments, anchors and aliases, flow and block styles, a multi-document file with
    !reset, CRLF env files (env-crlf ignored): only the fixed spans change."""
    project = tmp_path / "keep"
    project.mkdir()
    (project / "compose.yaml").write_bytes(KEEP_COMPOSE.encode())
    (project / "db.env").write_bytes(KEEP_DB_ENV)
    (project / ".env").write_bytes(KEEP_ENV)
    flags = ["--isolated", "--ignore", "env-crlf", *(["--unsafe-fixes"] if unsafe else [])]
    code, diff = _run(monkeypatch, capsys, project, *flags, "--diff")
    assert code == 1
    _run(monkeypatch, capsys, project, *flags, "--fix")
    edits = SAFE_EDITS + (UNSAFE_EDITS if unsafe else [])
    expected = {
        ".env": KEEP_ENV,
        "compose.yaml": _replace(KEEP_COMPOSE, edits).encode(),
        "db.env": KEEP_DB_ENV.replace(b"USER = app", b"USER=app").replace(b"me  \r", b"me\r"),
    }
    assert _tree(project) == expected
    assert _run(monkeypatch, capsys, project, *flags, "--diff") == (0, "")
    fixed = _tree(project)
    # the diff printed before fixing gives the same bytes
    for name, data in {"compose.yaml": KEEP_COMPOSE.encode(), "db.env": KEEP_DB_ENV}.items():
        (project / name).write_bytes(data)
    if shutil.which("git"):
        _git_apply(project, diff)
        assert _tree(project) == fixed
    binary = find_compose()
    if binary is not None:
        case = Case("fix:keep", project, ())
        with tempfile.TemporaryDirectory() as home:
            ref = run_compose(binary, case, Path(home))
            assert ref.returncode == 0, ref.stderr
            assert judge(case, ref, Path(home)).agree
