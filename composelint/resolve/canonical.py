"""Short syntax to long syntax: the shape ``docker compose config --format json`` prints.

Compose (compose-go v2.9.1, docker compose v2.40.3) canonicalises a model in three
steps: map-level transforms (``build: ./x`` -> ``{context: ./x}``, short ports and
volumes -> long form ...), normalisation after all files are merged (defaults,
absolute paths, implicit ``depends_on``, the ``default`` network) and finally a
decode into Go structs that is marshalled back to JSON, which stringifies values the
Go way and drops zero values (``privileged: false`` disappears, ``init: false``
stays). This module does all three on a located node tree: every node it creates
carries the span of the node it was derived from.

Contract with the resolver:

* ``canonical_service(..., final=False)`` only rewrites syntax (and makes paths
  absolute); it adds no defaults and drops nothing, so the result can still be
  merged with a later file (``!reset`` / ``!override`` tags are kept on the fields).
* ``canonical_service(..., final=True)`` (the default) is applied once to the
  merged service: it adds compose's defaults, the implicit ``depends_on`` entries,
  ``networks: {default: null}`` and drops Go zero values. It is idempotent.
* ``env_file`` is left untouched: folding it into ``environment`` needs the dotenv
  parser and is the resolver's job. ``x-*`` keys are kept (compose's YAML output keeps
  them; its JSON output drops those inside services).
* Invalid values are reported as ``CanonicalError`` in ``errors`` and the offending
  element is left out; nothing raises.
"""

from __future__ import annotations

import ipaddress
import math
import os
import posixpath
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

from composelint.model.findings import Severity
from composelint.model.nodes import Mapping, Node, Scalar, ScalarValue, Sequence
from composelint.model.record import Record
from composelint.model.span import Span
from composelint.regex import lazy_pattern

EnvLookup = Callable[[str], "str | None"]
ResourceKind = Literal["networks", "volumes", "secrets", "configs", "models"]


class CanonicalError(Exception):
    """A value compose would reject while canonicalising (``invalid hostPort: abc``).

    ``rule`` is the rule that reports it (``project-invalid`` unless a more specific
    rule owns the mistake); ``severity`` (None: the rule's own), ``help`` and
    ``note`` are as in a finding."""

    def __init__(
        self,
        message: str,
        span: Span | None,
        *,
        rule: str = "project-invalid",
        severity: Severity | None = None,
        help: str | None = None,
        note: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.rule = rule
        self.severity = severity
        self.help = help
        self.note = note

    def __repr__(self) -> str:
        return f"CanonicalError({self.message!r}, {self.span})"


# --------------------------------------------------------------------------- Go formatting


def go_float_string(x: float) -> str:
    """``fmt.Sprint(x)`` of a float64 (``strconv.FormatFloat(x, 'g', -1, 64)``): the
    shortest digits, in exponent form when the exponent is < -4 or >= 6
    (``1.5``, ``1000``, ``1e+06``, ``1e-05``, ``+Inf``, ``NaN``)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "+Inf" if x > 0 else "-Inf"
    if x == 0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    from decimal import Decimal  # floats are rare in compose files

    sign, digit_tuple, exponent = Decimal(repr(x)).normalize().as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple))
    nd = len(digits)
    dp = nd + exponent  # position of the decimal point relative to the digits
    exp = dp - 1
    neg = "-" if sign else ""
    if exp < -4 or exp >= 6:
        mant = digits[0] + ("." + digits[1:] if nd > 1 else "")
        return f"{neg}{mant}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if dp <= 0:
        return f"{neg}0.{'0' * -dp}{digits}"
    if dp >= nd:
        return f"{neg}{digits}{'0' * (dp - nd)}"
    return f"{neg}{digits[:dp]}.{digits[dp:]}"


def go_sprint(value: ScalarValue) -> str:
    """``fmt.Sprint`` of a YAML-decoded scalar."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float_string(value)
    return str(value)


_RAM_UNITS = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}


def go_bytes(s: str | int) -> int:
    """docker/go-units ``RAMInBytes``: ``50M`` -> 52428800 (binary units; ``b``, ``k``,
    ``kb``, ``kib`` ... case-insensitive). Raises ValueError with go-units' message."""
    if isinstance(s, int):
        return s
    sep = max(s.rfind(c) for c in "0123456789. ")
    if sep == -1:
        raise ValueError(f"invalid size: '{s}'")
    if s[sep] != " ":
        num, sfx = s[: sep + 1], s[sep + 1 :]
    else:
        num, sfx = s[:sep], s[sep + 1 :]
    try:
        size = _go_parse_float(num)
    except ValueError:
        raise ValueError(f'strconv.ParseFloat: parsing "{num}": invalid syntax') from None
    if size < 0:
        raise ValueError(f"invalid size: '{s}'")
    if not sfx:
        return int(size)
    low = sfx.lower()
    if len(sfx) > 3 or (low[0] == "b" and len(low) > 1):
        raise ValueError(f"invalid suffix: '{low if len(sfx) <= 3 else sfx}'")
    if low[0] == "b":
        return int(size)
    if (
        low[0] not in _RAM_UNITS
        or (len(low) == 2 and low[1] != "b")
        or (len(low) == 3 and low[1:] != "ib")
    ):
        raise ValueError(f"invalid suffix: '{low}'")
    return int(size * _RAM_UNITS[low[0]])


_FLOAT_RE = lazy_pattern(r"[+-]?(\d+(?:\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?(inf|infinity|nan)", re.I)


def _go_parse_float(s: str) -> float:
    if not _FLOAT_RE.fullmatch(s):
        raise ValueError(s)
    return float(s)


_DURATION_UNITS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,  # U+00B5
    "μs": 1_000,  # U+03BC
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
    "d": 86_400_000_000_000,
    "w": 604_800_000_000_000,
}
_DIGITS = "0123456789"


def go_parse_duration(text: str) -> int:
    """go-str2duration ``ParseDuration`` (Go's time.ParseDuration plus ``d`` and ``w``),
    in nanoseconds. Raises ValueError with Go's message."""
    orig, s, neg = text, text, False
    if s and s[0] in "+-":
        neg, s = s[0] == "-", s[1:]
    if s == "0":
        return 0
    if not s:
        raise ValueError(f'time: invalid duration "{orig}"')
    total = 0
    while s:
        if s[0] != "." and s[0] not in _DIGITS:
            raise ValueError(f'time: invalid duration "{orig}"')
        i = 0
        while i < len(s) and s[i] in _DIGITS:
            i += 1
        whole, s = s[:i], s[i:]
        frac = ""
        if s.startswith("."):
            i = 1
            while i < len(s) and s[i] in _DIGITS:
                i += 1
            frac, s = s[1:i], s[i:]
        if not whole and not frac:
            raise ValueError(f'time: invalid duration "{orig}"')
        i = 0
        while i < len(s) and s[i] != "." and s[i] not in _DIGITS:
            i += 1
        if i == 0:
            raise ValueError(f'time: missing unit in duration "{orig}"')
        unit_name, s = s[:i], s[i:]
        unit = _DURATION_UNITS.get(unit_name)
        if unit is None:
            raise ValueError(f'time: unknown unit "{unit_name}" in duration "{orig}"')
        total += int(whole or "0") * unit
        if frac:
            total += int(frac) * unit // 10 ** len(frac)
    return -total if neg else total


