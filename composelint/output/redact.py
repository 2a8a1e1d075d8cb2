"""Secret masking: nothing composelint prints may contain a password, token or key.

Policy:

- A *secret key* is a variable or mapping key whose name contains PASSWORD, PASSWD,
  PASSPHRASE, SECRET, TOKEN, CREDENTIAL, PRIVATE, APIKEY/API_KEY, ACCESS_KEY or SALT
  (case-insensitive, separators ignored), or has a component PASS, PW, PWD (not the
  whole name: ``PWD`` is the working directory) or ends in a component KEY
  (``SECRET_KEY``, ``STRIPE_KEY``). A name whose last component is FILE, PATH, DIR,
  LOCATION or FILENAME names a *file* holding the secret (``POSTGRES_PASSWORD_FILE``,
  ``SSL_KEY_PATH``) and is not masked: showing the path is useful and harmless.
  Masking (not the rules) also treats as secret a name ending in AUTH, SK, WEBHOOK or
  DSN and one containing BASICAUTH (Traefik's ``basicauth.users``).
- The value of a secret key is replaced by ``****``, except an empty value and a bare
  ``$VAR`` / ``${VAR}`` reference (the source text, not the secret). A default inside
  ``${PASSWORD:-literal}`` is masked.
- Masked wherever they appear, whatever the key: a URL's password
  (``scheme://user:pass@host``; of a malformed user info such as
  ``u:pw@x@host`` or ``u:pw/x@host``, everything from the first ``:`` to the last
  ``@``), a Sentry DSN key, a ``password=`` / ``pwd=`` setting of a libpq, JDBC,
  ADO.NET or JAAS string, the value after a ``--password``-like flag, MySQL's
  ``-pSECRET``, ``"password": ...`` inside JSON, and tokens recognisable by their
  shape (see ``_TOKEN_SHAPES``).

Every scanner here is linear in its input (no regex with competing quantifiers;
``tests/test_regex_linear.py`` checks the patterns). The text report masks only the
lines it prints (:class:`MaskedLines`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from composelint.regex import lazy_pattern

if TYPE_CHECKING:
    from composelint.model.findings import Edit
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
# only for masking: names that hold a credential though the rules' heuristic says no
_MASK_LAST = frozenset({"AUTH", "SK", "WEBHOOK", "DSN"})
_COMPONENT = lazy_pattern(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_NAME = lazy_pattern(r"[A-Za-z_][A-Za-z0-9_]*")
# a bare reference, or one whose default was already masked: the source, not a secret;
# also "$$MYSQL_PASSWORD", the container's variable read at run time (-p$$MYSQL_PASSWORD),
# but not "$$ecret", a literal "$ecret"
_REFERENCE = lazy_pattern(
    r"\$(?:\{[A-Za-z_][A-Za-z0-9_]*(?::?[-?+=]\*\*\*\*)?\}|[A-Za-z_][A-Za-z0-9_]*)"
    r"|\$\$(?:\{[A-Z_][A-Z0-9_]*\}|[A-Z_][A-Z0-9_]*)"
)
# password=... in libpq ("password=x"), JDBC ("?password=x&..."), ADO.NET
# ("Password=x;") and JAAS inside a YAML double-quoted string (password=\"x\")
_CONN_PASSWORD = lazy_pattern(
    r"(?i)(?P<pre>(?<![\w.-])(?:password|passwd|pwd)\s*=\s*)"
    r"(?P<pw>\\\"(?:[^\"\\]|\\[^\"])*\\\"|'[^']*'|\"[^\"]*\"|[^\s;&'\"]+)"
)
# KEY=value / KEY: value anywhere in a line (flow mappings, command flags, messages);
# a key may be quoted as in JSON ("password": "x"), also inside a quoted YAML string
_INLINE = lazy_pattern(
    r"(?<!\$\{)(?<![\w$.\-\\])(?P<pre>(?P<kq>\\?[\"'])?(?:--?)?(?P<key>[A-Za-z_][\w.\-]*)"
    r"(?(kq)\\?[\"'])(?:\s*=\s*|:\s*))"
    r"(?P<val>\$?\$\{[^}$]*\}[^\s,}\]\"'\\]*|\\\"[^\"\\]*\\\"|\"[^\"]*\"|'[^']*'|[^\s,{}\[\]\"'\\]+)"
)
# a flag whose next word is its secret value: --password X, "--token", "X"
_FLAG = lazy_pattern(r"(?<![\w-])--?(?P<key>[A-Za-z][\w-]*)(?P<gap>[\"']?(?:\s*,\s*[\"']?|\s+))")
_WORD = lazy_pattern(r"[^\s\"',\]]+")
# MySQL clients take the password glued to -p: mysqladmin -uroot -pSECRET
_MYSQL_CLIENT = lazy_pattern(r"(?i)\b(?:mysql\w*|mariadb\w*)")
_GLUED_P = lazy_pattern(r"(?<![\w-])-p(?P<pw>[^\s\"',\]]+)")
# tokens recognisable by their shape, wherever they are (documented prefixes: GitHub
# ghp_/gho_/ghu_/ghs_/ghr_ and github_pat_, Slack xox?-, Stripe sk_/rk_ live and test
# keys, npm_, AWS access key ids AKIA/ASIA, JWTs, Slack and Discord webhook paths)
_TOKEN_SHAPES = lazy_pattern(
    r"(?<![A-Za-z0-9_-])(?:"
    r"gh[pousr]_[A-Za-z0-9]{20,}"
    r"|github_pat_[A-Za-z0-9_]{20,}"
    r"|xox[abprse]-[A-Za-z0-9-]{8,}"
    r"|[sr]k_(?:live|test)_[A-Za-z0-9]{8,}"
    r"|npm_[A-Za-z0-9]{20,}"
    r"|(?:AKIA|ASIA)[A-Z0-9]{16}"
    r"|eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+"
    r"|(?<=hooks\.slack\.com/services/)[A-Za-z0-9/]+"
    r"|(?<=discord\.com/api/webhooks/)[A-Za-z0-9/_-]+"
    r"|\$(?:apr1|2[abxy]?|[156])\$[./A-Za-z0-9$]{8,}"  # htpasswd / crypt hashes
    r")"
)
_PEM_BEGIN = lazy_pattern(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")
_PEM_END = "-----END "
# an anchor follows a blank or a flow indicator (YAML 1.2, 6.9.2), which keeps
# "&&&&..." linear: only the first "&" of a run may start a match
_ANCHOR = lazy_pattern(r"(?<![^\s,\[\]{}])&([^\s,\[\]{}]+)")
_ANCHORED_VALUE = lazy_pattern(r"(?<![^\s,\[\]{}])&([^\s,\[\]{}]+)[ \t]+")
_SCHEME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+.-")
_TOKEN_END = frozenset(" \t\n\r\f\v\"'`<>")
_HEX = frozenset("0123456789abcdefABCDEF")


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


@functools.lru_cache(maxsize=8192)
def _masked_key(name: str) -> bool:
    """``is_secret_key``, widened for display (never for what the rules report)."""
    name = name.strip().strip("\"'").lstrip("-")
    if is_secret_key(name):
        return True
    components = [c.upper() for c in _COMPONENT.findall(name)]
    if not components or components[-1] in _PATH_SUFFIXES:
        return False
    return (len(components) > 1 and components[-1] in _MASK_LAST) or "BASICAUTH" in "".join(
        components
    )


def _maskable(value: str) -> bool:
    stripped = value.strip().strip("\\\"'")
    return bool(stripped) and not _REFERENCE.fullmatch(stripped)


def mask_value(key: str, value: str) -> str:
    """``value`` as it may be shown when it is the value of ``key``."""
    if _masked_key(key) and _maskable(value):
        return MASK
    return mask_text(value)


# -- spans of secrets in a string ----------------------------------------------------


def _url_spans(text: str, *, strict: bool) -> Iterable[tuple[int, int]]:
    """Spans of URL passwords (``strict``: only a well-formed ``user:pass@``; else also
    the whole reserved-character span of a malformed user info and a Sentry-style key
    without a password). One pass: each ``://`` is looked at once, each token's end
    found once."""
    n = len(text)
    token_end = -1
    i = text.find("://")
    while i != -1:
        nxt = text.find("://", i + 3)
        s = i
        while s > 0 and text[s - 1] in _SCHEME_CHARS:
            s -= 1
        while s < i and not text[s].isalpha():
            s += 1
        a = i + 3
        if s < i and (a < n and text[a] != "["):
            if token_end < a:
                token_end = a
                while token_end < n and text[token_end] not in _TOKEN_END:
                    token_end += 1
            limit = min(token_end, nxt if nxt != -1 else n)
            span = _strict_password(text, a, limit) if strict else _loose_password(text, a, limit)
            if span is not None:
                yield span
        i = nxt


def _strict_password(text: str, a: int, limit: int) -> tuple[int, int] | None:
    """``user:pass@``: a user without ``:@/``, a password without ``@/?#``."""
    j = a
    while j < limit and text[j] not in "/:@":
        j += 1
    if j >= limit or text[j] != ":":
        return None
    k = j + 1
    while k < limit and text[k] not in "@/?#":
        k += 1
    if k >= limit or text[k] != "@" or k == j + 1:
        return None
    return j + 1, k


