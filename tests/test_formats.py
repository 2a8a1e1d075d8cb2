"""Output formats: golden reports through the real CLI, SARIF schema validation,
escaping, secret masking, fingerprints, ``--output-file`` and ``--format auto``.

The golden files live in ``tests/golden/`` (one per format). After an intended
change of a report (a reworded message, a new field), regenerate them with

    COMPOSELINT_UPDATE_GOLDEN=1 python -m pytest tests/test_formats.py

and review the diff before committing.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from composelint.cli import main
from composelint.lint.fingerprint import fingerprint, fingerprints
from composelint.model.findings import Edit, Finding, Fix, Related, Severity
from composelint.model.project import SourceFile
from composelint.model.span import Span
from composelint.output.reporters import FORMATS, Report, render

GOLDEN = Path(__file__).resolve().parent / "golden"
SARIF_SCHEMA = (
    Path(__file__).resolve().parents[2] / "shared" / "reference" / "sarif-schema-2.1.0.json"
)
UPDATE = os.environ.get("COMPOSELINT_UPDATE_GOLDEN") == "1"
GOLDEN_FORMATS = {
    "concise": "txt",
    "sarif": "json",
    "github": "txt",
    "gitlab": "json",
    "checkstyle": "xml",
    "junit": "xml",
    "rdjson": "json",
}
# only rules whose findings the goldens are about: new rules must not change them
SELECT = "CMP003,CMP006,CMP010,CMP401,CMP501"

COMPOSE = """\
include:
  - https://github.com/example/stack.git
services:
  web:
    image: nginx
    image: "nginx:${TAG}"
    networks: ["é", front]
    environment:
      DB_PASSWORD: hunter2
  clean:
    image: redis
"""
ENV = "HOST=db\nA B=1\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with findings in compose.yaml and .env; cwd is its directory."""
    (tmp_path / "compose.yaml").write_text(COMPOSE, encoding="utf-8")
    (tmp_path / ".env").write_text(ENV, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--select", SELECT, *args, "."])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt", sorted(GOLDEN_FORMATS))
