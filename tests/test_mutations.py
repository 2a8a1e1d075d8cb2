"""Bad input never produces a traceback: randomly damaged copies of the fixture
projects (deterministic seed) are linted end to end; every run must end with a
valid report, an exit code of 0, 1 or 2, and no internal-error finding."""

from __future__ import annotations

import io
import json
import os
import random
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from composelint.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "projects"
SOURCES = sorted(FIXTURES.glob("*/*.yaml")) + sorted(FIXTURES.glob("*/*.yml"))
ENVS = sorted(FIXTURES.glob("*/.env")) + sorted(FIXTURES.glob("*/*.env"))
FRAGMENTS = [
    "${", "}", ":", "- ", "\t", "&a ", "*a", "<<: ", "!reset ", '"', "'", "#", "\n  ",
    "[", "{", "$$", "${X:?}", "${X/a/b}", "localhost", "@", "://", "\x00", "\ufeff", "---\n",
]  # fmt: skip


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 6)):
        pos = rng.randint(0, max(0, len(text) - 1))
        roll = rng.random()
        if roll < 0.3:
            text = text[:pos] + text[pos + rng.randint(1, 20) :]
        elif roll < 0.7:
            text = text[:pos] + rng.choice(FRAGMENTS) + text[pos:]
        else:  # duplicate a slice elsewhere (duplicate keys, stray nesting)
            j = rng.randint(0, max(0, len(text) - 1))
            text = text[:pos] + text[j : j + 40] + text[pos:]
    return text


@pytest.mark.parametrize("seed", range(6))
def test_damaged_projects_are_reported_not_crashed(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    for i in range(60):
        project = tmp_path / f"p{i}"
        project.mkdir()
        (project / "compose.yaml").write_text(mutate(rng.choice(SOURCES).read_text(), rng))
        if ENVS and rng.random() < 0.5:
            (project / ".env").write_text(mutate(rng.choice(ENVS).read_text(), rng))
        out, err = io.StringIO(), io.StringIO()
        old = Path.cwd()
        os.chdir(project)
        try:
            with redirect_stdout(out), redirect_stderr(err):
                code = main(["--format", "json", "."])
        finally:
            os.chdir(old)
        assert code in (0, 1, 2), err.getvalue()
        assert "Traceback" not in err.getvalue()
        report = json.loads(out.getvalue())
        internal = [f["message"] for f in report["findings"] if f["code"] == "CMP900"]
        assert internal == [], (seed, i, internal)
