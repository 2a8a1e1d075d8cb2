"""Baseline files: accept today's findings, report only new ones.

``--baseline FILE`` writes FILE when it does not exist (every current finding, and
the run then reports nothing) and otherwise drops the findings it lists.
``--update-baseline`` rewrites it with the current findings.

The file is JSON, sorted and stable so that it diffs well under version control::

    {
      "composelint-baseline": 1,
      "findings": [
        {"path": "compose.yaml", "code": "CMP501", "name": "var-undefined",
         "fingerprint": "3f0c9d..."}
      ]
    }

``path`` is relative to the baseline file's directory. A finding matches by
fingerprint (``composelint.lint.fingerprint``): rule code, path, the content of its
source line and its occurrence among identical ones, never the line number, so
inserting lines elsewhere keeps it baselined. ``path``, ``code`` and ``name`` are
there for readers. What could not be linted (internal errors, unreadable files and
every other fatal problem) is never baselined: it is reported on every run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from composelint.model.findings import Finding
from composelint.model.project import SourceFile
from composelint.model.record import replace

FORMAT_KEY = "composelint-baseline"
VERSION = 1
NEVER = frozenset({"CMP900"})  # internal errors: always reported


class BaselineError(Exception):
    """A baseline file that cannot be read or written; ``str(exc)`` is one line."""


def fingerprint_all(
    findings: Sequence[Finding], sources: Mapping[str, SourceFile], base: Path, cwd: Path
) -> list[tuple[str, str] | None]:
    """(fingerprint, path relative to ``base``) for each finding, None for those never
    baselined. Paths are made relative to the baseline's directory before hashing, so
    the working directory composelint runs from does not matter."""
    from composelint.lint.fingerprint import fingerprints

    moved: list[Finding] = []
    relsources: dict[str, SourceFile] = {}
    for f in findings:
        if _never(f) or f.span is None:
            moved.append(f)
            continue
        rel = _relative(f.span.path, base, cwd)
        if f.span.path in sources:
            relsources[rel] = sources[f.span.path]
        moved.append(replace(f, span=replace(f.span, path=rel)))
    prints = fingerprints([m for m in moved if not _never(m)], relsources)
    it = iter(prints)
    return [None if _never(m) else (next(it), m.span.path if m.span else "") for m in moved]


def _never(f: Finding) -> bool:
    return f.fatal or f.code in NEVER


def _relative(display: str, base: Path, cwd: Path) -> str:
    path = Path(display)
    absolute = path if path.is_absolute() else cwd / path
    try:
        return Path(os.path.relpath(absolute, base)).as_posix()
    except ValueError:  # another drive on Windows
        return absolute.as_posix()


def read(path: Path, shown: str | None = None) -> frozenset[str]:
    """The fingerprints a baseline file lists (``shown``: the path as the user gave it)."""
    from composelint.load.sources import UnreadableFile, read_text

    try:
        data = json.loads(read_text(path))
    except UnreadableFile as exc:
        raise BaselineError(f"--baseline {shown or path}: {exc}") from None
    except ValueError as exc:
        raise BaselineError(f"{path}: not a composelint baseline (invalid JSON: {exc})") from None
    entries = data.get("findings") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or data.get(FORMAT_KEY) != VERSION
        or not isinstance(entries, list)
    ):
        raise BaselineError(
            f'{path}: not a composelint baseline (expected "{FORMAT_KEY}": {VERSION} and a "findings" list)'
        )
    return frozenset(
        e["fingerprint"]
        for e in entries
        if isinstance(e, dict) and isinstance(e.get("fingerprint"), str)
    )


def render(entries: Sequence[tuple[str, str, Finding]]) -> str:
    """The baseline file's text for (fingerprint, relative path, finding) triples."""
    rows = sorted({(path, f.code, f.name, fp) for fp, path, f in entries})
    findings = [{"path": p, "code": c, "name": n, "fingerprint": fp} for p, c, n, fp in rows]
    return json.dumps({FORMAT_KEY: VERSION, "findings": findings}, indent=2) + "\n"


def write(path: Path, entries: Sequence[tuple[str, str, Finding]]) -> None:
    try:
        path.write_text(render(entries), encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or exc}") from None