def _loose_password(text: str, a: int, limit: int) -> tuple[int, int] | None:
    end = a
    while end < limit and text[end] not in "/?#":
        end += 1
    at = text.rfind("@", a, end)
    if at == -1:
        colon = text.find(":", a, end)
        after = text[colon + 1 : end] if colon != -1 else ""
        if colon == -1 or (after.isdigit() and after.isascii()):
            return None  # no user info, or host:port and an "@" in the path or query
        at = text.rfind("@", end, limit)
        if at == -1:
            return None
        return (colon + 1, at) if at > colon + 1 else None
    colon = text.find(":", a, at)
    if colon == -1:
        user = text[a:at]  # a DSN key: https://<32 hex digits>@o1.ingest.sentry.io/1
        return (a, at) if len(user) >= 32 and all(c in _HEX for c in user) else None
    return (colon + 1, at) if at > colon + 1 else None


def password_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the literal passwords of URLs and connection strings in ``text``
    (references such as ``${DB_PASSWORD}`` are not passwords)."""
    spans = [span for span in _url_spans(text, strict=True) if _maskable(text[span[0] : span[1]])]
    if "=" in text:
        spans += [m.span("pw") for m in _CONN_PASSWORD.finditer(text) if _maskable(m["pw"])]
    return sorted(spans)


def _secret_default_spans(text: str) -> Iterable[tuple[int, int]]:
    """The literal defaults of ``${SECRET_NAME:-default}`` (up to the first ``}``)."""
    i = text.find("${")
    while i != -1:
        m = _NAME.match(text, i + 2)
        if m is not None:
            j = m.end()
            if text.startswith(":", j):
                j += 1
            if j < len(text) and text[j] in "-?+=":
                close = text.find("}", j + 1)
                if close == -1:
                    return  # no later "${" has a closing brace either
                if _masked_key(m.group()) and _maskable(text[j + 1 : close]):
                    yield j + 1, close
        i = text.find("${", i + 2)


def _inline_spans(text: str) -> Iterable[tuple[int, int]]:
    """Values of secret keys in ``KEY=value`` / ``KEY: value`` / ``"key": value``. The
    value of a harmless key is searched too: it may quote JSON with a password."""
    pos = 0
    while (m := _INLINE.search(text, pos)) is not None:
        if _masked_key(m.group("key")) and _maskable(m.group("val")):
            yield m.span("val")
            pos = m.end()
        elif m.group("val")[0] in "\"'\\":
            pos = m.start("val") + 1  # inside the quotes: up to the next quote at most
        else:
            pos = m.end()


def _flag_value_spans(text: str) -> Iterable[tuple[int, int]]:
    """``--password X`` / ``"--password", "X"``: the word after a secret flag."""
    if "-" not in text:
        return
    for m in _FLAG.finditer(text):
        if _masked_key(m.group("key")):
            word = _WORD.match(text, m.end())
            if word is not None and not word.group().startswith("-") and _maskable(word.group()):
                yield word.span()
    if _MYSQL_CLIENT.search(text):
        for m in _GLUED_P.finditer(text):
            if _maskable(m.group("pw")):
                yield m.span("pw")


def _pem_spans(text: str) -> Iterable[tuple[int, int]]:
    for m in _PEM_BEGIN.finditer(text):
        end = text.find(_PEM_END, m.end())
        yield m.end(), (end if end != -1 else len(text))


def secret_spans(text: str) -> list[tuple[int, int]]:
    """Every span of ``text`` that must not be shown, merged and sorted."""
    spans: list[tuple[int, int]] = []
    if "://" in text:
        spans += [s for s in _url_spans(text, strict=False) if _maskable(text[s[0] : s[1]])]
    if "=" in text:
        spans += [m.span("pw") for m in _CONN_PASSWORD.finditer(text) if _maskable(m["pw"])]
    if "${" in text:
        spans += _secret_default_spans(text)
    if "=" in text or ":" in text:
        spans += _inline_spans(text)
    spans += _flag_value_spans(text)
    spans += [m.span() for m in _TOKEN_SHAPES.finditer(text)]
    if "PRIVATE KEY-----" in text:
        spans += _pem_spans(text)
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        elif b > a:
            out.append((a, b))
    return out


def _apply(text: str, spans: Sequence[tuple[int, int]]) -> str:
    if not spans:
        return text
    out: list[str] = []
    last = 0
    for a, b in spans:
        out += (text[last:a], MASK)
        last = b
    out.append(text[last:])
    return "".join(out)


def mask_url_password(text: str) -> str:
    """Mask URL passwords and ``password=`` settings of connection strings."""
    spans = list(_url_spans(text, strict=False)) if "://" in text else []
    if "=" in text:
        spans += [m.span("pw") for m in _CONN_PASSWORD.finditer(text)]
    return _apply(text, _merge([s for s in spans if _maskable(text[s[0] : s[1]])]))


def shown_replacement(edit: Edit) -> str:
    """A fix's replacement as a report may show it."""
    return MASK if edit.sensitive else mask_text(edit.replacement)


