"""Validate a Compose document tree against ``schemas/compose.schema.json``.

A small JSON Schema (draft-07) validator compiled for the keywords our schema uses,
working directly on located nodes so that every error carries the span of the
offending key or value. It exists because importing ``jsonschema`` alone costs more
than linting a typical project, and because its errors would have to be mapped
back onto the node tree anyway. Compiling refuses keywords it does not implement,
so the schema cannot silently outgrow the validator.
"""

from __future__ import annotations

import importlib
import json
import os
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from composelint.model.nodes import Mapping, Node, PathElement, Scalar, Sequence
from composelint.model.record import Frozen, set_field
from composelint.model.span import Span

SCHEMA_FILE = "compose.schema.json"

# Keywords that only document the schema.
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "title", "description", "default", "deprecated", "definitions"}
)
_SUPPORTED = _ANNOTATIONS | {
    "$ref",
    "type",
    "properties",
    "patternProperties",
    "additionalProperties",
    "required",
    "enum",
    "const",
    "pattern",
    "minimum",
    "maximum",
    "minItems",
    "uniqueItems",
    "items",
    "oneOf",
    "anyOf",
    "allOf",
}

# Human names of JSON types, in the order they are listed in messages.
_TYPE_NAMES = {
    "null": "null",
    "boolean": "boolean",
    "integer": "integer",
    "number": "number",
    "string": "string",
    "array": "list",
    "object": "mapping",
}


class SchemaError(Frozen):
    """One schema violation, located at the offending key (unknown keys) or value."""

    message: str
    span: Span | None
    path: tuple[PathElement, ...]
    suggestion: str | None

    __slots__ = ("message", "path", "span", "suggestion")

    def __init__(
        self,
        message: str,
        span: Span | None,
        path: tuple[PathElement, ...],
        suggestion: str | None = None,
    ) -> None:
        set_field(self, "message", message)
        set_field(self, "span", span)
        set_field(self, "path", path)
        set_field(self, "suggestion", suggestion)


class SchemaLoadError(Exception):
    """The shipped schema is missing, unreadable or uses an unsupported keyword."""


# -- loading -------------------------------------------------------------------


