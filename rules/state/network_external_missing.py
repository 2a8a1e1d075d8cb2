"""An external network that the engine of the snapshot does not have.

## What it catches

With a `--state` snapshot that lists networks (`docker network inspect
$(docker network ls -q)`): a network the services use that is declared
`external: true` (by its `name:`, else its key) and does not exist on that engine.
Where `network-external-unverified` can only say "not checked", this rule answers.
A snapshot without the network listing leaves the rule silent.

## Why it matters

`docker compose up` refuses to start: `network shared declared as external, but
could not be found`. Often the network exists under its owner's project prefix
(`app-test_ventanas-test-network`, not `ventanas-test-network`): the finding names
a network whose name ends like the one declared. Create the network
(`docker network create NAME`), start the project that owns it first, or set
`name:` to the network's real name.

## Bad

```yaml
services:
  app:
    image: acme/app
    networks: [shared]
networks:
  shared:
    external: true
```

```json
[{"Name": "bridge", "Id": "n1", "Driver": "bridge", "Scope": "local", "Containers": {}}]
```

## Good

```yaml
services:
  app:
    image: acme/app
    networks: [shared]
networks:
  shared:
    external: true
    name: proxy_shared
```

```json
[{"Name": "bridge", "Id": "n1", "Driver": "bridge", "Scope": "local", "Containers": {}},
 {"Name": "proxy_shared", "Id": "n2", "Driver": "bridge", "Scope": "local", "Containers": {}}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.nodes import Mapping, Scalar

from .helpers import engine_state, violation

code = "CMP956"
name = "network-external-missing"
summary = "An external network that does not exist on the engine of the snapshot"
severity = "error"


def check(project: RuleContext) -> Iterator[Violation]:
    state = engine_state(project)
    if state is None or not state.has_networks:
        return
    networks = project.section("networks")
    for key, conf in networks.items.items():
        if not isinstance(conf, Mapping):
            continue
        ext = conf.get("external")
        if not ((isinstance(ext, Scalar) and ext.value is True) or isinstance(ext, Mapping)):
            continue
        node = conf.get("name")
        real = node.value if isinstance(node, Scalar) and isinstance(node.value, str) else key
        if state.network(real) is not None:
            continue
        near = sorted(n.name for n in state.networks if n.name.endswith(f"_{real}"))
        fix = f"create it (docker network create {real}), or start the project that owns it first"
        yield violation(
            f'external network "{real}" does not exist on the engine',
            networks.key_spans.get(key) or project.span("networks", key),
            note=f"docker compose up fails: network {real} declared as external, but could not "
            "be found",
            help=f'there is "{near[0]}": set name: {near[0]}; or {fix}' if near else fix,
        )
