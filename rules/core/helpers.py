"""Shared by the rules that report what the loader and resolver found."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation


def problem_violations(project: RuleContext, rule_name: str) -> Iterator[Violation]:
    """One violation per problem the loader or resolver attributed to ``rule_name``."""
    for p in project.problems_for(rule_name):
        yield Violation(p.message, p.span, p.related, severity=p.severity, help=p.help, note=p.note)
