"""Secret masking: nothing composelint prints may contain a password, token or key.

Policy:

- A *secret key* is a variable or mapping key whose name contains PASSWORD, PASSWD,
  PASSPHRASE, SECRET, TOKEN, CREDENTIAL, PRIVATE, APIKEY/API_KEY, ACCESS_KEY or SALT
  (case-insensitive, separators ignored), or has a component PASS, PW, PWD (not the
  whole name: ``PWD`` is the working directory) or ends in a component KEY
  (``SECRET_KEY``, ``STRIPE_KEY``). A name whose last component is FILE, PATH, DIR,
  LOCATION or FILENAME names a *file* holding the secret (``POSTGRES_PASSWORD_FILE``,
  ``SSL_KEY_PATH``) and is not masked: showing the path is useful and harmless.
- The value of a secret key is replaced by ``****``, except an empty value and a bare
  ``$VAR`` / ``${VAR}`` reference (the source text, not the secret). A default inside
  ``${PASSWORD:-literal}`` is masked.
- A URL password (``scheme://user:pass@host``) and a ``password=`` / ``pwd=`` setting of
  a libpq, JDBC or ADO.NET connection string are masked wherever they appear.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from composelint.model.nodes import Node

MASK = "****"

_STRONG = (
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "CREDENTIAL",
    "PRIVATE",
    "APIKEY",
    "ACCESSKEY",
    "SALT",
)
_WEAK = frozenset({"PASS", "PW", "PWD"})
_PATH_SUFFIXES = frozenset({"FILE", "PATH", "DIR", "LOCATION", "FILENAME"})
_COMPOSE_KEYS = frozenset({"secrets"})  # the Compose attribute lists secret *names*
_COMPONENT = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
# a bare reference, or one whose default was already masked: the source, not a secret
_REFERENCE = re.compile(
    r"\$(?:\{[A-Za-z_][A-Za-z0-9_]*(?::?[-?+=]\*\*\*\*)?\}|[A-Za-z_][A-Za-z0-9_]*)"
)

# scheme://user:password@host — the password may not contain whitespace, '@', '/', '?'
# or '#', so that "http://host:8080/path?mail=a@b" is not mistaken for one.
_URL_PASSWORD = re.compile(r"(?P<pre>[A-Za-z][A-Za-z0-9+.\-]*://[^\s/:@]*:)(?P<pw>[^\s@/?#]+)(?=@)")
# password=... in libpq ("password=x"), JDBC ("?password=x&...") and ADO.NET ("Password=x;")
_CONN_PASSWORD = re.compile(
    r"(?i)(?P<pre>(?<![\w.-])(?:password|passwd|pwd)\s*=\s*)(?P<pw>'[^']*'|\"[^\"]*\"|[^\s;&'\"]+)"
)
# ${SECRET_KEY:-literal default}
_SECRET_DEFAULT = re.compile(
    r"(?P<pre>\$\{(?P<key>[A-Za-z_][A-Za-z0-9_]*):?[-?+=])(?P<val>[^}]*)(?=\})"
)
# a whole line "KEY: value", "- KEY: value", "KEY=value", "export KEY=value", "- KEY=value"
_LINE = re.compile(
    r"^(?P<pre>\s*(?:-\s+)?(?:export\s+)?(?P<q>[\"']?)(?P<key>[A-Za-z_][\w.\-\[\]]*)(?P=q)"
    r"(?:\s*=\s*|\s*:\s+))(?P<val>\S.*?)\s*$"
)
# KEY=value / KEY: value anywhere in a line (flow mappings, command flags, messages)
_INLINE = re.compile(
    r"(?<!\$\{)(?<![\w$.\-])(?P<pre>(?:--?)?(?P<key>[A-Za-z_][\w.\-]*)(?:\s*=\s*|:\s*))"
    r"(?P<val>\$\{[^}]*\}[^\s,}\]\"']*|\"[^\"]*\"|'[^']*'|[^\s,{}\[\]\"']+)"
)
# the start of a YAML block scalar whose lines are a secret: "PRIVATE_KEY: |"
_BLOCK_START = re.compile(
    r"^(?P<indent>\s*)(?:-\s+)?[\"']?(?P<key>[A-Za-z_][\w.\-]*)[\"']?\s*:\s*[|>][-+0-9]*\s*(?:#.*)?$"
)
# a dotenv value opened by a double or single quote and not closed on its line
_DOTENV_OPEN = re.compile(
    r"^\s*(?:export\s+)?(?P<key>[A-Za-z_][\w.\-]*)\s*=\s*(?P<q>[\"'])(?P<rest>.*)$"
)


@functools.lru_cache(maxsize=8192)
def is_secret_key(name: str) -> bool:
    """Does the name of a variable or key say that its value is a secret?
    (Cached: the same few hundred names are asked about for every line.)"""
    if name in _COMPOSE_KEYS:
        return False
    components = [c.upper() for c in _COMPONENT.findall(name)]
    if not components or components[-1] in _PATH_SUFFIXES:
        return False
    squashed = "".join(components)
    if any(word in squashed for word in _STRONG):
        return True
    if len(components) > 1 and any(c in _WEAK for c in components):
        return True
    return len(components) > 1 and components[-1] == "KEY"


def _maskable(value: str) -> bool:
    stripped = value.strip().strip("\"'")
    return bool(stripped) and not _REFERENCE.fullmatch(stripped)


def mask_value(key: str, value: str) -> str:
    """``value`` as it may be shown when it is the value of ``key``."""
    if is_secret_key(key) and _maskable(value):
        return MASK
    return mask_url_password(value)


def mask_url_password(text: str) -> str:
    """Mask URL passwords and ``password=`` settings of connection strings."""
    if "://" in text:
        text = _URL_PASSWORD.sub(_mask_pw, text)
    if "=" in text:
        text = _CONN_PASSWORD.sub(_mask_pw, text)
    return text


def password_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the literal passwords of URLs and connection strings in ``text``
    (references such as ``${DB_PASSWORD}`` are not passwords)."""
    spans = []
    for regex, needle in ((_URL_PASSWORD, "://"), (_CONN_PASSWORD, "=")):
        if needle in text:
            spans += [m.span("pw") for m in regex.finditer(text) if _maskable(m.group("pw"))]
    return sorted(spans)


