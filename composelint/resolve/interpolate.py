"""Compose's variable interpolation (``$VAR``, ``${VAR:-default}`` ...) with provenance.

This is a re-implementation of compose-go's ``template`` package (v2.9.1), quirks
included, because users lint what ``docker compose`` will actually do:

* the operator is the one written right after the name (``${A:-x:-y}`` defaults to
  ``x:-y``);
* a braced expression first extends to the *last* ``}`` on its line, then is cut at
  the first balancing ``}`` — where a ``{`` hides the character after it, so
  ``${A:-{}} x}`` defaults to ``{}} x``;
* defaults and messages are interpolated *before* the variable is looked up, so a
  ``${UNSET:?}`` nested in a default fails even when the outer variable is set;
* a value coming from the environment is never interpolated again.

Every replaced expression yields a :class:`~composelint.model.nodes.Substitution` that
says where its value came from (a ``.env`` line, the shell, the default text ...).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import lru_cache
from typing import Literal

from composelint import limits
from composelint.model.nodes import Scalar, Substitution
from composelint.model.project import EnvVar
from composelint.model.record import Frozen, set_field
from composelint.model.span import Span
from composelint.regex import lazy_pattern

Resolver = Callable[[str], EnvVar | None]
"""Looks a variable up in the interpolation environment; None when it is unset."""

# Go's ``(?i:[_a-z])`` also folds U+017F (long s) and U+212A (Kelvin sign).
_LETTER = "_a-zA-Z\u017f\u212a"
_NAMED = lazy_pattern(f"[{_LETTER}][{_LETTER}0-9]*")
# ``.`` does not cross a newline, exactly like Go's default.
_BRACED = lazy_pattern(f"([{_LETTER}][{_LETTER}0-9]*)(?:(:?[-+?])(.*))?}}")
# the name and operator of a braced expression; its end is found by _Scan.braced
_BRACED_HEAD = lazy_pattern(f"([{_LETTER}][{_LETTER}0-9]*)(:?[-+?])?")
_BRACES = lazy_pattern(r"[{}]")
_MAX_DEPTH = limits.MAX_INTERPOLATION_DEPTH  # nesting of defaults inside defaults
_MAX_QUOTED = 100  # characters of a bad expression quoted in a message

Operator = Literal["", ":-", "-", ":?", "?", ":+", "+"]


class ExpansionBudget:
    """Bytes that interpolation may still produce, shared by every value of a project:
    a ``.env`` whose lines each repeat the previous variable twice doubles at every
    line, and many values repeating one large variable multiply it."""

    __slots__ = ("remaining",)

    def __init__(self, total: int = limits.MAX_TOTAL_EXPANDED_BYTES) -> None:
        self.remaining = total


class InterpolationSyntaxError(Exception):
    """An expression Compose refuses ("invalid interpolation format").

    ``offset``/``length`` locate the bad expression in the interpolated string;
    ``template`` is the text Compose quotes in its own message.
    """

    def __init__(self, message: str, offset: int, length: int, template: str) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.length = length
        self.template = template

    def compose_message(self, path: str) -> str:
        """Compose's error text for the value at ``path`` (e.g. ``services.a.image``)."""
        return (
            f"invalid interpolation format for {path}.\n"
            f"You may need to escape any $ with another $.\n{self.template}"
        )


class Expression(Frozen):
    """One ``$VAR`` / ``${...}`` as written (see :func:`find_expressions`).

    ``operator`` is ``""`` for a plain reference; ``default`` is the text after the
    operator (default, alternative or error message), ``None`` without operator.
    ``kind`` is ``"invalid"`` for an expression Compose rejects (then ``name`` is ``""``).
    """

    text: str
    offset: int
    end: int
    name: str
    operator: Operator
    default: str | None
    default_offset: int | None
    kind: Literal["named", "braced", "invalid"]

    __slots__ = ("default", "default_offset", "end", "kind", "name", "offset", "operator", "text")

    def __init__(
        self,
        text: str,
        offset: int,
        end: int,
        name: str,
        operator: Operator,
        default: str | None,
        default_offset: int | None,
        kind: Literal["named", "braced", "invalid"],
    ) -> None:
        set_field(self, "text", text)
        set_field(self, "offset", offset)
        set_field(self, "end", end)
        set_field(self, "name", name)
        set_field(self, "operator", operator)
        set_field(self, "default", default)
        set_field(self, "default_offset", default_offset)
        set_field(self, "kind", kind)


