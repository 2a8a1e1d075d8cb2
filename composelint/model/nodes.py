"""The located value tree: what the YAML loader produces and the resolver transforms.

Every value in a Compose project is a ``Node`` that remembers where it was written
(``span``). Interpolation replaces a scalar by a new ``Scalar`` that keeps the
original text (``raw``) and one ``Substitution`` per variable it used, so a finding
can point both at the compose line and at the ``.env`` line that supplied a value.
Merging, ``extends`` and ``include`` move nodes around but never lose their spans;
canonicalisation (short syntax to long syntax) creates new nodes that inherit the
span of the node they were derived from.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from composelint.model.record import Frozen, set_field
from composelint.model.span import Span

ScalarValue = str | int | float | bool | None

# Where the value of a substituted variable came from.
SubstitutionSource = Literal[
    "env",  # a line of the project .env / --env-file (span = that line)
    "shell",  # the shell environment (--use-shell-env); span is None
    "injected",  # set by Compose itself: COMPOSE_PROJECT_NAME, PWD; span is None
    "default",  # the default / alternative text of the expression (span = that text)
    "unset",  # nothing supplied a value; Compose substitutes "" (span = the expression)
    "error",  # ${VAR:?msg} / ${VAR?msg} with no value: Compose refuses the project
]


class Substitution(Frozen):
    """One ``$VAR`` / ``${VAR...}`` expression replaced during interpolation."""

    name: str
    source: SubstitutionSource
    value: str | None  # what the expression expanded to (None for "error")
    span: Span | None  # where the value came from (see SubstitutionSource)
    expression: str  # the expression as written, e.g. "${DB_HOST:-db}"
    expr_span: Span | None  # where the expression stands, when exactly known

    __slots__ = ("expr_span", "expression", "name", "source", "span", "value")

    def __init__(
        self,
        name: str,
        source: SubstitutionSource,
        value: str | None,
        span: Span | None,
        expression: str,
        expr_span: Span | None = None,
    ) -> None:
        set_field(self, "name", name)
        set_field(self, "source", source)
        set_field(self, "value", value)
        set_field(self, "span", span)
        set_field(self, "expression", expression)
        set_field(self, "expr_span", expr_span)


class Node:
    """Base class of the value tree. ``tag`` is ``"!reset"``, ``"!override"`` or None."""

    __slots__ = ("span", "tag")

    span: Span | None
    tag: str | None

    def to_plain(self) -> Any:
        raise NotImplementedError


class Scalar(Node):
    """A string, number, boolean or null.

    ``raw`` is the text as written in the file (after YAML unquoting, before
    interpolation); ``style`` is the YAML scalar style (``""`` plain, ``"'"``,
    ``'"'``, ``"|"``, ``">"``) and tells whether column offsets inside the value map
    1:1 onto the source line (plain and single-line quoted scalars do).
    """

    __slots__ = ("raw", "style", "subs", "value")

    def __init__(
        self,
        value: ScalarValue,
        span: Span | None,
        *,
        raw: str | None = None,
        style: str = "",
        subs: tuple[Substitution, ...] = (),
        tag: str | None = None,
    ) -> None:
        self.value = value
        self.span = span
        self.raw = raw
        self.style = style
        self.subs = subs
        self.tag = tag

    def to_plain(self) -> ScalarValue:
        return self.value

    @property
    def text(self) -> str | None:
        """The value when it is a string (numbers, booleans and null are not text)."""
        return self.value if isinstance(self.value, str) else None

    def text_column(self) -> int | None:
        """The column of the first character of ``raw`` (the text as written) when the
        columns inside the scalar map 1:1 onto its source line: one line, plain or
        quoted, and no YAML escape, tag or anchor making the source wider; else None."""
        span = self.span
        raw = self.raw if self.raw is not None else self.value
        if span is None or not isinstance(raw, str) or span.line != span.end_line:
            return None
        if self.style not in ("", "'", '"'):
            return None
        width = span.end_col - span.col
        # a derived scalar (``- KEY=value`` split by canonicalisation) may have lost
        # its quote style; the source being exactly two wider means the quotes
        quote = 1 if self.style or width == len(raw) + 2 else 0
        if width != len(raw) + 2 * quote:
            return None
        return span.col + quote

    def sub_span(self, offset: int, length: int) -> Span | None:
        """The span of ``raw[offset:offset + length]``; the whole scalar's span when
        its columns do not map onto the source line (see ``text_column``)."""
        col = self.text_column()
        span = self.span
        if col is None or span is None or offset < 0:
            return span
        return Span(span.path, span.line, col + offset, span.line, col + offset + length)

    def derive(self, value: ScalarValue) -> Scalar:
        """A new scalar holding ``value`` that keeps this scalar's provenance."""
        return Scalar(value, self.span, raw=self.raw, style=self.style, subs=self.subs)

    def __repr__(self) -> str:
        return f"Scalar({self.value!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # compact and fast to pickle: worker processes send whole trees (-j)
        return _scalar, (self.value, self.span, self.raw, self.style, self.subs, self.tag)


