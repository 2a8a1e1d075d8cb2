"""The resolved project (rules see it through ``composelint.model.context.RuleContext``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from composelint.model.findings import Related, Severity
from composelint.model.nodes import Mapping, Node, PathElement, Scalar, node_at, span_at
from composelint.model.record import Frozen, Record, set_field
from composelint.model.span import Span

if TYPE_CHECKING:
    from composelint.model.state import EngineState

T = TypeVar("T")

VarSource = Literal["env", "shell", "injected"]


class EnvVar(Frozen):
    """One variable of the interpolation environment, with where it was set."""

    name: str
    value: str
    source: VarSource
    span: Span | None  # the .env line for source "env"

    __slots__ = ("name", "source", "span", "value")

    def __init__(self, name: str, value: str, source: VarSource, span: Span | None = None) -> None:
        set_field(self, "name", name)
        set_field(self, "value", value)
        set_field(self, "source", source)
        set_field(self, "span", span)


class Problem(Frozen):
    """Something the loader or resolver found, reported by the rule named ``rule``.

    ``fatal`` problems mean (part of) the project could not be linted: they make
    the run exit 2 whatever the configuration says about the rule.
    """

    rule: str
    message: str
    span: Span | None
    related: tuple[Related, ...]
    fatal: bool
    severity: Severity | None  # None: the rule's default severity
    help: str | None  # as in Violation
    note: str | None

    __slots__ = ("fatal", "help", "message", "note", "related", "rule", "severity", "span")

    def __init__(
        self,
        rule: str,
        message: str,
        span: Span | None,
        related: tuple[Related, ...] = (),
        fatal: bool = False,
        severity: Severity | None = None,
        *,
        help: str | None = None,
        note: str | None = None,
    ) -> None:
        set_field(self, "rule", rule)
        set_field(self, "message", message)
        set_field(self, "span", span)
        set_field(self, "related", related)
        set_field(self, "fatal", fatal)
        set_field(self, "severity", severity)
        set_field(self, "help", help)
        set_field(self, "note", note)


class Document(tuple[str, Node]):
    """One loaded compose document (a tuple, so ``for display, root in ...`` still works)."""

    __slots__ = ()  # a tuple with named fields, written out (a NamedTuple costs its import)

    def __new__(cls, display: str, root: Node) -> Document:
        return tuple.__new__(cls, (display, root))

    def __getnewargs__(self) -> tuple[Any, ...]:  # pickles and copies, as a NamedTuple
        return tuple(self)

    @property
    def display(self) -> str:
        """The file as shown in findings."""
        return self[0]

    @property
    def root(self) -> Node:
        return self[1]

    def __repr__(self) -> str:
        return f"Document(display={self[0]!r}, root={self[1]!r})"

    def mapping(self, key: str) -> Mapping | None:
        """A top-level mapping of the document (``services`` ...), else None."""
        return self.root.mapping(key) if isinstance(self.root, Mapping) else None


class ShadowedEnv(tuple[str, str, Span | None, Span | None]):
    """An ``env_file`` value dropped because ``environment:`` sets the same key."""

    __slots__ = ()

    def __new__(
        cls, service: str, key: str, env_file_span: Span | None, environment_span: Span | None
    ) -> ShadowedEnv:
        return tuple.__new__(cls, (service, key, env_file_span, environment_span))

    def __getnewargs__(self) -> tuple[Any, ...]:  # pickles and copies, as a NamedTuple
        return tuple(self)

    @property
    def service(self) -> str:
        return self[0]

    @property
    def key(self) -> str:
        return self[1]

    @property
    def env_file_span(self) -> Span | None:
        """The dropped value in the env file."""
        return self[2]

    @property
    def environment_span(self) -> Span | None:
        """The key under ``environment:``."""
        return self[3]

    def __repr__(self) -> str:
        return f"ShadowedEnv(service={self[0]!r}, key={self[1]!r}, env_file_span={self[2]!r}, environment_span={self[3]!r})"


class SourceFile(Record):
    """A file that was read for this project (compose, .env, env_file, included ...)."""

    path: Path  # absolute
    display: str  # as shown in findings
    kind: Literal["compose", "env"]
    text: str | None  # None when the file could not be read

    __slots__ = ("display", "kind", "path", "text")

    def __init__(
        self, path: Path, display: str, kind: Literal["compose", "env"], text: str | None = None
    ) -> None:
        self.path = path
        self.display = display
        self.kind = kind
        self.text = text


class Project(Record):
    name: str
    directory: Path
    compose_files: list[Path]
    # the resolved model, shaped like `docker compose config` output (root mapping
    # with name/services/networks/volumes/secrets/configs/models)
    model: Mapping
    # the interpolation environment (project .env / --env-file / shell / injected)
    env: dict[str, EnvVar]
    # every file read, by display path
    sources: dict[str, SourceFile]
    # the loaded documents of each compose file before interpolation and merging,
    # in load order (include and extends targets too)
    documents: list[Document]
    # the same documents after interpolation (before extends/merge/canonicalisation):
    # what the schema is validated against, as Compose does
    interpolated: list[Document]
    # services that exist in the files but are disabled by the active profiles
    disabled_services: dict[str, Mapping]
    active_profiles: tuple[str, ...]
    problems: list[Problem]
    # (service, variable) -> span of the `env_file` entry that supplied the variable
    env_file_origins: dict[tuple[str, str], Span]
    # env files that fed interpolation (.env or --env-file), absolute paths
    env_files: list[Path]
    # env_file values dropped because `environment:` sets the same key
    shadowed_env: list[ShadowedEnv]
    # what the engine runs, from --state snapshots; None without one (the state rules
    # are then silent)
    state: EngineState | None
    _views: dict[Any, Any]

    __slots__ = (
        "_views",
        "active_profiles",
        "compose_files",
        "directory",
        "disabled_services",
        "documents",
        "env",
        "env_file_origins",
        "env_files",
        "interpolated",
        "model",
        "name",
        "problems",
        "shadowed_env",
        "sources",
        "state",
    )

    def __init__(
        self,
        name: str,
        directory: Path,
        compose_files: list[Path],
        model: Mapping,
        env: dict[str, EnvVar] | None = None,
        sources: dict[str, SourceFile] | None = None,
        documents: list[Document] | None = None,
        interpolated: list[Document] | None = None,
        disabled_services: dict[str, Mapping] | None = None,
        active_profiles: tuple[str, ...] = (),
        problems: list[Problem] | None = None,
        env_file_origins: dict[tuple[str, str], Span] | None = None,
        env_files: list[Path] | None = None,
        shadowed_env: list[ShadowedEnv] | None = None,
        state: EngineState | None = None,
        _views: dict[Any, Any] | None = None,
    ) -> None:
        self.name = name
        self.directory = directory
        self.compose_files = compose_files
        self.model = model
        self.env = {} if env is None else env
        self.sources = {} if sources is None else sources
        self.documents = [] if documents is None else documents
        self.interpolated = [] if interpolated is None else interpolated
        self.disabled_services = {} if disabled_services is None else disabled_services
        self.active_profiles = active_profiles
        self.problems = [] if problems is None else problems
        self.env_file_origins = {} if env_file_origins is None else env_file_origins
        self.env_files = [] if env_files is None else env_files
        self.shadowed_env = [] if shadowed_env is None else shadowed_env
        self.state = state
        self._views = {} if _views is None else _views

    # written out: the lazy views (_views) stay out of the repr
    def __repr__(self) -> str:
        return f"{self.__class__.__qualname__}(name={self.name!r}, directory={self.directory!r}, compose_files={self.compose_files!r}, model={self.model!r}, env={self.env!r}, sources={self.sources!r}, documents={self.documents!r}, interpolated={self.interpolated!r}, disabled_services={self.disabled_services!r}, active_profiles={self.active_profiles!r}, problems={self.problems!r}, env_file_origins={self.env_file_origins!r}, env_files={self.env_files!r}, shadowed_env={self.shadowed_env!r}, state={self.state!r})"

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
