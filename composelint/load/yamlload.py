"""Load YAML text into the located node tree with Compose's (go-yaml v3) semantics.

PyYAML implements YAML 1.1, Compose uses go-yaml v3 (YAML 1.2-ish), so only PyYAML's
*parser* is used (libyaml's when available): the tree is built here from the event
stream, iteratively, which also lets us bound nesting depth and alias expansion
(untrusted input must not blow the Python stack or memory).

Semantics follow go-yaml v3 ``resolve.go`` / ``decode.go`` and were checked against
``docker compose config``:

* plain scalars: null is ``~ null Null NULL`` and empty; bools only
  ``true True TRUE false False FALSE`` (``yes``/``on`` stay strings); ints in Go
  syntax (``010`` is octal 8, ``0o10``, ``0x1F``, ``0b101``, ``_`` separators, int64
  then uint64); YAML-style floats (``08`` is 8.0, ``1e3`` 1000.0, ``.inf``, ``.nan``);
  no base 60 (``22:22`` is a string); dates/times become ``YamlTimestamp`` (a ``str``
  subclass: go-yaml makes them ``time.Time``, which Compose rejects in most fields);
* quoted and block scalars are strings; ``!!str !!int !!float !!bool !!null
  !!timestamp`` are honoured; any other tag (``!foo``, ``!reset``, ``!override``)
  makes the scalar a string, as in go-yaml; ``!reset``/``!override`` are recorded in
  ``Node.tag``;
* mapping keys must be strings; duplicates are reported (last value kept);
* merge keys (``<<``) merge shallowly: explicit keys win, in a list the earlier map wins;
* an alias yields the *same node object* as its anchor (nodes are shared, so
  consumers must never mutate loaded nodes in place; ``Node.span`` of a shared node
  is where the anchored value is written, the key span is where the alias is used);
* empty documents are skipped; next to non-empty ones they are also reported, since
  Compose rejects them ("top-level object must be a mapping").
"""

from __future__ import annotations

import gc
import json
import math
from typing import Any

from composelint import limits
from composelint.load.pyyaml import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    yaml,
)
from composelint.model.findings import Related
from composelint.model.nodes import Mapping, Node, Scalar, ScalarValue, Sequence
from composelint.model.record import Frozen, Record, set_field
from composelint.model.span import Span
from composelint.regex import lazy_pattern

# libyaml's parser when PyYAML was built with it, else the pure-Python one. Only the
# parser part (get_event) of these loaders is used.
_PARSER: type = yaml.CBaseLoader if getattr(yaml, "__with_libyaml__", False) else yaml.BaseLoader


class YamlProblem(Frozen):
    rule: str  # "yaml-syntax" | "duplicate-key"
    message: str
    span: Span
    related: tuple[Related, ...]
    fatal: bool  # True when the document could not be loaded at all

    __slots__ = ("fatal", "message", "related", "rule", "span")

    def __init__(
        self,
        rule: str,
        message: str,
        span: Span,
        related: tuple[Related, ...] = (),
        fatal: bool = False,
    ) -> None:
        set_field(self, "rule", rule)
        set_field(self, "message", message)
        set_field(self, "span", span)
        set_field(self, "related", related)
        set_field(self, "fatal", fatal)


class YamlLoadResult(Record):
    documents: list[Node]  # one root per YAML document ('---'), empty docs skipped
    problems: list[YamlProblem]

    __slots__ = ("documents", "problems")

    def __init__(self, documents: list[Node], problems: list[YamlProblem]) -> None:
        self.documents = documents
        self.problems = problems


class YamlTimestamp(str):
    """A plain scalar that go-yaml decodes as a timestamp (``time.Time``).

    It is kept as its text, but Compose rejects it wherever a string is expected
    (``invalid jsonType time.Time``) and prints it reformatted in ``x-`` extensions.
    """

    __slots__ = ()


# --------------------------------------------------------------------------------------
# Scalar resolution (go-yaml v3 resolve.go)

# Values looked up before anything else (resolveMap).
_SPECIAL: dict[str, ScalarValue] = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
# First characters that may start a non-string plain scalar (resolveTable); "" is null.
_HINT = frozenset(["", *"+-0123456789yYnNtTfFoO~."])
_NUMERIC_START = frozenset("+-0123456789")
_MISSING = object()

