"""Every rule's documentation tells the truth: its *Bad* example fires the rule and
its *Good* example does not (like ruff's checked docs). The examples are run
through the real CLI as a project: the first ``yaml`` block is ``compose.yaml``,
``dotenv`` blocks are ``.env`` (or the file named in their first comment line),
``yaml`` blocks whose first line names ``dir/compose.yaml`` are the projects of a
tree (linted as a directory, so the cross-project rules run),
a project with only env files gets a one-service compose file reading them, and
``json`` blocks are a state snapshot passed with ``--state`` (the CMP95x rules)."""

from __future__ import annotations

import io
import json
import os
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from composelint.cli import main
from composelint.lint.registry import Rule, load_registry

# Rules whose examples cannot stand alone in a fenced block, and why.
NOT_SELF_CONTAINED = {
    "file-unreadable": "the examples are binary or unreadable files",
    "include-failed": "the good example needs the included file on disk",
    "extends-failed": "the good example needs the base file on disk",
    "env-crlf": "line endings cannot be shown in a fenced block",
    "env-no-final-newline": "a missing final newline cannot be shown in a fenced block",
    "var-only-in-env-file": "the example needs a service env_file beside the project .env",
    "env-not-passed": "the example needs a compose file, a project .env and a service env_file",
    "env-shadowed": "the example needs a service env_file beside the compose file",
    "env-example-drift": "the example needs both .env and .env.example",
    "env-file-missing": "the good example needs the env files on disk",
    "bind-mount-missing": "the good example needs the bind source on disk",
    "build-context-missing": "the good example needs the build context on disk",
    "env-file-not-ignored": "the example needs a git repository and its .gitignore",
    "unused-suppression": "the example needs the suppressed rule to run as well",
    "container-name-pattern": "the example needs the container-name-pattern option",
    "image-registry-not-allowed": "the example needs the allowed-registries option",
}

FENCE = re.compile(r"```(\w+)\n(.*?)```", re.S)
COMPOSE_NAME = re.compile(r"#\s*(\w[\w./-]*/compose\.ya?ml)\n")
ENV_NAME = re.compile(r"#\s*(\S*\.env\S*|\.env\S*)")
BUILTIN = [r for r in load_registry().rules if r.origin.startswith("composelint.rules.")]


def section(doc: str, name: str) -> list[tuple[str, str]]:
    m = re.search(rf"^## {name}\s*\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
    return FENCE.findall(m.group(1)) if m else []


def findings_of(rule: Rule, blocks: list[tuple[str, str]], root: Path) -> list[dict]:  # type: ignore[type-arg]
    root.mkdir()
    for lang, body in blocks:
        placed = COMPOSE_NAME.match(body) if lang == "yaml" else None
        if placed:  # a project of a tree (the cross-project rules): "# app/compose.yaml"
            (root / placed.group(1)).parent.mkdir(parents=True, exist_ok=True)
            (root / placed.group(1)).write_text(body)
        elif lang == "yaml" and not (root / "compose.yaml").exists():
            (root / "compose.yaml").write_text(body)
        elif lang in ("dotenv", "env"):
            named = ENV_NAME.match(body.splitlines()[0]) if body else None
            target = root / (named.group(1) if named else ".env")
            if not target.exists():
                target.write_text(body)
        elif lang == "json":
            with (root.parent / f"{root.name}-state.json").open("a") as fh:
                fh.write(body)
    state = root.parent / f"{root.name}-state.json"
    if not (root / "compose.yaml").exists() and not any(p.is_dir() for p in root.iterdir()):
        envs = sorted(p.name for p in root.iterdir())
        (root / "compose.yaml").write_text(
            f"services:\n  app:\n    image: acme/app\n    env_file: [{', '.join(envs)}]\n"
        )
    out = io.StringIO()
    old = Path.cwd()
    os.chdir(root)
    try:
        with redirect_stdout(out), redirect_stderr(io.StringIO()):
            main(
                ["--format", "json", "--select", rule.code, "."]
                + (["--state", str(state)] if state.exists() else [])
            )
    finally:
        os.chdir(old)
    return [f for f in json.loads(out.getvalue())["findings"] if f["code"] == rule.code]


def test_every_exemption_names_a_rule() -> None:
    assert set(NOT_SELF_CONTAINED) <= {r.name for r in BUILTIN}


@pytest.mark.parametrize(
    "rule", [r for r in BUILTIN if r.name not in NOT_SELF_CONTAINED], ids=lambda r: r.name
)
def test_bad_example_fires_and_good_example_is_silent(rule: Rule, tmp_path: Path) -> None:
    bad, good = section(rule.doc, "Bad"), section(rule.doc, "Good")
    assert bad and good, "the docs need fenced Bad and Good examples"
    assert findings_of(rule, bad, tmp_path / "bad"), "the Bad example does not fire the rule"
    assert findings_of(rule, good, tmp_path / "good") == [], "the Good example fires the rule"


def test_docs_rules_md_is_current() -> None:
    """docs/rules.md is generated: regenerate with `composelint rule --all > docs/rules.md`."""
    from composelint.cli import rules_markdown

    page = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
    assert page.read_text() == rules_markdown(BUILTIN)
