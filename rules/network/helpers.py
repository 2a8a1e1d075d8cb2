"""Fixes that write a ``depends_on`` entry with ``condition: service_healthy``.

The edit goes into the compose document that defines the client, as written: only
when exactly one main compose file defines the service, in block style, without an
anchor, alias, tag or merged ``depends_on`` that the edit would change for another
service too. A ``depends_on`` list is rewritten as the mapping it means (an entry
``- db`` is ``db: {condition: service_started}``); a flow-style mapping or list gets
no fix, since inserting lines into it would not be valid YAML.
"""

from __future__ import annotations

import functools
import json
import re

from composelint.lint.fixes import text_at
from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Edit, Fix
from composelint.model.nodes import Mapping, Scalar, Sequence
from composelint.model.record import Frozen, set_field
from composelint.model.span import Span

HEALTHY = "service_healthy"
STARTED = "service_started"
_KEY_LINE_REST = re.compile(r"[ \t]*:[ \t]*(?:#.*)?\r?")  # nothing after "key:" but a comment
_LIST_ITEM = re.compile(
    r"(?P<indent>[ ]*)-[ ]+(?P<q>[\"']?)(?P<name>[A-Za-z0-9][\w.-]*)(?P=q)[ \t]*(?P<comment>#.*)?\r?"
)
_PLAIN_NAME = re.compile(r"[A-Za-z_][\w.-]*")
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})


class _Written(Frozen):
    """The client's service mapping as written in one compose file."""

    path: str
    text: str
    lines: list[str]
    key: Span  # the service name
    node: Mapping  # its mapping

    __slots__ = ("key", "lines", "node", "path", "text")

    def __init__(self, path: str, text: str, lines: list[str], key: Span, node: Mapping) -> None:
        set_field(self, "path", path)
        set_field(self, "text", text)
        set_field(self, "lines", lines)
        set_field(self, "key", key)
        set_field(self, "node", node)

    def eol(self, line: int) -> str:
        return "\r\n" if self.lines[line - 1].endswith("\r") else "\n"

    def line_span(self, line: int) -> Span:
        """The whole line with its line break (up to the end of the text on the last)."""
        return Span(self.path, line, 1, line + 1, 1)

    def key_alone(self, key: Span) -> bool:
        """Nothing follows ``key:`` on its line but a comment: no anchor, tag or value."""
        line = self.lines[key.line - 1]
        return key.line == key.end_line and bool(_KEY_LINE_REST.fullmatch(line[key.end_col - 1 :]))

    def block(self, node: Mapping | Sequence, key: Span) -> bool:
        """``node`` is the block-style value of ``key``, on the lines below it."""
        span = node.span
        if span is None or span.path != self.path or span.line <= key.line:
            return False
        return self.lines[span.line - 1][: span.col - 1].strip(" ") == "" and (
            text_at(self.text, Span(self.path, span.line, span.col, span.line, span.col + 1))
            not in ("{", "[")
        )


def _written(project: RuleContext, service: str) -> _Written | None:
    """The one main compose document that defines ``service``, when exactly one does."""
    found = [
        d for d in project.documents if (s := d.mapping("services")) is not None and service in s
    ]
    if len(found) != 1:
        return None  # an override file may change or !reset what the edit adds
    display = found[0].display
    source = project.sources.get(display)
    services = found[0].mapping("services")
    if source is None or source.text is None or services is None:
        return None
    if source.path not in set(project.compose_files):
        return None  # an included file is checked on its own
    key, node = services.key_span(service), services.get(service)
    if key is None or key.path != display or not isinstance(node, Mapping):
        return None
    if text_at(source.text, key) not in (service, f'"{service}"', f"'{service}'"):
        return None
    written = _Written(display, source.text, _lines(source.text), key, node)
    if not written.key_alone(key) or not written.block(node, key):
        return None  # an anchor (other services share the mapping), an alias, flow style
    return written


@functools.lru_cache(maxsize=16)
def _lines(text: str) -> list[str]:
    # every fix of a file reads its lines: split it once, not once per finding
    return text.split("\n")


def _name(service: str) -> str:
    plain = _PLAIN_NAME.fullmatch(service) and service.lower() not in _YAML11_WORDS
    return service if plain else json.dumps(service)


def _entry(indent: str, step: str, name: str, condition: str, eol: str, comment: str = "") -> str:
    after = f"  {comment}" if comment else ""
    return f"{indent}{_name(name)}:{after}{eol}{indent}{step}condition: {condition}{eol}"


