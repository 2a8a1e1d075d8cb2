"""A host that names a running container outside the project, on networks the client does not join.

## What it catches

With a `--state` snapshot: a connection setting whose host is not a service,
alias or container name of this project, but is the name or a network alias of a
container the engine runs that does not belong to the project (its
`com.docker.compose.project` label is another project or missing, or its service
is no longer in the file), and that container sits only on networks the client is
not given by the file. The finding names the container and its networks.

A warning when the client's container was connected to that network by hand
(it works until Compose recreates the container). Silent without a snapshot, when the container shares a network with the client
(an `external` network both join), and when no container answers to the name
(`host-unknown` covers that).

## Why it matters

This is the post-mortem's failure: `DATABASE_URL` named `ventanas-test-db`, a
database started by hand from another compose file, on
`app-test_ventanas-test-network`; the app was alone on `app-test_default` and
failed with `could not translate host name`. Connecting the app by hand
(`docker network connect`) helps only until Compose recreates the container.
Add the service to the project, or declare the container's network as external
(`external: true` with its `name:`) and add it to the client's networks.

## Bad

```yaml
name: app-test
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app@ventanas-test-db:5432/app
```

```json
[{"Id": "c1", "Name": "/ventanas-test-db", "State": {"Running": true},
  "Config": {"Image": "postgres:16", "Env": [], "Labels": {}},
  "NetworkSettings": {"Networks": {"app-test_ventanas-test-network": {"Aliases": ["db"]}}}}]
```

## Good

```yaml
name: app-test
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app@ventanas-test-db:5432/app
    networks: [default, shared]
networks:
  shared:
    external: true
    name: app-test_ventanas-test-network
```

```json
[{"Id": "c1", "Name": "/ventanas-test-db", "State": {"Running": true},
  "Config": {"Image": "postgres:16", "Env": [], "Labels": {}},
  "NetworkSettings": {"Networks": {"app-test_ventanas-test-network": {"Aliases": ["db"]}}}}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connectivity import connections, is_ip_literal, is_loopback, reachability
from composelint.model.context import RuleContext
from composelint.model.findings import Severity, Violation

from ..hosts.helpers import NAMED, dialed, lookup_error, subject, what
from .helpers import (
    engine_state,
    file_networks,
    is_ours,
    networks_phrase,
    quoted,
    resolving_networks,
    service_containers,
    snapshot_entry,
    violation,
)

code = "CMP951"
name = "host-outside-project"
summary = "A host that names a container outside the project, on networks the client does not join"
severity = "error"


def check(project: RuleContext) -> Iterator[Violation]:
    state = engine_state(project)
    if state is None or not state.has_containers:
        return
    reach = reachability(project)
    for c in dialed(connections(project), reach, where=NAMED):
        host = c.host
        if "." in host or ":" in host or is_ip_literal(host) or is_loopback(host):
            continue
        if reach.resolve(c.client, host).via is not None:
            continue  # the project itself defines the name
        mine = file_networks(project, c.client)
        if mine is None:
            continue
        answering = [
            (k, nets)
            for k in state.containers
            if not is_ours(project, k) and (nets := resolving_networks(k, host))
        ]
        if not answering or any(nets & mine for _, nets in answering):
            continue  # unknown to the engine too, or reachable over a shared network
        other, nets = answering[0]
        owner = f'project "{other.project}"' if other.project else "no compose project"
        if other.project == project.name:
            owner = f'this project\'s former service "{other.service}"'
        if not other.running:
            owner += ", stopped"
        first = sorted(nets)[0]
        by_hand = any(
            s == c.client and set(k.network_names) & nets
            for s, k in service_containers(project, state)
        )
        effect = (
            "it resolves now only through a network attached by hand, which Compose drops "
            "when it recreates the container"
            if by_hand
            else f"the client reports: {lookup_error(c)}"
        )
        yield violation(
            f'{subject(c)} points at container "{host}" outside the project',
            c.span,
            (*c.related, *snapshot_entry(other)),
            note=f'"{other.name}" ({owner}) is on {networks_phrase(nets)}, which the file does not '
            f"give {c.client} (it joins {quoted(mine)}); {effect}",
            help=f"add the {what(c)} as a service of this project, or declare the network as "
            f"external (external: true, name: {first}) and add it to the networks of {c.client}",
            severity=Severity.WARNING if by_hand else None,
        )
