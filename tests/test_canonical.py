"""Canonical form: differential tests against `docker compose config --format json`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from composelint.model.nodes import Mapping, Node, Scalar, Sequence, from_plain
from composelint.model.span import Span
from composelint.resolve.canonical import (
    CanonicalError,
    ResourceKind,
    canonical_resource,
    canonical_service,
    go_bytes,
    go_duration_string,
    go_float_string,
    go_parse_duration,
    list_or_dict_to_mapping,
    parse_port,
    shell_split,
    used_networks,
    used_volumes,
)

ENV = {"FOO": "fooval"}
SPAN = Span("compose.yaml", 1, 1, 1, 2)


def _compose_binary() -> str | None:
    found = shutil.which("docker-compose")
    if found:
        return found
    candidates = [
        Path(sys.executable).parent / "docker-compose",
        Path("/tmp/cgvenv/bin/docker-compose"),
    ]
    return next((str(c) for c in candidates if c.exists()), None)


COMPOSE = _compose_binary()
needs_compose = pytest.mark.skipif(COMPOSE is None, reason="docker-compose binary not available")

# One service per feature; each body is the YAML mapping of the service.
SERVICES: dict[str, str] = {
    "cmd_string": "command: sh -c \"echo 'a b' $$HOME\"",
    "cmd_list": "command: [echo, hi]\nentrypoint: [/bin/sh, -c]",
    "cmd_null": "command: null",
    "cmd_empty": "command: ''",
    "cmd_operators": "command: echo a && echo b",
    "cmd_quotes": "entrypoint: 'a \"b c\" d\\\\ e ''x'''",
    "cmd_redirect": "command: echo a 2>&1",
    "cmd_dollar": "command: echo $$(date) z",
    "build_string": "build: ./app",
    "build_long": (
        "build:\n  context: ../ctx\n  dockerfile: ../Dockerfile2\n  args: [A=1, B, FOO]\n"
        "  labels: {x: y}\n  cache_from: [foo]\n  tags: [t1]\n  shm_size: 1g\n  provenance: true\n"
        "  extra_hosts: ['a:1.1.1.1']\n  ulimits: {nofile: 5}"
    ),
    "build_inline": "build: {dockerfile_inline: 'FROM x'}",
    "build_git": "build: 'https://github.com/x/y.git#main'",
    "build_args_map": "build: {context: 'git@github.com:x/y.git', args: {A: null, FOO: null, N: 1.50}}",
    "build_contexts": "build: {context: ., additional_contexts: [a=./x, 'b=docker-image://alpine'], ssh: [default]}",
    "env_dict": "environment: {A: 1.50, B: 1.0e+3, C: .inf, D: true, E: null, FOO: null, G: 1.0e+6, I: 0.0001, J: 0.00001, K: 12}",
    "env_list": "environment: [A=1, B, C=, D=with=equals, FOO, 'E=\"q\"', A=2]",
    "labels_list": "labels: [a=1, b, 'c=x=y']",
    "labels_map": "labels: {a: null, b: 2.50, c: false}",
    "annotations": "annotations: {a: null, b: 1}\nsysctls: [net.core.somaxconn=1024, a.b]",
    "ports_short": (
        "ports: ['127.0.0.1:8000-8001:80-81/udp', '3000', 22, '[::1]:6000:6000', '127.0.0.1::81',"
        " '5000-5010:5000', '8081:80/TCP', '7001-7002', '0.0.0.0:7000:7000', '8-10:8-10']"
    ),
    "ports_long": (
        "ports:\n  - {target: '80', published: 8000, host_ip: 0.0.0.0, protocol: tcp, mode: host,"
        " name: web, app_protocol: http}\n  - {target: 81}"
    ),
    "expose": "expose: [80, '8000-8002/udp', '90']",
    "volumes_short": (
        "volumes: ['./data:/data', '/abs:/abs:ro', '~/h:/h:z', 'named:/n:rw,nocopy', '/anon',"
        " '../up:/up/', 'named:/rel:ro,Z,rshared', './x//y/../z:/p/../q/', 'a:b:c:d', 'named:/s:rw']"
    ),
    "volumes_long": (
        "volumes:\n  - {type: bind, source: ./b, target: /b/}\n"
        "  - {type: volume, source: named, target: /v, read_only: 'true', volume: {nocopy: true}}\n"
        "  - {type: tmpfs, target: /t, tmpfs: {size: 1m, mode: 1777}}\n"
        "  - {type: bind, source: /abs, target: /c, bind: {propagation: rshared, create_host_path: false}}"
    ),
    "tmpfs": "tmpfs: /run\ndns: 8.8.8.8\ndns_search: example.com",
    "tmpfs_list": "tmpfs: [/run, '/tmp:size=10m']\ndns: [1.1.1.1, '']",
    "secrets": "secrets: [s1, {source: s2}, {source: s3, target: /x, uid: '1', gid: '2', mode: 0440}, {source: s1, target: rel, mode: '0400'}]",
    "configs": "configs: [c1, {source: c2, target: /c, mode: 292}]",
    "depends_list": "depends_on: [cmd_list, cmd_null]",
    "depends_map": (
        "depends_on:\n  cmd_list: {condition: service_healthy}\n"
        "  cmd_null: {condition: service_started, restart: true, required: false}"
    ),
    "implicit_deps": "links: [cmd_list, 'cmd_null:alias']\nvolumes_from: [cmd_string, 'container:foo']\nipc: service:cmd_empty",
    "netmode_service": "network_mode: service:cmd_list\ndepends_on: [cmd_list]",
    "netmode_host": "network_mode: host",
    "networks_list": "networks: [front, back]",
    "networks_empty": "networks: []",
    "networks_map": "networks:\n  front: {aliases: [x], ipv4_address: 10.5.0.5, priority: 0}\n  back: null",
    "healthcheck_string": (
        "healthcheck: {test: curl -f x, interval: 1m30s, timeout: 10s, retries: '3', start_period: 90s,"
        " start_interval: 1500ms}"
    ),
    "healthcheck_none": "healthcheck: {test: [NONE], disable: true}",
    "healthcheck_empty": "healthcheck: {test: []}",
    "extra_hosts_list": "extra_hosts: ['h1:10.0.0.1', 'h2=::1', 'h3:[::2]', 'host.docker.internal:host-gateway']",
    "extra_hosts_map": "extra_hosts: {h1: 10.0.0.1, h2: [1.1.1.1, 2.2.2.2]}",
    "deploy": (
        "deploy:\n  replicas: '2'\n  mode: replicated\n  labels: [a=b]\n"
        "  resources:\n    limits: {cpus: '0.5', memory: 50M, pids: 10}\n"
        "    reservations: {cpus: 0.25, memory: 1gb, devices: [{capabilities: [gpu]}, {driver: nvidia, count: 1, capabilities: [gpu]}]}\n"
        "  restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 2m}\n"
        "  update_config: {parallelism: 2, delay: 10s, order: start-first}"
    ),
    "deploy_empty": "deploy: {}",
    "deploy_zero": "deploy: {resources: {limits: {}}, update_config: {delay: 0s}}",
    "ulimits_logging": (
        "ulimits: {nproc: 65535, nofile: {soft: 20000, hard: '40000'}}\n"
        "logging: {driver: json-file, options: {max-size: 10m, max-file: 3, none: null}}"
    ),
    "devices_gpus": "devices: [/dev/a, '/dev/b:/dev/c', '/dev/d:/dev/e:r', {source: /dev/f, target: /dev/g}]\ngpus: all",
    "gpus_list": "gpus: [{driver: nvidia, device_ids: ['0']}, {count: 2}, {capabilities: [gpu], count: all}]",
    "memory": "mem_limit: 1g\nmem_reservation: 512m\nmemswap_limit: -1\nshm_size: '64M'\ncpus: 1.5\ncpu_shares: '512'",
    "memory_units": "mem_limit: 1.5g\nshm_size: 2KiB\nmem_reservation: '1024'",
    "casts": (
        "init: 'yes'\nprivileged: 'true'\nread_only: true\nstdin_open: 'false'\ntty: false\n"
        "scale: '2'\noom_score_adj: -500\npids_limit: 100"
    ),
    "zero_values": "privileged: false\ninit: false\ncpus: 0\nhostname: ''\ncap_add: []\nenvironment: {}\nports: []",
    "strings": (
        "user: '1000:1000'\nworking_dir: /app\nstop_grace_period: 1m\nstop_signal: SIGTERM\n"
        "pull_policy: if_not_present\nrestart: unless-stopped\nplatform: linux/amd64\ncontainer_name: foo\n"
        "hostname: h\nmac_address: '02:42:ac:11:00:02'\nruntime: runc"
    ),
    "durations": "stop_grace_period: 1d\nhealthcheck: {test: [CMD, x], interval: 1h2m3.5s, timeout: 500ms}",
    "lists": (
        "cap_add: [NET_ADMIN]\ncap_drop: [ALL]\nsecurity_opt: ['no-new-privileges:true']\ngroup_add: [audio]\n"
        "external_links: [ext]\nprofiles: [p1]\ndns_opt: [use-vc]"
    ),
    "storage_opts": "storage_opt: {size: 1G}\nsysctls: {a: 1}",
    "develop": "develop: {watch: [{path: ./src, action: sync, target: /app, ignore: node_modules}]}",
    "hooks": "post_start: [{command: echo hi, user: root, environment: [A=1]}]",
    "models": "models: [m1]",
    "extensions": "x-foo: {a: 1}\nlabels: {x: y}",
}

TOP_LEVEL = """\
networks:
  front: {}
  back: {driver: bridge, labels: [a=b], ipam: {config: [{subnet: 10.5.0.0/16}]}}
  ext: {external: true}
  ext_old: {external: {name: real}}
  named_net: {name: custom-net, internal: 'true'}
