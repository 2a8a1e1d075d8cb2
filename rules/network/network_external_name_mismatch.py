"""An external network that the project meant to create is named differently there.

## What it catches

In a directory run (`composelint path/` with several projects): a network declared
`external: true` whose name no project of the tree creates, while another project
creates a network with that key under its project-prefixed name. Compose names a
network `<project>_<key>` unless it sets `name:`, so project `infra` with a network
`proxy` creates `infra_proxy`, not `proxy`. The same holds for `infra-proxy`
(containers are named with `-`, networks with `_`). Runs only across the projects
of a directory.

## Why it matters

`docker compose up` in the project with the external network stops with
`network proxy declared as external, but could not be found`, even though the
other project is up; or, worse, it joins an unrelated network called `proxy` that
someone created by hand, and its services cannot reach the other project's.

## Bad

```yaml
# app/compose.yaml
services:
  app:
    image: acme/app
    networks: [proxy]
networks:
  proxy:
    external: true
```

```yaml
# infra/compose.yaml
services:
  traefik:
    image: traefik:v3
    networks: [proxy]
networks:
  proxy: {}
```

## Good

```yaml
# app/compose.yaml
services:
  app:
    image: acme/app
    networks: [proxy]
networks:
  proxy:
    external: true
```

```yaml
# infra/compose.yaml
services:
  traefik:
    image: traefik:v3
    networks: [proxy]
networks:
  proxy:
    name: proxy
```

## References

- Compose names a network `<project>_<key>` unless it sets `name:`
  (`docker compose -p infra config` prints `name: infra_proxy` for a network
  `proxy: {}`); an external network is looked up by its `name:`, else its key
  (compose-facts §5).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from composelint.model.context import RuleContext
from composelint.model.findings import Related, Violation

code = "CMP211"
name = "network-external-name-mismatch"
summary = "An external network that another project of the tree creates under a prefixed name"
severity = "warning"


def check_tree(projects: Sequence[RuleContext]) -> Iterator[Violation]:
    from composelint.analysis.crossproject import network_decls, project_label

    decls = [network_decls(ctx) for ctx in projects]
    created = {d.name for ds in decls for d in ds.values() if not d.external}
    for ctx, mine in zip(projects, decls, strict=True):
        for decl in mine.values():
            if not decl.external or decl.name in created:
                continue
            candidates = [
                (other, d)
                for other, theirs in zip(projects, decls, strict=True)
                if other.name != ctx.name  # a variant of the same project: not another one
                for d in theirs.values()
                if not d.external and decl.name in (d.key, f"{other.name}-{d.key}")
            ]
            if not candidates:
                continue
            names = " or ".join(sorted({d.name for _, d in candidates}))
            first_ctx, first = candidates[0]
            yield Violation(
                f"external network {decl.name!r} is created by no project here; "
                f'project "{first_ctx.name}" creates {first.name!r}',
                decl.span,
                tuple(
                    Related(d.span, f"{project_label(o)} creates it as {d.name!r}")
                    for o, d in candidates
                    if d.span is not None
                ),
                help=f"use `name: {first.name}` here, or set `name: {decl.name}` on the "
                f"network in {first_ctx.name} (Compose prefixes the project name otherwise)",
                note=f"docker compose up stops with: network {decl.name} declared as external, "
                f"but could not be found (the network on the engine is {names})",
            )
