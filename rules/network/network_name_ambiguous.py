"""A host name that services of two projects answer to on a network they share.

## What it catches

In a directory run (`composelint path/` with several projects): a connection
setting whose host name is registered on a shared network (an `external` one, or
one with a fixed `name:`) by a service of another project too, while the client
is on that network. Docker's DNS registers every service name, `container_name`
and alias on each network the container joins, so two projects that both put a
`db` service on `proxy` both answer to `db` there. Reported at the host of each
client that can get the wrong answer: one whose own project also defines the name,
or one that can reach several such services. Runs only across the projects of a
directory.

## Why it matters

When several containers on a client's networks answer to one name, which one
Docker's DNS returns is undefined: it rotates between them or picks one: the app connects to
the other project's database, sometimes, with its own credentials. Nothing fails
at startup; data goes to the wrong place or logins fail now and then.

## Bad

```yaml
# shop/compose.yaml
services:
  app:
    image: acme/shop
    environment:
      DATABASE_URL: postgresql://shop:secret@db:5432/shop
    networks: [default, proxy]
  db:
    image: postgres:16
    networks: [default, proxy]
networks:
  proxy:
    external: true
```

```yaml
# blog/compose.yaml
services:
  db:
    image: postgres:16
    networks: [proxy]
networks:
  proxy:
    external: true
```

## Good

```yaml
# shop/compose.yaml
services:
  app:
    image: acme/shop
    environment:
      DATABASE_URL: postgresql://shop:secret@db:5432/shop
    networks: [default, proxy]
  db:
    image: postgres:16
networks:
  proxy:
    external: true
```

```yaml
# blog/compose.yaml
services:
  db:
    image: postgres:16
networks:
  proxy:
    external: true
```

## References

- docker/compose#2984: which container a name shared by two projects resolves to
  is undefined ("You will get one of the containers").
- docker/compose#8223 and moby/moby#41961: two projects with a service of the same
  name on one external network resolve, and load-balance, to each other.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from composelint.model.context import RuleContext
from composelint.model.findings import Related, Violation

code = "CMP212"
name = "network-name-ambiguous"
summary = "A host name that services of two projects answer to on a network they share"
severity = "warning"

# how the client's own project resolves the name through DNS (links, extra_hosts and
# the container's own hostname are /etc/hosts entries, which win over DNS)
_DNS_VIAS = frozenset({"service", "alias", "container_name", "generated_name"})


def check_tree(projects: Sequence[RuleContext]) -> Iterator[Violation]:
    from composelint.analysis.connections import ROUTED_ROLES, describe
    from composelint.analysis.connectivity import connections, reachability
    from composelint.analysis.crossproject import network_decls, project_label, shared_names

    shared = shared_names(projects)
    if not shared:
        return
    for ctx in projects:
        reach = reachability(ctx)
        decls = network_decls(ctx)
        seen: set[tuple[str, str]] = set()
        for conn in connections(ctx):
            if conn.role not in ROUTED_ROLES or not conn.host or conn.dest.templated:
                continue
            res = reach.resolve(conn.client, conn.host)
            if res.via is not None and res.via not in _DNS_VIAS:
                continue
            nets = sorted(
                decls[k].name for k in reach.effective_networks(conn.client) if k in decls
            )
            others = [
                reg
                for net in nets
                for reg in shared.get((net, conn.host.lower()), ())
                if projects[reg.project].name != ctx.name
            ]
            theirs = sorted({(reg.project, reg.service) for reg in others})
            if not theirs or (res.target is None and len(theirs) < 2):
                continue  # only one service answers: the cross-project link is intended
            key = (conn.client, conn.host.lower())
            if key in seen:
                continue
            seen.add(key)
            j, service = theirs[0]
            network = next(
                reg.network for reg in others if (reg.project, reg.service) == (j, service)
            )
            related = [
                Related(
                    reg.span,
                    f"{reg.service} of {project_label(projects[reg.project])} "
                    f"answers to {conn.host!r} on {reg.network!r}",
                )
                for reg in others
                if reg.span is not None
            ]
            if res.target is not None:
                own = ctx.span("services", res.target, key=True)
                if own is not None:
                    related.insert(0, Related(own, f"{res.target} of this project is meant"))
            yield Violation(
                f"{describe(conn)} points at {conn.host!r}, which {service} of project "
                f'"{projects[j].name}" also answers to on {network!r}',
                conn.span,
                tuple(dict.fromkeys(related)),
                help=f"connect through a name that is unique on {network!r} (an alias such as "
                f"{ctx.name}-{conn.host}), or keep the other service off {network!r}",
                note=f"several containers on the networks of {conn.client} answer to "
                f"{conn.host!r}, and which one Docker's DNS returns is undefined: "
                f"{conn.client} may connect to the other project's {service}",
            )
