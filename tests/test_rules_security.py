"""CMP8xx security rules, end to end through the loader and resolver: each fires at
the exact place that sets the value (an override file, a .env line) and stays
silent on a hardened service."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_rules_env import applied, at, lint

from composelint.lint.registry import Registry
from composelint.model.findings import Severity

HARDENED = """\
name: shop
services:
  api:
    image: registry.example.com/acme/api:2.0@sha256:4ec37d2a07a0067f176fdcc9d4bb633a5724d2cc4f892c7a2046d054bb6939e5
    user: "1000:1000"
    read_only: true
    cap_drop: [ALL]
    cap_add: [NET_BIND_SERVICE, CHOWN]
    security_opt:
      - no-new-privileges:true
      - seccomp:./profile.json
    tmpfs:
      - /tmp:size=64m,noexec
    volumes:
      - ./config:/etc/api:ro
      - /etc/localtime:/etc/localtime:ro
      - data:/var/lib/api
    devices:
      - /dev/net/tun
    ports:
      - "127.0.0.1:5432:5432"
      - "8080:8080"
    logging:
      driver: local
    deploy:
      resources:
        limits:
          memory: 256m
          pids: 100
  db:
    image: postgres:16.4@sha256:4ec37d2a07a0067f176fdcc9d4bb633a5724d2cc4f892c7a2046d054bb6939e5
    read_only: true
    cap_drop: [ALL]
    security_opt: [no-new-privileges:true]
    mem_limit: 1g
    pids_limit: 200
    ports:
      - "127.0.0.1:5432:5432"
volumes:
  data: {}