def go_duration_string(ns: int) -> str:
    """Go's ``time.Duration.String()``: ``1m30s``, ``1.5s``, ``500ms``, ``24h0m0s``."""
    if ns == 0:
        return "0s"
    neg, u = ns < 0, abs(ns)

    def frac(value: int, prec: int) -> tuple[str, int]:
        digits = ""
        printed = False
        for _ in range(prec):
            digit = value % 10
            printed = printed or digit != 0
            if printed:
                digits = str(digit) + digits
            value //= 10
        return ("." + digits if printed else ""), value

    if u < 1_000_000_000:
        if u < 1_000:
            text = f"{u}ns"
        else:
            prec, unit = (3, "µs") if u < 1_000_000 else (6, "ms")
            tail, whole = frac(u, prec)
            text = f"{whole}{tail}{unit}"
    else:
        tail, secs = frac(u, 9)
        text = f"{secs % 60}{tail}s"
        mins = secs // 60
        if mins:
            text = f"{mins % 60}m{text}"
            hours = mins // 60
            if hours:
                text = f"{hours}h{text}"
    return "-" + text if neg else text


def shell_split(line: str) -> list[str]:
    """mattn/go-shellwords v1.0.12 ``Parse`` with its defaults (no env, no backticks).

    Unquoted ``; & | < >`` end the command (``echo a && b`` -> ``[echo, a]``).
    Raises ValueError("invalid command line string")."""
    args: list[str] = []
    buf = ""
    escaped = dq = sq = bq = dollar = False
    got = 0  # 0: no arg, 1: plain, 2: quoted
    for r in line:
        if escaped:
            buf += r
            escaped = False
            got = 1
            continue
        if r == "\\":
            if sq:
                buf += r
            else:
                escaped = True
            continue
        if r in " \t\r\n":
            if sq or dq or bq or dollar:
                buf += r
            elif got:
                args.append(buf)
                buf, got = "", 0
            continue
        if r == "`":
            if not sq and not dq and not dollar:
                bq = not bq
        elif r == ")":
            if not sq and not dq and not bq:
                dollar = not dollar
        elif r == "(":
            if not sq and not dq and not bq:
                if not dollar and buf.endswith("$"):
                    dollar = True
                    buf += "("
                    continue
                raise ValueError("invalid command line string")
        elif r == '"':
            if not sq and not dollar:
                if dq:
                    got = 2
                dq = not dq
                continue
        elif r == "'":
            if not dq and not dollar:
                if sq:
                    got = 2
                sq = not sq
                continue
        elif r in ";&|<>" and not (sq or dq or bq or dollar):
            if r == ">" and buf and all(c in _DIGITS for c in buf):
                got = 0
            break
        got = 1
        buf += r
    if got:
        args.append(buf)
    if escaped or sq or dq or bq or dollar:
        raise ValueError("invalid command line string")
    return args


# --------------------------------------------------------------------------- paths


def go_clean(p: str) -> str:
    """Go's ``path.Clean``."""
    if not p:
        return "."
    cleaned = posixpath.normpath(p)
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    return cleaned


_WIN_ABS = lazy_pattern(r"^([A-Za-z]:[\\/]|[\\/]{2})")


def _expand_user(p: str, home: str) -> str:
    if p.startswith("~"):
        return go_clean(home + "/" + p[1:])
    return p


def _abs_path(p: str, working_dir: str, home: str, *, unix_or_windows: bool = False) -> str:
    """compose-go ``absPath`` / ``maybeUnixPath``: expand ``~``, join relative paths."""
    p = _expand_user(p, home)
    if p.startswith("/") or (unix_or_windows and _WIN_ABS.match(p)):
        return p
    if not p:
        return p
    return go_clean(working_dir + "/" + p)


_REMOTE_CONTEXT = ("https://", "http://", "git://", "ssh://", "github.com/", "git@")


def _abs_context(p: str, working_dir: str, home: str) -> str:
    if "://" in p or p.startswith("service:") or p.startswith(_REMOTE_CONTEXT):
        return p
    return _abs_path(p, working_dir, home)


# --------------------------------------------------------------------------- machinery


class _Ctx(Record):
    working_dir: str
    home: str
    env: EnvLookup
    errors: list[CanonicalError]
    final: bool

    __slots__ = ("env", "errors", "final", "home", "working_dir")

    def __init__(
        self, working_dir: str, home: str, env: EnvLookup, errors: list[CanonicalError], final: bool
    ) -> None:
        self.working_dir = working_dir
        self.home = home
        self.env = env
        self.errors = errors
        self.final = final

    def error(self, message: str, span: Span | None) -> None:
        self.errors.append(CanonicalError(message, span))


Conv = Callable[[Node, _Ctx], "Node | None"]


def _scalar(node: Node, value: ScalarValue) -> Scalar:
    """A scalar holding ``value`` located where ``node`` is."""
    if isinstance(node, Scalar):
        return node.derive(value)
    return Scalar(value, node.span)


def _keep_tag(out: Node | None, src: Node) -> Node | None:
    if out is not None and src.tag is not None and out.tag is None:
        out.tag = src.tag
    return out


def _struct(
    spec: dict[str, Conv], post: Callable[[Mapping, Node, _Ctx], None] | None = None
) -> Conv:
    """A converter for a Go struct: each known field converted, unknown fields kept."""

    def conv(node: Node, ctx: _Ctx) -> Node | None:
        if not isinstance(node, Mapping):
            if isinstance(node, Scalar) and node.value is None:
                node = Mapping({}, node.span)
            else:
                return node
        out = Mapping({}, node.span, tag=node.tag)
        for key, value in node.items.items():
            fn = spec.get(key)
            converted = fn(value, ctx) if fn is not None else value
            converted = _keep_tag(converted, value)
            if converted is not None:
                out.set(key, converted, node.key_spans.get(key))
        if post is not None:
            post(out, node, ctx)
        return out

    return conv


def _string(node: Node, ctx: _Ctx) -> Node | None:
    if not isinstance(node, Scalar):
        return node
    if node.value is None:
        return None if ctx.final else node
    value = node.value if isinstance(node.value, str) else go_sprint(node.value)
    return None if (ctx.final and value == "") else _scalar(node, value)


def _as_text(node: Scalar) -> str:
    return node.value if isinstance(node.value, str) else go_sprint(node.value)


def _to_bool(node: Scalar, ctx: _Ctx) -> bool | None:
    if isinstance(node.value, bool):
        return node.value
    text = _as_text(node).lower()
    if text in ("true", "y", "yes", "on"):
        return True
    if text in ("false", "n", "no", "off"):
        return False
    ctx.error(f"failed to cast to expected type: invalid boolean: {_as_text(node)}", node.span)
    return None


def _bool(*, keep_false: bool = False) -> Conv:
    def conv(node: Node, ctx: _Ctx) -> Node | None:
        if not isinstance(node, Scalar):
            return node
        if node.value is None:
            return None if ctx.final else node
        value = _to_bool(node, ctx)
        if value is None or (not value and not keep_false and ctx.final):
            return None
        return _scalar(node, value)

    return conv


_INT_RE = lazy_pattern(r"[+-]?[0-9]+")


def _to_int(node: Scalar, ctx: _Ctx) -> int | None:
    if isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    text = _as_text(node)
    if isinstance(node.value, str) and _INT_RE.fullmatch(text):
        return int(text)
    ctx.error(
        f'failed to cast to expected type: strconv.Atoi: parsing "{text}": invalid syntax',
        node.span,
    )
    return None


