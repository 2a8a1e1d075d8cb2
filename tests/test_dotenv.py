"""The .env parser: Compose's values (checked against the real binary), exact spans,
located errors and where interpolated values came from."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import compose_ref
import pytest

from composelint.load.dotenv import EnvFileResult, parse_env
from composelint.model.project import EnvVar
from composelint.model.span import Span

COMPOSE = compose_ref.find_compose()
needs_compose = pytest.mark.skipif(COMPOSE is None, reason="reference docker-compose not found")

OS_ENV = {"SET": "val", "EMPTY": "", "SHELLDOLLAR": "$SET", "A": "shell"}


def lookup_of(env: dict[str, str]) -> Callable[[str], EnvVar | None]:
    def lookup(name: str) -> EnvVar | None:
        return EnvVar(name, env[name], "shell") if name in env else None

    return lookup


def parse(text: str, env: dict[str, str] | None = None, **kw: bool) -> EnvFileResult:
    return parse_env(text, "e.env", lookup_of(env or {}), **kw)


def values(text: str, env: dict[str, str] | None = None, **kw: bool) -> dict[str, str | None]:
    return {k: e.value for k, e in parse(text, env, **kw).values().items()}


# -- differential cases: (id, file content); compose must accept them --------------
ACCEPTED = [
    ("plain", "A=1\n"),
    ("spaces-around", "A = spaced  \n"),
    ("empty", "A=\nB=\n"),
    ("empty-quotes", "A=\"\"\nB=''\n"),
    ("export", "export B=2\nexport  C=3\nexport\tD=4\n"),
    ("export-glued", "exportC=3\n"),
    ("key-charset", "A.B=1\nA-B=2\nA[0]=3\n1ST=4\n_x=5\n"),
    ("unicode-key", "Ä=1\nπ2=2\n"),
    ("tab-in-key", "A\tB=1\n"),
    ("colon-separator", "A: colon\nB:x\nC : y\n"),
    ("inherited", "HOME\nexport PATH\nNOPE\n  SET  \n"),
    ("redefined", "A=1\nA=2\n"),
    ("bom", "\ufeffA=1\n"),
    ("crlf", "A=1\r\nB=\"two\"\r\nC='3'\r\nHOME\r\n"),
    ("hash-no-space", "A=val#nospace\n"),
    ("tab-hash", "A=val\t# c\n"),
    ("inline-comment", "A=val # c\nB=x  #  y # z\n"),
    ("only-comment-value", "A= # c\n"),
    ("comments", "# comment\n  # indented\n\nA=1 # c\n#B=2\n"),
    ("dq-dollar-escape", 'D="dollar \\$HOME"\n'),
    ("unbraced-ref", "X=base\nC=$X/y\n"),
    ("sq-literal", "X=base\nE='${X}'\nF='$X'\n"),
    ("double-dollar", "H=$$X\nI=$${X}\n"),
    ("nested-default", "A1=${U:-${V:-deep}}\n"),
    ("junk-after-quote", 'A="x" junk\n'),
    ("two-assignments", 'C="x" D=2\nE=\'y\' F="z"\n'),
    ("glued-assignment", 'A="x"B=2\n'),
    ("octal-bell", 'O="\\0101\\a"\n'),
    ("octal-edge", 'O="\\0777|\\01|\\0|\\0089|\\0123"\n'),
    ("control-escapes", 'C="\\r\\f\\v\\b\\t\\n"\n'),
    ("unknown-escapes", 'U="\\q\\x41\\c\\u0041"\n'),
    ("sq-backslashes", "S='a\\\\b'\nT='a\\'b'\nU='c\\nd'\n"),
    ("dq-escaped-quote", 'E="a\\"b"\nF="a\\\\"\nG="a\\\\\\"b"\n'),
    ("multiline-dq", 'M="multi\nline\n  end"\nN=1\n'),
    ("multiline-sq", "Q='multi\nline'\n"),
    ("ref-below", "R=${Bel}\nBel=2\n"),
    ("equals-in-value", "x=y=z\n"),
    ("eof-no-newline", "A=1\nB=2"),
    ("eof-bare-key", "A=1\nHOME"),
    ("eof-export", "export"),
    ("export-newline", "export\nA=1\n"),
    ("dq-interpolation", 'A="${HOME}/x"\nB="${SET:-d}"\n'),
    ("sq-no-interpolation", "A='$HOME'\n"),
    ("backslash-unquoted", "A=\\$HOME\nB=x\\ny\n"),
    ("leading-ws-value", "A=\t  lead\n"),
    ("sq-comment-after", "A='x' # c\nB=\"y\"#c\n"),
    ("sq-spaces", "A=' spaced '\nB=\" spaced \"\n"),
    ("bare-with-spaces", "A=1\n  B  \n"),
    ("os-beats-earlier-line", "A=file\nB=${A}\n"),
    ("shell-not-reinterpolated", "X=${SHELLDOLLAR}\n"),
    (
        "set-empty-operators",
        "A1=${EMPTY:-d}\nA2=${EMPTY-d}\nA3=${EMPTY:+r}\nA4=${EMPTY+r}\nA5=${EMPTY?m}\n",
    ),
    ("operators", "A1=${SET:+r}\nA2=${UNSET:+r}\nA3=${UNSET+r}\nA4=${SET?m}\nA5=${SET:?m}\n"),
    ("first-operator-wins", "A1=${UNSET:-a:-b}\nA2=${UNSET-a:-b}\n"),
    ("brace-ends", "A1=${SET:-a}}\nA2=${UNSET:-{x}}\n"),
    ("longest-name", "A1=$SETsuffix\nA2=$SET-suffix\nA3=$SET.name\n"),
    ("literal-dollars", "A1=$5\nA2=cost$\nA3=$ alone\n"),
    ("file-refs", "F1=one\nF2=${F1}-two\nF3=$F1$F2\n"),
    ("value-with-hash-in-dq", 'A="a # b"\n'),
    ("quote-inside-unquoted", 'A=it\'s\nB=say "hi"\n'),
    ("bare-then-ref", "HOME\nA=${HOME}\n"),
    ("empty-key-export", "export =1\n"),
    ("empty-key", "A=1\n  =2\n"),
    ("dq-backslash-newline", 'A="a\\\nb"\n'),
    ("sq-glued-assignment", "A='x'junk=3\n"),
    ("vtab-after-quote", 'A="x"\vB=1\nC=y\v\n'),
]

REJECTED = [
    ("space-in-key", "X=1\nA B=1\n", "key cannot contain a space", (2, 1)),
    ("unterminated-dq", 'X=1\nA="oops\nB=2\n', 'unterminated quoted value "oops', (2, 3)),
    ("unterminated-sq", "A='oops\n", "unterminated quoted value 'oops", (1, 3)),
    ("bad-key-char", "A$=1\n", 'unexpected character "$" in variable name "A$=1"', (1, 2)),
    ("required", "R=${M:?msg}\n", "required variable M is missing a value: msg", (1, 3)),
    ("required-empty", "R=${EMPTY:?}\n", "required variable EMPTY is missing a value", (1, 3)),
    ("invalid-template", "A=${B/x}\n", 'Invalid template: "${B/x}"', (1, 3)),
    ("invalid-nested", 'A="${U:-${B}"\n', 'Invalid template: "${B"', (1, 9)),
    ("zero-length", "export   ", "zero length string", (1, 1)),
]


def run_compose(
    tmp: Path, files: list[tuple[str, bool]], env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """One service per file (``(content, raw_format)``), all in one project."""
    lines = ["services:"]
    for i, (content, raw) in enumerate(files):
        (tmp / f"e{i}.env").write_bytes(content.encode())
        ref = f"{{path: e{i}.env, format: raw}}" if raw else f"e{i}.env"
        lines += [f"  s{i}:", "    image: x", f"    env_file: [{ref}]"]
    (tmp / "compose.yaml").write_text("\n".join(lines) + "\n")
    assert COMPOSE is not None
    full_env = {
        "PATH": compose_ref.CLEAN_PATH,
        "HOME": str(tmp),
        "COMPOSE_DISABLE_ENV_FILE": "1",
        **env,
    }
    return subprocess.run(
        [COMPOSE, "config", "--format", "json"],
        cwd=tmp,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def project_env(tmp: Path, env: dict[str, str]) -> dict[str, str]:
    """What compose's env_file lookup sees: the OS env plus the injected variables."""
    return {
        "PATH": compose_ref.CLEAN_PATH,
        "HOME": str(tmp),
        "COMPOSE_DISABLE_ENV_FILE": "1",
        "COMPOSE_PROJECT_NAME": tmp.name.lower(),
        "PWD": str(tmp),
        **env,
    }


