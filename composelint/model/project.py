"""The resolved project (rules see it through ``composelint.model.context.RuleContext``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar

from composelint.model.findings import Related, Severity
from composelint.model.nodes import Mapping, Node, PathElement, Scalar, node_at, span_at
from composelint.model.span import Span

if TYPE_CHECKING:
    from composelint.model.state import EngineState

T = TypeVar("T")

VarSource = Literal["env", "shell", "injected"]


@dataclass(frozen=True, slots=True)
class EnvVar:
    """One variable of the interpolation environment, with where it was set."""

    name: str
    value: str
    source: VarSource
    span: Span | None = None  # the .env line for source "env"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something the loader or resolver found, reported by the rule named ``rule``.

    ``fatal`` problems mean (part of) the project could not be linted: they make
    the run exit 2 whatever the configuration says about the rule.
    """

    rule: str
    message: str
    span: Span | None
    related: tuple[Related, ...] = ()
    fatal: bool = False
    severity: Severity | None = None  # None: the rule's default severity
    help: str | None = field(default=None, kw_only=True)  # as in Violation
    note: str | None = field(default=None, kw_only=True)


class Document(NamedTuple):
    """One loaded compose document (a tuple, so ``for display, root in ...`` still works)."""

    display: str  # the file as shown in findings
    root: Node

    def mapping(self, key: str) -> Mapping | None:
        """A top-level mapping of the document (``services`` ...), else None."""
        return self.root.mapping(key) if isinstance(self.root, Mapping) else None


class ShadowedEnv(NamedTuple):
    """An ``env_file`` value dropped because ``environment:`` sets the same key."""

    service: str
    key: str
    env_file_span: Span | None  # the dropped value in the env file
    environment_span: Span | None  # the key under ``environment:``


@dataclass
class SourceFile:
    """A file that was read for this project (compose, .env, env_file, included ...)."""

    path: Path  # absolute
    display: str  # as shown in findings
    kind: Literal["compose", "env"]
    text: str | None = None  # None when the file could not be read


@dataclass
class Project:
    name: str
    directory: Path
    compose_files: list[Path]
    # the resolved model, shaped like `docker compose config` output (root mapping
    # with name/services/networks/volumes/secrets/configs/models)
    model: Mapping
    # the interpolation environment (project .env / --env-file / shell / injected)
    env: dict[str, EnvVar] = field(default_factory=dict)
    # every file read, by display path
    sources: dict[str, SourceFile] = field(default_factory=dict)
    # the loaded documents of each compose file before interpolation and merging,
    # in load order (include and extends targets too)
    documents: list[Document] = field(default_factory=list)
    # the same documents after interpolation (before extends/merge/canonicalisation):
    # what the schema is validated against, as Compose does
    interpolated: list[Document] = field(default_factory=list)
    # services that exist in the files but are disabled by the active profiles
    disabled_services: dict[str, Mapping] = field(default_factory=dict)
    active_profiles: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    # (service, variable) -> span of the `env_file` entry that supplied the variable
    env_file_origins: dict[tuple[str, str], Span] = field(default_factory=dict)
    # env files that fed interpolation (.env or --env-file), absolute paths
    env_files: list[Path] = field(default_factory=list)
    # env_file values dropped because `environment:` sets the same key
    shadowed_env: list[ShadowedEnv] = field(default_factory=list)
    # what the engine runs, from --state snapshots; None without one (the state rules
    # are then silent)
    state: EngineState | None = None
    _views: dict[Any, Any] = field(default_factory=dict, repr=False)

    # -- convenient access -------------------------------------------------
    @property
    def services(self) -> dict[str, Mapping]:
        """Service name -> resolved service (the model is not changed once resolved,
        so this is computed once; rules call it in loops)."""
        cached: dict[str, Mapping] | None = self._views.get("services")
        if cached is None:
            node = self.model.get("services")
            items = node.items.items() if isinstance(node, Mapping) else ()
            cached = {k: v for k, v in items if isinstance(v, Mapping)}
            self._views["services"] = cached
        return cached

    def section(self, name: str) -> Mapping:
        """A top-level section (``networks``, ``volumes`` ...), empty when absent."""
        node = self.model.get(name)
        return node if isinstance(node, Mapping) else Mapping()

    def node(self, *path: PathElement) -> Node | None:
        return node_at(self.model, path)

    def span(self, *path: PathElement, key: bool = False) -> Span | None:
        """Best span for a path in the resolved model (nearest located ancestor)."""
        return span_at(self.model, path, key=key)

    def scalar(self, *path: PathElement) -> Scalar | None:
        n = node_at(self.model, path)
        return n if isinstance(n, Scalar) else None

    def in_model(self, path: tuple[PathElement, ...]) -> bool:
        """Whether what sits at ``path`` of a compose document as written is still in the
        resolved model: False under a service an override removed (``worker: !reset``)
        or a service key it reset (``ports: !reset []``). Rules that walk the documents
        for positions skip the rest, so that every rule sees what ``config`` prints."""
        if len(path) < 2 or path[0] != "services":
            return True
        name = str(path[1])
        svc = self.services.get(name) or self.disabled_services.get(name)
        if svc is None:
            return False
        return len(path) < 3 or not isinstance(path[2], str) or path[2] in svc.items

    def problems_for(self, rule: str) -> Iterator[Problem]:
        return (p for p in self.problems if p.rule == rule)

    def source_text(self, display: str) -> str | None:
        src = self.sources.get(display)
        return src.text if src else None
