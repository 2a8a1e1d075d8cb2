"""What a server listens on, and whether it asks for a password, from its own settings.

A server is told its port on its command line (``redis-server --port 6380``,
``postgres -p 5433``) or in a variable its image documents (``PGPORT``,
``MYSQL_TCP_PORT``). :func:`server_listening` reads both for one service, through the
image facts (each family's flags, programs and variables):

- the command counts when it starts the server: it names one of the family's programs
  (``/usr/local/bin/redis-server``), or its first word is an option and the image's
  entrypoint puts the server in front (``command: --port 6380``), possibly behind
  ``exec``, ``gosu USER``, ``docker-entrypoint.sh`` or a one-program ``sh -c "..."``;
- a flag wins over a variable (both servers document that order);
- a value composelint cannot know (``${PORT}`` with nothing setting it, a shell
  ``$VAR`` inside ``sh -c``) makes the port *unknown*, never wrong: rules stay silent.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from composelint.analysis.images import family_facts, image_facts, image_family, server_command
from composelint.model.nodes import Mapping, Node, Scalar, Sequence
from composelint.model.record import Frozen, set_field
from composelint.model.span import Span

if TYPE_CHECKING:
    from composelint.analysis.image_facts import Image

__all__ = ["Listening", "Setting", "server_listening"]

# the sources of a substitution whose value is not known at lint time
_UNKNOWN_SOURCES = frozenset({"unset", "shell", "error"})
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})
_TRANSPARENT = frozenset({"exec", "tini", "dumb-init", "--", "docker-entrypoint.sh"})
_TAKES_USER = frozenset({"gosu", "su-exec"})
_OPERATORS = frozenset({";", "&&", "||", "|", "&", "(", ")", ";;"})


class Setting(Frozen):
    """Where a server's own configuration sets something: ``--port 6380`` at a span."""

    text: str
    span: Span | None

    __slots__ = ("span", "text")

    def __init__(self, text: str, span: Span | None) -> None:
        set_field(self, "text", text)
        set_field(self, "span", span)


class Listening(Frozen):
    """A server's port and password as its own configuration sets them."""

    family: str | None  # the server family these settings were read for
    port_env: tuple[str, ...]  # the family's port variables (read here)
    port: int | None  # the main port its command or variables set
    port_unknown: bool  # set from a value not known here: say nothing
    port_setting: Setting | None
    # the addresses its bind flag names ('127.0.0.1', '::1'); ('*',) for a bind-all flag;
    # () when not set or not known
    bind: tuple[str, ...]
    bind_setting: Setting | None
    # True: it asks for a password; False: known to ask none; None: not known
    password: bool | None
    password_value: str | None  # the password when written or fully resolved
    password_setting: Setting | None

    __slots__ = (
        "bind",
        "bind_setting",
        "family",
        "password",
        "password_setting",
        "password_value",
        "port",
        "port_env",
        "port_setting",
        "port_unknown",
    )

    def __init__(
        self,
        family: str | None = None,
        port_env: tuple[str, ...] = (),
        port: int | None = None,
        port_unknown: bool = False,
        port_setting: Setting | None = None,
        bind: tuple[str, ...] = (),
        bind_setting: Setting | None = None,
        password: bool | None = None,
        password_value: str | None = None,
        password_setting: Setting | None = None,
    ) -> None:
        set_field(self, "family", family)
        set_field(self, "port_env", port_env)
        set_field(self, "port", port)
        set_field(self, "port_unknown", port_unknown)
        set_field(self, "port_setting", port_setting)
        set_field(self, "bind", bind)
        set_field(self, "bind_setting", bind_setting)
        set_field(self, "password", password)
        set_field(self, "password_value", password_value)
        set_field(self, "password_setting", password_setting)


class _Word(Frozen):
    text: str
    span: Span | None
    known: bool  # False: holds a value not known at lint time

    __slots__ = ("known", "span", "text")

    def __init__(self, text: str, span: Span | None, known: bool) -> None:
        set_field(self, "text", text)
        set_field(self, "span", span)
        set_field(self, "known", known)


