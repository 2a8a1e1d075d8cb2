"""A relative bind-mount source that does not exist.

## What it catches

A service volume of type `bind` whose source is written relative to the project
(`./logs:/app/logs`, `source: ./config`) and does not exist next to the compose
file. Absolute host paths (`/var/log/app`, `~/data`, also `${DATA_DIR}/db` when the
variable holds an absolute path) are not checked: they describe the machine the
project is deployed on, not the checkout being linted.

A warning when the source is meant for a file (`./acme.json`), when the service
runs as a non-root user (`user:`, or an image known to run as one) or with
`create_host_path: false`; not reported for a data directory the image creates and
chowns on start (postgres, mariadb, redis ... data dirs); an info otherwise.

## Why it matters

Compose does not complain, and Docker creates the missing path as an empty
directory owned by root. A service running as a non-root user then cannot write
its logs or data there, and a mount meant for a file (`./nginx.conf`) becomes a
directory, so the container fails with "not a directory" or starts with an
empty configuration. With `bind.create_host_path: false` the container does not
start at all.

## Bad

```yaml
services:
  app:
    image: acme/app
    user: "1000"
    volumes:
      - ./logs:/app/logs     # no logs/ directory in the repository
```

## Good

```yaml
# logs/ exists in the repository (with a .gitkeep file)
services:
  app:
    image: acme/app
    volumes:
      - ./logs:/app/logs
```
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from composelint.model.context import RuleContext
from composelint.model.findings import Severity, Violation
from composelint.model.nodes import Mapping, Scalar, Sequence

code = "CMP602"
name = "bind-mount-missing"
summary = "A relative bind-mount source path that does not exist"
severity = "warning"


def _written_source(source: Scalar, short: bool) -> str:
    raw = source.raw if isinstance(source.raw, str) else str(source.value)
    return raw.split(":", 1)[0] if short else raw


def _absolute(written: str) -> bool:
    return written.startswith(("/", "~", "\\")) or (len(written) > 1 and written[1] == ":")


def _expanded_start(written: str, source: Scalar) -> str:
    """The source as written, with a leading ``${VAR}`` replaced by its value: what
    decides whether the path is absolute (``${DATA_DIR}/db`` with DATA_DIR=/srv)."""
    if not written.startswith("$"):
        return written
    first = next((s for s in source.subs if written.startswith(s.expression)), None)
    if first is None or first.value is None:
        return written
    return first.value + written[len(first.expression) :]


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        volumes = svc.get("volumes")
        if not isinstance(volumes, Sequence):
            continue
        for vol in volumes.items:
            if not isinstance(vol, Mapping):
                continue
            kind, source = vol.get("type"), vol.get("source")
            if not (isinstance(kind, Scalar) and kind.value == "bind"):
                continue
            if not isinstance(source, Scalar) or not isinstance(source.value, str):
                continue
            if any(s.source in ("unset", "error") for s in source.subs):
                continue  # var-undefined reports it
            target = vol.get("target")
            short = isinstance(target, Scalar) and target.raw == source.raw  # short syntax
            written = _written_source(source, short)
            if _absolute(_expanded_start(written, source)):
                continue  # an absolute host path: the deployment machine's business
            path = Path(source.value)
            if not path.is_absolute() or os.path.lexists(path):
                continue
            bind = vol.get("bind")
            create = bind.get("create_host_path") if isinstance(bind, Mapping) else None
            refused = isinstance(create, Scalar) and create.value is False
            file_like = isinstance(target, Scalar) and "." in Path(str(target.value)).name
            if refused:
                consequence = (
                    "with create_host_path: false the container will not start "
                    '("bind source path does not exist")'
                )
            elif file_like:
                consequence = (
                    "Docker creates it as an empty root-owned directory, so a file mount "
                    "becomes a directory and the service fails or runs without its file"
                )
            else:
                writable = _writable(svc, str(target.value) if isinstance(target, Scalar) else "")
                if writable is True:
                    continue  # a data directory the image creates and chowns on start
                if writable is None:
                    yield Violation(
                        f'bind mount source "{written}" of service "{sname}" does not exist',
                        vol.span or source.span,
                        severity=Severity.INFO,
                        note="Docker creates it as an empty directory owned by root",
                        help="create it in the repository (e.g. with a .gitkeep file) if the "
                        "service needs files there",
                    )
                    continue
                consequence = (
                    "Docker creates it as an empty directory owned by root, which this "
                    "non-root service cannot write to"
                )
            yield Violation(
                f'bind mount source "{written}" of service "{sname}" does not exist',
                vol.span or source.span,
                note=consequence,
                help="create it in the repository (e.g. with a .gitkeep file)",
            )


_ROOT_USERS = frozenset({"root", "0", "root:root", "0:0"})


def _writable(svc: Mapping, target: str) -> bool | None:
    """Whether the service can write to a new root-owned directory at ``target``:
    False when it runs as another user (``user:``, or an image known to run as one
    without chowning); True when the image chowns its data directory on start; None
    when not known (most images run as root)."""
    from composelint.analysis.images import owns_data_dir

    user = svc.get("user")
    if isinstance(user, Scalar) and user.value is not None:
        return str(user.value).strip() in _ROOT_USERS or False
    image = svc.get("image")
    if isinstance(image, Scalar) and isinstance(image.value, str):
        return owns_data_dir(image.value, target)
    return None
