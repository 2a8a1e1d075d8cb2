"""Source positions. Every loaded value carries a Span; every finding points at one."""

from __future__ import annotations

from composelint.model.record import Frozen, Ordered, set_field


class Span(Ordered, Frozen):
    """A range in a file. Lines and columns are 1-based; the end is exclusive.

    ``path`` is the path as it is displayed to the user (relative to the working
    directory when the file lies below it, absolute otherwise).
    """

    path: str
    line: int
    col: int
    end_line: int
    end_col: int

    __slots__ = ("col", "end_col", "end_line", "line", "path")

    def __init__(self, path: str, line: int, col: int, end_line: int, end_col: int) -> None:
        set_field(self, "path", path)
        set_field(self, "line", line)
        set_field(self, "col", col)
        set_field(self, "end_line", end_line)
        set_field(self, "end_col", end_col)

    @classmethod
    def point(cls, path: str, line: int, col: int = 1) -> Span:
        return cls(path, line, col, line, col + 1)

    @classmethod
    def whole_file(cls, path: str) -> Span:
        return cls(path, 1, 1, 1, 1)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    def __reduce__(self) -> tuple[type[Span], tuple[str, int, int, int, int]]:
        # positional and compact: worker processes send every span of a project (-j)
        return Span, (self.path, self.line, self.col, self.end_line, self.end_col)