def mask_text(text: str) -> str:
    """Mask secrets inside free text such as a finding's message or a fix's text."""
    return _apply(text, secret_spans(text))


# -- source lines ----------------------------------------------------------------------


def _key_line(line: str) -> tuple[str, int, int] | None:
    """A line that assigns a value to one key: ``KEY: v``, ``- KEY: v``, ``KEY=v``,
    ``export KEY=v``, ``"KEY ": v``, ``? KEY``, ``KEY:`` (value on the next line).
    (key, start of the value, end of the value without trailing blanks); the value
    may be empty. A scan, not a regex: a long run of blanks is read once."""
    n = len(line)
    i = len(line) - len(line.lstrip())
    if line.startswith(("- ", "-\t", "? ", "?\t"), i):
        i += 1
        while i < n and line[i] in " \t":
            i += 1
    if line.startswith("export", i) and i + 6 < n and line[i + 6] in " \t":
        i += 6
        while i < n and line[i] in " \t":
            i += 1
    quote = line[i] if i < n and line[i] in "\"'" else ""
    if quote:
        i += 1
    start = i
    if i >= n or not (line[i].isalpha() or line[i] == "_"):
        return None
    while i < n and (line[i].isalnum() or line[i] in "_.-[]"):
        i += 1
    key = line[start:i]
    if quote:
        while i < n and line[i] == " ":
            i += 1  # "SOME_SECRET ": a key with a trailing space
        if i >= n or line[i] != quote:
            return None
        i += 1
    while i < n and line[i] in " \t":
        i += 1
    if i >= n:
        return (key, n, n) if line.lstrip().startswith("?") else None
    colon = line[i] == ":" and (i + 1 == n or line[i + 1] in " \t")
    if line[i] != "=" and not colon:
        return None
    i += 1
    value = line[i:].strip()
    if not value:
        return key, n, n
    v = line.index(value[0], i)
    return key, v, v + len(value)


