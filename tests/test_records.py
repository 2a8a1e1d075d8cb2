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
from composelint.model.record import Frozen, FrozenError, Ordered, Record, replace, set_field
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


# The base classes, on classes of this module (module level: pickle finds them).


class _Pair(Frozen):
    first: str
    second: int

    __slots__ = ("first", "second")  # sorted; the fields follow the annotations

    def __init__(self, first: str, second: int) -> None:
        set_field(self, "first", first)
        set_field(self, "second", second)


class _Twin(Frozen):
    first: str
    second: int

    __slots__ = ("first", "second")

    def __init__(self, first: str, second: int) -> None:
        set_field(self, "first", first)
        set_field(self, "second", second)


class _Triple(_Pair):
    third: bool

    __slots__ = ("third",)

    def __init__(self, first: str, second: int, third: bool) -> None:
        super().__init__(first, second)
        set_field(self, "third", third)


class _Mutable(Record):
    zeta: str
    alpha: int
    _cache: object  # not a slot: not a field

    __slots__ = ("alpha", "zeta")

    def __init__(self, zeta: str, alpha: int) -> None:
        self.zeta = zeta
        self.alpha = alpha


class _Point(Ordered, Frozen):
    y: int
    x: int

    __slots__ = ("x", "y")

    def __init__(self, y: int, x: int) -> None:
        set_field(self, "y", y)
        set_field(self, "x", x)


def test_fields_are_the_annotated_slots_bases_first_in_declaration_order() -> None:
    assert _Pair._fields == ("first", "second")
    assert _Triple._fields == ("first", "second", "third")
    assert _Mutable._fields == ("zeta", "alpha")
    assert Span._fields == ("path", "line", "col", "end_line", "end_col")


def test_repr_lists_the_fields_in_order_under_the_qualified_name() -> None:
    assert repr(_Pair("a", 1)) == "_Pair(first='a', second=1)"
    assert repr(_Triple("a", 1, True)) == "_Triple(first='a', second=1, third=True)"
    assert repr(_Mutable("z", 2)) == "_Mutable(zeta='z', alpha=2)"
    assert repr(Span("c.yaml", 1, 2, 3, 4)) == (
        "Span(path='c.yaml', line=1, col=2, end_line=3, end_col=4)"
    )


def test_equality_needs_the_same_class_and_every_field() -> None:
    assert _Pair("a", 1) == _Pair("a", 1)
    assert _Pair("a", 1) != _Pair("a", 2)
    # same fields, same values, another class: not equal, as with dataclasses
    assert _Pair("a", 1) != _Twin("a", 1)
    assert _Pair("a", 1) != _Triple("a", 1, True)
    assert _Pair("a", 1).__eq__(("a", 1)) is NotImplemented
    assert _Mutable("z", 1) == _Mutable("z", 1) != _Mutable("z", 2)


def test_frozen_records_hash_by_their_fields_and_mutable_ones_do_not_hash() -> None:
    assert hash(_Pair("a", 1)) == hash(_Pair("a", 1)) == hash(("a", 1))
    assert len({_Pair("a", 1), _Pair("a", 1), _Twin("a", 1)}) == 2
    assert _Mutable.__hash__ is None
    with pytest.raises(TypeError):
        hash(_Mutable("z", 1))


def test_frozen_records_refuse_assignment_and_mutable_ones_accept_it() -> None:
    p = _Pair("a", 1)
    with pytest.raises(FrozenError):
        p.first = "b"
    with pytest.raises(FrozenError):
        del p.second
    m = _Mutable("z", 1)
    m.alpha = 2
    assert m == _Mutable("z", 2)


def test_order_only_where_the_class_asks_for_it() -> None:
    assert _Point(1, 9) < _Point(2, 0) <= _Point(2, 0) and _Point(3, 0) > _Point(2, 5) >= _Point(
        2, 5
    )
    assert sorted([_Point(2, 0), _Point(1, 5)]) == [_Point(1, 5), _Point(2, 0)]
    with pytest.raises(TypeError):
        _ = _Pair("a", 1) < _Pair("b", 1)  # type: ignore[operator]
    assert _Point(1, 1).__lt__(_Pair("a", 1)) is NotImplemented


def test_base_class_records_pickle_and_copy() -> None:
    for value in (_Pair("a", 1), _Triple("a", 1, False), _Point(1, 2)):
        for clone in (pickle.loads(pickle.dumps(value)), copy.copy(value), copy.deepcopy(value)):
            assert type(clone) is type(value) and clone == value and repr(clone) == repr(value)
    m = pickle.loads(pickle.dumps(_Mutable("z", 1)))
    assert m == _Mutable("z", 1)


def test_rule_context_compares_by_identity() -> None:
    from composelint.model.context import RuleContext

    assert RuleContext.__eq__ is object.__eq__ and RuleContext.__hash__ is object.__hash__
