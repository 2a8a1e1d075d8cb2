"""Adversarial inputs for a regular expression, built from the pattern itself.

A backtracking regex is slow only on inputs that reach its quantifiers and then
fail: long runs of what a quantifier accepts, the pattern's own literal fragments
repeated, and a "witness" (a string the pattern almost matches) with a long run
inserted at each point. ``inputs`` yields such strings of about ``size`` characters.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

try:  # Python 3.11+
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse  # type: ignore[no-redef]

_CATEGORY_SAMPLES = {
    "CATEGORY_DIGIT": "0",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "a",
    "CATEGORY_WORD": "a",
    "CATEGORY_NOT_WORD": " ",
}
_RUNS = (" ", "a", "0", "-", ".", ":", "/", "@", "=", "$", "{", "}", "\t", "\n", "'", '"')


def _name(constant: object) -> str:
    """An opcode's name (``str`` of the constant differs between Python versions)."""
    return str(getattr(constant, "name", constant))


def _set_samples(items: list[tuple[object, object]]) -> list[str]:
    out: list[str] = []
    negate = False
    for op, av in items:
        name = _name(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            out.append(chr(av))  # type: ignore[arg-type]
        elif name == "RANGE":
            lo, hi = av  # type: ignore[misc]
            out += [chr(lo), chr(hi)]
        elif name == "CATEGORY":
            out.append(_CATEGORY_SAMPLES.get(_name(av), "a"))
    if negate:
        return [c for c in ("a", " ", "!", "0", "x") if c not in out][:2]
    return out[:4]


def _walk(tree: object, atoms: list[str]) -> str:
    """A witness string for ``tree``; collects literal fragments and class samples."""
    out: list[str] = []
    literal = ""
    for op, av in tree:  # type: ignore[attr-defined]
        name = _name(op)
        if name == "LITERAL":
            literal += chr(av)
            out.append(chr(av))
            continue
        if literal:
            atoms.append(literal)
            literal = ""
        if name == "IN":
            samples = _set_samples(av)
            atoms.extend(samples)
            out.append(samples[0] if samples else "a")
        elif name == "ANY":
            out.append("a")
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, _hi, sub = av
            inner = _walk(sub, atoms)
            out.append(inner * max(lo, 1))
        elif name == "SUBPATTERN":
            out.append(_walk(av[-1], atoms))
        elif name == "ATOMIC_GROUP":
            out.append(_walk(av, atoms))
        elif name == "BRANCH":
            branches = [_walk(b, atoms) for b in av[1]]
            out.append(branches[0])
        elif name in ("ASSERT", "ASSERT_NOT"):
            _walk(av[1], atoms)
        elif name == "NOT_LITERAL":
            out.append("a" if av != ord("a") else "b")
    if literal:
        atoms.append(literal)
    return "".join(out)


def _fill(unit: str, size: int) -> str:
    return unit * max(1, size // max(len(unit), 1))


def inputs(pattern: re.Pattern[str], size: int = 100_000) -> Iterator[str]:
    """Adversarial strings of about ``size`` characters for ``pattern``."""
    atoms: list[str] = []
    witness = _walk(sre_parse.parse(pattern.pattern, pattern.flags), atoms)[:200]
    seen: set[str] = set()
    units = list(dict.fromkeys([*atoms, *_RUNS, witness]))
    units += [a + b for a, b in itertools.pairwise(atoms)]
    for unit in units:
        if unit and unit not in seen:
            seen.add(unit)
            yield _fill(unit, size)
            yield _fill(unit, size) + "\x00"
    cuts = sorted(
        {min(i, len(witness)) for i in range(0, len(witness) + 1, max(1, len(witness) // 12))}
    )
    for cut in cuts:
        for run in dict.fromkeys([" ", "a", "0", witness[cut - 1 : cut] or "a"]):
            yield witness[:cut] + _fill(run, size) + witness[cut:] + "\x00"
