"""A fixed container_name that other projects, or another checkout, use too.

## What it catches

- A `container_name` that is a generic word: a server's name (`postgres`, `redis`,
  `mongo` ...) or a role (`db`, `cache`, `app`, `web`, `api` ...), written as is,
  not built from a variable (info).
- In a directory run (`composelint path/` with several projects): such a name in
  two projects of one git repository (worktrees included), which are meant to run
  side by side (warning, at each of them). Projects of different repositories, or
  outside one, are not compared: a tree of unrelated checkouts shares generic names
  all the time without running them together.

## Why it matters

Container names are unique per Docker engine, while Compose names containers
`<project>-<service>-1` precisely so that projects do not collide. A fixed generic
name collides with the next project that picks the same word, with a second
checkout of the same repository and with a git worktree of it: the second
`docker compose up` stops with `Conflict. The container name "/postgres" is
already in use by container ...`, and whoever started second has no database
until the other project is stopped.

## Bad

```yaml
services:
  db:
    image: postgres:16
    container_name: postgres
```

## Good

```yaml
services:
  db:
    image: postgres:16
```
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from composelint.model.context import RuleContext
from composelint.model.findings import Related, Severity, Violation
from composelint.model.nodes import Scalar

code = "CMP715"
name = "container-name-collision"
summary = "A fixed container_name that other projects or another checkout may use too"
severity = "info"

# roles that many projects name a service or container by
_ROLES = frozenset(
    [
        "app",
        "api",
        "backend",
        "broker",
        "cache",
        "client",
        "database",
        "db",
        "frontend",
        "mail",
        "mq",
        "proxy",
        "queue",
        "search",
        "server",
        "smtp",
        "storage",
        "web",
        "worker",
    ]
)


def _generic(cname: str, ctx: RuleContext) -> bool:
    low = cname.lower()
    return low in _ROLES or low in ctx.images.family_names() or low in ctx.images.image_names()


def _names(ctx: RuleContext) -> Iterator[tuple[str, str, Scalar]]:
    """(service, container_name, its node) of every active service that sets one."""
    for sname, svc in ctx.services.items():
        node = svc.get("container_name")
        if isinstance(node, Scalar) and isinstance(node.value, str) and node.value:
            yield sname, node.value, node


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, cname, node in _fixed_generic(project):
        yield _info(project, sname, cname, node)


def check_tree(projects: Sequence[RuleContext]) -> Iterator[Violation]:
    """Each project's infos, a warning instead where two projects of one repository
    use the name."""
    from composelint.analysis.crossproject import repository

    users: dict[tuple[Path, str], list[tuple[RuleContext, str, Scalar]]] = {}
    mine: list[list[tuple[str, str, Scalar]]] = []
    for ctx in projects:
        names = list(_fixed_generic(ctx))
        mine.append(names)
        repo = repository(ctx)
        if repo is None:
            continue  # outside a git repository: nothing says the projects run together
        for sname, cname, node in names:
            users.setdefault((repo, cname), []).append((ctx, sname, node))
    for ctx, names in zip(projects, mine, strict=True):
        repo = repository(ctx)
        for sname, cname, node in names:
            found = users.get((repo, cname), []) if repo is not None else []
            others = [(o, s, n) for o, s, n in found if o.name != ctx.name]
            if others:  # a variant of the same project (same name) replaces it instead
                yield _collision(ctx, sname, cname, node, others)
            else:
                yield _info(ctx, sname, cname, node)


def _fixed_generic(ctx: RuleContext) -> Iterator[tuple[str, str, Scalar]]:
    for sname, cname, node in _names(ctx):
        if not node.subs and _generic(cname, ctx):  # a variable: each checkout sets its own
            yield sname, cname, node


def _info(ctx: RuleContext, sname: str, cname: str, node: Scalar) -> Violation:
    return Violation(
        f"container_name {cname} of {sname} is a generic name that other projects use too",
        node.span,
        help=f"drop container_name (Compose names it {ctx.name}-{sname}-1), or make "
        f"it specific to this project (e.g. {ctx.name}-{cname})",
        note='a second project or checkout with the same name fails to start: "Conflict. '
        f'The container name "/{cname}" is already in use"',
    )


def _collision(
    ctx: RuleContext,
    sname: str,
    cname: str,
    node: Scalar,
    others: list[tuple[RuleContext, str, Scalar]],
) -> Violation:
    from composelint.analysis.crossproject import project_label

    o, s, _ = others[0]
    return Violation(
        f'container_name {cname} of {sname} is also the container_name of {s} in project "{o.name}"',
        node.span,
        tuple(Related(n.span, f"{s2} of {project_label(o2)}") for o2, s2, n in others if n.span),
        severity=Severity.WARNING,
        help=f"drop container_name (Compose names it {ctx.name}-{sname}-1), or make "
        f"it unique (e.g. {ctx.name}-{cname})",
        note="the two projects cannot run on one engine: the second docker compose up "
        f'stops with "Conflict. The container name "/{cname}" is already in use"',
    )
