"""--diff-base / --diff-file: only findings on changed lines (real git repositories)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from composelint.cli import main
from composelint.lint.difffilter import parse

SELECT = ("--select", "CMP0,CMP1,CMP5")
COMPOSE = """\
services:
  web:
    image: nginx
    depends_on: [dbb]
    environment:
      A: ${NOPE}
      DATABASE_URL: ${DATABASE_URL}
  db:
    image: postgres:16
"""
ENV = "DATABASE_URL=postgresql://app@localhost:5432/app\nOTHER=1\n"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(key, raising=False)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "t@example.com")
    git(tmp_path, "config", "user.name", "t")
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / ".env").write_text(ENV)
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def lint(
    capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int, list[tuple[str, str, int]], str]:
    rc = main(["--format", "json", *SELECT, *argv])
    out, err = capsys.readouterr()
    found = json.loads(out)["findings"] if out else []
    return rc, [(f["code"], f["file"], f["line"]) for f in found], err


def test_everything_is_reported_without_a_diff(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert lint(capsys)[1] == [
        ("CMP101", ".env", 1),
        ("CMP006", "compose.yaml", 4),
        ("CMP501", "compose.yaml", 6),
    ]


def test_nothing_changed_nothing_reported(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert lint(capsys, "--diff-base", "HEAD") == (0, [], "")


def test_uncommitted_change_selects_its_line(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "compose.yaml").write_text(COMPOSE.replace("[dbb]", "[dbbb]"))
    assert lint(capsys, "--diff-base", "HEAD")[:2] == (1, [("CMP006", "compose.yaml", 4)])


def test_committed_changes_on_a_branch_count_from_the_merge_base(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "compose.yaml").write_text(COMPOSE.replace("${NOPE}", "${NOPE2}"))
    git(repo, "commit", "-q", "-am", "feature")
    # main moves on after the branch point: its changes are not the branch's
    git(repo, "checkout", "-q", "main")
    (repo / "compose.yaml").write_text(COMPOSE.replace("[dbb]", "[db]"))
    git(repo, "commit", "-q", "-am", "fix on main")
    git(repo, "checkout", "-q", "feature")
    assert lint(capsys, "--diff-base", "main")[1] == [("CMP501", "compose.yaml", 6)]


def test_a_changed_env_line_selects_the_finding_it_causes(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".env").write_text(ENV.replace("app@localhost", "admin@localhost"))
    assert lint(capsys, "--diff-base", "HEAD")[1] == [("CMP101", ".env", 1)]


def test_a_changed_related_line_selects_the_finding(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The compose line that pulls the .env value in is a related location."""
    (repo / "compose.yaml").write_text(
        COMPOSE.replace("DATABASE_URL: ${DATABASE_URL}", 'DATABASE_URL: "${DATABASE_URL}"')
    )
    assert lint(capsys, "--diff-base", "HEAD")[1] == [("CMP101", ".env", 1)]


def test_an_unrelated_env_change_selects_nothing(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".env").write_text(ENV.replace("OTHER=1", "OTHER=2"))
    assert lint(capsys, "--diff-base", "HEAD")[:2] == (0, [])


def test_untracked_files_count_as_changed(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "new").mkdir()
    (repo / "new" / "compose.yaml").write_text(
        "services:\n  a:\n    image: x\n    depends_on: [b]\n"
    )
    assert lint(capsys, "--diff-base", "HEAD", ".")[1] == [("CMP006", "new/compose.yaml", 4)]


def test_from_a_subdirectory(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "sub").mkdir()
    (repo / "sub" / "compose.yaml").write_text(
        "services:\n  a:\n    image: x\n    depends_on: [b]\n"
    )
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "sub")
    (repo / "sub" / "compose.yaml").write_text(
        "services:\n  a:\n    image: y\n    depends_on: [b]\n"
    )
    monkeypatch.chdir(repo / "sub")
    assert lint(capsys, "--diff-base", "HEAD")[:2] == (0, [])  # line 3 changed, finding on 4
    (repo / "sub" / "compose.yaml").write_text(
        "services:\n  a:\n    image: y\n    depends_on: [c]\n"
    )
    assert lint(capsys, "--diff-base", "HEAD")[1] == [("CMP006", "compose.yaml", 4)]


def test_diff_file_and_stdin(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "compose.yaml").write_text(COMPOSE.replace("${NOPE}", "${NOPE3}"))
    diff = git(repo, "diff")
    (repo / "change.diff").write_text(diff)
    assert lint(capsys, "--diff-file", "change.diff")[1] == [("CMP501", "compose.yaml", 6)]
    monkeypatch.setattr("sys.stdin", io.StringIO(diff))
    assert lint(capsys, "--diff-file", "-")[1] == [("CMP501", "compose.yaml", 6)]


def test_unknown_revision_is_a_usage_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, found, err = lint(capsys, "--diff-base", "no-such-branch")
    assert (rc, found) == (2, [])
    assert err == "composelint: error: --diff-base: unknown git revision 'no-such-branch'\n"


def test_outside_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    rc, _, err = lint(capsys, "--diff-base", "HEAD")
    assert rc == 2 and "is not inside a git repository" in err


def test_parse_unified_diff(tmp_path: Path) -> None:
    text = (
        "diff --git a/compose.yaml b/compose.yaml\n"
        "--- a/compose.yaml\n+++ b/compose.yaml\n"
        "@@ -3,0 +4,2 @@ services:\n+a\n+b\n"
        "@@ -10 +12 @@\n-x\n+y\n"
        "@@ -20,3 +21,0 @@\n-p\n-q\n-r\n"
        "diff --git a/gone.yaml b/gone.yaml\n--- a/gone.yaml\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n"
        'diff --git "a/sp ace/\\303\\251.env" "b/sp ace/\\303\\251.env"\n'
        '--- "a/sp ace/\\303\\251.env"\n+++ "b/sp ace/\\303\\251.env"\n@@ -1 +1 @@\n-A=1\n+A=2\n'
        "--- old/x.env\t2024-01-01\n+++ x.env\t2024-01-02\n@@ -1,2 +1,3 @@\n+a\n-b\n+c\n d\n"
    )
    changed = parse(text, tmp_path)
    real = str(tmp_path.resolve())
    assert changed.files == {
        f"{real}/compose.yaml": {4, 5, 12},
        f"{real}/sp ace/é.env": {1},
        f"{real}/x.env": {1, 2},  # line 3 is context
    }


def test_stdin_cannot_be_both_the_compose_file_and_the_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"services: {}\n")))
    assert main(["-", "--stdin-filename", "compose.yaml", "--diff-file", "-"]) == 2
    assert capsys.readouterr() == (
        "",
        "composelint: error: stdin cannot be both a compose file and the --diff-file\n",
    )
