"""Stable finding fingerprints, for CI formats (SARIF, GitLab) and baselines.

A fingerprint identifies "the same problem" across unrelated edits: it hashes the
rule code, the file's display path, the *content* of the finding's first source
line (secrets masked, whitespace collapsed) and the finding's occurrence index
among findings sharing those three. It deliberately leaves out the line number
(inserting a line above must not change it) and the message text (rewording a
message, or a changed value in it, must not either). Masking the line first keeps
secrets out of the hash and keeps the fingerprint when only a secret's value changes.

A finding with no location hashes its code and masked message instead.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence

from composelint.model.findings import Finding
from composelint.model.project import SourceFile
from composelint.output.redact import MaskedLines, mask_text

_SPACE = re.compile(r"\s+")


def _evidence(finding: Finding, lines: Sequence[str] | None) -> str:
    span = finding.span
    if span is None:
        return mask_text(finding.message)
    if lines is None or not 1 <= span.line <= len(lines):
        return ""
    return _SPACE.sub(" ", lines[span.line - 1]).strip()


def _masked(source_text: str | None) -> Sequence[str] | None:
    # in the context of the whole file (continuation lines of a secret block), each
    # line masked when a finding needs it
    return None if source_text is None else MaskedLines(source_text.splitlines())


def _digest(finding: Finding, evidence: str, occurrence: int) -> str:
    path = finding.span.path if finding.span is not None else ""
    key = "\0".join((finding.code, path, evidence, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def fingerprint(finding: Finding, source_text: str | None, occurrence: int = 0) -> str:
    """A 32-hex-digit fingerprint of ``finding`` in a file whose text is ``source_text``.

    ``occurrence`` tells apart findings with the same code, path and line content
    (the 0-based index among them in report order); ``fingerprints`` computes it.
    """
    return _digest(finding, _evidence(finding, _masked(source_text)), occurrence)


def fingerprints(findings: Sequence[Finding], sources: Mapping[str, SourceFile]) -> list[str]:
    """The fingerprint of every finding (same order), occurrence indices included."""
    masked: dict[str, Sequence[str] | None] = {}
    seen: dict[tuple[str, str, str], int] = {}
    out: list[str] = []
    for f in findings:
        path = f.span.path if f.span is not None else ""
        if path not in masked:
            src = sources.get(path)
            masked[path] = _masked(src.text if src is not None else None)
        evidence = _evidence(f, masked[path])
        triple = (f.code, path, evidence)
        n = seen.get(triple, 0)
        seen[triple] = n + 1
        out.append(_digest(f, evidence, n))
    return out
