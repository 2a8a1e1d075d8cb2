"""Shared reading of the resolved service fields the security rules check.

The resolved model is canonical (``docker compose config`` shape): short volume,
port and device syntax is already long syntax whose nodes keep the span of the
entry they came from, bind sources are absolute, and booleans that are false are
dropped. A value that came whole from one ``.env`` line is located at that line
(``value_span``), so a finding points where the value is set.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Edit, Fix, Related, Severity, Violation
from composelint.model.nodes import Mapping, Node, Scalar, Sequence, scalar_items
from composelint.model.record import Frozen, set_field
from composelint.model.span import Span


def violation(
    message: str,
    span: Span | None,
    *,
    help: str | None = None,
    note: str | None = None,
    related: tuple[Related, ...] = (),
    fix: Fix | None = None,
    severity: Severity | None = None,
) -> Violation:
    """A finding whose message is one clause, ``help`` the fix and ``note`` the why."""
    return Violation(message, span, related, fix, severity, help=help, note=note)


def text(node: Node | None) -> str | None:
    if isinstance(node, Scalar) and node.value is not None and not isinstance(node.value, bool):
        return str(node.value)
    return None


def value_span(node: Node | None) -> tuple[Span | None, tuple[Related, ...]]:
    """Where a value is set: the ``.env`` value when one variable supplied all of it
    (with the compose expression as related), the default text of ``${VAR:-root}``
    when the default did, else the node's own span."""
    if isinstance(node, Scalar) and len(node.subs) == 1:
        sub = node.subs[0]
        whole = sub.span is not None and sub.value == str(node.value)
        if whole and sub.source == "default":
            return sub.span, ()
        if whole and sub.source == "env":
            used = sub.expr_span or node.span
            return sub.span, ((Related(used, f"${{{sub.name}}} is used here"),) if used else ())
    return (node.span if node is not None else None), ()


def key_or_value_span(svc: Mapping, key: str) -> tuple[Span | None, tuple[Related, ...]]:
    """The span of a service field's value (see ``value_span``), else of its key."""
    node = svc.get(key)
    span, related = value_span(node)
    return (span or svc.key_span(key)), related


def is_true(node: Node | None) -> bool:
    return isinstance(node, Scalar) and node.value is True


# ----------------------------------------------------------------------------- mounts


class BindMount(Frozen):
    source: str  # absolute host path, normalised
    target: str
    read_only: bool
    propagation: str | None
    entry: Mapping  # the canonical volume entry (its span is the entry as written)

    __slots__ = ("entry", "propagation", "read_only", "source", "target")

    def __init__(
        self, source: str, target: str, read_only: bool, propagation: str | None, entry: Mapping
    ) -> None:
        set_field(self, "source", source)
        set_field(self, "target", target)
        set_field(self, "read_only", read_only)
        set_field(self, "propagation", propagation)
        set_field(self, "entry", entry)

    @property
    def span(self) -> Span | None:
        return self.entry.span

    def source_at(self) -> tuple[Span | None, tuple[Related, ...]]:
        """Where the host path is set: a ``.env`` line when one variable supplied the
        whole source (``${DOCKER_SOCK}:/var/run/docker.sock``), else the entry."""
        source = self.entry.get("source")
        if isinstance(source, Scalar) and source.subs:
            span, related = value_span(source)
            if span is not None and span != self.entry.span:
                return span, related
        return self.entry.span, ()


def bind_mounts(svc: Mapping) -> Iterator[BindMount]:
    """The service's bind mounts (short and long syntax)."""
    volumes = svc.get("volumes")
    if not isinstance(volumes, Sequence):
        return
    for entry in volumes.items:
        if not isinstance(entry, Mapping) or text(entry.get("type")) != "bind":
            continue
        source = text(entry.get("source"))
        if not source:
            continue
        bind = entry.get("bind")
        propagation = text(bind.get("propagation")) if isinstance(bind, Mapping) else None
        yield BindMount(
            posixpath.normpath(source),
            text(entry.get("target")) or "",
            is_true(entry.get("read_only")),
            propagation,
            entry,
        )


def short_syntax_text(project: RuleContext, span: Span | None) -> tuple[str, int] | None:
    """The text of a one-line short-syntax entry as written (quotes stripped) and the
    column where it starts; None when it is not plain or single-line quoted text."""
    if span is None or span.line != span.end_line:
        return None
    source = project.source_text(span.path)
    if source is None:
        return None
    lines = source.splitlines()
    if span.line > len(lines):
        return None
    written = lines[span.line - 1][span.col - 1 : span.end_col - 1]
    if len(written) >= 2 and written[0] == written[-1] and written[0] in "'\"":
        inner = written[1:-1]
        if "\\" in inner or "'" in inner or '"' in inner:
            return None
        return inner, span.col + 1
    if not written or written[0] in "'\"[{":
        return None
    return written, span.col