# strconv.ParseInt(s, 0, 64): optional sign, then a Go integer literal.
_GO_INT = lazy_pattern(
    r"([+-]?)(?:0[xX]([0-9a-fA-F]+)|0[bB]([01]+)|0[oO]([0-7]+)|(0[0-7]*)|([1-9][0-9]*))\Z"
)
_YAML_FLOAT = lazy_pattern(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_SIGNED_DIGITS = {2: lazy_pattern(r"[+-]?[01]+\Z"), 8: lazy_pattern(r"[+-]?[0-7]+\Z")}
_INT64_MIN, _INT64_MAX, _UINT64_MAX = -(2**63), 2**63 - 1, 2**64 - 1

# The timestamp layouts go-yaml tries with time.Parse (date only; "T"/"t" with a zone;
# one or more spaces without a zone). Ranges are checked in is_yaml_timestamp.
_TIMESTAMP = lazy_pattern(
    r"[0-9]{4}-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:[Tt]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?(?:Z|[+-]([0-9]{2}):([0-9]{2}))"
    r"| +([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?)?\Z"
)
_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_yaml_timestamp(s: str) -> bool:
    """Whether go-yaml v3 would decode the plain scalar ``s`` as a ``time.Time``."""
    if len(s) < 8 or s[4] != "-":
        return False
    m = _TIMESTAMP.match(s)
    if m is None:
        return False
    month, day = int(m[1]), int(m[2])
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month]:
        return False
    year = int(s[:4])
    if month == 2 and day == 29 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return False
    hms = m.group(3, 4, 5) if m[3] is not None else m.group(8, 9, 10)
    if hms[0] is not None and (int(hms[0]) > 23 or int(hms[1]) > 59 or int(hms[2]) > 59):
        return False
    return m[6] is None or (int(m[6]) <= 24 and int(m[7]) <= 60)


def _go_int(digits: str, base: int, sign: str) -> int | None:
    """strconv.ParseInt, falling back to ParseUint (which takes no sign)."""
    v = int(digits, base)
    if sign == "-":
        v = -v
    if _INT64_MIN <= v <= _INT64_MAX or (not sign and v <= _UINT64_MAX):
        return v
    return None


def _resolve_number(s: str, timestamps: bool) -> ScalarValue:
    """Resolution of a plain scalar starting with a sign or a digit."""
    if timestamps and is_yaml_timestamp(s):
        return YamlTimestamp(s)
    plain = s.replace("_", "") if "_" in s else s
    m = _GO_INT.match(plain)
    if m is not None:
        sign, hexa, binary, octal, octal_old, decimal = m.groups()
        if hexa is not None:
            v = _go_int(hexa, 16, sign)
        elif binary is not None:
            v = _go_int(binary, 2, sign)
        elif octal is not None:
            v = _go_int(octal, 8, sign)
        elif octal_old is not None:
            v = _go_int(octal_old, 8, sign)
        else:
            v = _go_int(decimal, 10, sign)
        if v is not None:
            return v
    if _YAML_FLOAT.match(plain):
        f = float(plain)
        if not math.isinf(f):  # Go reports a range error: the value stays a string
            return f
    # go-yaml's own fallbacks: "0b"/"0o" followed by a signed number, "-0b"/"-0o".
    for prefix, base in (("0b", 2), ("0o", 8)):
        if plain.startswith(prefix):
            rest = plain[2:]
        elif plain.startswith("-" + prefix):
            rest = "-" + plain[3:]
        else:
            continue
        if _SIGNED_DIGITS[base].match(rest):
            sign = rest[0] if rest[0] in "+-" else ""
            v = _go_int(rest.lstrip("+-"), base, sign)
            if v is not None:
                return v
    return s


