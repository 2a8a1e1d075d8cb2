"""The one door to the file system: every path composelint is given goes through
:func:`resolve_path` and every file it reads through :func:`read_bytes` /
:func:`read_text` (or :func:`read_stream` for stdin).

Both never raise anything but :class:`UnreadableFile`, whose text is the one-line
reason used in every message (``symlink loop``, ``is a FIFO, not a regular file``,
``file is too large ...``). Reading is bounded: only regular files are read (a FIFO
is opened without blocking and refused, a device is refused before a byte is read),
and at most ``limits.MAX_FILE_BYTES + 1`` bytes are read from anything, stdin
included, so ``/dev/zero`` costs nothing.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import IO, Any

from composelint import limits

MAX_FILE_BYTES = limits.MAX_FILE_BYTES  # kept for callers (and tests) that patch it

_REASONS = {
    errno.ENOENT: "no such file",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ELOOP: "symlink loop",
    errno.ENAMETOOLONG: "file name too long",
    errno.ENOTDIR: "a component of the path is not a directory",
    errno.EISDIR: "is a directory, expected a file",
    errno.ENXIO: "is a socket or device without a reader, not a regular file",
}


_NUL_NAME = "invalid file name (contains a NUL byte)"


class UnreadableFile(Exception):
    """The file could not be read as text; ``str(exc)`` is the one-line reason."""


def os_reason(exc: OSError) -> str:
    """The one-line reason for an OS error, the same words wherever it happens."""
    reason = _REASONS.get(exc.errno or 0)
    if reason is not None:
        return reason
    text = exc.strerror or str(exc)
    return text[:1].lower() + text[1:]


def display_path(path: Path, cwd: Path) -> str:
    """The path as shown to the user: relative to ``cwd`` when below it."""
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


def resolve_path(path: str | Path, base: Path | None = None) -> Path:
    """``path`` (relative to ``base``) made absolute with its symlinks resolved as far
    as they resolve. Never raises: a symlink loop, a name too long or a NUL byte
    leaves the path as written (normalised), and reading it then says why."""
    p = Path(path)
    if base is not None and not p.is_absolute():
        p = base / p
    try:
        return Path(os.path.realpath(p))
    except (OSError, ValueError):
        return Path(os.path.abspath(p))


def _mode(path: Path) -> int | str:
    """The file mode of what ``path`` leads to, or the reason there is none."""
    try:
        return os.stat(path).st_mode
    except OSError as exc:
        return os_reason(exc)
    except ValueError:
        return _NUL_NAME


def file_problem(path: Path) -> str | None:
    """Why ``path`` is not a readable regular file, or None when it looks like one
    (existence and type only: reading may still fail)."""
    mode = _mode(path)
    return mode if isinstance(mode, str) else _kind_problem(mode)


def dir_problem(path: Path) -> str | None:
    """Why ``path`` is not a usable directory, or None when it is one."""
    mode = _mode(path)
    if isinstance(mode, str):
        return mode
    return None if stat.S_ISDIR(mode) else "not a directory"


def exists(path: Path) -> bool:
    """Does ``path`` lead to something? False only when nothing is there (no such
    file, a dangling symlink); a symlink loop or an unreadable directory on the way
    count as something, so that reading it reports the reason instead of "not found"."""
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno not in (errno.ENOENT, errno.ENOTDIR)
    except ValueError:
        return True
    return True


def _kind_problem(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory, expected a file"
    if stat.S_ISFIFO(mode):
        return "is a FIFO, not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    return "is a special file, not a regular file"


def read_bytes(path: Path, *, max_bytes: int | None = None, head: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` (default: the file limit);
    with ``head``, only its first ``head`` bytes (whatever its size).

    The file is opened without blocking (a FIFO never waits for a writer) and its
    type is checked on the open descriptor, so what is read is what was checked.
    """
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise UnreadableFile(os_reason(exc)) from None
    except ValueError:
        raise UnreadableFile(_NUL_NAME) from None
    try:
        st = os.fstat(fd)
        problem = _kind_problem(st.st_mode)
        if problem is not None:
            raise UnreadableFile(problem)
        if head is None and st.st_size > limit:
            raise UnreadableFile(_too_large(st.st_size, limit))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1 if head is None else head)
    except OSError as exc:
        raise UnreadableFile(os_reason(exc)) from None
    finally:
        os.close(fd)
    if len(data) > limit:  # the file grew while it was read
        raise UnreadableFile(_too_large(len(data), limit))
    return data


def read_text(path: Path, *, max_bytes: int | None = None) -> str:
    """Read a UTF-8 text file (BOM stripped), refusing what is not a regular text file."""
    return decode_text(read_bytes(path, max_bytes=max_bytes))


def read_stream(stream: IO[Any], *, max_bytes: int | None = None) -> str:
    """Read text from a stream (stdin: its binary buffer when it has one) with the
    same limit and checks as a file: at most the limit + 1 bytes are read."""
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    source = getattr(stream, "buffer", stream)
    try:
        data = source.read(limit + 1)
    except OSError as exc:
        raise UnreadableFile(os_reason(exc)) from None
    if isinstance(data, str):  # a text stream without a buffer (tests, embedders)
        data = data.encode("utf-8", "surrogateescape")
    if len(data) > limit:
        raise UnreadableFile(f"input is too large (more than {limit} bytes)")
    return decode_text(data)


def _too_large(size: int, limit: int) -> str:
    return f"file is too large ({size} bytes; the limit is {limit})"


def decode_text(data: bytes) -> str:
    """Decode UTF-8 text, stripping a BOM; binary content is refused."""
    if b"\x00" in data:
        raise UnreadableFile("binary file (contains NUL bytes)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableFile(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} on line {line})"
        ) from None