class Mapping(Node):
    """A YAML mapping with string keys; ``key_spans`` locates each key."""

    __slots__ = ("items", "key_spans")

    def __init__(
        self,
        items: dict[str, Node] | None = None,
        span: Span | None = None,
        *,
        key_spans: dict[str, Span] | None = None,
        tag: str | None = None,
    ) -> None:
        self.items: dict[str, Node] = items if items is not None else {}
        self.key_spans: dict[str, Span] = key_spans if key_spans is not None else {}
        self.span = span
        self.tag = tag

    def get(self, key: str) -> Node | None:
        return self.items.get(key)

    # typed access: the node under ``key`` when it has that shape, else None
    def mapping(self, key: str) -> Mapping | None:
        node = self.items.get(key)
        return node if isinstance(node, Mapping) else None

    def seq(self, key: str) -> Sequence | None:
        node = self.items.get(key)
        return node if isinstance(node, Sequence) else None

    def scalar(self, key: str) -> Scalar | None:
        node = self.items.get(key)
        return node if isinstance(node, Scalar) else None

    def text(self, key: str) -> str | None:
        """The string value under ``key`` (None for a number, a mapping, absence ...)."""
        node = self.items.get(key)
        return node.text if isinstance(node, Scalar) else None

    def __contains__(self, key: object) -> bool:
        return key in self.items

    def __iter__(self) -> Iterator[str]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def set(self, key: str, value: Node, key_span: Span | None = None) -> None:
        self.items[key] = value
        if key_span is not None:
            self.key_spans[key] = key_span

    def pop(self, key: str) -> Node | None:
        self.key_spans.pop(key, None)
        return self.items.pop(key, None)

    def key_span(self, key: str) -> Span | None:
        return self.key_spans.get(key) or (self.items[key].span if key in self.items else None)

    def to_plain(self) -> dict[str, Any]:
        return {k: v.to_plain() for k, v in self.items.items()}

    def __repr__(self) -> str:
        return f"Mapping({list(self.items)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return _mapping, (self.items, self.span, self.key_spans, self.tag)


class Sequence(Node):
    __slots__ = ("items",)

    def __init__(
        self, items: list[Node] | None = None, span: Span | None = None, *, tag: str | None = None
    ) -> None:
        self.items: list[Node] = items if items is not None else []
        self.span = span
        self.tag = tag

    def __iter__(self) -> Iterator[Node]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def to_plain(self) -> list[Any]:
        return [v.to_plain() for v in self.items]

    def __repr__(self) -> str:
        return f"Sequence(len={len(self.items)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return _sequence, (self.items, self.span, self.tag)


def _scalar(
    value: ScalarValue,
    span: Span | None,
    raw: str | None,
    style: str,
    subs: tuple[Substitution, ...],
    tag: str | None,
) -> Scalar:
    return Scalar(value, span, raw=raw, style=style, subs=subs, tag=tag)


def _mapping(
    items: dict[str, Node], span: Span | None, key_spans: dict[str, Span], tag: str | None
) -> Mapping:
    return Mapping(items, span, key_spans=key_spans, tag=tag)


def _sequence(items: list[Node], span: Span | None, tag: str | None) -> Sequence:
    return Sequence(items, span, tag=tag)


PathElement = str | int


def scalar_items(node: Node | None) -> list[Scalar]:
    """The non-null scalars of a sequence; a lone non-null scalar counts as one (the
    short forms Compose accepts for lists such as ``dns`` or ``profiles``)."""
    if isinstance(node, Scalar) and node.value is not None:
        return [node]
    if isinstance(node, Sequence):
        return [n for n in node.items if isinstance(n, Scalar) and n.value is not None]
    return []


def node_at(root: Node | None, path: tuple[PathElement, ...]) -> Node | None:
    """The node at ``path`` (mapping keys and sequence indexes), or None."""
    node = root
    for part in path:
        if isinstance(node, Mapping) and isinstance(part, str):
            node = node.items.get(part)
        elif (
            isinstance(node, Sequence)
            and isinstance(part, int)
            and -len(node.items) <= part < len(node.items)
        ):
            node = node.items[part]
        else:
            return None
    return node


def span_at(root: Node | None, path: tuple[PathElement, ...], *, key: bool = False) -> Span | None:
    """The span of the deepest existing node on ``path``; with ``key=True`` the span of
    the last mapping key rather than of its value, when there is one."""
    node = root
    best: Span | None = root.span if root is not None else None
    for i, part in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, Mapping) and isinstance(part, str) and part in node.items:
            if last and key and part in node.key_spans:
                return node.key_spans[part]
            node = node.items[part]
        elif isinstance(node, Sequence) and isinstance(part, int) and 0 <= part < len(node.items):
            node = node.items[part]
        else:
            break
        if node.span is not None:
            best = node.span
    return best


def from_plain(value: Any, span: Span | None) -> Node:
    """Build a node tree from plain data, every node located at ``span``."""
    if isinstance(value, dict):
        return Mapping({str(k): from_plain(v, span) for k, v in value.items()}, span)
    if isinstance(value, list):
        return Sequence([from_plain(v, span) for v in value], span)
    return Scalar(value, span)


def walk(
    node: Node, path: tuple[PathElement, ...] = ()
) -> Iterator[tuple[tuple[PathElement, ...], Node]]:
    """Every node below (and including) ``node`` with its path, depth first."""
    stack: list[tuple[tuple[PathElement, ...], Node]] = [(path, node)]
    while stack:
        p, n = stack.pop()
        yield p, n
        if isinstance(n, Mapping):
            stack.extend(((*p, k), v) for k, v in reversed(list(n.items.items())))
        elif isinstance(n, Sequence):
            stack.extend(((*p, i), v) for i, v in reversed(list(enumerate(n.items))))