def compose_environments(tmp: Path, files: list[tuple[str, bool]]) -> list[dict[str, str]]:
    proc = run_compose(tmp, files, OS_ENV)
    assert proc.returncode == 0, proc.stderr
    services = json.loads(proc.stdout)["services"]
    return [
        compose_ref.unescape_dollars(services[f"s{i}"].get("environment", {}))
        for i in range(len(files))
    ]


@pytest.fixture(scope="module")
def accepted_reference(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, dict[str, str]]]:
    if COMPOSE is None:
        pytest.skip("reference docker-compose not found")
    tmp = tmp_path_factory.mktemp("dotenvref")
    envs = compose_environments(tmp, [(text, False) for _, text in ACCEPTED])
    return tmp, {case: env for (case, _), env in zip(ACCEPTED, envs, strict=True)}


@needs_compose
@pytest.mark.parametrize(("case", "text"), ACCEPTED, ids=[c for c, _ in ACCEPTED])
def test_values_match_compose(
    case: str, text: str, accepted_reference: tuple[Path, dict[str, dict[str, str]]]
) -> None:
    tmp, reference = accepted_reference
    result = parse(text, project_env(tmp, OS_ENV))
    assert result.errors == []
    assert values(text, project_env(tmp, OS_ENV)) == reference[case]