def _resolve_plain(s: str, *, timestamps: bool = True) -> ScalarValue:
    """The value go-yaml v3 gives an untagged plain scalar with text ``s``."""
    c = s[:1]
    if c not in _HINT:
        return s
    v = _SPECIAL.get(s, _MISSING)
    if v is not _MISSING:
        return v  # type: ignore[return-value]
    if c == ".":
        if s.isascii():
            try:
                f = float(s)  # like Go's ParseFloat here (underscores between digits too)
            except ValueError:
                return s
            return s if math.isinf(f) else f
        return s
    if c in _NUMERIC_START:
        return _resolve_number(s, timestamps)
    return s


_TAG_PREFIX = "tag:yaml.org,2002:"
_TYPE_NAMES = {bool: "!!bool", int: "!!int", float: "!!float", type(None): "!!null"}


def _type_tag(value: ScalarValue) -> str:
    if isinstance(value, YamlTimestamp):
        return "!!timestamp"
    return _TYPE_NAMES.get(type(value), "!!str")


def _resolve_tagged(tag: str, raw: str, style: str) -> tuple[ScalarValue, str | None]:
    """Resolve a scalar with an explicit tag; returns (value, error message or None)."""
    if tag.startswith(_TAG_PREFIX):
        tag = "!!" + tag[len(_TAG_PREFIX) :]
    if tag == "!":  # the non-specific tag: as if untagged
        return (raw if style else _resolve_plain(raw)), None
    if tag not in ("!!int", "!!float", "!!bool", "!!null", "!!timestamp"):
        return raw, None  # !!str, and tags go-yaml cannot resolve (!foo, !reset ...)
    value = _resolve_plain(raw, timestamps=tag == "!!timestamp")
    got = _type_tag(value)
    if got == tag:
        return value, None
    if tag == "!!float" and got == "!!int":
        return float(value), None  # type: ignore[arg-type]
    return raw, f"cannot decode {got} `{raw}` as a {tag}"


# --------------------------------------------------------------------------------------
# Building the tree from the event stream

# YAML's non-printable characters (PyYAML's ``[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF
# \uE000-\uFFFD\U00010000-\U0010FFFF]``) spelled as the small class they are: the
# negated form makes the regex compiler build a bitmap of the whole of Unicode, 5 ms
# of every start (tests/test_yamlload.py checks the two agree on every code point)
NON_PRINTABLE_CLASS = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
_NON_PRINTABLE = lazy_pattern(NON_PRINTABLE_CLASS)
_EXPECT_KEY = object()  # frame.key while the next node is a mapping key
_SKIP = object()  # frame.key when the entry is dropped (complex key)
_MERGE = object()  # frame.key for a "<<" merge entry


class _Open:
    """An open collection (or the document) while its events are being read."""

    __slots__ = (
        "anchor",
        "first",
        "flow",
        "is_map",
        "items",
        "key",
        "key_span",
        "key_spans",
        "last",
        "merge",
        "merge_key_span",
        "node",
        "start",
        "start_bytes",
        "start_count",
    )

    def __init__(
        self, node: Mapping | Sequence | None, anchor: str | None, start_count: int, flow: bool
    ) -> None:
        self.node: Any = node
        self.is_map = isinstance(node, Mapping)
        self.items: Any = node.items if node is not None else []
        self.key_spans: dict[str, Span] = node.key_spans if isinstance(node, Mapping) else {}
        self.anchor = anchor
        self.start_count = start_count
        self.start_bytes = 0  # bytes of scalar text (aliases expanded) before this node
        self.flow = flow
        self.start: Any = None  # (line, col) where the node starts, when already known
        self.key: Any = _EXPECT_KEY
        self.key_span: Any = None  # span of the pending key
        self.first: Any = None  # span of the first key / item as written
        self.last: Any = None  # span of the last value / item as written
        self.merge: tuple[Node, Span] | None = None
        self.merge_key_span: Span | None = None


class _Fatal(Exception):
    """Loading stops: the problem has been recorded."""


