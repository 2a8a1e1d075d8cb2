"""Compose's interpolation: values (checked against the real binary), provenance of
every substituted variable, and located syntax errors."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import compose_ref
import pytest

from composelint.load.dotenv import parse_env
from composelint.model.nodes import Scalar
from composelint.model.project import EnvVar
from composelint.model.span import Span
from composelint.resolve.interpolate import (
    Expression,
    InterpolationSyntaxError,
    Resolver,
    find_expressions,
    interpolate,
    interpolate_scalar,
    required_message,
    required_reason,
)

COMPOSE = compose_ref.find_compose()
needs_compose = pytest.mark.skipif(COMPOSE is None, reason="reference docker-compose not found")

SHELL = {"SHELLDOLLAR": "$SET", "OSVAR": "os", "BOTH": ""}
DOTENV = "SET=val\nEMPTY=\nBOTH=from-dotenv\nDOTDOLLAR='$SET'\nLOWER=low\n"
ENV_SPAN = Span(".env", 1, 1, 1, 8)


def resolver(shell: dict[str, str] | None = None, dotenv: str = DOTENV) -> Resolver:
    """The interpolation environment: the shell first, then the project .env."""
    shell = SHELL if shell is None else shell

    def shell_lookup(name: str) -> EnvVar | None:
        return EnvVar(name, shell[name], "shell") if name in shell else None

    entries = parse_env(dotenv, ".env", shell_lookup).values()

    def resolve(name: str) -> EnvVar | None:
        var = shell_lookup(name)
        if var is None and name in entries:
            entry = entries[name]
            assert entry.value is not None
            var = EnvVar(name, entry.value, "env", entry.span)
        return var

    return resolve


R = resolver()


def value(text: str) -> str:
    return interpolate(text, R)[0]


# -- the §1.1 table and the rules below it ------------------------------------------
TABLE = {
    "${SET}": "val",
    "$SET": "val",
    "${UNSET}": "",
    "$UNSET": "",
    "${EMPTY}": "",
    "${SET:-d}": "val",
    "${EMPTY:-d}": "d",
    "${UNSET:-d}": "d",
    "${SET-d}": "val",
    "${EMPTY-d}": "",
    "${UNSET-d}": "d",
    "${SET:?msg}": "val",
    "${SET?msg}": "val",
    "${EMPTY?msg}": "",
    "${SET:+r}": "r",
    "${EMPTY:+r}": "",
    "${UNSET:+r}": "",
    "${SET+r}": "r",
    "${EMPTY+r}": "r",
    "${UNSET+r}": "",
    "$$": "$",
    "$$SET": "$SET",
    "$${SET}": "${SET}",
    "$$$SET": "$val",
    "${UNSET:-${SET}}": "val",
    "${UNSET:-${UNSET2:-deep}}": "deep",
    "${UNSET:-$SET}": "val",
    "${UNSET:-a:-b}": "a:-b",
    "${UNSET-a:-b}": "a:-b",
    "${UNSET:+a:-b}": "",
    "${SET:+a:-b}": "a:-b",
    "${SET:-a}}": "val}",
    "${UNSET:-{x}}": "{x}",
    "${A:-{}} x}": "{}} x",
    "${UNSET:-a}b}c}": "ab}c}",
    "${UNSET:-{a}{b}}": "{a}{b}",
    "${UNSET:-${SET:-{z}}}": "val",
    "$SETsuffix": "",
    "$SET-suffix": "val-suffix",
    "$SET.name": "val.name",
    "${set}": "",
    "${LOWER}": "low",
    "$5": "$5",
    "$ alone": "$ alone",
    "cost$": "cost$",
    "$1": "$1",
    "pa$word": "pa",
    "${UNSET:-}": "",
    "${UNSET-}": "",
    "${SHELLDOLLAR}": "$SET",
    "${DOTDOLLAR}": "$SET",
    "${BOTH:-unset}": "unset",
    "${OSVAR}": "os",
    "a ${SET-x} b ${SET} c": "a val b val c",
    "${UNSET:-x} $SET ${EMPTY:-y}": "x val y",
    "${UNSET:+a}${SET:+b}": "b",
    "${SET:-${UNSET}}": "val",
    "x${UNSET:-{}}y": "x{}y",
    "$SET$SET${SET}": "valvalval",
    "$${SET:-x}": "${SET:-x}",
    "${UNSET:-$$}": "$",
    "${UNSET:-a b}": "a b",
    "${UNSET-${UNSET2-${SET}}}": "val",
    "${SET:+${UNSET:-alt}}": "alt",
    "}{${SET}": "}{val",
    "${UNSET:-\\}": "\\",
    "${UNSET:-é}": "é",
    "${SET:--}": "val",
    "${UNSET:--}": "-",
    "${UNSET:-?}": "?",
}

ERRORS = {
    # text: (offset, length, template) of the invalid expression
    "${}": (0, 3, "${}"),
    "${1BAD}": (0, 7, "${1BAD}"),
    "${ SET}": (0, 7, "${ SET}"),
    "${SET": (0, 5, "${SET"),
    "${SET/x/y}": (0, 10, "${SET/x/y}"),
    "${SET:0:2}": (0, 10, "${SET:0:2}"),
    "${#SET}": (0, 7, "${#SET}"),
    "${A:}": (0, 5, "${A:}"),
    "x ${UNSET:-${B/c}}": (11, 6, "${B/c}"),
    "a ${SET-x} ${B/y} z": (11, 6, " ${B/y}"),
    "${SET:-${B}": (7, 3, "${B"),
}

REQUIRED = {
    "${UNSET:?msg}": "required variable UNSET is missing a value: msg",
    "${EMPTY:?msg}": "required variable EMPTY is missing a value: msg",
    "${UNSET?msg}": "required variable UNSET is missing a value: msg",
    "${UNSET:?}": "required variable UNSET is missing a value",
    "${UNSET:?${SET} missing}": "required variable UNSET is missing a value: val missing",
    # the default is interpolated even though SET is set
    "${SET:-${UNSET:?boom}}": "required variable UNSET is missing a value: boom",
}


@pytest.mark.parametrize(("text", "expected"), TABLE.items(), ids=list(TABLE))
def test_values(text: str, expected: str) -> None:
    assert value(text) == expected


@pytest.mark.parametrize(("text", "where"), ERRORS.items(), ids=list(ERRORS))
def test_syntax_errors_are_located(text: str, where: tuple[int, int, str]) -> None:
    with pytest.raises(InterpolationSyntaxError) as info:
        interpolate(text, R)
    exc = info.value
    bad = text[exc.offset : exc.offset + exc.length]
    assert (exc.offset, exc.length, exc.template) == where
    assert exc.message == (
        f'invalid interpolation format "{bad}"; you may need to escape any $ with another $'
    )


@pytest.mark.parametrize(("text", "message"), REQUIRED.items(), ids=list(REQUIRED))
def test_required_failures_do_not_raise(text: str, message: str) -> None:
    result, subs = interpolate(text, R)
    assert result == ("val" if text.startswith("${SET") else "")
    errors = [s for s in subs if s.source == "error"]
    assert len(errors) == 1 and errors[0].value is None
    assert required_message(errors[0], R) == message


def test_required_reason() -> None:
    (sub, _nested) = interpolate("${UNSET:?${SET} missing}", R)[1]
    assert required_reason(sub) == "${SET} missing"
    assert required_reason(sub, R) == "val missing"


# -- against the binary -------------------------------------------------------------
def yaml_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def run_compose(tmp: Path, values: list[str]) -> subprocess.CompletedProcess[str]:
    (tmp / ".env").write_text(DOTENV)
    lines = ["services:", "  a:", "    image: x", "    environment:"]
    lines += [f"      V{i}: {yaml_quote(v)}" for i, v in enumerate(values)]
    (tmp / "compose.yaml").write_text("\n".join(lines) + "\n")
    assert COMPOSE is not None
    return subprocess.run(
        [COMPOSE, "config", "--format", "json"],
        cwd=tmp,
        env={"PATH": compose_ref.CLEAN_PATH, "HOME": str(tmp), **SHELL},
        capture_output=True,
        text=True,
        timeout=60,
    )


@needs_compose
def test_values_match_compose(tmp_path: Path) -> None:
    texts = list(TABLE)
    proc = run_compose(tmp_path, texts)
    assert proc.returncode == 0, proc.stderr
    env = compose_ref.unescape_dollars(json.loads(proc.stdout)["services"]["a"]["environment"])
    mine = {f"V{i}": value(t) for i, t in enumerate(texts)}
    assert mine == env
    # compose warns about the "unset" substitutions of plain references
    warned = set(re.findall(r'The \\"(\w+)\\" variable is not set', proc.stderr))
    plain_unset = {
        s.name
        for t in texts
        for s in interpolate(t, R)[1]
        if s.source == "unset" and s.expression in (f"${s.name}", f"${{{s.name}}}")
    }
    assert warned == plain_unset == {"UNSET", "SETsuffix", "set", "word"}


@needs_compose
@pytest.mark.parametrize("text", list(ERRORS), ids=list(ERRORS))
def test_syntax_errors_match_compose(text: str, tmp_path: Path) -> None:
    proc = run_compose(tmp_path, [text])
    assert proc.returncode != 0
    with pytest.raises(InterpolationSyntaxError) as info:
        interpolate(text, R)
    assert info.value.compose_message("services.a.environment.V0") in proc.stderr


@needs_compose
@pytest.mark.parametrize(("text", "message"), REQUIRED.items(), ids=list(REQUIRED))
def test_required_errors_match_compose(text: str, message: str, tmp_path: Path) -> None:
    proc = run_compose(tmp_path, [text])
    assert proc.returncode != 0
    assert f"error while interpolating services.a.environment.V0: {message}\n" in proc.stderr


# -- provenance ---------------------------------------------------------------------
WHERE = Span("compose.yaml", 7, 14, 7, 60)


def test_substitution_sources_and_spans() -> None:
    text = "${SET}:${OSVAR}/${UNSET}-${PORT:-5432}"
    result, subs = interpolate(text, R, where=WHERE, single_line_exact=True)
    assert result == "val:os/-5432"
    env, shell, unset, default = subs
    assert (env.name, env.source, env.value, env.span) == ("SET", "env", "val", ENV_SPAN)
    assert env.expr_span == Span("compose.yaml", 7, 14, 7, 20)
    assert (shell.source, shell.span) == ("shell", None)
    assert (unset.source, unset.value) == ("unset", "")
    assert unset.span == unset.expr_span == Span("compose.yaml", 7, 30, 7, 38)
    assert (default.source, default.value, default.expression) == (
        "default",
        "5432",
        "${PORT:-5432}",
    )
    assert default.span == Span("compose.yaml", 7, 47, 7, 51)


def test_inexact_positions_fall_back_to_where() -> None:
    (sub,) = interpolate("${PORT:-5432}", R, where=WHERE)[1]
    assert (sub.span, sub.expr_span) == (WHERE, None)


def test_nested_default_substitutions() -> None:
    _, subs = interpolate("${SET:-${UNSET}}", R, where=WHERE, single_line_exact=True)
    assert [(s.name, s.source, s.value) for s in subs] == [
        ("SET", "env", "val"),
        ("UNSET", "unset", ""),  # compose evaluates (and warns about) it anyway
    ]
    assert subs[1].expr_span == Span("compose.yaml", 7, 21, 7, 29)
    _, subs = interpolate("${UNSET:-${UNSET2:-deep}}", R)
    assert [(s.name, s.source, s.value, s.expression) for s in subs] == [
        ("UNSET", "default", "deep", "${UNSET:-${UNSET2:-deep}}"),
        ("UNSET2", "default", "deep", "${UNSET2:-deep}"),
    ]


def test_alternative_and_empty_values() -> None:
    kinds = {
        t: [(s.source, s.value) for s in interpolate(t, R)[1]]
        for t in ("${SET:+r}", "${EMPTY:+r}", "${UNSET+r}", "${EMPTY-d}")
    }
    assert kinds == {
        "${SET:+r}": [("default", "r")],
        "${EMPTY:+r}": [("env", "")],
        "${UNSET+r}": [("unset", "")],
        "${EMPTY-d}": [("env", "")],
    }


def test_values_from_the_environment_are_not_interpolated_again() -> None:
    result, subs = interpolate("${SHELLDOLLAR}", R)
    assert result == "$SET" and [s.name for s in subs] == ["SHELLDOLLAR"]


def test_escaped_dollars_yield_no_substitution() -> None:
    assert interpolate("$$SET and $$", R) == ("$SET and $", ())
    assert interpolate("no dollar", R) == ("no dollar", ())


# -- scalars ------------------------------------------------------------------------
def test_scalar_plain_maps_columns() -> None:
    node = Scalar("db:${PORT:-5432}", Span("c.yaml", 3, 11, 3, 27), tag="!override")
    out = interpolate_scalar(node, R)
    assert (out.value, out.raw, out.span, out.style, out.tag) == (
        "db:5432",
        "db:${PORT:-5432}",
        node.span,
        "",
        "!override",
    )
    (sub,) = out.subs
    assert sub.expr_span == Span("c.yaml", 3, 14, 3, 27)
    assert sub.span == Span("c.yaml", 3, 22, 3, 26)


def test_scalar_quoted_skips_the_quote() -> None:
    node = Scalar("${SET}", Span("c.yaml", 2, 5, 2, 13), style='"')
    (sub,) = interpolate_scalar(node, R).subs
    assert sub.expr_span == Span("c.yaml", 2, 6, 2, 12)


def test_scalar_with_escapes_or_several_lines_is_located_at_the_scalar() -> None:
    escaped = Scalar("it's $UNSET", Span("c.yaml", 2, 5, 2, 19), style="'")  # 'it''s $UNSET'
    (sub,) = interpolate_scalar(escaped, R).subs
    assert (sub.span, sub.expr_span) == (escaped.span, None)
    block = Scalar("a\n${UNSET:-b}\n", Span("c.yaml", 2, 5, 4, 1), style="|")
    out = interpolate_scalar(block, R)
    assert out.value == "a\nb\n" and out.subs[0].span == block.span


def test_scalar_without_dollar_is_returned_as_is() -> None:
    node = Scalar("plain", Span("c.yaml", 1, 1, 1, 6))
    number = Scalar(5, Span("c.yaml", 1, 1, 1, 2))
    assert interpolate_scalar(node, R) is node
    assert interpolate_scalar(number, R) is number


def test_scalar_syntax_error_propagates() -> None:
    with pytest.raises(InterpolationSyntaxError):
        interpolate_scalar(Scalar("${SET/x}", None), R)


# -- expressions for rules ----------------------------------------------------------
def test_find_expressions() -> None:
    found = find_expressions("$$A ${B:-${C}} $D ${E/x} ${F?need} $5")
    assert found == [
        Expression("${B:-${C}}", 4, 14, "B", ":-", "${C}", 9, "braced"),
        Expression("${C}", 9, 13, "C", "", None, None, "braced"),
        Expression("$D", 15, 17, "D", "", None, None, "named"),
        Expression("${E/x}", 18, 24, "", "", None, None, "invalid"),
        Expression("${F?need}", 25, 34, "F", "?", "need", 29, "braced"),
    ]
    assert find_expressions("nothing here") == []


def test_deep_nesting_does_not_crash() -> None:
    text = "${A:-" * 500 + "x" + "}" * 500
    with pytest.raises(InterpolationSyntaxError):
        interpolate(text, R)
    assert len(find_expressions(text)) >= 1


def test_brace_pairs_agree_with_composes_scan() -> None:
    """The one-pass balancing table gives, for every ``${`` and bound, what Compose's
    ``getFirstBraceClosingIndex`` scan gives (exhaustively over short strings)."""
    from itertools import product

    from composelint.resolve.interpolate import _brace_pairs, _first_brace_closing

    for n in range(2, 8):
        for chars in product("${}a", repeat=n):
            text = "".join(chars)
            pairs = _brace_pairs(text)
            for j in range(n - 1):
                if text[j : j + 2] != "${":
                    continue
                for end in range(j + 2, n + 1):
                    close = pairs.get(j + 1, -1)
                    assert (close if close < end else -1) == _first_brace_closing(text, j, end)