@needs_compose
@pytest.mark.parametrize(
    ("case", "text", "message", "where"), REJECTED, ids=[c[0] for c in REJECTED]
)
def test_rejections_match_compose(
    case: str, text: str, message: str, where: tuple[int, int], tmp_path: Path
) -> None:
    proc = run_compose(tmp_path, [(text, False)], OS_ENV)
    assert proc.returncode != 0
    result = parse(text, project_env(tmp_path, OS_ENV))
    first = result.errors[0]
    assert first.message == message
    assert message in proc.stderr
    assert (first.span.line, first.span.col) == where


RAW_ACCEPTED = [
    ("raw-literal", "A=\"quoted $X\"\nB=plain # c\nC='s' \n"),
    ("raw-whitespace", "  A=1 \n\tB= 2\n"),
    ("raw-bare", "HOME\nNOPE\n"),
    ("raw-crlf", "A=1\r\nB=2\r\n"),
    ("raw-comments", "# c\n  # d\n\nA=${X}\n"),
    ("raw-equals", "A=1=2\nB=\n"),
    ("raw-bom", "\ufeffA=1\n"),
]
RAW_REJECTED = [
    ("raw-export", "export A=1\n", "variable 'export A' contains whitespaces"),
    ("raw-space", "A B=1\n", "variable 'A B' contains whitespaces"),
    ("raw-no-key", "=x\n", "no variable name on line '=x'"),
    ("raw-colon", "A: b\n", "variable 'A: b' contains whitespaces"),
]


@needs_compose
def test_raw_format_matches_compose(tmp_path: Path) -> None:
    envs = compose_environments(tmp_path, [(text, True) for _, text in RAW_ACCEPTED])
    for (case, text), expected in zip(RAW_ACCEPTED, envs, strict=True):
        result = parse(text, project_env(tmp_path, OS_ENV), raw_format=True)
        assert result.errors == [], case
        mine = {k: e.value for k, e in result.values().items()}
        assert mine == expected, case


@needs_compose
@pytest.mark.parametrize(
    ("case", "text", "message"), RAW_REJECTED, ids=[c[0] for c in RAW_REJECTED]
)
def test_raw_format_rejections(case: str, text: str, message: str, tmp_path: Path) -> None:
    proc = run_compose(tmp_path, [(text, True)], OS_ENV)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert [e.message for e in parse(text, raw_format=True).errors] == [message]


# -- behaviour without the binary ---------------------------------------------------
def test_documented_differences_from_python_dotenv() -> None:
    env = {"HOME": "/h"}
    assert values('D="dollar \\$HOME"\n', env) == {"D": "dollar $HOME"}
    assert values("A=base\nC=$A/y\nE='${A}'\nH=$$A\n") == {
        "A": "base",
        "C": "base/y",
        "E": "${A}",
        "H": "$A",
    }
    assert values("A: colon\nB:x\n") == {"A": "colon", "B": "x"}
    assert values("HOME\nexport HOME\nNOPE\n", env) == {"HOME": "/h"}
    assert values('A="x" junk\nC="x" D=2\n') == {"A": "x", "C": "x", "D": "2"}
    assert values("A=val\t# c\nB=val#x\nC=v # c\n") == {"A": "val\t# c", "B": "val#x", "C": "v"}
    assert values('O="\\0101\\a"\n') == {"O": "A\a"}
    assert values("S='a\\\\b'\n") == {"S": "a\\\\b"}
    assert values("\ufeffA=1\r\n") == {"A": "1"}


def test_lookup_beats_earlier_lines_and_references_only_see_lines_above() -> None:
    assert values("A=file\nB=${A}\n", {"A": "shell"}) == {"A": "file", "B": "shell"}
    assert values("R=${B}\nB=2\n") == {"R": "", "B": "2"}


def test_compose_quirks() -> None:
    # the last line without a newline and without "=" is the value of an empty key
    assert values("A=1\nHOME", {"HOME": "/h"}) == {"A": "1", "": "HOME"}
    # only " #" starts a comment, and it is looked for after the leading spaces are gone
    assert values("A= # c\n") == {"A": "# c"}
    assert values("A\tB=1\n") == {"A\tB": "1"}


