"""Reporters: pure functions from findings to text. None of them does analysis.

Every reporter masks secrets (``composelint.redact``) in messages, related
messages, fixes and code frames before anything is written.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from composelint.findings import Finding
from composelint.project import SourceFile

FORMATS = ("text", "json")


@dataclass
class Report:
    findings: Sequence[Finding]
    files: Sequence[str]  # display paths of every file linted
    sources: Mapping[str, SourceFile] = field(default_factory=dict)  # by display path
    color: bool = False


def render(fmt: str, report: Report) -> str:
    """The report in format ``fmt`` (one of ``FORMATS``)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    module = importlib.import_module(f"composelint.reporters.{fmt}")
    text: str = module.render(report)
    return text
