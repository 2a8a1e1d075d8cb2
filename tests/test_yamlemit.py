"""The fast YAML writer of ``composelint config`` prints the same bytes as PyYAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from composelint.lint.settings import Settings
from composelint.output import configout, yamlemit
from composelint.run import Targets, lint

FIXTURES = Path(__file__).parent / "fixtures" / "projects"

TRICKY = [
    "", " ", "a", "-", "-m", "- x", "--", "---", "--- x", "...", "..x", "?", "?x", "? x",
    ":", ":x", "a:", "a: b", "a:b", "a #b", "a#b", "#a", "&a", "*a", "!a", "|", ">", "'",
    '"', "%a", "@a", "`a", "a'b", 'a"b', "a\\b", "{}", "[]", "a,b", "a[0]", "****", "~",
    "null", "Null", "NULL", "true", "True", "yes", "Yes", "y", "n", "on", "off", "0", "1",
    "-1", "+1", "0x1f", "0o17", "017", "1_000", "1.5", ".5", "1e3", "1.0e+3", ".inf",
    "-.inf", ".nan", "1:20", "190:20:30", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
    "<<", "=", " a", "a ", "a  b", "a\tb", "a\nb", "a\n", "\na", "a\n\n", "  a\nb",
    "a \nb", "é", "ü:x", "\u2028", "\x85", "\ufeff", "a\x00b", "$$HOME", "${X}",
    "postgresql://app:****@db:5432/app", "CMD-SHELL", "pg_isready -U app", "8080:80",
    "127.0.0.1:8080:80/udp", "x" * 200,
]  # fmt: skip


def _same(data: dict[str, Any]) -> None:
    fast = yamlemit.emit(data, configout.go_double_quotes)
    if fast is not None:
        assert fast == configout.pyyaml_dump(data)


def test_tricky_scalars_as_values_keys_and_list_items() -> None:
    for s in TRICKY:
        _same({"k": s})
        _same({"a": {"b": [s, {"c": s, "d": [s]}]}})
        _same({"a": [{"b": s}, {}, [], None, True, 3, 1.5]})
        if s:
            _same({s: 1, "n": {s: [s]}})


def test_other_scalars_and_empty_containers() -> None:
    _same({"a": [0, -1, 10**30, 0.1, 1e20, 1e-7, float("inf"), float("-inf"), float("nan")]})
    _same({"a": {}, "b": [], "c": None, "d": False, "e": [{}, [], {"x": {}}]})
    assert yamlemit.emit({}, configout.go_double_quotes) == configout.pyyaml_dump({})


def test_what_it_does_not_know_falls_back() -> None:
    assert yamlemit.emit({"": 1}, configout.go_double_quotes) is None
    assert yamlemit.emit({"a": [[1, 2]]}, configout.go_double_quotes) is None
    assert yamlemit.emit({1: "a"}, configout.go_double_quotes) is None  # type: ignore[dict-item]


_TEXT = st.text(alphabet=st.sampled_from("ab1 :-#'\"\\\n\t.?&*!|>{}[],%@`$é\u2028"), max_size=8)
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_TEXT, _VALUES, max_size=4))
def test_random_documents(data: dict[str, Any]) -> None:
    _same(data)


def test_every_fixture_project_prints_the_same() -> None:
    checked = 0
    for d in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        report = lint(Targets(paths=(str(d),), cwd=d), Settings(isolated=True))
        for linted in report.projects:
            model = linted.project.model.to_plain()
            assert configout.render_config(model, show_secrets=True) == configout.pyyaml_dump(
                configout._omit_empty(
                    configout.order_like_compose(configout._escape_dollars(model))
                )
            )
            checked += 1
    assert checked > 10
