"""YAML for ``composelint config``: byte for byte what the PyYAML dumper of
``configout`` prints, at a fraction of its cost.

PyYAML's pure-Python emitter analyses every scalar character by character; its C
emitter (libyaml) cannot be told to indent a list under its key as Compose does. The
output of ``config`` has a restricted shape (string keys; mappings, lists and plain
scalars), so this writes the structure directly and decides each scalar's style the
way PyYAML does (``yaml.emitter.Emitter.analyze_scalar`` and ``choose_scalar_style``)
for the scalars whose style is certain: printable ASCII on one line. Any other string
is written by PyYAML itself in the same position (memoised), and a shape this does not
know (a key that is not a short printable string, a list directly in a list ...)
makes :func:`emit` return None, so that the caller falls back to PyYAML for the whole
document. ``tests/test_yamlemit.py`` compares both on tricky values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

# PyYAML's indicators (yaml.emitter.Emitter.analyze_scalar): as the first character
_FIRST_INDICATORS = frozenset("#,[]{}&*!|>'\"%@`")
_NEEDS_DOUBLE = frozenset('"\\')


class Unsupported(Exception):
    """A value this emitter does not write; the caller uses PyYAML instead."""


def emit(model: dict[str, Any], force_double: Callable[[str], bool]) -> str | None:
    """The YAML of ``model`` as ``yaml.dump(model, Dumper=<configout's dumper>, width=
    1_000_000, sort_keys=False, default_flow_style=False, allow_unicode=True)`` prints it,
    or None when the model holds something only PyYAML knows how to write.

    ``force_double``: the strings configout's dumper double-quotes (those go-yaml would
    read back as another type)."""
    if not model:
        return "{}\n"
    out: list[str] = []
    writer = _Writer(out, force_double)
    try:
        writer.mapping(model, 0)
    except Unsupported:
        return None
    if writer.open_ended:  # the document ends in a "|+" block: PyYAML marks its end
        out.append("...\n")
    return "".join(out)


class _Writer:
    def __init__(self, out: list[str], force_double: Callable[[str], bool]) -> None:
        self.out = out
        self.force_double = force_double
        self.resolves_to_str = _implicit_str()
        self.open_ended = False  # the last scalar written keeps its final line breaks

    def mapping(self, value: dict[Any, Any], col: int, *, first_inline: bool = False) -> None:
        """A non-empty block mapping whose keys start at ``col``; with ``first_inline``
        the first key follows a ``- `` already written."""
        pad = " " * col
        out = self.out
        for i, (key, item) in enumerate(value.items()):
            if not isinstance(key, str):
                raise Unsupported
            if not (i == 0 and first_inline):
                out.append(pad)
            out.append(self.key(key))
            out.append(":")
            self.value(item, col)

    def sequence(self, value: list[Any], col: int) -> None:
        """A non-empty block sequence whose dashes are at ``col``."""
        pad = " " * col
        out = self.out
        for item in value:
            out.append(pad)
            out.append("-")
            if isinstance(item, dict) and item:
                out.append(" ")
                self.mapping(item, col + 2, first_inline=True)
            elif isinstance(item, list) and item:
                raise Unsupported  # "- - x": not in what config prints
            else:
                out.append(" ")
                out.append(self.scalar(item, col))
                out.append("\n")

    def value(self, item: Any, col: int) -> None:
        """What follows ``key:`` of a mapping whose keys are at ``col``."""
        out = self.out
        if isinstance(item, dict) and item:
            out.append("\n")
            self.mapping(item, col + 2)
        elif isinstance(item, list) and item:
            out.append("\n")
            self.sequence(item, col + 2)
        else:
            out.append(" ")
            out.append(self.scalar(item, col))
            out.append("\n")

    def key(self, key: str) -> str:
        # a simple key: shorter than 128 characters, on one line, not empty
        if not key or len(key) >= 128:
            raise Unsupported
        text = self.one_line(key)
        if text is None:
            raise Unsupported
        return text

    def scalar(self, value: Any, col: int) -> str:
        """A scalar after ``key: `` or ``- `` at indentation ``col``."""
        self.open_ended = False
        if value is None:
            return "null"
        if value is True:
            return "true"
        if value is False:
            return "false"
        if isinstance(value, dict):  # empty
            return "{}"
        if isinstance(value, list):
            return "[]"
        if type(value) is int:
            return str(value)
        if type(value) is float:
            return _float(value)
        if type(value) is not str:
            raise Unsupported
        text = self.one_line(value)
        if text is not None:
            self.open_ended = False
            return text
        text, self.open_ended = _by_pyyaml(value, col)
        return text

    def one_line(self, s: str) -> str | None:
        """The style PyYAML gives a printable ASCII string (no line break), or None
        when the string is anything else."""
        if not (s.isascii() and s.isprintable()):
            return None  # line breaks, tabs, control and non-ASCII characters
        if self.force_double(s):
            return _double(s)
        if _block_plain(s) and self.resolves_to_str(s):
            return s
        return "'" + s.replace("'", "''") + "'"


def _block_plain(s: str) -> bool:
    """``analyze_scalar(s).allow_block_plain`` for printable ASCII ``s``."""
    if not s or s[0] == " " or s[-1] == " " or s.startswith(("---", "...")):
        return False
    first = s[0]
    if first in _FIRST_INDICATORS:
        return False
    if first in "?:-" and (len(s) == 1 or s[1] == " "):
        return False
    # ": " or a final ":" (a key indicator), " #" (a comment)
    return not (": " in s or s.endswith(":") or " #" in s)


def _double(s: str) -> str:
    """PyYAML's double-quoted style of printable ASCII: only '"' and '\\' escaped."""
    if _NEEDS_DOUBLE.isdisjoint(s):
        return f'"{s}"'
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _float(value: float) -> str:
    """``yaml.representer.SafeRepresenter.represent_float``."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value).lower()
    if "." not in text and "e" in text:
        text = text.replace("e", ".0e", 1)
    return text


@lru_cache(maxsize=1)
def _implicit_str() -> Callable[[str], bool]:
    """Whether PyYAML would read a plain ``s`` back as a string (else it quotes it)."""
    import yaml

    resolver = yaml.resolver.Resolver()
    str_tag = "tag:yaml.org,2002:str"
    # the first characters PyYAML's implicit resolvers (bool, float, int, merge, null,
    # timestamp, value) are registered for; any other plain scalar is a string
    firsts = frozenset(c for c in resolver.yaml_implicit_resolvers if c)
    wildcard = None in resolver.yaml_implicit_resolvers

    def resolves_to_str(s: str) -> bool:
        if s[0] not in firsts and not wildcard:
            return True
        return bool(resolver.resolve(yaml.ScalarNode, s, (True, False)) == str_tag)

    return resolves_to_str


_TAIL = re.compile(r"\A(?:[ ]*k:\n)*[ ]*k:")


_OPEN_END = "\n...\n"


@lru_cache(maxsize=4096)
def _by_pyyaml(value: str, col: int) -> tuple[str, bool]:
    """The scalar as PyYAML writes it after ``key: `` at indentation ``col`` (a
    literal block's lines are indented by ``col + 2``): dumped inside mappings nested
    so deep that its key sits at ``col``, and cut out of that document. True when it
    is a block that keeps its final line breaks (``|+``), after which PyYAML ends the
    document with ``...`` if nothing follows."""
    from composelint.output.configout import pyyaml_dump

    doc: Any = {"k": value}
    for _ in range(col // 2):
        doc = {"k": doc}
    text = pyyaml_dump(doc)
    m = _TAIL.match(text)
    if m is None or col % 2:
        raise Unsupported
    rest = text[m.end() :]
    open_ended = rest.endswith(_OPEN_END)
    if open_ended:
        rest = rest[: -len(_OPEN_END) + 1]
    if not rest.startswith(" ") or not rest.endswith("\n"):
        raise Unsupported
    return rest[1:-1], open_ended
