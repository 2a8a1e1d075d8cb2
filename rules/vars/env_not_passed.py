"""A connection setting in the project `.env` that no container receives.

## What it catches

A variable such as `DATABASE_URL`, `REDIS_URL` or `BROKER_URL` (a URL, DSN or
host setting, by its name) defined in the project `.env` (or `--env-file`) that
no `${...}` refers to, that no `environment:` entry passes through (`- VAR` /
`VAR:`), and whose file is not listed under any service's `env_file:`.

A container can still read the file itself, and then the rule is silent: when a
bind mount puts its directory in a container, or when a service's build copies it
into the image: the `.env` lies in the build context, a `COPY` or `ADD` of the
Dockerfile can take it (`COPY . .`, `COPY *.env ./`, `COPY config/ ...` for
`config/.env`; not `COPY --from=...`, which copies from another stage), and the
`.dockerignore` (or `<Dockerfile>.dockerignore`) does not leave it out, `!`
exceptions included. When the Dockerfile cannot be read, any `.env` in the
context counts as copied.

## Why it matters

The project `.env` feeds interpolation of the compose file only. It is *not*
the containers' environment: the application never sees `DATABASE_URL` and
falls back to its default (often `localhost`), which fails inside a container.
Pass it explicitly.

## Bad

```yaml
# .env: DATABASE_URL=postgresql://app:pw@db:5432/app
services:
  app:
    image: acme/app
```

## Good

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: ${DATABASE_URL}
```
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from composelint.analysis.env_inventory import ENV_FILE, INTERPOLATION, env_files, used_names
from composelint.load.sources import UnreadableFile, read_text
from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.nodes import Mapping, Scalar, Sequence
from composelint.model.record import Frozen, set_field
from composelint.regex import lazy_pattern

code = "CMP504"
name = "env-not-passed"
summary = "A connection setting in the project .env that no service receives"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    from composelint.analysis.connstrings import VarRole, classify_variable

    roles = (VarRole.DESTINATION_URL, VarRole.DESTINATION_HOST)
    files = [
        ef for ef in env_files(project) if INTERPOLATION in ef.roles and ENV_FILE not in ef.roles
    ]
    if not files or not project.services:
        return
    used = used_names(project)
    mounts, builds = _mounts_and_builds(project)
    for ef in files:
        if any(ef.path == d or d in ef.path.parents for d in mounts):
            continue  # a container can read the file itself (bind-mounted, or its directory)
        if any(b.bakes(ef.path) for b in builds):
            continue  # COPY/ADD puts it into an image, where a dotenv loader finds it
        for entry in ef.assignments():
            key = entry.key
            if key in used or key.startswith("COMPOSE_") or classify_variable(key) not in roles:
                continue
            if not _HOSTLIKE.search(entry.raw_value):
                continue  # empty, a boolean or a number: not a destination
            yield Violation(
                f'"{key}" is set in {ef.display}, but no container sees it',
                entry.key_span,
                note=f"{ef.display} only feeds ${{...}} interpolation, nothing uses {key} and no "
                "service lists this file under env_file",
                help=f"pass it with environment: {{{key}: ${{{key}}}}} or env_file",
            )


_HOSTLIKE = lazy_pattern(r"[A-Za-z]")


class _Build(Frozen):
    context: Path
    dockerfile: Path | None  # None: inline
    inline: str | None

    __slots__ = ("context", "dockerfile", "inline")

    def __init__(self, context: Path, dockerfile: Path | None, inline: str | None) -> None:
        set_field(self, "context", context)
        set_field(self, "dockerfile", dockerfile)
        set_field(self, "inline", inline)

    def bakes(self, path: Path) -> bool:
        """Does building this context put ``path`` into the image?

        Only when a COPY/ADD of the Dockerfile can take it and the .dockerignore
        keeps it. Without a readable Dockerfile nothing is known about the COPY
        lines, and any file of the context counts (as before Dockerfiles were read).
        """
        if self.context not in path.parents:
            return False
        # only for a project that builds and bind-mounts an env file: not on every run
        from composelint.load import dockerfile, dockerignore

        rel = path.relative_to(self.context).as_posix()
        if dockerignore.excluded(self._ignore_text(), rel):
            return False
        text = self.inline
        if text is None and self.dockerfile is not None:
            try:
                text = read_text(self.dockerfile)
            except UnreadableFile:
                return True
        return text is None or dockerfile.copies(dockerfile.copy_sources(text), rel)

    def _ignore_text(self) -> str:
        """``<Dockerfile>.dockerignore`` next to the Dockerfile wins over the
        context's ``.dockerignore`` (BuildKit; docs.docker.com, "Build context")."""
        candidates = [self.context / ".dockerignore"]
        if self.dockerfile is not None:
            candidates.insert(0, self.dockerfile.with_name(self.dockerfile.name + ".dockerignore"))
        for candidate in candidates:
            try:
                return read_text(candidate)
            except UnreadableFile:
                continue
        return ""


def _mounts_and_builds(project: RuleContext) -> tuple[list[Path], list[_Build]]:
    """Bind-mount sources (a container reads their files) and the local build
    contexts of the services."""
    mounts: list[Path] = []
    builds: list[_Build] = []
    for svc in project.services.values():
        volumes = svc.get("volumes")
        for vol in volumes.items if isinstance(volumes, Sequence) else ():
            if isinstance(vol, Mapping) and _value(vol, "type") == "bind":
                source = _value(vol, "source")
                if source:
                    mounts.append(Path(source))
        build = svc.get("build")
        context = _value(build, "context") if isinstance(build, Mapping) else None
        if not isinstance(build, Mapping) or not context or not Path(context).is_dir():
            continue
        inline = _value(build, "dockerfile_inline")
        name = _value(build, "dockerfile") or "Dockerfile"
        path = None if inline is not None else Path(context) / name
        builds.append(_Build(Path(context), path, inline))
    return mounts, builds


def _value(node: Mapping, key: str) -> str | None:
    v = node.get(key)
    return str(v.value) if isinstance(v, Scalar) and v.value is not None else None