def _is_block_header(value: str) -> bool:
    """``|``, ``>-``, ``|2+ # note``: the value is on the following lines."""
    head = value.split("#", 1)[0].strip()
    return bool(head) and head[0] in "|>" and all(c in "-+0123456789" for c in head[1:])


def mask_line(line: str) -> str:
    """Mask one source line of a compose or ``.env`` file."""
    if "${" in line:  # first: a value that is only a masked default is shown as such
        line = _apply(line, list(_secret_default_spans(line)))
    kv = _key_line(line)
    if kv is not None:
        key, v, end = kv
        value = line[v:end]
        if (
            v < end
            and _masked_key(key)
            and _maskable(value)
            and not _is_block_header(value)
            and not value.startswith(("*", "&"))
        ):
            return line[:v] + MASK
        if value.startswith("&") and _masked_key(key):
            anchor, _, rest = value.partition(" ")
            if rest.strip() and _maskable(rest):
                return line[:v] + anchor + " " + MASK
    return mask_text(line)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


class MaskedLines(Sequence[str]):
    """A file's lines, each masked when it is first read (only what is printed).

    One cheap pass over the file finds what a single line cannot show: the
    continuation lines of a secret (a block scalar ``KEY: |``, a value on the line
    after ``KEY:``, a multi-line quoted ``.env`` value, a PEM private key, the value
    line of a complex key ``? KEY``) and the anchors that secret keys alias
    (``x: &pw value`` ... ``DB_PASSWORD: *pw``).
    """

    def __init__(self, lines: Sequence[str]) -> None:
        self._lines = lines
        self._cache: dict[int, str] = {}
        self._whole, self._after_colon, self._anchored = _context(lines)

    def __len__(self) -> int:
        return len(self._lines)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self._lines)
        if index not in self._cache:
            self._cache[index] = self._mask(index)
        return self._cache[index]

    def _mask(self, index: int) -> str:
        line = self._lines[index]
        if index in self._whole:
            return line[: _indent(line)] + MASK if line.strip() else line
        if index in self._after_colon:
            colon = line.find(":")
            return line[: colon + 1] + " " + MASK
        if self._anchored and "&" in line:
            masked = _mask_anchor_values(line, self._anchored)
            if masked is not None:
                return masked
        return mask_line(line)


