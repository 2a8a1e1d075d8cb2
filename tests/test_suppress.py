"""Inline suppression comments and the unused-suppression rule (CMP901)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from composelint.cli import main
from composelint.lint.suppress import scan
from composelint.model.span import Span


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def lint(
    capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int, list[tuple[str, str, int, int]], list[dict[str, Any]]]:
    """Exit code, (code, file, line, column) of each finding, the raw findings."""
    rc = main(["--format", "json", *argv])
    found = json.loads(capsys.readouterr()[0])["findings"]
    return rc, [(f["code"], f["file"], f["line"], f["column"]) for f in found], found


# -- finding the comments ----------------------------------------------------------


def test_only_real_yaml_comments_are_directives() -> None:
    text = (
        "services:  # composelint: disable-file=CMP5\n"
        '  a:\n    image: "x # composelint: disable=in-double-quotes"\n'
        "    labels: ['y # composelint: disable=in-single-quotes']\n"
        "    command: |  # composelint: disable=block-header\n"
        "      echo # composelint: disable=in-block-scalar\n"
        "    user: me#composelint: disable=no-space-before\n"
        "    # composelint: disable=host-loopback, CMP101  -- the reason\n"
        "    # an ordinary comment\n"
        "    environment: {A: b}\n"
    )
    ds = scan(text, "c.yaml", "compose")
    assert [(d.span.line, d.file_wide, d.line, [s.text for s in d.selectors]) for d in ds] == [
        (1, True, 1, ["CMP5"]),
        (5, False, 5, ["block-header"]),
        (8, False, 10, ["host-loopback", "CMP101"]),  # stacked comment lines: the next code line
    ]
    assert ds[2].span == Span("c.yaml", 8, 5, 8, 64)
    assert ds[2].selectors[1].span == Span("c.yaml", 8, 43, 8, 49)


def test_only_real_env_comments_are_directives() -> None:
    text = (
        "# composelint: disable=env-syntax\n"
        "A=1 # composelint: disable=trailing\n"
        'B="multi # composelint: disable=in-quotes\n'
        'line" # composelint: disable=after-quotes\n'
        "C=abc#composelint: disable=part-of-value\n"
        "D='q # composelint: disable=in-single-quotes'\n"
        "  # composelint: disable=indented\n"
        "E=2\n"
    )
    ds = scan(text, ".env", "env")
    assert [(d.span.line, d.line, [s.text for s in d.selectors]) for d in ds] == [
        (1, 2, ["env-syntax"]),
        (2, 2, ["trailing"]),
        (4, 4, ["after-quotes"]),
        (7, 8, ["indented"]),
    ]


def test_malformed_directive_is_kept_with_an_error() -> None:
    (d,) = scan("a: b  # composelint: disabel=x\n", "c.yaml", "compose")
    assert d.error is not None and d.selectors == ()
    (d,) = scan("a: b  # composelint: disable=x,\n", "c.yaml", "compose")
    assert d.error is not None


def test_files_without_the_marker_are_not_scanned() -> None:
    assert scan('a: "unterminated\n', "c.yaml", "compose") == []


# -- end to end --------------------------------------------------------------------

BROKEN = """\
services:
  web:
    image: nginx
    depends_on: [dbb]{web}
  api:
    image: nginx
{api}    depends_on: [db2]
  db:
    image: postgres