def _int(*, keep_zero: bool = False) -> Conv:
    def conv(node: Node, ctx: _Ctx) -> Node | None:
        if not isinstance(node, Scalar):
            return node
        if node.value is None:
            return None if ctx.final else node
        value = _to_int(node, ctx)
        if value is None or (value == 0 and not keep_zero and ctx.final):
            return None
        return _scalar(node, value)

    return conv


def _number(value: float) -> int | float:
    """A float32 field as JSON prints it: integral values without a fraction."""
    return int(value) if value.is_integer() else value


def _float(node: Node, ctx: _Ctx) -> Node | None:
    if not isinstance(node, Scalar):
        return node
    if node.value is None:
        return None if ctx.final else node
    if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        value = float(node.value)
    else:
        text = _as_text(node)
        try:
            value = _go_parse_float(text)
        except ValueError:
            ctx.error(
                f'failed to cast to expected type: strconv.ParseFloat: parsing "{text}": invalid syntax',
                node.span,
            )
            return None
    if value == 0 and ctx.final:
        return None
    return _scalar(node, _number(value) if math.isfinite(value) else value)


def _bytes(node: Node, ctx: _Ctx) -> Node | None:
    """UnitBytes: printed as a decimal string of bytes (``"52428800"``)."""
    if not isinstance(node, Scalar):
        return node
    if node.value is None or isinstance(node.value, (bool, float)):
        return None if ctx.final else node
    raw = node.value
    if isinstance(raw, str) and raw.startswith("-") and _INT_RE.fullmatch(raw):
        raw = int(raw)  # our own output for memswap_limit: -1 (keeps canonicalisation idempotent)
    try:
        value = go_bytes(raw)
    except ValueError as exc:
        ctx.error(str(exc), node.span)
        return None
    return None if (value == 0 and ctx.final) else _scalar(node, str(value))


def _duration(*, keep_zero: bool = True) -> Conv:
    def conv(node: Node, ctx: _Ctx) -> Node | None:
        if not isinstance(node, Scalar):
            return node
        if node.value is None:
            return None if ctx.final else node
        try:
            ns = go_parse_duration(_as_text(node))
        except ValueError as exc:
            ctx.error(str(exc), node.span)
            return None
        if ns == 0 and not keep_zero and ctx.final:
            return None
        return _scalar(node, go_duration_string(ns))

    return conv


def _string_list(
    *, sprint: bool = False, abs_paths: bool = False, drop_empty: bool = False
) -> Conv:
    """StringList / StringOrNumberList / []string: a single string becomes a list."""

    def conv(node: Node, ctx: _Ctx) -> Node | None:
        items: list[Node]
        if isinstance(node, Scalar):
            if node.value is None:
                return None if ctx.final else node
            items = [node]
        elif isinstance(node, Sequence):
            items = node.items
        else:
            return node
        out = Sequence([], node.span, tag=node.tag)
        for item in items:
            if not isinstance(item, Scalar):
                out.items.append(item)
                continue
            if drop_empty and item.value in (None, ""):
                continue
            text = _as_text(item) if (sprint or isinstance(item.value, str)) else item.value
            if abs_paths and isinstance(text, str):
                text = _abs_path(text, ctx.working_dir, ctx.home)
            out.items.append(_scalar(item, text))
        return None if (ctx.final and not out.items) else out

    return conv


def _empty_to_none(ctx: _Ctx, node: Node | None) -> Node | None:
    if ctx.final and isinstance(node, (Mapping, Sequence)) and len(node) == 0:
        return None
    return node


def list_or_dict_to_mapping(
    node: Node,
    *,
    sep: str = "=",
    allow_null: bool = True,
    env: EnvLookup | None = None,
    keep_unresolved: bool = True,
    errors: list[CanonicalError] | None = None,
) -> Mapping:
    """``[K=V, K2]`` or ``{K: V}`` -> Mapping of string (or null) scalars.

    ``allow_null=True`` is compose's MappingWithEquals (environment, build.args): a
    bare key / null value is looked up with ``env`` and stays null when not found
    (or is dropped with ``keep_unresolved=False``, as for build.args). With
    ``allow_null=False`` (labels, sysctls, annotations ...) it becomes ``""``.
    Values are stringified the Go way (``1.50`` -> ``"1.5"``). List values keep the
    span of their list item; a later duplicate key wins."""
    out = Mapping({}, node.span, tag=node.tag)

    def put(key: str, value: str | None, src: Node, key_span: Span | None) -> None:
        if value is None and allow_null:
            found = env(key) if env is not None else None
            if found is None and not keep_unresolved:
                return
            value = found
        elif value is None:
            value = ""
        out.pop(key)
        out.set(key, _scalar(src, value), key_span)

    if isinstance(node, Mapping):
        for key, value in node.items.items():
            if value.tag == "!reset":
                out.set(key, value, node.key_spans.get(key))  # removed when merged
            elif isinstance(value, Scalar):
                text = None if value.value is None else _as_text(value)
                put(key, text, value, node.key_spans.get(key))
            else:
                out.set(key, value, node.key_spans.get(key))
    elif isinstance(node, Sequence):
        for item in node.items:
            if not isinstance(item, Scalar) or item.value is None:
                continue
            text = _as_text(item)
            key, found, rest = text.partition(sep)
            if allow_null and key and key[-1].isspace() and errors is not None:
                errors.append(_space_before_equals(item, key, bool(found)))
                continue
            put(key, rest if found else None, item, item.span)
    return out


def _space_before_equals(item: Scalar, key: str, equals: bool) -> CanonicalError:
    """``- LANG = C.UTF-8``: Compose refuses a list entry whose name ends in a blank.
    The span is the blank when the item's columns map onto its line."""
    name = key.rstrip()
    col = item.text_column() if item.raw in (None, item.value) else None  # not interpolated
    span = item.span
    if col is not None and span is not None:
        span = Span(span.path, span.line, col + len(name), span.line, col + len(key))
    return CanonicalError(
        f"environment variable {key} is declared with a trailing space",
        span,
        rule="env-whitespace-around-equals",
        severity=Severity.ERROR,
        note="Compose refuses the file: the blank would be part of the name",
        help='remove the spaces around "="' if equals else "remove the space",
    )


def _mapping_kind(
    *,
    allow_null: bool,
    resolve: bool = False,
    keep_unresolved: bool = True,
    check_space: bool = False,
) -> Conv:
    def conv(node: Node, ctx: _Ctx) -> Node | None:
        if isinstance(node, Scalar):
            return None if (ctx.final and node.value is None) else node
        out = list_or_dict_to_mapping(
            node,
            allow_null=allow_null,
            env=ctx.env if resolve else None,
            keep_unresolved=keep_unresolved,
            errors=ctx.errors if check_space else None,
        )
        return _empty_to_none(ctx, out)

    return conv


_labels = _mapping_kind(allow_null=False)
_environment = _mapping_kind(allow_null=True, resolve=True, check_space=True)


def _options(node: Node, ctx: _Ctx) -> Node | None:
    """Options (map[string]string): null values become ``""``."""
    if not isinstance(node, Mapping):
        return None if (ctx.final and isinstance(node, Scalar) and node.value is None) else node
    out = Mapping({}, node.span, tag=node.tag)
    for key, value in node.items.items():
        if isinstance(value, Scalar):
            value = _scalar(value, "" if value.value is None else _as_text(value))
        out.set(key, value, node.key_spans.get(key))
    return _empty_to_none(ctx, out)


