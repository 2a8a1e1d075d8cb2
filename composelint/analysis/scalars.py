"""One walk over every node of the compose documents as written, shared by the rules
and analyses that look at every scalar (``secret-in-compose``, ``var-unescaped-dollar``,
``env_inventory.used_names``): each used to walk the whole tree itself, and on a large
project those walks (and their ``in_model`` checks) were a good part of the lint. The
same for the interpolated documents' scalars that hold a substitution
(:func:`substituted`), which the variable rules follow.

The walk keeps only what its users read, so that the view stays small next to the
tree it describes: the scalars that hold a ``$``, the containers whose values
``secret-in-compose`` judges, and the names passed through from the interpolation
environment.
"""

from __future__ import annotations

from typing import NamedTuple

from composelint.model.context import RuleContext
from composelint.model.nodes import Mapping, PathElement, Scalar, Sequence, walk

Path = tuple[PathElement, ...]

# list forms of ``KEY=value`` items (``environment:`` and ``build.args``)
_LIST_KEYS = frozenset({"environment", "args"})


class Dollar(NamedTuple):
    """A string scalar with a ``$`` in its value."""

    path: Path
    node: Scalar
    in_model: bool  # what it sits under is still in the resolved model


class DocumentScalars(NamedTuple):
    dollars: list[Dollar]  # every one, in or out of the model
    # in the model only: every mapping (its scalar values are ``key: value`` literals),
    # the list forms of ``environment:`` and ``build.args``, the string items of the
    # other lists
    mappings: list[Mapping]
    env_lists: list[Sequence]
    list_items: list[Scalar]
    passthrough: set[str]  # ``- VAR`` / ``VAR:`` under a service's environment


def substituted(project: RuleContext) -> list[tuple[Path, Scalar]]:
    """(path, scalar) of every interpolated scalar that holds a substitution, in
    document order, walked once per project for the rules that follow variables."""
    return project.view(_compute_substituted)


def _compute_substituted(project: RuleContext) -> list[tuple[Path, Scalar]]:
    return [
        (path, node)
        for doc in project.interpolated
        for path, node in walk(doc.root)
        if isinstance(node, Scalar) and node.subs
    ]


def document_scalars(project: RuleContext) -> DocumentScalars:
    """The scalars of every compose document, walked once per project."""
    return project.view(_compute)


def _compute(project: RuleContext) -> DocumentScalars:
    dollars: list[Dollar] = []
    mappings: list[Mapping] = []
    env_lists: list[Sequence] = []
    list_items: list[Scalar] = []
    passthrough: set[str] = set()
    kept: dict[Path, bool] = {}  # in_model depends on the first three elements only

    def in_model(path: Path) -> bool:
        head = path[:3]
        hit = kept.get(head)
        if hit is None:
            hit = kept[head] = project.in_model(head)
        return hit

    for doc in project.documents:
        for path, node in walk(doc.root):
            if isinstance(node, Scalar):
                value = node.value
                if isinstance(value, str):
                    if "$" in value:
                        dollars.append(Dollar(path, node, in_model(path)))
                    if (
                        len(path) >= 4
                        and path[0] == "services"
                        and path[2] == "environment"
                        and isinstance(path[3], int)
                        and "=" not in value
                    ):
                        passthrough.add(value.strip())
                    if (
                        path
                        and isinstance(path[-1], int)
                        and path[-2:-1] not in (("environment",), ("args",))
                        and in_model(path)
                    ):
                        list_items.append(node)
            elif isinstance(node, Mapping):
                if path[-1:] == ("environment",):
                    passthrough.update(
                        k
                        for k, v in node.items.items()
                        if isinstance(v, Scalar) and v.value is None
                    )
                if in_model(path):
                    mappings.append(node)
            elif isinstance(node, Sequence) and path and path[-1] in _LIST_KEYS and in_model(path):
                env_lists.append(node)
    return DocumentScalars(dollars, mappings, env_lists, list_items, passthrough)
