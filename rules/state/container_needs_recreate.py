"""A running container created from another configuration than the file's: it needs a recreate.

## What it catches

With a `--state` snapshot: a running container of a service of this project whose
configuration differs from the resolved project in

- an environment variable the file sets (also through `env_file` and `.env`
  interpolation): reported at the line that sets it, naming the variable, never
  its value;
- the image reference;
- the published ports (when every port of the service has a fixed published port);
- the mount targets of its volumes, or their kind and volume name.

Variables the container has and the file does not set are not reported (images
set their own: `PATH`, `PG_VERSION`), nor values that use a variable composelint
does not know the way the deploy did (unset, or left to its `${VAR:-default}`: the
deploy's shell may have set it; pass `--use-shell-env` to use yours). Mounts the
container has beyond the file's are not compared (secrets, configs and the
image's own volumes are mounts too). Networks are compared by
`runtime-network-drift`.

Lint the files as they are deployed: with a local `.env` that differs from the
server's, every variable that differs is reported.

## Why it matters

A container keeps the configuration it was created with. `docker restart`, a
reboot or `restart: unless-stopped` start it again with the old environment, so an
edited `.env` has no effect (the post-mortem's "environment variable changes
require container recreation"). `docker compose up -d` compares the configuration
and recreates the container.

## Bad

```yaml
name: shop
services:
  app:
    image: acme/app:2
    environment:
      LOG_LEVEL: debug
```

```json
[{"Id": "c1", "Name": "/shop-app-1", "State": {"Running": true},
  "Config": {"Image": "acme/app:2", "Env": ["LOG_LEVEL=info"], "Labels": {
    "com.docker.compose.project": "shop", "com.docker.compose.service": "app"}},
  "NetworkSettings": {"Networks": {"shop_default": {}}}}]
```

## Good

```yaml
name: shop
services:
  app:
    image: acme/app:2
    environment:
      LOG_LEVEL: debug
```

```json
[{"Id": "c1", "Name": "/shop-app-1", "State": {"Running": true},
  "Config": {"Image": "acme/app:2", "Env": ["LOG_LEVEL=debug"], "Labels": {
    "com.docker.compose.project": "shop", "com.docker.compose.service": "app"}},
  "NetworkSettings": {"Networks": {"shop_default": {}}}}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Related, Violation
from composelint.model.nodes import Mapping, Scalar, Sequence
from composelint.model.span import Span
from composelint.model.state import Container, same_value

from .helpers import (
    engine_state,
    resource_name,
    service_containers,
    snapshot_entry,
    violation,
)

code = "CMP953"
name = "container-needs-recreate"
summary = "A running container created from another configuration than the file's"
severity = "warning"

# substitutions whose value composelint does not know the way the deploy saw it
_UNKNOWN = frozenset({"unset", "default", "error"})

_KEEPS = "a container keeps the configuration it was created with: docker restart does not apply the file"


def check(project: RuleContext) -> Iterator[Violation]:
    state = engine_state(project)
    if state is None:
        return
    for service, c in service_containers(project, state):
        if not c.running:
            continue
        svc = project.services[service]
        related = snapshot_entry(c)
        help = f"recreate it: docker compose up -d {service}"
        changes: list[tuple[str, str, Span | None, tuple[Related, ...]]] = [
            (f"has an old value of {var}", _KEEPS, span, related + subs)
            for var, span, subs in _env_changes(svc, c)
        ]
        image = svc.get("image")
        if (
            isinstance(image, Scalar)
            and isinstance(image.value, str)
            and c.image is not None
            and _image_key(image.value) != _image_key(c.image)
        ):
            note = f"it runs {c.image}, the file says {image.value}; {_KEEPS}"
            changes.append(("runs another image than the file", note, image.span, related))
        if _ports_differ(svc, c):
            ports = project.span("services", service, "ports")
            changes.append(("publishes other ports than the file", _KEEPS, ports, related))
        for target in _mount_changes(project, svc, c):
            volumes = project.span("services", service, "volumes")
            note = f"the file mounts something else at {target}; {_KEEPS}"
            changes.append(("has other mounts than the file", note, volumes, related))
        for what, note, span, rel in changes:
            yield violation(f'running container "{c.name}" {what}', span, rel, note=note, help=help)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _env_changes(
    svc: Mapping, c: Container
) -> Iterator[tuple[str, Span | None, tuple[Related, ...]]]:
    """(variable, where the file sets it, the .env lines it interpolates) for every
    variable the file sets to another value than the container has."""
    env = svc.get("environment")
    if c.env is None or not isinstance(env, Mapping):
        return
    for var, node in env.items.items():
        if not isinstance(node, Scalar) or node.value is None:
            continue  # `- VAR` without a value: taken from the shell, not comparable
        if any(s.source in _UNKNOWN for s in node.subs):
            continue  # the deploy's shell may have set it: the value is not known here
        stored = c.env.get(var)
        if stored is not None and same_value(stored, _text(node.value)):
            continue
        whole = node.subs[0] if len(node.subs) == 1 else None
        if (
            whole is not None
            and whole.source == "env"
            and whole.span is not None
            and (node.raw or "").strip("'\"") == whole.expression
        ):  # `VAR: ${VAR}`: what changed is the .env line
            used = (Related(node.span, f"{whole.expression} is used here"),) if node.span else ()
            yield var, whole.span, used
            continue
        subs = tuple(
            Related(s.span, f"${{{s.name}}} is set here")
            for s in node.subs
            if s.source == "env" and s.span is not None and s.span != node.span
        )
        yield var, node.span, subs


def _image_key(ref: str) -> str:
    """``postgres`` == ``postgres:latest`` == ``docker.io/library/postgres:latest``."""
    ref = ref.removeprefix("docker.io/").removeprefix("index.docker.io/")
    ref = ref.removeprefix("library/")
    last = ref.rsplit("/", 1)[-1]
    if ":" not in last and "@" not in last:
        ref += ":latest"
    return ref


def _ports_differ(svc: Mapping, c: Container) -> bool:
    ports = svc.get("ports")
    if c.ports is None:
        return False
    wanted: set[tuple[int, str, str]] = set()
    for p in ports.items if isinstance(ports, Sequence) else ():
        if not isinstance(p, Mapping):
            return False
        target, published = p.get("target"), p.get("published")
        proto = p.get("protocol")
        if not (isinstance(target, Scalar) and isinstance(target.value, int)):
            return False
        pub = _text(published.value) if isinstance(published, Scalar) else ""
        if not pub.isdigit():
            return False  # a random or a range of host ports: not comparable
        wanted.add((target.value, _text(proto.value) if isinstance(proto, Scalar) else "tcp", pub))
    return wanted != set(c.ports)


def _mount_changes(project: RuleContext, svc: Mapping, c: Container) -> list[str]:
    """Targets of the file's mounts that differ in the container: missing, another
    kind, another named volume. Mounts the container has beyond the file are not
    compared: secrets and configs are bind mounts too, and images declare volumes."""
    if c.mounts is None:
        return []
    mounts = {m.destination: m for m in c.mounts}
    vols = svc.get("volumes")
    changed: list[str] = []
    for v in vols.items if isinstance(vols, Sequence) else ():
        if not isinstance(v, Mapping):
            continue
        kind, target, source = (_plain(v.get(k)) for k in ("type", "target", "source"))
        if not target or kind not in ("bind", "volume"):
            continue
        have = mounts.get(target)
        other_volume = kind == "volume" and source and resource_name(project, "volumes", source)
        if have is None or have.type != kind or (other_volume and have.name != other_volume):
            changed.append(target)
    return changed


def _plain(node: object) -> str:
    return _text(node.value) if isinstance(node, Scalar) and node.value is not None else ""
