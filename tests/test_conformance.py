"""Differential conformance: ``composelint config`` against ``docker compose config``.

For every fixture project under ``tests/fixtures/projects/``, both ``examples/``
projects and, when the shared corpus is present, every compose file its
``INDEX_extra.tsv`` marks as an *entry* (run as ``-f <name>`` in the file's
folder), both tools run in the same directory with the same arguments and the
same environment (only ``PATH`` and ``HOME``, so no ``COMPOSE_*`` variable leaks in):

* compose accepts the project: the JSON model printed by
  ``composelint config --format json --show-secrets`` must equal compose's
  ``config --format json`` output;
* compose rejects it: ``composelint --format json`` must report at least one
  error-level finding, or exit 2 (could not lint) with something other than a
  usage error.

No normalisation is applied: composelint prints the model the way compose does,
including compose's escaping of every literal ``$`` as ``$$`` (compose-facts,
"Oracle caveat") and its JSON output's omission of ``x-`` keys below the top level.

Things that might look like they need normalising but do not:

* absolute paths (build contexts, bind sources, env/secret files) and ``~``
  expansion are equal by construction, because both tools run in the same
  directory with the same ``HOME``;
* key order is irrelevant (models are compared as parsed JSON);
* profiles: both tools get ``--profile '*'`` when the case names no profile, so
  every service is compared (``composelint config`` otherwise follows compose:
  only services without profiles, plus ``COMPOSE_PROFILES``);
* the shell environment: compose always reads it, composelint only with
  ``--use-shell-env``, which the harness passes (the environment is the same clean
  ``PATH``/``HOME`` for both).

The reference binary runs once per project per session (in parallel, for the
selected tests only); its outputs are also written to a session temp directory
for inspection. ``python tests/compose_ref.py`` prints the aggregate figure.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # sibling helper, any import mode

import compose_ref
from compose_ref import Case, Outcome

COMPOSE = compose_ref.find_compose()
FIXTURE_CASES = compose_ref.fixture_cases() + compose_ref.example_cases()
CORPUS_CASES = compose_ref.corpus_cases()

needs_compose = pytest.mark.skipif(COMPOSE is None, reason="reference docker-compose not found")


def _ids(cases: list[Case]) -> list[str]:
    return [c.id.split(":", 1)[1] for c in cases]


@pytest.fixture(scope="session")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``HOME`` both tools see (``~`` in bind mounts expands to it)."""
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="session")
def reference(
    request: pytest.FixtureRequest, home: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Outcome]:
    """Compose's outcome for every case selected in this session, computed once."""
    assert COMPOSE is not None
    selected = {
        item.callspec.params["case"].id: item.callspec.params["case"]
        for item in request.session.items
        if hasattr(item, "callspec") and isinstance(item.callspec.params.get("case"), Case)
    }
    outcomes = compose_ref.run_compose_many(COMPOSE, selected.values(), home)
    cache = tmp_path_factory.mktemp("compose-ref")
    for n, (case_id, outcome) in enumerate(sorted(outcomes.items())):
        record = {"case": case_id, "returncode": outcome.returncode, "stderr": outcome.stderr}
        (cache / f"{n:04d}.json").write_text(json.dumps(record) + "\n" + outcome.stdout)
    return outcomes


def _outcome(reference: dict[str, Outcome], case: Case, home: Path) -> Outcome:
    if case.id not in reference:  # e.g. a test selected after collection
        assert COMPOSE is not None
        reference[case.id] = compose_ref.run_compose(COMPOSE, case, home)
    return reference[case.id]


def _assert_conforms(case: Case, ref: Outcome, home: Path) -> None:
    verdict = compose_ref.judge(case, ref, home)
    if verdict.agree:
        return
    if not verdict.compose_ok:
        pytest.fail(
            f"compose rejects {case.id} ({ref.stderr.strip()[-300:]!r}) "
            f"but composelint reports no error: {verdict.detail}"
        )
    message = f"{case.id}: {verdict.detail}"
    if verdict.detail and not verdict.detail.startswith("composelint"):
        expected = ref.model()
        actual = compose_ref.composelint_config(case, home).model()
        message += (
            f"\n  compose:    {compose_ref.value_at(expected, verdict.detail)!r}"
            f"\n  composelint: {compose_ref.value_at(actual, verdict.detail)!r}"
        )
    pytest.fail(message)


@needs_compose
@pytest.mark.parametrize("case", FIXTURE_CASES, ids=_ids(FIXTURE_CASES))
def test_fixture_is_what_its_name_says(
    case: Case, reference: dict[str, Outcome], home: Path
) -> None:
    """Fixtures named ``reject-*`` are rejected by compose; every other one is accepted."""
    ref = _outcome(reference, case, home)
    if case.cwd.name.startswith("reject-"):
        assert ref.returncode != 0, f"compose accepted {case.cwd.name}"
    else:
        assert ref.returncode == 0, ref.stderr
        assert isinstance(ref.model().get("services"), dict)


@needs_compose
@pytest.mark.parametrize("case", FIXTURE_CASES, ids=_ids(FIXTURE_CASES))
def test_fixture_conforms(case: Case, reference: dict[str, Outcome], home: Path) -> None:
    _assert_conforms(case, _outcome(reference, case, home), home)


@needs_compose
@pytest.mark.parametrize("case", CORPUS_CASES, ids=_ids(CORPUS_CASES))
def test_corpus_entry_conforms(case: Case, reference: dict[str, Outcome], home: Path) -> None:
    _assert_conforms(case, _outcome(reference, case, home), home)


def test_fixture_set_is_not_empty() -> None:
    """Guards against a moved fixture directory silently turning the suite into a no-op."""
    assert len(FIXTURE_CASES) >= 30
    assert {"example:ventanas-prod", "example:ventanas-test"} <= {c.id for c in FIXTURE_CASES}
    assert sum(c.cwd.name.startswith("reject-") for c in FIXTURE_CASES) >= 8


def test_first_difference_names_the_path() -> None:
    expected = {"services": {"a": {"ports": [{"target": 80}], "image": "x"}}}
    assert compose_ref.first_difference(expected, expected) is None
    actual = {"services": {"a": {"ports": [{"target": "80"}], "image": "x"}}}
    assert compose_ref.first_difference(expected, actual) == "services.a.ports[0].target"
    assert compose_ref.first_difference({"a": [1]}, {"a": [1, 2]}) == "a[len]"
    assert compose_ref.first_difference({"a": 1}, {"b": 1}) == "a"
    assert compose_ref.value_at(actual, "services.a.ports[0].target") == "80"
    assert compose_ref.value_at(actual, "services.b") == "<absent>"


def test_unescape_dollars_undoes_compose_escaping_only() -> None:
    printed = {"$${K}": ["pa$$word", "$$$$", 5, None]}
    assert compose_ref.unescape_dollars(printed) == {"${K}": ["pa$word", "$$", 5, None]}


def test_rejects_ignores_usage_errors() -> None:
    assert not compose_ref.rejects(Outcome(2, "", "usage: composelint [-h] ...\n"))
    assert not compose_ref.rejects(Outcome(2, "", "composelint: error: unrecognized flag\n"))
    assert compose_ref.rejects(Outcome(2, "", "compose.yaml: could not parse\n"))
    report = {"version": "1", "files": [], "findings": [{"severity": "error", "code": "X"}]}
    assert compose_ref.rejects(Outcome(1, json.dumps(report), ""))
    report["findings"] = [{"severity": "warning", "code": "X"}]
    assert not compose_ref.rejects(Outcome(1, json.dumps(report), ""))
