"""``bench/bench.py --quick`` still runs and prints every row of the speed table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_bench_quick_prints_every_row() -> None:
    pytest.importorskip("pygls")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for row in (
        "small project",
        "200 services",
        "400 services",
        "tree of 10 small projects",
        "LSP didChange -> diagnostics, 5 services",
        "LSP didChange -> diagnostics, 200 services",
    ):
        assert row in out, out
    assert "exit [" not in out, out  # no run crashed (exit 2 or worse)
