"""A literal `$` that Compose will read as a variable.

## What it catches

A `$` meant literally that Compose treats as the start of a variable:

- `$name` glued to the text before it (`pa$word`, `$apr1$salt$hash` in a
  basic-auth label) when `name` is not set in the project `.env`;
- `$NAME` in the value of a password, token or key variable, when `NAME` is
  not set;
- `$VAR` / `${VAR}` in `command`, `entrypoint` or `healthcheck.test` when
  `VAR` is not set for interpolation (so it was meant for the container's shell),
  or is a host variable such as `$HOME` or `$PWD`;
- the same in `.env` and `env_file` values (unquoted or double-quoted), which
  Compose interpolates too.

## Why it matters

Compose substitutes the variable at load time: `pa$word` becomes `pa` and the
database rejects the password; `sh -c "echo $HOME"` prints the *host's* home
directory (or nothing), not the container's. Write `$$` for a literal `$` in a
compose file (or single-quote the value in a `.env` file).

## Bad

```yaml
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: pa$word
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U $POSTGRES_USER"]
```

## Good

```yaml
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: pa$$word
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U $$POSTGRES_USER"]
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from composelint.analysis.env_inventory import (
    ENV_FILE,
    INTERPOLATION,
    env_files,
    wrap_edits,
)
from composelint.analysis.scalars import document_scalars
from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Edit, Fix, Violation
from composelint.model.nodes import Mapping, PathElement
from composelint.model.span import Span
from composelint.output.redact import is_secret_key
from composelint.resolve.interpolate import Expression, find_expressions

code = "CMP503"
name = "var-unescaped-dollar"
summary = "A literal $ that Compose reads as the start of a variable"
severity = "warning"

# variables of the container's shell that a command most likely means
CONTAINER_VARS = frozenset({"HOME", "PWD", "PATH", "USER", "HOSTNAME", "SHELL", "UID", "GID"})
_COMMAND_KEYS = ("command", "entrypoint")


def _in_command(path: tuple[PathElement, ...]) -> bool:
    if len(path) < 3 or path[0] != "services":
        return False
    return path[2] in _COMMAND_KEYS or path[2:4] == ("healthcheck", "test")


def _secret_context(path: tuple[PathElement, ...], value: str) -> str | None:
    """The variable whose value this is, when its name says it is a secret."""
    if path and isinstance(path[-1], str) and is_secret_key(path[-1]):
        return path[-1]
    if path and isinstance(path[-1], int) and "=" in value:
        key = value.split("=", 1)[0]
        return key if is_secret_key(key) else None
    return None


def _suspicious(
    e: Expression,
    text: str,
    *,
    command: bool,
    secret: bool,
    defined: str | None,
    container_env: frozenset[str] = frozenset(),
) -> bool:
    """``defined``: where the variable is set for interpolation ("env", "shell",
    "injected") or None; ``container_env``: the service's own environment keys."""
    if e.kind == "invalid" or not e.name or e.operator:
        return False
    if command and e.name in CONTAINER_VARS and defined != "env":
        return True
    if defined is not None:
        return False
    glued = e.kind == "named" and e.offset > 0 and text[e.offset - 1].isalnum()
    # in a command, an unset variable that the container has was meant for its shell
    return (command and e.name in container_env) or glued or (secret and e.kind == "named")


def check(project: RuleContext) -> Iterator[Violation]:
    for path, node, in_model in document_scalars(project).dollars:
        if not in_model:
            continue
        text = str(node.value)
        command = _in_command(path)
        secret_key = _secret_context(path, text)
        container_env = _container_env(project, str(path[1])) if command else frozenset()
        for e in find_expressions(text):
            if not _suspicious(
                e,
                text,
                command=command,
                secret=secret_key is not None,
                defined=source_of(project, e.name),
                container_env=container_env,
            ):
                continue
            col = node.text_column()
            span = node.span
            fix = None
            if col is not None and span is not None:
                at = col + e.offset
                span = Span(span.path, span.line, at, span.line, at + len(e.text))
                fix = Fix(
                    'escape the "$" as "$$"',
                    (Edit(Span(span.path, span.line, at, span.line, at + 1), "$$"),),
                    applicability=Applicability.UNSAFE,
                )
            m = _message(e, secret_key, command, source_of(project, e.name))
            yield Violation(m.message, span, fix=fix, note=m.note, help=m.help)
    yield from _env_files(project)


class _Message(tuple[str, str, str]):
    __slots__ = ()

    def __new__(cls, message: str, note: str, help: str) -> _Message:
        return tuple.__new__(cls, (message, note, help))

    def __getnewargs__(self) -> tuple[Any, ...]:  # pickles and copies, as a NamedTuple
        return tuple(self)

    @property
    def message(self) -> str:
        return self[0]

    @property
    def note(self) -> str:
        return self[1]

    @property
    def help(self) -> str:
        return self[2]

    def __repr__(self) -> str:
        return f"_Message(message={self[0]!r}, note={self[1]!r}, help={self[2]!r})"


def _message(e: Expression, secret_key: str | None, command: bool, defined: str | None) -> _Message:
    # never quote a secret
    what = f'a "$" in the value of {secret_key}' if secret_key is not None else f'"{e.text}"'
    if command:
        where = "the host's value" if defined in ("shell", "injected") else "an empty string"
        return _Message(
            f"{what} is interpolated by Compose, not by the container's shell",
            f"Compose replaces it when the file is loaded ({where})",
            "write $$ to pass a literal $ to the container",
        )
    return _Message(
        f"{what} is read by Compose as an unset variable",
        "it becomes an empty string",
        'if the "$" is literal, write $$',
    )


def _env_files(project: RuleContext) -> Iterator[Violation]:
    for ef in env_files(project):
        if ef.raw_format or not ef.roles & {INTERPOLATION, ENV_FILE}:
            continue
        seen: set[str] = set()
        for entry in ef.assignments():
            text = entry.raw_value[1:-1] if entry.quote == '"' else entry.raw_value
            if entry.quote != "'" and "$" in text:
                secret = is_secret_key(entry.key)
                for e in find_expressions(text):
                    defined = source_of(project, e.name) or ("env" if e.name in seen else None)
                    if not _suspicious(e, text, command=False, secret=secret, defined=defined):
                        continue
                    start = entry.value_span.col + (1 if entry.quote else 0) + e.offset
                    exact = entry.value_span.line == entry.value_span.end_line and "\\" not in text
                    line = entry.value_span.line
                    span = (
                        Span(ef.display, line, start, line, start + len(e.text))
                        if exact
                        else entry.value_span
                    )
                    fix = None
                    if not entry.quote and "'" not in text:
                        fix = Fix(
                            "single-quote the value",
                            wrap_edits(entry.value_span, "'"),
                            applicability=Applicability.UNSAFE,
                        )
                    elif exact:
                        fix = Fix(
                            'escape the "$" as "$$"',
                            (Edit(Span(ef.display, line, start, line, start + 1), "$$"),),
                            applicability=Applicability.UNSAFE,
                        )
                    m = _message(e, entry.key if secret else None, False, None)
                    yield Violation(
                        m.message,
                        span,
                        fix=fix,
                        note=m.note,
                        help=m.help.replace("write $$", "single-quote the value or write $$"),
                    )

            seen.add(entry.key)


def source_of(project: RuleContext, name: str) -> str | None:
    var = project.env.get(name)
    return var.source if var is not None else None


def _container_env(project: RuleContext, service: str) -> frozenset[str]:
    env = project.node("services", service, "environment")
    return frozenset(env.items) if isinstance(env, Mapping) else frozenset()