Locate = Callable[[int, int], Span | None]


class InterpolationTooLarge(InterpolationSyntaxError):
    """The interpolated value would exceed the expansion budget (``composelint.limits``)."""


class _Scan:
    """State of one interpolation (or one expression search) over a string."""

    __slots__ = (
        "_line",
        "_pairs",
        "budget",
        "find",
        "found",
        "locate",
        "resolve",
        "size",
        "subs",
        "text",
        "where",
    )

    def __init__(
        self,
        text: str,
        resolve: Resolver | None,
        locate: Locate | None,
        where: Span | None,
        budget: ExpansionBudget | None = None,
    ) -> None:
        self.text = text
        self.budget = budget or ExpansionBudget()
        self.size = 0  # bytes substituted into this value so far
        self.resolve = resolve
        self.locate = locate
        self.where = where
        self.subs: list[Substitution] = []
        self.found: list[Expression] = []
        self.find = resolve is None
        # (scan start, end bound, line end, last "}" before it) of the line scanned
        self._line: tuple[int, int, int, int] = (-1, -1, -1, -1)
        self._pairs: dict[int, int] | None = None  # "{" -> its balancing "}", see below

    def first_brace_closing(self, start: int, end: int) -> int:
        """:func:`_first_brace_closing` from the ``$`` at ``start``, in constant time
        after one pass over the text (nested defaults are not rescanned per level)."""
        if self._pairs is None:
            self._pairs = _brace_pairs(self.text)
        close = self._pairs.get(start + 1, -1)
        return close if close < end else -1

    def braced(self, pos: int, end: int) -> _Braced | None:
        """What ``_BRACED.match(text, pos, end)`` finds, in time independent of the
        line's length: an operator expression first extends to the last ``}`` of its
        line, found once per line (a line of 5000 expressions is not scanned 5000 times)."""
        text = self.text
        head = _BRACED_HEAD.match(text, pos, end)
        if head is None:
            return None
        name_end = head.end(1)
        if head.group(2) is None:
            if name_end < end and text[name_end] == "}":
                return _Braced(head.group(1), None, name_end, name_end + 1)
            return None
        start, bound, line_end, last = self._line
        if bound != end or not start <= pos < line_end:
            line_end = text.find("\n", pos, end)
            line_end = end if line_end < 0 else line_end
            last = text.rfind("}", pos, line_end)
            self._line = (pos, end, line_end, last)
        if last < head.end():
            return None
        return _Braced(head.group(1), head.group(2), head.end(), last + 1)  # type: ignore[arg-type]

    def span(self, start: int, end: int) -> Span | None:
        return self.locate(start, end) if self.locate is not None else None

    def run(self, start: int, end: int, depth: int = 0) -> str:
        """Interpolate ``text[start:end]`` as one template (Compose's ``Substitute``)."""
        text = self.text
        out: list[str] = []
        i = start
        # Compose interpolates what follows a braced operator expression on its line
        # as a separate template; only error messages can tell the difference.
        tmpl_start, tmpl_end, rest_end = start, end, -1
        while True:
            if i >= rest_end >= 0:
                tmpl_start, tmpl_end, rest_end = start, end, -1
            j = text.find("$", i, end)
            if j < 0:
                out.append(text[i:end])
                return "".join(out)
            out.append(text[i:j])
            nxt = text[j + 1] if j + 1 < end else ""
            if nxt == "$":
                out.append("$")
                i = j + 2
            elif nxt == "{":
                m = self.braced(j + 2, end)
                if m is None:
                    if self.find:
                        close = text.find("}", j + 2, end)
                        stop = close + 1 if close >= 0 and "\n" not in text[j:close] else j + 2
                        self.found.append(
                            Expression(text[j:stop], j, stop, "", "", None, None, "invalid")
                        )
                        i = j + 2
                        continue
                    raise _invalid(text, j, end, text[tmpl_start:tmpl_end])
                if m.op is None:
                    out.append(self.lookup(m.name, j, m.end, braced=True))
                    i = m.end
                    continue
                if text.find("{", j + 2, m.end) < 0:  # the usual case
                    close = text.find("}", m.arg_start, m.end)
                else:
                    close = self.first_brace_closing(j, m.end)
                expr_end = close + 1 if close >= 0 else m.end
                if expr_end < m.end:
                    tmpl_start, tmpl_end, rest_end = expr_end, m.end, m.end
                out.append(self.operator(m, j, expr_end, depth))
                i = expr_end
            else:
                named = _NAMED.match(text, j + 1, end)
                if named is None:
                    out.append("$")
                    i = j + 1
                else:
                    out.append(self.lookup(named.group(0), j, named.end(), braced=False))
                    i = named.end()

    def charge(self, value: str, start: int, end: int) -> str:
        """``value``, once its length is within the value's and the project's budget."""
        n = len(value)
        if n:
            self.size += n
            self.budget.remaining -= n
            if self.size > limits.MAX_EXPANDED_BYTES or self.budget.remaining < 0:
                limit = (
                    f"{limits.MAX_EXPANDED_BYTES} bytes for one value"
                    if self.size > limits.MAX_EXPANDED_BYTES
                    else f"{limits.MAX_TOTAL_EXPANDED_BYTES} bytes for the project"
                )
                raise InterpolationTooLarge(
                    f"interpolation expands beyond the limit of {limit} "
                    "(a variable repeated too often): the value is not expanded",
                    start,
                    end - start,
                    self.text[start:end][:_MAX_QUOTED],
                )
        return value

    def lookup(self, name: str, start: int, end: int, *, braced: bool) -> str:
        expr_text = self.text[start:end]
        expr_span = self.span(start, end)
        if self.find:
            kind: Literal["braced", "named"] = "braced" if braced else "named"
            self.found.append(Expression(expr_text, start, end, name, "", None, None, kind))
            return ""
        assert self.resolve is not None
        var = self.resolve(name)
        if var is None:
            self.subs.append(
                Substitution(name, "unset", "", expr_span or self.where, expr_text, expr_span)
            )
            return ""
        self.subs.append(Substitution(name, var.source, var.value, var.span, expr_text, expr_span))
        return self.charge(var.value, start, end)

    def operator(self, m: _Braced, start: int, end: int, depth: int) -> str:
        name = m.name
        op: Operator = m.op or ""
        arg_start, arg_end = m.arg_start, end - 1
        expr_text = self.text[start:end]
        expr_span = self.span(start, end)
        if depth >= _MAX_DEPTH:
            raise InterpolationSyntaxError(
                "interpolation nested too deeply", start, end - start, expr_text
            )
        index = len(self.subs)
        if self.find:
            self.found.append(
                Expression(
                    expr_text,
                    start,
                    end,
                    name,
                    op,
                    self.text[arg_start:arg_end],
                    arg_start,
                    "braced",
                )
            )
            self.run(arg_start, arg_end, depth + 1)
            return ""
        # Compose interpolates the default / message before it looks the name up.
        text = self.text
        if text.find("$", arg_start, arg_end) < 0:
            arg = text[arg_start:arg_end]
        else:
            arg = self.run(arg_start, arg_end, depth + 1)
        assert self.resolve is not None
        var = self.resolve(name)
        value = var.value if var is not None else None
        if op in (":-", "-"):
            use_default = value is None or (op == ":-" and value == "")
        elif op in (":+", "+"):
            use_default = value is not None and (op == "+" or value != "")
        else:  # ":?" / "?": a missing value is an error Compose reports
            use_default = False
            if value is None or (op == ":?" and value == ""):
                self.subs.insert(
                    index,
                    Substitution(
                        name, "error", None, expr_span or self.where, expr_text, expr_span
                    ),
                )
                return ""
        if use_default:
            sub = Substitution(
                name,
                "default",
                arg,
                self.span(arg_start, arg_end) or self.where,
                expr_text,
                expr_span,
            )
        elif var is not None:
            sub = Substitution(name, var.source, var.value, var.span, expr_text, expr_span)
        else:  # ${UNSET:+x} / ${UNSET+x}: empty, and no warning from Compose
            sub = Substitution(name, "unset", "", expr_span or self.where, expr_text, expr_span)
        self.subs.insert(index, sub)
        return self.charge(sub.value or "", start, end)


