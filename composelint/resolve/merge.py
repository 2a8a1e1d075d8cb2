"""Compose's merge rules for ``-f`` files, multi-document files and ``extends``.

Both sides are in canonical (long) form, so the rules of compose-facts §4.2 reduce
to: mappings merge deeply, scalars are replaced, and each kind of sequence is
replaced, appended, or appended and made unique by a key. ``!reset`` removes an
attribute and ``!override`` replaces it whole. Merging mutates ``base`` in place
(callers pass a copy) and keeps every node's span, so a merged value still points
at the file that wrote it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from composelint.model.nodes import Mapping, Node, Scalar, Sequence
from composelint.model.span import Span

# sequences that a later file replaces rather than extends
REPLACED = frozenset({"command", "entrypoint", "test"})
# sequences appended with exact duplicates removed
UNIQUE_VALUES = frozenset(
    {
        "expose",
        "dns",
        "dns_search",
        "dns_opt",
        "cap_add",
        "cap_drop",
        "profiles",
        "tmpfs",
        "links",
        "external_links",
        "aliases",
        "extra_hosts",
        "group_add",
        "security_opt",
        "volumes_from",
        "device_cgroup_rules",
    }
)


def _scalar(node: Node | None) -> object:
    return node.value if isinstance(node, Scalar) else None


def _port_key(node: Node) -> Hashable:
    if isinstance(node, Mapping):
        return tuple(_scalar(node.get(k)) for k in ("host_ip", "published", "target", "protocol"))
    return repr(node.to_plain())


def _target_key(node: Node) -> Hashable:
    if isinstance(node, Mapping):
        target = _scalar(node.get("target"))
        if target is not None:
            return target
        return _scalar(node.get("source"))
    return repr(node.to_plain())


def _secret_key(node: Node) -> Hashable:
    """Secrets are unique by target; with none given the target is /run/secrets/<source>."""
    if isinstance(node, Mapping) and _scalar(node.get("target")) is None:
        return f"/run/secrets/{_scalar(node.get('source'))}"
    if isinstance(node, Scalar):
        return f"/run/secrets/{node.value}"
    return _target_key(node)


def _path_key(node: Node) -> Hashable:
    if isinstance(node, Mapping):
        return _scalar(node.get("path"))
    return repr(node.to_plain())


def _exact(node: Node) -> Hashable:
    return repr(node.to_plain())


KEYED: dict[str, Callable[[Node], Hashable]] = {
    "ports": _port_key,
    "volumes": _target_key,
    "secrets": _secret_key,
    "configs": _target_key,
    "env_file": _path_key,
}


def _merge_sequence(key: str, base: Sequence, over: Sequence) -> Sequence:
    if key in REPLACED:
        return over
    key_fn = KEYED.get(key) or (_exact if key in UNIQUE_VALUES else None)
    if key_fn is None:
        return Sequence([*base.items, *over.items], base.span, tag=base.tag)
    items = list(base.items)
    index: dict[Hashable, int] = {}
    for i, item in enumerate(items):
        index.setdefault(key_fn(item), i)
    for item in over.items:
        k = key_fn(item)
        if k in index:
            items[index[k]] = item
        else:
            index[k] = len(items)
            items.append(item)
    return Sequence(items, base.span, tag=base.tag)


def _merge(
    key: str, base: Node, over: Node, path: str, errors: list[tuple[str, Span | None]]
) -> Node:
    if over.tag == "!override":
        return over
    if isinstance(base, Mapping) and isinstance(over, Mapping):
        _merge_mapping(base, over, path, errors)
        return base
    if isinstance(base, Sequence) and isinstance(over, Sequence):
        return _merge_sequence(key, base, over)
    if isinstance(over, Scalar) and over.value is None and isinstance(base, Mapping | Sequence):
        return base  # `front:` (null) in a later file keeps the earlier network settings
    if isinstance(base, Mapping) != isinstance(over, Mapping) and not (
        isinstance(base, Scalar) and base.value is None
    ):
        errors.append((f"cannot override {path}", over.span))
    return over


def _merge_mapping(
    base: Mapping, over: Mapping, path: str, errors: list[tuple[str, Span | None]]
) -> None:
    for key, value in over.items.items():
        if value.tag == "!reset":
            base.pop(key)
            continue
        if key in base.items:
            base.items[key] = _merge(key, base.items[key], value, f"{path}.{key}", errors)
        else:
            base.set(key, value, over.key_spans.get(key))


def merge_service(base: Mapping, over: Mapping, name: str = "") -> list[tuple[str, Span | None]]:
    """Merge service ``over`` onto ``base`` in place; returns type-conflict errors."""
    errors: list[tuple[str, Span | None]] = []
    _merge_mapping(base, over, f"services.{name}" if name else "service", errors)
    return errors


def merge_mappings(base: Mapping, over: Mapping, path: str = "") -> list[tuple[str, Span | None]]:
    """Deep-merge any two mappings (top-level resources, documents) in place."""
    errors: list[tuple[str, Span | None]] = []
    _merge_mapping(base, over, path, errors)
    return errors
