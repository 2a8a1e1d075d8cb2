"""Shared test helpers: located node trees from YAML text and hand-built projects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from composelint.model.nodes import Mapping, Node, Scalar, Sequence
from composelint.model.project import Document, Problem, Project, SourceFile
from composelint.model.span import Span


def _span(path: str, node: yaml.Node) -> Span:
    s, e = node.start_mark, node.end_mark
    return Span(path, s.line + 1, s.column + 1, e.line + 1, e.column + 1)


def _convert(node: yaml.Node, path: str) -> Node:
    if isinstance(node, yaml.MappingNode):
        m = Mapping(span=_span(path, node))
        for k, v in node.value:
            m.set(str(k.value), _convert(v, path), _span(path, k))
        return m
    if isinstance(node, yaml.SequenceNode):
        return Sequence([_convert(v, path) for v in node.value], _span(path, node))
    value: Any = (
        yaml.safe_load(yaml.serialize(node)) if node.tag != "tag:yaml.org,2002:str" else node.value
    )
    return Scalar(value, _span(path, node), raw=node.value, style=node.style or "")


def located(text: str, path: str = "compose.yaml") -> Node:
    """A located node tree for YAML ``text`` (a test stand-in for the real loader)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert root is not None
    return _convert(root, path)


def make_project(
    text: str = "services: {}\n",
    *,
    path: str = "compose.yaml",
    problems: list[Problem] | None = None,
    extra_sources: dict[str, tuple[str, str]] | None = None,
    disabled: str | None = None,
    directory: Path = Path("/proj"),
) -> Project:
    """A project whose resolved model and only document is ``text`` as written.

    ``disabled`` is YAML of the services disabled by profiles; ``extra_sources``
    maps display path -> (kind, text).
    """
    model = located(text, path)
    assert isinstance(model, Mapping)
    sources = {path: SourceFile(directory / path, path, "compose", text)}
    for display, (kind, body) in (extra_sources or {}).items():
        sources[display] = SourceFile(directory / display, display, kind, body)  # type: ignore[arg-type]
    project = Project(
        name="proj",
        directory=directory,
        compose_files=[directory / path],
        model=model,
        sources=sources,
        documents=[Document(path, model)],
        interpolated=[Document(path, model)],
        problems=list(problems or []),
    )
    if disabled:
        d = located(disabled, path)
        assert isinstance(d, Mapping)
        project.disabled_services = {k: v for k, v in d.items.items() if isinstance(v, Mapping)}
    return project


@pytest.fixture(scope="session")
def registry():  # type: ignore[no-untyped-def]
    from composelint.lint.registry import load_registry

    reg = load_registry()
    assert not reg.problems, reg.problems
    return reg
