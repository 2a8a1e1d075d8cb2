"""The build-context sources of a Dockerfile's ``COPY`` and ``ADD`` instructions.

Only what the env rules need: which files of the build context can end up in the
image. Read the way BuildKit's parser reads a Dockerfile: the ``# escape=``
parser directive, line continuations, comment lines (also inside a continued
instruction), heredoc bodies (``RUN <<EOF`` ... ``EOF``), the JSON form
(``COPY ["a b", "/dst/"]``) and flags (``--chown=``, ``--link`` ...).
``COPY --from=`` copies from another stage or image, not from the context, and is
left out; so are ``ONBUILD`` triggers (they run in a child image's build), heredoc
sources and URLs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from composelint.load.dockerignore import clean, glob_regex

_DIRECTIVE = re.compile(r"#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(\S+)")
_HEREDOC = re.compile(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@)", re.I)


def _escape_char(lines: list[str]) -> str:
    """The escape character: ``\\``, or the one a leading ``# escape=`` sets."""
    for line in lines:
        m = _DIRECTIVE.match(line.strip())
        if m is None or line.strip()[m.end() :]:
            break  # directives are only read before the first other line
        if m.group(1).lower() == "escape" and m.group(2) in ("`", "\\"):
            return m.group(2)
    return "\\"


def _instructions(text: str) -> Iterator[str]:
    """The logical lines (continuations joined, comments and heredoc bodies out)."""
    lines = text.removeprefix("\ufeff").splitlines()
    escape = _escape_char(lines)
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        i += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = []
        while True:
            stripped = line.rstrip()
            if not stripped.endswith(escape) or i >= n:
                parts.append(stripped)
                break
            parts.append(stripped[:-1])
            while i < n and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
                i += 1  # comment and empty lines inside a continued instruction
            if i >= n:
                break
            line = lines[i]
            i += 1
        logical = " ".join(parts)
        if logical.split(" ", 1)[0].upper() in ("RUN", "COPY", "ADD"):
            for m in _HEREDOC.finditer(logical):
                i = _after_heredoc(lines, i, m.group(3), bool(m.group(1)))
        yield logical


def _after_heredoc(lines: list[str], start: int, word: str, strip_tabs: bool) -> int:
    """The line after the heredoc body starting at ``start``; ``start`` itself when the
    terminator never comes (then it was no heredoc, and nothing is skipped)."""
    for j in range(start, len(lines)):
        if (lines[j].lstrip("\t") if strip_tabs else lines[j]) == word:
            return j + 1
    return start


def copy_sources(text: str) -> list[str]:
    """The context sources of every ``COPY`` and ``ADD`` in a Dockerfile, in order."""
    out: list[str] = []
    for line in _instructions(text):
        word, _, rest = line.strip().partition(" ")
        if word.upper() not in ("COPY", "ADD"):
            continue
        args = _arguments(rest.strip())
        flags = [a for a in args if a.startswith("--")]
        args = [a for a in args if not a.startswith("--")]
        if any(f.lower().startswith("--from=") for f in flags) or len(args) < 2:
            continue
        out += [s for s in args[:-1] if not s.startswith("<<") and not _URL.match(s)]
    return out


def _arguments(rest: str) -> list[str]:
    """Flags first, then the JSON array or the whitespace-separated words."""
    flags = []
    while rest.startswith("--"):
        flag, _, rest = rest.partition(" ")
        flags.append(flag)
        rest = rest.lstrip()
    if rest.startswith("["):
        try:
            parsed = json.loads(rest)
        except ValueError:
            parsed = None
        if isinstance(parsed, list) and all(isinstance(a, str) for a in parsed):
            return flags + parsed
    return flags + rest.split()


def copies(sources: list[str], rel_path: str) -> bool:
    """Can one of the ``COPY``/``ADD`` ``sources`` take the context file ``rel_path``
    (slash-separated)? A source names the file, a directory above it (copied
    whole), or a glob matching either; a source with ``$`` (an ``ARG``) may be
    anything."""
    parts = clean(rel_path).split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for source in sources:
        if "$" in source:
            return True
        cleaned = clean(source)
        if cleaned in (".", "/", ""):
            return True  # the whole context
        regex = glob_regex(cleaned)
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            return True
    return False
