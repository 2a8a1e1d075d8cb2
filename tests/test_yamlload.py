"""The YAML loader: spans, go-yaml v3 scalar resolution, keys, anchors, merges, tags,
limits and syntax errors. Differential tests compare with the reference
``docker compose`` binary and skip when it is absent."""

from __future__ import annotations

import json
import math
import random
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from compose_ref import find_compose, unwrap

from composelint.load import yamlload
from composelint.load.yamlload import (
    YamlLoadResult,
    YamlProblem,
    YamlTimestamp,
    is_yaml_timestamp,
    load_yaml,
)
from composelint.model.findings import Related
from composelint.model.nodes import Mapping, Node, Scalar, Sequence, node_at, walk
from composelint.model.span import Span

F = "f.yaml"
HAS_LIBYAML = bool(getattr(yaml, "__with_libyaml__", False))


def load(text: str, **kw: Any) -> YamlLoadResult:
    return load_yaml(text, F, **kw)


def root(text: str) -> Node:
    result = load(text)
    assert result.problems == []
    assert len(result.documents) == 1
    return result.documents[0]


def sp(line: int, col: int, end_line: int, end_col: int) -> Span:
    return Span(F, line, col, end_line, end_col)


def problems(result: YamlLoadResult) -> list[tuple[str, str, str, bool]]:
    return [(p.rule, p.message, str(p.span), p.fatal) for p in result.problems]


# --------------------------------------------------------------------------------------
# the reference binary


def _compose_binary() -> str | None:
    found = find_compose()
    if found is None and Path("/tmp/cgvenv/bin/docker-compose").exists():
        found = unwrap(Path("/tmp/cgvenv/bin/docker-compose"))
    return found


COMPOSE = _compose_binary()
needs_compose = pytest.mark.skipif(COMPOSE is None, reason="reference docker-compose not found")