def append_fix(
    project: RuleContext, span: Span | None, suffix: str, description: str, *, max_colons: int
) -> Fix | None:
    """A fix that appends ``suffix`` to a literal short-syntax entry with at most
    ``max_colons`` colons (``./a:/b`` -> ``./a:/b:ro``)."""
    found = short_syntax_text(project, span)
    if found is None or span is None:
        return None
    written, col = found
    if "$" in written or written.count(":") > max_colons:
        return None
    end = col + len(written)
    return Fix(description, (Edit(Span(span.path, span.line, end, span.line, end), suffix),))


def prepend_fix(
    project: RuleContext, span: Span | None, prefix: str, description: str, *, colons: int
) -> Fix | None:
    """A fix that puts ``prefix`` in front of a literal short-syntax entry with
    exactly ``colons`` colons."""
    found = short_syntax_text(project, span)
    if found is None or span is None:
        return None
    written, col = found
    if "$" in written or written.count(":") != colons:
        return None
    return Fix(description, (Edit(Span(span.path, span.line, col, span.line, col), prefix),))


# ----------------------------------------------------------------------------- images


def built_locally(svc: Mapping) -> bool:
    """``build:`` is set: ``image:`` names what is built, not something pulled."""
    return svc.get("build") is not None


def security_options(svc: Mapping) -> list[tuple[str, str, Scalar]]:
    """``security_opt`` entries as (option, value, node): ``seccomp:unconfined`` and
    ``seccomp=unconfined`` both give ("seccomp", "unconfined"); a bare
    ``no-new-privileges`` gives ("no-new-privileges", "true") as Docker reads it."""
    out = []
    for item in scalar_items(svc.get("security_opt")):
        raw = str(item.value).strip()
        cut = min((i for i in (raw.find(":"), raw.find("=")) if i >= 0), default=-1)
        key, value = (raw[:cut], raw[cut + 1 :]) if cut >= 0 else (raw, "")
        key = key.strip().lower()
        if key == "no-new-privileges" and not value:
            value = "true"
        out.append((key, value.strip(), item))
    return out


# control sockets of container runtimes (Docker, containerd, Podman, CRI-O)
SOCKETS = frozenset(
    {"docker.sock", "containerd.sock", "podman.sock", "crio.sock", "cri-dockerd.sock"}
)
# directories whose bind mount carries a runtime socket with it
SOCKET_DIRS = frozenset(
    {
        "/",
        "/var",
        "/run",
        "/var/run",
        "/run/docker",
        "/var/run/docker",
        "/run/containerd",
        "/var/run/containerd",
        "/run/podman",
        "/var/run/podman",
        "/run/crio",
        "/var/run/crio",
    }
)


def is_runtime_socket(source: str) -> bool:
    return posixpath.basename(source) in SOCKETS or source in SOCKET_DIRS


# host paths whose writable bind mount is root on the host
ROOT_EQUIVALENT = frozenset(
    {"/", "/etc", "/root", "/boot", "/usr", "/bin", "/sbin", "/lib", "/lib64", "/proc"}
    | {"/sys", "/dev", "/var/lib/docker", "/var/lib/containerd", "/var/spool/cron"}
    | {"/etc/cron.d", "/etc/systemd", "/etc/sudoers.d", "/etc/ssh", "/usr/local/bin"}
)
# host paths that disclose the host when read
SENSITIVE = ROOT_EQUIVALENT | {"/home", "/etc/shadow", "/etc/gshadow", "/var/lib/kubelet"}
# directories of credentials, wherever they are (~/.ssh, /home/deploy/.aws ...)
CREDENTIAL_DIRS = frozenset({".ssh", ".aws", ".gnupg", ".kube", ".docker", ".azure"})


def credential_dir(source: str) -> str | None:
    """The credential directory a host path is in or is (``.ssh``), else None."""
    parts = source.split("/")
    return next((p for p in parts if p in CREDENTIAL_DIRS), None)


def writable_host_root(mount: BindMount) -> bool:
    """A writable mount of a root-equivalent path or of a credential directory."""
    return not mount.read_only and (
        mount.source in ROOT_EQUIVALENT or credential_dir(mount.source) is not None
    )


def datastore(image: str) -> tuple[str, tuple[int, ...]] | None:
    """("database" | "cache" | "broker", the ports it serves) for a known image."""
    from composelint.analysis.images import image_default_ports, server_role

    role = server_role(image)
    return (role, image_default_ports(image)) if role else None


# why a port on every interface matters (Docker documentation, "Docker and ufw")
OPEN_PORT_NOTE = "every network the host is on reaches it; Docker's rules bypass ufw and firewalld"


def all_interfaces(host_ip: str | None) -> bool:
    return host_ip in (None, "", "0.0.0.0", "::", "[::]")