def test_entry_spans_are_exact() -> None:
    text = "# c\nexport KEY = value # comment\nQ='it''s'\nM=\"one\ntwo\"  N=3\nHOME\n"
    entries = parse(text, {"HOME": "/h"}).entries
    key, q, m, n, home = entries
    assert key.key == "KEY" and key.exported and key.line == 2
    assert key.key_span == Span("e.env", 2, 8, 2, 11)
    assert key.value_span == Span("e.env", 2, 14, 2, 19)
    assert key.span == Span("e.env", 2, 8, 2, 19)
    assert (q.value, q.raw_value, q.quote) == ("it", "'it'", "'")  # 's' starts a new key
    assert q.value_span == Span("e.env", 3, 3, 3, 7)
    assert (m.value, m.raw_value) == ("one\ntwo", '"one\ntwo"')
    assert m.value_span == Span("e.env", 4, 3, 5, 5)
    assert m.span == Span("e.env", 4, 1, 5, 5)
    assert (n.key, n.value, n.key_span) == ("N", "3", Span("e.env", 5, 7, 5, 8))
    assert home.inherited and home.value == "/h" and home.key_span == Span("e.env", 6, 1, 6, 5)
    assert [e.key for e in entries if e.key == "s"] == []  # `s'` is not a key
    assert parse(text, {"HOME": "/h"}).errors[0].message.startswith("unexpected character")


def test_bom_does_not_shift_columns() -> None:
    (entry,) = parse("\ufeffA=1\n").entries
    assert entry.key_span == Span("e.env", 1, 1, 1, 2)


def test_inherited_not_found_is_kept_as_entry_but_not_as_value() -> None:
    result = parse("A=1\nA\n")
    assert [(e.key, e.value, e.inherited) for e in result.entries] == [
        ("A", "1", False),
        ("A", None, True),
    ]
    assert result.values()["A"].value == "1"


def test_errors_are_located_and_parsing_goes_on() -> None:
    text = 'A B=1\nC=${D/x}\nE="open\nF=ok\nG$=1\nH=${M:?need it}\n'
    result = parse(text)
    assert [(e.message, e.span.line, e.span.col, e.span.end_col) for e in result.errors] == [
        ("key cannot contain a space", 1, 1, 4),
        ('Invalid template: "${D/x}"', 2, 3, 9),
        ('unterminated quoted value "open', 3, 3, 8),
        ('unexpected character "$" in variable name "G$=1"', 5, 2, 3),
        ("required variable M is missing a value: need it", 6, 3, 16),
    ]
    assert result.values()["F"].value == "ok"


def test_substitution_provenance() -> None:
    text = 'BASE=db\nURL="pg://${BASE}:${PORT:-5432}/\\t${SET}"\nX=${UNSET}\n'
    result = parse(text, {"SET": "val"})
    url = result.values()["URL"]
    assert url.value == "pg://db:5432/\tval"
    base, port, shell = url.subs
    assert (base.name, base.source, base.value) == ("BASE", "env", "db")
    assert base.span == Span("e.env", 1, 1, 1, 8)  # the line that set BASE
    assert base.expr_span == Span("e.env", 2, 11, 2, 18)
    assert (port.source, port.value) == ("default", "5432")
    assert port.span == Span("e.env", 2, 27, 2, 31)  # the default text
    assert port.expr_span == Span("e.env", 2, 19, 2, 32)
    # after the \t escape, positions still point at the source text
    assert (shell.source, shell.expr_span) == ("shell", Span("e.env", 2, 35, 2, 41))
    (unset,) = result.values()["X"].subs
    assert (unset.source, unset.value, unset.span) == ("unset", "", Span("e.env", 3, 3, 3, 11))


def test_multiline_substitution_span() -> None:
    (entry,) = parse('M="a\n  ${SET}"\n', {"SET": "v"}).entries
    assert entry.value == "a\n  v"
    assert entry.subs[0].expr_span == Span("e.env", 2, 3, 2, 9)


def test_no_interpolation_keeps_templates() -> None:
    assert values('A=${X:-d}\nB="\\$Y"\n', interpolate_values=False) == {
        "A": "${X:-d}",
        "B": "$$Y",
    }


def test_raw_format_spans_and_values() -> None:
    result = parse('  A="x $Y" # no comment\nB\n', {"B": "b"}, raw_format=True)
    a, b = result.entries
    assert a.value == '"x $Y" # no comment'
    assert a.key_span == Span("e.env", 1, 3, 1, 4)
    assert a.value_span == Span("e.env", 1, 5, 1, 24)
    assert (b.value, b.inherited) == ("b", True)