def compose_config(tmp_path: Path, text: str) -> tuple[int, Any, str]:
    """(exit code, JSON model or None, stderr) of ``docker compose config`` on ``text``."""
    assert COMPOSE is not None
    (tmp_path / "compose.yaml").write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [COMPOSE, "config", "--format", "json"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    model = json.loads(proc.stdout) if proc.returncode == 0 else None
    return proc.returncode, model, proc.stderr


SERVICE = "services:\n  a:\n    image: x\n"


def same_json(ours: Any, theirs: Any) -> bool:
    """Equal as compose prints it: JSON does not tell 8.0 from 8."""
    if isinstance(ours, dict):
        return (
            isinstance(theirs, dict)
            and ours.keys() == theirs.keys()
            and all(same_json(v, theirs[k]) for k, v in ours.items())
        )
    if isinstance(ours, list):
        return (
            isinstance(theirs, list)
            and len(ours) == len(theirs)
            and all(same_json(a, b) for a, b in zip(ours, theirs, strict=True))
        )
    if isinstance(ours, bool) or isinstance(theirs, bool) or ours is None or isinstance(ours, str):
        return type(ours) is type(theirs) and ours == theirs
    if isinstance(ours, float):  # Go prints 1.8446744073709552e19 as 18446744073709552000
        return isinstance(theirs, (int, float)) and float(theirs) == ours
    return isinstance(theirs, (int, float)) and ours == theirs


# --------------------------------------------------------------------------------------
# spans

SPAN_DOC = """\
services:
  web:
    image: "nginx:1"
    ports:
      - 80:80
      - target: 443
        published: 8443
    command: [a, 'b c']
    environment: &env
      A: 1
    labels: !override
      x: |
        multi
        line
    healthcheck:
    tmpfs: &t /run
    dns: *t
"""


def test_spans_of_keys_values_and_items() -> None:
    doc = root(SPAN_DOC)
    spans = {path: node.span for path, node in walk(doc)}

    def at(*path: str | int) -> Span | None:
        return spans[path]

    assert spans[()] == sp(1, 1, 17, 12)
    assert spans[("services",)] == sp(2, 3, 17, 12)
    web = ("services", "web")
    assert spans[web] == sp(3, 5, 17, 12)
    assert at(*web, "image") == sp(3, 12, 3, 21)  # the quotes are part of the span
    assert at(*web, "ports") == sp(5, 7, 7, 24)  # block sequence: from the first "-"
    assert at(*web, "ports", 0) == sp(5, 9, 5, 14)
    assert at(*web, "ports", 1) == sp(6, 9, 7, 24)  # block mapping: from its first key
    assert at(*web, "ports", 1, "published") == sp(7, 20, 7, 24)
    assert at(*web, "command") == sp(8, 14, 8, 24)  # flow: from "[" to after "]"
    assert at(*web, "command", 1) == sp(8, 18, 8, 23)
    assert at(*web, "environment") == sp(10, 7, 10, 11)  # after the anchor
    assert at(*web, "labels") == sp(12, 7, 15, 1)  # after the tag
    assert at(*web, "labels", "x") == sp(12, 10, 15, 1)  # block scalar: to the next line
    assert at(*web, "healthcheck") == sp(15, 17, 15, 17)  # empty value: after the colon
    assert at(*web, "tmpfs") == sp(16, 15, 16, 19)  # after the anchor

    ports = node_at(doc, (*web, "ports", 1))
    assert isinstance(ports, Mapping)
    assert ports.key_spans == {"target": sp(6, 9, 6, 15), "published": sp(7, 9, 7, 18)}
    service = node_at(doc, web)
    assert isinstance(service, Mapping)
    assert service.key_spans["image"] == sp(3, 5, 3, 10)
    assert service.key_spans["dns"] == sp(17, 5, 17, 8)


def test_scalar_raw_and_style() -> None:
    doc = root("a: plain\nb: 'it''s'\nc: \"t\\tx\"\nd: |\n  l1\n  l2\ne: >-\n  f1\n  f2\n")
    got = {k: (v.value, v.raw, v.style) for k, v in doc.items.items()}  # type: ignore[attr-defined]
    assert got == {
        "a": ("plain", "plain", ""),
        "b": ("it's", "it's", "'"),
        "c": ("t\tx", "t\tx", '"'),
        "d": ("l1\nl2\n", "l1\nl2\n", "|"),
        "e": ("f1 f2", "f1 f2", ">"),
    }


def test_columns_count_characters_not_bytes() -> None:
    doc = root("a: é😀x\nb: [é, 😀, c]\n")
    assert doc.items["a"].span == sp(1, 4, 1, 7)  # type: ignore[attr-defined]
    assert [n.span for n in doc.items["b"].items] == [  # type: ignore[attr-defined]
        sp(2, 5, 2, 6),
        sp(2, 8, 2, 9),
        sp(2, 11, 2, 12),
    ]


def test_crlf_line_endings() -> None:
    doc = root("a: 1\r\nb:\r\n  - &x x\r\n")
    assert doc.items["b"].span == sp(3, 3, 3, 9)  # type: ignore[attr-defined]
    assert doc.items["b"].items[0].span == sp(3, 8, 3, 9)  # type: ignore[attr-defined]


def test_flow_mapping_inside_flow_sequence() -> None:
    doc = root("k: [a: 1, {b: 2}]\n")
    seq = doc.items["k"]  # type: ignore[attr-defined]
    assert seq.to_plain() == [{"a": 1}, {"b": 2}]
    assert seq.items[1].span == sp(1, 11, 1, 17)
    assert seq.items[1].key_spans == {"b": sp(1, 12, 1, 13)}


# --------------------------------------------------------------------------------------
# plain scalar resolution (go-yaml v3 resolve.go)

RESOLUTION: list[tuple[str, Any]] = [
    ("010", 8),
    ("08", 8.0),
    ("0o10", 8),
    ("0x1F", 31),
    ("0X1F", 31),
    ("0b101", 5),
    ("0B11", 3),
    ("0O17", 15),
    ("1_000", 1000),
    ("1__0", 10),
    ("1_", 1),
    ("_1", "_1"),
    ("+12", 12),
    ("-010", -8),
    ("0", 0),
    ("-0", 0),
    ("00", 0),
    ("1.50", 1.5),
    ("1.", 1.0),
    (".5", 0.5),
    ("-.5", -0.5),
    ("+.5", 0.5),
    ("1e3", 1000.0),
    ("1E3", 1000.0),
    ("1e+3", 1000.0),
    (".1e+3", 100.0),
    ("1e-3", 0.001),
    ("09.5", 9.5),
    ("1.5_0", 1.5),
    (".5_0", 0.5),
    ("1_000.5_5", 1000.55),
    ("9223372036854775807", 2**63 - 1),
    ("9223372036854775808", 2**63),  # uint64
    ("18446744073709551615", 2**64 - 1),
    ("18446744073709551616", 1.8446744073709552e19),  # beyond uint64: a float
    ("-9223372036854775809", -9.223372036854776e18),
    ("0xFFFFFFFFFFFFFFFF", 2**64 - 1),
    ("-0x8000000000000000", -(2**63)),
    ("0x10000000000000000", "0x10000000000000000"),
    ("-0b1", -1),
    ("-0o7", -7),
    ("0b-101", -5),  # go-yaml's own 0b/0o fallbacks
    ("0o-10", -8),
    ("0x_1F", 31),
    ("0b1_0", 2),
    ("0o8", "0o8"),
    ("0x", "0x"),
    ("12e", "12e"),
    ("1e999", "1e999"),  # out of range for Go: stays a string
    ("0x1p-2", "0x1p-2"),
    (".e5", ".e5"),
    ("1.e5", 100000.0),
    ("+", "+"),
    ("0.", 0.0),
    ("0e0", 0.0),
    ("1:30", "1:30"),  # no base 60
    ("22:22", "22:22"),
    ("yes", "yes"),
    ("no", "no"),
    ("on", "on"),
    ("off", "off"),
    ("y", "y"),
    ("n", "n"),
    ("ON", "ON"),
    ("true", True),
    ("True", True),
    ("TRUE", True),
    ("tRue", "tRue"),
    ("false", False),
    ("False", False),
    ("FALSE", False),
    ("~", None),
    ("null", None),
    ("Null", None),
    ("NULL", None),
    ("nULL", "nULL"),
    ("<<", "<<"),
    ("٣", "٣"),  # Unicode digits are not digits for Go
    (".٣", ".٣"),
    ("1 000", "1 000"),
]


@pytest.mark.parametrize(("raw", "expected"), RESOLUTION)
def test_plain_scalar_resolution(raw: str, expected: Any) -> None:
    node = root(f"v: {raw}\n").items["v"]  # type: ignore[attr-defined]
    assert isinstance(node, Scalar)
    assert node.raw == raw
    assert type(node.value) is type(expected)
    assert node.value == expected


def test_empty_and_special_floats() -> None:
    doc = root("a:\nb: .inf\nc: -.Inf\nd: +.INF\ne: .nan\nf: .NaN\ng: .Nan\n")
    values = {k: v.value for k, v in doc.items.items()}  # type: ignore[attr-defined]
    assert values["a"] is None
    assert values["b"] == math.inf and values["d"] == math.inf
    assert values["c"] == -math.inf
    assert math.isnan(values["e"]) and math.isnan(values["f"])
    assert values["g"] == ".Nan"


def test_quoted_and_block_scalars_are_strings() -> None:
    doc = root("a: '010'\nb: \"true\"\nc: |\n  1\nd: ''\ne: \"2024-01-01\"\n")
    values = {k: v.value for k, v in doc.items.items()}  # type: ignore[attr-defined]
    assert values == {"a": "010", "b": "true", "c": "1\n", "d": "", "e": "2024-01-01"}
    assert type(values["e"]) is str


@needs_compose
def test_resolution_matches_compose(tmp_path: Path) -> None:
    items = [raw for raw, _ in RESOLUTION if raw not in ("<<",)]
    text = SERVICE + "x-v:\n" + "".join(f"  - {raw}\n" for raw in items) + "  -\n"
    rc, model, err = compose_config(tmp_path, text)
    assert rc == 0, err
    ours = load(text).documents[0].items["x-v"].to_plain()  # type: ignore[attr-defined]
    mismatches = [
        (raw, o, t)
        for raw, o, t in zip([*items, ""], ours, model["x-v"], strict=True)
        if not same_json(o, t)
    ]
    assert mismatches == []


# --------------------------------------------------------------------------------------
# timestamps

TIMESTAMPS = [
    "2024-01-01",
    "2024-1-2",
    "2024-02-29",
    "2024-01-01t10:00:00+01:00",
    "2024-01-01 10:00:00",
    "2024-01-01   1:2:3.5",
    "2024-01-01T10:00:59,123Z",
    "2024-1-1T1:1:1.123456789123Z",
]
NOT_TIMESTAMPS = [
    "2024-13-01",
    "2024-02-30",
    "2023-02-29",
    "2024-01-01T10:00:00",  # "T" needs a zone
    "2024-01-01 10:00:00Z",  # " " must not have one
    "2024-01-01T24:00:00Z",
    "2024-01-01T10:60:00Z",
    "2024-01-01T1:2:3+25:00",
    "2024-001-01",
    "2024-01-01 10:00:00.",
    "12024-01-01",
    "2024-00-01",
    "2024-01-00",
]


def test_is_yaml_timestamp() -> None:
    assert [s for s in TIMESTAMPS if not is_yaml_timestamp(s)] == []
    assert [s for s in NOT_TIMESTAMPS if is_yaml_timestamp(s)] == []
    assert is_yaml_timestamp("2024-01-01T10:00:00Z")


def test_timestamps_are_marked_but_stay_text() -> None:
    doc = root(
        "a: 2024-01-01\nb: '2024-01-01'\nc: !!str 2024-01-01\nd: !!timestamp 2024-01-01\n"
        "e: 2024-13-01\n"
    )
    values = {k: v.value for k, v in doc.items.items()}  # type: ignore[attr-defined]
    assert values == dict.fromkeys("abcd", "2024-01-01") | {"e": "2024-13-01"}
    assert [k for k, v in values.items() if isinstance(v, YamlTimestamp)] == ["a", "d"]


@needs_compose
def test_timestamps_match_compose(tmp_path: Path) -> None:
    # compose prints a time.Time reformatted (RFC 3339), anything else as written
    candidates = TIMESTAMPS + NOT_TIMESTAMPS
    text = SERVICE + "x-t:\n" + "".join(f"  - {s}\n" for s in candidates)
    rc, model, err = compose_config(tmp_path, text)
    assert rc == 0, err
    compose_says = [printed != s for s, printed in zip(candidates, model["x-t"], strict=True)]
    ours = load(text).documents[0].items["x-t"].items  # type: ignore[attr-defined]
    assert [isinstance(n.value, YamlTimestamp) for n in ours] == compose_says


# --------------------------------------------------------------------------------------
# explicit tags, !reset / !override

TAGGED = """\
a: !!str 010
b: !!int "010"
c: !!float 1
d: !!bool "true"
e: !!null ""
f: !foo 5
g: ! 5
h: ! "5"
i: !override ~
j: !!int "0x10"
k: !!float "08"
l: !<tag:yaml.org,2002:int> "7"
"""


def test_explicit_tags() -> None:
    doc = root(TAGGED)
    got = {k: v.value for k, v in doc.items.items()}  # type: ignore[attr-defined]
    assert got == {
        "a": "010",
        "b": 8,
        "c": 1.0,
        "d": True,
        "e": None,
        "f": "5",  # unknown tags: a string, as in go-yaml
        "g": 5,  # the non-specific tag "!" on a plain scalar: resolved as untagged
        "h": "5",
        "i": "~",
        "j": 16,
        "k": 8.0,
        "l": 7,
    }
    assert type(got["c"]) is float
    # spans start after the tag, so columns inside the value map onto the line
    assert doc.items["b"].span == sp(2, 10, 2, 15)  # type: ignore[attr-defined]
    assert doc.items["l"].span == sp(12, 29, 12, 32)  # type: ignore[attr-defined]


@needs_compose
def test_explicit_tags_match_compose(tmp_path: Path) -> None:
    text = SERVICE + "x-tags:\n" + "".join(f"  {line}\n" for line in TAGGED.splitlines())
    rc, model, err = compose_config(tmp_path, text)
    assert rc == 0, err
    ours = load(text).documents[0].items["x-tags"].to_plain()  # type: ignore[attr-defined]
    assert same_json(ours, model["x-tags"])


def test_bad_explicit_tag_is_reported_like_go_yaml() -> None:
    result = load("a: !!int abc\nb: !!int\nc: !!bool yes\nd: !!float 1.5\n")
    assert problems(result) == [
        ("yaml-syntax", "cannot decode !!str `abc` as a !!int", "f.yaml:1:4", False),
        ("yaml-syntax", "cannot decode !!null `` as a !!int", "f.yaml:2:4", False),
        ("yaml-syntax", "cannot decode !!str `yes` as a !!bool", "f.yaml:3:4", False),
    ]
    assert result.documents[0].to_plain() == {"a": "abc", "b": "", "c": "yes", "d": 1.5}


def test_reset_and_override_tags() -> None:
    doc = root(
        "a: !reset\nb: !reset null\nc: !reset []\nd: !override {x: 1}\ne: !override\n  - 1\n"
        "f: !reset {}\ng: !override 5\nh: !foo {k: v}\n"
    )
    got = {k: (type(v).__name__, v.tag, v.to_plain()) for k, v in doc.items.items()}  # type: ignore[attr-defined]
    assert got == {
        "a": ("Scalar", "!reset", ""),
        "b": ("Scalar", "!reset", "null"),
        "c": ("Sequence", "!reset", []),
        "d": ("Mapping", "!override", {"x": 1}),
        "e": ("Sequence", "!override", [1]),
        "f": ("Mapping", "!reset", {}),
        "g": ("Scalar", "!override", "5"),
        "h": ("Mapping", None, {"k": "v"}),
    }
    assert doc.items["a"].span == sp(1, 10, 1, 10)  # type: ignore[attr-defined]
    assert doc.items["e"].span == sp(6, 3, 6, 6)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------
# keys


def test_duplicate_keys_keep_last_value_and_point_at_both() -> None:
    result = load("services:\n  a:\n    image: x\n    image: y\n  a2: {k: 1, k: 2}\n")
    assert result.problems == [
        YamlProblem(
            "duplicate-key",
            'mapping key "image" already defined at line 3',
            sp(4, 5, 4, 10),
            (Related(sp(3, 5, 3, 10), "first defined here"),),
        ),
        YamlProblem(
            "duplicate-key",
            'mapping key "k" already defined at line 5',
            sp(5, 14, 5, 15),
            (Related(sp(5, 8, 5, 9), "first defined here"),),
        ),
    ]
    doc = result.documents[0]
    assert doc.to_plain() == {"services": {"a": {"image": "y"}, "a2": {"k": 2}}}
    service = node_at(doc, ("services", "a"))
    assert isinstance(service, Mapping)
    assert service.key_spans["image"] == sp(4, 5, 4, 10)


def test_quoted_and_plain_keys_with_same_text_are_duplicates() -> None:
    result = load('a: 1\n"a": 2\n<<: {x: 1}\n<<: {y: 1}\n')
    assert problems(result) == [
        ("duplicate-key", 'mapping key "a" already defined at line 1', "f.yaml:2:1", False),
        ("duplicate-key", 'mapping key "<<" already defined at line 3', "f.yaml:4:1", False),
    ]
    assert result.documents[0].to_plain() == {"a": 2, "y": 1}


@needs_compose
def test_duplicate_key_message_matches_compose(tmp_path: Path) -> None:
    text = SERVICE + "x-m:\n  a: 1\n  b: 2\n  a: 3\n"
    rc, _, err = compose_config(tmp_path, text)
    assert rc != 0
    (problem,) = load(text).problems
    assert f"line {problem.span.line}: {problem.message}" in err


NON_STRING_KEYS = [
    ("true: 1\n" + SERVICE, "non-string key at top level: true", "f.yaml:1:1"),
    (SERVICE + "x-t: {a: {1: x}}\n", "non-string key in x-t.a: 1", "f.yaml:4:11"),
    (SERVICE + "x-t: [{null: x}]\n", "non-string key in x-t[0]: <nil>", "f.yaml:4:8"),
    (SERVICE + "x-t: {1.5: x}\n", "non-string key in x-t: 1.5", "f.yaml:4:7"),
    (SERVICE + "x-t:\n  0x10: x\n", "non-string key in x-t: 16", "f.yaml:5:3"),
]


@pytest.mark.parametrize(("text", "message", "where"), NON_STRING_KEYS)
def test_non_string_keys(text: str, message: str, where: str) -> None:
    result = load(text)
    assert problems(result) == [("yaml-syntax", message, where, False)]
    assert len(result.documents) == 1  # the entry is kept under its text


def test_non_string_key_entry_is_kept_under_its_text() -> None:
    result = load("ON: 1\ntrue: 2\n~: 3\n2024-01-01: 4\n")
    assert [p.message for p in result.problems] == [
        "non-string key at top level: true",
        "non-string key at top level: <nil>",
        "non-string key at top level: 2024-01-01",
    ]
    assert result.documents[0].to_plain() == {"ON": 1, "true": 2, "~": 3, "2024-01-01": 4}


@needs_compose
@pytest.mark.parametrize(("text", "message", "where"), NON_STRING_KEYS)
def test_non_string_key_messages_match_compose(
    tmp_path: Path, text: str, message: str, where: str
) -> None:
    rc, _, err = compose_config(tmp_path, text)
    assert rc != 0
    assert message in err


def test_complex_keys_are_dropped_with_a_problem() -> None:
    result = load("{[a]: 1, {b: 1}: 2, c: 3}\n")
    assert problems(result) == [
        (
            "yaml-syntax",
            "invalid mapping key at top level: a sequence cannot be a key",
            "f.yaml:1:2",
            False,
        ),
        (
            "yaml-syntax",
            "invalid mapping key at top level: a mapping cannot be a key",
            "f.yaml:1:10",
            False,
        ),
    ]
    assert result.documents[0].to_plain() == {"c": 3}


def test_alias_as_key() -> None:
    doc = root("k: &k name\nm: {*k : v}\n")
    m = doc.items["m"]  # type: ignore[attr-defined]
    assert m.to_plain() == {"name": "v"}
    assert m.key_spans == {"name": sp(2, 5, 2, 7)}  # where the alias is written


# --------------------------------------------------------------------------------------
# anchors, aliases, merge keys

MERGES = """\
x-a: &a {k1: a, k2: a, e: {A: 1}}
x-b: &b {k2: b, k3: b}
x-m1:
  <<: *a
  k1: own
  e: {B: 2}
x-m2:
  k3: own
  <<: [*a, *b]
x-m3:
  <<: [{z: 1}, *b]
x-m5:
  <<: {q: 1}
  q: 2
x-m6:
  <<: [*b, *a]
"""


def test_merge_keys_are_shallow_and_explicit_or_earlier_wins() -> None:
    doc = root(MERGES)
    assert doc.to_plain() == {
        "x-a": {"k1": "a", "k2": "a", "e": {"A": 1}},
        "x-b": {"k2": "b", "k3": "b"},
        "x-m1": {"k1": "own", "e": {"B": 2}, "k2": "a"},
        "x-m2": {"k3": "own", "k1": "a", "k2": "a", "e": {"A": 1}},
        "x-m3": {"z": 1, "k2": "b", "k3": "b"},
        "x-m5": {"q": 2},
        "x-m6": {"k2": "b", "k3": "b", "k1": "a", "e": {"A": 1}},
    }
    m1 = doc.items["x-m1"]  # type: ignore[attr-defined]
    assert m1.key_spans == {
        "k1": sp(5, 3, 5, 5),
        "e": sp(6, 3, 6, 4),
        "k2": sp(1, 17, 1, 19),  # merged keys keep where they are written
    }
    assert m1.span == sp(4, 3, 6, 12)
    assert m1.items["k2"] is doc.items["x-a"].items["k2"]  # type: ignore[attr-defined]


@needs_compose
def test_merges_match_compose(tmp_path: Path) -> None:
    text = SERVICE + MERGES
    rc, model, err = compose_config(tmp_path, text)
    assert rc == 0, err
    ours = load(text).documents[0].to_plain()
    assert {k: v for k, v in ours.items() if k.startswith("x-")} == {
        k: v for k, v in model.items() if k.startswith("x-")
    }


@pytest.mark.parametrize("value", ["5", "[1]", "~", "[*s]"])
def test_merge_of_a_non_mapping_is_a_problem(value: str) -> None:
    result = load(f"s: &s x\nm:\n  <<: {value}\n  k: v\n")
    assert problems(result) == [
        (
            "yaml-syntax",
            "map merge requires map or sequence of maps as the value",
            "f.yaml:3:7",
            False,
        )
    ]
    assert result.documents[0].to_plain() == {"s": "x", "m": {"k": "v"}}


def test_quoted_merge_key_is_an_ordinary_key() -> None:
    assert root('m:\n  "<<": {a: 1}\n').to_plain() == {"m": {"<<": {"a": 1}}}


def test_alias_shares_the_anchored_node() -> None:
    doc = root("a: &x {k: [1, 2]}\nb: *x\nc: &x 3\nd: *x\n")
    assert doc.items["b"] is doc.items["a"]  # type: ignore[attr-defined]
    assert doc.to_plain() == {"a": {"k": [1, 2]}, "b": {"k": [1, 2]}, "c": 3, "d": 3}
    assert doc.span == sp(1, 1, 4, 6)  # ends at the alias, not at the anchor


def test_unknown_anchor_is_fatal_at_the_alias() -> None:
    result = load("a: 1\n---\nb: [x, *nope]\n")
    assert problems(result) == [
        ("yaml-syntax", "unknown anchor 'nope' referenced", "f.yaml:3:8", True)
    ]
    assert [d.to_plain() for d in result.documents] == [{"a": 1}]


def test_anchors_do_not_cross_documents() -> None:
    result = load("a: &x 1\n---\nb: *x\n")
    assert problems(result) == [
        ("yaml-syntax", "unknown anchor 'x' referenced", "f.yaml:3:4", True)
    ]


def test_recursive_alias_is_fatal() -> None:
    result = load("a: &r [*r]\n")
    assert problems(result) == [
        ("yaml-syntax", "anchor 'r' value contains itself", "f.yaml:1:8", True)
    ]
    assert result.documents == []


# --------------------------------------------------------------------------------------
# limits


def test_billion_laughs_is_stopped_quickly() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    start = time.perf_counter()
    result = load("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 1.0
    assert problems(result) == [
        (
            "yaml-syntax",
            "too many YAML nodes (more than 1000000) after alias expansion",
            "f.yaml:6:36",
            True,
        )
    ]
    assert result.documents == []


def test_node_limit_counts_alias_expansion() -> None:
    text = "a: &a [1, 2, 3]\nb: *a\n"  # root, "a", [1, 2, 3], "b", then [1, 2, 3] again
    assert load(text, max_nodes=11).problems == []
    assert problems(load(text, max_nodes=10)) == [
        (
            "yaml-syntax",
            "too many YAML nodes (more than 10) after alias expansion",
            "f.yaml:2:4",
            True,
        )
    ]


@pytest.mark.parametrize(
    "text", ["[" * 1_000_000, "[" * 1_000_000 + "]" * 1_000_000, "{a: " * 1_000_000, "- " * 500_000]
)
def test_million_deep_nesting_is_a_clean_fatal_problem(text: str) -> None:
    start = time.perf_counter()
    result = load(text)
    assert time.perf_counter() - start < 1.0
    (problem,) = result.problems
    assert (problem.rule, problem.message, problem.fatal) == (
        "yaml-syntax",
        "YAML nesting is deeper than 200 levels",
        True,
    )
    assert problem.span.line == 1
    assert result.documents == []


def test_depth_limit_is_exact() -> None:
    assert load("a: {b: 1}\n", max_depth=2).problems == []
    assert problems(load("a: {b: [1]}\n", max_depth=2)) == [
        ("yaml-syntax", "YAML nesting is deeper than 2 levels", "f.yaml:1:8", True)
    ]


# --------------------------------------------------------------------------------------
# documents


def test_multi_document_file() -> None:
    result = load("# head\nservices: {a: {image: x}}\n---\n# comment only\n---\nx: 1\n...\n")
    assert [d.to_plain() for d in result.documents] == [
        {"services": {"a": {"image": "x"}}},
        {"x": 1},
    ]
    # compose rejects an empty document next to others ("top-level object must be a mapping")
    assert problems(result) == [
        (
            "yaml-syntax",
            "empty YAML document (docker compose rejects it: top-level object must be a mapping)",
            "f.yaml:3:1",
            False,
        )
    ]
    assert result.documents[1].span == sp(6, 1, 6, 5)


@pytest.mark.parametrize("text", ["", "\n\n", "# just a comment\n", "---\n", "--- # c\n"])
def test_empty_file_has_no_documents(text: str) -> None:
    assert load(text) == YamlLoadResult([], [])


def test_null_document_is_kept() -> None:
    result = load("--- ~\n")
    assert [d.to_plain() for d in result.documents] == [None]


# --------------------------------------------------------------------------------------
# syntax errors and bad characters

SYNTAX_ERRORS = [
    (
        "services:\n\tweb: {}\n",
        "f.yaml:2:1",
        "found character that cannot start any token (while scanning for the next token)",
    ),
    (
        "a: 'x\nb: 2\n",
        "f.yaml:1:4",  # the unterminated quote, not the end of the file
        "found unexpected end of stream (while scanning a quoted scalar)",
    ),
    ("key: value: x\n", "f.yaml:1:11", "mapping values are not allowed in this context"),
    ("a: 1\n b: 2\n", "f.yaml:2:3", "mapping values are not allowed in this context"),
    (
        "a: {b: 1\n",
        "f.yaml:1:4",  # the unclosed brace
        "did not find expected ',' or '}' (while parsing a flow mapping)",
    ),
]


@pytest.mark.parametrize(("text", "where", "message"), SYNTAX_ERRORS)
def test_syntax_error_position(text: str, where: str, message: str) -> None:
    result = load(text)
    assert result.documents == []
    ((rule, got_message, got_where, fatal),) = problems(result)
    assert (rule, got_where, fatal) == ("yaml-syntax", where, True)
    if HAS_LIBYAML:
        assert got_message == message


def test_syntax_error_in_a_later_document_keeps_earlier_ones() -> None:
    result = load("a: 1\n---\nb: [1,\n")
    assert [d.to_plain() for d in result.documents] == [{"a": 1}]
    ((rule, _, where, fatal),) = problems(result)
    assert (rule, where, fatal) == ("yaml-syntax", "f.yaml:4:1", True)


def test_problems_of_a_dropped_document_are_dropped_too() -> None:
    result = load("a: {b: 1, b: 2}\n---\nc: {d: 1, d: 2}\ne: [\n")
    first, *rest = problems(result)  # no duplicate-key problem for "d"
    assert first == (
        "duplicate-key",
        'mapping key "b" already defined at line 1',
        "f.yaml:1:11",
        False,
    )
    assert [(rule, where, fatal) for rule, _, where, fatal in rest] == [
        ("yaml-syntax", "f.yaml:5:1", True)
    ]
    assert [d.to_plain() for d in result.documents] == [{"a": {"b": 2}}]


def test_never_raises_on_garbage() -> None:
    rng = random.Random(0)
    alphabet = "ab:- \n\t[]{},&*!|>'\"#?%@`<>=~.0123456789\\\r\x00\x85é"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 40)))
        result = load(text)
        assert all(p.span.line >= 1 and p.span.col >= 1 for p in result.problems), text
        assert sum(p.fatal for p in result.problems) <= 1, text


