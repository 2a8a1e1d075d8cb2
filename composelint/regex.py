"""Regular expressions compiled on first use.

A module-level ``re.compile`` runs at import, on every start, whether or not the
run ever matches the pattern: a few dozen of them cost milliseconds a run (the
secret masks, the connection-string grammars). ``lazy_pattern`` returns a stand-in
that compiles on the first method call and from then on hands out the compiled
pattern's own bound methods (stored on the stand-in: no extra call per match).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any, cast

_METHODS = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer")


class LazyPattern:
    __slots__ = ("_compiled", "_flags", "_source", *_METHODS)

    def __init__(self, source: str, flags: int) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        # only for what is not set yet: the methods before the first use, and the
        # pattern's other attributes (``pattern``, ``groupindex`` ...)
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self._source, self._flags)
            for method in _METHODS:
                setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiling it now if need be)."""
        return cast("re.Pattern[str]", self.__getattr__("pattern") and self._compiled)

    def __repr__(self) -> str:
        return f"lazy_pattern({self._source!r})"


def lazy_pattern(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, compiled when first used."""
    return cast("re.Pattern[str]", LazyPattern(source, flags))


def compile_lazily_within(package: str) -> Callable[[], None]:
    """Make ``re.compile`` called by the modules of ``package`` (only those) return
    patterns compiled on first use, until the returned function is called: for
    importing a library whose module-level patterns a run may never use."""
    real = re.compile

    def compile_(pattern: Any, flags: Any = 0) -> Any:
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if isinstance(pattern, str) and (caller == package or caller.startswith(package + ".")):
            return lazy_pattern(pattern, flags)
        return real(pattern, flags)

    re.compile = compile_

    def restore() -> None:
        re.compile = real

    return restore
