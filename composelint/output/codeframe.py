"""Code frames: the source line(s) of a span with a line-number gutter and a caret underline.

The lines given here must already be masked (``redact.mask_lines``). Pygments is
imported only when colour is on.
"""

from __future__ import annotations

from collections.abc import Sequence

from composelint.limits import MAX_FRAME_WIDTH
from composelint.model.span import Span

MAX_LINES = 3  # of a multi-line span; the rest is elided
ELLIPSIS = "…"
RED_BOLD = "\x1b[1;31m"
DIM = "\x1b[2m"
RESET = "\x1b[0m"


def _last_line(span: Span) -> int:
    # an exclusive end at column 1 of a line means the span ended on the line before
    if span.end_line > span.line and span.end_col == 1:
        return span.end_line - 1
    return max(span.line, span.end_line)


def render_frame(
    lines: Sequence[str], span: Span, *, kind: str = "compose", color: bool = False
) -> list[str]:
    """The frame for ``span`` in a file made of ``lines`` (``kind``: "compose" or "env").

    Empty when the span lies outside the file (an empty file, a whole-file span).
    """
    whole_file = span.line == span.end_line == 1 and span.col == span.end_col == 1
    if whole_file or not 1 <= span.line <= len(lines):
        return []
    last = min(_last_line(span), len(lines))
    shown = list(range(span.line, min(last, span.line + MAX_LINES - 1) + 1))
    width = len(str(shown[-1] if last == shown[-1] else last))
    first = lines[span.line - 1]
    start = min(span.col, len(first) + 1)
    end = span.end_col if span.end_line == span.line else len(first) + 1
    end = max(min(end, len(first) + 1), start + 1)
    # a long line is shown as a window around the span: the frames of 5000 findings
    # on one 30 KB line must not print the line 5000 times
    offset = max(0, start - 1 - MAX_FRAME_WIDTH // 3) if len(first) > MAX_FRAME_WIDTH else 0
    texts = [_clip(lines[n - 1], offset if n == span.line else 0) for n in shown]
    if color:
        texts = _highlight(texts, kind)
    gutter = "{:>" + str(width) + "} |"
    if color:
        gutter = DIM + gutter + RESET
    out = [gutter.format(n) + (" " + t if t else "") for n, t in zip(shown, texts, strict=True)]
    lead = " " if offset else ""  # under the ellipsis
    prefix = lead + "".join(c if c == "\t" else " " for c in first[offset : start - 1])
    carets = "^" * max(1, min(end - start, MAX_FRAME_WIDTH - (start - 1 - offset)))
    if color:
        carets = RED_BOLD + carets + RESET
    out.insert(1, gutter.format("") + " " + prefix + carets)
    if last > shown[-1]:
        out.append(gutter.format("") + f" ... ({last - shown[-1]} more lines)")
    return out


def _clip(line: str, offset: int) -> str:
    """``line`` from ``offset``, at most ``MAX_FRAME_WIDTH`` characters of it, with an
    ellipsis where something was left out."""
    if len(line) <= MAX_FRAME_WIDTH and offset == 0:
        return line
    head = ELLIPSIS if offset else ""
    tail = ELLIPSIS if len(line) > offset + MAX_FRAME_WIDTH else ""
    return head + line[offset : offset + MAX_FRAME_WIDTH] + tail


def _highlight(texts: list[str], kind: str) -> list[str]:
    from pygments import highlight
    from pygments.formatters import TerminalFormatter
    from pygments.lexers import BashLexer, YamlLexer

    lexer = BashLexer() if kind == "env" else YamlLexer()
    coloured = (
        highlight("\n".join(texts) + "\n", lexer, TerminalFormatter()).rstrip("\n").split("\n")
    )
    return coloured if len(coloured) == len(texts) else texts