@pytest.mark.parametrize(
    ("text", "where", "code"),
    [
        ("a: \x01\n", "f.yaml:1:4", "0001"),
        ("a: x\nb: y\x7f\n", "f.yaml:2:5", "007f"),
        ("a: 'x\x00'\n", "f.yaml:1:6", "0000"),
        ("a: x\n\nb: \ud800\n", "f.yaml:3:4", "d800"),
        ("a: \ufffe\n", "f.yaml:1:4", "fffe"),
    ],
)
def test_control_characters(text: str, where: str, code: str) -> None:
    result = load(text)
    assert problems(result) == [
        (
            "yaml-syntax",
            f"unacceptable character #x{code}: control characters are not allowed",
            where,
            True,
        )
    ]
    assert result.documents == []


def test_allowed_unusual_characters() -> None:
    doc = root("a: \"tab\there\"\nb: 'x\x85'\nc: \u00a0é\U0001f600\n")
    assert doc.to_plain() == {"a": "tab\there", "b": "x ", "c": "\u00a0é\U0001f600"}


# --------------------------------------------------------------------------------------
# the pure-Python parser (used when PyYAML lacks libyaml) builds the same tree

SAMPLE = SPAN_DOC + "x-merge:\n  <<: *env\n  B: [1, {c: 'q'}]\n"


