"""The CMP95x rules: the project compared with a state snapshot (no Docker engine needed).

Snapshots are built in the Engine API's documented shapes (``state_builders``); the
post-mortem's two servers are also stored as files in ``fixtures/state``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from state_builders import (
    PROD_APP_ENV,
    TEST_ENV,
    container,
    default_networks,
    network,
    snapshot,
    ventanas_prod,
    ventanas_test,
)

from composelint.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "state"


def lint(
    capsys: pytest.CaptureFixture[str], *argv: str, select: str = "CMP95"
) -> tuple[int, list[tuple[str, str, str]], list[dict[str, Any]]]:
    """Exit code, (code, location, severity) of every finding, the raw findings."""
    rc = main(["--format", "json", "--select", select, *argv])
    out = json.loads(capsys.readouterr().out)["findings"]
    where = [(f["code"], f"{f['file']}:{f['line']}:{f['column']}", f["severity"]) for f in out]
    return rc, where, out


def full(finding: dict[str, Any]) -> str:
    """What a finding says: message, note (why) and help (the fix)."""
    return " | ".join(finding[k] or "" for k in ("message", "note", "help"))


@pytest.fixture
def here(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(ROOT)
    return tmp_path


def _write(
    tmp: Path, containers: list[Any], networks: list[Any] | None, name: str = "s.json"
) -> str:
    path = tmp / name
    path.write_text(snapshot(containers, networks))
    return str(path)


def _project(tmp: Path, compose: str, env: str | None = None) -> str:
    d = tmp / "proj"
    d.mkdir()
    (d / "compose.yaml").write_text(compose)
    if env is not None:
        (d / ".env").write_text(env)
    return str(d / "compose.yaml")


# -- the post-mortem ---------------------------------------------------------------

TEST_FILE = "examples/ventanas-test/docker-compose.test.yml"
PROD_FILE = "examples/ventanas-prod/docker-compose.beta.yml"


def test_post_mortem_test_server_names_the_container_outside_the_project(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, where, out = lint(capsys, TEST_FILE, "--state", str(FIXTURES / "ventanas-test.json"))
    assert rc == 1
    assert where == [
        ("CMP951", "examples/ventanas-test/.env:7:65", "error"),
        ("CMP951", "examples/ventanas-test/.env:8:19", "error"),
        ("CMP954", "examples/ventanas-test/docker-compose.test.yml:9:1", "warning"),
        ("CMP954", "examples/ventanas-test/docker-compose.test.yml:9:1", "warning"),
    ]
    db = out[0]
    assert db["message"] == (
        'DATABASE_URL in service "app" points at container "ventanas-test-db" outside the project'
    )
    assert 'is on network "app-test_ventanas-test-network"' in db["note"]
    assert "could not translate host name" in db["note"]
    assert db["help"].startswith("add the database as a service of this project")
    assert "external: true, name: app-test_ventanas-test-network" in db["help"]
    orphans = " ".join(full(f) for f in out[2:])
    assert 'service "db"' in orphans and 'service "redis"' in orphans
    assert "--remove-orphans" in orphans


def test_post_mortem_production_with_its_snapshot_is_clean(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main([PROD_FILE, "--state", str(FIXTURES / "ventanas-prod.json")])
    assert (rc, capsys.readouterr().out) == (0, "All checks passed.\n")


def test_post_mortem_hand_connected_network_is_drift_and_only_a_warning(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = _write(here, *ventanas_test(hand_connected=True))
    rc, where, out = lint(capsys, TEST_FILE, "--state", state, select="CMP951,CMP952")
    assert rc == 0  # warnings only: the default fail-on is error
    assert where == [
        ("CMP951", "examples/ventanas-test/.env:7:65", "warning"),
        ("CMP951", "examples/ventanas-test/.env:8:19", "warning"),
        ("CMP952", "examples/ventanas-test/docker-compose.test.yml:10:3", "warning"),
    ]
    assert "attached by hand" in full(out[0])
    assert out[2]["message"] == (
        'container "ventanas-test-app" is on a network the file does not give "app"'
    )
    assert out[2]["note"].startswith('network "app-test_ventanas-test-network", attached by hand')


def test_changed_env_file_value_with_an_older_container_needs_a_recreate(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proj = here / "ventanas-test"
    shutil.copytree(ROOT / "examples/ventanas-test", proj)
    env = (proj / ".env").read_text()
    (proj / ".env").write_text(env.replace("ventanas.settings.test", "ventanas.settings.staging"))
    state = _write(here, *ventanas_test())  # the container was created before the edit
    rc, where, out = lint(
        capsys, str(proj / "docker-compose.test.yml"), "--state", state, select="CMP953"
    )
    assert rc == 0  # warnings only: the default fail-on is error
    assert [w[1].rsplit("/", 1)[-1] for w in where] == [".env:2:24"]
    message = full(out[0])
    assert "DJANGO_SETTINGS_MODULE" in out[0]["message"]
    assert out[0]["help"] == "recreate it: docker compose up -d app"
    assert "staging" not in message and "ventanas.settings" not in message


def test_interpolated_secret_change_names_the_variable_never_a_value(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proj = here / "ventanas-prod"
    shutil.copytree(ROOT / "examples/ventanas-prod", proj)
    env = (proj / ".env").read_text()
    (proj / ".env").write_text(env.replace("change-me", "n3w-Secr3t"))
    state = _write(here, *ventanas_prod())
    rc, where, out = lint(
        capsys, str(proj / "docker-compose.beta.yml"), "--state", state, select="CMP953"
    )
    assert rc == 0  # warnings only: the default fail-on is error
    assert [w[1].rsplit("/", 1)[-1] for w in where] == [
        ".env:3:19",  # postgres: POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}, set in the .env
        "docker-compose.beta.yml:16:21",  # app: DATABASE_URL, which interpolates it
    ]
    assert "POSTGRES_PASSWORD" in full(out[0]) and "DATABASE_URL" in full(out[1])
    assert [r["line"] for r in out[0]["related"] if r["file"].endswith(".yml")] == [39]
    related = [r["line"] for r in out[1]["related"] if r["file"].endswith(".env")]
    assert related == [2, 3, 4]  # the .env lines DATABASE_URL interpolates
    text = json.dumps(out)
    assert "n3w-Secr3t" not in text and "change-me" not in text


# -- one rule at a time, on small projects -----------------------------------------

SHOP = "name: shop\nservices:\n  app:\n    image: acme/app:2\n"


def _shop_app(**kw: Any) -> dict[str, Any]:
    kw.setdefault("networks", {"shop_default": ["shop-app-1", "app"]})
    kw.setdefault("image", "acme/app:2")
    return container("shop-app-1", project="shop", service="app", **kw)


def test_host_outside_project_silent_when_an_external_network_is_shared(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    compose = _project(
        here,
        "name: shop\nservices:\n  app:\n    image: acme/app\n"
        "    environment:\n      DB_HOST: legacy-db\n    networks: [default, legacy]\n"
        "networks:\n  legacy:\n    external: true\n    name: legacy_net\n",
    )
    db = container("legacy-db", networks={"legacy_net": []}, image="postgres:16")
    state = _write(here, [db], [*default_networks(), network("legacy_net", ["legacy-db"])])
    assert lint(capsys, compose, "--state", state)[:2] == (0, [])


def test_host_outside_project_by_alias_on_another_network(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    compose = _project(
        here,
        "name: shop\nservices:\n  app:\n    image: acme/app\n    environment:\n"
        "      REDIS_URL: redis://cache:6379/0\n",
    )
    cache = container(
        "blog-redis-1", project="blog", service="redis", networks={"blog_default": ["cache"]}
    )
    state = _write(here, [cache], None)
    rc, where, out = lint(capsys, compose, "--state", state)
    assert (rc, where) == (1, [("CMP951", f"{compose}:6:26", "error")])
    assert '"blog-redis-1" (project "blog") is on network "blog_default"' in full(out[0])
    # the default bridge has no DNS: a container only there does not answer to its name
    bridge = container("cache", networks={"bridge": []})
    assert lint(capsys, compose, "--state", _write(here, [bridge], None))[:2] == (0, [])


def test_state_rules_are_silent_without_a_state(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert lint(capsys, TEST_FILE)[:2] == (0, [])


def test_runtime_network_missing_network(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    compose = _project(
        here, SHOP + "    networks: [front, back]\nnetworks:\n  front: {}\n  back: {}\n"
    )
    app = _shop_app(networks={"shop_front": []})
    rc, where, out = lint(capsys, compose, "--state", _write(here, [app], None), select="CMP952")
    assert rc == 0  # warnings only: the default fail-on is error
    assert where == [("CMP952", f"{compose}:5:15", "warning")]
    assert out[0]["message"] == 'container "shop-app-1" is missing a network the file gives "app"'
    assert out[0]["note"].startswith('network "shop_back": disconnected by hand')
    app = _shop_app(networks={"shop_front": [], "shop_back": []})
    assert lint(capsys, compose, "--state", _write(here, [app], None), select="CMP952")[1] == []


def test_recreate_for_image_ports_and_mounts(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    compose = _project(
        here,
        SHOP + '    ports:\n      - "8080:80"\n    volumes:\n      - data:/data\n'
        "volumes:\n  data: {}\n",
    )
    same = _shop_app(ports={"80/tcp": "8080"}, mounts=[("volume", "shop_data", "/data")])
    assert lint(capsys, compose, "--state", _write(here, [same], None), select="CMP953")[1] == []
    old = _shop_app(
        image="acme/app:1",
        ports={"80/tcp": "8081"},
        mounts=[("bind", "/srv/data", "/data")],
    )
    _, where, out = lint(capsys, compose, "--state", _write(here, [old], None), select="CMP953")
    assert where == [
        ("CMP953", f"{compose}:4:12", "warning"),  # image
        ("CMP953", f"{compose}:6:7", "warning"),  # ports
        ("CMP953", f"{compose}:8:7", "warning"),  # volumes
    ]
    assert out[0]["message"] == 'running container "shop-app-1" runs another image than the file'
    assert out[0]["note"].startswith("it runs acme/app:1, the file says acme/app:2")
    stopped = _shop_app(image="acme/app:1", running=False)
    assert lint(capsys, compose, "--state", _write(here, [stopped], None), select="CMP953")[1] == []


def test_recreate_ignores_what_the_image_sets_and_latest_tags(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    compose = _project(
        here, "name: shop\nservices:\n  app:\n    image: postgres\n    environment:\n      A: '1'\n"
    )
    app = container(
        "shop-app-1",
        project="shop",
        service="app",
        image="docker.io/library/postgres:latest",
        env={"A": "1", "PG_VERSION": "16"},
        networks={"shop_default": []},
    )
    assert lint(capsys, compose, "--state", _write(here, [app], None))[:2] == (0, [])


def test_orphan_silent_for_profiles_and_one_off_runs(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    compose = _project(here, SHOP + "  tools:\n    image: acme/tools\n    profiles: [ops]\n")
    tools = container(
        "shop-tools-1", project="shop", service="tools", networks={"shop_default": []}
    )
    run = container("shop-gone-run-1", project="shop", service="gone", oneoff=True)
    gone = container("shop-gone-1", project="shop", service="gone", running=False)
    rc, where, out = lint(
        capsys,
        compose,
        "--profile",
        "other",
        "--state",
        _write(here, [tools, run, gone], None),
        select="CMP954",
    )
    assert (rc, where) == (0, [("CMP954", f"{compose}:2:1", "warning")])
    assert 'container "shop-gone-1" is an orphan' in full(out[0])
    assert "(shop, stopped)" in full(out[0])


def test_container_name_conflict(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    compose = _project(here, SHOP + "    container_name: web\n")
    other = container("web", project="blog", service="web")
    rc, where, out = lint(capsys, compose, "--state", _write(here, [other], None), select="CMP955")
    assert (rc, where) == (1, [("CMP955", f"{compose}:5:21", "error")])
    assert 'project "blog"' in full(out[0])
    mine = container("web", project="shop", service="app")
    assert lint(capsys, compose, "--state", _write(here, [mine], None), select="CMP955")[1] == []
    sibling = container("web", project="shop", service="app-dev")  # another profile's service
    _, where, _ = lint(capsys, compose, "--state", _write(here, [sibling], None), select="CMP955")
    assert where == [("CMP955", f"{compose}:5:21", "warning")]
    by_hand = container("web")
    _, _, out = lint(capsys, compose, "--state", _write(here, [by_hand], None), select="CMP955")
    assert "not created by Compose" in full(out[0])


def test_external_network_missing(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    compose = _project(
        here,
        SHOP + "    networks: [shared]\nnetworks:\n  shared:\n    external: true\n"
        "    name: ventanas-test-network\n",
    )
    nets = [*default_networks(), network("app-test_ventanas-test-network")]
    rc, where, out = lint(capsys, compose, "--state", _write(here, [], nets), select="CMP956")
    assert (rc, where) == (1, [("CMP956", f"{compose}:7:3", "error")])
    assert 'there is "app-test_ventanas-test-network"' in full(out[0])
    nets.append(network("ventanas-test-network"))
    assert lint(capsys, compose, "--state", _write(here, [], nets), select="CMP956")[1] == []
    # containers only: the networks are not known, nothing is said
    assert lint(capsys, compose, "--state", _write(here, [], None), select="CMP956")[1] == []


def test_env_values_in_the_state_are_never_printed(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = _write(here, *ventanas_test())
    for fmt in ("text", "json", "sarif", "github"):
        main([TEST_FILE, "--state", state, "--format", fmt, "--select", "CMP95"])
        assert "change-me" not in capsys.readouterr().out, fmt
    assert TEST_ENV["POSTGRES_PASSWORD"] == "change-me" and "DATABASE_URL" in PROD_APP_ENV


def test_recreate_silent_on_values_the_deploy_may_have_set_and_on_secret_mounts(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    compose = _project(
        here,
        SHOP + "    environment:\n      TOKEN: ${TOKEN}\n      LEVEL: ${LEVEL:-info}\n"
        "      MODE: ${MODE}\n    secrets: [api]\nsecrets:\n  api:\n    file: ./api.txt\n",
        env="MODE=prod\n",
    )
    (Path(compose).parent / "api.txt").write_text("x\n")
    app = _shop_app(
        env={"TOKEN": "from-the-deploy-shell", "LEVEL": "debug", "MODE": "prod"},
        mounts=[("bind", "/srv/shop/api.txt", "/run/secrets/api")],
    )
    assert lint(capsys, compose, "--state", _write(here, [app], None))[:2] == (0, [])
    app = _shop_app(env={"TOKEN": "t", "LEVEL": "debug", "MODE": "dev"})
    _, where, _ = lint(capsys, compose, "--state", _write(here, [app], None))
    env = str(Path(compose).parent / ".env")
    assert where == [("CMP953", f"{env}:1:6", "warning")]  # MODE: ${MODE}, set in the .env


def test_host_outside_project_says_when_the_container_is_stopped(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    compose = _project(here, SHOP + "    environment:\n      DB_HOST: olddb\n")
    db = container("olddb", networks={"legacy": []}, running=False)
    _, where, out = lint(capsys, compose, "--state", _write(here, [db], None))
    assert where == [("CMP951", f"{compose}:6:16", "error")]
    assert '"olddb" (no compose project, stopped)' in full(out[0])