"""


def compose(proj: Path, web: str = "", api: str = "") -> None:
    (proj / "compose.yaml").write_text(BROKEN.format(web=web, api=api))


def test_trailing_and_line_above_suppressions(
    proj: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    compose(proj)
    assert lint(capsys)[:2] == (
        1,
        [("CMP006", "compose.yaml", 4, 18), ("CMP006", "compose.yaml", 7, 18)],
    )
    compose(
        proj,
        web="  # composelint: disable=undefined-reference",
        api="    # composelint: disable=CMP006 -- db2 is created by the test harness\n",
    )
    assert lint(capsys)[:2] == (0, [])


def test_disable_file_and_prefixes(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    compose(proj, api="    # composelint: disable-file=CMP0\n")
    assert lint(capsys)[:2] == (0, [])


def test_a_suppression_for_another_rule_does_not_hide_a_finding(
    proj: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    compose(proj, web="  # composelint: disable=var-undefined")
    rc, found, raw = lint(capsys)
    assert rc == 1
    assert found == [
        ("CMP006", "compose.yaml", 4, 18),
        ("CMP901", "compose.yaml", 4, 24),
        ("CMP006", "compose.yaml", 7, 18),
    ]
    unused = raw[1]
    assert unused["severity"] == "info"
    assert unused["message"] == "unused suppression: no var-undefined finding on line 4 to suppress"
    assert unused["help"] == (
        "remove it from the comment so that it does not hide a future finding"
    )

    assert (unused["end_line"], unused["end_column"]) == (4, 60)
    # the fix deletes the comment and the blanks before it
    assert unused["fix"]["edits"] == [
        {
            "file": "compose.yaml",
            "line": 4,
            "column": 22,
            "end_line": 4,
            "end_column": 60,
            "replacement": "",
        }
    ]


def test_unused_only_when_the_rule_ran(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    compose(proj, web="  # composelint: disable=undefined-reference,var-undefined")
    # var-undefined ran and found nothing on line 4: reported, without a fix (half is used)
    _, found, raw = lint(capsys)
    assert found == [("CMP901", "compose.yaml", 4, 24), ("CMP006", "compose.yaml", 7, 18)]
    assert raw[0]["fix"] is None
    # deselected, on the command line or per file: the suppression is not "unused"
    assert lint(capsys, "--ignore", "var-undefined")[1] == [("CMP006", "compose.yaml", 7, 18)]
    (proj / ".composelint.toml").write_text('[per-file-ignores]\n"*.yaml" = ["CMP5"]\n')
    assert lint(capsys)[1] == [("CMP006", "compose.yaml", 7, 18)]
    # and the rule itself can be turned off
    (proj / ".composelint.toml").write_text('ignore = ["unused-suppression"]\n')
    assert lint(capsys, "--ignore", "var-undefined")[1] == [("CMP006", "compose.yaml", 7, 18)]


def test_unknown_rule_in_a_suppression(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    compose(proj, web="  # composelint: disable=undefined-referenc")
    _, found, raw = lint(capsys)
    assert found[:2] == [("CMP006", "compose.yaml", 4, 18), ("CMP901", "compose.yaml", 4, 24)]
    assert raw[1]["message"] == (
        "suppression comment: unknown rule, code or prefix 'undefined-referenc'; "
        "did you mean 'undefined-reference'?"
    )


def test_malformed_comment_is_reported(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    compose(proj, web="  # composelint: disable undefined-reference")
    _, found, raw = lint(capsys)
    assert found[1] == ("CMP901", "compose.yaml", 4, 24)
    assert raw[1]["message"].startswith("not a valid suppression comment: write")


def test_env_file_suppressions(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (proj / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    (proj / ".env").write_text("A=1\nB C=2\n")
    assert lint(capsys)[1] == [("CMP401", ".env", 2, 1)]
    (proj / ".env").write_text("A=1\n# composelint: disable=env-syntax\nB C=2\n")
    assert lint(capsys)[1] == []


def test_a_suppression_in_a_shared_file_is_used_if_any_project_uses_it(
    proj: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """compose.yaml is linted twice, with the override and with the prod variant; only
    the first lacks db: the suppression is used, so it is not reported as unused."""
    (proj / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx\n"
        "    depends_on: [db]  # composelint: disable=undefined-reference\n"
    )
    (proj / "compose.override.yaml").write_text("services:\n  web:\n    restart: always\n")
    (proj / "docker-compose.prod.yml").write_text(
        "services:\n  web:\n    restart: always\n  db:\n    image: postgres\n"
    )
    assert lint(capsys, ".", "--select", "CMP0,CMP9")[:2] == (0, [])
    (proj / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx\n    depends_on: [db]\n"
    )
    assert lint(capsys, ".", "--select", "CMP0,CMP9")[:2] == (
        1,
        [("CMP006", "compose.yaml", 4, 18)],
    )