def server_listening(svc: Mapping, image: str | None) -> Listening:
    """What ``svc`` (a service mapping, after interpolation) configures its server to
    listen on; ``Listening()`` for an image of no known server family."""
    family = image_family(image) if image else None
    fam = family_facts(family)
    if fam is None or image is None:
        return Listening()
    rec = image_facts(image)
    words = _words(svc.get("entrypoint")) + _words(svc.get("command"))
    args, sure = _invocation(fam.programs, rec.runs_options if rec else False, words)
    port: int | None = None
    unknown = False
    port_setting = password_setting = bind_setting = None
    bind: tuple[str, ...] = ()
    password: bool | None = None
    password_value: str | None = None
    if args is not None:
        found = server_command(family, [w.text for w in args])
        if found.port_text is not None:
            word = _value_word(args, found.port_text)
            if not sure or found.port is None or word is None or not word.known:
                unknown = True
            else:
                port = found.port
                port_setting = Setting(_flag_text(args, word), word.span)
        if found.bind is not None and sure:
            bind, bind_setting = _bind(fam.bind_flags, fam.bind_all_flags, args)
        given = _password_option(fam.password_flags, args) if sure else None
        if given is not None:
            text, word = given
            if text or not word.known:  # requirepass "" sets no password
                password = True
                if word.known and text and "$" not in text:
                    password_value = text
                password_setting = Setting(fam.password_flags[0], word.span)
    elif fam.port_flags and any(not w.known for w in words):
        unknown = True  # a command composelint cannot read may pass a port flag
    port_env = fam.port_env + (rec.port_env if rec is not None else ())
    if port is None and not unknown:
        port, unknown, port_setting = _from_environment(svc, port_env)
    if password is None:
        password = _password_from(svc, rec, args, words)
    return Listening(
        family,
        port_env,
        port,
        unknown,
        port_setting,
        bind,
        bind_setting,
        password,
        password_value,
        password_setting,
    )


# -- the command line ------------------------------------------------------------------


def _words(node: Node | None) -> list[_Word]:
    """A command or entrypoint as words: list items one by one, a string split the way
    Compose splits it (shell-style; the resolver hands it over already split, every
    word keeping the whole string as its raw text); a word is unknown when an
    interpolation in it has no value at lint time."""
    if isinstance(node, Scalar) and node.value is not None:
        try:
            values = shlex.split(str(node.value))
        except ValueError:
            values = str(node.value).split()
        return _split_words(values, node.raw, node)
    if not isinstance(node, Sequence):
        return []
    items = [n for n in node.items if isinstance(n, Scalar) and n.value is not None]
    raws = {n.raw for n in items}
    if len(raws) == 1 and items and isinstance(items[0].raw, str):
        raw = items[0].raw
        if len(items) > 1 or raw != str(items[0].value):  # one string, split
            return _split_words([str(n.value) for n in items], raw, items[0])
    return [_Word(str(n.value), n.span, not _unresolved(n)) for n in items]


def _split_words(values: list[str], raw: str | None, node: Scalar) -> list[_Word]:
    """The words of a string command, each known unless it holds an interpolation that
    has no value; when a variable expanded to no word or to several, the written words,
    none of them known."""
    if not _unresolved(node):
        return [_Word(w, node.span, True) for w in values]
    try:
        raws = shlex.split(raw) if isinstance(raw, str) else []
    except ValueError:
        raws = []
    if len(raws) != len(values):
        return [_Word(w, node.span, False) for w in raws or values]
    return [_Word(v, node.span, "$" not in r) for v, r in zip(values, raws, strict=True)]


def _unresolved(node: Scalar) -> bool:
    return any(s.source in _UNKNOWN_SOURCES for s in node.subs)


def _program(word: str) -> str:
    return word.rpartition("/")[2]


def _invocation(
    programs: tuple[str, ...], runs_options: bool, words: list[_Word]
) -> tuple[list[_Word] | None, bool]:
    """The words the server receives as arguments and whether that is sure: None when
    the command does not start the server (or composelint cannot tell)."""
    i = 0
    through_entrypoint = False
    while i < len(words):
        name = _program(words[i].text)
        if name in _TAKES_USER:
            i += 2
        elif name in _TRANSPARENT:
            through_entrypoint |= name == "docker-entrypoint.sh"
            i += 1
        else:
            break
    rest = words[i:]
    if not rest:
        return None, False
    head = rest[0]
    if _program(head.text) in programs:
        return rest[1:], True
    if head.text.startswith("-") and (i == 0 or through_entrypoint):
        return rest, runs_options  # the entrypoint puts the server in front
    if (
        _program(head.text) in _SHELLS
        and len(rest) == 3
        and rest[1].text.startswith("-")
        and "c" in rest[1].text
    ):
        return _script(programs, runs_options, rest[2])
    return None, False


