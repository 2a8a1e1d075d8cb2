"""The same input gives the same bytes on every run, whatever the hash seed.

Two compose files in one directory that share an env_file report the same finding
twice, once per project, differing only in the related location; the order of
such findings once depended on ``set`` iteration order (``PYTHONHASHSEED``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

RUNS = 20


def _tree(root: Path) -> None:
    for name in ("one", "two"):
        d = root / name
        d.mkdir()
        for compose in ("compose.yaml", "compose.other.yaml"):
            (d / compose).write_text(
                "services:\n  web:\n    image: nginx\n    env_file: [shared.env]\n"
                "    environment:\n      API_URL: http://localhost:8080/x\n"
            )
        (d / "shared.env").write_text(
            "DB_HOST=localhost\nDATABASE_URL=postgres://u:p@localhost/x\nX = 1\n"
        )


def test_twenty_runs_give_the_same_bytes(tmp_path: Path) -> None:
    _tree(tmp_path)
    outputs = set()
    for seed in range(RUNS):
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        run = subprocess.run(
            [sys.executable, "-m", "composelint", "--format", "json", "--select", "ALL", "."],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            check=False,
        )
        assert run.returncode == 0, run.stderr  # warnings only: below the default fail-on
        outputs.add(run.stdout)
    assert len(outputs) == 1
    assert b'"DB_HOST is loaded by this env_file"' in outputs.pop()
