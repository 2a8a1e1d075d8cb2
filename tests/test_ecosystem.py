"""The ecosystem check: composelint's findings on the shared corpus of real projects
match the reviewed snapshot, no project Compose accepts gets an error, and every
warning or error is covered by a verdict (see tests/ecosystem/README.md)."""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "tests" / "ecosystem" / "snapshot.tsv"
VERDICTS = ROOT / "tests" / "ecosystem" / "verdicts.tsv"
sys.path.insert(0, str(ROOT))

from bench import ecosystem  # noqa: E402

needs_corpus = pytest.mark.skipif(
    not ecosystem.cases(), reason="the shared corpus (../shared/corpus) is not here"
)


@dataclass(frozen=True)
class Row:
    project: str
    compose: str
    code: str
    name: str
    where: str
    severity: str
    key: str


def _rows(lines: list[str]) -> list[Row]:
    return [Row(*line.split("\t")) for line in lines if line and not line.startswith("#")]


@dataclass(frozen=True)
class Verdict:
    code: str
    key: re.Pattern[str]
    project: re.Pattern[str]
    verdict: str
    reason: str

    def covers(self, row: Row) -> bool:
        return (
            self.code == row.code
            and bool(self.key.fullmatch(row.key))
            and bool(self.project.search(row.project))
        )


def _verdicts() -> list[Verdict]:
    with VERDICTS.open(encoding="utf-8") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    out = []
    for line in lines:
        code, key, project, verdict, reason = line.rstrip("\n").split("\t")
        out.append(Verdict(code, re.compile(key), re.compile(project), verdict, reason))
    return out


def _snapshot_rows() -> list[Row]:
    return _rows(SNAPSHOT.read_text(encoding="utf-8").splitlines())


@needs_corpus
def test_findings_on_the_corpus_match_the_snapshot() -> None:
    now = "\n".join([*ecosystem.header(), *ecosystem.snapshot()]) + "\n"
    old = SNAPSHOT.read_text(encoding="utf-8")
    if now != old:
        diff = "".join(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                now.splitlines(keepends=True),
                "tests/ecosystem/snapshot.tsv",
                "now",
                n=0,
            )
        )
        pytest.fail(
            "findings on the corpus moved; review the diff, then refresh with "
            "python bench/ecosystem.py -o tests/ecosystem/snapshot.tsv\n" + diff
        )


def test_no_error_on_a_project_compose_accepts() -> None:
    errors = [r for r in _snapshot_rows() if r.compose == "ok" and r.severity == "error"]
    assert errors == []


def test_every_warning_and_error_has_a_verdict() -> None:
    verdicts = _verdicts()
    assert {v.verdict for v in verdicts} <= {"tp", "debatable"}
    assert all(v.reason.strip() for v in verdicts)
    uncovered = sorted(
        {
            f"{r.code}\t{r.key}\t{r.project}"
            for r in _snapshot_rows()
            if r.severity in ("warning", "error") and not any(v.covers(r) for v in verdicts)
        }
    )
    assert uncovered == [], "add a verdict (or fix the rule):\n" + "\n".join(uncovered)


def test_every_verdict_still_matches_a_finding() -> None:
    rows = [r for r in _snapshot_rows() if r.severity in ("warning", "error")]
    stale = [f"{v.code} {v.key.pattern}" for v in _verdicts() if not any(v.covers(r) for r in rows)]
    assert stale == [], "remove verdicts that no longer match anything"
