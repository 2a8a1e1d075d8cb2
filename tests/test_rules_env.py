"""The .env rules (CMP401-CMP412): each fires at the exact line:col of the env file,
carries its fix where one is unambiguous, and stays silent on a clean file."""

from __future__ import annotations

from pathlib import Path

import pytest

from composelint.lint.engine import Engine
from composelint.lint.fixes import remove_bom
from composelint.lint.registry import Registry
from composelint.load.discover import discover
from composelint.model.findings import Applicability, Edit, Finding, Fix, Severity
from composelint.model.span import Span
from composelint.resolve.resolver import ResolveOptions, resolve

COMPOSE = "services:\n  app:\n    image: acme/app\n"


def lint(
    registry: Registry,
    tmp_path: Path,
    files: dict[str, str | bytes],
    *codes: str,
    args: tuple[str, ...] = (),
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> list[Finding]:
    """Write ``files`` into ``tmp_path``, lint it like the CLI (run from ``tmp_path``)
    with the rules ``codes`` selected explicitly."""
    for name, body in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8", newline="")
    if monkeypatch is not None:
        monkeypatch.chdir(tmp_path)
    specs, _ = discover(
        list(args) or [str(tmp_path)],
        files=[],
        project_directory=None,
        env_files=[],
        stdin_filename=None,
        cwd=tmp_path,
    )
    engine = Engine(registry, registry.select(list(codes)))
    out: list[Finding] = []
    for spec in specs:
        out += engine.check(resolve(spec, ResolveOptions(), cwd=tmp_path))
    return sorted(set(out), key=Finding.sort_key)


def applied(text: str, fix: Fix | None) -> str:
    """``text`` with the edits of ``fix`` applied (from the last one backwards)."""
    assert fix is not None
    lines = [*text.splitlines(keepends=True), ""]
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    for e in sorted(fix.edits, key=lambda e: (e.span.line, e.span.col), reverse=True):
        a = starts[e.span.line - 1] + e.span.col - 1
        b = starts[e.span.end_line - 1] + e.span.end_col - 1
        text = text[:a] + e.replacement + text[b:]
    return text


def at(findings: list[Finding]) -> list[tuple[str, str, int, int]]:
    return [(f.code, f.span.path, f.span.line, f.span.col) for f in findings if f.span]


@pytest.fixture
def env_lint(registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def run(env: str | bytes, *codes: str, extra: dict[str, str | bytes] | None = None):  # type: ignore[no-untyped-def]
        files: dict[str, str | bytes] = {"compose.yaml": COMPOSE, ".env": env, **(extra or {})}
        return lint(registry, tmp_path, files, *codes, monkeypatch=monkeypatch)

    return run


CLEAN = "# settings\nPOSTGRES_DB=app\nPOSTGRES_USER=app\nTITLE='a b'\nURL=\"x#y\"\n"


@pytest.mark.parametrize(
    "code",
    [
        "CMP401",
        "CMP402",
        "CMP403",
        "CMP404",
        "CMP405",
        "CMP406",
        "CMP407",
        "CMP408",
        "CMP409",
        "CMP410",
        "CMP411",
        "CMP412",
    ],
)
def test_env_rules_are_silent_on_a_clean_file(env_lint, code: str) -> None:  # type: ignore[no-untyped-def]
    assert env_lint(CLEAN, code) == []


def test_duplicate_key_points_at_the_second_assignment(env_lint) -> None:  # type: ignore[no-untyped-def]
    (f,) = env_lint("A=1\nB=2\nA=3\n", "env-duplicate-key")
    assert (f.code, f.span, f.severity) == ("CMP402", Span(".env", 3, 1, 3, 2), Severity.WARNING)
    assert f.related[0].span == Span(".env", 1, 1, 1, 2)
    assert f.message == '"A" is already set on line 1'
    assert f.note == "the last assignment wins, so line 1 is silently ignored"
    assert f.help == "keep only one of them"


def test_whitespace_around_equals_with_fix(env_lint) -> None:  # type: ignore[no-untyped-def]
    (f,) = env_lint("POSTGRES_DB = app\n", "CMP403")
    assert f.span == Span(".env", 1, 12, 1, 15)
    assert f.fix is not None and f.fix.edits == (Edit(f.span, "="),)


def test_raw_env_file_space_after_equals(registry: Registry, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    compose = "services:\n  app:\n    image: a\n    env_file: [{path: raw.env, format: raw}]\n"
    findings = lint(
        registry,
        tmp_path,
        {"compose.yaml": compose, "raw.env": "A= 1\n"},
        "CMP403",
        monkeypatch=monkeypatch,
    )
    assert at(findings) == [("CMP403", "raw.env", 1, 3)]


def test_leading_and_trailing_space(env_lint) -> None:  # type: ignore[no-untyped-def]
    findings = env_lint("  A=1\nB=2   \nC=3 # fine\n", "CMP404")
    assert at(findings) == [("CMP404", ".env", 1, 1), ("CMP404", ".env", 2, 4)]
    assert findings[1].span == Span(".env", 2, 4, 2, 7)
    assert findings[1].fix.edits == (Edit(findings[1].span, ""),)  # type: ignore[union-attr]


def test_unquoted_space_is_quoted_by_the_fix(env_lint) -> None:  # type: ignore[no-untyped-def]
    env = 'TITLE=Ventanas beta\nX=${A:-a b}\nQ=a "b" c\n'
    findings = env_lint(env, "CMP405")
    assert at(findings) == [("CMP405", ".env", 1, 7), ("CMP405", ".env", 3, 3)]
    assert applied(env, findings[0].fix).splitlines()[0] == 'TITLE="Ventanas beta"'
    assert applied(env, findings[1].fix).splitlines()[2] == "Q='a \"b\" c'"


def test_quote_in_value_list_form_environment(registry: Registry, tmp_path: Path) -> None:
    compose = (
        "services:\n  app:\n    image: a\n    environment:\n"
        '      - APP_MODE="production"\n      - OK=plain\n      - "Q=\'x\'"\n'
        "  b:\n    image: a\n    environment:\n      MAPPED: '\"kept on purpose\"'\n"
    )
    findings = lint(registry, tmp_path, {"compose.yaml": compose}, "env-quote-in-value")
    assert at(findings) == [
        ("CMP406", "compose.yaml", 5, 18),
        ("CMP406", "compose.yaml", 7, 12),
    ]
    assert "      - APP_MODE=production\n" in applied(compose, findings[0].fix)
    assert '      - "Q=x"\n' in applied(compose, findings[1].fix)


LIST_ENV = (
    "services:\n  app:\n    image: a\n    environment:\n"
    "      - LANG = C.UTF-8\n      - TZ= UTC\n      - LOG_LEVEL:debug\n"
    "      - OPTS:'-v'\n      - LOG_LEVEL debug\n"
)


def test_list_entry_with_a_space_before_equals_is_an_error(
    registry: Registry, tmp_path: Path
) -> None:
    # Compose refuses `- LANG = x` ("declared with a trailing space") and keeps the
    # space of `- TZ= UTC` in the value
    findings = lint(registry, tmp_path, {"compose.yaml": LIST_ENV}, "CMP403", "CMP011")
    assert [(*a, f.severity) for a, f in zip(at(findings), findings, strict=True)] == [
        ("CMP403", "compose.yaml", 5, 13, Severity.ERROR),
        ("CMP403", "compose.yaml", 6, 12, Severity.WARNING),
    ]
    assert findings[0].message == "environment variable LANG  is declared with a trailing space"
    assert findings[0].span == Span("compose.yaml", 5, 13, 5, 14)
    assert findings[1].fix is not None
    assert findings[1].fix.applicability == Applicability.UNSAFE
    assert "      - TZ=UTC\n" in applied(LIST_ENV, findings[1].fix)


def test_list_entry_not_an_assignment(registry: Registry, tmp_path: Path) -> None:
    findings = lint(registry, tmp_path, {"compose.yaml": LIST_ENV}, "env-list-item-not-assignment")
    assert at(findings) == [
        ("CMP413", "compose.yaml", 7, 9),
        ("CMP413", "compose.yaml", 8, 9),
        ("CMP413", "compose.yaml", 9, 9),
    ]
    assert findings[0].severity == Severity.WARNING
    assert (
        findings[0].message == '"LOG_LEVEL:…" in a list entry is a variable name, not an assignment'
    )
    assert "      - LOG_LEVEL=debug\n" in applied(LIST_ENV, findings[0].fix)
    assert "      - OPTS=-v\n" in applied(LIST_ENV, findings[1].fix)
    assert findings[2].fix is None
    build = "services:\n  app:\n    build:\n      context: .\n      args:\n        - VERSION:1.2\n"
    (f,) = lint(registry, tmp_path, {"compose.yaml": build}, "CMP413")
    assert (f.span.line, f.span.col) == (6, 11)  # type: ignore[union-attr]


def test_list_entries_that_are_assignments_or_names_are_silent(
    registry: Registry, tmp_path: Path
) -> None:
    compose = (
        "services:\n  app:\n    image: a\n    environment:\n"
        "      - LANG=C.UTF-8\n      - TZ=UTC\n      - PASSED_THROUGH\n      - ${NAME:-X}\n"
        "      - URL=http://x:1/\n    build:\n      context: .\n      args: [A=1, B]\n"
    )
    codes = ("CMP403", "CMP011", "CMP413")
    assert lint(registry, tmp_path, {"compose.yaml": compose}, *codes) == []


def test_quote_in_value_raw_env_file(registry: Registry, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    compose = "services:\n  app:\n    image: a\n    env_file: [{path: raw.env, format: raw}]\n"
    files = {"compose.yaml": compose, "raw.env": 'A="x"\nB=y\n'}
    findings = lint(registry, tmp_path, files, "CMP406", monkeypatch=monkeypatch)
    assert at(findings) == [("CMP406", "raw.env", 1, 3)]


def test_inline_comment_cases(env_lint) -> None:  # type: ignore[no-untyped-def]
    env = 'A=val\t# c\nB=val # c\nC=pa#ss\nD="x#y"\n'
    findings = env_lint(env, "CMP407")
    assert [(f.span.line, f.span.col, f.severity) for f in findings] == [  # type: ignore[union-attr]
        (1, 6, Severity.WARNING),
        (2, 6, Severity.INFO),
        (3, 5, Severity.INFO),
    ]
    assert applied(env, findings[0].fix).splitlines()[0] == "A=val # c"
    assert applied(env, findings[1].fix).splitlines()[1:3] == ["# c", "B=val"]
    assert findings[1].fix.edits == (  # type: ignore[union-attr]
        Edit(Span(".env", 2, 1, 2, 1), "# c\n"),
        Edit(Span(".env", 2, 6, 2, 10), ""),
    )
    assert applied(env, findings[2].fix).splitlines()[2] == 'C="pa#ss"'


def test_inline_comment_that_is_the_whole_value(env_lint) -> None:  # type: ignore[no-untyped-def]
    env = "SMTP_PASSWORD=    # set in prod\nNOTE=# later\nX=1\n"
    findings = env_lint(env, "CMP403", "CMP405", "CMP407")
    # reported as what it is, not as spaces around "=" or an unquoted space
    assert at(findings) == [("CMP407", ".env", 1, 19), ("CMP407", ".env", 2, 6)]
    f = findings[0]
    assert (f.span, f.severity) == (Span(".env", 1, 19, 1, 32), Severity.WARNING)
    assert f.message == 'the value of "SMTP_PASSWORD" is the comment written after "="'
    assert f.fix is not None and f.fix.applicability == Applicability.UNSAFE
    assert applied(env, f.fix).splitlines()[:2] == ["# set in prod", "SMTP_PASSWORD="]
    assert "set in prod" not in f"{f.message}{f.note}{f.help}"


@pytest.mark.parametrize(
    "env", ["# set in prod\nSMTP_PASSWORD=\n", "COLOR=#fff\n", 'A=" # kept"\n', "B=x # c\n"]
)
def test_inline_comment_value_silent(env_lint, env: str) -> None:  # type: ignore[no-untyped-def]
    findings = env_lint(env, "CMP407")
    assert [f for f in findings if f.severity != Severity.INFO] == []


def test_inline_comment_in_raw_env_file_is_a_warning(
    registry: Registry, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    compose = "services:\n  app:\n    image: a\n    env_file: [{path: raw.env, format: raw}]\n"
    files = {"compose.yaml": compose, "raw.env": "A=1 # note\n"}
    (f,) = lint(registry, tmp_path, files, "CMP407", monkeypatch=monkeypatch)
    assert (f.span.line, f.span.col, f.severity) == (1, 4, Severity.WARNING)  # type: ignore[union-attr]


def test_bom_crlf_and_final_newline(env_lint) -> None:  # type: ignore[no-untyped-def]
    findings = env_lint(b"\xef\xbb\xbfA=1\r\nB=2\r\nC=3", "CMP408", "CMP409", "CMP410")
    assert at(findings) == [
        ("CMP408", ".env", 1, 1),
        ("CMP409", ".env", 1, 4),
        ("CMP410", ".env", 3, 4),
    ]
    crlf = findings[1]
    assert crlf.fix is not None and [e.span.line for e in crlf.fix.edits] == [1, 2]
    assert findings[2].fix.edits == (Edit(Span(".env", 3, 4, 3, 4), "\n"),)  # type: ignore[union-attr]
    bom = findings[0].fix
    assert bom is not None and bom.applicability is Applicability.SAFE
    assert bom.edits == (remove_bom(".env"),)


def test_default_off_rules_need_explicit_selection(env_lint, registry: Registry) -> None:  # type: ignore[no-untyped-def]
    assert {"CMP411", "CMP412"}.isdisjoint(r.code for r in registry.select())
    findings = env_lint("b=1\nA=2\n\nZ=1\n", "CMP4")
    assert [(c, line, col) for c, _, line, col in at(findings) if c in ("CMP411", "CMP412")] == [
        ("CMP411", 1, 1),
        ("CMP412", 2, 1),
    ]
    assert env_lint("b=1\nA=2\n", "env-syntax", "env-duplicate-key") == []


def test_env_syntax_of_a_shared_env_file_is_reported_once(
    registry: Registry, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    compose = (
        "services:\n  a:\n    image: x\n    env_file: .env\n"
        "  b:\n    image: x\n    env_file: [.env, app.env]\n"
    )
    files = {"compose.yaml": compose, ".env": "OK=1\nMY KEY=1\n", "app.env": 'A="open\n'}
    findings = lint(registry, tmp_path, files, "CMP401", monkeypatch=monkeypatch)
    assert at(findings) == [("CMP401", ".env", 2, 1), ("CMP401", "app.env", 1, 3)]


def test_env_syntax_in_an_example_file_is_a_warning(env_lint) -> None:  # type: ignore[no-untyped-def]
    (f,) = env_lint("A=1\n", "CMP401", extra={".env.example": "A=1\nB C=2\n"})
    assert (f.span, f.severity) == (Span(".env.example", 2, 1, 2, 4), Severity.WARNING)


def test_env_file_argument_is_linted(registry: Registry, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    files = {"compose.yaml": COMPOSE, ".env.prod": "A=1\nA=2\n"}
    findings = lint(
        registry,
        tmp_path,
        files,
        "CMP402",
        args=(str(tmp_path / ".env.prod"),),
        monkeypatch=monkeypatch,
    )
    assert at(findings) == [("CMP402", ".env.prod", 2, 1)]