def test_golden_report(fmt: str, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--format", fmt)
    assert (code, err) == (1, "")
    golden = GOLDEN / f"formats.{fmt}.{GOLDEN_FORMATS[fmt]}"
    if UPDATE:
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")
    assert "hunter2" not in out


def test_goldens_cover_every_new_format() -> None:
    assert set(GOLDEN_FORMATS) == set(FORMATS) - {"text", "json"}


def test_golden_project_findings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The goldens are about these six findings (two files, every severity)."""
    _, out, _ = run(capsys, "--format", "concise")
    heads = [line.split(" ", 2)[:2] for line in out.splitlines()[:-1]]
    assert heads == [
        [".env:2:1:", "CMP401"],
        ["compose.yaml:2:5:", "CMP010"],
        ["compose.yaml:6:5:", "CMP003"],
        ["compose.yaml:6:19:", "CMP501"],
        ["compose.yaml:7:16:", "CMP006"],
        ["compose.yaml:7:21:", "CMP006"],
    ]
    assert out.splitlines()[-1] == "Found 4 errors, 1 warning, 1 info in 2 files."


def test_rdjson_columns_are_utf8_bytes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--format", "rdjson")
    front = json.loads(out)["diagnostics"][-1]
    assert front["message"].endswith("network front")
    # `    networks: ["é", front]`: "front" starts at character 21, byte 22 ("é" is 2 bytes)
    assert front["location"]["range"] == {
        "start": {"line": 7, "column": 22},
        "end": {"line": 7, "column": 27},
    }


def test_github_severities(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--format", "github")
    assert [line.split(" ", 1)[0] for line in out.splitlines()] == [
        "::error",
        "::notice",
        "::error",
        "::warning",
        "::error",
        "::error",
    ]


# --- SARIF -------------------------------------------------------------------


def sarif_validator() -> Any:
    if not SARIF_SCHEMA.is_file():
        pytest.skip("the SARIF schema (../shared/reference) is not available")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def assert_valid_sarif(text: str) -> dict[str, Any]:
    doc = json.loads(text)
    errors = sorted(sarif_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []
    return doc


def test_sarif_golden_is_valid(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--format", "sarif")
    run_ = assert_valid_sarif(out)["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["CMP401", "CMP010", "CMP003", "CMP501", "CMP006"]
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    dup = run_["results"][2]
    assert dup["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 5
    assert rules[2]["defaultConfiguration"] == {"level": "error"}
    assert rules[2]["shortDescription"] == {"text": "A YAML mapping defines the same key twice"}
    assert rules[2]["help"]["markdown"].count("## ") == 4
    assert run_["invocations"] == [{"executionSuccessful": True}]


def synthetic() -> Report:
    """Findings with a fix, notes, secrets, awkward characters and no location."""
    compose = (
        "services:\n  web:\n    depend_on: [db]\n    environment:\n      DB_PASSWORD: hunter2\n"
    )
    sources = {
        "dir one/compose.yaml": SourceFile(
            Path("/p/dir one/compose.yaml"), "dir one/compose.yaml", "compose", compose
        ),
        ".env": SourceFile(Path("/p/.env"), ".env", "env", "API_TOKEN=tok-abc-123\n"),
    }
    findings = [
        Finding("CMP001", "file-unreadable", Severity.ERROR, "missing.yaml: no such file", None),
        Finding(
            "CMP005",
            "schema-violation",
            Severity.ERROR,
            'unknown key "depend_on" <&> 100%,\nreally: yes\x01',
            Span("dir one/compose.yaml", 3, 5, 3, 14),
            fix=Fix(
                "rename to depends_on",
                (Edit(Span("dir one/compose.yaml", 3, 5, 3, 14), "depends_on"),),
            ),
        ),
        Finding(
            "CMP999",
            "demo",
            Severity.WARNING,
            "DB_PASSWORD=hunter2 looks weak",
            Span("dir one/compose.yaml", 5, 20, 5, 27),
            (Related(Span(".env", 1, 1, 1, 22), "API_TOKEN=tok-abc-123 is set here"),),
            Fix(
                "use a secret",
                (Edit(Span("dir one/compose.yaml", 5, 20, 5, 27), "${DB_PASSWORD:-hunter2}"),),
            ),
            help="replace DB_PASSWORD=hunter2 by a secret",
            note="API_TOKEN=tok-abc-123 leaks_too",
        ),
    ]
    return Report(findings, [".env", "dir one/compose.yaml", "ok.yaml"], sources)


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_prints_a_secret(fmt: str) -> None:
    out = render(fmt, synthetic())
    assert "hunter2" not in out
    assert "tok-abc-123" not in out


def test_sarif_fixes_notes_and_unlocated_findings() -> None:
    doc = json.loads(render("sarif", synthetic()))
    run_ = doc["runs"][0]
    assert run_["invocations"] == [
        {
            "executionSuccessful": False,
            "toolExecutionNotifications": [
                {
                    "level": "error",
                    "message": {"text": "missing.yaml: no such file"},
                    "descriptor": {"id": "CMP001"},
                }
            ],
        }
    ]
    schema, demo = run_["results"]
    assert schema["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "dir%20one/compose.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    assert schema["fixes"] == [
        {
            "description": {"text": "rename to depends_on"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "dir%20one/compose.yaml", "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 3,
                                "startColumn": 5,
                                "endLine": 3,
                                "endColumn": 14,
                            },
                            "insertedContent": {"text": "depends_on"},
                        }
                    ],
                }
            ],
        }
    ]
    assert demo["level"] == "warning"
    assert demo["relatedLocations"][0]["id"] == 1
    assert demo["relatedLocations"][0]["message"] == {"text": "API_TOKEN=**** is set here"}
    # the message is the text; note and help are Markdown paragraphs and properties
    assert demo["message"] == {
        "text": "DB_PASSWORD=**** looks weak",
        "markdown": "DB\\_PASSWORD=\\*\\*\\*\\* looks weak\n\n"
        "API\\_TOKEN=\\*\\*\\*\\* leaks\\_too\n\n"
        "**help:** replace DB\\_PASSWORD=\\*\\*\\*\\* by a secret",
    }
    assert demo["properties"] == {
        "note": "API_TOKEN=**** leaks_too",
        "help": "replace DB_PASSWORD=**** by a secret",
    }
    assert schema["message"] == {"text": 'unknown key "depend_on" <&> 100%,\nreally: yes\x01'}
    assert "properties" not in schema
    # rules unknown to the report (no registry passed) still get a descriptor
    assert run_["tool"]["driver"]["rules"][1] == {
        "id": "CMP999",
        "name": "demo",
        "defaultConfiguration": {"level": "warning"},
    }
    assert_valid_sarif(render("sarif", synthetic()))


def test_sarif_absolute_path_is_a_file_uri() -> None:
    f = Finding(
        "CMP006", "undefined-reference", Severity.ERROR, "m", Span("/abs/c d.yaml", 1, 1, 1, 2)
    )
    loc = json.loads(render("sarif", Report([f], [])))["runs"][0]["results"][0]["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"] == {"uri": "file:///abs/c%20d.yaml"}


# --- escaping and unlocated findings in the other formats --------------------------


def test_github_escaping() -> None:
    f = Finding(
        "CMP005",
        "schema-violation",
        Severity.INFO,
        "100% sure,\r\nreally: yes",
        Span("a:b,c.yaml", 2, 3, 4, 1),
        (Related(Span("x.yaml", 1, 2, 1, 3), "see"),),
        help="fix it, now",
        note="not in the annotation",
    )
    line_end = Finding("CMP003", "duplicate-key", Severity.WARNING, "m", Span("b.yaml", 2, 3, 3, 1))
    unlocated = Finding("CMP900", "internal-error", Severity.ERROR, "boom: 50%", None)
    assert render("github", Report([unlocated, line_end, f], [])) == (
        "::error title=CMP900 internal-error::boom: 50%25\n"
        "::warning file=b.yaml,line=2,col=3,endLine=2,title=CMP003 duplicate-key::m\n"
        "::notice file=a%3Ab%2Cc.yaml,line=2,endLine=3,title=CMP005 schema-violation"
        "::100%25 sure,%0D%0Areally: yes%0Ahelp: fix it, now%0Arelated: x.yaml:1:2: see\n"
    )


def test_concise_keeps_one_line_per_finding() -> None:
    out = render("concise", synthetic())
    assert out.splitlines() == [
        "CMP001 missing.yaml: no such file",
        'dir one/compose.yaml:3:5: CMP005 unknown key "depend_on" <&> 100%, really: yes\x01',
        "dir one/compose.yaml:5:20: CMP999 DB_PASSWORD=**** looks weak",
        "Found 2 errors, 1 warning in 1 file.",
    ]


def test_checkstyle_is_well_formed_and_escaped() -> None:
    root = ET.fromstring(render("checkstyle", synthetic()))
    assert root.tag == "checkstyle" and root.get("version") == "4.3"
    files = {f.get("name"): [e.attrib for e in f] for f in root}
    assert list(files) == [".", ".env", "dir one/compose.yaml", "ok.yaml"]
    assert files["."] == [
        {
            "line": "1",
            "severity": "error",
            "message": "missing.yaml: no such file",
            "source": "composelint.CMP001",
        }
    ]
    assert files[".env"] == [] and files["ok.yaml"] == []
    assert files["dir one/compose.yaml"][0] == {
        "line": "3",
        "column": "5",
        "severity": "error",
        "message": 'unknown key "depend_on" <&> 100%,\nreally: yes\ufffd',
        "source": "composelint.CMP005",
    }
    assert files["dir one/compose.yaml"][1]["message"] == (
        "DB_PASSWORD=**** looks weak; help: replace DB_PASSWORD=**** by a secret"
    )


def test_junit_is_well_formed() -> None:
    root = ET.fromstring(render("junit", synthetic()))
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("5", "3")
    cases = [(c.get("classname"), c.get("name"), c.find("failure")) for c in suite]
    assert [(c, n) for c, n, _ in cases] == [
        ("composelint", "CMP001 file-unreadable"),
        (".env", ".env"),
        ("dir one/compose.yaml", "dir one/compose.yaml:3:5 CMP005 schema-violation"),
        ("dir one/compose.yaml", "dir one/compose.yaml:5:20 CMP999 demo"),
        ("ok.yaml", "ok.yaml"),
    ]
    assert cases[1][2] is None and cases[4][2] is None
    failure = cases[3][2]
    assert failure is not None and failure.get("type") == "CMP999"
    assert failure.text == (
        "dir one/compose.yaml:5:20: CMP999 [warning] DB_PASSWORD=**** looks weak\n"
        "note: API_TOKEN=**** leaks_too\n"
        "help: replace DB_PASSWORD=**** by a secret\n"
        "related: .env:1:1: API_TOKEN=**** is set here"
    )
    assert failure.get("message") == "DB_PASSWORD=**** looks weak"


def test_gitlab_unlocated_and_multiline() -> None:
    f = Finding("CMP005", "schema-violation", Severity.WARNING, "m", Span("c.yaml", 2, 3, 5, 1))
    unlocated = Finding("CMP001", "file-unreadable", Severity.ERROR, "x: no such file", None)
    issues = json.loads(render("gitlab", Report([unlocated, f], [])))
    helped = json.loads(render("gitlab", synthetic()))[2]
    assert helped["description"] == (
        "CMP999 DB_PASSWORD=**** looks weak; help: replace DB_PASSWORD=**** by a secret"
    )
    assert [(i["severity"], i["location"]) for i in issues] == [
        ("critical", {"path": ".", "lines": {"begin": 1, "end": 1}}),
        ("major", {"path": "c.yaml", "lines": {"begin": 2, "end": 4}}),
    ]


def test_rdjson_suggestions_and_unlocated() -> None:
    doc = json.loads(render("rdjson", synthetic()))
    unlocated, schema, demo = doc["diagnostics"]
    assert "location" not in unlocated
    assert schema["suggestions"] == [
        {
            "range": {"start": {"line": 3, "column": 5}, "end": {"line": 3, "column": 14}},
            "text": "depends_on",
        }
    ]
    assert demo["severity"] == "WARNING"
    assert demo["message"] == (
        "DB_PASSWORD=**** looks weak\n"
        "note: API_TOKEN=**** leaks_too\n"
        "help: replace DB_PASSWORD=**** by a secret"
    )
    assert demo["related_locations"][0]["location"]["path"] == ".env"


# --- fingerprints ---------------------------------------------------------------


def _finding(line: int, message: str = "m", code: str = "CMP006") -> Finding:
    return Finding(
        code, "undefined-reference", Severity.ERROR, message, Span("c.yaml", line, 5, line, 9)
    )


def test_fingerprint_survives_unrelated_edits() -> None:
    before = "services:\n  web:\n    networks: [front]\n"
    after = "# a comment\nservices:\n  web:\n      networks:   [front]\n"
    fp = fingerprint(_finding(3, "undefined network front"), before)
    assert fingerprint(_finding(4, "network front is not defined"), after) == fp
    assert len(fp) == 32 and int(fp, 16) >= 0
    # a different line content, rule or path is a different problem
    assert fingerprint(_finding(3), "services:\n  web:\n    networks: [back]\n") != fp
    assert fingerprint(_finding(3, code="CMP007"), before) != fp


def test_fingerprint_ignores_secret_values_and_counts_occurrences() -> None:
    a = fingerprint(_finding(1), "DB_PASSWORD: hunter2\n")
    assert a == fingerprint(_finding(1), "DB_PASSWORD: changed\n")
    text = "x: [a, a]\n"
    sources = {"c.yaml": SourceFile(Path("/c.yaml"), "c.yaml", "compose", text)}
    first, second = fingerprints([_finding(1), _finding(1)], sources)
    assert first == fingerprint(_finding(1), text) and second == fingerprint(_finding(1), text, 1)
    assert first != second


# --- --output-file and --format auto ---------------------------------------------


def test_output_file_gets_the_report_stdout_the_summary(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--format", "sarif", "--output-file", "report.sarif")
    assert (code, out, err) == (1, "Found 4 errors, 1 warning, 1 info in 2 files.\n", "")
    written = (project / "report.sarif").read_text(encoding="utf-8")
    assert written == (GOLDEN / "formats.sarif.json").read_text(encoding="utf-8")


def test_output_file_unwritable_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--output-file", "no/such/dir/report.txt")
    assert (code, out) == (2, "")
    assert err.startswith("composelint: error: cannot write the report to no/such/dir/report.txt:")


def test_format_auto(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = run(capsys, "--format", "auto")
    assert out.startswith(".env:2:1: CMP401 [error] key cannot contain a space (env-syntax)\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out, _ = run(capsys, "--format", "auto")
    assert out == (GOLDEN / "formats.github.txt").read_text(encoding="utf-8")
