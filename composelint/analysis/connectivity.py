"""Who connects to what, and whether Compose's networking lets it get there.

Two analyses shared by the connectivity rules, each computed once per project
(``project.view``):

* :func:`connections` — the connection inventory: every network destination a
  service's configuration names (environment, build args, command and
  healthcheck URLs), with the exact span of the host text. When a value came
  from the project ``.env`` or a service ``env_file``, the span points into that
  file and the compose line that pulled it in is a related location.
* :func:`reachability` — the name-resolution model: which names each service can
  resolve (service names, aliases, container names, links, its own
  ``extra_hosts``), on which networks, and which ports each service listens on.

Facts encoded here are in compose-facts §5 and connection-settings §J.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from collections.abc import Iterable
from functools import lru_cache
from typing import Literal

from composelint.analysis.connstrings import (
    Destination,
    ParsedValue,
    ValueProblem,
    VarRole,
    classify_variable,
    parse_value,
)
from composelint.analysis.images import common_port_env, common_port_flags, image_default_ports
from composelint.analysis.listening import Listening, server_listening
from composelint.analysis.varroles import var_info
from composelint.model.context import RuleContext
from composelint.model.findings import Related
from composelint.model.nodes import Mapping, Node, Scalar, Sequence
from composelint.model.record import Frozen, Record, set_field
from composelint.model.span import Span
from composelint.regex import lazy_pattern

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})

Where = Literal["environment", "build-arg", "command", "healthcheck"]
Via = Literal[
    "service",
    "alias",
    "container_name",
    "generated_name",
    "link",
    "extra_hosts",
    "hostname",
    "disabled",
    "external_link",
]


class Connection(Frozen):
    """One network destination named in a service's configuration."""

    client: str  # the service whose configuration names the destination
    variable: str | None  # environment variable or build arg; None for command/healthcheck
    where: Where
    role: VarRole
    dest: Destination
    value: str  # the resolved value (may hold a password: never print it unmasked)
    host_span: Span | None  # the host text, exactly when it can be located
    value_span: Span | None  # the whole value
    related: tuple[Related, ...]  # e.g. the compose line that pulled in a .env value
    node: Scalar | None

    __slots__ = (
        "client",
        "dest",
        "host_span",
        "node",
        "related",
        "role",
        "value",
        "value_span",
        "variable",
        "where",
    )

    def __init__(
        self,
        client: str,
        variable: str | None,
        where: Where,
        role: VarRole,
        dest: Destination,
        value: str,
        host_span: Span | None,
        value_span: Span | None,
        related: tuple[Related, ...] = (),
        node: Scalar | None = None,
    ) -> None:
        set_field(self, "client", client)
        set_field(self, "variable", variable)
        set_field(self, "where", where)
        set_field(self, "role", role)
        set_field(self, "dest", dest)
        set_field(self, "value", value)
        set_field(self, "host_span", host_span)
        set_field(self, "value_span", value_span)
        set_field(self, "related", related)
        set_field(self, "node", node)

    @property
    def host(self) -> str:
        return self.dest.host

    @property
    def port(self) -> int | None:
        return self.dest.port if self.dest.port is not None else self.dest.default_port

    @property
    def span(self) -> Span | None:
        return self.host_span or self.value_span


class Attachment(Record):
    """A service's attachment to one network."""

    network: str  # the network key in the project
    aliases: tuple[str, ...]
    ipv4: str | None
    ipv6: str | None

    __slots__ = ("aliases", "ipv4", "ipv6", "network")

    def __init__(
        self,
        network: str,
        aliases: tuple[str, ...] = (),
        ipv4: str | None = None,
        ipv6: str | None = None,
    ) -> None:
        self.network = network
        self.aliases = aliases
        self.ipv4 = ipv4
        self.ipv6 = ipv6


