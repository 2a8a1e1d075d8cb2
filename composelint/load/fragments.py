"""Which compose files are fragments of another project in the tree.

A file that a compose file pulls in through ``include:``, ``extends: file:`` or the
``COMPOSE_FILE`` list of its project ``.env`` is part of that project: Compose never
loads it alone, so a directory scan must lint it there and never as a project of its
own (every reference into the rest of the project would look undefined). Read cheaply
(the YAML once, no interpolation); a path holding ``$`` is left out, since it cannot be
known without the project's environment.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from composelint.model.nodes import Mapping, Node, Scalar, Sequence


def _texts(node: Node | None) -> list[str]:
    if isinstance(node, Scalar) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, Sequence):
        return [n.value for n in node.items if isinstance(n, Scalar) and isinstance(n.value, str)]
    return []


def references(path: Path) -> set[Path]:
    """The files ``path`` pulls in directly: ``include`` entries (a path, or the ``path``
    of the long form) and every service's ``extends.file``, relative to its directory."""
    from composelint.load.sources import UnreadableFile, read_text
    from composelint.load.yamlload import load_yaml

    try:
        text = read_text(path)
    except UnreadableFile:
        return set()
    if not _may_refer(text):
        return set()  # most files: no second parse of what the resolver parses anyway
    docs = load_yaml(text, str(path)).documents
    names: list[str] = []
    for doc in docs:
        if not isinstance(doc, Mapping):
            continue
        include = doc.get("include")
        for item in include.items if isinstance(include, Sequence) else []:
            names += _texts(item.get("path")) if isinstance(item, Mapping) else _texts(item)
        services = doc.get("services")
        for svc in services.items.values() if isinstance(services, Mapping) else []:
            ext = svc.get("extends") if isinstance(svc, Mapping) else None
            if isinstance(ext, Mapping):
                names += _texts(ext.get("file"))
    from composelint.load.sources import resolve_path

    return {resolve_path(n, path.parent) for n in names if n and "$" not in n}


def _may_refer(text: str) -> bool:
    """Whether ``text`` may hold an ``include`` or ``extends`` key: either word, or a
    backslash (a double-quoted key may spell one with escapes, ``"inc\\x6cude"``)."""
    return "include" in text or "extends" in text or "\\" in text


def compose_file_list(project_dir: Path) -> list[Path]:
    """The files ``COMPOSE_FILE`` in ``project_dir/.env`` names (Compose uses them when
    no ``-f`` is given); empty when it is unset or interpolated."""
    from composelint.load.dotenv import parse_env
    from composelint.load.sources import UnreadableFile, read_text, resolve_path

    env = project_dir / ".env"
    if not env.is_file():
        return []
    try:
        values = parse_env(read_text(env), str(env), lambda _: None).values()
    except UnreadableFile:
        return []
    entry = values.get("COMPOSE_FILE")
    if entry is None or not entry.value or "$" in entry.value:
        return []
    sep_entry = values.get("COMPOSE_PATH_SEPARATOR")
    sep = sep_entry.value if sep_entry is not None and sep_entry.value else ":"
    return [resolve_path(f, project_dir) for f in entry.value.split(sep) if f]


def closure(files: Iterable[Path]) -> set[Path]:
    """``files`` and everything they pull in, transitively."""
    from composelint.load.sources import resolve_path

    seen: set[Path] = set()
    todo = [resolve_path(f) for f in files]
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        todo.extend(references(f) - seen)
    return seen
