"""Ordering: finding the first entry out of order and the fix that reorders a block.

The fix moves whole lines: each entry of a block mapping or block sequence is
the lines from its first line (with the comment lines directly above it) to the
line before the next entry. It is offered only when that is exact: every entry
starts on its own line at the same column, none shares a line with another,
and no anchor or alias could be moved after or before its partner.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TypeVar

from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Edit, Fix, Violation
from composelint.model.nodes import Mapping, Node, Sequence
from composelint.model.span import Span

from ..security.helpers import violation

T = TypeVar("T")
_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s\[{,:-])[&*][^\s,\]}]+")


def compose_documents(project: RuleContext) -> Iterator[tuple[str, Mapping]]:
    """Each compose file's root mapping as written (before interpolation)."""
    for display, root in project.documents:
        if isinstance(root, Mapping):
            yield display, root


def first_out_of_order(keys: list[T], rank: Callable[[T], object]) -> tuple[int, int] | None:
    """(index of the first entry that sorts before the one above it, index of the
    entry it belongs before), or None when the list is ordered."""
    for i in range(1, len(keys)):
        if rank(keys[i]) < rank(keys[i - 1]):  # type: ignore[operator]
            before = next(j for j in range(i) if rank(keys[i]) < rank(keys[j]))  # type: ignore[operator]
            return i, before
    return None


def _entry_starts(node: Node) -> list[Span] | None:
    if isinstance(node, Mapping):
        spans = [node.key_spans.get(k) for k in node.items]
    elif isinstance(node, Sequence):
        spans = [item.span for item in node.items]
    else:
        return None
    if not spans or any(s is None for s in spans):
        return None
    return spans  # type: ignore[return-value]


def reorder_fix(project: RuleContext, node: Node, order: list[int], description: str) -> Fix | None:
    """A fix that rewrites the lines of a block mapping or sequence with its entries
    in ``order`` (indexes into the current entries); None when that is not exact."""
    starts = _entry_starts(node)
    if starts is None or node.span is None or len(order) != len(starts):
        return None
    path = starts[0].path
    text = project.source_text(path)
    if text is None or any(s.path != path for s in starts):
        return None
    lines = text.splitlines(keepends=True)
    cols = {s.col for s in starts}
    first_lines = [s.line for s in starts]
    if len(cols) != 1 or first_lines != sorted(set(first_lines)):
        return None
    if isinstance(node, Sequence):  # block sequence: a "- " right before each item
        for s in starts:
            before = lines[s.line - 1][: s.col - 1]
            if not before.rstrip().endswith("-") or before.rstrip()[:-1].strip():
                return None
    elif any(lines[s.line - 1][: s.col - 1].strip() for s in starts):
        return None  # a key that is not the first thing on its line
    # the block ends with its last entry's value
    last_end = node.span.end_line if node.span.end_col > 1 else node.span.end_line - 1
    last_end = min(last_end, len(lines))
    col = starts[0].col
    # comments indented under the last entry, below its value, are its own
    ahead = last_end
    while ahead < len(lines) and (
        not lines[ahead].strip()
        or (lines[ahead].lstrip().startswith("#") and _indent(lines[ahead]) > col - 1)
    ):
        ahead += 1
        if lines[ahead - 1].strip():
            last_end = ahead
    while last_end > first_lines[-1] and (
        not lines[last_end - 1].strip()
        or (  # a comment of the enclosing level belongs to what follows the block
            lines[last_end - 1].lstrip().startswith("#") and _indent(lines[last_end - 1]) < col - 1
        )
    ):
        last_end -= 1
    bounds = []
    for i, line_no in enumerate(first_lines):
        start = line_no
        while (
            start > 1
            and lines[start - 2].lstrip().startswith("#")
            and _indent(lines[start - 2]) <= col - 1  # deeper: the entry above's own
            and (i == 0 or start - 1 > first_lines[i - 1])
        ):
            start -= 1
        bounds.append(start)
    chunks = []
    for i, start in enumerate(bounds):
        end = bounds[i + 1] - 1 if i + 1 < len(bounds) else last_end
        chunk = lines[start - 1 : end]
        if not chunk:
            return None
        chunks.append(chunk)
    region = "".join("".join(c) for c in chunks)
    if _ANCHOR_OR_ALIAS.search(region) or "<<" in region:
        return None
    if not chunks[-1][-1].endswith("\n"):
        chunks[-1] = [*chunks[-1][:-1], chunks[-1][-1] + "\n"]
        trailing = False
    else:
        trailing = True
    replacement = "".join("".join(chunks[i]) for i in order)
    if not trailing:
        replacement = replacement[:-1]
        end_line, end_col = last_end, len(lines[last_end - 1]) + 1
    else:
        end_line, end_col = last_end + 1, 1
    before = "".join(lines[: bounds[0] - 1])
    after = "".join(lines[end_line - 1 :]) if trailing else ""
    if not _same_data(text, before + replacement + after):
        return None
    span = Span(path, bounds[0], 1, end_line, end_col)
    # offered only when the file loads to the same data afterwards: nothing changes
    return Fix(
        description,
        (Edit(span, replacement, sensitive=_carries_secrets(replacement)),),
        applicability=Applicability.SAFE,
    )


def _carries_secrets(text: str) -> bool:
    """Whether moved lines hold a secret (reports then show the fix masked)."""
    from composelint.output.redact import mask_lines

    lines = text.split("\n")
    return mask_lines(lines) != lines


def _same_data(old: str, new: str) -> bool:
    """Whether two texts load to the same data, order aside: the proof that a
    reordering moved whole entries and lost, doubled or changed none."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        docs = [_unordered(list(yaml.load_all(t, Loader=loader))) for t in (old, new)]
    except yaml.YAMLError:
        return False
    return docs[0] == docs[1]


def _unordered(value: object) -> object:
    if isinstance(value, dict):
        return ("{}", sorted(((repr(k), _unordered(v)) for k, v in value.items()), key=repr))
    if isinstance(value, list):
        return sorted((_unordered(v) for v in value), key=repr)
    return value


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def sorted_order(keys: list[T], rank: Callable[[T], object]) -> list[int]:
    """The indexes of ``keys`` in sorted order (stable)."""
    return sorted(range(len(keys)), key=lambda i: rank(keys[i]))  # type: ignore[arg-type,return-value]


def ordering_violation(
    project: RuleContext,
    node: Node,
    entries: list[tuple[str, Span | None, T]],
    rank: Callable[[T], object],
    what: str,
    description: str,
    order: list[int] | None = None,
    noun: str = "",
) -> Violation | None:
    """The first of ``entries`` (label, span, sort key) that sorts before the one
    above it, with the fix that puts ``node``'s entries in ``order`` (default: sorted)."""
    keys = [key for _, _, key in entries]
    found = first_out_of_order(keys, rank)
    if found is None:
        return None
    i, before = found
    return violation(
        f"{noun}{entries[i][0]} is out of {what}",
        entries[i][1],
        help=f"move it before {entries[before][0]}",
        fix=reorder_fix(
            project, node, sorted_order(keys, rank) if order is None else order, description
        ),
    )
