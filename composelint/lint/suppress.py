"""Inline suppression comments in compose and ``.env`` files.

``# composelint: disable=RULE[,RULE...]`` as a trailing comment suppresses the
rules on its own line; on a line of its own it suppresses them on the next line
that is not itself a comment (so several such lines can be stacked).
``# composelint: disable-file=RULE[,RULE...]`` anywhere suppresses them in the
whole file. RULE is a rule name, a code or a code prefix; text after the list,
separated by whitespace, is free (a reason).

Only real comments count. In YAML a comment starts with ``#`` at the start of a
line or after whitespace, outside quoted and block scalars (found with the YAML
scanner). In a ``.env`` file a comment is a whole line starting with ``#``, or
`` #`` after a value, outside quotes (a quoted value may span lines).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Literal

from composelint.model.record import Frozen, set_field
from composelint.model.span import Span
from composelint.regex import lazy_pattern

MARKER = "composelint"
_DIRECTIVE = lazy_pattern(r"#\s*composelint\s*:\s*")
_BODY = lazy_pattern(
    r"(?P<kind>disable-file|disable)\s*=\s*"
    r"(?P<list>[A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)(?=\s|$)"
)
_WORD = lazy_pattern(r"[A-Za-z0-9_-]+")
SYNTAX_HELP = "write '# composelint: disable=RULE[,RULE]' or '# composelint: disable-file=RULE'"


class Selector(Frozen):
    """One rule name, code or prefix in a directive, with where it is written."""

    text: str
    span: Span

    __slots__ = ("span", "text")

    def __init__(self, text: str, span: Span) -> None:
        set_field(self, "text", text)
        set_field(self, "span", span)


class Directive(Frozen):
    """One ``composelint:`` comment."""

    span: Span  # the whole comment
    file_wide: bool
    line: int  # the line it suppresses (ignored when file_wide)
    selectors: tuple[Selector, ...]
    error: str | None  # set when the comment is not a valid directive

    __slots__ = ("error", "file_wide", "line", "selectors", "span")

    def __init__(
        self,
        span: Span,
        file_wide: bool,
        line: int,
        selectors: tuple[Selector, ...] = (),
        error: str | None = None,
    ) -> None:
        set_field(self, "span", span)
        set_field(self, "file_wide", file_wide)
        set_field(self, "line", line)
        set_field(self, "selectors", selectors)
        set_field(self, "error", error)


def scan(text: str, path: str, kind: Literal["compose", "env"]) -> list[Directive]:
    """Every ``composelint:`` directive in a file's text (``path`` is its display path)."""
    if MARKER not in text:
        return []
    lines = text.split("\n")
    comments = _env_comments(lines) if kind == "env" else _yaml_comments(text, lines)
    out: list[Directive] = []
    for n, col in sorted(comments.items()):
        line = lines[n - 1].rstrip("\r")
        m = _DIRECTIVE.match(line, col)
        if m is None:
            continue
        end = len(line.rstrip())
        span = Span(path, n, col + 1, n, end + 1)
        own_line = not line[:col].strip()
        target = n
        if own_line:
            while target + 1 in comments and not lines[target][: comments[target + 1]].strip():
                target += 1
            target += 1
        body = _BODY.match(line, m.end())
        if body is None:
            out.append(Directive(span, False, target, (), SYNTAX_HELP))
            continue
        selectors = tuple(
            Selector(w.group(), Span(path, n, w.start() + 1, n, w.end() + 1))
            for w in _WORD.finditer(line, body.start("list"), body.end("list"))
        )
        out.append(Directive(span, body.group("kind") == "disable-file", target, selectors))
    return out


# -- finding real comments ----------------------------------------------------------


def _yaml_comments(text: str, lines: list[str]) -> dict[int, int]:
    """Line -> 0-based column of the ``#`` that starts a comment on it."""
    starts, ends = _scalar_ranges(text)
    out: dict[int, int] = {}
    for n, line in enumerate(lines, 1):
        i = line.find("#")
        while i >= 0:
            if (i == 0 or line[i - 1] in " \t") and not _inside(starts, ends, (n, i)):
                out[n] = i
                break
            i = line.find("#", i + 1)
    return out


def _scalar_ranges(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(line, col) start and end of every scalar the YAML scanner finds, in order.

    A block scalar starts on the line after its ``|``/``>`` header, whose comment is
    a real one. After a syntax error the scalars before it are still known.
    """
    import yaml

    loader_cls = getattr(yaml, "CLoader", yaml.SafeLoader)
    loader = loader_cls(text)
    starts: list[tuple[int, int]] = []
    ends: list[tuple[int, int]] = []
    try:
        while loader.check_token():
            token = loader.get_token()
            if isinstance(token, yaml.ScalarToken):
                s, e = token.start_mark, token.end_mark
                start = (s.line + 2, 0) if token.style in ("|", ">") else (s.line + 1, s.column)
                starts.append(start)
                ends.append((e.line + 1, e.column))
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return starts, ends


def _inside(
    starts: list[tuple[int, int]], ends: list[tuple[int, int]], pos: tuple[int, int]
) -> bool:
    i = bisect_right(starts, pos) - 1
    return i >= 0 and pos < ends[i]


def _env_comments(lines: list[str]) -> dict[int, int]:
    """Line -> 0-based column of the ``#`` that starts a comment, for ``.env`` text."""
    out: dict[int, int] = {}
    quote: str | None = None  # inside a quoted value continued from a previous line
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\r")
        after = 0  # where a trailing comment may start
        if quote is not None:
            close = _closing(line, 0, quote)
            if close < 0:
                continue
            quote, after = None, close + 1
        else:
            stripped = line.lstrip()
            if stripped.startswith("#"):
                out[n] = len(line) - len(stripped)
                continue
            sep = _separator(line)
            if sep < 0:
                continue
            value = sep + 1
            while value < len(line) and line[value] in " \t":
                value += 1
            if value < len(line) and line[value] in "'\"`":
                close = _closing(line, value + 1, line[value])
                if close < 0:
                    quote = line[value]
                    continue
                after = close + 1
            else:
                after = sep + 1
        for i in range(after, len(line)):
            if line[i] == "#" and i > 0 and line[i - 1] in " \t":
                out[n] = i
                break
    return out


def _separator(line: str) -> int:
    """Index of the ``=`` (or ``:``) that ends the variable name, or -1."""
    for i, c in enumerate(line):
        if c in "=:":
            return i
        if c in "'\"`#":
            return -1
    return -1


def _closing(line: str, start: int, quote: str) -> int:
    """Index of the quote that closes a value opened before ``start``, or -1."""
    i = start
    while i < len(line):
        c = line[i]
        if c == "\\" and quote == '"':
            i += 2
            continue
        if c == quote:
            return i
        i += 1
    return -1
