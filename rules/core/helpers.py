"""Shared by the rules that report what the loader and resolver found."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation


def problem_violations(project: RuleContext, rule_name: str) -> Iterator[Violation]:
    """One violation per problem the loader or resolver attributed to ``rule_name``."""
    return project.problem_violations(rule_name)
