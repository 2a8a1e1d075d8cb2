"""Shared by the host rules (CMP1xx): which connections they look at, and message parts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from composelint.analysis import schemes
from composelint.analysis.connectivity import Connection, Reachability, Where, connections
from composelint.analysis.connstrings import VarRole
from composelint.analysis.images import family_facts, image_family
from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Edit, Fix
from composelint.model.span import Span

# roles whose value the container itself dials (OTHER: recognised by the value alone)
DIALED = frozenset({VarRole.DESTINATION_URL, VarRole.DESTINATION_HOST, VarRole.OTHER})
CONFIG: tuple[Where, ...] = ("environment", "build-arg")
# where a wrong host *name* matters: also command URLs (a healthcheck runs inside the
# container itself, so its names are not checked against the project)
NAMED: tuple[Where, ...] = (*CONFIG, "command")


def dialed(
    conns: Iterable[Connection],
    reach: Reachability,
    where: tuple[Where, ...] = CONFIG,
    roles: frozenset[VarRole] = DIALED,
) -> Iterator[Connection]:
    """Connections the client makes itself, with a literal host (no ``${VAR}`` left),
    leaving out what a server image reads about itself."""
    for c in conns:
        if (
            c.where in where
            and c.role in roles
            and c.host
            and not c.dest.templated
            and not own_server_setting(reach, c)
        ):
            yield c


def resolved_via(
    project: RuleContext, reach: Reachability, via: str
) -> Iterator[tuple[Connection, str]]:
    """Dialed connections whose host resolves ``via`` one kind of name (a
    container_name, a generated name, a hostname ...), with the service it names."""
    for c in dialed(connections(project), reach, where=NAMED):
        res = reach.resolve(c.client, c.host)
        if res.via == via and res.target is not None:
            yield c, res.target


def own_server_setting(reach: Reachability, c: Connection) -> bool:
    """A host variable of a server image about the server itself (``MARIADB_HOST`` on a
    mariadb container): not a connection the container makes."""
    me = reach.services.get(c.client)
    if c.variable is None or me is None or me.image is None:
        return False
    if c.role is not VarRole.DESTINATION_HOST:
        return False
    facts = family_facts(image_family(me.image))
    prefixes = facts.own_env_prefixes if facts is not None else ()
    return re.split(r"[^A-Z0-9]+", c.variable.upper())[0] in prefixes


def subject(c: Connection) -> str:
    """``DATABASE_URL in service "app"`` / ``a URL in the command of service "app"``."""
    if c.variable is None:
        return f'a URL in the {c.where} of service "{c.client}"'
    kind = "build arg " if c.where == "build-arg" else ""
    return f'{kind}{c.variable} in service "{c.client}"'


def scheme_of(c: Connection) -> str:
    return (c.dest.scheme or c.dest.raw_scheme or "").lower()


def what(c: Connection) -> str:
    """What kind of server the connection is for: ``database``, ``cache`` ..."""
    return schemes.server_kind(scheme_of(c))


def lookup_error(c: Connection) -> str:
    """What the client prints when the host name does not resolve."""
    return schemes.lookup_error(scheme_of(c), c.host)


def endpoint(service: str, port: int | None) -> str:
    return f"`{service}:{port}`" if port is not None else f"`{service}`"


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    import difflib  # only for a misspelling: not on every run

    close = difflib.get_close_matches(name.lower(), sorted(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def other_servers(reach: Reachability, client: str, port: int | None) -> list[str]:
    """Services outside the client's network namespace that listen on ``port``."""
    if port is None:
        return []
    mine = reach.namespace_owner(client)
    return [s for s in reach.serving(port) if reach.namespace_owner(s) != mine]


def served_locally(reach: Reachability, client: str, port: int | None) -> bool:
    """Whether a service in the client's network namespace (itself, ``service:X``
    partners) listens on ``port``."""
    if port is None:
        return False
    mine = reach.namespace_owner(client)
    return any(reach.namespace_owner(s) == mine for s in reach.serving(port))


def sibling_services(project: RuleContext) -> dict[str, str]:
    """Service names (and container names) defined by compose files next to the
    project's that are not among its files (``compose.database.yml`` used with ``-f``,
    a file only used as an ``extends`` source): lower-case name -> file name."""
    return project.view(_compute_siblings)


