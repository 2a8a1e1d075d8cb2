"""The env files of a project, found and parsed once for the env, variable and secret rules.

An env file belongs to a project when Compose reads it (the project ``.env`` or the
``--env-file`` files, which feed interpolation; service ``env_file`` targets; the env
files of ``include`` entries) or when it sits in the project directory, or next to
one of those files inside the project directory, under an env-file name
(``.env.prod``, ``app.env``, ``.env.example`` ...): that is how ``composelint
.env.prod`` gets its file linted. The siblings of a file outside the project
directory (``env_file: /etc/app/o.env``) are never read: only files the project
names are. Files the resolver already read are taken from ``project.sources``; the
others are read with :func:`composelint.load.sources.read_text`.

Each file is parsed without interpolation (values as written, no lookup), which is
what the style rules need; the resolver's own parse feeds the model.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from composelint.load.discover import ENV_FILE_RE
from composelint.load.dotenv import EnvEntry, EnvFileResult, parse_env
from composelint.load.sources import (
    UnreadableFile,
    display_path,
    file_problem,
    read_bytes,
    read_text,
    resolve_path,
)
from composelint.model.context import RuleContext
from composelint.model.findings import Edit
from composelint.model.nodes import Mapping, Node, Scalar, Sequence
from composelint.model.record import Record
from composelint.model.span import Span

EXAMPLE_WORDS = frozenset({"example", "sample", "dist", "template", "tmpl", "tpl"})

# roles of an env file in its project
INTERPOLATION = "interpolation"  # project .env / --env-file: feeds ${VAR}
ENV_FILE = "env_file"  # a service env_file target: the container's environment
INCLUDE = "include"  # read by Compose for an include entry
EXAMPLE = "example"  # .env.example and friends: a template, never read by Compose
SIBLING = "sibling"  # another env file in the project directory, not read by Compose


class EnvFile(Record):
    path: Path  # absolute
    display: str
    text: str
    roles: set[str]
    raw_format: bool  # `env_file: {format: raw}`
    services: list[str]  # services reading it via env_file
    bom: bool
    parsed: EnvFileResult
    line_starts: list[int]

    __slots__ = (
        "bom",
        "display",
        "line_starts",
        "parsed",
        "path",
        "raw_format",
        "roles",
        "services",
        "text",
    )

    def __init__(
        self,
        path: Path,
        display: str,
        text: str,
        roles: set[str],
        raw_format: bool = False,
        services: list[str] | None = None,
        bom: bool = False,
        parsed: EnvFileResult | None = None,
        line_starts: list[int] | None = None,
    ) -> None:
        self.path = path
        self.display = display
        self.text = text
        self.roles = roles
        self.raw_format = raw_format
        self.services = [] if services is None else services
        self.bom = bom
        self.parsed = EnvFileResult() if parsed is None else parsed
        self.line_starts = [] if line_starts is None else line_starts

    @property
    def read_by_compose(self) -> bool:
        return bool(self.roles & {INTERPOLATION, ENV_FILE, INCLUDE})

    @property
    def is_example(self) -> bool:
        return EXAMPLE in self.roles

    def offset(self, line: int, col: int) -> int:
        """The text offset of a 1-based line and column."""
        return self.line_starts[line - 1] + col - 1

    def span(self, start: int, end: int) -> Span:
        return Span(self.display, *self.position(start), *self.position(end))

    def position(self, offset: int) -> tuple[int, int]:
        from bisect import bisect_right

        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def line_text(self, line: int) -> str:
        start = self.line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start : len(self.text) if end < 0 else end]

    def assignments(self) -> Iterator[EnvEntry]:
        """Entries with a written value (not bare inherited keys)."""
        return (e for e in self.parsed.entries if not e.inherited)


def example_target(name: str) -> str | None:
    """The file an example env file is a template of (``.env.example`` -> ``.env``)."""
    parts = name.split(".")
    kept = [p for p in parts if p.lower() not in EXAMPLE_WORDS]
    if len(kept) == len(parts):
        return None
    target = ".".join(kept)
    if target in ("env", ".env", ""):
        return ".env"
    return target


def env_files(project: RuleContext) -> list[EnvFile]:
    """Every env file of ``project`` (cached per project)."""
    return project.view(_collect)


def _collect(project: RuleContext) -> list[EnvFile]:
    by_path: dict[Path, EnvFile] = {}
    displays = {s.path: s.display for s in project.sources.values()}
    texts = {s.path: s.text for s in project.sources.values()}
    cwd = Path.cwd()

    def add(path: Path, role: str) -> EnvFile | None:
        path = resolve_path(path)
        ef = by_path.get(path)
        if ef is not None:
            ef.roles.add(role)
            return ef
        text = texts.get(path)
        if text is None:
            try:
                text = read_text(path)
            except UnreadableFile:
                return None
        bom = _has_bom(path)
        display = displays.get(path) or display_path(path, cwd)
        ef = EnvFile(path, display, text, {role}, bom=bom)
        by_path[path] = ef
        return ef

    for path in project.env_files:
        add(path, INTERPOLATION)
    for path, raw, service in _env_file_targets(project):
        ef = add(path, ENV_FILE)
        if ef is not None:
            ef.raw_format = ef.raw_format or raw
            if service not in ef.services:
                ef.services.append(service)
    for src in project.sources.values():
        if src.kind == "env" and src.path not in by_path and src.text is not None:
            add(src.path, INCLUDE)
    # siblings only inside the project directory: never list a directory elsewhere
    inside = (p.parent for p in by_path if p.is_relative_to(project.directory))
    directories = {project.directory, *inside}
    for directory in sorted(directories):
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        for name in names:
            if not ENV_FILE_RE.match(name) or name.endswith((".yml", ".yaml")):
                continue
            path = directory / name
            if path in by_path or file_problem(path) is not None:
                continue
            add(path, EXAMPLE if example_target(name) else SIBLING)
    out = list(by_path.values())
    for ef in out:
        ef.parsed = parse_env(
            ef.text, ef.display, lambda _n: None, raw_format=ef.raw_format, interpolate_values=False
        )
        ef.line_starts = [0] + [i + 1 for i, c in enumerate(ef.text) if c == "\n"]
    return sorted(out, key=lambda e: e.display)


def _has_bom(path: Path) -> bool:
    try:
        return read_bytes(path, head=3) == b"\xef\xbb\xbf"
    except UnreadableFile:
        return False


def _env_file_targets(project: RuleContext) -> Iterator[tuple[Path, bool, str]]:
    """(absolute path, format raw, service) of every service ``env_file`` entry as
    interpolated, relative paths resolved like Compose (main files against the
    project directory, other files against their own directory)."""
    main = {resolve_path(p) for p in project.compose_files}
    paths = {s.display: s.path for s in project.sources.values()}
    for display, root in project.interpolated:
        services = root.get("services") if isinstance(root, Mapping) else None
        if not isinstance(services, Mapping):
            continue
        file_path = paths.get(display)
        base = (
            project.directory
            if file_path is None or resolve_path(file_path) in main
            else file_path.parent
        )
        for sname, svc in services.items.items():
            node = svc.get("env_file") if isinstance(svc, Mapping) else None
            if not project.in_model(("services", sname)):
                continue
            for item in _items(node):
                path_node: Node | None = item
                raw = False
                if isinstance(item, Mapping):
                    path_node = item.get("path")
                    fmt = item.get("format")
                    raw = isinstance(fmt, Scalar) and fmt.value == "raw"
                if isinstance(path_node, Scalar) and isinstance(path_node.value, str):
                    target = resolve_path(path_node.value, base)
                    if file_problem(target) is None:
                        yield target, raw, sname


def _items(node: Node | None) -> list[Node]:
    if isinstance(node, Sequence):
        return list(node.items)
    return [node] if node is not None else []


def quote_char(value: str) -> str | None:
    """The quote that makes Compose read ``value`` unchanged, or None when none does:
    double quotes keep interpolation but process backslash escapes, single quotes
    stop both."""
    if '"' not in value and "\\" not in value:
        return '"'
    if "'" not in value and "$" not in value:
        return "'"
    return None


def wrap_edits(span: Span, left: str, right: str | None = None) -> tuple[Edit, ...]:
    """Edits that insert ``left`` before and ``right`` after the text of ``span``. The
    text itself is not repeated, so a fix never carries the (possibly secret) value."""
    right = left if right is None else right
    return (
        Edit(Span(span.path, span.line, span.col, span.line, span.col), left),
        Edit(Span(span.path, span.end_line, span.end_col, span.end_line, span.end_col), right),
    )


def unwrap_edits(span: Span) -> tuple[Edit, ...]:
    """Edits that delete the first and the last character of a one-line ``span``."""
    return (
        Edit(Span(span.path, span.line, span.col, span.line, span.col + 1), ""),
        Edit(Span(span.path, span.end_line, span.end_col - 1, span.end_line, span.end_col), ""),
    )


def comment_as_value(ef: EnvFile, entry: EnvEntry) -> bool:
    """``KEY=   # note`` or ``KEY=# note``: a value that is only a comment.

    Compose skips the blanks after ``=`` and starts a comment only at a space
    followed by ``#`` *after* a value, so the value is ``# note`` (verified with
    docker compose 2.40.3); a shell sourcing the file and Node's dotenv read an
    empty value. ``KEY=#fff`` (no blank before or after the ``#``) is a value."""
    if ef.raw_format or entry.quote or entry.inherited or not entry.raw_value.startswith("#"):
        return False
    value_start = ef.offset(entry.value_span.line, entry.value_span.col)
    blank_before = value_start > 0 and ef.text[value_start - 1] in " \t"
    return blank_before or entry.raw_value[1:2] in (" ", "\t")


