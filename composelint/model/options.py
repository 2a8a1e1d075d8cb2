"""Rule options from the configuration, typed and read-only.

The configuration file (``composelint.lint.config``) is parsed into one
:class:`RuleOptions` per file before any project is resolved; rules and the shared
analyses read it through their :class:`~composelint.model.context.RuleContext`
(``ctx.options``). The connection options are read by the connectivity
analysis, which the host, network and URL families share, so they live here rather
than in one family's ``settings.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from composelint.model.record import Frozen, set_field

T = TypeVar("T")

# the configuration keys
CONNECTION_VARIABLES = "connection-variables"
ALLOWED_HOSTS = "allowed-hosts"
IMAGE_PORTS = "image-ports"
ALLOWED_REGISTRIES = "allowed-registries"
CONTAINER_NAME_PATTERN = "container-name-pattern"


class RuleOptions(Frozen):
    """What the configuration tells the rules (all empty: no configuration)."""

    # extra variable names whose values are connection destinations
    connection_variables: tuple[str, ...]
    # hosts never reported as unknown (lower case; ``*.example.com`` matches subdomains)
    allowed_hosts: tuple[str, ...]
    # image (normalised by ``image_key``) -> extra ports it listens on
    image_ports: tuple[tuple[str, tuple[int, ...]], ...]
    # every option by its configuration key, for ``RuleContext.option`` (plugins)
    raw: Mapping[str, Any]

    __slots__ = ("allowed_hosts", "connection_variables", "image_ports", "raw")

    def __init__(
        self,
        connection_variables: tuple[str, ...] = (),
        allowed_hosts: tuple[str, ...] = (),
        image_ports: tuple[tuple[str, tuple[int, ...]], ...] = (),
        raw: Mapping[str, Any] | None = None,
    ) -> None:
        set_field(self, "connection_variables", connection_variables)
        set_field(self, "allowed_hosts", allowed_hosts)
        set_field(self, "image_ports", image_ports)
        set_field(self, "raw", MappingProxyType({}) if raw is None else raw)

    @classmethod
    def from_config(cls, data: Mapping[str, Any]) -> RuleOptions:
        """The options of a validated configuration (keys as written in the file)."""
        hosts = tuple(str(h).lower() for h in data.get(ALLOWED_HOSTS, ()))
        ports = tuple(
            (image_key(image), tuple(p if isinstance(p, list) else [p]))
            for image, p in data.get(IMAGE_PORTS, {}).items()
        )
        raw: dict[str, Any] = {}
        if CONNECTION_VARIABLES in data:
            raw[CONNECTION_VARIABLES] = tuple(data[CONNECTION_VARIABLES])
        if ALLOWED_HOSTS in data:
            raw[ALLOWED_HOSTS] = hosts
        if IMAGE_PORTS in data:
            raw[IMAGE_PORTS] = dict(ports)
        if ALLOWED_REGISTRIES in data:
            raw[ALLOWED_REGISTRIES] = tuple(str(r).lower() for r in data[ALLOWED_REGISTRIES])
        if CONTAINER_NAME_PATTERN in data:
            raw[CONTAINER_NAME_PATTERN] = data[CONTAINER_NAME_PATTERN]
        return cls(
            connection_variables=tuple(data.get(CONNECTION_VARIABLES, ())),
            allowed_hosts=hosts,
            image_ports=ports,
            raw=MappingProxyType(raw),
        )

    def host_allowed(self, host: str) -> bool:
        """Whether ``allowed-hosts`` lists ``host`` (``*.example.com`` matches its subdomains)."""
        name = host.lower().rstrip(".")
        return any(
            name == pattern or (pattern.startswith("*.") and name.endswith(pattern[1:]))
            for pattern in self.allowed_hosts
        )

    def extra_ports(self, image: str) -> tuple[int, ...]:
        """Extra default ports of an image from ``image-ports``: a key matches the image
        without its tag or digest, with or without a registry or namespace in front
        (``acme/api`` matches ``registry.example.com/acme/api:1.2``)."""
        if not self.image_ports:
            return ()
        path = image_key(image)
        ports: list[int] = []
        for key, values in self.image_ports:
            if path == key or path.endswith("/" + key):
                ports.extend(values)
        return tuple(dict.fromkeys(ports))

    def option(self, name: str, default: T) -> T:
        """An option by its configuration key, else ``default``."""
        value: T = self.raw.get(name, default)
        return value


def image_key(image: str) -> str:
    """``docker.io/library/nginx:1.27@sha256:...`` -> ``nginx`` (the image facts' parser)."""
    from composelint.analysis.images import parse_image  # not on the start-up path

    return parse_image(image).key