"""


def test_a_hardened_project_is_silent(registry: Registry, tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    assert lint(registry, tmp_path, {"compose.yaml": HARDENED}, "CMP8") == []


# (rule, compose.yaml, expected [(line, col)]) -- every case is the whole file
FIRING = [
    (
        "runtime-socket-mounted",
        "services:\n  ui:\n    image: acme/ui:1\n    volumes:\n"
        "      - /var/run/docker.sock:/var/run/docker.sock:ro\n"
        "      - /run/user/1000/podman/podman.sock:/run/podman.sock\n"
        "      - /var/run:/host-run\n      - /:/rootfs:ro\n"
        "      - type: bind\n        source: /run/containerd/containerd.sock\n"
        "        target: /c.sock\n",
        [(5, 9), (6, 9), (7, 9), (8, 9), (9, 9)],
    ),
    ("privileged-mode", "services:\n  a:\n    image: x:1\n    privileged: true\n", [(4, 17)]),
    (
        "security-profile-disabled",
        "services:\n  a:\n    image: x:1\n    security_opt:\n      - seccomp=unconfined\n"
        "      - apparmor:unconfined\n      - label:disable\n      - no-new-privileges\n",
        [(5, 9), (6, 9), (7, 9)],
    ),
    (
        "host-namespace",
        "services:\n  a:\n    image: x:1\n    pid: host\n    ipc: host\n"
        "    network_mode: host\n    uts: host\n    userns_mode: host\n",
        [(4, 10), (5, 10), (6, 19), (7, 10), (8, 18)],
    ),
    (
        "dangerous-device",
        "services:\n  a:\n    image: x:1\n    devices:\n      - /dev/sda:/dev/sda\n"
        "      - /dev/mem\n      - /dev/nvme0n1p2:/disk:r\n      - /dev/ttyUSB0\n"
        "    device_cgroup_rules:\n      - 'b 8:* rmw'\n      - 'c 188:* rmw'\n",
        [(5, 9), (6, 9), (7, 9), (10, 9)],
    ),
    (
        "writable-host-mount",
        "services:\n  a:\n    image: x:1\n    volumes:\n      - /:/host\n"
        "      - /etc:/host/etc:ro\n      - /var/lib/docker:/var/lib/docker\n"
        "      - /etc/localtime:/etc/localtime\n      - /home/ci/.ssh:/root/.ssh\n",
        [(5, 9), (7, 9), (9, 9)],
    ),
    (
        "sensitive-host-mount",
        "services:\n  a:\n    image: x:1\n    volumes:\n      - /:/rootfs:ro\n"
        "      - /home:/home\n      - /etc/localtime:/etc/localtime:ro\n"
        "      - /proc:/host/proc:ro\n",
        [(6, 9), (8, 9)],
    ),
    (
        "mount-propagation-shared",
        "services:\n  a:\n    image: x:1\n    volumes:\n      - /mnt:/mnt:rshared\n"
        "      - /srv:/srv:rslave\n",
        [(5, 9)],
    ),
    ("user-root", "services:\n  a:\n    image: x:1\n    user: '0:0'\n", [(4, 11)]),
    (
        "tmpfs-insecure-options",
        "services:\n  a:\n    image: x:1\n    tmpfs:\n      - /tmp:exec\n      - /run\n",
        [(5, 9)],
    ),
    (
        "image-not-pinned",
        "services:\n  a:\n    image: redis\n  b:\n    image: nginx:latest\n"
        "  c:\n    image: nginx:1.27\n  d:\n    image: acme/d\n    build: .\n",
        [(3, 12), (5, 12)],
    ),
    (
        "image-no-digest",
        "services:\n  a:\n    image: redis:7.4\n  b:\n    image: redis:7.4@sha256:"
        + "a" * 64
        + "\n",
        [(3, 12)],
    ),
    (
        "logging-disabled",
        "services:\n  a:\n    image: x:1\n    logging:\n      driver: none\n",
        [(5, 15)],
    ),
    (
        "cap-drop-all-missing",
        "services:\n  a:\n    image: x:1\n    cap_drop: [NET_RAW]\n",
        [(4, 5)],
    ),
    ("read-only-missing", "services:\n  a:\n    image: x:1\n", [(2, 3)]),
    (
        "resource-limits-missing",
        "services:\n  a:\n    image: x:1\n    mem_limit: 1g\n  b:\n    image: x:1\n"
        "    mem_limit: 1g\n    pids_limit: 10\n  c:\n    image: x:1\n    mem_limit: 1g\n"
        "    pids_limit: -1\n",
        [(2, 3), (9, 3)],
    ),
]


@pytest.mark.parametrize(("rule", "text", "where"), FIRING, ids=[c[0] for c in FIRING])
def test_rule_fires_exactly_there(
    registry: Registry, tmp_path: Path, rule: str, text: str, where: list[tuple[int, int]]
) -> None:
    findings = lint(registry, tmp_path, {"compose.yaml": text}, rule)
    assert [(line, col) for _c, _p, line, col in at(findings)] == where


def test_cap_add_severity_follows_the_group(registry: Registry, tmp_path: Path) -> None:
    text = (
        "services:\n  a:\n    image: x:1\n    cap_add:\n      - CAP_SYS_ADMIN\n"
        "      - net_admin\n      - SYS_PTRACE\n      - CHOWN\n      - SYS_TIME\n"
    )
    findings = lint(registry, tmp_path, {"compose.yaml": text}, "cap-add-dangerous")
    assert [(f.span.line, f.severity) for f in findings if f.span] == [
        (5, Severity.WARNING),
        (6, Severity.INFO),
        (7, Severity.INFO),
        (9, Severity.INFO),
    ]
    assert findings[0].message.startswith("a adds SYS_ADMIN (host escape: ")


def test_read_only_socket_mount_says_ro_does_not_help(registry: Registry, tmp_path: Path) -> None:
    text = "services:\n  a:\n    image: x:1\n    volumes: ['/var/run/docker.sock:/s:ro']\n"
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "runtime-socket-mounted")
    assert f.message == "a mounts the container runtime socket /var/run/docker.sock"
    assert f.note == "read-only does not restrict the API"


def test_privileged_set_in_an_override_file_points_there(
    registry: Registry, tmp_path: Path
) -> None:
    files = {
        "compose.yaml": "services:\n  a:\n    image: x:1\n",
        "compose.override.yaml": "services:\n  a:\n    privileged: true\n",
    }
    findings = lint(registry, tmp_path, files, "privileged-mode")
    assert at(findings) == [("CMP802", "compose.override.yaml", 3, 17)]


def test_a_value_from_the_env_file_points_at_the_env_line(
    registry: Registry, tmp_path: Path
) -> None:
    files = {
        "compose.yaml": "services:\n  a:\n    image: x:1\n    user: ${RUN_AS}\n",
        ".env": "# who runs it\nRUN_AS=root\n",
    }
    (f,) = lint(registry, tmp_path, files, "user-root")
    assert at([f]) == [("CMP812", ".env", 2, 8)]
    assert [(r.span.path, r.span.line, r.span.col) for r in f.related] == [("compose.yaml", 4, 11)]


def test_a_default_value_points_at_the_default_text(registry: Registry, tmp_path: Path) -> None:
    text = "services:\n  a:\n    image: x:1\n    user: ${RUN_AS:-root}\n"
    findings = lint(registry, tmp_path, {"compose.yaml": text}, "user-root")
    assert at(findings) == [("CMP812", "compose.yaml", 4, 21)]


def test_a_socket_path_from_the_env_file_points_at_the_env_line(
    registry: Registry, tmp_path: Path
) -> None:
    files = {
        "compose.yaml": "services:\n  a:\n    image: x:1\n    volumes:\n"
        "      - ${DOCKER_SOCK}:/var/run/docker.sock\n",
        ".env": "DOCKER_SOCK=/run/user/1000/docker.sock\n",
    }
    (f,) = lint(registry, tmp_path, files, "runtime-socket-mounted")
    assert at([f]) == [("CMP801", ".env", 1, 13)]
    assert [(r.span.path, r.span.line) for r in f.related] == [("compose.yaml", 5)]


def test_extends_base_setting_is_located_in_the_base(registry: Registry, tmp_path: Path) -> None:
    files = {
        "base.yaml": "services:\n  common:\n    image: x:1\n    security_opt: [seccomp:unconfined]\n",
        "compose.yaml": "services:\n  a:\n    extends:\n      file: base.yaml\n      service: common\n",
    }
    findings = lint(registry, tmp_path, files, "security-profile-disabled")
    assert at(findings) == [("CMP805", "base.yaml", 4, 20)]


def test_writable_host_mount_fix_appends_ro(registry: Registry, tmp_path: Path) -> None:
    text = 'services:\n  a:\n    image: x:1\n    volumes:\n      - "/etc:/host/etc"\n      - /root:/r\n'
    findings = lint(registry, tmp_path, {"compose.yaml": text}, "writable-host-mount")
    assert len(findings) == 2
    fixed = applied(text, findings[0].fix)
    assert fixed.splitlines()[4] == '      - "/etc:/host/etc:ro"'
    assert applied(text, findings[1].fix).splitlines()[5] == "      - /root:/r:ro"


def test_no_new_privileges_fix_adds_the_entry(registry: Registry, tmp_path: Path) -> None:
    text = (
        "services:\n  a:\n    image: x:1\n  b:\n    image: x:1\n    security_opt:\n"
        "      - label:type:svirt_apache_t\n"
    )
    findings = lint(registry, tmp_path, {"compose.yaml": text}, "no-new-privileges-missing")
    assert at(findings) == [("CMP806", "compose.yaml", 2, 3), ("CMP806", "compose.yaml", 6, 5)]
    assert applied(text, findings[0].fix) == text.replace(
        "  a:\n", "  a:\n    security_opt:\n      - no-new-privileges:true\n"
    )
    assert applied(text, findings[1].fix) == text + "      - no-new-privileges:true\n"


def test_no_new_privileges_false_is_reported_without_a_fix(
    registry: Registry, tmp_path: Path
) -> None:
    text = "services:\n  a:\n    image: x:1\n    security_opt: [no-new-privileges:false]\n"
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "no-new-privileges-missing")
    assert f.fix is None


DB = """\
services:
  app:
    image: acme/app:1.0
    environment:
      DATABASE_URL: postgresql://app@db:5432/app
      REDIS_URL: redis://cache:6379
  db:
    image: postgres:16
    ports:
      - "5432:5432"
  cache:
    image: redis:7.4
    ports: ["127.0.0.1:6379:6379", "6380:6379"]
  web:
    image: nginx:1.27
    ports: ["80:80"]
  search:
    image: elasticsearch:8.15.0
    ports:
      - target: 9200
        published: "9200"
