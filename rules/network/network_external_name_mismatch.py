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

## Fix safety

The fix writes the name the other project creates into this project's `name:`
(replacing a literal value, or adding it under `external: true`). It is unsafe:
setting `name:` on the other project's network may be the better repair, and a
network with the old name may exist outside the tree.

## References

- Compose names a network `<project>_<key>` unless it sets `name:`
  (`docker compose -p infra config` prints `name: infra_proxy` for a network
  `proxy: {}`); an external network is looked up by its `name:`, else its key
  (compose-facts §5).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from composelint.model.context import RuleContext
from composelint.model.findings import Edit, Fix, Related, Violation
from composelint.model.nodes import Scalar
from composelint.model.span import Span

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
                fix=_rename(ctx, decl.key, first.name),
                help=f"use `name: {first.name}` here, or set `name: {decl.name}` on the "
                f"network in {first_ctx.name} (Compose prefixes the project name otherwise)",
                note=f"docker compose up stops with: network {decl.name} declared as external, "
                f"but could not be found (the network on the engine is {names})",
            )


def _rename(ctx: RuleContext, key: str, real: str) -> Fix | None:
    """Write the name the other project creates: replace a literal `name:` value, or add
    `name:` under a one-line `external: true`. Unsafe: the other project could instead
    set `name:` on its network, and a network of that name may exist outside the tree."""
    description = f"set name: {real} on the external network"
    node = ctx.node("networks", key, "name")
    span = node.span if isinstance(node, Scalar) else None
    if isinstance(node, Scalar) and not node.subs and span is not None:
        line = _line(ctx, span)
        written = line[span.col - 1 : span.end_col - 1] if line is not None else None
        if span.line == span.end_line and written in (
            node.value,
            f'"{node.value}"',
            f"'{node.value}'",
        ):
            return Fix(description, (Edit(span, real),))
    ext = ctx.span("networks", key, "external", key=True)
    line = _line(ctx, ext) if ext is not None else None
    if ext is None or line is None or not line[ext.col - 1 :].startswith("external:"):
        return None
    value = line[ext.col - 1 + len("external:") :].split("#", 1)[0].strip()
    if value != "true":
        return None
    end = len(line) + 1
    indent = line[: ext.col - 1]
    return Fix(
        description,
        (Edit(Span(ext.path, ext.line, end, ext.line, end), f"\n{indent}name: {real}"),),
    )


def _line(ctx: RuleContext, span: Span) -> str | None:
    text = ctx.source_text(span.path)
    lines = text.splitlines() if text is not None else []
    return lines[span.line - 1] if 0 < span.line <= len(lines) else None