def _located(node: Node) -> list[tuple[Any, ...]]:
    return [
        (path, type(n).__name__, n.span, n.tag, n.key_spans if isinstance(n, Mapping) else None)
        for path, n in walk(node)
    ]


def test_pure_python_parser_gives_the_same_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = load(SAMPLE)
    monkeypatch.setattr(yamlload, "_PARSER", yaml.BaseLoader)
    slow = load(SAMPLE)
    assert fast.problems == slow.problems == []
    assert _located(fast.documents[0]) == _located(slow.documents[0])
    assert fast.documents[0].to_plain() == slow.documents[0].to_plain()


def test_pure_python_parser_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlload, "_PARSER", yaml.BaseLoader)
    start = time.process_time()  # CPU, not wall time: a budget, not a race with CI load
    result = load("[" * 1_000_000)
    # the depth budget stops the parse at level 200 (milliseconds); parsing the whole
    # megabyte with the pure-Python parser takes far longer
    assert time.process_time() - start < 2.0
    assert [p.message for p in result.problems] == ["YAML nesting is deeper than 200 levels"]
    assert problems(load("a:\n\tb: 1\n"))[0][2:] == ("f.yaml:2:1", True)


def test_matches_pyyaml_on_a_large_file() -> None:
    """Sanity: on YAML where 1.1 and 1.2 agree, the tree equals PyYAML's."""
    services = "".join(
        f"  s{i}:\n    image: app:{i}\n    ports: ['{8000 + i}:80']\n"
        f"    environment: {{A: '1', B: x}}\n    deploy: {{replicas: {i % 3}}}\n"
        for i in range(300)
    )
    text = "services:\n" + services
    assert load(text).documents[0].to_plain() == yaml.load(text, Loader=yaml.SafeLoader)


def test_sequence_items_are_nodes() -> None:
    doc = root("a:\n- x\n- - y\n  - z\n")
    seq = doc.items["a"]  # type: ignore[attr-defined]
    assert isinstance(seq, Sequence)
    assert seq.span == sp(2, 1, 4, 6)  # an indentless sequence starts at its first "-"
    assert seq.items[1].span == sp(3, 3, 4, 6)


def test_the_non_printable_class_is_pyyamls() -> None:
    import re

    from composelint.load.yamlload import NON_PRINTABLE_CLASS

    pyyaml = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
    ours = re.compile(NON_PRINTABLE_CLASS)
    every = "".join(map(chr, range(0x110000)))
    assert [m.start() for m in ours.finditer(every)] == [m.start() for m in pyyaml.finditer(every)]