volumes:
  named: {}
  other: {driver: local, driver_opts: {o: bind, type: none, device: ./data}}
  ext: {external: true}
  fixed: {name: fixed-name, labels: {a: 1}}
secrets:
  s1: {file: ./s1.txt}
  s2: {environment: FOO}
  s3: {external: true}
configs:
  c1: {file: c1.txt}
  c2: {content: hello}
models:
  m1: {model: ai/x}
"""

# services that keep the otherwise unused top-level resources alive in compose's output
RESOURCE_USER = """\
  resource_user:
    image: x
    networks: [front, back, ext, ext_old, named_net]
    volumes: ['named:/a', 'other:/b', 'ext:/c', 'fixed:/d']
"""


def _project_text() -> str:
    lines = ["services:"]
    for name, body in SERVICES.items():
        lines.append(f"  {name}:")
        lines.append("    image: x")
        lines.append(textwrap.indent(body, "    "))
    return "\n".join(lines) + "\n" + RESOURCE_USER + TOP_LEVEL


def _unescape(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("$$", "$")
    if isinstance(value, list):
        return [_unescape(v) for v in value]
    if isinstance(value, dict):
        return {k.replace("$$", "$"): _unescape(v) for k, v in value.items()}
    return value


def _run_compose(directory: Path, text: str) -> subprocess.CompletedProcess[str]:
    assert COMPOSE is not None
    (directory / "compose.yaml").write_text(text)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(directory), "COMPOSE_PROFILES": "p1", **ENV}
    return subprocess.run(
        [COMPOSE, "-p", "proj", "config", "--format", "json"],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def project(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    """(directory, compose's JSON, our loaded YAML) for the whole snippet project."""
    if COMPOSE is None:
        pytest.skip("docker-compose binary not available")
    directory = tmp_path_factory.mktemp("canon").resolve()
    text = _project_text()
    for name in ("s1.txt", "c1.txt"):
        (directory / name).write_text("x")
    result = _run_compose(directory, text)
    assert result.returncode == 0 and result.stdout.strip(), result.stderr
    data = yaml.load(text, Loader=yaml.CSafeLoader)
    # compose resolves `$$` during interpolation; the snippets use it only as an escape
    return directory, _unescape(json.loads(result.stdout)), _unescape(data)


def _mapping(plain: dict[str, Any]) -> Mapping:
    node = from_plain(plain, SPAN)
    assert isinstance(node, Mapping)
    return node


def _ours(directory: Path, name: str, plain: dict[str, Any]) -> tuple[Node, list[CanonicalError]]:
    errors: list[CanonicalError] = []
    out = canonical_service(
        name,
        _mapping(plain),
        working_dir=directory,
        env=lambda k: ENV.get(k) or {"HOME": str(directory), "PATH": "/usr/bin:/bin"}.get(k),
        errors=errors,
        home=str(directory),
    )
    return out, errors


def _drop_extensions(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if not k.startswith("x-")}


@needs_compose
@pytest.mark.parametrize("name", list(SERVICES))
def test_service_matches_compose(
    project: tuple[Path, dict[str, Any], dict[str, Any]], name: str
) -> None:
    directory, expected, data = project
    out, errors = _ours(directory, name, data["services"][name])
    assert errors == []
    assert _drop_extensions(out.to_plain()) == expected["services"][name]


@needs_compose
@pytest.mark.parametrize("name", list(SERVICES))
def test_canonical_is_idempotent(
    project: tuple[Path, dict[str, Any], dict[str, Any]], name: str
) -> None:
    directory, _, data = project
    once, _ = _ours(directory, name, data["services"][name])
    twice, errors = _ours(directory, name, once.to_plain())
    assert errors == []
    assert twice.to_plain() == once.to_plain()


@needs_compose
@pytest.mark.parametrize("kind", ["networks", "volumes", "secrets", "configs"])
def test_resources_match_compose(
    project: tuple[Path, dict[str, Any], dict[str, Any]], kind: ResourceKind
) -> None:
    directory, expected, data = project
    ours = {}
    for key, value in data[kind].items():
        errors: list[CanonicalError] = []
        node = canonical_resource(
            kind,
            key,
            from_plain(value, SPAN),
            project_name="proj",
            working_dir=directory,
            errors=errors,
        )
        assert errors == []
        ours[key] = node.to_plain()
    if kind == "networks":
        ours["default"] = {"name": "proj_default", "ipam": {}}  # added by the resolver
    assert ours == expected[kind]


def test_extensions_are_kept() -> None:
    out, _ = _ours(Path("/p"), "a", {"image": "x", "x-foo": {"a": 1}})
    assert out.to_plain()["x-foo"] == {"a": 1}


# --------------------------------------------------------------------------- errors

ERRORS: list[tuple[str, str]] = [
    ("read_only: notabool", "failed to cast to expected type: invalid boolean: notabool"),
    (
        "deploy: {replicas: 'x'}",
        'failed to cast to expected type: strconv.Atoi: parsing "x": invalid syntax',
    ),
    (
        "scale: '1.5'",
        'failed to cast to expected type: strconv.Atoi: parsing "1.5": invalid syntax',
    ),
    (
        "cpus: abc",
        'failed to cast to expected type: strconv.ParseFloat: parsing "abc": invalid syntax',
    ),
    ("ports: ['abc:80']", "invalid hostPort: abc"),
    ("ports: ['80:80:80:80']", "invalid IP address: 80:80"),
    ("ports: ['70000:80']", "invalid hostPort: 70000"),
    ("ports: ['80:abc']", "invalid containerPort: abc"),
    (
        "ports: ['1.2.3.4:80-82:90-91']",
        "invalid ranges specified for container and host Ports: 90-91 and 80-82",
    ),
    ("ports: ['8000-7000:80']", "invalid hostPort: 8000-7000"),
    ("ports: ['x.y.z.w:80:80']", "invalid IP address: x.y.z.w"),
    (
        "healthcheck: {test: [curl]}",
        'healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"',
    ),
    (
        "healthcheck: {test: [CMD], interval: 5 seconds}",
        'time: unknown unit " seconds" in duration "5 seconds"',
    ),
    ("healthcheck: {test: [CMD], interval: '10'}", 'time: missing unit in duration "10"'),
    ("stop_grace_period: 1x", 'time: unknown unit "x" in duration "1x"'),
    ("mem_limit: 10q", "invalid suffix: 'q'"),
    ("extra_hosts: [noip]", "invalid additional host, missing IP: noip"),
    ("command: 'echo \"unterminated'", "invalid command line string"),
    ("command: 'echo )'", "invalid command line string"),
    ("environment: ['A =1']", "environment variable A  is declared with a trailing space"),
    ("devices: ['a:b:c:d']", "confusing device mapping, please use long syntax: a:b:c:d"),
    ("volumes: ['']", "invalid empty volume spec"),
    (
        "ulimits: {nofile: x}",
        'failed to cast to expected type: strconv.Atoi: parsing "x": invalid syntax',
    ),
    (
        "gpus: [{count: some}]",
        "invalid value \"some\", the only value allowed is 'all' or a number",
    ),
    ("build: {context: ., ssh: [foo]}", 'invalid ssh key "foo"'),
    ("secrets: [{source: s1, mode: '999'}]", 'strconv.ParseInt: parsing "999": invalid syntax'),
]


@pytest.mark.parametrize(("snippet", "message"), ERRORS)
def test_invalid_values_are_reported(snippet: str, message: str) -> None:
    body = yaml.load(snippet, Loader=yaml.CSafeLoader)
    out, errors = _ours(Path("/p"), "a", {"image": "x", **body})
    assert [e.message for e in errors] == [message]
    assert errors[0].span == SPAN
    assert out.to_plain()["image"] == "x"  # the rest of the service survives


@needs_compose
@pytest.mark.parametrize(("snippet", "message"), ERRORS)
def test_compose_rejects_the_same_values(tmp_path: Path, snippet: str, message: str) -> None:
    text = f"services:\n  a:\n    image: x\n    {snippet}\nsecrets:\n  s1: {{file: ./s1.txt}}\n"
    result = _run_compose(tmp_path, text)
    assert not result.stdout.strip()  # the wrapper script exits 0 even when compose fails
    assert message in result.stderr


# --------------------------------------------------------------------------- provenance


def _span(line: int, col: int, end_col: int) -> Span:
    return Span("compose.yaml", line, col, line, end_col)


def _service(**items: Node) -> Mapping:
    return Mapping(dict(items), _span(2, 3, 4))


def test_port_range_mappings_carry_the_source_span() -> None:
    item = Scalar("127.0.0.1:8000-8001:80-81/udp", _span(5, 9, 40), style='"')
    svc = _service(image=Scalar("x", _span(3, 12, 13)), ports=Sequence([item], _span(5, 7, 40)))
    out = canonical_service("a", svc, working_dir=Path("/p"), env=lambda _k: None, errors=[])
    ports = out.items["ports"]
    assert isinstance(ports, Sequence)
    assert [p.to_plain() for p in ports] == [
        {
            "mode": "ingress",
            "host_ip": "127.0.0.1",
            "target": 80,
            "published": "8000",
            "protocol": "udp",
        },
        {
            "mode": "ingress",
            "host_ip": "127.0.0.1",
            "target": 81,
            "published": "8001",
            "protocol": "udp",
        },
    ]
    for port in ports:
        assert isinstance(port, Mapping)
        assert port.span == item.span
        assert all(v.span == item.span for v in port.items.values())


def test_environment_list_values_keep_the_item_span() -> None:
    first = Scalar("A=1", _span(4, 9, 12))
    second = Scalar("B", _span(5, 9, 10))
    svc = _service(environment=Sequence([first, second], _span(4, 7, 10)))
    out = canonical_service("a", svc, working_dir=Path("/p"), env={"B": "fromenv"}.get, errors=[])
    env = out.items["environment"]
    assert isinstance(env, Mapping)
    assert env.to_plain() == {"A": "1", "B": "fromenv"}
    assert env.items["A"].span == first.span and env.key_span("A") == first.span
    assert env.items["B"].span == second.span


def test_build_string_becomes_a_mapping_located_at_the_string() -> None:
    ctx = Scalar("./x", _span(3, 12, 15))
    out = canonical_service(
        "a", _service(build=ctx), working_dir=Path("/p"), env=lambda _k: None, errors=[]
    )
    build = out.items["build"]
    assert isinstance(build, Mapping)
    assert build.to_plain() == {"context": "/p/x", "dockerfile": "Dockerfile"}
    assert build.span == ctx.span
    assert build.items["context"].span == ctx.span
    assert build.items["dockerfile"].span == ctx.span


def test_command_words_keep_the_string_span() -> None:
    cmd = Scalar("sh -c 'echo hi'", _span(3, 14, 29))
    out = canonical_service(
        "a", _service(command=cmd), working_dir=Path("/p"), env=lambda _k: None, errors=[]
    )
    words = out.items["command"]
    assert isinstance(words, Sequence)
    assert words.to_plain() == ["sh", "-c", "echo hi"]
    assert {w.span for w in words} == {cmd.span}


def test_error_points_at_the_offending_item() -> None:
    good = Scalar("80:80", _span(4, 9, 14))
    bad = Scalar("abc:80", _span(5, 9, 15))
    errors: list[CanonicalError] = []
    out = canonical_service(
        "a",
        _service(ports=Sequence([good, bad], _span(4, 7, 15))),
        working_dir=Path("/p"),
        env=lambda _k: None,
        errors=errors,
    )
    assert [(e.message, e.span) for e in errors] == [("invalid hostPort: abc", bad.span)]
    assert out.to_plain()["ports"] == [
        {"mode": "ingress", "target": 80, "published": "80", "protocol": "tcp"}
    ]


def test_syntax_only_mode_keeps_zero_values_and_tags() -> None:
    svc = _service(
        privileged=Scalar(False, _span(3, 1, 2)),
        ports=Sequence([Scalar("80", _span(4, 1, 2))], _span(4, 1, 2), tag="!override"),
    )
    out = canonical_service(
        "a", svc, working_dir=Path("/p"), env=lambda _k: None, errors=[], final=False
    )
    assert out.to_plain() == {
        "privileged": False,
        "ports": [{"mode": "ingress", "target": 80, "protocol": "tcp"}],
    }
    assert out.items["ports"].tag == "!override"


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.5, "1.5"),
        (1000.0, "1000"),
        (1e6, "1e+06"),
        (123456789.0, "1.23456789e+08"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (-0.0, "-0"),
        (1e21, "1e+21"),
        (float("inf"), "+Inf"),
        (float("-inf"), "-Inf"),
        (float("nan"), "NaN"),
        (-2.25, "-2.25"),
    ],
)
def test_go_float_string(value: float, text: str) -> None:
    assert go_float_string(value) == text


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("50M", 52428800),
        ("1gb", 1 << 30),
        ("2KiB", 2048),
        ("1.5g", 1610612736),
        ("1024", 1024),
        ("10 k", 10240),
        ("7b", 7),
    ],
)
def test_go_bytes(text: str, size: int) -> None:
    assert go_bytes(text) == size


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10q", "invalid suffix: 'q'"),
        ("mb", "invalid size: 'mb'"),
        ("1kbb", "invalid suffix: 'kbb'"),
    ],
)
def test_go_bytes_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        go_bytes(text)


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("90s", "1m30s"),
        ("1500ms", "1.5s"),
        ("1d", "24h0m0s"),
        ("0", "0s"),
        ("500ms", "500ms"),
        ("1h2m3.5s", "1h2m3.5s"),
        ("1w", "168h0m0s"),
        ("2us", "2µs"),
        ("-1m", "-1m0s"),
    ],
)
def test_durations(text: str, printed: str) -> None:
    assert go_duration_string(go_parse_duration(text)) == printed


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("echo a && echo b", ["echo", "a"]),
        ("'it''s' \"\" ''", ["its", "", ""]),
        ('"a\\"b" c', ['a"b', "c"]),
        ("echo a\\nb", ["echo", "anb"]),
        ("echo a2>b", ["echo", "a2"]),
        ("echo `date` x", ["echo", "`date`", "x"]),
        ("  spaced\t out  ", ["spaced", "out"]),
    ],
)
def test_shell_split(line: str, words: list[str]) -> None:
    assert shell_split(line) == words


