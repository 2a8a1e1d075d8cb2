"""``composelint snapshot``: the one place composelint runs Docker, and only when asked.

It runs the commands the README documents for a state file
(``docker ps -aq`` + ``docker container inspect``, ``docker network ls -q`` +
``docker network inspect``) and writes the two arrays one after the other, which
``--state`` reads. Only the fields composelint reads are kept, only Compose's own
labels, and environment values are replaced by digests
(``composelint.model.state.DIGEST_PREFIX``): the file can be kept or shared
without leaking the secrets a container's environment holds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from composelint.model.state import digest

T = TypeVar("T")

TIMEOUT = 120  # seconds per docker command: a busy engine with many containers

Runner = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


class SnapshotError(Exception):
    """Docker could not be asked; ``str(exc)`` is the one-line reason."""


def _run(argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            list(argv), capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise SnapshotError(f"{' '.join(argv[:3])} did not answer within {TIMEOUT}s") from None
    except OSError as exc:
        raise SnapshotError(f"cannot run {argv[0]}: {exc.strerror or exc}") from None


def take(run: Runner = _run) -> str:
    """The snapshot text: containers, then networks."""
    docker = shutil.which("docker")
    if docker is None:
        raise SnapshotError("no docker CLI on PATH (snapshot runs docker inspect)")
    containers = _inspect(
        run, [docker, "ps", "-aq", "--no-trunc"], [docker, "container", "inspect"]
    )
    networks = _inspect(
        run, [docker, "network", "ls", "-q", "--no-trunc"], [docker, "network", "inspect"]
    )
    kept = [_container(c) for c in containers if isinstance(c, dict)]
    nets = [_network(n) for n in networks if isinstance(n, dict)]
    return json.dumps(kept, indent=4) + "\n" + json.dumps(nets, indent=4) + "\n"


def _inspect(run: Runner, list_argv: list[str], inspect_argv: list[str]) -> list[Any]:
    listed = run(list_argv)
    if listed.returncode != 0:
        raise SnapshotError(f"cannot reach the Docker engine: {_reason(listed)}")
    ids = listed.stdout.split()
    if not ids:
        return []
    out = run([*inspect_argv, *ids])
    # something removed between the listing and the inspect: docker prints the others
    # and exits 1, which is still a usable snapshot
    try:
        data = json.loads(out.stdout)
    except ValueError:
        raise SnapshotError(f"{' '.join(inspect_argv[1:])} failed: {_reason(out)}") from None
    if not isinstance(data, list):
        raise SnapshotError(f"{' '.join(inspect_argv[1:])} did not print a JSON array")
    return data


def _reason(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [line.strip() for line in (proc.stderr or proc.stdout or "").splitlines()]
    return next((line for line in lines if line), f"exit status {proc.returncode}")


def _pick(obj: Any, *keys: str) -> dict[str, Any]:
    return {k: obj[k] for k in keys if isinstance(obj, dict) and k in obj}


def _of(obj: Any, key: str, kind: type[T]) -> T:
    """``obj[key]`` when it is a ``kind``, else an empty one."""
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, kind) else kind()


def _container(c: dict[str, Any]) -> dict[str, Any]:
    config = _of(c, "Config", dict)
    env = _of(config, "Env", list)
    labels = _of(config, "Labels", dict)
    nets = _of(_of(c, "NetworkSettings", dict), "Networks", dict)
    host = c.get("HostConfig")
    mounts = _of(c, "Mounts", list)
    return {
        **_pick(c, "Id", "Name", "Created"),
        "State": _pick(c.get("State"), "Status", "Running", "StartedAt"),
        "Config": {
            **_pick(config, "Image"),
            "Env": [_masked(e) for e in env if isinstance(e, str)],
            "Labels": {k: v for k, v in labels.items() if str(k).startswith("com.docker.compose.")},
        },
        "HostConfig": _pick(host, "PortBindings"),
        "Mounts": [_pick(m, "Type", "Name", "Source", "Destination") for m in mounts],
        "NetworkSettings": {
            "Networks": {
                name: _pick(ep, "Aliases", "DNSNames", "IPAddress") for name, ep in nets.items()
            }
        },
    }


def _masked(entry: str) -> str:
    key, sep, value = entry.partition("=")
    return f"{key}={digest(value)}" if sep else key


def _network(n: dict[str, Any]) -> dict[str, Any]:
    members = _of(n, "Containers", dict)
    return {
        **_pick(n, "Name", "Id", "Driver", "Scope"),
        "Containers": {k: _pick(v, "Name") for k, v in members.items()},
        "Labels": n.get("Labels") or {},
    }
