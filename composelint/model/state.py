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

from composelint.model.record import Frozen, Record, set_field
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
    import hashlib  # only to compare with a snapshot (--state): 2 ms of OpenSSL to load

    return DIGEST_PREFIX + hashlib.sha256(value.encode("utf-8")).hexdigest()


def same_value(stored: str, wanted: str) -> bool:
    """Whether a container's environment value equals ``wanted`` (digests compared)."""
    if stored.startswith(DIGEST_PREFIX):
        return stored == digest(wanted)
    return stored == wanted


class Endpoint(Frozen):
    """A container's attachment to one network (EndpointSettings)."""

    network: str  # the network's real name (``app-test_default``)
    aliases: tuple[str, ...]  # Aliases and DNSNames
    ip: str | None

    __slots__ = ("aliases", "ip", "network")

    def __init__(self, network: str, aliases: tuple[str, ...] = (), ip: str | None = None) -> None:
        set_field(self, "network", network)
        set_field(self, "aliases", aliases)
        set_field(self, "ip", ip)


class Mount(Frozen):
    type: str  # bind, volume, tmpfs ...
    destination: str
    source: str  # host path (bind) or volume path
    name: str  # volume name (named and anonymous volumes)

    __slots__ = ("destination", "name", "source", "type")

    def __init__(self, type: str, destination: str, source: str = "", name: str = "") -> None:
        set_field(self, "type", type)
        set_field(self, "destination", destination)
        set_field(self, "source", source)
        set_field(self, "name", name)


class Container(Frozen):
    name: str  # without the leading "/" of ContainerInspect.Name
    id: str
    labels: dict[str, str]
    # None: not known from this source (docker compose ps)
    endpoints: tuple[Endpoint, ...] | None
    network_names: tuple[str, ...]  # networks the container is on (every source)
    env: dict[str, str] | None
    image: str | None  # the image reference as given (Config.Image)
    # published ports: (target port, protocol, host port); None when not known
    ports: frozenset[tuple[int, str, str]] | None
    mounts: tuple[Mount, ...] | None
    running: bool
    started_at: str
    origin: Span | None  # where the snapshot lists it

    __slots__ = (
        "endpoints",
        "env",
        "id",
        "image",
        "labels",
        "mounts",
        "name",
        "network_names",
        "origin",
        "ports",
        "running",
        "started_at",
    )

    def __init__(
        self,
        name: str,
        id: str = "",
        labels: dict[str, str] | None = None,
        endpoints: tuple[Endpoint, ...] | None = None,
        network_names: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
        image: str | None = None,
        ports: frozenset[tuple[int, str, str]] | None = None,
        mounts: tuple[Mount, ...] | None = None,
        running: bool = False,
        started_at: str = "",
        origin: Span | None = None,
    ) -> None:
        set_field(self, "name", name)
        set_field(self, "id", id)
        set_field(self, "labels", {} if labels is None else labels)
        set_field(self, "endpoints", endpoints)
        set_field(self, "network_names", network_names)
        set_field(self, "env", env)
        set_field(self, "image", image)
        set_field(self, "ports", ports)
        set_field(self, "mounts", mounts)
        set_field(self, "running", running)
        set_field(self, "started_at", started_at)
        set_field(self, "origin", origin)

    # written out: env (it may carry secrets) stays out of the repr
    def __repr__(self) -> str:
        return f"{self.__class__.__qualname__}(name={self.name!r}, id={self.id!r}, labels={self.labels!r}, endpoints={self.endpoints!r}, network_names={self.network_names!r}, image={self.image!r}, ports={self.ports!r}, mounts={self.mounts!r}, running={self.running!r}, started_at={self.started_at!r}, origin={self.origin!r})"

    # written out: the dict fields (labels, env) stay out of the hash
    def __hash__(self) -> int:
        return hash(
            (
                self.name,
                self.id,
                self.endpoints,
                self.network_names,
                self.image,
                self.ports,
                self.mounts,
                self.running,
                self.started_at,
                self.origin,
            )
        )

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


class Network(Frozen):
    name: str
    id: str
    labels: dict[str, str]
    containers: tuple[str, ...]  # names of attached containers

    __slots__ = ("containers", "id", "labels", "name")

    def __init__(
        self,
        name: str,
        id: str = "",
        labels: dict[str, str] | None = None,
        containers: tuple[str, ...] = (),
    ) -> None:
        set_field(self, "name", name)
        set_field(self, "id", id)
        set_field(self, "labels", {} if labels is None else labels)
        set_field(self, "containers", containers)

    # written out: the dict field (labels) stays out of the hash
    def __hash__(self) -> int:
        return hash((self.name, self.id, self.containers))


class EngineState(Record):
    """Everything the snapshot files told, merged."""

    containers: list[Container]
    networks: list[Network]
    has_containers: bool  # a container listing was given (it may be empty)
    has_networks: bool  # a network listing was given
    sources: list[str]  # display names of the files

    __slots__ = ("containers", "has_containers", "has_networks", "networks", "sources")

    def __init__(
        self,
        containers: list[Container] | None = None,
        networks: list[Network] | None = None,
        has_containers: bool = False,
        has_networks: bool = False,
        sources: list[str] | None = None,
    ) -> None:
        self.containers = [] if containers is None else containers
        self.networks = [] if networks is None else networks
        self.has_containers = has_containers
        self.has_networks = has_networks
        self.sources = [] if sources is None else sources

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
