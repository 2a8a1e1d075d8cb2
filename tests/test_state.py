"""Reading state snapshots (``--state``) and taking them (``composelint snapshot``).

Every malformed state file ends in exactly one located ``state-file-invalid``
finding and exit 2, while the project itself is still linted. The snapshot tests
put a fake ``docker`` on PATH: no test needs a Docker engine.
"""

from __future__ import annotations

import io
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from state_builders import container, default_networks, network, snapshot, ventanas_prod

from composelint.cli import main
from composelint.load import state as state_module
from composelint.load.state import StateError, parse_state
from composelint.model.state import DIGEST_PREFIX

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = "name: shop\nservices:\n  app:\n    image: acme/app\n    container_name: web\n"


# -- recognising the shapes ------------------------------------------------------------


def _ps_line(name: str, service: str, **extra: Any) -> dict[str, Any]:
    """One line of ``docker compose ps --format json`` (Compose v2.21+ prints NDJSON)."""
    return {
        "Command": '"docker-entrypoint.s…"',
        "CreatedAt": "2025-10-01 09:00:00 +0000 UTC",
        "ExitCode": 0,
        "Health": "",
        "ID": "d2763e024a10",
        "Image": "redis:7",
        "Labels": f"com.docker.compose.project=shop,com.docker.compose.service={service},"
        "com.docker.compose.oneoff=False",
        "LocalVolumes": "1",
        "Mounts": "ae6fbf221bbb…",
        "Name": name,
        "Names": name,
        "Networks": "shop_default,shop_back",
        "Ports": "0.0.0.0:6379->6379/tcp",
        "Project": "shop",
        "Publishers": [
            {"URL": "0.0.0.0", "TargetPort": 6379, "PublishedPort": 6379, "Protocol": "tcp"}
        ],
        "RunningFor": "2 hours ago",
        "Service": service,
        "Size": "0B",
        "State": "running",
        "Status": "Up 2 hours",
        **extra,
    }


def test_containers_and_networks_in_either_order_and_in_two_files() -> None:
    cs = [container("shop-app-1", project="shop", service="app", networks={"shop_default": []})]
    ns = [*default_networks(), network("shop_default", ["shop-app-1"])]
    for text in (
        snapshot(cs, ns),
        json.dumps(ns) + json.dumps(cs),  # no separator at all
        json.dumps(ns, indent=2) + "\n\n" + json.dumps(cs, indent=2),
    ):
        st = parse_state(text, "s.json")
        assert [c.name for c in st.containers] == ["shop-app-1"]
        assert [n.name for n in st.networks] == ["bridge", "host", "none", "shop_default"]
        assert st.has_containers and st.has_networks
    only = parse_state(json.dumps(cs), "c.json")
    assert only.has_containers and not only.has_networks
    c = only.containers[0]
    assert (c.project, c.service, c.running, c.image) == ("shop", "app", True, "acme/app:1")
    assert c.origin is not None and str(c.origin) == "c.json:1:2"


def test_compose_ps_as_ndjson_and_as_an_array() -> None:
    lines = [_ps_line("shop-redis-1", "redis"), _ps_line("shop-app-1", "app", State="exited")]
    for text in ("\n".join(json.dumps(x) for x in lines) + "\n", json.dumps(lines)):
        st = parse_state(text, "ps.json")
        redis, app = st.containers
        assert (redis.name, redis.service, redis.running) == ("shop-redis-1", "redis", True)
        assert redis.network_names == ("shop_default", "shop_back")
        assert redis.ports == frozenset({(6379, "tcp", "6379")})
        assert redis.env is None and redis.mounts is None  # not in compose ps: not compared
        assert not app.running and not st.has_networks


def test_a_container_in_inspect_and_ps_keeps_the_fuller_record() -> None:
    ps = parse_state(json.dumps(_ps_line("shop-app-1", "app")), "ps.json")
    full = parse_state(
        json.dumps([container("shop-app-1", project="shop", service="app", env={"A": "1"})]),
        "c.json",
    )
    ps.merge(full)
    assert len(ps.containers) == 1 and ps.containers[0].env is not None
    assert ps.sources == ["ps.json", "c.json"]