def _command(node: Node, ctx: _Ctx) -> Node | None:
    """ShellCommand: a string is split like a shell would (go-shellwords)."""
    if isinstance(node, Scalar):
        if node.value is None:
            return node
        try:
            words = shell_split(_as_text(node))
        except ValueError as exc:
            ctx.error(str(exc), node.span)
            return None
        return Sequence([_scalar(node, w) for w in words], node.span, tag=node.tag)
    if isinstance(node, Sequence):
        return Sequence(
            [_scalar(i, _as_text(i)) if isinstance(i, Scalar) else i for i in node.items],
            node.span,
            tag=node.tag,
        )
    return node


def _extra_hosts(node: Node, ctx: _Ctx) -> Node | None:
    """HostsList: ``name:ip`` / ``name=ip`` / map form -> sorted ``name=ip`` strings."""
    entries: list[tuple[str, str, Node]] = []
    if isinstance(node, Sequence):
        for item in node.items:
            if not isinstance(item, Scalar):
                continue
            text = _as_text(item)
            for sep in ("=", ":"):
                host, found, ips = text.partition(sep)
                if found:
                    entries.extend((host, ip, item) for ip in ips.split(","))
                    break
            else:
                ctx.error(f"invalid additional host, missing IP: {text}", item.span)
    elif isinstance(node, Mapping):
        for host, value in node.items.items():
            if isinstance(value, Sequence):
                entries.extend((host, _as_text(v), v) for v in value.items if isinstance(v, Scalar))
            elif isinstance(value, Scalar):
                entries.append((host, "" if value.value is None else _as_text(value), value))
    else:
        return None if (ctx.final and isinstance(node, Scalar) and node.value is None) else node
    out = Sequence([], node.span, tag=node.tag)
    seen: set[str] = set()
    for host, ip, src in entries:
        if not host or ":" in host or "=" in host:
            ctx.error(f"bad host name '{host}'", src.span)
            continue
        if len(ip) > 2 and ip[0] == "[" and ip[-1] == "]":
            ip = ip[1:-1]
        text = f"{host}={ip}"
        if ctx.final and text in seen:
            continue
        seen.add(text)
        out.items.append(_scalar(src, text))
    if ctx.final:
        out.items.sort(key=lambda n: str(n.to_plain()))
    return _empty_to_none(ctx, out)


def _file_mode(node: Node, ctx: _Ctx) -> Node | None:
    """FileMode: an octal string or an int, printed as ``"0440"``."""
    if not isinstance(node, Scalar) or node.value is None:
        return node
    value = node.value
    if isinstance(value, str):
        if not re.fullmatch(r"[+-]?[0-7]+", value):
            ctx.error(f'strconv.ParseInt: parsing "{value}": invalid syntax', node.span)
            return None
        value = int(value, 8)
    if not isinstance(value, int) or isinstance(value, bool):
        ctx.error(f"unexpected value type {type(value).__name__} for mode", node.span)
        return None
    return _scalar(node, f"0{value:o}" if value >= 0 else f"-0{-value:o}")


# --------------------------------------------------------------------------- ports


def _port_range(text: str) -> tuple[int, int]:
    def parse(part: str) -> int:
        if not part or not all(c in _DIGITS for c in part) or int(part) > 65535:
            raise ValueError(part)
        return int(part)

    if "-" not in text:
        start = parse(text)
        return start, start
    parts = text.split("-")
    start, end = parse(parts[0]), parse(parts[1])
    if end < start:
        raise ValueError(text)
    return start, end


def _valid_ip(text: str) -> bool:
    if "%" in text:
        return False
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def parse_port(spec: str) -> list[dict[str, str | int]]:
    """docker/go-connections ``nat.ParsePortSpec`` as compose-go uses it: one short
    port string -> the long-form fields of each mapping, sorted the way compose sorts
    them (by ``"<port>/<proto>"`` text). Raises ValueError with compose's message."""
    parts = spec.split(":")
    n = len(parts)
    container = parts[-1]
    ip, host = "", ""
    if n == 2:
        host = parts[0]
    elif n >= 3:
        ip, host = ":".join(parts[: n - 2]), parts[n - 2]
    proto_parts = container.split("/")
    if not container or not proto_parts[0]:
        proto, container = "", ""
    elif len(proto_parts) == 1:
        proto = "tcp"
    else:
        proto, container = (proto_parts[1] or "tcp"), proto_parts[0]
    if ip.startswith("["):
        if not ip.endswith("]") or "]" in ip[:-1]:
            raise ValueError(f"Invalid ip address {ip}")
        ip = ip[1:-1]
    if ip and not _valid_ip(ip):
        raise ValueError(f"invalid IP address: {ip}")
    if not container:
        raise ValueError(f"no port specified: {spec}<empty>")
    try:
        start, end = _port_range(container)
    except ValueError:
        raise ValueError(f"invalid containerPort: {container}") from None
    host_start = host_end = 0
    if host:
        try:
            host_start, host_end = _port_range(host)
        except ValueError:
            raise ValueError(f"invalid hostPort: {host}") from None
        if end - start != host_end - host_start and end != start:
            raise ValueError(
                f"invalid ranges specified for container and host Ports: {container} and {host}"
            )
    if proto.lower() not in ("tcp", "udp", "sctp"):
        raise ValueError(f"invalid proto: {proto}")
    result: list[tuple[str, dict[str, str | int]]] = []
    for i in range(end - start + 1):
        published = str(host_start + i) if host else ""
        if start == end and host_start != host_end:
            published = f"{published}-{host_end}"
        port: dict[str, str | int] = {"mode": "ingress"}
        if ip:
            port["host_ip"] = ip
        port["target"] = start + i
        if published:
            port["published"] = published
        port["protocol"] = proto.lower()
        result.append((f"{start + i}/{proto.lower()}", port))
    result.sort(key=lambda kv: kv[0])
    return [p for _, p in result]


def _ports(node: Node, ctx: _Ctx) -> Node | None:
    if not isinstance(node, Sequence):
        return None if (ctx.final and isinstance(node, Scalar) and node.value is None) else node
    out = Sequence([], node.span, tag=node.tag)
    for item in node.items:
        if isinstance(item, Scalar):
            if item.value is None or isinstance(item.value, (bool, float)):
                ctx.error(f"invalid type {type(item.value).__name__} for port", item.span)
                continue
            try:
                parsed = parse_port(_as_text(item))
            except ValueError as exc:
                ctx.error(str(exc), item.span)
                continue
            for port in parsed:
                out.items.append(Mapping({k: _scalar(item, v) for k, v in port.items()}, item.span))
        elif isinstance(item, Mapping):
            converted = _port_long(item, ctx)
            if converted is not None:
                out.items.append(converted)
    return _empty_to_none(ctx, out)


def _port_defaults(out: Mapping, src: Node, ctx: _Ctx) -> None:
    if ctx.final:
        for key, default in (("mode", "ingress"), ("protocol", "tcp")):
            if key not in out:
                out.set(key, Scalar(default, src.span))


_port_long = _struct(
    {
        "name": _string,
        "mode": _string,
        "host_ip": _string,
        "target": _int(),
        "published": _string,
        "protocol": _string,
        "app_protocol": _string,
    },
    _port_defaults,
)


# --------------------------------------------------------------------------- volumes


def _is_file_path(source: str) -> bool:
    if not source:
        return False
    if source[0] in "./~" or source.startswith("\\\\"):
        return True
    return len(source) > 1 and source[0].isalpha() and source[1] == ":"


