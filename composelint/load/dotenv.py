""".env files, parsed the way Docker Compose parses them, with exact positions.

Compose reads ``.env``, ``--env-file`` and service ``env_file`` files with compose-go's
``dotenv`` parser (v2.9.1), whose rules differ from python-dotenv's in many places
(``A: x`` is an assignment, ``\\$`` escapes a dollar, single quotes are literal,
``C="x" D=2`` is two assignments, ``$VAR`` and nesting are interpolated ...). This
module re-implements those rules, quirks included, and records where every key,
value and substituted variable is written. ``format: raw`` files follow the
``docker run --env-file`` rules that docker compose registers for that format.

Unlike Compose, parsing does not stop at the first error: every error is recorded
(the first one is the one Compose reports) and parsing resumes on the next line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

from composelint.model.nodes import Substitution
from composelint.model.project import EnvVar
from composelint.model.record import Frozen, Record, set_field
from composelint.model.span import Span
from composelint.regex import lazy_pattern
from composelint.resolve.interpolate import (
    ExpansionBudget,
    InterpolationSyntaxError,
    InterpolationTooLarge,
    Locate,
    interpolate_located,
    required_message,
)

Lookup = Callable[[str], EnvVar | None]

# Go's unicode.IsSpace, and the parser's own isSpace (the same without "\n" and the
# non-Latin-1 spaces).
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SKIP_GO_SPACE = lazy_pattern(f"[{_GO_SPACE}]*")
_SKIP_SPACE = lazy_pattern("[\t\v\f\r \x85\xa0]*")
_TRAILING_GO_SPACE = lazy_pattern(f"(?<![{_GO_SPACE}])[{_GO_SPACE}]+$")  # from a run's start only
_EXPORT = lazy_pattern(r"export[\t\n\f\r ]+")  # Go's ^export\s+
# key characters (ASCII part) and the parser's in-key spaces; other letters and
# digits are checked one by one
_KEY_RUN = lazy_pattern(r"[A-Za-z0-9_.\-\[\]\t\v\f\r \x85\xa0]*")
_QUOTED_BODY = {
    '"': re.compile(r'(?:[^\\"]|\\.)*', re.S),
    "'": re.compile(r"(?:[^\\']|\\.)*", re.S),
}
_QUOTE_ESCAPE = lazy_pattern(r"\\(.)", re.S)
_ESCAPE_SEQ = lazy_pattern(r"\\(?:[abcfnrtv$\"\\]|0[0-9]{0,3})")
_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    '"': '"',
    "$": "$$",  # Compose turns \$ into the $$ escape of its interpolation syntax
}


class EnvEntry(Frozen):
    """One assignment (or bare inherited key) of an env file."""

    key: str
    value: str | None  # None: bare key inheriting from the lookup env and not found
    raw_value: str  # the value as written, quotes included
    quote: str  # "", "'" or '"'
    line: int  # 1-based line of the key
    span: Span  # key .. end of value (may span lines)
    key_span: Span
    value_span: Span  # the value as written, quotes included
    subs: tuple[Substitution, ...]
    exported: bool
    inherited: bool  # bare `KEY` / `export KEY`

    __slots__ = (
        "exported",
        "inherited",
        "key",
        "key_span",
        "line",
        "quote",
        "raw_value",
        "span",
        "subs",
        "value",
        "value_span",
    )

    def __init__(
        self,
        key: str,
        value: str | None,
        raw_value: str,
        quote: str,
        line: int,
        span: Span,
        key_span: Span,
        value_span: Span,
        subs: tuple[Substitution, ...],
        exported: bool,
        inherited: bool,
    ) -> None:
        set_field(self, "key", key)
        set_field(self, "value", value)
        set_field(self, "raw_value", raw_value)
        set_field(self, "quote", quote)
        set_field(self, "line", line)
        set_field(self, "span", span)
        set_field(self, "key_span", key_span)
        set_field(self, "value_span", value_span)
        set_field(self, "subs", subs)
        set_field(self, "exported", exported)
        set_field(self, "inherited", inherited)


class EnvSyntaxError(Frozen):
    """Something that makes Compose reject the file."""

    message: str
    span: Span
    fatal: bool  # a budget was exceeded: the file could not be linted

    __slots__ = ("fatal", "message", "span")

    def __init__(self, message: str, span: Span, fatal: bool = False) -> None:
        set_field(self, "message", message)
        set_field(self, "span", span)
        set_field(self, "fatal", fatal)


class EnvFileResult(Record):
    entries: list[EnvEntry]  # file order, duplicates kept
    errors: list[EnvSyntaxError]  # Compose reports the first

    __slots__ = ("entries", "errors")

    def __init__(
        self, entries: list[EnvEntry] | None = None, errors: list[EnvSyntaxError] | None = None
    ) -> None:
        self.entries = [] if entries is None else entries
        self.errors = [] if errors is None else errors

    def values(self) -> dict[str, EnvEntry]:
        """The effective assignments: the last one of each key wins; bare keys not
        found in the lookup environment are left out (Compose omits them)."""
        return {e.key: e for e in self.entries if e.value is not None}


def parse_env(
    text: str,
    display_path: str,
    lookup: Lookup,
    *,
    raw_format: bool = False,
    interpolate_values: bool = True,
    budget: ExpansionBudget | None = None,
) -> EnvFileResult:
    """Parse an env file like Compose.

    ``budget`` bounds what interpolation may produce (shared by a project's files).

    ``lookup`` is consulted first when a value refers to a variable (the caller
    passes the OS / project environment); the file's own earlier lines come second.
    Bare keys inherit from ``lookup`` only. With ``interpolate_values=False`` values
    keep their ``$`` expressions (``\\$`` in double quotes then reads ``$$``).
    ``raw_format`` applies the ``env_file: {format: raw}`` rules: values are taken
    literally.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    parser = _Parser(text, display_path, lookup, interpolate_values, budget)
    if raw_format:
        parser.parse_raw()
    else:
        parser.parse()
    return parser.result


_GO_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def _go_quote(s: str) -> str:
    """Go's ``%q`` of a string (for messages that mirror Compose's)."""
    out = ['"']
    for c in s:
        if c in _GO_ESCAPES:
            out.append(_GO_ESCAPES[c])
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\x{ord(c):02x}")
        elif not c.isprintable():
            out.append(f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


class _Parser:
    def __init__(
        self,
        text: str,
        path: str,
        lookup: Lookup,
        interpolate_values: bool,
        budget: ExpansionBudget | None = None,
    ) -> None:
        self.budget = budget
        self.s = text
        self.n = len(text)
        self.path = path
        self.lookup = lookup
        self.interpolate_values = interpolate_values
        self.result = EnvFileResult()
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.known: dict[str, EnvVar] = {}  # values of the lines parsed so far

    # -- positions -----------------------------------------------------------
    def pos(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        line, col = self.pos(start)
        end_line, end_col = self.pos(end)
        return Span(self.path, line, col, end_line, end_col)

    def error(self, message: str, start: int, end: int) -> None:
        self.result.errors.append(EnvSyntaxError(message, self.span(start, end)))

    def next_line(self, offset: int) -> int:
        nl = self.s.find("\n", offset)
        return self.n if nl < 0 else nl + 1

    def resolve(self, name: str) -> EnvVar | None:
        var = self.lookup(name)
        return var if var is not None else self.known.get(name)

    # -- compose-go's .env format -----------------------------------------
    def parse(self) -> None:
        s, n = self.s, self.n
        pos = 0
        while True:
            pos = _SKIP_GO_SPACE.match(s, pos).end()  # type: ignore[union-attr]
            if pos >= n:
                return
            if s[pos] == "#":
                nl = s.find("\n", pos)
                if nl < 0:
                    return
                pos = nl
                continue
            pos = self.statement(pos)

    def statement(self, start: int) -> int:
        """Parse the assignment at ``start``; return where the next one may begin."""
        s, n = self.s, self.n
        exported = False
        pos = start
        m = _EXPORT.match(s, pos)
        if m is not None:
            exported = True
            pos = _SKIP_SPACE.match(s, pos + len("export")).end()  # type: ignore[union-attr]
        key_start = i = pos
        sep = ""
        while True:
            i = _KEY_RUN.match(s, i).end()  # type: ignore[union-attr]
            if i >= n:
                break
            c = s[i]
            if c in "=:\n":
                sep = c
                break
            if c.isalpha() or c.isnumeric():
                i += 1
                continue
            line_text = s[key_start : self.next_line(key_start)].rstrip("\n")
            self.error(
                f"unexpected character {_go_quote(c)} in variable name {_go_quote(line_text)}",
                i,
                i + 1,
            )
            return self.next_line(i)
        if not sep:
            if key_start >= n:
                self.error("zero length string", start, n)
                return n
            # No separator before the end of the file: Compose parses the text as
            # the value of an empty key.
            return self.value(start, key_start, key_start, key_start, exported)
        key_end = key_start + len(_TRAILING_GO_SPACE.sub("", s[key_start:i]))
        key = s[key_start:key_end]
        if " " in key:
            self.error("key cannot contain a space", key_start, key_end)
            return i + 1 if sep == "\n" else self.next_line(i)
        if sep == "\n":
            self.inherited(key, key_start, key_end, exported)
            return i + 1
        vpos = _SKIP_SPACE.match(s, i + 1).end()  # type: ignore[union-attr]
        return self.value(start, key_start, key_end, vpos, exported)

    def inherited(self, key: str, key_start: int, key_end: int, exported: bool) -> None:
        var = self.lookup(key)
        key_span = self.span(key_start, key_end)
        end = self.span(key_end, key_end)
        self.add(
            EnvEntry(
                key,
                var.value if var else None,
                "",
                "",
                key_span.line,
                key_span,
                key_span,
                end,
                (),
                exported,
                True,
            )
        )
        if var is not None:
            self.known[key] = var

    def value(self, start: int, key_start: int, key_end: int, vpos: int, exported: bool) -> int:
        s, n = self.s, self.n
        quote = s[vpos] if vpos < n and s[vpos] in "\"'" else ""
        if not quote:
            nl = s.find("\n", vpos)
            line_end = n if nl < 0 else nl
            raw = s[vpos:line_end].split(" #", 1)[0]
            raw = _TRAILING_GO_SPACE.sub("", raw)
            vend = vpos + len(raw)
            line, col = self.pos(vpos)
            path = self.path

            def locate(a: int, b: int) -> Span:
                return Span(path, line, col + a, line, col + b)

            value, subs = self.expand(raw, locate, vpos, vend)
            self.entry(key_start, key_end, vpos, vend, value, raw, "", subs, exported)
            return n if nl < 0 else nl + 1
        body = _QUOTED_BODY[quote].match(s, vpos + 1)
        close = body.end()  # type: ignore[union-attr]
        if close >= n:
            line_end = s.find("\n", vpos)
            line_end = n if line_end < 0 else line_end
            self.error(f"unterminated quoted value {s[vpos:line_end]}", vpos, line_end)
            return self.next_line(vpos)
        raw = s[vpos : close + 1]
        if quote == "'":
            value = _QUOTE_ESCAPE.sub(
                lambda m: m.group(1) if m.group(1) == "'" else m.group(0), s[vpos + 1 : close]
            )
            self.entry(key_start, key_end, vpos, close + 1, value, raw, quote, (), exported)
        else:
            template, origin = self.double_quoted(vpos + 1, close)

            def locate_dq(a: int, b: int) -> Span:
                if a >= b:
                    at = origin[a][0] if a < len(origin) else close
                    return self.span(at, at)
                return self.span(origin[a][0], origin[b - 1][1])

            value, subs = self.expand(template, locate_dq, vpos, close + 1)
            self.entry(key_start, key_end, vpos, close + 1, value, raw, quote, subs, exported)
        return close + 1

    def double_quoted(self, start: int, end: int) -> tuple[str, list[tuple[int, int]]]:
        """The template of a double-quoted value (quote escapes removed, then escape
        sequences expanded) and, for each of its characters, the source range it
        comes from."""
        s = self.s
        chars: list[str] = []
        origin: list[tuple[int, int]] = []
        i = start
        while i < end:
            if s[i] == "\\" and i + 1 < end:
                if s[i + 1] == '"':
                    chars.append('"')
                    origin.append((i, i + 2))
                else:
                    chars += ["\\", s[i + 1]]
                    origin += [(i, i + 1), (i + 1, i + 2)]
                i += 2
            else:
                chars.append(s[i])
                origin.append((i, i + 1))
                i += 1
        text = "".join(chars)
        if "\\" not in text:
            return text, origin
        out: list[str] = []
        out_origin: list[tuple[int, int]] = []
        last = 0
        for m in _ESCAPE_SEQ.finditer(text):
            a, b = m.span()
            out.append(text[last:a])
            out_origin += origin[last:a]
            replacement = _unescape(m.group(0))
            out.append(replacement)
            out_origin += [(origin[a][0], origin[b - 1][1])] * len(replacement)
            last = b
        out.append(text[last:])
        out_origin += origin[last:]
        return "".join(out), out_origin

    def expand(
        self, template: str, locate: Locate, vstart: int, vend: int
    ) -> tuple[str, tuple[Substitution, ...]]:
        if not self.interpolate_values or "$" not in template:
            return template, ()
        where = self.span(vstart, vend)
        try:
            value, subs = interpolate_located(template, self.resolve, locate, where, self.budget)
        except InterpolationSyntaxError as exc:
            too_large = isinstance(exc, InterpolationTooLarge)
            self.result.errors.append(
                EnvSyntaxError(
                    exc.message if too_large else f"Invalid template: {_go_quote(exc.template)}",
                    locate(exc.offset, exc.offset + exc.length) or where,
                    fatal=too_large,
                )
            )
            return template, ()
        for sub in subs:
            if sub.source == "error":
                self.result.errors.append(
                    EnvSyntaxError(required_message(sub, self.resolve), sub.expr_span or where)
                )
        return value, subs

    def entry(
        self,
        key_start: int,
        key_end: int,
        vstart: int,
        vend: int,
        value: str,
        raw: str,
        quote: str,
        subs: tuple[Substitution, ...],
        exported: bool,
    ) -> None:
        key = self.s[key_start:key_end]
        key_span = self.span(key_start, key_end)
        span = self.span(key_start, vend)
        self.add(
            EnvEntry(
                key,
                value,
                raw,
                quote,
                key_span.line,
                span,
                key_span,
                self.span(vstart, vend),
                subs,
                exported,
                False,
            )
        )
        self.known[key] = EnvVar(key, value, "env", span)

    def add(self, entry: EnvEntry) -> None:
        self.result.entries.append(entry)

    # -- format: raw (docker run --env-file) ----------------------------------
    def parse_raw(self) -> None:
        s = self.s
        for number, begin in enumerate(self.line_starts, start=1):
            end = self.line_starts[number] - 1 if number < len(self.line_starts) else self.n
            if end > begin and s[end - 1] == "\r":
                end -= 1
            start = _SKIP_GO_SPACE.match(s, begin, end).end()  # type: ignore[union-attr]
            if start >= end or s[start] == "#":
                continue
            line = s[start:end]
            key, eq, value = line.partition("=")
            key_end = start + len(key)
            if not key:
                self.error(f"no variable name on line '{line}'", start, end)
                continue
            if " " in key or "\t" in key:
                self.error(f"variable '{key}' contains whitespaces", start, key_end)
                continue
            if not eq:  # a bare KEY inherits, as in the default format
                self.inherited(key, start, key_end, False)
                continue
            key_span = self.span(start, key_end)
            self.add(
                EnvEntry(
                    key,
                    value,
                    value,
                    "",
                    number,
                    self.span(start, end),
                    key_span,
                    self.span(key_end + 1, end),
                    (),
                    False,
                    False,
                )
            )


def _unescape(seq: str) -> str:
    """One escape sequence of a double-quoted value, as Compose decodes it (``\\0NNN``
    is octal NNN); unknown sequences stay as written."""
    c = seq[1]
    if c != "0":
        return _SIMPLE_ESCAPES.get(c, seq)
    # Compose rewrites \0NNN to \NNN before decoding, and keeps the rewritten text
    # when decoding fails: "\0777" gives "\777", "\0" gives "\"
    digits = seq[2:]
    if len(digits) != 3 or not all(d in "01234567" for d in digits) or digits > "377":
        return "\\" + digits
    return chr(int(digits, 8))