def test_env_values_are_not_in_the_repr() -> None:
    st = parse_state(json.dumps([container("db", env={"POSTGRES_PASSWORD": "hunter2"})]), "s")
    assert "hunter2" not in repr(st)


@pytest.mark.parametrize(
    ("text", "line", "col", "reason"),
    [
        ("", 1, 1, "the file holds no JSON"),
        ("   \n", 1, 1, "the file holds no JSON"),
        ("CONTAINER ID   IMAGE\n", 1, 1, "not JSON: Expecting value"),
        ('[{"Name": "/a", "Config": {}}', 1, 30, "not JSON: Expecting ',' delimiter"),
        ("[1, 2]", 1, 2, "expected an object (a container or a network), found a number"),
        ('"docker: command not found"', 1, 1, "found a string"),
        ('[]\n[\n  {"Hello": 1}\n]', 3, 3, "not a container, a network or a compose ps entry"),
        (
            '[{"Name": "/a", "Config": {"Env": "A=1"}}]',
            1,
            2,
            "Config.Env is a string, expected an array",
        ),
        ('[{"Name": 5, "Config": {}}]', 1, 2, "Name is a number, expected a string"),
        (
            '[{"Name": "/a", "Config": [], "NetworkSettings": {"Networks": []}}]',
            1,
            2,
            "Config is an array, expected an object",
        ),
        (
            '[{"Name": "/a", "Config": {}, "HostConfig": {"PortBindings": {"x": [{}]}}}]',
            1,
            2,
            "PortBindings.x is not a port binding list",
        ),
        (
            '[{"Name": "/a", "Config": {}, "Mounts": [{"Type": "bind"}]}]',
            1,
            2,
            "Mounts[0] has no Destination",
        ),
        (
            '[{"Name": "n", "Driver": "bridge", "Labels": {"a": 1}}]',
            1,
            2,
            "Labels must be an object of strings",
        ),
        ("[" * 100_000, 1, 1, "nested too deeply"),
        ('{"a": ' + "9" * 5000 + "}", 1, 1, "not usable JSON"),
    ],
)
def test_malformed_state_is_one_located_error(text: str, line: int, col: int, reason: str) -> None:
    with pytest.raises(StateError) as info:
        parse_state(text, "s.json")
    assert (info.value.line, info.value.col) == (line, col)
    assert reason in str(info.value)


# -- hostile files through the CLI --------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict[str, Any]], str]:
    rc = main(["--format", "json", *argv])
    out, err = capsys.readouterr()
    return rc, json.loads(out)["findings"], err


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    return tmp_path


def _only_state_error(findings: list[dict[str, Any]]) -> dict[str, Any]:
    errors = [f for f in findings if f["code"] == "CMP950"]
    assert len(errors) == 1, findings
    return errors[0]


@pytest.mark.parametrize(
    ("content", "where", "reason"),
    [
        (b"not json at all\n", (1, 1), "not JSON"),
        (
            b'[{"Config": {}, "Name": "/a", "State": {"Running": "yes"}}]',
            (1, 2),
            "State.Running is a string, expected a boolean",
        ),
        (b"\x00\x01\x02binary", (1, 1), "binary file"),
        (b'[{"Name": "/\xff"}]', (1, 1), "not valid UTF-8"),
    ],
)
def test_hostile_state_file_exits_2_with_one_diagnostic_and_still_lints(
    proj: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    where: tuple[int, int],
    reason: str,
) -> None:
    (proj / "state.json").write_bytes(content)
    (proj / "compose.yaml").write_text(COMPOSE + "version: '3'\n")  # something to report
    rc, findings, _ = _run(capsys, "--state", "state.json")
    assert rc == 2
    error = _only_state_error(findings)
    assert (error["file"], error["line"], error["column"]) == ("state.json", *where)
    assert error["severity"] == "error" and reason in error["message"]
    assert any(f["code"] != "CMP950" for f in findings)  # the project was still linted