def parse_volume(spec: str) -> dict[str, object]:
    """compose-go ``format.ParseVolume``: a short volume string -> long-form fields
    (before paths are made absolute). Raises ValueError with compose's message."""
    volume: dict[str, object] = {}
    if not spec:
        raise ValueError("invalid empty volume spec")
    if len(spec) <= 2:
        return {"type": "volume", "target": spec, "volume": {}}
    bind: dict[str, object] = {}
    vol: dict[str, object] | None = None
    buffer = ""
    depth = 0
    end = "\0"
    for i, char in enumerate(spec + end):
        at_end = i == len(spec)
        if not at_end and char == "$" and i + 1 < len(spec) and spec[i + 1] == "{":
            depth += 1
            buffer += char
            continue
        if not at_end and char == "}" and depth > 0:
            depth -= 1
            buffer += char
            continue
        if not at_end and char == ":" and len(buffer) == 1 and buffer.isalpha():
            buffer += char
        elif (char == ":" or at_end) and depth == 0:
            if not buffer:
                raise ValueError(f"invalid spec: {spec}: empty section between colons")
            if "source" not in volume and at_end:
                volume["target"] = buffer
            elif "source" not in volume:
                volume["source"] = buffer
            elif "target" not in volume:
                volume["target"] = buffer
            elif char == ":":
                raise ValueError(f"invalid spec: {spec}: too many colons")
            else:
                for option in buffer.split(","):
                    if option == "ro":
                        volume["read_only"] = True
                    elif option == "rw":
                        volume["read_only"] = False
                    elif option == "nocopy":
                        vol = {"nocopy": True}
                    elif option in ("z", "Z"):
                        bind["selinux"] = option
                    elif option in ("rprivate", "private", "rshared", "shared", "rslave", "slave"):
                        bind["propagation"] = option
            buffer = ""
        else:
            buffer += char
    source = str(volume.get("source", ""))
    if _is_file_path(source):
        volume["type"] = "bind"
        bind["create_host_path"] = True
    else:
        volume["type"] = "volume"
        volume["volume"] = vol or {}
    if bind:
        volume["bind"] = bind
    if volume.get("read_only") is False:
        del volume["read_only"]
    if "target" in volume:
        volume["target"] = go_clean(str(volume["target"]))
    return volume


def _plain_to_node(value: object, src: Node) -> Node:
    if isinstance(value, dict):
        return Mapping({k: _plain_to_node(v, src) for k, v in value.items()}, src.span)
    assert value is None or isinstance(value, (str, int, float, bool))
    return _scalar(src, value)


def _volume_post(out: Mapping, src: Node, ctx: _Ctx) -> None:
    source = out.get("source")
    if isinstance(out.get("type"), Scalar) and out.items["type"].to_plain() == "bind":
        if not isinstance(source, Scalar) or not isinstance(source.value, str) or not source.value:
            ctx.error(
                'invalid mount config for type "bind": field Source must not be empty', src.span
            )
        else:
            out.items["source"] = source.derive(
                _abs_path(source.value, ctx.working_dir, ctx.home, unix_or_windows=True)
            )
    target = out.get("target")
    if ctx.final and isinstance(target, Scalar) and isinstance(target.value, str):
        out.items["target"] = target.derive(go_clean(target.value))


_volume_long = _struct(
    {
        "type": _string,
        "source": _string,
        "target": _string,
        "read_only": _bool(),
        "consistency": _string,
        "bind": _struct(
            {
                "selinux": _string,
                "propagation": _string,
                "create_host_path": _bool(),
                "recursive": _string,
            }
        ),
        "volume": _struct({"labels": _labels, "nocopy": _bool(), "subpath": _string}),
        "tmpfs": _struct({"size": _bytes, "mode": _int()}),
        "image": _struct({"subpath": _string}),
    },
    _volume_post,
)


def _volumes(node: Node, ctx: _Ctx) -> Node | None:
    if not isinstance(node, Sequence):
        return None if (ctx.final and isinstance(node, Scalar) and node.value is None) else node
    out = Sequence([], node.span, tag=node.tag)
    for item in node.items:
        if isinstance(item, Scalar):
            try:
                parsed = parse_volume(_as_text(item))
            except ValueError as exc:
                ctx.error(str(exc), item.span)
                continue
            item_node: Node = _plain_to_node(parsed, item)
        else:
            item_node = item
        converted = _volume_long(item_node, ctx)
        if converted is not None:
            out.items.append(converted)
    return _empty_to_none(ctx, out)


# --------------------------------------------------------------------------- other service fields


def _file_ref(*, secret: bool) -> Conv:
    def post(out: Mapping, src: Node, ctx: _Ctx) -> None:
        if secret and ctx.final and "target" not in out:
            source = out.get("source")
            name = _as_text(source) if isinstance(source, Scalar) else ""
            out.set("target", Scalar(f"/run/secrets/{name}", src.span))

    long = _struct(
        {"source": _string, "target": _string, "uid": _string, "gid": _string, "mode": _file_mode},
        post,
    )

    def conv(node: Node, ctx: _Ctx) -> Node | None:
        if not isinstance(node, Sequence):
            return node
        out = Sequence([], node.span, tag=node.tag)
        for item in node.items:
            if isinstance(item, Scalar):
                item = Mapping({"source": _scalar(item, _as_text(item))}, item.span)
            converted = long(item, ctx)
            if converted is not None:
                out.items.append(converted)
        return _empty_to_none(ctx, out)

    return conv


def _depends_on(node: Node, ctx: _Ctx) -> Node | None:
    if isinstance(node, Sequence):
        out = Mapping({}, node.span, tag=node.tag)
        for item in node.items:
            if isinstance(item, Scalar):
                name = _as_text(item)
                out.set(
                    name,
                    Mapping(
                        {
                            "condition": item.derive("service_started"),
                            "required": item.derive(True),
                        },
                        item.span,
                    ),
                    item.span,
                )
        return _empty_to_none(ctx, out)
    if not isinstance(node, Mapping):
        return node
    out = Mapping({}, node.span, tag=node.tag)
    for name, dep in node.items.items():
        converted = _dependency(dep, ctx)
        if isinstance(converted, Mapping):
            if "condition" not in converted:
                converted.set("condition", Scalar("service_started", dep.span))
            if "required" not in converted:
                converted.set("required", Scalar(True, dep.span))
        if converted is not None:
            out.set(name, converted, node.key_spans.get(name))
    return _empty_to_none(ctx, out)


_dependency = _struct(
    {"condition": _string, "restart": _bool(), "required": _bool(keep_false=True)}
)


def _string_to_map(value_conv: Conv | None = None) -> Conv:
    """``[a, b]`` -> ``{a: null, b: null}`` (service networks, models)."""

    def conv(node: Node, ctx: _Ctx) -> Node | None:
        if isinstance(node, Sequence):
            out = Mapping({}, node.span, tag=node.tag)
            for item in node.items:
                if isinstance(item, Scalar):
                    out.set(_as_text(item), Scalar(None, item.span), item.span)
            return out
        if isinstance(node, Mapping) and value_conv is not None:
            out = Mapping({}, node.span, tag=node.tag)
            for key, value in node.items.items():
                converted = (
                    value
                    if (isinstance(value, Scalar) and value.value is None)
                    else value_conv(value, ctx)
                )
                if converted is not None:
                    out.set(key, converted, node.key_spans.get(key))
            return out
        return node

    return conv


