"""The fix engine: span edits on the original text, the pass loop, diff and writing."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from composelint.lint import fixes
from composelint.lint.fixes import FileText, FixRun
from composelint.model.findings import Applicability, Edit, Finding, Fix, Severity
from composelint.model.span import Span


def _finding(path: str, line: int, col: int, end_col: int, new: str, how: Applicability) -> Finding:
    span = Span(path, line, col, line, end_col)
    fix = Fix("replace", (Edit(span, new),), how)
    return Finding("CMP999", "test-rule", Severity.WARNING, "m", span, fix=fix)


def test_offsets_count_code_points_and_clamp_past_the_end() -> None:
    text = "é=1\nb=2"
    starts = fixes.line_starts(text)
    assert starts == [0, 4]
    assert fixes.offsets(Span("f", 1, 2, 1, 3), starts, len(text)) == (1, 2)
    assert fixes.offsets(Span("f", 2, 1, 3, 1), starts, len(text)) == (4, len(text))


def test_apply_keeps_every_byte_outside_the_edits() -> None:
    text = "a: 1  # keep\r\nb: &x 2\r\nc: *x\r\n"
    assert (
        fixes.apply(text, [(3, 4, '"1"'), (20, 21, "3")])
        == 'a: "1"  # keep\r\nb: &x 3\r\nc: *x\r\n'
    )


def test_allowed_follows_applicability() -> None:
    safe = Fix("s", (Edit(Span("f", 1, 1, 1, 1), "x"),), Applicability.SAFE)
    unsafe = Fix("u", safe.edits, Applicability.UNSAFE)
    shown = Fix("d", safe.edits, Applicability.DISPLAY_ONLY)
    assert fixes.allowed(safe, unsafe=False) and fixes.allowed(safe, unsafe=True)
    assert not fixes.allowed(unsafe, unsafe=False) and fixes.allowed(unsafe, unsafe=True)
    assert not fixes.allowed(shown, unsafe=True)
    assert not fixes.allowed(Fix("empty", (), Applicability.SAFE), unsafe=True)
    assert Fix("default").applicability is Applicability.UNSAFE  # a plugin must opt in


class FakeLint:
    """A lint pass over one in-memory file: every ``x`` is a finding whose fix makes it
    ``y``; every ``yy`` a finding whose fix makes it ``z`` (so fixes cascade)."""

    def __init__(self, path: Path, text: str, how: Applicability = Applicability.SAFE) -> None:
        self.path, self.text, self.how, self.calls = path, text, how, 0

    def __call__(self, overrides: Mapping[Path, str]) -> tuple[list[Finding], dict[str, FileText]]:
        self.calls += 1
        text = overrides.get(self.path, self.text)
        found = []
        for lineno, line in enumerate(text.split("\n"), 1):
            for i, ch in enumerate(line):
                if ch == "x":
                    found.append(_finding("f", lineno, i + 1, i + 2, "y", self.how))
            i = line.find("yy")
            if i >= 0:
                found.append(_finding("f", lineno, i + 1, i + 3, "z", self.how))
        return found, {"f": FileText(self.path, text)}


def test_loop_applies_until_nothing_is_left(tmp_path: Path) -> None:
    lint = FakeLint(tmp_path / "f", "axx\nb\n")
    run = fixes.run(lint)
    assert run.current[tmp_path / "f"] == "az\nb\n"  # x x -> y y, then yy -> z
    assert run.passes == 2 and run.converged
    assert run.changed() == [tmp_path / "f"]
    assert len(run.fixed) == 3


def test_unsafe_fixes_need_the_flag(tmp_path: Path) -> None:
    lint = FakeLint(tmp_path / "f", "x\n", Applicability.UNSAFE)
    assert fixes.run(lint).changed() == []
    assert fixes.run(lint, unsafe=True).current[tmp_path / "f"] == "y\n"


def test_overlapping_fixes_are_taken_first_by_position_and_retried() -> None:
    text = "abcdef"
    one = Finding(
        "CMP999", "r", Severity.INFO, "m", Span("f", 1, 2, 1, 5),
        fix=Fix("1", (Edit(Span("f", 1, 2, 1, 5), "X"),), Applicability.SAFE),
    )  # fmt: skip
    two = Finding(
        "CMP998", "r", Severity.INFO, "m", Span("f", 1, 3, 1, 4),
        fix=Fix("2", (Edit(Span("f", 1, 3, 1, 4), "Y"),), Applicability.SAFE),
    )  # fmt: skip
    edits, _, fixed = fixes._select([two, one], {"f": FileText(Path("/f"), text)}, unsafe=False)
    assert fixed == [one] and edits == {Path("/f"): [(1, 4, "X")]}


def test_two_fixes_that_undo_each_other_do_not_loop_forever(tmp_path: Path) -> None:
    path = tmp_path / "f"

    def flip(overrides: Mapping[Path, str]) -> tuple[list[Finding], dict[str, FileText]]:
        text = overrides.get(path, "a")
        new = "b" if text == "a" else "a"
        return [_finding("f", 1, 1, 2, new, Applicability.SAFE)], {"f": FileText(path, text)}

    run = fixes.run(flip)
    assert not run.converged and run.passes <= fixes.MAX_PASSES


def test_diff_applies_with_patch_and_git_apply(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    target = tmp_path / "d" / ".env"
    target.write_bytes(b"A = 1\r\nB=2")  # CRLF, no final newline
    run = FixRun(
        original={target: "A = 1\r\nB=2"},
        current={target: "A=1\r\nB=2\n"},
    )
    diff = fixes.unified_diff(run, tmp_path)
    assert diff.startswith("--- a/d/.env\n+++ b/d/.env\n")
    assert "\\ No newline at end of file\n" in diff
    for tool in (["patch", "-p1", "--quiet"], ["git", "apply"]):
        if shutil.which(tool[0]) is None:
            continue
        work = tmp_path / tool[0]
        (work / "d").mkdir(parents=True)
        (work / "d" / ".env").write_bytes(b"A = 1\r\nB=2")
        subprocess.run(tool, input=diff.encode(), cwd=work, check=True)
        assert (work / "d" / ".env").read_bytes() == b"A=1\r\nB=2\n"


def _run_for(path: Path, old: str, new: str) -> FixRun:
    return FixRun(original={path: old}, current={path: new})


def test_write_is_atomic_and_keeps_mode_and_bom(tmp_path: Path) -> None:
    target = tmp_path / "compose.yaml"
    target.write_bytes(fixes.BOM + b"a: 1\n")
    os.chmod(target, 0o640)
    assert fixes.write(_run_for(target, "a: 1\n", 'a: "1"\n'), [tmp_path]) == []
    assert target.read_bytes() == fixes.BOM + b'a: "1"\n'
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["compose.yaml"]  # no temporary file left


def test_bom_removal(tmp_path: Path) -> None:
    target = tmp_path / ".env"
    target.write_bytes(fixes.BOM + b"A=1\n")
    run = _run_for(target, "A=1\n", "A=1\n")
    run.bom_removed.add(target)
    assert fixes.write(run, [tmp_path]) == []
    assert target.read_bytes() == b"A=1\n"


def test_a_file_changed_since_it_was_read_is_not_written(tmp_path: Path) -> None:
    target = tmp_path / ".env"
    target.write_text("A=2\n")
    failures = fixes.write(_run_for(target, "A=1\n", "A=3\n"), [tmp_path])
    assert failures == [(target, "changed on disk since it was linted; not written")]
    assert target.read_text() == "A=2\n"


def test_a_link_leading_outside_the_project_is_not_written(tmp_path: Path) -> None:
    outside = tmp_path / "outside.env"
    outside.write_text("A=1\n")
    project = tmp_path / "p"
    project.mkdir()
    (project / ".env").symlink_to(outside)
    (project / "real.env").write_text("A=1\n")
    (project / "inside.env").symlink_to(project / "real.env")
    failures = fixes.write(_run_for(project / ".env", "A=1\n", "A=2\n"), [project])
    assert failures == [
        (project / ".env", "a symbolic link to a file outside the project; not written")
    ]
    assert outside.read_text() == "A=1\n"
    assert fixes.write(_run_for(project / "inside.env", "A=1\n", "A=2\n"), [project]) == []
    assert (project / "real.env").read_text() == "A=2\n"
    assert (project / "inside.env").is_symlink()


def test_fixable_counts() -> None:
    safe = _finding("f", 1, 1, 2, "y", Applicability.SAFE)
    unsafe = _finding("f", 1, 1, 2, "y", Applicability.UNSAFE)
    shown = _finding("f", 1, 1, 2, "y", Applicability.DISPLAY_ONLY)
    assert fixes.fixable_counts([safe, unsafe, unsafe, shown]) == (1, 2)


@pytest.mark.parametrize("text", ["", "\n", "a"])
def test_insert_at_end_of_text(text: str) -> None:
    starts = fixes.line_starts(text)
    end = Span(
        "f", len(starts), len(text) - starts[-1] + 1, len(starts), len(text) - starts[-1] + 1
    )
    start, stop = fixes.offsets(end, starts, len(text))
    assert fixes.apply(text, [(start, stop, "!")]) == text + "!"


def test_a_bom_removed_in_memory_is_not_removed_again(tmp_path: Path) -> None:
    """A lint pass reads the mark from the disk, where it stays until the file is
    written: the loop must not take the same removal pass after pass."""
    target = tmp_path / ".env"
    target.write_bytes(fixes.BOM + b"A=1\n")

    def lint(overrides: Mapping[Path, str]) -> tuple[list[Finding], dict[str, FileText]]:
        fix = Fix("drop", (fixes.remove_bom(".env"),), Applicability.SAFE)
        found = Finding(
            "CMP408", "env-bom", Severity.WARNING, "m", Span(".env", 1, 1, 1, 1), fix=fix
        )
        return [found], {".env": FileText(target, overrides.get(target, "A=1\n"))}

    run = fixes.run(lint)
    assert (run.passes, run.converged, run.bom_removed) == (1, True, {target})
    diff = fixes.unified_diff(run, tmp_path)
    assert diff == "--- a/.env\n+++ b/.env\n@@ -1 +1 @@\n-\ufeffA=1\n+A=1\n"
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
        subprocess.run(["git", "apply", "-"], input=diff.encode(), cwd=tmp_path, check=True)
        assert target.read_bytes() == b"A=1\n"


def test_diff_lines_end_only_at_newlines(tmp_path: Path) -> None:
    """A form feed or U+2028 inside a line is not a line break for patch."""
    target = tmp_path / "compose.yaml"
    old = "a: 1\nb: 'x\u2028y\x0c'\nc: 22:22\n"
    target.write_text(old)
    run = _run_for(target, old, old.replace("22:22", '"22:22"'))
    diff = fixes.unified_diff(run, tmp_path)
    assert "@@ -1,3 +1,3 @@" in diff
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
        subprocess.run(["git", "apply", "-"], input=diff.encode(), cwd=tmp_path, check=True)
        assert target.read_text() == run.current[target]


def test_text_at_scans_a_file_once_for_many_spans(monkeypatch: pytest.MonkeyPatch) -> None:
    # rules check every edit with text_at: one scan per file, or a 20000-service
    # project with a fix per service takes minutes (it did: 368 s against 12 s)
    from composelint.lint import fixes
    from composelint.model.span import Span

    scans: list[int] = []
    real = fixes.line_starts
    monkeypatch.setattr(fixes, "line_starts", lambda text: scans.append(1) or real(text))
    fixes._cached_line_starts.cache_clear()
    text = "".join(f"line {i}\n" for i in range(1000))
    got = [fixes.text_at(text, Span("f", i, 1, i, 5)) for i in range(1, 1001)]
    assert got == ["line"] * 1000
    assert len(scans) == 1