def _script(
    programs: tuple[str, ...], runs_options: bool, word: _Word
) -> tuple[list[_Word] | None, bool]:
    """The server's arguments in a ``sh -c`` script of one program (``exec`` and
    ``docker-entrypoint.sh`` allowed in front); None for anything more complex."""
    try:
        lexer = shlex.shlex(word.text, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        tokens = list(lexer)
    except ValueError:
        return None, False
    if any(t in _OPERATORS for t in tokens):
        return None, False
    # the shell expands $VAR itself: a word holding one is not known here
    inner = [_Word(t, word.span, word.known and "$" not in t and "`" not in t) for t in tokens]
    args, sure = _invocation(programs, runs_options, inner)
    if args is None or (inner and inner[0].text.startswith("-")):
        return None, False  # an option first is not a program the script runs
    return args, sure


def _value_word(args: list[_Word], value: str | None) -> _Word | None:
    """The last word holding ``value``: alone, after '=' or attached to a short option
    ('-p5433'); None for no value or an empty one."""
    if not value:
        return None
    for w in reversed(args):
        t = w.text
        if t == value or t.endswith("=" + value) or (t[:1] == "-" and t.endswith(value)):
            return w
    return None


def _flag_text(args: list[_Word], word: _Word) -> str:
    index = max(i for i, w in enumerate(args) if w is word)
    if index > 0 and args[index - 1].text.startswith("-") and "=" not in word.text:
        return f"{args[index - 1].text} {word.text}"
    return word.text


def _bind(
    flags: tuple[str, ...], all_flags: tuple[str, ...], args: list[_Word]
) -> tuple[tuple[str, ...], Setting | None]:
    """The addresses of the last bind option: its value (a comma list for postgres,
    mongod and memcached) and, after a separate flag, the plain words that follow it
    (``redis-server --bind 127.0.0.1 ::1``); () when one of them is not known."""
    found: tuple[list[_Word], str] | None = None
    for i, w in enumerate(args):
        if w.text in all_flags:
            found = ([w], w.text)
            continue
        for flag in flags:
            option, _, key = flag.partition(" ")
            if key:  # '-c listen_addresses=...' or '-clisten_addresses=...'
                nxt = args[i + 1] if i + 1 < len(args) else None
                if w.text == option and nxt is not None and nxt.text.startswith(key + "="):
                    found = ([nxt], f"{w.text} {nxt.text}")
                elif w.text.startswith(option + key + "="):
                    found = ([w], w.text)
            elif w.text == option:
                values = []
                for v in args[i + 1 :]:
                    if v.text.startswith("-"):
                        break
                    values.append(v)
                if values:
                    found = (values, " ".join([w.text, *(v.text for v in values)]))
            elif w.text.startswith(option + "="):
                found = ([w], w.text)
    if found is None:
        return (), None
    words, text = found
    if any(not v.known or "$" in v.text for v in words):
        return (), None
    if text in all_flags:
        return ("*",), Setting(text, words[0].span)
    addresses: list[str] = []
    for v in words:
        value = v.text.partition("=")[2] if "=" in v.text else v.text
        addresses.extend(a.strip("'\"") for a in value.replace(",", " ").split())
    return tuple(a for a in addresses if a), Setting(text, words[0].span)


def _password_option(flags: tuple[str, ...], args: list[_Word]) -> tuple[str, _Word] | None:
    """The value of the last password option and the word that holds it."""
    found = None
    for i, w in enumerate(args):
        for flag in flags:
            if w.text == flag and i + 1 < len(args):
                found = (args[i + 1].text, args[i + 1])
            elif w.text.startswith(flag + "="):
                found = (w.text[len(flag) + 1 :], w)
    return found


# -- variables ---------------------------------------------------------------------------


def _from_environment(
    svc: Mapping, names: tuple[str, ...]
) -> tuple[int | None, bool, Setting | None]:
    env = svc.get("environment")
    if not isinstance(env, Mapping):
        return None, False, None
    for name in names:
        node = env.get(name)
        if not isinstance(node, Scalar):
            continue
        if node.value is None or _unresolved(node):
            return None, True, None  # passed from the shell, or unset: not known
        text = str(node.value).strip()
        if text.isdigit() and 0 < int(text) < 65536:
            return int(text), False, Setting(f"{name}={text}", node.span)
        return None, True, None
    return None, False, None


def _password_from(
    svc: Mapping, rec: Image | None, args: list[_Word] | None, words: list[_Word]
) -> bool | None:
    """Whether the server asks for a password when no flag sets one: a documented
    variable of the image says yes; an image known to ask none unless told, running its
    own command with nothing unknown and no configuration file, says no."""
    if rec is None:
        return None
    env = svc.get("environment")
    for name in rec.password_env if isinstance(env, Mapping) else ():
        node = env.get(name) if isinstance(env, Mapping) else None
        if isinstance(node, Scalar) and (_unresolved(node) or str(node.value or "") != ""):
            return True
    if rec.asks_password is not False:
        return None
    if not words:
        return False  # the image's own CMD: redis-server with no configuration
    if args is None or any(not w.known for w in words):
        return None
    # a configuration file or an ACL file may set a password or users
    for w in args:
        if not w.text.startswith("-") and (w.text.endswith(".conf") or "/" in w.text):
            return None
        if w.text.split("=")[0] in ("--aclfile", "--include", "--user"):
            return None
    return False