def _device_count(node: Node, ctx: _Ctx) -> Node | None:
    if not isinstance(node, Scalar):
        return node
    if isinstance(node.value, int) and not isinstance(node.value, bool):
        return None if (node.value == 0 and ctx.final) else node.derive(node.value)
    text = _as_text(node)
    if text.lower() == "all":
        return node.derive(-1)
    if _INT_RE.fullmatch(text):
        return node.derive(int(text))
    ctx.error(f"invalid value \"{text}\", the only value allowed is 'all' or a number", node.span)
    return None


def _device_request_post(out: Mapping, src: Node, ctx: _Ctx) -> None:
    if "count" not in out and "device_ids" not in out:
        out.set("count", Scalar(-1, src.span))


_device_request = _struct(
    {
        "capabilities": _string_list(),
        "driver": _string,
        "count": _device_count,
        "device_ids": _string_list(),
        "options": _labels,
    },
    _device_request_post,
)


def _device_requests(node: Node, ctx: _Ctx) -> Node | None:
    if isinstance(node, Scalar) and isinstance(node.value, str):  # gpus: all
        return Sequence([Mapping({"count": node.derive(-1)}, node.span)], node.span, tag=node.tag)
    if not isinstance(node, Sequence):
        return node
    out = Sequence([], node.span, tag=node.tag)
    for item in node.items:
        converted = _device_request(item, ctx)
        if converted is not None:
            out.items.append(converted)
    return _empty_to_none(ctx, out)


def _devices(node: Node, ctx: _Ctx) -> Node | None:
    if not isinstance(node, Sequence):
        return node
    out = Sequence([], node.span, tag=node.tag)
    for item in node.items:
        if isinstance(item, Scalar):
            text = _as_text(item)
            parts = text.split(":")
            if len(parts) > 3:
                ctx.error(f"confusing device mapping, please use long syntax: {text}", item.span)
                continue
            src = parts[0]
            dst = parts[1] if len(parts) > 1 and parts[1] else src
            perms = parts[2] if len(parts) > 2 else "rwm"
            out.items.append(
                Mapping(
                    {
                        "source": item.derive(src),
                        "target": item.derive(dst),
                        "permissions": item.derive(perms),
                    },
                    item.span,
                )
            )
        else:
            converted = _struct({"source": _string, "target": _string, "permissions": _string})(
                item, ctx
            )
            if converted is not None:
                out.items.append(converted)
    return _empty_to_none(ctx, out)


def _ulimit(node: Node, ctx: _Ctx) -> Node | None:
    if isinstance(node, Scalar):
        return _int(keep_zero=True)(node, ctx)
    return _struct({"single": _int(), "soft": _int(), "hard": _int()})(node, ctx)


def _map_of(conv: Conv) -> Conv:
    def wrapped(node: Node, ctx: _Ctx) -> Node | None:
        if not isinstance(node, Mapping):
            return node
        out = Mapping({}, node.span, tag=node.tag)
        for key, value in node.items.items():
            converted = conv(value, ctx)
            if converted is not None:
                out.set(key, converted, node.key_spans.get(key))
        return _empty_to_none(ctx, out)

    return wrapped


def _list_of(conv: Conv) -> Conv:
    def wrapped(node: Node, ctx: _Ctx) -> Node | None:
        if not isinstance(node, Sequence):
            return node
        out = Sequence([], node.span, tag=node.tag)
        for item in node.items:
            converted = conv(item, ctx)
            if converted is not None:
                out.items.append(converted)
        return _empty_to_none(ctx, out)

    return wrapped


def _healthcheck_post(out: Mapping, src: Node, ctx: _Ctx) -> None:
    test = out.get("test")
    if isinstance(test, Scalar) and test.value is not None:
        out.items["test"] = Sequence(
            [test.derive("CMD-SHELL"), test.derive(_as_text(test))], test.span, tag=test.tag
        )
    elif isinstance(test, Sequence):
        if ctx.final and not test.items:
            out.pop("test")
            return
        first = test.items[0] if test.items else None
        if first is not None and (
            not isinstance(first, Scalar) or first.value not in ("CMD", "CMD-SHELL", "NONE")
        ):
            ctx.error(
                'healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"', first.span
            )


_healthcheck = _struct(
    {
        "test": lambda n, c: n,
        "timeout": _duration(),
        "interval": _duration(),
        "retries": _int(keep_zero=True),
        "start_period": _duration(),
        "start_interval": _duration(),
        "disable": _bool(),
    },
    _healthcheck_post,
)

_logging = _struct({"driver": _string, "options": _options})


def _deploy_post(out: Mapping, src: Node, ctx: _Ctx) -> None:
    if ctx.final:
        for key in ("resources", "placement"):  # non-pointer Go structs: always printed
            if key not in out:
                out.set(key, Mapping({}, src.span))


_update_config = _struct(
    {
        "parallelism": _int(keep_zero=True),
        "delay": _duration(keep_zero=False),
        "failure_action": _string,
        "monitor": _duration(keep_zero=False),
        "max_failure_ratio": _float,
        "order": _string,
    }
)
_resource = _struct(
    {
        "cpus": _float,
        "memory": _bytes,
        "pids": _int(),
        "devices": _device_requests,
    }
)
_deploy = _struct(
    {
        "mode": _string,
        "replicas": _int(keep_zero=True),
        "labels": _labels,
        "update_config": _update_config,
        "rollback_config": _update_config,
        "resources": _struct({"limits": _resource, "reservations": _resource}),
        "restart_policy": _struct(
            {
                "condition": _string,
                "delay": _duration(),
                "max_attempts": _int(keep_zero=True),
                "window": _duration(),
            }
        ),
        "placement": _struct(
            {"constraints": _string_list(), "max_replicas_per_node": _int()},
        ),
        "endpoint_mode": _string,
    },
    _deploy_post,
)


def _additional_contexts(node: Node, ctx: _Ctx) -> Node | None:
    if isinstance(node, Sequence):
        for item in node.items:
            if isinstance(item, Scalar) and "=" not in _as_text(item):
                ctx.error(f"invalid value {_as_text(item)}, expected key=value", item.span)
                return None
    converted = _labels(node, ctx)
    if isinstance(converted, Mapping):
        for key, value in converted.items.items():
            if isinstance(value, Scalar) and isinstance(value.value, str):
                converted.items[key] = value.derive(
                    _abs_context(value.value, ctx.working_dir, ctx.home)
                )
    return converted


def _ssh(node: Node, ctx: _Ctx) -> Node | None:
    """build.ssh: printed as a list of ``id`` / ``id=path`` strings."""
    entries: list[tuple[str, str | None, Node]] = []
    if isinstance(node, Sequence):
        for item in node.items:
            if not isinstance(item, Scalar):
                continue
            spec = _as_text(item)
            key, found, path = spec.partition("=")
            if not found and key != "default":
                ctx.error(f'invalid ssh key "{spec}"', item.span)
                return None
            entries.append((key, path if found else None, item))
    elif isinstance(node, Mapping):
        for key, value in node.items.items():
            known = isinstance(value, Scalar) and value.value is not None
            entries.append(
                (key, _as_text(value) if isinstance(value, Scalar) and known else None, value)
            )
    else:
        return node
    out = Sequence([], node.span, tag=node.tag)
    for key, key_path, src in entries:
        text = key
        if key_path:
            text = f"{key}={_abs_path(key_path, ctx.working_dir, ctx.home, unix_or_windows=True)}"
        out.items.append(_scalar(src, text))
    return _empty_to_none(ctx, out)


