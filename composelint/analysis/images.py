"""What composelint knows about server images, and the one image-reference parser.

Rules and analyses ask this module; they carry no image tables of their own. The facts
themselves are plain data in :mod:`composelint.analysis.image_facts` (with a source per
fact), imported and indexed on the first question, so importing this module is cheap.

- :func:`parse_image` splits ``registry/namespace/name:tag@digest``;
- :func:`image_family` names the server family of an image (``postgres``, ``redis`` ...);
- :func:`family_facts` gives a family's :class:`Family` record (ports, schemes,
  credential variables, own env prefixes, readiness, flags, port variables);
- :func:`image_facts` gives the :class:`Image` record of one repository (HEALTHCHECK,
  data directories, the user it starts as, host:port variables);
- :func:`image_default_ports` and :func:`schemes_for_family` answer the two questions
  the connection rules ask most;
- :func:`server_command` reads the port, bind and password options of a command line
  (:mod:`composelint.analysis.listening` finds that command line in a service, and the
  variables, for the port a server really listens on).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from composelint.model.record import Frozen, set_field

if TYPE_CHECKING:
    from composelint.analysis.image_facts import Family, Image

__all__ = [
    "ImageRef",
    "ServerCommand",
    "accepts_hostport",
    "common_port_env",
    "common_port_flags",
    "family_facts",
    "family_names",
    "hostport_variables",
    "image_default_ports",
    "image_facts",
    "image_family",
    "image_names",
    "owns_data_dir",
    "parse_image",
    "pending_images",
    "schemes_for_family",
    "server_command",
    "server_role",
]

# registries that are Docker Hub under another name (`docker pull` resolves them alike)
_DOCKER_HUB = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})
_HTTP_ONLY = frozenset({"http", "https"})


class ImageRef(Frozen):
    """An image reference, lower-cased: ``ghcr.io/acme/api:1.2@sha256:...``.

    The first path component is the registry when it has a '.' or a ':' or is
    ``localhost`` and more components follow (the rule of the Docker reference grammar).
    """

    registry: str | None  # 'ghcr.io', 'localhost:5000'; None: none written (Docker Hub)
    repository: str  # the path after the registry as written: 'library/postgres'
    tag: str
    digest: str  # 'sha256:...'

    __slots__ = ("digest", "registry", "repository", "tag")

    def __init__(
        self, registry: str | None, repository: str, tag: str = "", digest: str = ""
    ) -> None:
        set_field(self, "registry", registry)
        set_field(self, "repository", repository)
        set_field(self, "tag", tag)
        set_field(self, "digest", digest)

    @property
    def path(self) -> str:
        """The repository without Docker Hub's implicit ``library/``: 'postgres',
        'bitnami/kafka' — the key of the image facts."""
        parts = self.repository.split("/")
        if len(parts) > 1 and parts[0] == "library":
            return "/".join(parts[1:])
        return self.repository

    @property
    def namespace(self) -> str | None:
        """'bitnami' of 'bitnami/kafka'; None for official images ('postgres')."""
        head, slash, _ = self.path.rpartition("/")
        return head if slash else None

    @property
    def name(self) -> str:
        """The last path component: 'kafka' of 'bitnami/kafka'."""
        return self.path.rpartition("/")[2]

    @property
    def on_docker_hub(self) -> bool:
        return self.registry is None or self.registry in _DOCKER_HUB

    @property
    def key(self) -> str:
        """The image as the ``image-ports`` option names it: the path on Docker Hub
        ('nginx' for 'docker.io/library/nginx:1.27'), otherwise registry/repository."""
        return self.path if self.on_docker_hub else f"{self.registry}/{self.repository}"


@lru_cache(maxsize=1024)
def parse_image(image: str) -> ImageRef:
    """Never raises: any text gives some reference (``${REGISTRY}/app`` is kept as is)."""
    s, _, digest = image.strip().lower().partition("@")
    tag = ""
    slash, colon = s.rfind("/"), s.rfind(":")
    if colon > slash:
        s, tag = s[:colon], s[colon + 1 :]
    first, sep, rest = s.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        return ImageRef(first, rest, tag, digest)
    return ImageRef(None, s, tag, digest)


# ----------------------------------------------------------------------------- index


class _Index(Frozen):
    families: dict[str, Family]
    by_path: dict[str, Image]
    by_name: dict[str, Image]
    hostport_vars: frozenset[str]

    __slots__ = ("by_name", "by_path", "families", "hostport_vars")

    def __init__(
        self,
        families: dict[str, Family],
        by_path: dict[str, Image],
        by_name: dict[str, Image],
        hostport_vars: frozenset[str],
    ) -> None:
        set_field(self, "families", families)
        set_field(self, "by_path", by_path)
        set_field(self, "by_name", by_name)
        set_field(self, "hostport_vars", hostport_vars)


@lru_cache(maxsize=1)
def _index() -> _Index:
    from composelint.analysis import image_facts as facts

    by_path: dict[str, Image] = {}
    by_name: dict[str, Image] = {}
    for rec in facts.IMAGES:
        if rec.pending is not None:
            continue
        for path in rec.paths:
            by_path.setdefault(path, rec)
        for name in rec.names:
            by_name.setdefault(name, rec)
    hostport = frozenset(
        _normalised(v) for rec in facts.IMAGES if rec.hostport_by_name for v in rec.hostport_env
    )
    return _Index({f.name: f for f in facts.FAMILIES}, by_path, by_name, hostport)


def _normalised(variable: str) -> str:
    """'GITEA__database__HOST' -> 'GITEA_DATABASE_HOST' (how variable names are compared)."""
    return "_".join(w for w in re.split(r"[^A-Za-z0-9]+", variable.upper()) if w)


def image_facts(image: str) -> Image | None:
    """The record of an image: by its whole path first ('bitnami/redis'), then by its
    last path component ('postgis' of 'postgis/postgis'); None when unknown."""
    ref = parse_image(image)
    index = _index()
    return index.by_path.get(ref.path) or index.by_name.get(ref.name)


def image_family(image: str) -> str | None:
    """'postgres', 'mysql', 'mariadb', 'redis' (also valkey/keydb/dragonfly), 'mongo',
    'rabbitmq', 'kafka', ... or None for an unknown image."""
    rec = image_facts(image)
    return rec.family if rec is not None else None


def family_facts(family: str | None) -> Family | None:
    """The facts of a family named by :func:`image_family`; None when unknown."""
    return _index().families.get(family) if family else None


def image_default_ports(image: str) -> tuple[int, ...]:
    """The ports an image listens on without configuration; () when unknown."""
    rec = image_facts(image)
    if rec is None:
        return ()
    if rec.ports is not None:
        return rec.ports
    fam = family_facts(rec.family)
    if fam is None:
        return ()
    tag = parse_image(image).tag
    for word, ports in rec.tag_ports:
        if word in tag:
            return ports
    return fam.ports


def schemes_for_family(family: str) -> frozenset[str]:
    """Schemes a client may use to talk to an image family: normalised ones (as in
    Destination.scheme) plus common raw spellings. HTTP for unlisted families."""
    fam = family_facts(family)
    return fam.schemes if fam is not None and fam.schemes is not None else _HTTP_ONLY


def hostport_variables() -> frozenset[str]:
    """Normalised names of host variables documented to take ``host:port`` whatever the
    image (``WORDPRESS_DB_HOST``); per-image ones are in ``image_facts(...).hostport_env``."""
    return _index().hostport_vars


def owns_data_dir(image: str, target: str) -> bool | None:
    """Whether the image makes a mount at ``target`` (a container path) writable itself:
    True when ``target`` is one of its data directories (or inside one) and it starts as
    root and chowns them; False when it is one but the image runs as another user and
    chowns nothing; None when not known."""
    rec = image_facts(image)
    if rec is None:
        return None
    t = target.rstrip("/") or "/"
    if not any(t == d or t.startswith(d.rstrip("/") + "/") for d in rec.data_dirs):
        return None
    if rec.chowns_data:
        return True
    if rec.chowns_data is False and rec.user not in (None, "root"):
        return False
    return None


def pending_images() -> tuple[Image, ...]:
    """Checked facts not used yet because they would change findings (each says why)."""
    from composelint.analysis import image_facts as facts

    return tuple(rec for rec in facts.IMAGES if rec.pending is not None)


def accepts_hostport(image: str | None, variable: str) -> bool:
    """Whether the client reading ``variable`` takes ``host:port`` in it: documented for
    the variable whatever the image (``WORDPRESS_DB_HOST``), or for this image
    (``GITEA__database__HOST`` on gitea/gitea). Names compare as the classifier does."""
    name = _normalised(variable)
    if name in hostport_variables():
        return True
    rec = image_facts(image) if image else None
    return rec is not None and any(_normalised(v) == name for v in rec.hostport_env)


def family_names() -> frozenset[str]:
    """Every family name ('postgres', 'redis' ...)."""
    return frozenset(_index().families)


def image_names() -> frozenset[str]:
    """Every name and path that identifies a known image ('postgis', 'bitnami/kafka')."""
    index = _index()
    return frozenset(index.by_name) | frozenset(index.by_path)


def common_port_flags() -> tuple[str, ...]:
    """Options that set the listening port in many servers and apps (``--port``, ``-p``)."""
    from composelint.analysis.image_facts import COMMON_PORT_FLAGS

    return COMMON_PORT_FLAGS


def server_role(image: str) -> str | None:
    """ "database", "cache" or "broker" for an image whose server exists for other
    services (PostgreSQL, Redis, RabbitMQ ...); None for anything else (web servers)."""
    from composelint.analysis.image_facts import ROLES

    return ROLES.get(image_family(image) or "")


def common_port_env() -> tuple[str, ...]:
    """Variables that set the listening port in many servers and apps (``PORT``, ``PGPORT``)."""
    from composelint.analysis.image_facts import COMMON_PORT_ENV

    return COMMON_PORT_ENV


class ServerCommand(Frozen):
    """What a server's command line sets (the last occurrence of an option wins)."""

    port: int | None  # None: not set, or not a literal number
    port_text: str | None  # the value as written: '5433', '${PORT}', ':9000'
    bind: str | None  # '0.0.0.0', '127.0.0.1 ::1'; '*' for a bind-all flag
    password: bool  # a password option is given (redis-server --requirepass)

    __slots__ = ("bind", "password", "port", "port_text")

    def __init__(
        self,
        port: int | None = None,
        port_text: str | None = None,
        bind: str | None = None,
        password: bool = False,
    ) -> None:
        set_field(self, "port", port)
        set_field(self, "port_text", port_text)
        set_field(self, "bind", bind)
        set_field(self, "password", password)


