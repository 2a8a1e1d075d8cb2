"""XML escaping shared by the checkstyle and JUnit reporters."""

from __future__ import annotations

import re

# characters XML 1.0 cannot carry at all, even as references
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ATTR = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "\n": "&#10;",
    "\r": "&#13;",
    "\t": "&#9;",
}
_ATTR_RE = re.compile('[&<>"\n\r\t]')
_TEXT_RE = re.compile("[&<>]")


def _clean(text: str) -> str:
    return _INVALID.sub("\ufffd", text)


def attr(text: object) -> str:
    """``text`` quoted for an attribute value (newlines survive as references)."""
    return '"' + _ATTR_RE.sub(lambda m: _ATTR[m.group()], _clean(str(text))) + '"'


def text(value: str) -> str:
    """``value`` escaped for element content."""
    return _TEXT_RE.sub(lambda m: _ATTR[m.group()], _clean(value))


def element(name: str, attrs: dict[str, object]) -> str:
    """An empty element ``<name a="..."/>`` (attributes in the given order)."""
    return f"<{name}" + "".join(f" {k}={attr(v)}" for k, v in attrs.items()) + "/>"