def add_dependency(project: RuleContext, client: str, target: str) -> Fix | None:
    """Add ``target: {condition: service_healthy}`` to the client's ``depends_on``."""
    w = _written(project, client)
    if w is None:
        return None
    step = " " * (w.node.span.col - w.key.col) if w.node.span is not None else ""
    if not step:
        return None
    deps_key = w.node.key_span("depends_on")
    deps = w.node.get("depends_on")
    description = f"add depends_on: {target} (condition: {HEALTHY}) to {client}"
    if deps is None and deps_key is None:  # a new key, first in the service
        first = w.node.span
        assert first is not None
        indent = " " * (first.col - 1)
        eol = w.eol(w.key.line)
        text = f"{indent}depends_on:{eol}" + _entry(indent + step, step, target, HEALTHY, eol)
        at = Span(w.path, w.key.line + 1, 1, w.key.line + 1, 1)
        return _unsafe(description, (Edit(at, text),))
    if deps_key is None or not _own_key(w, deps_key) or not w.key_alone(deps_key):
        return None  # merged in from an anchor: an explicit key would replace it
    if isinstance(deps, Mapping) and w.block(deps, deps_key) and deps.span is not None:
        firsts = sorted((s.line, s.col) for s in deps.key_spans.values() if s is not None)
        if not firsts or firsts[0][1] != deps.span.col:
            return None
        indent = " " * (deps.span.col - 1)
        inner = " " * (deps.span.col - deps_key.col)
        eol = w.eol(firsts[0][0])
        at = Span(w.path, firsts[0][0], 1, firsts[0][0], 1)
        return _unsafe(description, (Edit(at, _entry(indent, inner, target, HEALTHY, eol)),))
    if isinstance(deps, Sequence):
        return _list_as_mapping(w, deps, deps_key, {target: HEALTHY}, description, add=target)
    return None


def healthy_condition(
    project: RuleContext, client: str, target: str, condition: Scalar | None, key: Span | None
) -> Fix | None:
    """Make the client's ``depends_on`` entry for ``target`` wait for ``service_healthy``:
    the condition's text replaced, or a short-form list rewritten as the mapping."""
    description = f"depend on {target} with condition: {HEALTHY}"
    w = _written(project, client)
    if w is None:
        return None
    deps_key = w.node.key_span("depends_on")
    deps = w.node.get("depends_on")
    if deps_key is None or not _own_key(w, deps_key) or not w.key_alone(deps_key):
        return None
    if condition is not None and condition.span is not None and condition.span != key:
        span = condition.span
        if deps is None or deps.span is None or not _inside(span, deps.span):
            return None  # in an anchor other entries may share
        written = text_at(w.text, span)
        if span.line != span.end_line or written.strip("\"'") != STARTED:
            return None
        quote = written[0] if written[0] in "\"'" else ""
        return _unsafe(description, (Edit(span, f"{quote}{HEALTHY}{quote}"),))
    if not isinstance(deps, Sequence):
        return None
    return _list_as_mapping(w, deps, deps_key, {target: HEALTHY}, description)


def _inside(inner: Span, outer: Span) -> bool:
    return (
        inner.path == outer.path
        and (outer.line, outer.col) <= (inner.line, inner.col)
        and (
            inner.end_line,
            inner.end_col,
        )
        <= (outer.end_line, outer.end_col)
    )


def _own_key(w: _Written, key: Span) -> bool:
    """A key written in the service's own block (not merged in from an anchor)."""
    first = w.node.span
    return (
        first is not None and key.path == w.path and key.line >= first.line and key.col == first.col
    )


def _list_as_mapping(
    w: _Written,
    deps: Sequence,
    deps_key: Span,
    conditions: dict[str, str],
    description: str,
    add: str | None = None,
) -> Fix | None:
    """Rewrite a block list ``- name`` per line as ``name: {condition: ...}`` lines:
    ``conditions`` for the names given, ``service_started`` (what the list means) for
    the others; ``add`` appends a new entry."""
    if not w.block(deps, deps_key) or not deps.items:
        return None
    edits: list[Edit] = []
    indents: set[str] = set()
    last = 0
    for item in deps.items:
        span = item.span
        if not isinstance(item, Scalar) or span is None or span.line != span.end_line:
            return None
        m = _LIST_ITEM.fullmatch(w.lines[span.line - 1])
        if m is None or m.group("name") != item.value or span.line <= last:
            return None
        last = span.line
        indents.add(m.group("indent"))
        name = m.group("name")
        eol = w.eol(span.line) if span.line < len(w.lines) else ""
        step = " " * (len(m.group("indent")) + 1 - deps_key.col)
        condition = conditions.get(name, STARTED)
        entry = _entry(m.group("indent"), step, name, condition, eol, m.group("comment") or "")
        edits.append(Edit(w.line_span(span.line), entry))
    (indent,) = indents if len(indents) == 1 else (None,)
    if indent is None or len(indent) + 1 <= deps_key.col:
        return None  # "- db" at the key's own column: a mapping there would be a sibling
    if add is not None:
        step = " " * (len(indent) + 1 - deps_key.col)
        eol = w.eol(last) if last < len(w.lines) else ""
        if not eol:
            return None
        at = Span(w.path, last + 1, 1, last + 1, 1)
        edits.append(Edit(at, _entry(indent, step, add, conditions[add], eol)))
    return _unsafe(description, tuple(edits))


def _unsafe(description: str, edits: tuple[Edit, ...]) -> Fix:
    """Waiting for another service changes when (and whether) the client starts."""
    return Fix(description, edits, applicability=Applicability.UNSAFE)
