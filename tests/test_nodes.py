"""Typed access to the located value tree and spans inside a scalar."""

from __future__ import annotations

from composelint.load.yamlload import load_yaml
from composelint.model.nodes import Mapping, Scalar, Sequence
from composelint.model.span import Span

TEXT = """\
plain: postgres://db:5432/app
single: 'postgres://db:5432/app'
double: "postgres://db:5432/app"
escaped: "tab\\there db"
doubled: 'it''s db'
folded: >
  postgres://db:5432/app
list: [a, b]
number: 5432
nested:
  key: value
"""


def root() -> Mapping:
    (doc,) = load_yaml(TEXT, "compose.yaml").documents
    assert isinstance(doc, Mapping)
    return doc


def scalar(key: str) -> Scalar:
    node = root().scalar(key)
    assert node is not None
    return node


def test_sub_span_points_into_plain_and_quoted_scalars() -> None:
    # "db" is at offset 11 of the value on every line
    assert scalar("plain").sub_span(11, 2) == Span("compose.yaml", 1, 19, 1, 21)
    assert scalar("single").sub_span(11, 2) == Span("compose.yaml", 2, 21, 2, 23)
    assert scalar("double").sub_span(11, 2) == Span("compose.yaml", 3, 21, 3, 23)
    assert scalar("plain").text_column() == 8


def test_sub_span_is_the_whole_scalar_when_columns_do_not_map() -> None:
    for key in ("escaped", "doubled", "folded"):
        node = scalar(key)
        assert node.text_column() is None
        assert node.sub_span(0, 2) == node.span
    assert scalar("plain").sub_span(-1, 2) == scalar("plain").span


def test_typed_accessors() -> None:
    doc = root()
    nested = doc.mapping("nested")
    assert nested is not None and nested.text("key") == "value"
    assert doc.mapping("plain") is None and doc.mapping("missing") is None
    seq = doc.seq("list")
    assert isinstance(seq, Sequence) and [n.to_plain() for n in seq] == ["a", "b"]
    assert doc.seq("nested") is None
    assert doc.text("number") is None and scalar("number").text is None
    assert scalar("number").value == 5432
    assert doc.text("plain") == "postgres://db:5432/app"
    assert doc.scalar("nested") is None