class _Builder:
    """Builds the documents of one text from its event stream."""

    def __init__(
        self, text: str, path: str, max_depth: int, max_nodes: int, max_alias_bytes: int
    ) -> None:
        self.text = text
        self.path = path
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.max_alias_bytes = max_alias_bytes
        self.documents: list[Node] = []
        self.problems: list[YamlProblem] = []
        self.stack: list[_Open] = []
        self.document_problems = 0  # len(problems) when the current document started

    # -- helpers used off the hot path -------------------------------------------------
    def problem(
        self,
        message: str,
        span: Span,
        *,
        rule: str = "yaml-syntax",
        related: tuple[Related, ...] = (),
    ) -> None:
        self.problems.append(YamlProblem(rule, message, span, related))

    def fatal(self, message: str, span: Span) -> _Fatal:
        self.abort(YamlProblem("yaml-syntax", message, span, fatal=True))
        return _Fatal()

    def abort(self, problem: YamlProblem) -> None:
        """Record why loading stops; the open document is dropped with its problems."""
        if self.stack:
            del self.problems[self.document_problems :]
        self.problems.append(problem)

    def mark_span(self, mark: yaml.Mark) -> Span:
        return Span.point(self.path, mark.line + 1, mark.column + 1)

    def content_start(self, mark: yaml.Mark) -> tuple[int, int]:
        """1-based position of the content after a node's properties (anchor, tag)."""
        text, i, line, col = self.text, mark.index, mark.line + 1, mark.column + 1
        n = len(text)
        while i < n:
            c = text[i]
            if c == " " or c == "\t":
                i += 1
                col += 1
            elif c == "\n" or c == "\r":
                i += 2 if text.startswith("\r\n", i) else 1
                line, col = line + 1, 1
            elif c == "#":
                while i < n and text[i] not in "\r\n":
                    i += 1
            elif c == "!" or c == "&":
                stops = ">" if text.startswith("!<", i) else " \t\r\n,[]{}"  # verbatim tag
                while i < n and text[i] not in stops:
                    i += 1
                    col += 1
                if stops == ">":
                    i += 1
                    col += 1
            else:
                break
        return line, col

    def location(self) -> str:
        """Where the key being read sits, worded like compose-go's key errors."""
        parts = ""
        for frame in self.stack[1:-1]:
            if frame.is_map:
                key = (
                    frame.key
                    if isinstance(frame.key, str)
                    else "<<"
                    if frame.key is _MERGE
                    else "?"
                )
                parts = f"{parts}.{key}" if parts else key
            else:
                parts = f"{parts}[{len(frame.items)}]"
        return f"in {parts}" if parts else "at top level"

    def key_problem(self, key: Node, span: Span) -> str | object:
        """Report an unusable mapping key; returns the key to store the entry under."""
        if isinstance(key, Scalar):
            value = key.value
            if value is None:
                shown = "<nil>"
            elif isinstance(value, bool):
                shown = str(value).lower()
            elif isinstance(value, float):
                shown = (
                    "+Inf" if value == math.inf else "-Inf" if value == -math.inf else repr(value)
                )
                shown = "NaN" if value != value else shown.removesuffix(".0")
            else:
                shown = str(value)
            self.problem(f"non-string key {self.location()}: {shown}", span)
            return key.raw or ""
        self.problem(
            f"invalid mapping key {self.location()}: a {'mapping' if isinstance(key, Mapping) else 'sequence'}"
            " cannot be a key",
            span,
        )
        return _SKIP

    def duplicate(self, key: str, span: Span, first: Span) -> None:
        self.problem(
            f"mapping key {json.dumps(key, ensure_ascii=False)} already defined at line {first.line}",
            span,
            rule="duplicate-key",
            related=(Related(first, "first defined here"),),
        )

    def finish_mapping(self, frame: _Open) -> None:
        node: Mapping = frame.node
        if frame.merge is None:
            return
        value, span = frame.merge
        if isinstance(value, Mapping):
            sources: list[Node] = [value]
        elif isinstance(value, Sequence) and all(isinstance(v, Mapping) for v in value.items):
            sources = value.items
        else:
            self.problem("map merge requires map or sequence of maps as the value", span)
            return
        items, key_spans = node.items, node.key_spans
        for source in sources:
            for k, v in source.items.items():  # type: ignore[attr-defined]
                if k not in items:
                    items[k] = v
                    ks = source.key_spans.get(k)  # type: ignore[attr-defined]
                    if ks is not None:
                        key_spans[k] = ks

    # -- the event loop ----------------------------------------------------------------
    def run(self, parser: yaml.BaseLoader) -> None:
        """Consume every event. Hot path: keep the per-event work minimal."""
        get_event = parser.get_event
        path = self.path
        stack = self.stack
        max_depth, max_nodes = self.max_depth, self.max_nodes
        # anchor -> (node, its nodes, its bytes of scalar text with aliases expanded)
        anchors: dict[str, tuple[Node, int, int]] = {}
        empty_documents: list[Span] = []
        count = 0
        # bytes of scalar text read, aliases counted with what they repeat; and the
        # part that aliases repeated, bounded by the alias budget (a node count alone
        # lets a few large strings, aliased many times, cost gigabytes)
        nbytes = alias_bytes = 0
        max_alias_bytes = self.max_alias_bytes
        # locals are faster than globals in the loop
        hint, resolve, new_span, new_scalar = _HINT, _resolve_plain, Span, Scalar
        scalar_event, alias_event = ScalarEvent, AliasEvent
        mapping_start, mapping_end = MappingStartEvent, MappingEndEvent
        sequence_start, sequence_end = SequenceStartEvent, SequenceEndEvent
        expect_key = _EXPECT_KEY
        node: Node
        span: Span
        while True:
            ev = get_event()
            cls = ev.__class__
            is_merge = False
            if cls is scalar_event:
                count += 1
                sm, em = ev.start_mark, ev.end_mark
                raw = ev.value
                style = ev.style or ""
                tag = ev.tag
                if tag is None:
                    if style:
                        value: ScalarValue = raw
                    elif raw[:1] in hint:
                        value = resolve(raw)
                    else:
                        value = raw
                        is_merge = raw == "<<"
                    ntag = None
                else:
                    value, error = _resolve_tagged(tag, raw, style)
                    ntag = tag if tag in ("!reset", "!override") else None
                    is_merge = raw == "<<" and not style and tag in ("!", _TAG_PREFIX + "merge")
                    if error is not None:
                        self.problem(error, self.mark_span(sm))
                if ev.anchor is None and tag is None:
                    span = new_span(path, sm.line + 1, sm.column + 1, em.line + 1, em.column + 1)
                else:  # the span starts after the anchor / tag
                    line, col = (
                        self.content_start(sm) if raw or style else (em.line + 1, em.column + 1)
                    )
                    span = new_span(path, line, col, em.line + 1, em.column + 1)
                node = new_scalar(value, span, raw=raw, style=style, tag=ntag)
                nbytes += len(raw) + 1
                if ev.anchor is not None:
                    anchors[ev.anchor] = (node, 1, len(raw) + 1)
                wspan = span
                if count > max_nodes:
                    raise self.fatal(f"too many YAML nodes (more than {max_nodes})", span)
            elif cls is mapping_end or cls is sequence_end:
                frame = stack.pop()
                node = frame.node
                if frame.merge is not None:
                    self.finish_mapping(frame)
                if frame.flow:
                    em = ev.end_mark
                    line, col = frame.start
                    span = new_span(path, line, col, em.line + 1, em.column + 1)
                else:  # from the first key / item to the end of the last value / item
                    first, last = frame.first, frame.last
                    line, col = frame.start or (first.line, first.col)
                    span = new_span(path, line, col, last.end_line, last.end_col)
                node.span = span
                wspan = span
                if frame.anchor is not None:
                    anchors[frame.anchor] = (
                        node,
                        count - frame.start_count,
                        nbytes - frame.start_bytes,
                    )
            elif cls is mapping_start or cls is sequence_start:
                if len(stack) > max_depth:
                    raise self.fatal(
                        f"YAML nesting is deeper than {max_depth} levels",
                        self.mark_span(ev.start_mark),
                    )
                is_map = cls is mapping_start
                tag = ev.tag
                ntag = tag if tag in ("!reset", "!override") else None
                flow = bool(ev.flow_style)
                frame = _Open(
                    Mapping(tag=ntag) if is_map else Sequence(tag=ntag), ev.anchor, count, flow
                )
                frame.start_bytes = nbytes
                count += 1
                if count > max_nodes:
                    raise self.fatal(
                        f"too many YAML nodes (more than {max_nodes})",
                        self.mark_span(ev.start_mark),
                    )
                if flow:  # the span starts at "{" / "[" (the start event ends after it)
                    em = ev.end_mark
                    frame.start = (em.line + 1, em.column)
                elif tag is not None or ev.anchor is not None:
                    frame.start = self.content_start(ev.start_mark)
                elif not is_map:  # a block mapping starts at its first key
                    sm = ev.start_mark
                    frame.start = (sm.line + 1, sm.column + 1)
                stack.append(frame)
                continue
            elif cls is alias_event:
                sm, em = ev.start_mark, ev.end_mark
                wspan = new_span(path, sm.line + 1, sm.column + 1, em.line + 1, em.column + 1)
                entry = anchors.get(ev.anchor)
                if entry is None:
                    if any(f.anchor == ev.anchor for f in stack[1:]):
                        raise self.fatal(f"anchor '{ev.anchor}' value contains itself", wspan)
                    raise self.fatal(f"unknown anchor '{ev.anchor}' referenced", wspan)
                node, size, size_bytes = entry
                count += size
                nbytes += size_bytes
                alias_bytes += size_bytes
                if count > max_nodes:
                    raise self.fatal(
                        f"too many YAML nodes (more than {max_nodes}) after alias expansion", wspan
                    )
                if alias_bytes > max_alias_bytes:
                    raise self.fatal(
                        f"aliases repeat more than {max_alias_bytes} bytes of YAML text", wspan
                    )
            elif cls is DocumentStartEvent:
                anchors = {}
                self.document_problems = len(self.problems)
                doc = _Open(None, None, count, False)
                doc.start = (ev.start_mark.line + 1, ev.start_mark.column + 1)
                stack.append(doc)
                continue
            elif cls is DocumentEndEvent:
                doc = stack.pop()
                root = doc.items[0]
                if (
                    type(root) is Scalar
                    and root.value is None
                    and root.raw == ""
                    and not root.style
                    and root.tag is None
                ):
                    empty_documents.append(Span.point(path, *doc.start))
                else:
                    self.documents.append(root)
                continue
            elif cls is StreamEndEvent:
                # Compose rejects an empty document next to others; a file with nothing
                # but empty documents is left to the caller ("empty compose file").
                if self.documents:
                    for where in empty_documents:
                        self.problem(
                            "empty YAML document (docker compose rejects it: "
                            "top-level object must be a mapping)",
                            where,
                        )
                return
            else:  # StreamStartEvent
                continue
            # Attach the finished node to its parent; common cases inline, the rest
            # (first entries, merges, duplicate / non-string / complex keys) in attach().
            top = stack[-1]
            if top.is_map:
                key = top.key
                if key is expect_key:
                    if (
                        not is_merge
                        and isinstance(node, Scalar)
                        and node.value.__class__ is str
                        and top.first is not None
                        and node.value not in top.key_spans
                    ):
                        top.key = node.value
                        top.key_span = wspan
                        continue
                elif key.__class__ is str:
                    top.items[key] = node
                    top.key_spans[key] = top.key_span
                    top.key = expect_key
                    top.last = wspan
                    continue
            elif top.first is not None:
                top.items.append(node)
                top.last = wspan
                continue
            self.attach(node, wspan, is_merge)

    def attach(self, node: Node, wspan: Span, is_merge: bool) -> None:
        """Add a finished node to the innermost open collection."""
        top = self.stack[-1]
        if not top.is_map:
            top.items.append(node)
            if top.first is None:
                top.first = wspan
            top.last = wspan
            return
        key = top.key
        if key is _EXPECT_KEY:
            if top.first is None:
                top.first = wspan
            if is_merge:
                if top.merge_key_span is not None:
                    self.duplicate("<<", wspan, top.merge_key_span)
                top.merge_key_span = wspan
                top.key = _MERGE
                return
            if isinstance(node, Scalar) and type(node.value) is str:
                k: Any = node.value
            else:
                k = self.key_problem(node, wspan)
            if isinstance(k, str):
                first = top.key_spans.get(k)
                if first is not None:
                    self.duplicate(k, wspan, first)
                    del top.items[k]  # the last value wins, in the last position
            top.key = k
            top.key_span = wspan
            return
        if key is _MERGE:
            top.merge = (node, wspan)
        elif key is not _SKIP:
            top.items[key] = node
            top.key_spans[key] = top.key_span
        top.key = _EXPECT_KEY
        top.last = wspan