def _compute_siblings(project: RuleContext) -> dict[str, str]:
    from composelint.load.discover import file_services
    from composelint.model.nodes import Mapping, Scalar

    read = set(project.compose_files)  # extends sources count: their services are not in
    compose = [s.path for s in project.sources.values() if s.kind == "compose"]
    # never the directory of a file outside the project (an extends.file elsewhere)
    parents = {f.parent for f in [*project.compose_files, *compose]}
    dirs = sorted({d for d in parents if d.is_relative_to(project.directory)} | {project.directory})
    out: dict[str, str] = {}
    for d in dirs:
        try:
            files = sorted(d.iterdir())[:1000]
        except OSError:
            continue
        for f in files:
            low = f.name.lower()
            if "compose" not in low or not low.endswith((".yml", ".yaml")) or f in read:
                continue
            services = file_services(f, max_bytes=1_000_000)  # budgeted loader: safe on bombs
            for sname, svc in (services or {}).items():
                out.setdefault(sname.lower(), f.name)
                cname = svc.get("container_name") if isinstance(svc, Mapping) else None
                if isinstance(cname, Scalar) and isinstance(cname.value, str):
                    out.setdefault(cname.value.lower(), f.name)
    return out


# names runtimes define for the Docker host: Docker Desktop's host.docker.internal and
# gateway.docker.internal (docs.docker.com/desktop/features/networking/networking-how-tos/
# #i-want-to-connect-from-a-container-to-a-service-on-the-host), Podman's
# host.containers.internal (containers/podman docs/source/markdown/options/add-host.md:
# added to /etc/hosts with host.docker.internal); near misses of these three are typos
# (apple/container#346 shows "host.container.internal"), the others are real names
SPECIAL_NAMES = ("host.docker.internal", "gateway.docker.internal", "host.containers.internal")
_OTHER_SPECIAL = frozenset(
    {"kubernetes.docker.internal", "docker.for.mac.localhost", "docker.for.win.localhost",
     "docker.for.mac.host.internal", "host.minikube.internal", "host.lima.internal",
     "host.k3d.internal", "host.orb.internal", "docker.orb.internal"}
)  # fmt: skip
_SEPARATORS = re.compile(r"[.\-_]")


def near_special(host: str) -> str | None:
    """The special host name ``host`` misspells: labels swapped
    (``docker.host.internal``), one label mistyped (``host.docker.intenral``) or the
    dots replaced (``host-docker-internal``); None for the names themselves."""
    h = host.lower().rstrip(".")
    if h in SPECIAL_NAMES or h in _OTHER_SPECIAL:
        return None
    labels = h.split(".")
    for name in SPECIAL_NAMES:
        want = name.split(".")
        if sorted(labels) == sorted(want) or _SEPARATORS.sub("", h) == _SEPARATORS.sub("", name):
            return name
        if len(labels) != len(want):
            continue
        differ = [(a, b) for a, b in zip(labels, want, strict=True) if a != b]
        if len(differ) == 1 and len(differ[0][0]) >= 3:
            import difflib  # only for a near miss

            ratio = difflib.SequenceMatcher(None, *differ[0]).ratio()
            if ratio >= 0.75:
                return name
    return None


def host_fix(
    project: RuleContext,
    c: Connection,
    new: str,
    *,
    port: tuple[Span, int] | None = None,
    unsafe: bool = False,
) -> Fix | None:
    """A fix that writes ``new`` in place of the connection's host (and ``port``: the
    port's span and the new port), when the host's text is exactly where the span
    says. Safe when the host is written in a compose file (unless ``unsafe``); a host
    from a ``.env`` or env_file line is unsafe: that line may feed other values."""
    from composelint.lint.fixes import text_at

    span = c.host_span
    if span is None or span.line != span.end_line or ":" in c.host:  # [::1]: brackets
        return None
    source = project.sources.get(span.path)
    if source is None or source.text is None:
        return None
    if text_at(source.text, span).lower() != c.host.lower():
        return None
    edits = [Edit(span, new)]
    if port is not None:
        port_span, number = port
        if port_span.path != span.path or not text_at(source.text, port_span).isdigit():
            return None
        edits.append(Edit(port_span, str(number)))
    where = f"{new}:{port[1]}" if port is not None else new
    safe = not unsafe and source.kind == "compose"
    return Fix(
        f"use {where}",
        tuple(edits),
        applicability=Applicability.SAFE if safe else Applicability.UNSAFE,
    )
