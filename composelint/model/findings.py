"""What a rule reports and what reporters render."""

from __future__ import annotations

from enum import Enum

from composelint.model.record import Frozen, set_field
from composelint.model.span import Span


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


class Related(Frozen):
    """A secondary location that explains a finding (e.g. the `.env` line a value came from)."""

    span: Span
    message: str

    __slots__ = ("message", "span")

    def __init__(self, span: Span, message: str) -> None:
        set_field(self, "span", span)
        set_field(self, "message", message)


class Edit(Frozen):
    """Replace the text covered by ``span`` with ``replacement``.

    ``sensitive``: the replacement carries text of a secret (a comment that some
    readers take as part of a password); reports show it masked, ``--fix`` applies it.
    """

    span: Span
    replacement: str
    sensitive: bool

    __slots__ = ("replacement", "sensitive", "span")

    def __init__(self, span: Span, replacement: str, sensitive: bool = False) -> None:
        set_field(self, "span", span)
        set_field(self, "replacement", replacement)
        set_field(self, "sensitive", sensitive)


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


class Fix(Frozen):
    """Edits that resolve a finding. A fix that does not say how safe it is, is
    unsafe: only the rule knows that its edits keep the project's meaning."""

    description: str
    edits: tuple[Edit, ...]
    applicability: Applicability

    __slots__ = ("applicability", "description", "edits")

    def __init__(
        self,
        description: str,
        edits: tuple[Edit, ...] = (),
        applicability: Applicability = Applicability.UNSAFE,
    ) -> None:
        set_field(self, "description", description)
        set_field(self, "edits", edits)
        set_field(self, "applicability", applicability)


class Violation(Frozen):
    """What a rule's ``check`` yields; the engine stamps the rule's code, name and severity.

    ``message`` says what is wrong in one clause (about 100 characters at most);
    ``help`` says how to fix it and ``note`` why it fails at runtime (the error the
    client reports), both optional, keyword-only and shown under the code frame.
    """

    message: str
    span: Span | None
    related: tuple[Related, ...]
    fix: Fix | None
    severity: Severity | None  # None: the rule's default severity
    help: str | None
    note: str | None

    __slots__ = ("fix", "help", "message", "note", "related", "severity", "span")

    def __init__(
        self,
        message: str,
        span: Span | None,
        related: tuple[Related, ...] = (),
        fix: Fix | None = None,
        severity: Severity | None = None,
        *,
        help: str | None = None,
        note: str | None = None,
    ) -> None:
        set_field(self, "message", message)
        set_field(self, "span", span)
        set_field(self, "related", related)
        set_field(self, "fix", fix)
        set_field(self, "severity", severity)
        set_field(self, "help", help)
        set_field(self, "note", note)


class Finding(Frozen):
    code: str
    name: str
    severity: Severity
    message: str
    span: Span | None
    related: tuple[Related, ...]
    fix: Fix | None
    help: str | None  # the fix, in words
    note: str | None  # why: the runtime error
    # "could not lint" (a fatal problem, an internal error): exit 2, never baselined,
    # suppressed or filtered out by a diff, whatever the configuration says
    fatal: bool

    __slots__ = (
        "code",
        "fatal",
        "fix",
        "help",
        "message",
        "name",
        "note",
        "related",
        "severity",
        "span",
    )

    def __init__(
        self,
        code: str,
        name: str,
        severity: Severity,
        message: str,
        span: Span | None,
        related: tuple[Related, ...] = (),
        fix: Fix | None = None,
        *,
        help: str | None = None,
        note: str | None = None,
        fatal: bool = False,
    ) -> None:
        set_field(self, "code", code)
        set_field(self, "name", name)
        set_field(self, "severity", severity)
        set_field(self, "message", message)
        set_field(self, "span", span)
        set_field(self, "related", related)
        set_field(self, "fix", fix)
        set_field(self, "help", help)
        set_field(self, "note", note)
        set_field(self, "fatal", fatal)

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
