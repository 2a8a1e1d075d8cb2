"""What a rule's ``check(ctx)`` receives: a read-only view of one resolved project,
the rule options of the configuration that governs it, and the image knowledge.

The context offers every read method the old ``Project`` argument had (``services``,
``section``, ``node``, ``span``, ``scalar``, ``view``, ``env``, ``sources`` ...), so a
plugin written as ``check(project)`` against that API keeps working unchanged.
Shared analyses (``composelint.analysis``) take the context too: ``ctx.view(f)``
computes ``f(ctx)`` once per linted project.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from collections.abc import Mapping as ReadOnlyMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from composelint.model.findings import Violation
from composelint.model.nodes import Mapping, Node, PathElement, Scalar
from composelint.model.options import RuleOptions
from composelint.model.project import Document, EnvVar, Problem, Project, ShadowedEnv, SourceFile
from composelint.model.record import Frozen, set_field
from composelint.model.span import Span

if TYPE_CHECKING:
    from composelint.model.state import EngineState

T = TypeVar("T")

# The image knowledge base: the ``composelint.analysis.images`` module (ports, URL
# schemes, credential variables ... of each server image), or a stand-in with the
# same functions (tests, a plugin's own facts).
ImageKnowledge = Any


class RuleContext(Frozen):
    """One project as the rules see it. Nothing here is meant to be changed."""

    project: Project
    options: RuleOptions
    knowledge: ImageKnowledge  # None: composelint.analysis.images
    _views: dict[Any, Any]

    __slots__ = ("_views", "knowledge", "options", "project")

    def __init__(
        self,
        project: Project,
        options: RuleOptions | None = None,
        knowledge: ImageKnowledge = None,
        _views: dict[Any, Any] | None = None,
    ) -> None:
        set_field(self, "project", project)
        set_field(self, "options", RuleOptions() if options is None else options)
        set_field(self, "knowledge", knowledge)
        set_field(self, "_views", {} if _views is None else _views)

    # compared and hashed by identity, as the dataclass (eq=False) was
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"{self.__class__.__qualname__}(project={self.project!r}, options={self.options!r}, knowledge={self.knowledge!r})"

    @property
    def images(self) -> ImageKnowledge:
        """What composelint knows about server images (``composelint.analysis.images``:
        ``image_family``, ``family_facts``, ``image_facts`` ...), imported on first use."""
        if self.knowledge is not None:
            return self.knowledge
        from composelint.analysis import images

        return images

    # -- the project ------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.project.name

    @property
    def directory(self) -> Path:
        return self.project.directory

    @property
    def compose_files(self) -> Sequence[Path]:
        return self.project.compose_files

    @property
    def model(self) -> Mapping:
        """The resolved model, shaped like ``docker compose config`` output."""
        return self.project.model

    @property
    def services(self) -> dict[str, Mapping]:
        """Service name -> resolved service (active services only)."""
        return self.project.services

    @property
    def disabled_services(self) -> ReadOnlyMapping[str, Mapping]:
        """Services the active profiles disable."""
        return self.project.disabled_services

    @property
    def active_profiles(self) -> tuple[str, ...]:
        return self.project.active_profiles

    @property
    def env(self) -> ReadOnlyMapping[str, EnvVar]:
        """The interpolation environment (.env / --env-file / shell / injected)."""
        return self.project.env

    @property
    def env_files(self) -> Sequence[Path]:
        """The env files that fed interpolation (absolute paths)."""
        return self.project.env_files

    @property
    def env_file_origins(self) -> ReadOnlyMapping[tuple[str, str], Span]:
        """(service, variable) -> the ``env_file`` entry that supplied the variable."""
        return self.project.env_file_origins

    @property
    def sources(self) -> ReadOnlyMapping[str, SourceFile]:
        """Every file read for the project, by display path."""
        return self.project.sources

    @property
    def documents(self) -> Sequence[Document]:
        """The compose documents as loaded (before interpolation), in load order."""
        return self.project.documents

    @property
    def interpolated(self) -> Sequence[Document]:
        """The same documents after interpolation, before merging (what the schema sees)."""
        return self.project.interpolated

    @property
    def shadowed_env(self) -> Sequence[ShadowedEnv]:
        """``env_file`` values dropped because ``environment:`` sets the same key."""
        return self.project.shadowed_env

    @property
    def state(self) -> EngineState | None:
        """What the Docker engine runs, from ``--state`` snapshots (None without one)."""
        return self.project.state

    @property
    def problems(self) -> Sequence[Problem]:
        """What the loader and resolver found; rules report their own (``problems_for``)."""
        return self.project.problems

    def section(self, name: str) -> Mapping:
        """A top-level section (``networks``, ``volumes`` ...), empty when absent."""
        return self.project.section(name)

    def node(self, *path: PathElement) -> Node | None:
        return self.project.node(*path)

    def span(self, *path: PathElement, key: bool = False) -> Span | None:
        """Best span for a path in the resolved model (nearest located ancestor)."""
        return self.project.span(*path, key=key)

    def scalar(self, *path: PathElement) -> Scalar | None:
        return self.project.scalar(*path)

    def in_model(self, path: tuple[PathElement, ...]) -> bool:
        """Whether what sits at ``path`` of a compose document as written is still in
        the resolved model (not under a service or key an override reset)."""
        return self.project.in_model(path)

    def source_text(self, display: str) -> str | None:
        return self.project.source_text(display)

    def problems_for(self, rule: str) -> Iterator[Problem]:
        return self.project.problems_for(rule)

    def problem_violations(self, rule: str) -> Iterator[Violation]:
        """The loader's and resolver's problems of ``rule`` as violations (for the
        rules that only report what resolving found)."""
        for p in self.project.problems_for(rule):
            yield Violation(
                p.message, p.span, p.related, severity=p.severity, help=p.help, note=p.note
            )

    # -- settings and shared analyses ---------------------------------------------
    def option(self, name: str, default: T) -> T:
        """A rule option by its configuration key (``allowed-hosts`` ...), else ``default``."""
        return self.options.option(name, default)

    def view(self, compute: Callable[[RuleContext], T]) -> T:
        """A shared analysis, computed once per linted project (keyed by function)."""
        if compute not in self._views:
            self._views[compute] = compute(self)
        result: T = self._views[compute]
        return result


def context_of(project: Project | RuleContext, options: RuleOptions | None = None) -> RuleContext:
    """A context for ``project`` (a context is returned as it is)."""
    if isinstance(project, RuleContext):
        return project
    return RuleContext(project, options or RuleOptions())