def test_missing_directory_and_fifo_state_files(
    proj: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(proj / "fifo.json")
    (proj / "dir.json").mkdir()
    for name, reason in (
        ("nope.json", "no such file"),
        ("dir.json", "is a directory"),
        ("fifo.json", "is a FIFO, not a regular file"),
    ):
        rc, findings, _ = _run(capsys, "--state", name)
        assert rc == 2
        assert reason in _only_state_error(findings)["message"], name


def test_huge_state_file_is_refused_before_it_is_read(
    proj: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state_module, "MAX_STATE_BYTES", 1000)
    (proj / "big.json").write_text("[" + ",".join(["{}"] * 1000) + "]")
    rc, findings, _ = _run(capsys, "--state", "big.json")
    assert rc == 2
    assert (
        "file is too large (3001 bytes; the limit is 1000)"
        in _only_state_error(findings)["message"]
    )


def test_a_bad_file_does_not_discard_a_good_one(
    proj: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (proj / "bad.json").write_text("{")
    (proj / "good.json").write_text(json.dumps([container("web", project="blog", service="web")]))
    rc, findings, _ = _run(
        capsys, "--state", "bad.json", "--state", "good.json", "--select", "CMP95"
    )
    assert rc == 2
    assert sorted(f["code"] for f in findings) == ["CMP950", "CMP955"]


def test_state_on_stdin(
    proj: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = json.dumps([container("web", project="blog", service="web")]).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    rc, findings, _ = _run(capsys, "--state", "-", "--select", "CMP95")
    assert (rc, [(f["code"], f["line"], f["column"]) for f in findings]) == (1, [("CMP955", 5, 21)])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"nope")))
    rc, findings, _ = _run(capsys, "--state", "-")
    assert rc == 2 and _only_state_error(findings)["file"] == "<stdin>"


def test_stdin_cannot_feed_both(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-", "--state", "-"]) == 2
    assert "either a compose file or --state" in capsys.readouterr().err


# -- composelint snapshot -------------------------------------------------------------------


def _fake_docker(
    bin_dir: Path, containers: list[Any], networks: list[Any], *, engine: bool = True
) -> None:
    """A ``docker`` that answers the four commands snapshot runs, from canned JSON."""
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "containers.json").write_text(json.dumps(containers))
    (bin_dir / "networks.json").write_text(json.dumps(networks))
    script = bin_dir / "docker"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        "from pathlib import Path\n"
        "here = Path(__file__).parent\n"
        "args = sys.argv[1:]\n"
        f"if not {engine!r}:\n"
        "    sys.stderr.write('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
        "Is the docker daemon running?\\n')\n"
        "    sys.exit(1)\n"
        "cs = json.loads((here / 'containers.json').read_text())\n"
        "ns = json.loads((here / 'networks.json').read_text())\n"
        "if args[:2] == ['ps', '-aq']:\n"
        "    print('\\n'.join(c['Id'] for c in cs))\n"
        "elif args[:2] == ['network', 'ls']:\n"
        "    print('\\n'.join(n['Id'] for n in ns))\n"
        "elif args[:2] == ['container', 'inspect']:\n"
        "    print(json.dumps([c for c in cs if c['Id'] in args[2:]], indent=4))\n"
        "elif args[:2] == ['network', 'inspect']:\n"
        "    print(json.dumps([n for n in ns if n['Id'] in args[2:]], indent=4))\n"
        "else:\n"
        "    sys.exit(f'unexpected: {args}')\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_snapshot_round_trip_keeps_no_secret_and_lints_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cs, ns = ventanas_prod()
    cs[0]["Config"]["Labels"]["traefik.http.middlewares.auth.basicauth.users"] = "admin:$apr1$x"
    _fake_docker(tmp_path / "bin", cs, ns)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    out = tmp_path / "state.json"
    assert main(["snapshot", "-o", str(out)]) == 0
    text = out.read_text()
    assert "change-me" not in text and "apr1" not in text
    assert f"POSTGRES_PASSWORD={DIGEST_PREFIX}" in text
    assert "com.docker.compose.project" in text
    monkeypatch.chdir(ROOT)
    rc = main(["examples/ventanas-prod/docker-compose.beta.yml", "--state", str(out)])
    assert (rc, capsys.readouterr().out) == (0, "All checks passed.\n")
    # the digests are compared: a changed value is still seen
    (tmp_path / "bin" / "containers.json").write_text(
        json.dumps(ventanas_prod({"DATABASE_URL": "postgresql://old@postgres/db"})[0])
    )
    assert main(["snapshot", "-o", str(out)]) == 0
    rc = main(
        [
            "examples/ventanas-prod/docker-compose.beta.yml",
            "--state",
            str(out),
            "--select",
            "CMP953",
            "--fail-on",
            "warning",
        ]
    )
    assert rc == 1 and "DATABASE_URL" in capsys.readouterr().out


