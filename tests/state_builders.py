"""Build state snapshots in the shapes the Docker Engine API documents, for tests.

ContainerInspectResponse and Network (NetworkInspect) of the Engine API reference
(docs.docker.com/reference/api/engine, schemas ContainerInspectResponse,
ContainerConfig, ContainerState, HostConfig.PortBindings, MountPoint,
NetworkSettings, EndpointSettings, Network); the compose labels of
docker/compose pkg/api/labels.go. Only the fields composelint reads are filled in,
plus a few it must ignore.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

IMAGE_ENV = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"]


def container(
    name: str,
    *,
    project: str | None = None,
    service: str | None = None,
    networks: dict[str, list[str]] | None = None,
    env: dict[str, str] | None = None,
    image: str = "acme/app:1",
    ports: dict[str, str | list[str]] | None = None,  # "8000/tcp" -> host port(s)
    mounts: list[tuple[str, str, str]] | None = None,  # (type, source or name, destination)
    running: bool = True,
    started: str = "2025-10-01T09:00:00.123456789Z",
    oneoff: bool = False,
    cid: str | None = None,
) -> dict[str, Any]:
    labels: dict[str, str] = {}
    if project is not None:
        labels = {
            "com.docker.compose.project": project,
            "com.docker.compose.service": service or name,
            "com.docker.compose.oneoff": "True" if oneoff else "False",
            "com.docker.compose.container-number": "1",
            "com.docker.compose.config-hash": "0" * 64,
            "com.docker.compose.project.working_dir": f"/srv/{project}",
            "com.docker.compose.project.config_files": f"/srv/{project}/compose.yaml",
            "com.docker.compose.version": "2.40.3",
        }
    nets = {
        net: {
            "IPAMConfig": None,
            "Links": None,
            "Aliases": aliases,
            "NetworkID": f"n-{net}",
            "EndpointID": f"e-{name}-{net}",
            "Gateway": "172.20.0.1",
            "IPAddress": "172.20.0.5",
            "IPPrefixLen": 16,
            "MacAddress": "02:42:ac:14:00:05",
            "DNSNames": [name, *aliases],
        }
        for net, aliases in (networks or {}).items()
    }
    return {
        "Id": cid or hashlib.sha256(name.encode()).hexdigest(),
        "Created": "2025-10-01T08:59:58.000000000Z",
        "Path": "docker-entrypoint.sh",
        "Args": [],
        "State": {
            "Status": "running" if running else "exited",
            "Running": running,
            "Paused": False,
            "Restarting": False,
            "StartedAt": started,
            "FinishedAt": "0001-01-01T00:00:00Z",
        },
        "Image": "sha256:" + "1" * 64,
        "Name": "/" + name,
        "RestartCount": 0,
        "HostConfig": {
            "PortBindings": {
                k: [{"HostIp": "", "HostPort": h} for h in ([v] if isinstance(v, str) else v)]
                for k, v in (ports or {}).items()
            },
            "RestartPolicy": {"Name": "unless-stopped", "MaximumRetryCount": 0},
        },
        "Mounts": [
            {
                "Type": kind,
                "Source": src if kind == "bind" else f"/var/lib/docker/volumes/{src}/_data",
                **({"Name": src} if kind == "volume" else {}),
                "Destination": dest,
                "RW": True,
            }
            for kind, src, dest in (mounts or [])
        ],
        "Config": {
            "Hostname": name[:12],
            # the image's ENV first; the container's own variables replace them
            "Env": [
                *(e for e in IMAGE_ENV if e.split("=", 1)[0] not in (env or {})),
                *(f"{k}={v}" for k, v in (env or {}).items()),
            ],
            "Image": image,
            "Labels": labels,
        },
        "NetworkSettings": {"Ports": {}, "Networks": nets},
    }


def network(name: str, members: list[str] = (), project: str | None = None) -> dict[str, Any]:  # type: ignore[assignment]
    labels = {}
    if project is not None:
        labels = {
            "com.docker.compose.project": project,
            "com.docker.compose.network": name.split("_", 1)[-1],
        }
    return {
        "Name": name,
        "Id": f"n-{name}",
        "Created": "2025-10-01T08:59:57.0Z",
        "Scope": "local",
        "Driver": "host" if name == "host" else "null" if name == "none" else "bridge",
        "EnableIPv6": False,
        "IPAM": {"Driver": "default", "Options": None, "Config": []},
        "Internal": False,
        "Attachable": False,
        "Containers": {f"c-{m}": {"Name": m, "EndpointID": f"e-{m}"} for m in members},
        "Options": {},
        "Labels": labels,
    }


def default_networks() -> list[dict[str, Any]]:
    return [network("bridge"), network("host"), network("none")]


def snapshot(containers: list[dict[str, Any]], networks: list[dict[str, Any]] | None) -> str:
    """The two arrays one after the other, indented as the docker CLI prints them."""
    text = json.dumps(containers, indent=4) + "\n"
    if networks is not None:
        text += json.dumps(networks, indent=4) + "\n"
    return text


# -- the post-mortem ----------------------------------------------------------------

TEST_ENV = {
    "DJANGO_SETTINGS_MODULE": "ventanas.settings.test",
    "POSTGRES_USER": "ventanas_user",
    "POSTGRES_PASSWORD": "change-me",
    "POSTGRES_DB": "ventanas_test_db",
    "DATABASE_URL": "postgresql://ventanas_user:change-me@ventanas-test-db:5432/ventanas_test_db",
    "REDIS_URL": "redis://ventanas-test-redis:6379/0",
}


def ventanas_test(*, hand_connected: bool = False) -> tuple[list[Any], list[Any]]:
    """The test server as it failed: the app alone on app-test_default; the database
    and the cache, started from an earlier file of the project, on
    app-test_ventanas-test-network. ``hand_connected``: after the post-mortem's
    ``docker network connect app-test_ventanas-test-network ventanas-test-app``."""
    app_nets = {"app-test_default": ["ventanas-test-app", "app"]}
    if hand_connected:
        app_nets["app-test_ventanas-test-network"] = []
    shared = "app-test_ventanas-test-network"
    containers = [
        container(
            "ventanas-test-app",
            project="app-test",
            service="app",
            networks=app_nets,
            env=TEST_ENV,
            image="ventanas/app:1.4.2",
            ports={"8000/tcp": "8001"},
            mounts=[("bind", "/home/ventanas/app/logs", "/app/logs")],
        ),
        container(
            "ventanas-test-db",
            project="app-test",
            service="db",
            networks={shared: ["ventanas-test-db", "db"]},
            env={"POSTGRES_USER": "ventanas_user", "POSTGRES_PASSWORD": "change-me"},
            image="postgres:16-alpine",
            mounts=[("volume", "app-test_pgdata", "/var/lib/postgresql/data")],
        ),
        container(
            "ventanas-test-redis",
            project="app-test",
            service="redis",
            networks={shared: ["ventanas-test-redis", "redis"]},
            image="redis:7.2-alpine",
            mounts=[("volume", "0" * 64, "/data")],
        ),
    ]
    networks = [
        *default_networks(),
        network(
            "app-test_default",
            ["ventanas-test-app"],
            project="app-test",
        ),
        network(
            shared,
            ["ventanas-test-db", "ventanas-test-redis"]
            + (["ventanas-test-app"] if hand_connected else []),
            project="app-test",
        ),
    ]
    return containers, networks


PROD_APP_ENV = {
    "DJANGO_SETTINGS_MODULE": "ventanas.settings.production",
    "DATABASE_URL": "postgresql://ventanas_user:change-me@postgres:5432/ventanas_beta_db",
    "REDIS_URL": "redis://redis:6379/0",
}


def ventanas_prod(app_env: dict[str, str] | None = None) -> tuple[list[Any], list[Any]]:
    """The production server as examples/ventanas-prod describes it."""
    net = "ventanas-beta_ventanas-network"

    def svc(name: str, **kw: Any) -> dict[str, Any]:
        return container(
            f"ventanas-beta-{name}-1",
            project="ventanas-beta",
            service=name,
            networks={net: [f"ventanas-beta-{name}-1", name]},
            **kw,
        )

    containers = [
        svc(
            "app",
            env=app_env or PROD_APP_ENV,
            image="ventanas/app:1.4.2",
            ports={"8000/tcp": "8000"},
            mounts=[("bind", "/home/ventanas/app/logs", "/app/logs")],
        ),
        svc(
            "postgres",
            env={
                "POSTGRES_USER": "ventanas_user",
                "POSTGRES_PASSWORD": "change-me",
                "POSTGRES_DB": "ventanas_beta_db",
                "PGDATA": "/var/lib/postgresql/data",
            },
            image="postgres:16-alpine",
            mounts=[("volume", "ventanas-beta_postgres-data", "/var/lib/postgresql/data")],
        ),
        svc(
            "redis",
            image="redis:7.2-alpine",
            mounts=[("volume", "ventanas-beta_redis-data", "/data")],
        ),
    ]
    networks = [
        *default_networks(),
        network(net, [c["Name"][1:] for c in containers], project="ventanas-beta"),
    ]
    return containers, networks
