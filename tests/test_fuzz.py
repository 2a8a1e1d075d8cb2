"""Fuzzing with projects generated from a grammar of Compose constructs.

Each generated project combines anchors and merge keys, interpolation with
defaults and errors, ``include``, ``extends``, profiles, ``.env`` and env_file
files, and secrets planted where users put them (URL user info, env values, command
flags, labels, anchors, defaults, JSON). Every report format, ``config`` and
``graph`` run in-process on it; the properties are the project's promises:

- the exit code is 0, 1 or 2, nothing prints a traceback, no rule crashes (CMP900);
- the JSON formats (json, sarif, gitlab, rdjson) parse, and a second run prints the
  same bytes (json, text, config);
- no planted secret appears in any output.

The seed is fixed (``derandomize``) and the number of examples sized for CI.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from composelint.output.reporters import FORMATS
from tests.compose_ref import run_composelint

_JSON_FORMATS = ("json", "sarif", "gitlab", "rdjson")
EXAMPLES = 50  # about 0.3 s each: every format, config and graph, three of them twice

_SERVICE_NAMES = ("web", "db", "api", "cache", "worker")
_PLAIN_KEYS = ("LOG_LEVEL", "DB_HOST", "PORT", "MODE", "REDIS_HOST", "API_URL")
_SECRET_KEYS = ("DB_PASSWORD", "API_TOKEN", "SECRET_KEY", "JWT_SECRET", "MYSQL_ROOT_PASSWORD")


class Planted:
    """Secret values handed out one by one: unique, and no prefix of another."""

    def __init__(self) -> None:
        self.values: list[str] = []

    def new(self) -> str:
        value = f"Qz{len(self.values):02d}PlantedSecretXq"
        self.values.append(value)
        return value


@st.composite
def _env_entry(draw: st.DrawFn, planted: Planted, services: list[str]) -> tuple[str, str]:
    kind = draw(st.sampled_from(["plain", "secret", "url", "default", "error", "ref", "json"]))
    if kind == "plain":
        key = draw(st.sampled_from(_PLAIN_KEYS))
        return key, draw(st.sampled_from(["info", "localhost", "8080", services[0], "x y"]))
    key = draw(st.sampled_from(_SECRET_KEYS))
    if kind == "secret":
        return key, planted.new()
    if kind == "url":
        host = draw(st.sampled_from([*services, "localhost", "elsewhere"]))
        user = draw(st.sampled_from(["app", "root", ""]))
        sep = draw(st.sampled_from(["@", "@x@", ":y/x@", "#z@"]))  # also malformed user info
        name = draw(st.sampled_from(["DATABASE_URL", "REDIS_URL", "BROKER"]))
        return name, f"postgres://{user}:{planted.new()}{sep}{host}:5432/app"
    if kind == "default":
        return key, "${" + key + ":-" + planted.new() + "}"
    if kind == "error":
        return key, "${" + key + ":?" + draw(st.sampled_from(["set it", "required"])) + "}"
    if kind == "ref":
        return key, "${" + draw(st.sampled_from([*_SECRET_KEYS, "UNSET"])) + "}"
    return "APP_CONFIG", '{"password": "' + planted.new() + '"}'


def _quote(value: str) -> str:
    return json.dumps(value)  # a YAML double-quoted scalar


@st.composite
def _service(
    draw: st.DrawFn, name: str, planted: Planted, services: list[str], anchored: bool
) -> list[str]:
    lines = [f"  {name}:"]
    if anchored and draw(st.booleans()):
        lines.append("    <<: *common")
    if draw(st.booleans()) and name != services[0]:
        lines += ["    extends:", f"      service: {services[0]}"]
    else:
        lines.append(f"    image: {draw(st.sampled_from(['nginx', 'postgres:16', 'mysql:8']))}")
    entries = draw(st.lists(_env_entry(planted, services), max_size=4))
    if entries:
        as_list = draw(st.booleans())
        lines.append("    environment:")
        for key, value in entries:
            line = f"{key}={value}" if as_list else f"{key}: {_quote(value)}"
            lines.append(f"      - {_quote(line)}" if as_list else f"      {line}")
    if draw(st.booleans()):
        lines.append("    env_file: [app.env]")
    if draw(st.booleans()):
        flag = draw(st.sampled_from(["flag", "mysql", "url"]))
        if flag == "flag":
            lines.append(f'    command: ["server", "--password", "{planted.new()}"]')
        elif flag == "mysql":
            lines.append(f"    command: mysqladmin ping -uroot -p{planted.new()}")
        else:
            lines.append(f'    command: ["curl", "http://u:{planted.new()}@{services[-1]}/"]')
    if draw(st.booleans()):
        lines += [
            "    labels:",
            f"      - {_quote('traefik.basicauth.users=admin:' + planted.new())}",
        ]
    if draw(st.booleans()):
        lines += ["    profiles: [" + draw(st.sampled_from(["debug", "prod"])) + "]"]
    if len(services) > 1 and draw(st.booleans()):
        lines += ["    depends_on: [" + draw(st.sampled_from(services[1:])) + "]"]
    return lines


@st.composite
def projects(draw: st.DrawFn) -> tuple[dict[str, str], list[str]]:
    planted = Planted()
    services = draw(st.lists(st.sampled_from(_SERVICE_NAMES), min_size=1, max_size=3, unique=True))
    top: list[str] = []
    anchored = draw(st.booleans())
    if anchored:
        top += ["x-common: &common", "  restart: always"]
        top += ["  environment:", f"    API_TOKEN: {planted.new()}"]
    if draw(st.booleans()):
        top.append(f"x-pw: &pw {planted.new()}")
        services_pw = True
    else:
        services_pw = False
    body = ["services:"]
    for name in services:
        body += draw(_service(name, planted, services, anchored))
    if services_pw:
        body += ["  vault:", "    image: vault", "    environment:", "      DB_PASSWORD: *pw"]
    files: dict[str, str] = {}
    if draw(st.booleans()):
        files["extra.yaml"] = "services:\n  extra:\n    image: busybox\n    command: [sleep, '1']\n"
        top = ["include:", "  - extra.yaml", *top]
    files["compose.yaml"] = "\n".join([*top, *body]) + "\n"
    env_lines = [f"DB_PASSWORD={planted.new()}", "DB_HOST=localhost"]
    if draw(st.booleans()):
        env_lines.append(f"API_TOKEN={planted.new()} # note")
    if draw(st.booleans()):
        env_lines.append(f"DATABASE_URL=mysql://root:pw:{planted.new()}/x@db")
    files[".env"] = "\n".join(env_lines) + "\n"
    files["app.env"] = f"JWT_SECRET={planted.new()}\nLOG_LEVEL=debug\nEMPTY=\n"
    return files, planted.values


def _run(argv: list[str], cwd: Path) -> tuple[int, str, str]:
    outcome = run_composelint(argv, cwd, cwd / "home")
    return outcome.returncode, outcome.stdout, outcome.stderr


def _check(cwd: Path, secrets: list[str]) -> None:
    runs = [["--format", fmt, "--select", "ALL", "--no-color", "."] for fmt in FORMATS]
    runs += [["config"], ["config", "--format", "json"], ["graph"], ["graph", "--format", "dot"]]
    for argv in runs:
        code, out, err = _run(argv, cwd)
        assert code in (0, 1, 2), (argv, code, err)
        assert "Traceback" not in out + err, (argv, err)
        assert "CMP900" not in out + err, (argv, out + err)
        leaked = [s for s in secrets if s in out + err]
        assert not leaked, (argv, leaked)
        if argv[:2] in (["--format", fmt] for fmt in _JSON_FORMATS):
            json.loads(out)
        if argv[:2] in (["--format", "json"], ["--format", "text"], ["config"]):
            assert _run(argv, cwd)[1] == out, f"a second run printed other bytes: {argv}"


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(projects())
def test_generated_projects_keep_the_promises(project: tuple[dict[str, str], list[str]]) -> None:
    files, secrets = project
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "home").mkdir()
        for name, text in files.items():
            (root / name).write_text(text)
        _check(root, secrets)
