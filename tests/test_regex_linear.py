"""No regular expression on the lint path backtracks catastrophically.

Every compiled pattern of composelint and the built-in rules — module-level
``re.compile`` results (also inside tuples and dicts) and every pattern compiled by
composelint code while linting the example projects (cached helpers, inline
``re.match``, patterns built from the schema) — gets adversarial inputs of 100 KB
(``tests/regex_adversary.py``) under a time budget. A regex with nested or
overlapping quantifiers takes seconds to hours on one of them.

A module-level pattern that its module only ever calls with ``match`` /
``fullmatch`` is tried that way; any other (``search``, ``sub``, ``finditer`` ...,
or a use the scan cannot see) is also tried at every position (``findall``),
which is what makes ``[a-z]+://`` quadratic on a long run of letters.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import composelint
from composelint.regex import LazyPattern
from tests.regex_adversary import inputs

BUDGET_SECONDS = (
    2.0  # of CPU time per pattern, for all its inputs; a linear regex needs milliseconds
)
ROOT = Path(__file__).resolve().parent.parent
_ANCHORED_CALLS = frozenset({"match", "fullmatch"})


def _modules() -> Iterator[ModuleType]:
    from composelint.lint.registry import load_registry

    load_registry()  # maps rules/ to composelint.rules as installing does
    import composelint.rules as rules_pkg

    for pkg in (composelint, rules_pkg):
        for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
            if not info.name.endswith(".__main__"):  # importing it runs the CLI
                yield importlib.import_module(info.name)


def _patterns_in(value: object, depth: int = 0) -> Iterator[re.Pattern[str]]:
    if isinstance(value, LazyPattern):  # compiled on first use: compile it now
        value = value.compiled()
    if isinstance(value, re.Pattern):
        if isinstance(value.pattern, str):
            yield value
    elif depth < 2 and isinstance(value, (tuple, list, frozenset, set)):
        for v in value:
            yield from _patterns_in(v, depth + 1)
    elif depth < 2 and isinstance(value, dict):
        for v in value.values():
            yield from _patterns_in(v, depth + 1)


def _anchored_only(source: str, attr: str) -> bool:
    """Does the module call ``attr`` only as ``attr.match(`` / ``attr[...].fullmatch(``?"""
    calls = re.findall(rf"\b{re.escape(attr)}(?:\[[^\]\n]*\])?\.(\w+)\(", source)
    uses = len(re.findall(rf"\b{re.escape(attr)}\b", source))
    return bool(calls) and set(calls) <= _ANCHORED_CALLS and uses == len(calls) + 1


Found = dict[tuple[str, int], tuple[str, re.Pattern[str], bool]]


def _module_patterns() -> Found:
    found: Found = {}
    for module in _modules():
        source = inspect.getsource(module)
        for attr, value in vars(module).items():
            for p in _patterns_in(value):
                name = f"{module.__name__}.{attr}"
                found.setdefault((p.pattern, p.flags), (name, p, _anchored_only(source, attr)))
    return found


def _compiled_while_linting(capsys: pytest.CaptureFixture[str]) -> list[re.Pattern[str]]:
    """The patterns composelint code compiles while linting the examples."""
    from composelint import cli

    seen: list[re.Pattern[str]] = []
    original: Any = re._compile  # type: ignore[attr-defined]

    def recording(pattern: Any, flags: Any) -> Any:
        compiled = original(pattern, flags)
        frame = sys._getframe(1)
        while frame is not None and frame.f_globals.get("__name__") == "re":
            frame = frame.f_back  # type: ignore[assignment]
        caller = frame.f_globals.get("__name__", "") if frame is not None else ""
        if caller.startswith("composelint") and isinstance(compiled.pattern, str):
            seen.append(compiled)
        return compiled

    re.purge()
    re._compile = recording  # type: ignore[attr-defined]
    try:
        for project in sorted((ROOT / "examples").iterdir()):
            if project.is_dir():
                for fmt in ("text", "sarif", "json"):
                    cli.main(["--format", fmt, "--select", "ALL", "--exit-zero", str(project)])
    finally:
        re._compile = original  # type: ignore[attr-defined]
    capsys.readouterr()
    return seen


class _Slow(Exception):
    pass


def _alarm(_signum: int, _frame: object) -> None:
    raise _Slow


def _over_budget(pattern: re.Pattern[str], anchored: bool) -> str:
    """The shape of the input that took the pattern over budget, else ''."""
    previous = signal.signal(signal.SIGVTALRM, _alarm)
    signal.setitimer(signal.ITIMER_VIRTUAL, BUDGET_SECONDS)
    text = ""
    try:
        for text in inputs(pattern):
            pattern.fullmatch(text)
            if anchored:
                pattern.match(text)
            else:
                pattern.findall(text)  # which tries a match at every position
    except _Slow:
        return f"{text[:40]!r}... ({len(text)} chars)"
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)
    return ""


def test_the_walk_finds_the_patterns() -> None:
    found = {name: anchored for name, _, anchored in _module_patterns().values()}
    assert len(found) > 50
    assert found["composelint.output.redact._COMPONENT"] is False  # findall
    assert found["composelint.load.yamlload._YAML_FLOAT"] is True  # match only
    assert found["composelint.resolve.interpolate._BRACED"] is True


def test_the_adversary_is_slow_for_a_backtracking_regex() -> None:
    """The test below can fail: the known bad shapes are over budget."""
    for bad in (r"(a+)+b", r"[A-Za-z][A-Za-z0-9+.\-]*://", r"\$\{[^}]*\}", r"x\s*.*?\s*$"):
        assert _over_budget(re.compile(bad), anchored=False), bad


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs CPU-time timers")
def test_every_regex_is_linear(capsys: pytest.CaptureFixture[str]) -> None:
    patterns = _module_patterns()
    for p in _compiled_while_linting(capsys):
        label = f"compiled while linting: {p.pattern[:60]!r}"
        patterns.setdefault((p.pattern, p.flags), (label, p, False))
    slow = []
    for name, pattern, anchored in patterns.values():
        shape = _over_budget(pattern, anchored)
        if shape:
            slow.append(f"{name}: over {BUDGET_SECONDS}s on {shape}")
    assert not slow, "\n".join(slow)