def _build_post(out: Mapping, src: Node, ctx: _Ctx) -> None:
    context = out.get("context")
    if context is None and ctx.final:
        context = Scalar(".", src.span)
    if isinstance(context, Scalar) and isinstance(context.value, str):
        out.set("context", context.derive(_abs_context(context.value, ctx.working_dir, ctx.home)))
    if ctx.final and "dockerfile" not in out and "dockerfile_inline" not in out:
        out.set("dockerfile", Scalar("Dockerfile", src.span))


_build_long = _struct(
    {
        "context": _string,
        "dockerfile": _string,
        "dockerfile_inline": _string,
        "entitlements": _string_list(),
        "args": _mapping_kind(
            allow_null=True, resolve=True, keep_unresolved=False, check_space=True
        ),
        "provenance": _string,
        "sbom": _string,
        "ssh": _ssh,
        "labels": _labels,
        "cache_from": _string_list(),
        "cache_to": _string_list(),
        "no_cache": _bool(),
        "additional_contexts": _additional_contexts,
        "pull": _bool(),
        "extra_hosts": _extra_hosts,
        "isolation": _string,
        "network": _string,
        "target": _string,
        "secrets": _file_ref(secret=False),
        "shm_size": _bytes,
        "tags": _string_list(),
        "ulimits": _map_of(_ulimit),
        "platforms": _string_list(),
        "privileged": _bool(),
    },
    _build_post,
)


def _build(node: Node, ctx: _Ctx) -> Node | None:
    if isinstance(node, Scalar) and isinstance(node.value, str):
        node = Mapping({"context": node.derive(node.value)}, node.span, tag=node.tag)
    return _build_long(node, ctx)


def _hook_post(out: Mapping, src: Node, ctx: _Ctx) -> None:
    if ctx.final and "command" not in out:
        out.set("command", Scalar(None, src.span))


_hook = _struct(
    {
        "command": _command,
        "user": _string,
        "privileged": _bool(),
        "working_dir": _string,
        "environment": _environment,
    },
    _hook_post,
)


def _watch_post(out: Mapping, src: Node, ctx: _Ctx) -> None:
    path = out.get("path")
    if isinstance(path, Scalar) and isinstance(path.value, str):
        out.items["path"] = path.derive(_abs_path(path.value, ctx.working_dir, ctx.home))
    if ctx.final and "exec" not in out:
        out.set("exec", Mapping({"command": Scalar(None, src.span)}, src.span))


_develop = _struct(
    {
        "watch": _list_of(
            _struct(
                {
                    "path": _string,
                    "action": _string,
                    "target": _string,
                    "exec": _hook,
                    "include": _string_list(),
                    "ignore": _string_list(),
                    "initial_sync": _bool(),
                },
                _watch_post,
            )
        )
    }
)

_service_network = _struct(
    {
        "aliases": _string_list(),
        "driver_opts": _options,
        "gw_priority": _int(),
        "interface_name": _string,
        "ipv4_address": _string,
        "ipv6_address": _string,
        "link_local_ips": _string_list(),
        "mac_address": _string,
        "priority": _int(),
    }
)

_STRING_FIELDS = [
    "cgroup_parent",
    "cgroup",
    "container_name",
    "cpuset",
    "dockerfile",
    "domainname",
    "hostname",
    "image",
    "ipc",
    "isolation",
    "log_driver",
    "mac_address",
    "net",
    "network_mode",
    "pid",
    "platform",
    "pull_policy",
    "restart",
    "runtime",
    "stop_signal",
    "user",
    "userns_mode",
    "uts",
    "volume_driver",
    "working_dir",
]
_BOOL_FIELDS = [
    "oom_kill_disable",
    "privileged",
    "read_only",
    "stdin_open",
    "tty",
    "use_api_socket",
]
_INT_FIELDS = [
    "cpu_count",
    "cpu_period",
    "cpu_quota",
    "cpu_rt_period",
    "cpu_rt_runtime",
    "cpu_shares",
    "oom_score_adj",
    "pids_limit",
]
_BYTES_FIELDS = ["mem_limit", "mem_reservation", "memswap_limit", "mem_swappiness", "shm_size"]
_LIST_FIELDS = [
    "cap_add",
    "cap_drop",
    "device_cgroup_rules",
    "dns_opt",
    "external_links",
    "group_add",
    "links",
    "security_opt",
    "volumes_from",
    "profiles",
]

_SERVICE: dict[str, Conv] = {
    **{k: _string for k in _STRING_FIELDS},
    **{k: _bool() for k in _BOOL_FIELDS},
    **{k: _int() for k in _INT_FIELDS},
    **{k: _bytes for k in _BYTES_FIELDS},
    **{k: _string_list() for k in _LIST_FIELDS},
    "init": _bool(keep_false=True),
    "attach": _bool(keep_false=True),
    "scale": _int(keep_zero=True),
    "cpus": _float,
    "cpu_percent": _float,
    "stop_grace_period": _duration(),
    "dns": _string_list(drop_empty=True),
    "dns_search": _string_list(),
    "tmpfs": _string_list(),
    "label_file": _string_list(abs_paths=True),
    "expose": _string_list(sprint=True),
    "annotations": _labels,
    "sysctls": _labels,
    "labels": _labels,
    "environment": _environment,
    "log_opt": _options,
    "storage_opt": _options,
    "extra_hosts": _extra_hosts,
    "command": _command,
    "entrypoint": _command,
    "build": _build,
    "develop": _develop,
    "blkio_config": _struct({"weight": _int()}),
    "credential_spec": _struct({"config": _string, "file": _string, "registry": _string}),
    "configs": _file_ref(secret=False),
    "secrets": _file_ref(secret=True),
    "depends_on": _depends_on,
    "deploy": _deploy,
    "devices": _devices,
    "gpus": _device_requests,
    "healthcheck": _healthcheck,
    "logging": _logging,
    "models": _string_to_map(_struct({"endpoint_var": _string, "model_var": _string})),
    "networks": _string_to_map(_service_network),
    "ports": _ports,
    "ulimits": _map_of(_ulimit),
    "volumes": _volumes,
    "post_start": _list_of(_hook),
    "pre_stop": _list_of(_hook),
    "provider": _struct({"type": _string}),
}

_NAMESPACE_FIELDS = ("network_mode", "ipc", "pid", "uts", "cgroup")


def _implicit_depends_on(out: Mapping, ctx: _Ctx) -> None:
    """links, ``service:`` namespaces and volumes_from imply a depends_on entry."""
    added: list[tuple[str, bool, Node]] = []
    links = out.get("links")
    if isinstance(links, Sequence):
        for item in links.items:
            if isinstance(item, Scalar):
                parts = _as_text(item).split(":")
                added.append((parts[0] if len(parts) == 2 else _as_text(item), True, item))
    for key in _NAMESPACE_FIELDS:
        ref = out.get(key)
        if (
            isinstance(ref, Scalar)
            and isinstance(ref.value, str)
            and ref.value.startswith("service:")
        ):
            added.append((ref.value[len("service:") :], True, ref))
    volumes_from = out.get("volumes_from")
    if isinstance(volumes_from, Sequence):
        for item in volumes_from.items:
            if isinstance(item, Scalar) and not _as_text(item).startswith("container:"):
                added.append((_as_text(item).split(":")[0], False, item))
    if not added:
        return
    deps = out.get("depends_on")
    if not isinstance(deps, Mapping):
        deps = Mapping({}, added[0][2].span)
        out.set("depends_on", deps)
    for name, restart, src in added:
        if name in deps:
            continue
        dep = Mapping({"condition": Scalar("service_started", src.span)}, src.span)
        if restart:
            dep.set("restart", Scalar(True, src.span))
        dep.set("required", Scalar(True, src.span))
        deps.set(name, dep, src.span)