def test_snapshot_to_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_docker(tmp_path / "bin", [], [network("bridge")])
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert main(["snapshot"]) == 0
    st = parse_state(capsys.readouterr().out, "-")
    assert st.containers == [] and [n.name for n in st.networks] == ["bridge"]
    assert st.has_networks


def test_snapshot_without_engine_or_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_docker(tmp_path / "bin", [], [], engine=False)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert main(["snapshot"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "composelint: snapshot: cannot reach the Docker engine: Cannot connect to the Docker "
        "daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n"
    )
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert main(["snapshot"]) == 2
    assert capsys.readouterr().err == (
        "composelint: snapshot: no docker CLI on PATH (snapshot runs docker inspect)\n"
    )


def test_linting_never_runs_docker(
    proj: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    trap = proj / "bin"
    trap.mkdir()
    (trap / "docker").write_text(
        f"#!{sys.executable}\nimport sys\nopen({str(proj / 'ran')!r}, 'w')\n"
    )
    (trap / "docker").chmod(0o755)
    monkeypatch.setenv("PATH", f"{trap}{os.pathsep}{os.environ['PATH']}")
    (proj / "s.json").write_text(snapshot([], default_networks()))
    main(["--state", "s.json"])
    capsys.readouterr()
    assert not (proj / "ran").exists()


def test_compose_ps_output_finds_orphans_through_the_cli(
    proj: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = _ps_line("shop-app-1", "app", Image="acme/app", Networks="shop_default", Publishers=[])
    lines = [app, _ps_line("shop-db-1", "db")]
    (proj / "ps.json").write_text("".join(json.dumps(x) + "\n" for x in lines))
    rc, findings, _ = _run(capsys, "--state", "ps.json", "--select", "CMP95")
    assert rc == 0  # a warning: exit 0 under the default fail-on (error)
    assert [(f["code"], f["line"], f["column"]) for f in findings] == [("CMP954", 2, 1)]
    assert 'container "shop-db-1" is an orphan' in findings[0]["message"]


def test_networks_from_a_second_file(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (proj / "compose.yaml").write_text(
        COMPOSE + "    networks: [edge]\nnetworks:\n  edge:\n    external: true\n"
    )
    (proj / "containers.json").write_text(snapshot([], None))
    (proj / "networks.json").write_text(json.dumps(default_networks(), indent=4))
    rc, findings, _ = _run(capsys, "--state", "containers.json", "--select", "CMP956")
    assert (rc, findings) == (0, [])  # no network listing: nothing is claimed
    rc, findings, _ = _run(
        capsys, "--state", "containers.json", "--state", "networks.json", "--select", "CMP956"
    )
    assert rc == 1
    assert [(f["code"], f["line"], f["column"]) for f in findings] == [("CMP956", 8, 3)]
