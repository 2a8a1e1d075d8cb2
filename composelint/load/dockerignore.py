"""``.dockerignore`` matching, the way BuildKit filters a build context.

The rules follow moby/patternmatcher (``MatchesOrParentMatches``) and BuildKit's
``dockerignore.ReadAll``: a line starting with ``#`` is a comment; blanks around a
pattern are trimmed; ``!`` makes an exception; the pattern is cleaned
(``path.Clean``) and a leading ``/`` dropped, so every pattern is relative to the
context root (``*.env`` matches ``./x.env`` but not ``./sub/x.env``, unlike
gitignore, where a pattern without a slash matches at any depth); ``*`` and ``?``
stop at ``/``, ``**`` spans any number of directories, ``[...]`` and ``\\`` escapes
are Go's; a pattern that matches a parent directory matches everything in it; the
last matching pattern wins.

The glob dialect and the anchoring differ from gitignore(5), which is why this
does not reuse :mod:`composelint.load.gitignore`. The same dialect serves the
source globs of ``COPY``/``ADD`` (:mod:`composelint.load.dockerfile`).
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache

from composelint.model.record import Frozen, set_field


class _Pattern(Frozen):
    regex: re.Pattern[str]
    exception: bool

    __slots__ = ("exception", "regex")

    def __init__(self, regex: re.Pattern[str], exception: bool) -> None:
        set_field(self, "regex", regex)
        set_field(self, "exception", exception)


def glob_regex(pattern: str) -> re.Pattern[str]:
    """patternmatcher's translation of a cleaned pattern into an anchored regex."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                i += 2
                if i < n and pattern[i] == "/":
                    i += 1  # "**/" is "**"
                out.append(".*" if i >= n else "(?:.*/)?")
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        elif c in "[]":
            out.append(c)
        else:
            out.append(re.escape(c))
        i += 1
    try:
        return re.compile("".join(out), re.S)
    except re.error:  # a malformed class: Go rejects the pattern, match it literally
        return re.compile(re.escape(pattern), re.S)


def clean(pattern: str) -> str:
    """``path.Clean`` without a leading ``/`` (BuildKit makes patterns context-relative)."""
    cleaned = posixpath.normpath(pattern) if pattern else pattern
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    if len(cleaned) > 1 and cleaned.startswith("/"):
        cleaned = cleaned[1:]
    return cleaned


@lru_cache(maxsize=64)
def _parse(text: str) -> tuple[_Pattern, ...]:
    patterns: list[_Pattern] = []
    for number, line in enumerate(text.splitlines()):
        if number == 0:
            line = line.removeprefix("\ufeff")
        if line.startswith("#"):
            continue
        line = line.strip()
        if not line:
            continue
        exception = line.startswith("!")
        if exception:
            line = line[1:].strip()
            if not line:
                continue  # Go refuses a lone "!": the build fails, nothing to match
        patterns.append(_Pattern(glob_regex(clean(line)), exception))
    return tuple(patterns)


def excluded(text: str, rel_path: str) -> bool:
    """Does the ``.dockerignore`` ``text`` leave ``rel_path`` (slash-separated,
    relative to the context root) out of the build context?"""
    parts = clean(rel_path).split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    matched = False
    for p in _parse(text):
        if p.exception != matched:
            continue  # only an exception can undo a match, only a pattern can make one
        if any(p.regex.fullmatch(prefix) for prefix in prefixes):
            matched = not p.exception
    return matched