class _Braced(Frozen):
    """A braced expression's name, operator (None: ``${NAME}``), where the text after
    the operator starts and where the match ends (after the line's last ``}``)."""

    name: str
    op: Operator | None
    arg_start: int
    end: int

    __slots__ = ("arg_start", "end", "name", "op")

    def __init__(self, name: str, op: Operator | None, arg_start: int, end: int) -> None:
        set_field(self, "name", name)
        set_field(self, "op", op)
        set_field(self, "arg_start", arg_start)
        set_field(self, "end", end)


def _brace_pairs(text: str) -> dict[int, int]:
    """Every counted ``{`` of ``text`` and the ``}`` that balances it, under the rule of
    :func:`_first_brace_closing` (a counted ``{`` hides the character after it).

    One pass from the start gives the answer for every start at a ``$``: whether a
    brace is hidden depends only on the run of ``{`` right before it, which a ``$``
    ends, and the balancing brace of a ``{`` does not depend on what precedes it."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    hidden = -1
    for m in _BRACES.finditer(text):
        p = m.start()
        if p == hidden:
            continue
        if text[p] == "}":
            if stack:
                pairs[stack.pop()] = p
        else:
            stack.append(p)
            hidden = p + 1
    return pairs


def _first_brace_closing(text: str, start: int, end: int) -> int:
    """Compose's ``getFirstBraceClosingIndex``: the ``}`` balancing ``text[start+1]``.

    Any ``{`` counts and hides the character right after it. -1 when unbalanced.
    """
    depth = 0
    hidden = -1
    for m in _BRACES.finditer(text, start, end):
        p = m.start()
        if p == hidden:
            continue
        if text[p] == "}":
            depth -= 1
            if depth == 0:
                return p
        else:
            depth += 1
            hidden = p + 1
    return -1


def _invalid(text: str, start: int, end: int, template: str) -> InterpolationSyntaxError:
    """The error for the ``${`` at ``start``: the bad expression runs to the next ``}``
    on its line, or to the end of the line."""
    line_end = text.find("\n", start, end)
    if line_end < 0:
        line_end = end
    close = text.find("}", start + 2, line_end)
    stop = close + 1 if close >= 0 else line_end
    bad = text[start:stop]
    if len(bad) > _MAX_QUOTED:
        bad = bad[:_MAX_QUOTED] + "..."
    return InterpolationSyntaxError(
        f'invalid interpolation format "{bad}"; you may need to escape any $ with another $',
        start,
        stop - start,
        template,
    )


def interpolate(
    text: str,
    resolve: Resolver,
    *,
    where: Span | None = None,
    single_line_exact: bool = False,
) -> tuple[str, tuple[Substitution, ...]]:
    """Interpolate ``text`` like Compose; return the result and one substitution per
    expression (nested ones included), in source order.

    ``where`` is the location of the text. With ``single_line_exact`` the text is
    written on one line with no escapes, ``where.col`` being the column of
    ``text[0]``: then expression and default spans are exact; otherwise they fall
    back to ``where``. A missing required variable does not raise (its substitution
    has source ``"error"``); a malformed expression raises
    :class:`InterpolationSyntaxError`.
    """
    if "$" not in text:
        return text, ()
    locate: Locate | None = None
    if single_line_exact and where is not None:
        locate = _line_locator(where)
    return interpolate_located(text, resolve, locate, where)


def _line_locator(where: Span) -> Locate:
    path, line, col = where.path, where.line, where.col

    def locate(start: int, end: int) -> Span:
        return Span(path, line, col + start, line, col + end)

    return locate


def interpolate_located(
    text: str,
    resolve: Resolver,
    locate: Locate | None,
    where: Span | None,
    budget: ExpansionBudget | None = None,
) -> tuple[str, tuple[Substitution, ...]]:
    """:func:`interpolate` with an arbitrary mapping from offsets in ``text`` to source
    spans (``.env`` values, whose escapes and line breaks break the 1:1 mapping).
    ``budget`` is shared by the values of a project (raises :class:`InterpolationTooLarge`)."""
    scan = _Scan(text, resolve, locate, where, budget)
    result = scan.run(0, len(text))
    return result, tuple(scan.subs)


def interpolate_scalar(
    node: Scalar, resolve: Resolver, budget: ExpansionBudget | None = None
) -> Scalar:
    """The interpolated copy of a string scalar (``node`` itself when it has no ``$``).

    The copy keeps span, style and tag, holds the original text in ``raw`` and the
    substitutions in ``subs``. Raises :class:`InterpolationSyntaxError`.
    """
    text = node.value
    if not isinstance(text, str) or "$" not in text:
        return node
    where = node.span
    locate: Locate | None = None
    col = node.text_column()  # None: YAML escapes, tags or anchors make the source wider
    if where is not None and col is not None:
        locate = _line_locator(Span(where.path, where.line, col, where.line, where.end_col))
    value, subs = interpolate_located(text, resolve, locate, where, budget)
    return Scalar(value, node.span, raw=text, style=node.style, subs=subs, tag=node.tag)


def find_expressions(text: str) -> list[Expression]:
    """Every ``$VAR`` / ``${...}`` in ``text`` (nested ones too), in source order,
    without looking anything up; ``$$`` escapes are skipped. Never raises."""
    if "$" not in text:
        return []
    return list(_find_expressions(text))


@lru_cache(maxsize=4096)
def _find_expressions(text: str) -> tuple[Expression, ...]:
    """Cached: the rules ask about every occurrence of a value YAML aliases repeat."""
    scan = _Scan(text, None, None, None)
    with contextlib.suppress(InterpolationSyntaxError):  # only "nested too deeply"
        scan.run(0, len(text))
    return tuple(sorted(scan.found, key=lambda e: e.offset))


def _required_parts(sub: Substitution) -> tuple[str, str] | None:
    m = _BRACED.match(sub.expression, 2)
    if m is None or m.group(2) not in (":?", "?"):
        return None
    return m.group(1), sub.expression[m.start(3) : -1]


def required_reason(sub: Substitution, resolve: Resolver | None = None) -> str:
    """The reason text of a failed ``${VAR:?reason}`` (interpolated when ``resolve``
    is given, as Compose does); ``""`` when there is none."""
    parts = _required_parts(sub)
    if parts is None:
        return ""
    reason = parts[1]
    if resolve is not None:
        with contextlib.suppress(InterpolationSyntaxError):
            reason = interpolate(reason, resolve)[0]
    return reason


def required_message(sub: Substitution, resolve: Resolver | None = None) -> str:
    """Compose's error for a failed ``${VAR:?reason}``:
    ``required variable VAR is missing a value: reason``."""
    reason = required_reason(sub, resolve)
    text = f"required variable {sub.name} is missing a value"
    return f"{text}: {reason}" if reason else text