def test_port_range_order_follows_compose_sorting() -> None:
    assert [p["target"] for p in parse_port("8-10:8-10")] == [10, 8, 9]


def test_list_or_dict_to_mapping_label_semantics() -> None:
    node = from_plain(["a=1", "b"], SPAN)
    assert list_or_dict_to_mapping(node, allow_null=False).to_plain() == {"a": "1", "b": ""}
    assert list_or_dict_to_mapping(node, env={"b": "x"}.get).to_plain() == {"a": "1", "b": "x"}
    dropped = list_or_dict_to_mapping(node, env=lambda _k: None, keep_unresolved=False)
    assert dropped.to_plain() == {"a": "1"}


def test_used_networks_and_volumes() -> None:
    errors: list[CanonicalError] = []
    services = [
        canonical_service(
            "a", _mapping(body), working_dir=Path("/p"), env=lambda _k: None, errors=errors
        )
        for body in (
            {"image": "x", "volumes": ["data:/d", "./b:/b", "/anon"]},
            {
                "image": "x",
                "networks": ["front"],
                "volumes": [{"type": "volume", "source": "v2", "target": "/x"}],
            },
            {"image": "x", "network_mode": "host"},
        )
    ]
    assert errors == []
    assert used_networks(services) == {"default", "front"}
    assert used_volumes(services) == {"data", "v2"}


def test_external_name_conflict_is_reported() -> None:
    errors: list[CanonicalError] = []
    node = from_plain({"name": "a", "external": {"name": "b"}}, SPAN)
    canonical_resource(
        "networks", "n", node, project_name="p", working_dir=Path("/p"), errors=errors
    )
    assert [e.message for e in errors] == ["name and external.name conflict; only use name"]