def _syntax_problem(exc: yaml.MarkedYAMLError, path: str, max_depth: int, text: str) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    if mark is not None and exc.context_mark is not None and mark.index >= len(text.rstrip()):
        # the parser ran off the end of the file (an unclosed bracket or quote): the
        # place to show is where the unclosed construct starts, not past the last line
        mark = exc.context_mark
    message = exc.problem or exc.context or "invalid YAML"
    if "maximum nesting depth" in message:
        # libyaml >= 0.2.5 has its own (higher) limit and its scanner runs ahead of us
        span = Span.point(path, mark.line + 1, mark.column + 1) if mark else Span.point(path, 1)
        return YamlProblem(
            "yaml-syntax", f"YAML nesting is deeper than {max_depth} levels", span, fatal=True
        )
    if exc.problem and exc.context:
        cm = exc.context_mark
        if cm is not None and mark is not None and (cm.line, cm.column) != (mark.line, mark.column):
            message += f" ({exc.context} at line {cm.line + 1}, column {cm.column + 1})"
        else:
            message += f" ({exc.context})"
    span = Span.point(path, mark.line + 1, mark.column + 1) if mark else Span.point(path, 1)
    return YamlProblem("yaml-syntax", message, span, fatal=True)


def _position(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def load_yaml(
    text: str,
    display_path: str,
    *,
    max_depth: int = limits.MAX_YAML_DEPTH,
    max_nodes: int = limits.MAX_YAML_NODES,
    max_alias_bytes: int = limits.MAX_ALIAS_BYTES,
) -> YamlLoadResult:
    """Parse ``text`` (every YAML document in it) into located node trees.

    Never raises for bad input: syntax errors, exceeded limits and unknown anchors are
    fatal problems (documents completed before the error are still returned); duplicate
    keys, non-string keys, bad merges and bad explicit tags are non-fatal problems.
    """
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        line, col = _position(text, bad.start())
        message = (
            f"unacceptable character #x{ord(bad.group()):04x}: control characters are not allowed"
        )
        return YamlLoadResult(
            [],
            [YamlProblem("yaml-syntax", message, Span.point(display_path, line, col), fatal=True)],
        )
    builder = _Builder(text, display_path, max_depth, max_nodes, max_alias_bytes)
    parser = _PARSER(text)
    # The tree is many long-lived objects and no reference cycles: pausing the cyclic
    # GC (which would traverse the growing tree again and again) saves ~40% of the time.
    gc_enabled = gc.isenabled()
    gc.disable()
    try:
        builder.run(parser)
    except _Fatal:
        pass
    except yaml.MarkedYAMLError as exc:
        builder.abort(_syntax_problem(exc, display_path, max_depth, text))
    except Exception as exc:  # never let a parser failure escape as a traceback
        builder.abort(
            YamlProblem(
                "yaml-syntax", f"cannot parse YAML: {exc}", Span.point(display_path, 1), fatal=True
            )
        )
    finally:
        if gc_enabled:
            gc.enable()
        parser.dispose()
    return YamlLoadResult(builder.documents, builder.problems)


class ParseCache:
    """``load_yaml`` results by text and display path, for a process that lints the
    same files again and again (the language server): a file whose text did not change
    since the last lint is not parsed again.

    The trees are shared between lints, which is safe because nothing after the
    loader changes a loaded node: interpolation, merging and canonicalisation build
    new containers (``tests/test_lsp.py`` checks that a cached tree lints the same).
    Only the ``size`` most recently used texts are kept.
    """

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._results: dict[tuple[str, str], YamlLoadResult] = {}

    def load(self, text: str, display_path: str) -> YamlLoadResult:
        key = (text, display_path)
        result = self._results.pop(key, None)
        if result is None:
            result = load_yaml(text, display_path)
        self._results[key] = result  # the most recent last
        while len(self._results) > self.size:
            del self._results[next(iter(self._results))]
        return result
