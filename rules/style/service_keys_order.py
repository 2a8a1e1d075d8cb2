"""A service's keys not in the canonical order (opt-in).

## What it catches

A key of a service that comes after a key the canonical order puts later. The
order groups what a service is, what it needs, how it runs and where it talks:

1. `image`, `build`, `pull_policy`, `platform`, `container_name`, `hostname`
2. `profiles`, `depends_on`, `links`, `external_links`
3. `volumes`, `volumes_from`, `tmpfs`, `configs`, `secrets`
4. `env_file`, `environment`
5. `network_mode`, `networks`, `ports`, `expose`, `extra_hosts`, `dns`
6. `entrypoint`, `command`, `working_dir`, `user`, `restart`, `init`, `stop_signal`, `stop_grace_period`
7. `healthcheck`, `labels`, `logging`, `deploy`
8. `privileged`, `cap_add`, `cap_drop`, `security_opt`, `read_only`

Keys not listed (and `x-` extensions) can be anywhere. Off by default.

## Why it matters

It does not change what Compose does. One order across services lets a reader
find the image, the environment or the ports of any service at a glance.

## Bad

```yaml
services:
  api:
    ports: ["8080:8080"]
    image: acme/api:2.0
```

## Good

```yaml
services:
  api:
    image: acme/api:2.0
    ports: ["8080:8080"]
```

## Fix safety

The fix reorders the keys' lines (unlisted keys go last, in their order); it is
offered only for block mappings without anchors or aliases.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation
from composelint.model.nodes import Mapping

from .helpers import compose_documents, ordering_violation, sorted_order

code = "CMP710"
name = "service-keys-order"
summary = "A service's keys that are not in the canonical order"
severity = "info"
default_enabled = False

# one group per line (see the docs)
ORDER = [
    *("image", "build", "pull_policy", "platform", "container_name", "hostname"),
    *("profiles", "depends_on", "links", "external_links"),
    *("volumes", "volumes_from", "tmpfs", "configs", "secrets"),
    *("env_file", "environment"),
    *("network_mode", "networks", "ports", "expose", "extra_hosts", "dns"),
    *("entrypoint", "command", "working_dir", "user", "restart", "init"),
    *("stop_signal", "stop_grace_period"),
    *("healthcheck", "labels", "logging", "deploy"),
    *("privileged", "cap_add", "cap_drop", "security_opt", "read_only"),
]
_RANK = {k: i for i, k in enumerate(ORDER)}


def check(project: RuleContext) -> Iterator[Violation]:
    for _display, root in compose_documents(project):
        services = root.get("services")
        for svc in services.items.values() if isinstance(services, Mapping) else ():
            if not isinstance(svc, Mapping):
                continue
            known = [(k, svc.key_spans.get(k), k) for k in svc.items if k in _RANK]
            order = sorted_order(list(svc.items), lambda k: _RANK.get(k, len(ORDER)))
            found = ordering_violation(
                project,
                svc,
                known,
                _RANK.__getitem__,
                "the canonical key order",
                "put the keys in canonical order",
                order,
            )
            if found is not None:
                yield found
