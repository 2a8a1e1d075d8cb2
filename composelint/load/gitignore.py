"""Would git ignore this file? Answered statically, without running git.

Reads the ``.gitignore`` files from the repository root (the nearest ancestor
directory holding ``.git``) down to the file's directory, plus
``.git/info/exclude``, and applies gitignore(5): the last matching pattern wins,
deeper files override shallower ones, ``!`` re-includes, a trailing ``/`` matches
directories only, a pattern with an inner or leading ``/`` is anchored to its
file's directory, ``**`` spans directories, and nothing below an ignored directory
can be re-included. The global ``core.excludesFile`` is not read (it is personal,
not part of the repository).

``is_tracked`` reads the git index (versions 2 to 4) to tell whether a file is
already committed, in which case ignore patterns do not apply to it.
"""

from __future__ import annotations

import re
import struct
from functools import lru_cache
from pathlib import Path

from composelint.load.sources import UnreadableFile, read_bytes, read_text, resolve_path
from composelint.model.record import Frozen, set_field

GIT_INDEX_MAX_BYTES = 256 * 1024 * 1024  # the index of a very large repository


class _Pattern(Frozen):
    regex: re.Pattern[str]
    negated: bool
    dir_only: bool
    base: str  # directory of the .gitignore, relative to the root ("" at the root)

    __slots__ = ("base", "dir_only", "negated", "regex")

    def __init__(self, regex: re.Pattern[str], negated: bool, dir_only: bool, base: str) -> None:
        set_field(self, "regex", regex)
        set_field(self, "negated", negated)
        set_field(self, "dir_only", dir_only)
        set_field(self, "base", base)