def canonical_service(
    name: str,
    svc: Mapping,
    *,
    working_dir: Path,
    env: EnvLookup,
    errors: list[CanonicalError],
    home: str | None = None,
    final: bool = True,
) -> Mapping:
    """The service ``svc`` in compose's canonical form (see the module docstring).

    ``working_dir``: what relative paths resolve against; ``env``: the interpolation
    environment, for bare ``environment`` / ``build.args`` keys; ``home``: what ``~``
    expands to (default: the user's home); ``final``: add defaults and drop zero
    values (False: syntax only, for merging)."""
    ctx = _Ctx(
        working_dir=str(working_dir),
        home=home if home is not None else os.path.expanduser("~"),
        env=env,
        errors=errors,
        final=final,
    )
    out = Mapping({}, svc.span, tag=svc.tag)
    for key, value in svc.items.items():
        fn = _SERVICE.get(key)
        converted: Node | None = value
        if fn is not None:
            if (
                ctx.final
                and key == "pull_policy"
                and isinstance(value, Scalar)
                and value.value == "if_not_present"
            ):
                value = value.derive("missing")
            converted = _keep_tag(fn(value, ctx), value)
        if converted is not None:
            out.set(key, converted, svc.key_spans.get(key))
    if final:
        for key in ("command", "entrypoint"):
            if key not in out:
                out.set(key, Scalar(None, svc.span))
        if "network_mode" not in svc and "provider" not in svc:
            nets = out.get("networks")
            if not isinstance(nets, Mapping) or not nets.items:
                span = nets.span if nets is not None else svc.span
                out.set(
                    "networks",
                    Mapping({"default": Scalar(None, span)}, span),
                    svc.key_spans.get("networks"),
                )
        _implicit_depends_on(out, ctx)
    return out


# --------------------------------------------------------------------------- top-level resources

_network = _struct(
    {
        "name": _string,
        "driver": _string,
        "driver_opts": _options,
        "ipam": _struct(
            {
                "driver": _string,
                "config": _list_of(
                    _struct(
                        {
                            "subnet": _string,
                            "gateway": _string,
                            "ip_range": _string,
                            "aux_addresses": _labels,
                        }
                    )
                ),
            }
        ),
        "external": _bool(),
        "internal": _bool(),
        "attachable": _bool(),
        "labels": _labels,
        "enable_ipv4": _bool(keep_false=True),
        "enable_ipv6": _bool(keep_false=True),
    }
)
_volume = _struct(
    {
        "name": _string,
        "driver": _string,
        "driver_opts": _options,
        "external": _bool(),
        "labels": _labels,
    }
)


def _file_object(*, secret: bool) -> Conv:
    def post(out: Mapping, src: Node, ctx: _Ctx) -> None:
        file = out.get("file")
        if isinstance(file, Scalar) and isinstance(file.value, str):
            out.items["file"] = file.derive(
                _abs_path(file.value, ctx.working_dir, ctx.home, unix_or_windows=True)
            )
        if ctx.final and (secret or "environment" in out):
            out.pop("content")  # never printed for secrets, nor for configs read from env

    return _struct(
        {
            "name": _string,
            "file": _string,
            "environment": _string,
            "content": _string,
            "external": _bool(),
            "labels": _labels,
            "driver": _string,
            "driver_opts": _options,
            "template_driver": _string,
        },
        post,
    )


_RESOURCE: dict[str, Conv] = {
    "networks": _network,
    "volumes": _volume,
    "secrets": _file_object(secret=True),
    "configs": _file_object(secret=False),
    "models": _struct(
        {"name": _string, "model": _string, "context_size": _int(), "runtime_flags": _string_list()}
    ),
}


def canonical_resource(
    kind: ResourceKind,
    name: str,
    node: Node,
    *,
    project_name: str,
    working_dir: Path,
    errors: list[CanonicalError],
    home: str | None = None,
    final: bool = True,
) -> Mapping:
    """A top-level network / volume / secret / config / model in canonical form:
    ``name`` defaults to ``<project>_<key>`` (the key itself when external), the
    deprecated ``external: {name: x}`` becomes ``name: x, external: true``, files and
    bind devices become absolute, networks always carry ``ipam``."""
    ctx = _Ctx(
        working_dir=str(working_dir),
        home=home if home is not None else os.path.expanduser("~"),
        env=lambda _key: None,
        errors=errors,
        final=final,
    )
    if not isinstance(node, Mapping):
        node = Mapping({}, node.span, tag=node.tag)
    node = _external_name(node, ctx)
    converted = _RESOURCE[kind](node, ctx)
    out = converted if isinstance(converted, Mapping) else Mapping({}, node.span)
    if kind == "volumes":
        _volume_device(out, ctx)
    if final and kind != "models" and "name" not in out:
        external = out.get("external")
        is_external = isinstance(external, Scalar) and external.value is True
        out.set("name", Scalar(name if is_external else f"{project_name}_{name}", node.span))
    if final and kind == "networks" and "ipam" not in out:
        out.set("ipam", Mapping({}, node.span))
    return out


def _external_name(node: Mapping, ctx: _Ctx) -> Mapping:
    external = node.get("external")
    if not isinstance(external, Mapping):
        return node
    out = Mapping(dict(node.items), node.span, key_spans=dict(node.key_spans), tag=node.tag)
    out.items["external"] = Scalar(True, external.span)
    ext_name = external.get("name")
    if ext_name is not None:
        own = node.get("name")
        if own is None:
            out.set("name", ext_name, external.key_span("name"))
        elif own.to_plain() != ext_name.to_plain():
            ctx.error("name and external.name conflict; only use name", ext_name.span)
    return out


def _volume_device(out: Mapping, ctx: _Ctx) -> None:
    driver, opts = out.get("driver"), out.get("driver_opts")
    if not (isinstance(driver, Scalar) and driver.value == "local" and isinstance(opts, Mapping)):
        return
    o, device = opts.get("o"), opts.get("device")
    if (
        isinstance(o, Scalar)
        and o.value == "bind"
        and isinstance(device, Scalar)
        and isinstance(device.value, str)
    ):
        opts.items["device"] = device.derive(
            _abs_path(device.value, ctx.working_dir, ctx.home, unix_or_windows=True)
        )


# --------------------------------------------------------------------------- usage helpers


def used_networks(services: Iterable[Mapping]) -> set[str]:
    """Network keys that canonical services attach to (``networks`` mapping keys)."""
    used: set[str] = set()
    for svc in services:
        nets = svc.get("networks")
        if isinstance(nets, Mapping):
            used.update(nets.items)
    return used


def used_volumes(services: Iterable[Mapping]) -> set[str]:
    """Named volumes (top-level keys) that canonical services mount."""
    used: set[str] = set()
    for svc in services:
        vols = svc.get("volumes")
        if not isinstance(vols, Sequence):
            continue
        for vol in vols.items:
            if not isinstance(vol, Mapping):
                continue
            kind, source = vol.get("type"), vol.get("source")
            if (
                isinstance(kind, Scalar)
                and kind.value == "volume"
                and isinstance(source, Scalar)
                and isinstance(source.value, str)
                and source.value
            ):
                used.add(source.value)
    return used