class ServiceNet(Record):
    """What the network model knows about one service."""

    name: str
    attachments: dict[str, Attachment]
    network_mode: str | None  # host, none, bridge, service:x, container:x, other
    container_name: str | None
    hostname: str | None
    extra_hosts: dict[str, str]  # name -> ip
    links: dict[str, str]  # alias (and service) -> service
    external_links: frozenset[str]  # names external_links makes resolvable
    dns: bool  # `dns:` or `dns_search:` set: other resolvers may know more names
    image: str | None
    listen_ports: frozenset[int]  # expose + ports targets + image defaults
    # the port and password its own command line and variables set (--port, PGPORT)
    listening: Listening
    published: dict[int, int]  # published host port -> target
    depends_on: frozenset[str]
    profiles: tuple[str, ...]

    __slots__ = (
        "attachments",
        "container_name",
        "depends_on",
        "dns",
        "external_links",
        "extra_hosts",
        "hostname",
        "image",
        "links",
        "listen_ports",
        "listening",
        "name",
        "network_mode",
        "profiles",
        "published",
    )

    def __init__(
        self,
        name: str,
        attachments: dict[str, Attachment] | None = None,
        network_mode: str | None = None,
        container_name: str | None = None,
        hostname: str | None = None,
        extra_hosts: dict[str, str] | None = None,
        links: dict[str, str] | None = None,
        external_links: frozenset[str] = frozenset(),
        dns: bool = False,
        image: str | None = None,
        listen_ports: frozenset[int] = frozenset(),
        listening: Listening | None = None,
        published: dict[int, int] | None = None,
        depends_on: frozenset[str] = frozenset(),
        profiles: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.attachments = {} if attachments is None else attachments
        self.network_mode = network_mode
        self.container_name = container_name
        self.hostname = hostname
        self.extra_hosts = {} if extra_hosts is None else extra_hosts
        self.links = {} if links is None else links
        self.external_links = external_links
        self.dns = dns
        self.image = image
        self.listen_ports = listen_ports
        self.listening = Listening() if listening is None else listening
        self.published = {} if published is None else published
        self.depends_on = depends_on
        self.profiles = profiles

    @property
    def networks(self) -> frozenset[str]:
        return frozenset(self.attachments)


class Resolution(Frozen):
    """How a client resolves a host name."""

    target: str | None  # the service the name belongs to
    via: Via | None
    shared: frozenset[str]  # networks client and target share

    __slots__ = ("shared", "target", "via")

    def __init__(
        self, target: str | None, via: Via | None, shared: frozenset[str] = frozenset()
    ) -> None:
        set_field(self, "target", target)
        set_field(self, "via", via)
        set_field(self, "shared", shared)


class Reachability(Record):
    project_name: str
    services: dict[str, ServiceNet]
    disabled: dict[str, ServiceNet]
    external_networks: frozenset[str]
    internal_networks: frozenset[str]
    declared_ips: frozenset[str]
    # network key -> IPAM subnets declared for it
    subnets: dict[str, tuple[str, ...]]

    __slots__ = (
        "_index",
        "declared_ips",
        "disabled",
        "external_networks",
        "internal_networks",
        "project_name",
        "services",
        "subnets",
    )

    def __init__(
        self,
        project_name: str,
        services: dict[str, ServiceNet],
        disabled: dict[str, ServiceNet],
        external_networks: frozenset[str],
        internal_networks: frozenset[str],
        declared_ips: frozenset[str],
        subnets: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.project_name = project_name
        self.services = services
        self.disabled = disabled
        self.external_networks = external_networks
        self.internal_networks = internal_networks
        self.declared_ips = declared_ips
        self.subnets = {} if subnets is None else subnets
        # the project-wide names, built on first use (_names)
        self._index: dict[str, tuple[str, Via, str | None]] | None = None

    def effective_networks(self, service: str) -> frozenset[str]:
        """Networks a service's namespace is on (``service:X`` shares X's)."""
        seen: set[str] = set()
        current: str | None = service
        while current and current not in seen:
            seen.add(current)
            net = self.services.get(current)
            if net is None:
                return frozenset()
            mode = net.network_mode
            if mode and mode.startswith("service:"):
                current = mode[len("service:") :]
                continue
            return net.networks if mode is None else frozenset()
        return frozenset()

    def resolve(self, client: str, host: str) -> Resolution:
        """Which service ``client`` reaches under the name ``host``, and how."""
        name = host.lower()
        me = self.services.get(client)
        if me is not None:
            if name in me.links:
                return self._res(client, me.links[name], "link")
            if name in {h.lower() for h in me.extra_hosts}:
                return Resolution(None, "extra_hosts")
            if me.hostname and me.hostname.lower() == name:
                return Resolution(client, "hostname")  # its own /etc/hosts entry
            if name in me.external_links:
                return Resolution(None, "external_link")
        found = self._names().get(name)
        if found is None:
            return Resolution(None, None)
        target, via, network = found
        if via == "hostname":
            if target == client:  # only another service's hostname: it is not in DNS
                return Resolution(None, None)
            return Resolution(target, via)
        if via == "disabled":
            return Resolution(target, via)
        return self._res(client, target, via, only=network)

    def _names(self) -> dict[str, tuple[str, Via, str | None]]:
        """Every project-wide name, lower-cased -> (service, how, only-on-network),
        built once: the first definition in Compose's lookup order wins."""
        index = self._index
        if index is not None:
            return index
        index = {}
        for sname in self.services:
            index.setdefault(sname.lower(), (sname, "service", None))
        for sname, net in self.services.items():
            for att in net.attachments.values():
                for alias in att.aliases:
                    index.setdefault(alias.lower(), (sname, "alias", att.network))
        for sname, net in self.services.items():
            if net.container_name:
                index.setdefault(net.container_name.lower(), (sname, "container_name", None))
        for sname in self.services:
            for generated in self.generated_names(sname):
                index.setdefault(generated, (sname, "generated_name", None))
        for sname, net in self.services.items():
            if net.hostname:
                index.setdefault(net.hostname.lower(), (sname, "hostname", None))
        for sname in self.disabled:
            index.setdefault(sname.lower(), (sname, "disabled", None))
        self._index = index
        return index

    def namespace_owner(self, service: str) -> str:
        """The service whose network namespace ``service`` runs in (``service:X`` chains)."""
        seen: set[str] = set()
        current = service
        while current not in seen:
            seen.add(current)
            mode = self.services[current].network_mode if current in self.services else None
            if not (mode and mode.startswith("service:")) or mode[8:] not in self.services:
                return current
            current = mode[8:]
        return current

    def serving(self, port: int) -> list[str]:
        """Services that listen on ``port`` inside their network namespace (sorted)."""
        return sorted(n for n, s in self.services.items() if port in s.listen_ports)

    def known_names(self, client: str) -> frozenset[str]:
        """Every name a ``did you mean`` can suggest to ``client``."""
        names: set[str] = set(self.services)
        for net in self.services.values():
            names.update(a for att in net.attachments.values() for a in att.aliases)
            if net.container_name:
                names.add(net.container_name)
        me = self.services.get(client)
        if me is not None:
            names.update(me.links)
            names.update(me.extra_hosts)
        return frozenset(names)

    def network_phrase(self, client: str) -> str:
        """``app joins only network "default"`` / ``app joins networks "a", "b"`` ..."""
        me = self.services.get(client)
        mode = me.network_mode if me else None
        if mode and mode.startswith("service:"):
            owner = self.namespace_owner(client)
            nets = self.effective_networks(client)
            return f'{client} uses the network stack of "{owner}", which joins ' + _nets(nets)
        if mode:
            return f"{client} uses network_mode: {mode}"
        nets = self.effective_networks(client)
        return f"{client} joins " + _nets(nets, only=True)

    def generated_names(self, service: str) -> frozenset[str]:
        """Container names Compose generates: v2 ``<project>-<svc>-<n>``, v1 with ``_``."""
        p, s = self.project_name.lower(), service.lower()
        return frozenset(f"{p}{sep}{s}{sep}{n}" for sep in "-_" for n in range(1, 10))

    def _res(self, client: str, target: str, via: Via, only: str | None = None) -> Resolution:
        shared = self.effective_networks(client) & self.effective_networks(target)
        if only is not None:
            shared &= {only}
        return Resolution(target, via, frozenset(shared))


def _nets(nets: frozenset[str], only: bool = False) -> str:
    if not nets:
        return "no network"
    names = ", ".join(f'"{n}"' for n in sorted(nets))
    if len(nets) == 1:
        return f"{'only ' if only else ''}network {names}"
    return f"networks {names}"


# -- building the network model -----------------------------------------------


def _text(node: Node | None) -> str | None:
    return str(node.value) if isinstance(node, Scalar) and node.value is not None else None


def _strings(node: Node | None) -> list[str]:
    if isinstance(node, Sequence):
        return [str(n.value) for n in node.items if isinstance(n, Scalar) and n.value is not None]
    return []


@lru_cache(maxsize=1)
def _port_flag() -> re.Pattern[str]:
    """``--port 5433`` / ``-p=5433`` in a command, for the flags common to many images."""
    flags = "|".join(re.escape(f) for f in common_port_flags())
    return re.compile(rf"(?:^|\s)(?:{flags})[=\s]+(\d{{2,5}})\b")


def _listen_ports(svc: Mapping, image: str | None, own: Listening) -> frozenset[int]:
    """What the service listens on; ``own.port`` (its server's --port, PGPORT ...)
    replaces the image's main default port."""
    ports: set[int] = set()
    for item in _strings(svc.get("expose")):
        first = item.split("/", 1)[0]
        lo, _, hi = first.partition("-")
        if lo.isdigit():
            ports.update(
                range(int(lo), int(hi or lo) + 1)
                if len(range(int(lo), int(hi or lo) + 1)) < 1000
                else [int(lo)]
            )
    published = svc.get("ports")
    if isinstance(published, Sequence):
        for p in published.items:
            target = p.get("target") if isinstance(p, Mapping) else None
            if isinstance(target, Scalar) and isinstance(target.value, int):
                ports.add(target.value)
    if image:
        defaults = image_default_ports(image)
        if own.port is not None and defaults:
            defaults = (own.port, *defaults[1:])
        ports.update(defaults)
    env = svc.get("environment")
    if isinstance(env, Mapping):
        for key in common_port_env():
            if key in own.port_env:
                continue  # the server's own variable: read (or overridden) in `own`
            value = _text(env.get(key))
            if value and value.isdigit():
                ports.add(int(value))
        for key, node in env.items.items():  # its own listeners: KAFKA_LISTENERS=...:9093
            value = _text(node)
            if value and ":" in value and classify_variable(key) is VarRole.BIND:
                ports.update(d.port for d in parse_value(value, key).destinations if d.port)
    command = " ".join(_strings(svc.get("command")))
    ports.update(int(m) for m in _port_flag().findall(command))
    return frozenset(ports)


def _published(svc: Mapping) -> dict[int, int]:
    out: dict[int, int] = {}
    ports = svc.get("ports")
    if isinstance(ports, Sequence):
        for p in ports.items:
            if not isinstance(p, Mapping):
                continue
            pub, target = _text(p.get("published")), p.get("target")
            if (
                pub
                and pub.isdigit()
                and isinstance(target, Scalar)
                and isinstance(target.value, int)
            ):
                out[int(pub)] = target.value
    return out


def _service_net(name: str, svc: Mapping) -> ServiceNet:
    net = ServiceNet(name)
    nets = svc.get("networks")
    if isinstance(nets, Mapping):
        for key, conf in nets.items.items():
            att = Attachment(key)
            if isinstance(conf, Mapping):
                att.aliases = tuple(_strings(conf.get("aliases")))
                att.ipv4 = _text(conf.get("ipv4_address"))
                att.ipv6 = _text(conf.get("ipv6_address"))
            net.attachments[key] = att
    net.network_mode = _text(svc.get("network_mode"))
    net.container_name = _text(svc.get("container_name"))
    net.hostname = _text(svc.get("hostname"))
    for entry in _strings(svc.get("extra_hosts")):
        host, _, ip = entry.partition("=")
        net.extra_hosts[host] = ip
    for link in _strings(svc.get("links")):
        target, _, alias = link.partition(":")
        net.links[target.lower()] = target
        if alias:
            net.links[alias.lower()] = target
    external: set[str] = set()
    for link in _strings(svc.get("external_links")):
        target, _, alias = link.partition(":")
        external.update(x.lower() for x in (target, alias) if x)
    net.external_links = frozenset(external)
    net.dns = svc.get("dns") is not None or svc.get("dns_search") is not None
    net.image = _text(svc.get("image"))
    net.listening = server_listening(svc, net.image)
    net.listen_ports = _listen_ports(svc, net.image, net.listening)
    net.published = _published(svc)
    deps = svc.get("depends_on")
    net.depends_on = frozenset(deps.items) if isinstance(deps, Mapping) else frozenset()
    net.profiles = tuple(_strings(svc.get("profiles")))
    return net


def reachability(project: RuleContext) -> Reachability:
    """The project's name-resolution model (cached per project)."""
    return project.view(_compute_reachability)


def _compute_reachability(project: RuleContext) -> Reachability:
    services = {n: _service_net(n, s) for n, s in project.services.items()}
    disabled = {n: _service_net(n, s) for n, s in project.disabled_services.items()}
    for net in (*services.values(), *disabled.values()):  # `image-ports` in the configuration
        if net.image and (extra := project.options.extra_ports(net.image)):
            net.listen_ports |= frozenset(extra)
    external, internal = set(), set()
    subnets: dict[str, tuple[str, ...]] = {}
    for key, conf in project.section("networks").items.items():
        if isinstance(conf, Mapping):
            ipam = conf.get("ipam")
            configs = ipam.get("config") if isinstance(ipam, Mapping) else None
            if isinstance(configs, Sequence):
                subnets[key] = tuple(
                    sub
                    for c in configs.items
                    if isinstance(c, Mapping) and (sub := _text(c.get("subnet")))
                )
            ext = conf.get("external")
            if (isinstance(ext, Scalar) and ext.value is True) or isinstance(ext, Mapping):
                external.add(key)
            inter = conf.get("internal")
            if isinstance(inter, Scalar) and inter.value is True:
                internal.add(key)
    ips = {
        ip
        for s in services.values()
        for a in s.attachments.values()
        for ip in (a.ipv4, a.ipv6)
        if ip
    }
    return Reachability(
        project.name,
        services,
        disabled,
        frozenset(external),
        frozenset(internal),
        frozenset(ips),
        subnets,
    )


def declared_external_networks(project: RuleContext) -> dict[str, Span | None]:
    """External networks the files declare, by key, with where they are declared.

    ``config`` (and so the resolved model) drops networks no service joins, but a
    declared, unjoined external network is exactly the post-mortem's situation: the
    database lives there and the app is not on it.
    """
    return project.view(_compute_declared_external)


def _compute_declared_external(project: RuleContext) -> dict[str, Span | None]:
    found: dict[str, Span | None] = {}
    for _path, doc in project.interpolated:
        nets = doc.get("networks") if isinstance(doc, Mapping) else None
        if not isinstance(nets, Mapping):
            continue
        for key, conf in nets.items.items():
            ext = conf.get("external") if isinstance(conf, Mapping) else None
            if (isinstance(ext, Scalar) and ext.value is True) or isinstance(ext, Mapping):
                found.setdefault(key, nets.key_spans.get(key))
    return found


# -- the connection inventory ---------------------------------------------------


def connections(project: RuleContext) -> list[Connection]:
    """Every destination named by every service (cached per project)."""
    return project.view(_compute_connections)


def parsed_value(project: RuleContext, value: str, variable: str | None = None) -> ParsedValue:
    """``parse_value(value, variable)``, parsed once per project: the inventory, the
    value issues and several rules ask about the same values. The result is shared, so
    it must not be changed."""
    cache = project.view(_parse_cache)
    key = (value, variable)
    hit = cache.get(key)
    if hit is None:
        hit = cache[key] = parse_value(value, variable)
    return hit


def _parse_cache(project: RuleContext) -> dict[tuple[str, str | None], ParsedValue]:
    return {}


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def is_loopback(host: str) -> bool:
    h = host.lower().strip("[]")
    if h in LOOPBACK_NAMES or h.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def is_unspecified(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def _compute_connections(project: RuleContext) -> list[Connection]:
    found: list[Connection] = []
    names = project.options.connection_variables  # `connection-variables` in the configuration
    for sname, svc in project.services.items():
        env = svc.get("environment")
        if isinstance(env, Mapping):
            for var, node in env.items.items():
                if isinstance(node, Scalar) and isinstance(node.value, str) and node.value:
                    origin = project.env_file_origins.get((sname, var))
                    extra = (
                        (Related(origin, f"{var} is loaded by this env_file"),) if origin else ()
                    )
                    found.extend(
                        _from_value(project, sname, var, "environment", node, extra, names)
                    )
        build = svc.get("build")
        args = build.get("args") if isinstance(build, Mapping) else None
        if isinstance(args, Mapping):
            for var, node in args.items.items():
                if isinstance(node, Scalar) and isinstance(node.value, str) and node.value:
                    found.extend(_from_value(project, sname, var, "build-arg", node, (), names))
        found.extend(_from_words(sname, "command", svc.get("command")))
        hc = svc.get("healthcheck")
        if isinstance(hc, Mapping):
            found.extend(_from_words(sname, "healthcheck", hc.get("test")))
    # `allowed-hosts` in the configuration: destinations the user vouches for
    return [c for c in found if not project.options.host_allowed(c.host)]


# A match starts only where a run of scheme characters starts (the lookbehind), so
# a long run of letters without "://" is scanned once, not once per letter.
_URL_IN_TEXT = lazy_pattern(
    r"(?<![a-zA-Z0-9+.-])[0-9+.-]*(?P<url>[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"]+)"
)


def _from_words(client: str, where: Where, node: Node | None) -> Iterable[Connection]:
    """URLs inside a command or healthcheck (``curl -f http://localhost:8000/health``)."""
    if not isinstance(node, Sequence):
        return
    for word in node.items:
        if (
            not isinstance(word, Scalar)
            or not isinstance(word.value, str)
            or "://" not in word.value
        ):
            continue
        text = word.value
        for m in _URL_IN_TEXT.finditer(text):
            for dest in parse_value(m.group("url")).destinations:
                span = _host_span(word, dest, m.start("url"))
                yield Connection(
                    client,
                    None,
                    where,
                    VarRole.DESTINATION_URL,
                    dest,
                    text,
                    span,
                    word.span,
                    (),
                    word,
                )


def _from_value(
    project: RuleContext,
    client: str,
    var: str,
    where: Where,
    node: Scalar,
    extra: tuple[Related, ...] = (),
    names: tuple[str, ...] = (),
) -> Iterable[Connection]:
    value = str(node.value)
    role = classify_variable(var, extra_destination_names=names)
    if role in (VarRole.CREDENTIAL, VarRole.DESTINATION_PORT):
        return
    parsed = parsed_value(project, value, var)
    for dest in parsed.destinations:
        if not _plausible_host(value, dest):
            continue
        span, value_span, related = _locate(node, dest, where)
        yield Connection(
            client, var, where, role, dest, value, span, value_span, related + extra, node
        )


_WILDCARD_HOSTS = frozenset({"*", "+"})


def _plausible_host(value: str, dest: Destination) -> bool:
    """Drop what a lenient host-list parse takes for a host but is not one: a scheme
    (``SASL_PLAINTEXT://broker:9095`` in a bootstrap list, ``file:./dev.db``) or the
    ``*`` / ``+`` wildcard of listen URLs (``ASPNETCORE_URLS=http://*:8080``)."""
    if dest.host in _WILDCARD_HOSTS:
        return False
    if dest.kind not in ("host", "hostport") or dest.port is not None:
        return True
    after = value[dest.host_offset + dest.host_length :]
    return not (after.startswith(":") and after[1:2] not in ("", "$") and not after[1].isdigit())


def _locate(
    node: Scalar, dest: Destination, where: Where
) -> tuple[Span | None, Span | None, tuple[Related, ...]]:
    """Span of the host, span of the value, related locations (the compose line)."""
    if not node.subs:
        return _host_span(node, dest, 0), node.span, ()
    literal = _literal_host_span(node, dest)
    if literal is not None:  # the host is written literally around the variables
        return literal, node.span, ()
    # the value came (partly) from variables: point at the variable that supplied the host
    for sub in node.subs:
        if (
            sub.value
            and dest.host
            and dest.host in sub.value
            and sub.span is not None
            and sub.source == "env"
        ):
            offset = sub.value.find(dest.host)
            host_span = _offset_in(sub.span, sub.value, offset, len(dest.host))
            where_text = f"${{{sub.name}}} is used here"
            used_at = sub.expr_span or node.span
            rel = (Related(used_at, where_text),) if used_at else ()
            return host_span, sub.span, rel
    return node.span, node.span, ()


def _literal_host_span(node: Scalar, dest: Destination) -> Span | None:
    """The host's span when it is literal text in a value that also uses variables
    (``postgresql://${USER}:${PASS}@db:5432/app``): found by parsing the raw text."""
    raw, span = node.raw, node.span
    if raw is None or span is None or dest.host not in raw:
        return None
    inner, base = raw, 0
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        inner, base = raw[1:-1], 1
    prefix = inner.find("=") + 1 if node.style == "" and "=" in inner.split("://", 1)[0] else 0
    for candidate in parse_value(inner[prefix:]).destinations:
        if candidate.host == dest.host:
            offset = base + prefix + candidate.host_offset
            return _offset_in(span, raw, offset, candidate.host_length)
    return None


def _offset_in(span: Span, text: str, offset: int, length: int) -> Span:
    """``text`` is written at ``span`` (possibly quoted): the span of text[offset:offset+length]."""
    width = span.end_col - span.col
    if span.line != span.end_line or offset < 0:
        return span
    quote = 1 if width == len(text) + 2 else 0
    if width != len(text) + 2 * quote:
        return span
    col = span.col + quote + offset
    return Span(span.path, span.line, col, span.line, col + length)


def _host_span(node: Scalar, dest: Destination, base: int) -> Span | None:
    """The host's span in a scalar whose text maps 1:1 onto its source line."""
    return _text_span(node, base + dest.host_offset, dest.host_length)


def _text_span(node: Scalar, offset: int, length: int) -> Span | None:
    """The span of value[offset:offset+length] (``raw`` may hold more before the value:
    the key and '=' of a ``- KEY=value`` list item); the whole scalar when unknown."""
    value = str(node.value)
    raw = node.raw if node.raw is not None else value
    if not raw.endswith(value):
        return node.span
    return node.sub_span(len(raw) - len(value) + offset, length)


class ValueIssue(Frozen):
    """A syntax problem (connstrings ValueProblem) in an environment value or build arg."""

    client: str
    variable: str
    where: Where
    role: VarRole
    problem: ValueProblem
    value: str  # the resolved value (may hold a password: never print it unmasked)
    span: Span | None  # the problem's text, exactly when it can be located
    related: tuple[Related, ...]

    __slots__ = ("client", "problem", "related", "role", "span", "value", "variable", "where")

    def __init__(
        self,
        client: str,
        variable: str,
        where: Where,
        role: VarRole,
        problem: ValueProblem,
        value: str,
        span: Span | None,
        related: tuple[Related, ...] = (),
    ) -> None:
        set_field(self, "client", client)
        set_field(self, "variable", variable)
        set_field(self, "where", where)
        set_field(self, "role", role)
        set_field(self, "problem", problem)
        set_field(self, "value", value)
        set_field(self, "span", span)
        set_field(self, "related", related)


def value_issues(project: RuleContext) -> list[ValueIssue]:
    """Every ValueProblem of every environment value and build arg (cached per project)."""
    return project.view(_compute_value_issues)


def _compute_value_issues(project: RuleContext) -> list[ValueIssue]:
    found: list[ValueIssue] = []
    for sname, svc in project.services.items():
        build = svc.get("build")
        args = build.get("args") if isinstance(build, Mapping) else None
        sections: list[tuple[Where, Node | None]] = [
            ("environment", svc.get("environment")),
            ("build-arg", args),
        ]
        for where, section in sections:
            if not isinstance(section, Mapping):
                continue
            for var, node in section.items.items():
                if not (isinstance(node, Scalar) and isinstance(node.value, str) and node.value):
                    continue
                role = classify_variable(
                    var, extra_destination_names=project.options.connection_variables
                )
                quiet = (VarRole.CREDENTIAL, VarRole.OTHER, VarRole.PUBLIC, VarRole.BROWSER)
                if role in quiet and not var_info(var).setting:  # PGSSLMODE is OTHER
                    continue
                problems = parsed_value(project, node.value, var).problems
                if not problems:
                    continue
                origin = (
                    project.env_file_origins.get((sname, var)) if where == "environment" else None
                )
                related = (Related(origin, f"{var} is loaded by this env_file"),) if origin else ()
                for problem in problems:
                    span = _problem_span(node, problem.offset, problem.length)
                    found.append(
                        ValueIssue(sname, var, where, role, problem, node.value, span, related)
                    )
    return found


def _problem_span(node: Scalar, offset: int, length: int) -> Span | None:
    if not node.subs:
        return _text_span(node, offset, length)
    if len(node.subs) == 1:  # DB_HOST=${DB_HOST}: the whole value came from one variable
        sub = node.subs[0]
        if (
            sub.value is not None
            and sub.value == node.value
            and sub.span is not None
            and sub.source == "env"
        ):
            return _offset_in(sub.span, sub.value, offset, length)
    return node.span


def command_words(node: Node | None) -> list[str]:
    """A command as words, whether written as a list or a string."""
    if isinstance(node, Sequence):
        return _strings(node)
    text = _text(node)
    if text is None:
        return []
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()
