"""What the Docker engine runs: containers and networks read from a state snapshot.

The snapshot is what the standard CLI prints (``docker inspect``, ``docker network
inspect``, ``docker compose ps --format json``); ``composelint.load.state`` turns it
into this model. Rules see only this model (``project.state``), never how it was
read. Fields a source does not carry are ``None`` (``docker compose ps`` has no
environment, aliases or mounts): rules compare only what is known.

Container environments can hold secrets: ``env`` is never shown by ``repr`` and no
rule prints a value from it, only variable names.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from composelint.model.span import Span

# Labels Compose puts on the containers it creates (docker/compose pkg/api/labels.go).
PROJECT_LABEL = "com.docker.compose.project"
SERVICE_LABEL = "com.docker.compose.service"
ONEOFF_LABEL = "com.docker.compose.oneoff"  # "True" for `docker compose run` containers
CONFIG_HASH_LABEL = "com.docker.compose.config-hash"
WORKING_DIR_LABEL = "com.docker.compose.project.working_dir"
CONFIG_FILES_LABEL = "com.docker.compose.project.config_files"
NUMBER_LABEL = "com.docker.compose.container-number"

# `composelint snapshot` stores environment values as digests, never in clear:
# ``KEY=composelint-sha256:<hex>``; comparisons hash the project's value.
DIGEST_PREFIX = "composelint-sha256:"


def digest(value: str) -> str:
    return DIGEST_PREFIX + hashlib.sha256(value.encode("utf-8")).hexdigest()


def same_value(stored: str, wanted: str) -> bool:
    """Whether a container's environment value equals ``wanted`` (digests compared)."""
    if stored.startswith(DIGEST_PREFIX):
        return stored == digest(wanted)
    return stored == wanted


@dataclass(frozen=True)
class Endpoint:
    """A container's attachment to one network (EndpointSettings)."""

    network: str  # the network's real name (``app-test_default``)
    aliases: tuple[str, ...] = ()  # Aliases and DNSNames
    ip: str | None = None


@dataclass(frozen=True)
class Mount:
    type: str  # bind, volume, tmpfs ...
    destination: str
    source: str = ""  # host path (bind) or volume path
    name: str = ""  # volume name (named and anonymous volumes)


@dataclass(frozen=True)
class Container:
    name: str  # without the leading "/" of ContainerInspect.Name
    id: str = ""
    labels: dict[str, str] = field(default_factory=dict, hash=False)
    # None: not known from this source (docker compose ps)
    endpoints: tuple[Endpoint, ...] | None = None
    network_names: tuple[str, ...] = ()  # networks the container is on (every source)
    env: dict[str, str] | None = field(default=None, repr=False, hash=False)
    image: str | None = None  # the image reference as given (Config.Image)
    # published ports: (target port, protocol, host port); None when not known
    ports: frozenset[tuple[int, str, str]] | None = None
    mounts: tuple[Mount, ...] | None = None
    running: bool = False
    started_at: str = ""
    origin: Span | None = None  # where the snapshot lists it

    @property
    def project(self) -> str | None:
        return self.labels.get(PROJECT_LABEL)

    @property
    def service(self) -> str | None:
        return self.labels.get(SERVICE_LABEL)

    @property
    def oneoff(self) -> bool:
        return self.labels.get(ONEOFF_LABEL, "").lower() == "true"

    def names(self) -> frozenset[str]:
        """Every name the container resolves under on some network (lower case)."""
        out = {self.name.lower()}
        for ep in self.endpoints or ():
            out.update(a.lower() for a in ep.aliases)
        return frozenset(out)


@dataclass(frozen=True)
class Network:
    name: str
    id: str = ""
    labels: dict[str, str] = field(default_factory=dict, hash=False)
    containers: tuple[str, ...] = ()  # names of attached containers


@dataclass
class EngineState:
    """Everything the snapshot files told, merged."""

    containers: list[Container] = field(default_factory=list)
    networks: list[Network] = field(default_factory=list)
    has_containers: bool = False  # a container listing was given (it may be empty)
    has_networks: bool = False  # a network listing was given
    sources: list[str] = field(default_factory=list)  # display names of the files

    def network(self, name: str) -> Network | None:
        return next((n for n in self.networks if n.name == name), None)

    def named(self, name: str) -> Container | None:
        """The container called ``name`` (container names are unique per engine)."""
        low = name.lower().lstrip("/")
        return next((c for c in self.containers if c.name.lower() == low), None)

    def of_project(self, project: str) -> list[Container]:
        """Containers Compose created for ``project`` (``run`` one-offs left out)."""
        return [c for c in self.containers if c.project == project and not c.oneoff]

    def merge(self, other: EngineState) -> None:
        """Add another file's state; a container listed twice (``docker inspect`` and
        ``docker compose ps``) keeps the fuller record."""
        by_name = {c.name: i for i, c in enumerate(self.containers)}
        for c in other.containers:
            i = by_name.get(c.name)
            if i is None:
                by_name[c.name] = len(self.containers)
                self.containers.append(c)
            elif self.containers[i].env is None and c.env is not None:
                self.containers[i] = c
        nets = {n.name for n in self.networks}
        self.networks += [n for n in other.networks if n.name not in nets]
        self.has_containers |= other.has_containers
        self.has_networks |= other.has_networks
        self.sources += other.sources