def line_end(ef: EnvFile, line: int) -> int:
    """Offset of the end of ``line`` (before ``\\r\\n`` / ``\\n``)."""
    start = ef.line_starts[line - 1]
    end = ef.text.find("\n", start)
    end = len(ef.text) if end < 0 else end
    if end > start and ef.text[end - 1] == "\r":
        end -= 1
    return end


def env_list_items(project: RuleContext) -> Iterator[Scalar]:
    """The string items of every list-form ``environment`` and ``build.args`` of the
    services in the model, as written (before interpolation)."""
    for doc in project.documents:
        services = doc.mapping("services")
        if services is None:
            continue
        for sname, svc in services.items.items():
            if not isinstance(svc, Mapping):
                continue
            lists = (
                [svc.seq("environment")]
                if project.in_model(("services", sname, "environment"))
                else []
            )
            build = svc.mapping("build")
            if build is not None and project.in_model(("services", sname, "build")):
                lists.append(build.seq("args"))
            for node in lists:
                for item in node.items if node is not None else ():
                    if isinstance(item, Scalar) and isinstance(item.value, str):
                        yield item


def used_names(project: RuleContext) -> set[str]:
    """Variables the project refers to: ``${VAR}`` in compose files and env files, and
    keys passed through from the interpolation environment (``- VAR`` / ``VAR:``)."""
    from composelint.analysis.scalars import document_scalars
    from composelint.resolve.interpolate import find_expressions

    scalars = document_scalars(project)
    names: set[str] = set(scalars.passthrough)
    for dollar in scalars.dollars:
        names.update(e.name for e in find_expressions(str(dollar.node.value)) if e.name)
    for ef in env_files(project):
        for entry in ef.parsed.entries:
            if "$" in entry.raw_value and entry.quote != "'":
                names.update(e.name for e in find_expressions(entry.raw_value) if e.name)
    return names


