"""What a rule reports and what reporters render."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from composelint.model.span import Span


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


@dataclass(frozen=True, slots=True)
class Related:
    """A secondary location that explains a finding (e.g. the `.env` line a value came from)."""

    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text covered by ``span`` with ``replacement``.

    ``sensitive``: the replacement carries text of a secret (a comment that some
    readers take as part of a password); reports show it masked, ``--fix`` applies it.
    """

    span: Span
    replacement: str
    sensitive: bool = False


class Applicability(str, Enum):
    """How a fix may be applied (ruff's applicability levels).

    ``safe``: the resolved project does not change, or changes exactly as the finding
    says it must, and nothing else moves: ``--fix`` applies it. ``unsafe``: it may
    change what the user meant (a guessed host, a value from interpolation): only
    ``--fix --unsafe-fixes`` applies it. ``display-only``: shown as a suggestion
    (editors, reports), never applied by the command line.
    """

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


@dataclass(frozen=True, slots=True)
class Fix:
    """Edits that resolve a finding. A fix that does not say how safe it is, is
    unsafe: only the rule knows that its edits keep the project's meaning."""

    description: str
    edits: tuple[Edit, ...] = ()
    applicability: Applicability = Applicability.UNSAFE


@dataclass(frozen=True, slots=True)
class Violation:
    """What a rule's ``check`` yields; the engine stamps the rule's code, name and severity.

    ``message`` says what is wrong in one clause (about 100 characters at most);
    ``help`` says how to fix it and ``note`` why it fails at runtime (the error the
    client reports), both optional, keyword-only and shown under the code frame.
    """

    message: str
    span: Span | None
    related: tuple[Related, ...] = ()
    fix: Fix | None = None
    severity: Severity | None = None  # None: the rule's default severity
    help: str | None = field(default=None, kw_only=True)
    note: str | None = field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    name: str
    severity: Severity
    message: str
    span: Span | None
    related: tuple[Related, ...] = field(default=())
    fix: Fix | None = None
    help: str | None = field(default=None, kw_only=True)  # the fix, in words
    note: str | None = field(default=None, kw_only=True)  # why: the runtime error
    # "could not lint" (a fatal problem, an internal error): exit 2, never baselined,
    # suppressed or filtered out by a diff, whatever the configuration says
    fatal: bool = field(default=False, kw_only=True)

    def sort_key(self) -> tuple[object, ...]:
        """A total order: findings that differ only in their related locations, help,
        note or fix still sort the same way on every run (``set`` order is not stable)."""
        fix = self.fix
        s = _span_key(self.span)
        return (
            s[:3],  # path, line, column: the order reports have always had
            self.code,
            self.message,
            s[3:],
            self.severity.rank,
            self.name,
            self.help or "",
            self.note or "",
            tuple((_span_key(r.span), r.message) for r in self.related),
            fix is not None,
            (fix.description, tuple((_span_key(e.span), e.replacement) for e in fix.edits))
            if fix is not None
            else ("", ()),
        )


def _span_key(s: Span | None) -> tuple[str, int, int, int, int]:
    if s is None:
        return ("", 0, 0, 0, 0)
    return (s.path, s.line, s.col, s.end_line, s.end_col)
