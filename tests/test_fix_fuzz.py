"""Fuzzing ``--fix`` with projects that combine random fixable findings in one file.

Each generated project mixes what the fix rules look at: an obsolete ``version``,
unquoted ports, a connection to a container name, a generated container name,
``localhost`` or a published port, a missing ``depends_on`` on a service with or
without a healthcheck, a database port on all interfaces, an unescaped ``$``, in
map, list or flow form, and an env_file with spaces, CRLF, a BOM or no final newline.
The properties:

- the fixes converge: after ``--fix`` (with or without ``--unsafe-fixes``),
  ``--diff`` with the same flags has nothing left to print;
- the reference ``docker compose config`` accepts the project before and after.

The seed is fixed (``derandomize``) and the examples few, so that it runs in seconds.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from compose_ref import clean_env, find_compose, run_composelint
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = 30
BINARY = find_compose()


@dataclass(frozen=True)
class Generated:
    compose: str
    env_file: bytes
    unsafe: bool


ENV_LINES = [b"A = 1", b"B=2  ", b"C=x y", b"  D=4", b"E=ok"]


@st.composite
def projects(draw: st.DrawFn) -> Generated:
    version = draw(st.booleans())
    style = draw(st.sampled_from(["map", "list", "flow"]))
    host = draw(st.sampled_from(["db", "ventanas-db", "localhost", "127.0.0.1"]))
    container_name = host == "ventanas-db" or draw(st.booleans())
    published = draw(st.booleans())
    port = draw(st.sampled_from([5432, 5433])) if published else 5432
    cache_host = draw(st.sampled_from(["cache", "fuzz-cache-1"]))
    healthcheck = draw(st.booleans())
    depends = draw(st.sampled_from(["none", "list", "map"]))
    dollar = draw(st.booleans())
    ports = draw(st.lists(st.sampled_from(["22:22", "8080:80", "2222:22", "53:53"]), max_size=3))

    env = {
        "DATABASE_URL": f"postgresql://app@{host}:{port}/app",
        "CACHE_URL": f"redis://{cache_host}:6379/0",
    }
    if dollar:
        env["GREETING"] = "pa$word"
    lines = ['version: "3.8"\n'] if version else []
    lines += ["name: fuzz\n", "services:\n", "  app:\n", "    image: acme/app:1.0\n"]
    if ports:
        lines += ["    ports:\n", *(f"      - {p}\n" for p in dict.fromkeys(ports))]
    if style == "flow":
        pairs = ", ".join(f'{key}: "{value}"' for key, value in env.items())
        lines.append(f"    environment: {{{pairs}}}\n")
    else:
        lines.append("    environment:\n")
        for key, value in env.items():
            lines.append(
                f"      - {key}={value}\n" if style == "list" else f"      {key}: {value}\n"
            )
    lines.append("    env_file: app.env\n")
    if depends == "list":
        lines += ["    depends_on:\n", "      - cache\n"]
    elif depends == "map":
        lines += ["    depends_on:\n", "      cache:\n", "        condition: service_started\n"]
    lines += ["  db:\n", "    image: postgres:16\n"]
    if container_name:
        lines.append("    container_name: ventanas-db\n")
    if published:
        lines.append('    ports: ["5433:5432"]\n')
    if healthcheck:
        lines += ["    healthcheck:\n", '      test: ["CMD", "pg_isready"]\n']
    lines += ["  cache:\n", "    image: redis:7\n"]

    chosen = draw(st.lists(st.sampled_from(ENV_LINES), min_size=1, max_size=4, unique=True))
    eol = b"\r\n" if draw(st.booleans()) else b"\n"
    env_file = eol.join(chosen) + (eol if draw(st.booleans()) else b"")
    if draw(st.booleans()):
        env_file = b"\xef\xbb\xbf" + env_file
    return Generated("".join(lines), env_file, draw(st.booleans()))


def _accepted(project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    assert BINARY is not None
    return subprocess.run(
        [BINARY, "config", "-q"],
        cwd=project,
        env=clean_env(home),
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.skipif(BINARY is None, reason="the reference docker-compose is not installed")
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(projects())
def test_random_fixable_projects_converge_and_compose_accepts_them(case: Generated) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        project = Path(tmp) / "fuzz"
        project.mkdir()
        (project / "compose.yaml").write_text(case.compose)
        (project / "app.env").write_bytes(case.env_file)
        assert _accepted(project, home).returncode == 0, case.compose  # the generator is right
        flags = ["--isolated", *(["--unsafe-fixes"] if case.unsafe else [])]
        fixed = run_composelint([*flags, "--fix", "."], project, home)
        assert fixed.returncode in (0, 1), fixed.stderr
        assert "did not settle" not in fixed.stderr
        left = run_composelint([*flags, "--diff", "."], project, home)
        assert (left.returncode, left.stdout) == (0, ""), case
        after = _accepted(project, home)
        assert after.returncode == 0, (after.stderr, (project / "compose.yaml").read_text())