def find_repository_root(start: Path) -> Path | None:
    """The nearest directory at or above ``start`` that holds ``.git``."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def repository_of(start: Path) -> Path | None:
    """The git directory of the repository ``start`` is in, the same for every worktree
    of one repository (``<repo>/.git``); None outside a repository."""
    root = find_repository_root(start)
    git_dir = _git_dir(root) if root is not None else None
    if git_dir is not None and git_dir.parent.name == "worktrees":  # <repo>/.git/worktrees/<name>
        return git_dir.parent.parent
    return git_dir


def _translate(body: str) -> str:
    """A gitignore glob (without anchoring) as a regex over a relative path."""
    out: list[str] = []
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c == "*":
            if body.startswith("**", i):
                before = i == 0 or body[i - 1] == "/"
                after = i + 2 == n or body[i + 2] == "/"
                if before and after:
                    if i + 2 == n:
                        out.append(".*")  # "foo/**": everything inside
                    else:
                        out.append("(?:.*/)?")  # "**/" : zero or more directories
                        i += 1
                    i += 2
                    continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            close = body.find("]", i + 2 if body[i + 1 : i + 2] in ("!", "]") else i + 1)
            if close < 0:
                out.append(re.escape(c))
            else:
                inner = body[i + 1 : close]
                if inner.startswith("!"):
                    inner = "^" + inner[1:]
                out.append("[" + inner.replace("\\", "\\\\") + "]")
                i = close
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(body[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def parse_patterns(text: str, base: str) -> list[_Pattern]:
    """The patterns of one ``.gitignore`` whose directory is ``base`` (relative to the root)."""
    patterns: list[_Pattern] = []
    for line in text.splitlines():
        line = line.rstrip("\r")
        if not line or line.startswith("#"):
            continue
        # trailing spaces are ignored unless escaped
        stripped = line.rstrip(" ")
        if stripped.endswith("\\") and len(stripped) < len(line):
            stripped += " "
        line = stripped
        negated = line.startswith("!")
        if negated or line.startswith(("\\!", "\\#")):
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        line = line.lstrip("/")
        body = _translate(line)
        regex = re.compile(body if anchored else f"(?:.*/)?{body}", re.S)
        patterns.append(_Pattern(regex, negated, dir_only, base))
    return patterns


def _patterns_in(directory: Path, base: str) -> tuple[_Pattern, ...]:
    path = directory / ".gitignore"
    try:
        st = path.stat()
    except OSError:
        return ()
    return _parsed(str(path), base, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=512)
def _parsed(path: str, base: str, _mtime: int, _size: int) -> tuple[_Pattern, ...]:
    """The patterns of one .gitignore (cached while the file is unchanged)."""
    try:
        text = read_text(Path(path))
    except UnreadableFile:
        return ()
    return tuple(parse_patterns(text, base))


def _exclude_patterns(root: Path) -> tuple[_Pattern, ...]:
    git = _git_dir(root)
    if git is None:
        return ()
    try:
        return tuple(parse_patterns(read_text(git / "info" / "exclude"), ""))
    except UnreadableFile:
        return ()


def _matches(patterns: list[_Pattern], rel: str, is_dir: bool) -> bool | None:
    """True ignored, False re-included, None no pattern matched."""
    verdict: bool | None = None
    for p in patterns:
        if p.dir_only and not is_dir:
            continue
        if p.base:
            if not rel.startswith(p.base + "/"):
                continue
            sub = rel[len(p.base) + 1 :]
        else:
            sub = rel
        if p.regex.fullmatch(sub):
            verdict = not p.negated
    return verdict


def is_ignored(path: Path, root: Path | None = None) -> bool:
    """Would git ignore ``path`` (absolute) in the repository at ``root``?"""
    root = root or find_repository_root(path.parent)
    if root is None:
        return False
    try:
        rel_parts = path.relative_to(root).parts
    except ValueError:
        return False
    patterns = list(_exclude_patterns(root))
    directory = root
    base = ""
    for i, part in enumerate(rel_parts):
        patterns.extend(_patterns_in(directory, base))
        rel = "/".join(rel_parts[: i + 1])
        last = i == len(rel_parts) - 1
        verdict = _matches(patterns, rel, is_dir=not last)
        if verdict and not last:
            return True  # nothing inside an ignored directory can be re-included
        if last:
            return bool(verdict)
        directory = directory / part
        base = rel
    return False


def _git_dir(root: Path) -> Path | None:
    dot_git = root / ".git"
    if dot_git.is_dir():
        return dot_git
    try:  # a worktree or submodule: ".git" is a file "gitdir: <path>"
        text = read_text(dot_git)
    except UnreadableFile:
        return None
    if text.startswith("gitdir:"):
        target = Path(text[len("gitdir:") :].strip())
        return resolve_path(target, root)
    return None


def is_tracked(path: Path, root: Path | None = None) -> bool | None:
    """Is ``path`` in the git index of its repository? None when that cannot be told."""
    root = root or find_repository_root(path.parent)
    git = _git_dir(root) if root is not None else None
    if root is None or git is None:
        return None
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        return None
    index = git / "index"
    try:
        stamp = index.stat().st_mtime_ns
    except OSError:
        return None
    paths = _index_paths(str(index), stamp)
    return None if paths is None else rel in paths


@lru_cache(maxsize=16)
def _index_paths(index: str, _stamp: int) -> frozenset[str] | None:
    """The paths in a git index file (format versions 2, 3 and 4, SHA-1 or SHA-256)."""
    try:  # bounded and regular-file only, like every read (an index is larger than a file)
        data = read_bytes(Path(index), max_bytes=GIT_INDEX_MAX_BYTES)
    except UnreadableFile:
        return None
    if len(data) < 12 or data[:4] != b"DIRC":
        return None
    version, count = struct.unpack(">II", data[4:12])
    if version not in (2, 3, 4):
        return None
    for hash_len in (20, 32):
        paths = _read_entries(data, version, count, hash_len)
        if paths is not None:
            return paths
    return None


def _read_entries(data: bytes, version: int, count: int, hash_len: int) -> frozenset[str] | None:
    paths: list[str] = []
    pos = 12
    previous = b""
    try:
        for _ in range(count):
            start = pos
            pos += 40 + hash_len  # ctime, mtime, dev, ino, mode, uid, gid, size; object id
            (flags,) = struct.unpack(">H", data[pos : pos + 2])
            pos += 2
            if version >= 3 and flags & 0x4000:
                pos += 2
            if version == 4:
                strip, pos = _varint(data, pos)
                end = data.index(b"\0", pos)
                name = previous[: len(previous) - strip] + data[pos:end]
                pos = end + 1
            else:
                end = data.index(b"\0", pos)
                name = data[pos:end]
                pos = start + ((end - start) // 8 + 1) * 8  # NUL padding to 8 bytes
            if flags & 0xFFF != min(len(name), 0xFFF):
                return None  # wrong hash length guess
            paths.append(name.decode("utf-8", "surrogateescape"))
            previous = name
    except (struct.error, ValueError, IndexError):
        return None
    return frozenset(paths)


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    """git's offset varint (index v4 path prefix lengths)."""
    byte = data[pos]
    pos += 1
    value = byte & 0x7F
    while byte & 0x80:
        byte = data[pos]
        pos += 1
        value = ((value + 1) << 7) | (byte & 0x7F)
    return value, pos
