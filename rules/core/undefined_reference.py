"""A service refers to a service, network, volume, secret or config that is not defined.

## What it catches

References in the resolved project (after overrides, `include`, `extends` and
profiles) to something that does not exist:

- a service named in `depends_on`, `links`, `volumes_from` (`service:` or bare
  name; `container:` names are not checked), `network_mode: service:<name>` or
  `ipc`/`pid`/`uts`/`cgroup: service:<name>`;
- a network in a service's `networks` that is not declared under top-level
  `networks` (the implicit `default` network always exists);
- a named volume (`type: volume` with a source, or the short `name:/path`) not
  declared under top-level `volumes`;
- a secret or config not declared under top-level `secrets` / `configs`.

A service disabled by the active profiles does not exist for Compose either: the
message says so. A reference *from* a service that only runs under a profile is
a warning when no `--profile` was given (composelint lints every service; Compose
would only load it with that profile). A `depends_on` entry with `required: false` on such a service is
accepted (Compose drops it), but not one on a service defined nowhere. Each
finding points at the reference and suggests the closest defined name.

## Why it matters

Compose refuses the project ("service "web" depends on undefined service "ghost":
invalid compose project"). Typos in names are the usual cause, and with profiles
a project can be valid with one set of `--profile` flags and broken with another.

## Bad

```yaml
services:
  web:
    image: nginx
    depends_on: [dbb]
    networks: [frontend]
  db:
    image: postgres
networks:
  front: {}
```

## Good

```yaml
services:
  web:
    image: nginx
    depends_on: [db]
    networks: [front]
  db:
    image: postgres
networks:
  front: {}
```
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Severity, Violation
from composelint.model.nodes import Mapping, Node, Scalar, Sequence
from composelint.model.record import replace
from composelint.model.span import Span

code = "CMP006"
name = "undefined-reference"
summary = "A reference to a service, network, volume, secret or config that is not defined"
severity = "error"

# attribute -> what the service does with the other one, for the message
_NAMESPACES = {
    "network_mode": "uses the network stack of",
    "ipc": "shares the IPC namespace of",
    "pid": "shares the PID namespace of",
    "uts": "shares the UTS namespace of",
    "cgroup": "shares the cgroup namespace of",
}


def _suggest(wanted: str, candidates: Iterable[str]) -> str | None:
    """``did you mean "x"?`` for the closest candidate, the help of the finding."""
    import difflib  # only for a misspelling: not on every run

    close = difflib.get_close_matches(wanted, sorted(candidates), n=1, cutoff=0.6)
    return f'did you mean "{close[0]}"?' if close else None


def _profiles(svc: Mapping) -> str:
    return ", ".join(str(i.value) for i in svc.seq("profiles") or () if isinstance(i, Scalar))


def _str(node: Node | None) -> str | None:
    return node.value if isinstance(node, Scalar) and isinstance(node.value, str) else None


class _Checker:
    def __init__(self, project: RuleContext) -> None:
        self.project = project
        self.services = project.services
        self.disabled = project.disabled_services
        # (service, target) -> spans reported through links, network_mode ...:
        # the normaliser turns those into implicit depends_on entries too
        self.implicit: dict[tuple[str, str], set[Span | None]] = {}

    def service_ref(self, svc: str, target: str, verb: str, span: Span | None) -> Violation | None:
        if target in self.services:
            return None
        if target in self.disabled:
            profiles = _profiles(self.disabled[target])
            return Violation(
                f'service "{svc}" {verb} service "{target}", which is disabled by the active profiles',
                span,
                note=f"its profiles: {profiles}",
                help="enable one of them with --profile",
            )
        return Violation(
            f'service "{svc}" {verb} undefined service "{target}"',
            span,
            help=_suggest(target, self.services),
        )

    def implicit_refs(self, svc_name: str, svc: Mapping) -> Iterator[Violation]:
        for item in svc.seq("links") or ():
            text = _str(item)
            if text:
                yield from self._implicit(svc_name, text.split(":", 1)[0], "links to", item.span)
        for item in svc.seq("volumes_from") or ():
            text = _str(item)
            if not text or text.startswith("container:"):
                continue
            target = text.removeprefix("service:").split(":", 1)[0]
            yield from self._implicit(svc_name, target, "mounts the volumes of", item.span)
        for attr, verb in _NAMESPACES.items():
            node = svc.scalar(attr)
            text = node.text if node is not None else None
            if text and text.startswith("service:") and node is not None:
                yield from self._implicit(svc_name, text[len("service:") :], verb, node.span)

    def _implicit(self, svc: str, target: str, verb: str, span: Span | None) -> Iterator[Violation]:
        v = self.service_ref(svc, target, verb, span)
        if v is not None:
            self.implicit.setdefault((svc, target), set()).add(span)
            yield v

    def depends_on(self, svc_name: str, svc: Mapping) -> Iterator[Violation]:
        deps = svc.get("depends_on")
        pairs: list[tuple[str | None, Span | None, Node | None]]
        if isinstance(deps, Sequence):  # short syntax, if the model was not canonicalised
            pairs = [(_str(i), i.span, None) for i in deps.items]
        elif isinstance(deps, Mapping):
            pairs = [(k, deps.key_span(k), v) for k, v in deps.items.items()]
        else:
            return
        for target, span, entry in pairs:
            if not target:
                continue
            seen = self.implicit.get((svc_name, target))
            if seen is not None and (
                span is None or span in seen or (entry is not None and entry.span in seen)
            ):
                continue  # the implicit dependency of a reference already reported
            required = entry.get("required") if isinstance(entry, Mapping) else None
            optional = isinstance(required, Scalar) and required.value is False
            if optional and target in self.disabled:
                continue  # Compose drops it silently
            v = self.service_ref(svc_name, target, "depends on", span)
            if v is not None:
                yield v

    def resources(self, svc_name: str, svc: Mapping) -> Iterator[Violation]:
        networks = self.project.section("networks")
        node = svc.get("networks")
        refs: list[tuple[str, Span | None]] = []
        if isinstance(node, Mapping):
            refs = [(k, node.key_span(k)) for k in node.items]
        elif isinstance(node, Sequence):
            refs = [(t, i.span) for i in node.items if (t := _str(i))]
        for net, span in refs:
            if net != "default" and net not in networks:
                yield Violation(
                    f'service "{svc_name}" refers to undefined network {net}',
                    span,
                    help=_suggest(net, networks),
                )
        volumes = self.project.section("volumes")
        for item in svc.seq("volumes") or ():
            source, span = self._volume_source(item)
            if source and source not in volumes:
                yield Violation(
                    f'service "{svc_name}" refers to undefined volume {source}',
                    span,
                    help=_suggest(source, volumes),
                )
        for kind in ("secrets", "configs"):
            declared = self.project.section(kind)
            for item in svc.seq(kind) or ():
                if isinstance(item, Mapping):
                    src = item.get("source")
                    source, span = _str(src), (src.span if src is not None else item.span)
                else:
                    source, span = _str(item), item.span
                if source and source not in declared:
                    yield Violation(
                        f'service "{svc_name}" refers to undefined {kind[:-1]} {source}',
                        span,
                        help=_suggest(source, declared),
                    )

    @staticmethod
    def _volume_source(item: Node) -> tuple[str | None, Span | None]:
        if isinstance(item, Mapping):
            if _str(item.get("type")) != "volume":
                return None, None
            src = item.get("source")
            return _str(src), (src.span if src is not None else item.span)
        text = _str(item)  # short syntax "name:/path[:mode]", if not canonicalised
        if not text or ":" not in text:
            return None, None
        source = text.split(":", 1)[0]
        if not source or source[0] in "./~$" or "/" in source:
            return None, None
        return source, item.span


def check(project: RuleContext) -> Iterator[Violation]:
    checker = _Checker(project)
    for svc_name, svc in project.services.items():
        found = itertools.chain(
            checker.implicit_refs(svc_name, svc),
            checker.depends_on(svc_name, svc),
            checker.resources(svc_name, svc),
        )
        profiles = _profiles(svc)
        if not profiles or project.active_profiles:
            yield from found
            continue
        # composelint lints every service; Compose only loads this one under a profile
        for v in found:
            yield replace(
                v,
                note=f'service "{svc_name}" only runs with profile {profiles}'
                + (f"; {v.note}" if v.note else ""),
                severity=Severity.WARNING,
            )