def server_command(family: str | None, words: Sequence[str]) -> ServerCommand:
    """The port, bind address and password options of ``words`` (a command or
    entrypoint split into words, after interpolation) for a server ``family``:
    ``server_command("redis", ["redis-server", "--port", "6380"]).port == 6380``."""
    fam = family_facts(family)
    if fam is None:
        return ServerCommand()
    port_text = bind = None
    password = False
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else None
        if (value := _option_value(fam.port_flags, word, nxt)) is not None:
            port_text = value
        elif (value := _option_value(fam.bind_flags, word, nxt)) is not None:
            bind = value
        elif word in fam.bind_all_flags:
            bind = "*"
        elif _option_value(fam.password_flags, word, nxt) is not None:
            password = True
    port = None
    if port_text is not None:
        digits = port_text.rpartition(":")[2]  # minio's --address host:port
        port = int(digits) if digits.isdigit() and 0 < int(digits) < 65536 else None
    return ServerCommand(port, port_text, bind, password)


def _option_value(flags: tuple[str, ...], word: str, nxt: str | None) -> str | None:
    """The value ``word`` (and maybe the next word) gives to one of ``flags``."""
    for flag in flags:
        option, _, key = flag.partition(" ")
        if key:  # a setting: '-c port=5433' or '-cport=5433'
            setting = nxt if word == option else word[len(option) :]
            if word.startswith(option) and setting and setting.startswith(key + "="):
                return setting[len(key) + 1 :]
        elif word == option:
            return nxt
        elif word.startswith(option + "="):
            return word[len(option) + 1 :]
        elif len(option) == 2 and word.startswith(option) and len(word) > 2:
            return word[2:]  # '-p5433'
    return None