_PLACEHOLDER_WORDS = (
    "change",
    "your",
    "replace",
    "example",
    "placeholder",
    "dummy",
    "fake",
    "insert",
    "fill",
    "todo",
    "sample",
    "redacted",
)
_PLACEHOLDERS = frozenset(
    {
        "password",
        "passwd",
        "pass",
        "secret",
        "test",
        "testing",
        "none",
        "null",
        "nil",
        "foo",
        "bar",
        "postgres",
        "root",
        "admin",
        "mysql",
        "guest",
        "user",
        "demo",
        "dev",
        "local",
        "development",
        "default",
    }
)
_NOT_SECRET = re.compile(
    r"(?i)(?:true|false|yes|no|on|off|[0-9]+(?:\.[0-9]+)?[smhdwy]?|[x*.\-_#]+|[./~].*)"
)


def is_placeholder(value: str) -> bool:
    """Is a value of a secret variable obviously not a real secret (empty, a
    placeholder such as ``change-me``, a boolean, a number, a path)?"""
    v = value.strip().strip("\"'<>[]{}() ").lower()
    if not v or _NOT_SECRET.fullmatch(v) or v in _PLACEHOLDERS:
        return True
    return any(word in v for word in _PLACEHOLDER_WORDS)


# the last word of a name whose value describes a secret without being one:
# PASSWORD_RESET_URL, SMTP_FROM_NAME, *_CREDENTIALS_PROVIDER=OAUTHBEARER, AWS_ACCESS_KEY_ID
_DESCRIBES_SECRET = frozenset({"URL", "URI", "URLS", "ENDPOINT", "HOST", "HOSTNAME", "SERVER",
                               "SERVERS", "ADDRESS", "ADDR", "NAME", "USER", "USERNAME", "ID",
                               "PROVIDER", "SOURCE", "CLASS", "MECHANISM", "PROTOCOL", "TYPE",
                               "TRANSPORT", "ALGORITHM", "METHOD", "MODE", "ENABLED", "EXPIRY",
                               "TTL", "LENGTH", "ROTATION"})  # fmt: skip
# a relative file path: certs/es01/es01.key, secrets/jwt.pem (an absolute one is a path too)
_FILE_PATH = re.compile(r"[\w.\-]+(?:/[\w.\-]+)*/[\w\-]+\.[A-Za-z0-9]{1,5}")


def _names_a_secret(key: str) -> bool:
    from composelint.output.redact import is_secret_key

    words = [w for w in re.split(r"[^A-Za-z0-9]+", key.upper()) if w]
    return is_secret_key(key) and not (words and words[-1] in _DESCRIBES_SECRET)


def secret_spans(key: str | None, value: str) -> list[tuple[int, int]]:
    """Offsets in ``value`` of literal, non-placeholder secrets: the whole value when
    ``key`` names a secret and the value has no ``$`` reference and is no file path,
    plus URL and connection-string passwords written literally (not ``${PASS}``)."""
    from composelint.output.redact import password_spans

    spans = [
        (a, b)
        for a, b in password_spans(value)
        if not is_placeholder(value[a:b]) and not {"$", "{", "}"} & set(value[a:b])
    ]
    if (
        key is not None
        and _names_a_secret(key)
        and "$" not in value
        and not is_placeholder(value)
        and not _FILE_PATH.fullmatch(value.strip())
    ):
        spans.insert(0, (0, len(value)))
    return spans
