"""The hand-written value classes keep the dataclass semantics the code relies on:
field-wise equality and hashing, immutability, copies and pickles (the process
pool sends findings back), and ``replace``."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import pytest

from composelint.load.discover import NoComposeFile
from composelint.model.findings import Finding, Severity
from composelint.model.project import Problem
from composelint.model.record import FrozenError, replace
from composelint.model.span import Span
from composelint.run import Targets


def _finding() -> Finding:
    span = Span("compose.yaml", 3, 5, 3, 9)
    return Finding("CMP101", "host-loopback", Severity.ERROR, "m", span, help="h", note="n")


def test_equality_hashing_and_order_are_field_by_field() -> None:
    a, b = _finding(), _finding()
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != replace(a, message="other")
    assert Span("a", 1, 1, 1, 2) < Span("a", 1, 2, 1, 3) <= Span("b", 1, 1, 1, 1)
    # a subclass is a different value, as with dataclasses
    assert Problem("r", "m", None) != NoComposeFile("r", "m", None)
    assert repr(NoComposeFile("r", "m", None)).startswith("NoComposeFile(rule='r'")


def test_frozen_values_cannot_be_assigned() -> None:
    f = _finding()
    with pytest.raises(FrozenError):
        f.message = "changed"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del f.span


def test_copies_and_pickles_keep_every_field() -> None:
    f = _finding()
    for clone in (copy.copy(f), copy.deepcopy(f), pickle.loads(pickle.dumps(f))):
        assert clone == f and clone.help == "h" and clone.note == "n"
    t = Targets(paths=("a",), cwd=Path("/x"))
    assert pickle.loads(pickle.dumps(t)) == t


def test_replace_keeps_the_other_fields_and_keyword_only_ones() -> None:
    f = _finding()
    g = replace(f, severity=Severity.WARNING)
    assert (g.severity, g.help, g.note, g.span) == (Severity.WARNING, "h", "n", f.span)
    t = replace(Targets(paths=("a",)), stdin_text="x")
    assert t.paths == ("a",) and t.stdin_text == "x"


def test_named_tuples_pickle_and_copy_as_named_tuples() -> None:
    from composelint.model.nodes import Scalar
    from composelint.model.project import Document, ShadowedEnv

    doc = Document("compose.yaml", Scalar("x", Span("compose.yaml", 1, 1, 1, 2)))
    for clone in (pickle.loads(pickle.dumps(doc)), copy.copy(doc), copy.deepcopy(doc)):
        assert type(clone) is Document and clone.display == "compose.yaml"
        assert isinstance(clone.root, Scalar) and clone.root.value == "x"  # nodes: identity
    env = ShadowedEnv("web", "KEY", None, None)
    assert pickle.loads(pickle.dumps(env)) == env and env.key == "KEY"
    display, root = doc
    assert (display, root) == (doc.display, doc.root)
