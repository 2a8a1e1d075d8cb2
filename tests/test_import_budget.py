"""The modules a plain ``composelint <small project>`` imports: a budget, so that a
heavy import cannot slip back onto the start-up path unnoticed.

Start-up is most of a small lint (issue 13): every module on the path costs its
import on every pre-commit run. The run happens in a child interpreter started
with ``-S`` (no site hooks, which would import pathlib, re ... before the run and
hide them), and the test compares what the run added to ``sys.modules`` with the
lists below. It is not a timing test: it fails on a module name, never on load.

A module that shows up here should usually be imported where it is used (inside
the function that needs it, or ``composelint.regex.lazy_pattern`` for a regex);
add it to a list only when every lint needs it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from composelint.lint.rule_index import RULES

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "examples" / "ventanas-prod" / "docker-compose.beta.yml"

# the standard library a lint needs (C accelerators and what these import included)
STDLIB = frozenset(
    [
        "__future__",
        "_bisect",
        "_collections",
        "_collections_abc",
        "_datetime",
        "_functools",
        "_json",
        "_operator",
        "_sre",
        "_stat",
        "_struct",
        "_typing",
        "base64",
        "binascii",
        "bisect",
        "collections",
        "collections.abc",
        "contextlib",
        "copyreg",
        "datetime",
        "enum",
        "errno",
        "fnmatch",
        "functools",
        "gc",
        "genericpath",
        "importlib",
        "importlib._abc",
        "importlib._bootstrap",
        "importlib._bootstrap_external",
        "importlib.machinery",
        "importlib.util",
        "ipaddress",
        "itertools",
        "json",
        "json.decoder",
        "json.encoder",
        "json.scanner",
        "keyword",
        "math",
        "ntpath",
        "operator",
        "os",
        "os.path",
        "pathlib",
        "posixpath",
        "re",
        "re._casefix",
        "re._compiler",
        "re._constants",
        "re._parser",
        # Python 3.10's re, before it became the re._compiler/_parser/_constants package
        "_locale",
        "sre_compile",
        "sre_constants",
        "sre_parse",
        "reprlib",
        "shlex",
        "stat",
        "struct",
        "types",
        "typing",
        "typing.io",
        "typing.re",
        "urllib",
        "urllib.parse",
        "warnings",
    ]
)
# named so that the message says why: each was on the path once and cost milliseconds
HEAVY = {
    "argparse": "only for command lines with options (cli.plain_lint_args)",
    "dataclasses": "its class creation compiles methods at import; see model/record.py",
    "inspect": "pulled by dataclasses",
    "shutil": "pulled by argparse's help formatter",
    "gettext": "pulled by argparse",
    "locale": "pulled by argparse (gettext)",
    "importlib.resources": "read shipped files with resolve.schema.read_shipped",
    "importlib.metadata": "entry points are read by lint.plugins",
    "zipfile": "pulled by importlib.resources / importlib.metadata",
    "tempfile": "pulled by importlib.resources",
    "email": "pulled by importlib.metadata",
    "decimal": "only for float formatting (resolve.canonical)",
    "difflib": "only for 'did you mean' suggestions",
    "hashlib": "only for --state digests (model.state.digest)",
    "traceback": "only when something crashes (--debug)",
    "textwrap": "pulled by traceback",
    "subprocess": "only for --diff-base and snapshot",
    "tomllib": "only when a configuration file is read",
}
THIRD_PARTY_PREFIXES = ("yaml", "_yaml", "_cython_", "cython_runtime")
# composelint's own modules of a plain text lint (the rules are checked apart)
OURS = frozenset(
    [
        "composelint",
        "composelint.analysis",
        "composelint.analysis.connections",
        "composelint.analysis.connectivity",
        "composelint.analysis.connstrings",
        "composelint.analysis.crossproject",
        "composelint.analysis.env_inventory",
        "composelint.analysis.image_facts",
        "composelint.analysis.images",
        "composelint.analysis.listening",
        "composelint.analysis.scalars",
        "composelint.analysis.schemes",
        "composelint.analysis.varroles",
        "composelint.cli",
        "composelint.limits",
        "composelint.lint",
        "composelint.lint.config",
        "composelint.lint.engine",
        "composelint.lint.filters",
        "composelint.lint.fixes",
        "composelint.lint.plugins",
        "composelint.lint.registry",
        "composelint.lint.rule_index",
        "composelint.lint.settings",
        "composelint.lint.suppress",
        "composelint.load",
        "composelint.load.discover",
        "composelint.load.dotenv",
        "composelint.load.fragments",
        "composelint.load.gitignore",
        "composelint.load.pyyaml",
        "composelint.load.sources",
        "composelint.load.yamlload",
        "composelint.model",
        "composelint.model.context",
        "composelint.model.findings",
        "composelint.model.nodes",
        "composelint.model.options",
        "composelint.model.project",
        "composelint.model.record",
        "composelint.model.span",
        "composelint.model.state",
        "composelint.output",
        "composelint.output.codeframe",
        "composelint.output.redact",
        "composelint.output.reporters",
        "composelint.output.reporters.text",
        "composelint.regex",
        "composelint.resolve",
        "composelint.resolve.canonical",
        "composelint.resolve.interpolate",
        "composelint.resolve.merge",
        "composelint.resolve.resolver",
        "composelint.resolve.schema",
        "composelint.rules",
        "composelint.run",
        "composelint.schemas",
    ]
)

_CHILD = textwrap.dedent(
    """
    import sys
    sys.path[:0] = [{root!r}, {site!r}]
    before = set(sys.modules)
    from composelint.cli import main
    code = main({argv!r})
    sys.stdout.flush()
    sys.stderr.write("\\n".join(sorted(set(sys.modules) - before)) + "\\n")
    sys.exit(code)
    """
)


def _imported_by(argv: list[str], cwd: Path) -> tuple[str, list[str]]:
    """What ``composelint ARGV`` prints, and the modules it imports."""
    site = os.path.dirname(os.path.dirname(yaml.__file__))
    code = _CHILD.format(root=str(ROOT), site=site, argv=argv)
    proc = subprocess.run(
        [sys.executable, "-S", "-c", code], capture_output=True, text=True, cwd=cwd
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout, proc.stderr.split()


def _imported_by_a_plain_lint(path: Path, *before: str) -> list[str]:
    out, modules = _imported_by([*before, str(path)], path.parent)
    assert out.strip() == "All checks passed.", out
    return modules


@pytest.mark.parametrize("before", [(), ("--",)], ids=["paths", "pre-commit"])
def test_a_plain_lint_imports_only_its_budget(before: tuple[str, ...]) -> None:
    imported = _imported_by_a_plain_lint(SMALL, *before)
    rules = {m for m in imported if m.startswith("composelint.rules.")}
    rest = [m for m in imported if m not in rules]
    heavy = [f"{m} ({HEAVY[m]})" for m in rest if m in HEAVY]
    assert not heavy, "a plain lint imports " + "; ".join(heavy)
    unexpected = [
        m
        for m in rest
        if m not in STDLIB and m not in OURS and not m.startswith(THIRD_PARTY_PREFIXES)
    ]
    assert not unexpected, (
        f"a plain lint now imports {', '.join(unexpected)}: import it where it is used,"
        " or add it to the budget in tests/test_import_budget.py if every lint needs it"
    )


def test_a_plain_lint_imports_the_rules_it_runs_and_no_other() -> None:
    imported = set(_imported_by_a_plain_lint(SMALL))
    enabled = {origin for _, _, _, on, _, origin, _ in RULES if on}
    families = {origin.rsplit(".", 1)[0] for _, _, _, _, _, origin, _ in RULES}
    rules = {m for m in imported if m.startswith("composelint.rules.")}
    helpers = {m for m in rules if m.rsplit(".", 1)[1] in ("helpers", "settings")}
    assert enabled <= rules, f"rules that did not run: {sorted(enabled - rules)}"
    extra = rules - enabled - families - helpers
    assert not extra, f"rule modules imported but not run (off by default): {sorted(extra)}"


def test_listing_and_selecting_rules_import_no_rule(tmp_path: Path) -> None:
    """--list-rules, and a selection with a suppression comment, read the rule index."""
    out, modules = _imported_by(["--list-rules"], tmp_path)
    assert "CMP101  host-loopback" in out
    assert not [m for m in modules if m.startswith("composelint.rules.") and m.count(".") == 3]
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: nginx:1.27  # composelint: ignore[CMP101]\n")
    out, modules = _imported_by(["--select", "CMP7", str(compose)], tmp_path)
    selected = {origin for code, *_, origin, _ in RULES if code.startswith("CMP7")}
    ran = {m for m in modules if m in {row[5] for row in RULES}}
    assert ran == selected, sorted(ran ^ selected)