def _context(lines: Sequence[str]) -> tuple[set[int], set[int], frozenset[str]]:
    whole: set[int] = set()  # lines that are entirely secret
    after_colon: set[int] = set()  # ": value" lines of a secret complex key
    secret_aliases: set[str] = set()
    anchors: dict[str, int] = {}  # anchor name -> line it is defined on
    block_indent: int | None = None
    quote: str | None = None
    pem = False
    complex_key = False
    below: int | None = None  # a secret key's value may start on the next line
    for index, line in enumerate(lines):
        if below is not None and line.strip():
            if _indent(line) > below and _is_scalar_start(line):
                block_indent = below
            below = None
        if pem:
            whole.add(index)
            pem = _PEM_END not in line
            continue
        if quote is not None:
            whole.add(index)
            if quote in line:
                quote = None
            continue
        if block_indent is not None:
            if not line.strip() or _indent(line) > block_indent:
                whole.add(index)
                continue
            block_indent = None
        if complex_key and line.lstrip().startswith(":"):
            after_colon.add(index)
        complex_key = False
        if "PRIVATE KEY-----" in line and _PEM_BEGIN.search(line):
            pem = _PEM_END not in line[line.find("PRIVATE KEY-----") :]
        if "&" in line:
            for m in _ANCHOR.finditer(line):
                anchors.setdefault(m.group(1), index)
        kv = _key_line(line)
        if kv is None or not _masked_key(kv[0]):
            continue
        _key, v, end = kv
        value = line[v:end]
        if line.lstrip().startswith("?") and v == end:
            complex_key = True
        elif _is_block_header(value) or _is_block_header(value.partition(" ")[2]):
            block_indent = _indent(line)  # a block scalar: the value is on the lines below
        elif v == end or (value.startswith("&") and " " not in value):
            below = _indent(line)  # a scalar on the next lines, or a mapping: look there
        elif value.startswith("*"):
            secret_aliases.add(value[1:].split()[0] if value[1:].split() else "")
        elif value[0] in "\"'" and "=" in line[:v] and value[0] not in value[1:]:
            quote = value[0]  # a .env value quoted over several lines
    names = frozenset(secret_aliases & set(anchors))
    for name in names:  # an anchor whose value continues below (x: &pw |, x: &pw)
        index = anchors[name]
        kv = _key_line(lines[index])
        value = lines[index][kv[1] : kv[2]] if kv is not None else ""
        rest = value.partition(" ")[2].strip() if value.startswith("&") else ""
        following = next((j for j in range(index + 1, len(lines)) if lines[j].strip()), None)
        if kv is None or following is None or (rest and not _is_block_header(rest)):
            continue
        if not rest and not _is_scalar_start(lines[following]):
            continue  # the anchor names a mapping or a sequence: its keys are masked by name
        deeper = _indent(lines[index])
        for j in range(index + 1, len(lines)):
            if lines[j].strip() and _indent(lines[j]) <= deeper:
                break
            whole.add(j)
    return whole, after_colon, names


