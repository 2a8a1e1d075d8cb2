"""Reading files safely: every way a path can fail becomes a one-line reason, never a traceback."""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 8 * 1024 * 1024  # a compose or .env file larger than this is not linted


class UnreadableFile(Exception):
    """The file could not be read as text; ``str(exc)`` is the one-line reason."""


def display_path(path: Path, cwd: Path) -> str:
    """The path as shown to the user: relative to ``cwd`` when below it."""
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


def read_text(path: Path, *, max_bytes: int | None = None) -> str:
    """Read a UTF-8 text file (BOM stripped), refusing what is not a regular text file."""
    if max_bytes is None:
        max_bytes = MAX_FILE_BYTES
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise UnreadableFile("no such file") from None
    except PermissionError:
        raise UnreadableFile("permission denied") from None
    except OSError as exc:
        raise UnreadableFile(exc.strerror or str(exc)) from None
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise UnreadableFile("is a directory, expected a file")
    if not stat.S_ISREG(mode):
        kind = (
            "FIFO"
            if stat.S_ISFIFO(mode)
            else "device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "special file"
        )
        raise UnreadableFile(f"is a {kind}, not a regular file")
    if st.st_size > max_bytes:
        raise UnreadableFile(f"file is too large ({st.st_size} bytes; the limit is {max_bytes})")
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except PermissionError:
        raise UnreadableFile("permission denied") from None
    except OSError as exc:
        raise UnreadableFile(exc.strerror or str(exc)) from None
    return decode_text(data)


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
