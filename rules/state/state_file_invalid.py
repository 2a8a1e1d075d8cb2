"""A `--state` file that is not a snapshot composelint can read.

## What it catches

A file given with `--state` that cannot be read (missing, a directory, a FIFO,
binary, larger than 32 MiB), is not JSON, or holds JSON of another shape than what
`docker inspect`, `docker network inspect` or `docker compose ps --format json`
print. The finding points at the line and column of the offending value. An empty
file is refused too: `docker inspect` with no container prints nothing, and an
empty snapshot would claim that nothing runs.

The state rules then run without that file; the run exits 2.

## Why it matters

The state rules compare the project with the snapshot; a truncated or wrong file
would make them report containers and networks as missing that are there.

## Bad

```json
{"containers": "docker inspect failed: permission denied"}
```

## Good

```json
[{"Id": "4f2a", "Name": "/web", "Config": {"Image": "nginx:1.27", "Env": [], "Labels": {}},
  "State": {"Running": true}, "NetworkSettings": {"Networks": {}}}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Violation

code = "CMP950"
name = "state-file-invalid"
summary = "A --state file that is not a docker inspect, network inspect or compose ps snapshot"
severity = "error"


def check(project: RuleContext) -> Iterator[Violation]:
    """Nothing: a state file is read once for the whole run, before any project, so
    its problems are reported by the run itself (``composelint.load.state``)."""
    return iter(())