def read_shipped(name: str) -> str:
    """A file of the ``composelint.schemas`` package: read next to the package (no
    ``importlib.resources``, which imports zipfile and tempfile, unless the package
    is not a directory), else the repository copy (a source tree not installed)."""
    try:
        package = importlib.import_module("composelint.schemas")
        directory = os.path.dirname(package.__file__ or "")
        if os.path.isdir(directory):
            path = os.path.join(directory, name)
        else:  # a zipped install
            from importlib.resources import files

            return files("composelint.schemas").joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        path = os.path.join(os.path.dirname(__file__), "..", "..", "schemas", name)
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError as exc:
        raise SchemaLoadError(f"cannot read {path}: {exc.strerror or exc}") from None


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    """The shipped schema as plain data (package resource, else the repository copy)."""
    text = read_shipped(SCHEMA_FILE)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise SchemaLoadError(f"{SCHEMA_FILE} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise SchemaLoadError(f"{SCHEMA_FILE} is not a JSON object")
    return data


# -- compiled schema -----------------------------------------------------------


def _freeze(value: Any) -> Any:
    """A hashable form of plain data with JSON equality: True is not 1, 1 is 1.0."""
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, (int, float)):
        return ("n", value)
    if isinstance(value, str):
        return ("s", value)
    if value is None:
        return ("z", None)
    if isinstance(value, dict):
        return ("m", frozenset((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("l", tuple(_freeze(v) for v in value))
    return ("?", repr(value))


def _key_matcher(pattern: str) -> Callable[[str], bool]:
    """``re.search`` semantics (as jsonschema), with a fast path for ``^prefix``."""
    body = pattern[1:]
    if pattern.startswith("^") and body and not any(ch in body for ch in "\\.^$*+?{}[]|()"):
        return lambda key: key.startswith(body)
    rx = re.compile(pattern)
    return lambda key: rx.search(key) is not None


class _Check:
    """One compiled (sub)schema."""

    __slots__ = (
        "additional",
        "all_of",
        "any_of",
        "const",
        "enum",
        "items",
        "maximum",
        "min_items",
        "minimum",
        "one_of",
        "pattern",
        "pattern_props",
        "props",
        "required",
        "types",
        "unique",
    )

    def __init__(self) -> None:
        self.types: frozenset[str] | None = None
        self.props: dict[str, _Check] = {}
        self.pattern_props: list[tuple[str, Callable[[str], bool], _Check]] = []
        self.additional: _Check | bool = True
        self.required: tuple[str, ...] = ()
        self.enum: tuple[frozenset[Any], tuple[Any, ...]] | None = None
        self.const: tuple[Any, Any] | None = None
        self.pattern: tuple[str, re.Pattern[str]] | None = None
        self.minimum: float | None = None
        self.maximum: float | None = None
        self.min_items: int | None = None
        self.unique = False
        self.items: _Check | None = None
        self.one_of: tuple[_Check, ...] = ()
        self.any_of: tuple[_Check, ...] = ()
        self.all_of: tuple[_Check, ...] = ()


class _Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.definitions: dict[str, Any] = root.get("definitions", {})
        self.compiled: dict[str, _Check] = {}

    def compile(self, schema: Any, where: str) -> _Check:
        check = _Check()
        if schema is True or schema == {}:
            return check
        if not isinstance(schema, dict):
            raise SchemaLoadError(f"{where}: a schema must be an object")
        unknown = set(schema) - _SUPPORTED
        if unknown:
            raise SchemaLoadError(f"{where}: unsupported keyword(s) {sorted(unknown)}")
        if "$ref" in schema:
            # Draft 7: the keywords next to a $ref are ignored.
            return self.definition(schema["$ref"], where)
        if "type" in schema:
            t = schema["type"]
            check.types = frozenset([t] if isinstance(t, str) else t)
        for key, sub in schema.get("properties", {}).items():
            check.props[key] = self.compile(sub, f"{where}.properties.{key}")
        for pattern, sub in schema.get("patternProperties", {}).items():
            sub_check = self.compile(sub, f"{where}.patternProperties.{pattern}")
            check.pattern_props.append((pattern, _key_matcher(pattern), sub_check))
        additional = schema.get("additionalProperties", True)
        if isinstance(additional, bool):
            check.additional = additional
        else:
            check.additional = self.compile(additional, f"{where}.additionalProperties")
        check.required = tuple(schema.get("required", ()))
        if "enum" in schema:
            values = tuple(schema["enum"])
            check.enum = (frozenset(_freeze(v) for v in values), values)
        if "const" in schema:
            check.const = (_freeze(schema["const"]), schema["const"])
        if "pattern" in schema:
            check.pattern = (schema["pattern"], re.compile(schema["pattern"]))
        check.minimum = schema.get("minimum")
        check.maximum = schema.get("maximum")
        check.min_items = schema.get("minItems")
        check.unique = bool(schema.get("uniqueItems", False))
        if "items" in schema:
            check.items = self.compile(schema["items"], f"{where}.items")
        for keyword, attr in (("oneOf", "one_of"), ("anyOf", "any_of"), ("allOf", "all_of")):
            if keyword in schema:
                subs = tuple(
                    self.compile(s, f"{where}.{keyword}[{i}]")
                    for i, s in enumerate(schema[keyword])
                )
                setattr(check, attr, subs)
        return check

    def definition(self, ref: str, where: str) -> _Check:
        prefix = "#/definitions/"
        name = ref[len(prefix) :] if ref.startswith(prefix) else None
        if name is None or name not in self.definitions:
            raise SchemaLoadError(f"{where}: unresolvable $ref {ref!r}")
        if name not in self.compiled:
            # Register before compiling so that recursive references terminate.
            placeholder = _Check()
            self.compiled[name] = placeholder
            body = self.compile(self.definitions[name], f"definitions.{name}")
            for slot in _Check.__slots__:
                setattr(placeholder, slot, getattr(body, slot))
        return self.compiled[name]


@lru_cache(maxsize=1)
def _root_check() -> _Check:
    schema = load_schema()
    return _Compiler(schema).compile(schema, "schema")


# -- validation ------------------------------------------------------------------


def _kind(node: Node) -> str:
    """The JSON type of a node (``integer`` for integral numbers)."""
    if isinstance(node, Scalar):
        value = node.value
        if isinstance(value, str):
            return "string"
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "boolean"
        if isinstance(value, int):
            return "integer"
        return "integer" if value.is_integer() else "number"
    return "object" if isinstance(node, Mapping) else "array"


def _type_ok(types: frozenset[str], kind: str) -> bool:
    return kind in types or (kind == "integer" and "number" in types)


def _got(node: Node) -> str:
    """The kind of a node for messages, with the value of a non-string scalar."""
    if isinstance(node, Mapping):
        return "mapping"
    if isinstance(node, Sequence):
        return "list"
    value = node.value if isinstance(node, Scalar) else None
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {_show(value)}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"number {_show(value)}"
    return "string"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    return repr(value) if isinstance(value, float) else str(value)


def format_path(path: tuple[PathElement, ...]) -> str:
    """``services.app.ports[0]``; the empty path is the document's top level."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _error(
    path: tuple[PathElement, ...], problem: str, span: Span | None, suggestion: str | None = None
) -> SchemaError:
    where = format_path(path) if path else "top level"
    return SchemaError(f"{where}: {problem}", span, path, suggestion)


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _suggest(word: str, candidates: list[str]) -> str | None:
    import difflib  # only paid when a key is unknown

    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.75)
    return close[0] if close else None


class _Validator:
    """Walks a node tree against a compiled schema.

    With ``out`` set to None the walk stops at the first violation and just answers
    valid or not: that is how ``oneOf``/``anyOf`` branches are tried cheaply.
    """

    def check(
        self, c: _Check, node: Node, path: tuple[PathElement, ...], out: list[SchemaError] | None
    ) -> bool:
        kind = _kind(node)
        if c.types is not None and not _type_ok(c.types, kind):
            if out is not None:
                expected = _join(_describe(c))
                out.append(_error(path, f"expected {expected}, got {_got(node)}", node.span))
            return False
        ok = True
        if isinstance(node, Scalar):
            ok = self._scalar(c, node, kind, path, out)
        elif isinstance(node, Mapping):
            ok = self._mapping(c, node, path, out)
        elif isinstance(node, Sequence):
            ok = self._sequence(c, node, path, out)
        if not ok and out is None:
            return False
        if c.one_of or c.any_of:
            ok = self._alternatives(c, node, kind, path, out) and ok
        for sub in c.all_of:
            if not self.check(sub, node, path, out):
                ok = False
                if out is None:
                    return False
        return ok

    # -- by node kind ------------------------------------------------------------

    def _scalar(
        self,
        c: _Check,
        node: Scalar,
        kind: str,
        path: tuple[PathElement, ...],
        out: list[SchemaError] | None,
    ) -> bool:
        value = node.value
        problem: str | None = None
        suggestion: str | None = None
        if c.enum is not None and _freeze(value) not in c.enum[0]:
            allowed = ", ".join(_show(v) for v in c.enum[1])
            problem = f"invalid value {_show(value)}, expected one of {allowed}"
            if isinstance(value, str):
                suggestion = _suggest(value, [v for v in c.enum[1] if isinstance(v, str)])
        elif c.const is not None and _freeze(value) != c.const[0]:
            problem = f"invalid value {_show(value)}, expected {_show(c.const[1])}"
        elif c.pattern is not None and isinstance(value, str) and not c.pattern[1].search(value):
            problem = f"invalid value {_show(value)}, must match {c.pattern[0]}"
        elif kind in ("integer", "number") and not isinstance(value, bool):
            assert isinstance(value, (int, float))
            if c.minimum is not None and value < c.minimum:
                problem = f"{_show(value)} is less than the minimum {_show(c.minimum)}"
            elif c.maximum is not None and value > c.maximum:
                problem = f"{_show(value)} is greater than the maximum {_show(c.maximum)}"
        if problem is None:
            return True
        if out is not None:
            if suggestion is not None:
                problem += f' (did you mean "{suggestion}"?)'
            out.append(_error(path, problem, node.span, suggestion))
        return False

    def _mapping(
        self, c: _Check, node: Mapping, path: tuple[PathElement, ...], out: list[SchemaError] | None
    ) -> bool:
        ok = True
        items = node.items
        for key in c.required:
            if key not in items or items[key].tag == "!reset":
                if out is None:
                    return False
                ok = False
                out.append(_error(path, f'missing required key "{key}"', node.span))
        for key, value in items.items():
            if value.tag == "!reset":
                continue  # Compose drops reset values before validating
            sub = c.props.get(key)
            matched = sub is not None
            if sub is not None and not self.check(sub, value, (*path, key), out):
                ok = False
                if out is None:
                    return False
            for _, match, psub in c.pattern_props:
                if match(key):
                    matched = True
                    if not self.check(psub, value, (*path, key), out):
                        ok = False
                        if out is None:
                            return False
            if matched:
                continue
            if c.additional is False:
                ok = False
                if out is None:
                    return False
                out.append(self._unknown_key(c, node, key, path))
            elif c.additional is not True and not self.check(
                c.additional, value, (*path, key), out
            ):
                ok = False
                if out is None:
                    return False
        return ok

    def _unknown_key(
        self, c: _Check, node: Mapping, key: str, path: tuple[PathElement, ...]
    ) -> SchemaError:
        span = node.key_spans.get(key) or node.items[key].span
        where = f"{format_path(path)}: unknown key" if path else "unknown top-level key"
        if c.props:
            suggestion = _suggest(key, list(c.props))
            hint = f' (did you mean "{suggestion}"?)' if suggestion else ""
            return SchemaError(f'{where} "{key}"{hint}', span, (*path, key), suggestion)
        patterns = " or ".join(p for p, _, _ in c.pattern_props if p != "^x-")
        rule = f" (names must match {patterns})" if patterns else ""
        return SchemaError(f'{format_path(path)}: invalid key "{key}"{rule}', span, (*path, key))

    def _sequence(
        self,
        c: _Check,
        node: Sequence,
        path: tuple[PathElement, ...],
        out: list[SchemaError] | None,
    ) -> bool:
        ok = True
        # Compose drops reset items before validating; paths keep the written index.
        items = [(i, item) for i, item in enumerate(node.items) if item.tag != "!reset"]
        if c.min_items is not None and len(items) < c.min_items:
            if out is None:
                return False
            ok = False
            out.append(_error(path, f"expected at least {c.min_items} item(s)", node.span))
        if c.unique:
            seen: set[Any] = set()
            for index, item in items:
                frozen = _freeze(item.to_plain())
                if frozen in seen:
                    if out is None:
                        return False
                    ok = False
                    shown = _show(item.value) if isinstance(item, Scalar) else _got(item)
                    out.append(_error((*path, index), f"duplicate item {shown}", item.span))
                seen.add(frozen)
        if c.items is not None:
            for index, item in items:
                if not self.check(c.items, item, (*path, index), out):
                    ok = False
                    if out is None:
                        return False
        return ok

    def _alternatives(
        self,
        c: _Check,
        node: Node,
        kind: str,
        path: tuple[PathElement, ...],
        out: list[SchemaError] | None,
    ) -> bool:
        branches = c.one_of or c.any_of
        valid = sum(1 for b in branches if self.check(b, node, path, None))
        if valid == 1 or (valid > 1 and not c.one_of):
            return True
        if out is None:
            return False
        if valid > 1:
            out.append(_error(path, "ambiguous value: it matches several allowed forms", node.span))
            return False
        candidates = [b for b in branches if _accepts_kind(b, kind)]
        if not candidates:
            expected = _join(_dedupe(w for b in branches for w in _describe(b)))
            out.append(_error(path, f"expected {expected}, got {_got(node)}", node.span))
            return False
        # Report the errors of the closest branch among those of the right kind.
        best: list[SchemaError] | None = None
        for b in candidates:
            errors: list[SchemaError] = []
            self.check(b, node, path, errors)
            if best is None or len(errors) < len(best):
                best = errors
        assert best is not None
        out.extend(best)
        return False


def _accepts_kind(c: _Check, kind: str) -> bool:
    if c.types is not None:
        return _type_ok(c.types, kind)
    branches = c.one_of or c.any_of
    if branches:
        return any(_accepts_kind(b, kind) for b in branches)
    return True


def _describe(c: _Check) -> list[str]:
    """What a schema accepts, in words: ``["mapping", "list of strings"]``."""
    if c.types is None:
        branches = c.one_of or c.any_of
        return _dedupe(w for b in branches for w in _describe(b)) if branches else ["any value"]
    words: list[str] = []
    for t in _TYPE_NAMES:
        if t not in c.types:
            continue
        if t == "array" and c.items is not None:
            inner = _describe(c.items)
            words.append(f"list of {_plural(inner)}" if len(inner) == 1 else "list")
        elif t == "string" and c.enum is not None and len(c.enum[1]) == 1:
            words.append(_show(c.enum[1][0]))
        else:
            words.append(_TYPE_NAMES[t])
    return words


def _plural(words: list[str]) -> str:
    word = words[0]
    if word == "any value":
        return "values"
    return word if word.startswith("list") else f"{word}s"


def _dedupe(words: Any) -> list[str]:
    return list(dict.fromkeys(words))


def _sort_key(error: SchemaError) -> tuple[int, str, int, int, str]:
    s = error.span
    if s is None:
        return (1, "", 0, 0, error.message)
    return (0, s.path, s.line, s.col, error.message)


def validate(root: Node) -> list[SchemaError]:
    """Every schema violation of one interpolated Compose document, sorted by position."""
    errors: list[SchemaError] = []
    _Validator().check(_root_check(), root, (), errors)
    errors.sort(key=_sort_key)
    return errors


def validate_against(schema: dict[str, Any], root: Node) -> list[SchemaError]:
    """Every violation of ``root`` against another schema written with the same keywords
    (the configuration schema); raises ``SchemaLoadError`` for an unsupported one."""
    errors: list[SchemaError] = []
    _Validator().check(_Compiler(schema).compile(schema, "schema"), root, (), errors)
    errors.sort(key=_sort_key)
    return errors