def _is_scalar_start(line: str) -> bool:
    """Does a line continue a scalar (not start a key, a list item or a comment)?"""
    body = line.lstrip()
    return _key_line(line) is None and not body.startswith(("- ", "#")) and body != "-"


def _mask_anchor_values(line: str, names: frozenset[str]) -> str | None:
    """``x: &pw value`` with ``pw`` aliased by a secret key: the value masked."""
    for m in _ANCHORED_VALUE.finditer(line):
        if m.group(1) in names:
            rest = line[m.end() :]
            if rest.strip() and rest.strip()[0] not in "|>[{":
                return line[: m.end()] + MASK
    return None


def mask_lines(lines: Iterable[str]) -> list[str]:
    """Mask a whole file, line by line, including the continuation lines of a secret
    YAML block scalar (``KEY: |``) or a multi-line quoted ``.env`` value."""
    return list(MaskedLines(list(lines)))


# -- plain data (``config``) ---------------------------------------------------------


def redact_plain(value: Any, key: str | None = None) -> Any:
    """A copy of plain data (the ``config`` model) with every secret masked."""
    if isinstance(value, dict):
        return {k: redact_plain(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return _redact_list(value)
    if isinstance(value, bool) or value is None:
        return value
    if key is not None and _masked_key(key) and _maskable(str(value)):
        return MASK
    if isinstance(value, str):
        return mask_text(value)
    return value


def _redact_list(items: list[Any]) -> list[Any]:
    """Items masked one by one, plus the item after a secret flag (``--password``, X)
    and MySQL's ``-pX`` in a command that runs a MySQL client."""
    out = [redact_plain(v) for v in items]
    mysql = any(isinstance(v, str) and _MYSQL_CLIENT.search(v) for v in items)
    for i, v in enumerate(items):
        if not isinstance(v, str):
            continue
        flag = _FLAG.fullmatch(v + " ")
        secret_flag = flag is not None and "=" not in v and _masked_key(flag.group("key"))
        following = items[i + 1] if i + 1 < len(items) else None
        if secret_flag and isinstance(following, str) and _maskable(following):
            out[i + 1] = MASK
        if mysql and v.startswith("-p") and len(v) > 2 and _maskable(v[2:]):
            out[i] = "-p" + MASK
    return out


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
