"""Run the selected rules over a project, each in isolation, and decide the exit code."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

from composelint.lint.registry import Registry, RegistryProblem, Rule
from composelint.model.context import RuleContext, context_of
from composelint.model.findings import Finding, Severity, Violation
from composelint.model.project import Problem, Project
from composelint.model.record import Frozen, replace, set_field

INTERNAL_CODE = "CMP900"
INTERNAL_NAME = "internal-error"


def internal_error(message: str) -> Finding:
    return Finding(INTERNAL_CODE, INTERNAL_NAME, Severity.ERROR, message, None, fatal=True)


class Engine(Frozen):
    registry: Registry
    rules: Sequence[Rule]  # the selected rules
    debug: bool  # print the traceback of a rule that raises

    __slots__ = ("debug", "registry", "rules")

    def __init__(self, registry: Registry, rules: Sequence[Rule], debug: bool = False) -> None:
        set_field(self, "registry", registry)
        set_field(self, "rules", rules)
        set_field(self, "debug", debug)

    def check(self, project: Project | RuleContext) -> list[Finding]:
        """Every finding of the selected rules on ``project``, deduplicated and sorted.

        The rules receive one read-only :class:`RuleContext` of the project (a bare
        project gets the default options).

        A rule that raises contributes one ``internal-error`` finding instead of its
        results; the other rules still run. Problems that no selected rule reports
        are not lost: fatal ones (the project could not be fully linted) are reported
        under their rule anyway, and problems attributed to an unknown rule become
        internal errors.
        """
        ctx = context_of(project)
        findings: list[Finding] = []
        for rule in self.rules:
            if rule.per_project:
                findings.extend(self._run(rule, ctx))
        findings.extend(self.problem_findings(ctx.problems))
        return finalize(mark_fatal(findings, ctx.problems))

    def _run(self, rule: Rule, ctx: RuleContext) -> list[Finding]:
        try:
            out = [stamp(rule, v) for v in rule.check(ctx)]
        except Exception as exc:
            if self.debug:
                import traceback

                traceback.print_exception(exc, file=sys.stderr)
            where = ctx.compose_files[0].parent if ctx.compose_files else ctx.directory
            return [
                internal_error(
                    f"rule {rule.code} ({rule.name}) failed on the project in {where}: "
                    f"{type(exc).__name__}: {exc}"
                )
            ]
        return out

    def check_tree(self, projects: Sequence[RuleContext]) -> list[list[Finding]]:
        """The findings of the selected tree rules (``check_tree``) across ``projects``,
        one list per project, in the order given.

        A finding belongs to the first project that read the file its span is in (to
        the first project when it has no span, or a file no project read), so that
        project's settings and suppression comments govern it. A rule that raises
        contributes one ``internal-error`` finding to the first project.
        """
        out: list[list[Finding]] = [[] for _ in projects]
        if not projects:
            return out
        owner: dict[str, int] = {}
        for i, ctx in enumerate(projects):
            for display in ctx.sources:
                owner.setdefault(display, i)
        for rule in self.rules:
            if not rule.tree:
                continue
            try:
                found = [stamp(rule, v) for v in rule.check_tree(projects)]
            except Exception as exc:
                if self.debug:
                    import traceback

                    traceback.print_exception(exc, file=sys.stderr)
                out[0].append(
                    internal_error(
                        f"rule {rule.code} ({rule.name}) failed across the projects of the "
                        f"directory: {type(exc).__name__}: {exc}"
                    )
                )
                continue
            for f in found:
                out[owner.get(f.span.path, 0) if f.span is not None else 0].append(f)
        return [finalize(f) for f in out]

    def problem_findings(
        self, problems: Iterable[Problem], *, orphans: bool = False
    ) -> list[Finding]:
        """Findings for problems the selected rules do not report themselves: fatal
        problems of deselected rules and problems of unknown rules. With ``orphans``
        (problems that belong to no project, such as a missing path argument) every
        problem of a selected rule too, since no rule will see it."""
        selected = {r.name for r in self.rules}
        out: list[Finding] = []
        for p in problems:
            rule = self.registry.get(p.rule)
            if rule is None or rule.name != p.rule:
                message = f"problem attributed to unknown rule {p.rule!r}: {p.message}"
                out.append(
                    Finding(
                        INTERNAL_CODE,
                        INTERNAL_NAME,
                        Severity.ERROR,
                        message,
                        p.span,
                        p.related,
                        help=p.help,
                        note=p.note,
                        fatal=True,
                    )
                )
            elif (orphans or p.rule not in selected) and (p.fatal or p.rule in selected):
                severity = Severity.ERROR if p.fatal else (p.severity or rule.severity)
                out.append(
                    Finding(
                        rule.code,
                        rule.name,
                        severity,
                        p.message,
                        p.span,
                        p.related,
                        help=p.help,
                        note=p.note,
                        fatal=p.fatal,
                    )
                )
        return out


def stamp(rule: Rule, v: Violation) -> Finding:
    if not isinstance(v, Violation):
        raise TypeError(f"check() yielded {type(v).__name__}, expected Violation")
    return Finding(
        rule.code,
        rule.name,
        v.severity or rule.severity,
        v.message,
        v.span,
        tuple(v.related),
        v.fix,
        help=v.help,
        note=v.note,
    )


def mark_fatal(findings: list[Finding], problems: Iterable[Problem]) -> list[Finding]:
    """The findings, those reporting a fatal problem marked ``fatal`` (the rules that
    report problems yield plain violations)."""
    keys = {(p.rule, p.message, p.span) for p in problems if p.fatal}
    if not keys:
        return findings
    return [
        replace(f, fatal=True, severity=Severity.ERROR)
        if not f.fatal and (f.name, f.message, f.span) in keys
        else f
        for f in findings
    ]


def registry_findings(problems: Iterable[RegistryProblem]) -> list[Finding]:
    return [internal_error(p.message) for p in problems]


def finalize(findings: Iterable[Finding]) -> list[Finding]:
    """Deduplicate and sort deterministically."""
    return sorted(set(findings), key=Finding.sort_key)


def is_fatal(problems: Iterable[Problem]) -> bool:
    return any(p.fatal for p in problems)


def exit_code(
    findings: Iterable[Finding],
    *,
    fatal: bool,
    fail_on: Severity = Severity.ERROR,
    exit_zero: bool = False,
) -> int:
    """2: something could not be linted (a fatal problem, a crashed rule, a broken
    plugin); 1: a finding at or above ``fail_on``; 0 otherwise (or with ``exit_zero``)."""
    if fatal or any(f.code == INTERNAL_CODE for f in findings):
        return 2
    if exit_zero:
        return 0
    return 1 if any(f.severity.rank >= fail_on.rank for f in findings) else 0
