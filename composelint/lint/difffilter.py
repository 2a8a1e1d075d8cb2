"""Report only what a change touches: findings on lines a diff adds or modifies.

``--diff-base REF`` asks git for the changes between the merge base of REF and
HEAD and the working tree (staged, unstaged and untracked files; an untracked
file counts as changed on every line). ``--diff-file PATH`` (``-`` for stdin)
reads a unified diff instead, whose paths are relative to the repository root
(the git top level of the working directory, or the working directory itself).

A finding is kept when its primary location or one of its related locations
(e.g. the ``.env`` line a value came from) is on a changed line. Findings with
no location at all are always kept. Deleted lines have no line in the new file,
so a pure deletion selects nothing.
"""

from __future__ import annotations

import codecs
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from composelint.model.findings import Finding
from composelint.model.span import Span

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


class DiffError(Exception):
    """git failed or the diff is unreadable; ``str(exc)`` is one line."""


@dataclass
class ChangedLines:
    """Changed lines by real absolute path; None: the whole file is new."""

    files: dict[str, set[int] | None] = field(default_factory=dict)

    def add(self, path: str, lines: range | None) -> None:
        if lines is None:
            self.files[path] = None
            return
        current = self.files.setdefault(path, set())
        if current is not None:
            current.update(lines)

    def touches(self, span: Span, cwd: Path) -> bool:
        path = Path(span.path)
        key = os.path.realpath(path if path.is_absolute() else cwd / path)
        if key not in self.files:
            return False
        lines = self.files[key]
        if lines is None:
            return True
        last = (
            span.end_line - 1 if span.end_line > span.line and span.end_col == 1 else span.end_line
        )
        return any(n in lines for n in range(span.line, max(last, span.line) + 1))

    def keeps(self, finding: Finding, cwd: Path) -> bool:
        """Whether a finding is on a changed line (primary or related location)."""
        if finding.span is None:
            return True
        return self.touches(finding.span, cwd) or any(
            self.touches(r.span, cwd) for r in finding.related
        )


def read_diff(name: str, cwd: Path) -> str:
    """The text of ``--diff-file NAME`` (``-``: stdin), through the bounded reader of
    every input: a FIFO, a device or a binary file is an error, never an empty diff."""
    import sys

    from composelint.load.sources import UnreadableFile, read_stream, read_text

    try:
        if name == "-":
            return read_stream(sys.stdin)
        return read_text(cwd / name)
    except UnreadableFile as exc:
        raise DiffError(f"--diff-file {name}: {exc}") from None


def parse(text: str, root: Path) -> ChangedLines:
    """The added and modified lines of a unified diff whose paths are relative to
    ``root``: the ``+`` lines of each hunk (context lines are not changes)."""
    changed = ChangedLines()
    current: str | None = None
    line_no = 0  # the new file's line number of the next hunk line
    remaining = 0  # new-side lines left in the current hunk
    for line in text.splitlines():
        if remaining > 0 and current is not None:
            if line.startswith("+"):
                changed.add(current, range(line_no, line_no + 1))
            if line.startswith(("+", " ")) or line == "":
                line_no += 1
                remaining -= 1
            continue
        if line.startswith("+++ "):
            name = _diff_path(line[4:])
            current = None if name is None else os.path.realpath(root / name)
            if current is not None:
                changed.files.setdefault(current, set())
            continue
        m = _HUNK.match(line)
        if m is not None and current is not None:
            line_no = int(m.group(1))
            remaining = int(m.group(2) if m.group(2) is not None else 1)
    return changed


def _diff_path(raw: str) -> str | None:
    """The new file's path from a ``+++`` header; None for ``/dev/null``."""
    name = raw.rstrip("\n")
    if name.startswith('"') and name.endswith('"') and len(name) > 1:
        name = codecs.escape_decode(name[1:-1].encode("utf-8"))[0].decode("utf-8", "replace")
    elif "\t" in name:  # `diff -u` puts a timestamp after a tab
        name = name.split("\t", 1)[0]
    if name == "/dev/null":
        return None
    return name[2:] if name.startswith("b/") else name


def _git(args: list[str], cwd: Path) -> str:
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotePath=false", *args],
            cwd=cwd,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise DiffError("--diff-base needs git, which is not installed") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffError(f"git {args[0]} failed: {message[0] if message else proc.returncode}")
    return proc.stdout.decode("utf-8", "surrogateescape")


def repository_root(cwd: Path) -> Path | None:
    try:
        return Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    except DiffError:
        return None


def from_git(ref: str, cwd: Path) -> ChangedLines:
    """Lines changed in the working tree since the merge base of ``ref`` and HEAD."""
    root = repository_root(cwd)
    if root is None:
        raise DiffError(f"--diff-base: {cwd} is not inside a git repository")
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    except DiffError:
        raise DiffError(f"--diff-base: unknown git revision {ref!r}") from None
    try:
        base = _git(["merge-base", ref, "HEAD"], root).strip() or ref
    except DiffError:  # no common history (or a shallow clone): compare with ref itself
        base = ref
    diff = _git(
        [
            "diff",
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--find-renames",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            base,
            "--",
        ],
        root,
    )
    changed = parse(diff, root)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], root)
    for name in filter(None, untracked.split("\0")):
        changed.add(os.path.realpath(root / name), None)
    return changed


def from_text(text: str, cwd: Path) -> ChangedLines:
    """Changed lines of a unified diff given as text (``--diff-file``)."""
    return parse(text, repository_root(cwd) or cwd)