def _mask_pw(m: re.Match[str]) -> str:
    pw = m.group("pw")
    if not _maskable(pw):
        return m.group(0)
    return m.group("pre") + MASK


def _mask_keyed(m: re.Match[str]) -> str:
    if is_secret_key(m.group("key")) and _maskable(m.group("val")):
        return m.group("pre") + MASK
    return m.group(0)


def mask_text(text: str) -> str:
    """Mask secrets inside free text such as a finding's message."""
    text = mask_url_password(text)
    if "${" in text:
        text = _SECRET_DEFAULT.sub(_mask_keyed, text)
    return _INLINE.sub(_mask_keyed, text)


def mask_line(line: str) -> str:
    """Mask one source line of a compose or ``.env`` file."""
    if "${" in line:
        line = _SECRET_DEFAULT.sub(_mask_keyed, line)
    m = _LINE.match(line)
    secret = m is not None and is_secret_key(m.group("key")) and _maskable(m.group("val"))
    if m is not None and secret and not _BLOCK_START.match(line):
        return m.group("pre") + MASK
    return mask_text(line)


def mask_lines(lines: Iterable[str]) -> list[str]:
    """Mask a whole file, line by line, including the continuation lines of a secret
    YAML block scalar (``KEY: |``) or a multi-line quoted ``.env`` value."""
    out: list[str] = []
    block_indent: int | None = None  # inside a secret block scalar deeper than this
    quote: str | None = None  # inside a secret multi-line dotenv value closed by this
    for line in lines:
        if quote is not None:
            out.append(MASK if line.strip() else line)
            if quote in line:
                quote = None
            continue
        if block_indent is not None:
            indent = len(line) - len(line.lstrip())
            if not line.strip() or indent > block_indent:
                out.append(line[:indent] + MASK if line.strip() else line)
                continue
            block_indent = None
        block = _BLOCK_START.match(line)
        if block and is_secret_key(block.group("key")):
            block_indent = len(block.group("indent"))
        opened = _DOTENV_OPEN.match(line)
        if (
            opened
            and is_secret_key(opened.group("key"))
            and opened.group("q") not in opened.group("rest")
        ):
            quote = opened.group("q")
        out.append(mask_line(line))
    return out


def redact_plain(value: Any, key: str | None = None) -> Any:
    """A copy of plain data (the ``config`` model) with every secret masked."""
    if isinstance(value, dict):
        return {k: redact_plain(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if key is not None and is_secret_key(key) and _maskable(str(value)):
        return MASK
    if isinstance(value, str):
        return mask_text(value)
    return value


def substituted_secrets(root: Node) -> set[str]:
    """Values of secret-named variables (``${DB_PASSWORD}``) substituted anywhere in a
    located tree: they must be masked even where the key does not look secret
    (``DSN: ${DB_PASSWORD}``)."""
    from composelint.model.nodes import Scalar, walk

    found: set[str] = set()
    for _path, node in walk(root):
        if isinstance(node, Scalar):
            for sub in node.subs:
                if sub.value and is_secret_key(sub.name) and _maskable(sub.value):
                    found.add(sub.value)
    return found


def mask_strings(value: Any, secrets: Iterable[str]) -> Any:
    """A copy of plain data with every occurrence of the given strings masked."""
    ordered = sorted(set(secrets), key=len, reverse=True)  # longest first: no partial leak
    if not ordered:
        return value
    pattern = re.compile("|".join(re.escape(s) for s in ordered))

    def mask(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: mask(x) for k, x in v.items()}
        if isinstance(v, list):
            return [mask(x) for x in v]
        if isinstance(v, str):
            return pattern.sub(MASK, v)
        return v

    return mask(value)
    if isinstance(value, dict):
        return {k: mask_strings(v, ordered) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_strings(v, ordered) for v in value]
    if isinstance(value, str):
        for secret in ordered:
            value = value.replace(secret, MASK)
    return value
