"""Reporters: pure functions from findings to text. None of them does analysis.

Every reporter masks secrets (``composelint.output.redact``) in messages, helps,
notes, related messages, fixes and code frames before anything is written.

"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from composelint.model.findings import Finding
from composelint.model.project import SourceFile
from composelint.model.record import Record
from composelint.output.redact import mask_text

if TYPE_CHECKING:
    from composelint.lint.registry import Rule

FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab", "checkstyle", "junit", "rdjson")


class Report(Record):
    findings: Sequence[Finding]
    files: Sequence[str]  # display paths of every file linted
    sources: Mapping[str, SourceFile]  # by display path
    color: bool
    rules: Mapping[str, Rule]  # metadata by code (SARIF)

    __slots__ = ("color", "files", "findings", "rules", "sources")

    def __init__(
        self,
        findings: Sequence[Finding],
        files: Sequence[str],
        sources: Mapping[str, SourceFile] | None = None,
        color: bool = False,
        rules: Mapping[str, Rule] | None = None,
    ) -> None:
        self.findings = findings
        self.files = files
        self.sources = {} if sources is None else sources
        self.color = color
        self.rules = {} if rules is None else rules


def details(f: Finding, *, note: bool = True) -> list[str]:
    """The ``note: …`` (why) and ``help: …`` (the fix) lines of a finding, masked; the
    lines formats with one free-text field append to the message."""
    out = [f"note: {mask_text(f.note)}"] if note and f.note else []
    if f.help:
        out.append(f"help: {mask_text(f.help)}")
    return out


def one_line(f: Finding) -> str:
    """The masked message and, after ``; help:``, the fix: for formats whose message is
    a single line (Checkstyle, GitLab)."""
    message = mask_text(f.message)
    return f"{message}; help: {mask_text(f.help)}" if f.help else message


def render(fmt: str, report: Report) -> str:
    """The report in format ``fmt`` (one of ``FORMATS``)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    module = importlib.import_module(f"composelint.output.reporters.{fmt}")
    text: str = module.render(report)
    return text