"""


def test_datastore_published_on_all_interfaces(registry: Registry, tmp_path: Path) -> None:
    findings = lint(registry, tmp_path, {"compose.yaml": DB}, "datastore-port-exposed")
    assert at(findings) == [
        ("CMP820", "compose.yaml", 10, 9),
        ("CMP820", "compose.yaml", 13, 36),
        ("CMP820", "compose.yaml", 20, 9),
    ]
    db, cache, search = findings
    assert db.message.startswith("db (database) publishes port 5432 on all interfaces")
    assert db.help is not None and cache.help is not None and search.help is not None
    assert db.help.startswith("app reaches it over the Compose network and needs no published")
    assert db.help.endswith('bind it to the host only with "127.0.0.1:5432:5432"')
    assert cache.help.startswith("app reaches it")
    assert search.help == 'bind it to the host only: "127.0.0.1:9200:9200"'
    assert applied(DB, db.fix).splitlines()[9] == '      - "127.0.0.1:5432:5432"'
    assert applied(DB, cache.fix).splitlines()[12].endswith('"127.0.0.1:6380:6379"]')
    assert search.fix is None  # long syntax: no text to prepend to


def test_datastore_port_in_host_mode_is_not_reported(registry: Registry, tmp_path: Path) -> None:
    text = (
        "services:\n  db:\n    image: redis:7\n    network_mode: host\n    ports: ['6379:6379']\n"
    )
    assert lint(registry, tmp_path, {"compose.yaml": text}, "datastore-port-exposed") == []


def test_registry_allow_list(registry: Registry, tmp_path: Path) -> None:

    (tmp_path / ".composelint.toml").write_text(
        'allowed-registries = ["registry.example.com", "*.corp.example"]\n'
    )
    (tmp_path / "compose.yaml").write_text(
        "services:\n  a:\n    image: registry.example.com/a:1\n  b:\n    image: postgres:16\n"
        "  c:\n    image: eu.corp.example/c:2\n  d:\n    image: ghcr.io/x/d:1\n"
    )
    out = _cli(tmp_path, "--select", "image-registry-not-allowed")
    assert [(f["line"], f["column"]) for f in out] == [(5, 12), (9, 12)]
    assert out[0]["message"].startswith("b pulls from docker.io, which is not an allowed registry")


def test_hardened_preset_selects_the_opt_in_rules(tmp_path: Path) -> None:
    (tmp_path / ".composelint.toml").write_text('preset = "hardened"\n')
    (tmp_path / "compose.yaml").write_text("services:\n  a:\n    image: x:1\n")
    codes = sorted({f["code"] for f in _cli(tmp_path)})
    assert codes == ["CMP804", "CMP806", "CMP813", "CMP816", "CMP819"]


def test_unknown_preset_is_a_located_configuration_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from composelint.cli import main

    (tmp_path / ".composelint.toml").write_text('preset = "paranoid"\n')
    (tmp_path / "compose.yaml").write_text("services:\n  a:\n    image: x:1\n")
    assert main([str(tmp_path / "compose.yaml")]) == 2
    assert ".composelint.toml:1:1: preset: " in capsys.readouterr().err


def _cli(directory: Path, *args: str) -> list[dict]:  # type: ignore[type-arg]
    import io
    import json
    import os
    from contextlib import redirect_stdout

    from composelint.cli import main

    out = io.StringIO()
    old = Path.cwd()
    os.chdir(directory)
    try:
        with redirect_stdout(out):
            main(["--format", "json", *args, "."])
    finally:
        os.chdir(old)
    findings: list[dict] = json.loads(out.getvalue())["findings"]  # type: ignore[type-arg]
    return findings


def test_datastore_with_several_clients_names_them_all(registry: Registry, tmp_path: Path) -> None:
    text = (
        "services:\n  api:\n    image: acme/api:1\n    environment: {REDIS_URL: 'redis://cache:6379'}\n"
        "  worker:\n    image: acme/worker:1\n    environment: {REDIS_HOST: cache}\n"
        "  cache:\n    image: redis:7.4\n    ports: ['6379:6379']\n"
    )
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "datastore-port-exposed")
    assert f.help is not None
    assert f.help.startswith("api, worker reach it over the Compose network and need no published")
