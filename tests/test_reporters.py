from __future__ import annotations

import json

from conftest import make_project

from composelint.model.findings import Edit, Finding, Fix, Related, Severity
from composelint.model.project import SourceFile
from composelint.model.span import Span
from composelint.output.reporters import Report, render
from composelint.output.reporters.text import summary

COMPOSE = """\
services:
  web:
    image: nginx
    depend_on: [db]
    environment:
      DB_PASSWORD: hunter2
"""
ENV = "TAG=1.27\nAPI_TOKEN=tok-abc-123\n"


def sources() -> dict[str, SourceFile]:
    return {
        "compose.yaml": SourceFile(
            __import__("pathlib").Path("/p/compose.yaml"), "compose.yaml", "compose", COMPOSE
        ),
        ".env": SourceFile(__import__("pathlib").Path("/p/.env"), ".env", "env", ENV),
    }


def findings() -> list[Finding]:
    return [
        Finding(
            "CMP005",
            "schema-violation",
            Severity.ERROR,
            'services.web: unknown key "depend_on" (did you mean "depends_on"?)',
            Span("compose.yaml", 4, 5, 4, 14),
            fix=Fix(
                "rename to depends_on", (Edit(Span("compose.yaml", 4, 5, 4, 14), "depends_on"),)
            ),
        ),
        Finding(
            "CMP999",
            "demo",
            Severity.WARNING,
            "value of DB_PASSWORD=hunter2 looks weak",
            Span("compose.yaml", 6, 20, 6, 27),
            (Related(Span(".env", 2, 1, 2, 22), "API_TOKEN=tok-abc-123 is set here"),),
            help="use a longer password than DB_PASSWORD=hunter2",
            note="a dictionary attack guesses API_TOKEN=tok-abc-123 in seconds",
        ),
        Finding("CMP001", "file-unreadable", Severity.ERROR, "missing.yaml: no such file", None),
    ]


def test_text_report_byte_for_byte() -> None:
    out = render("text", Report(findings(), ["compose.yaml", ".env"], sources()))
    assert out == (
        'compose.yaml:4:5: CMP005 [error] services.web: unknown key "depend_on" (did you mean "depends_on"?) (schema-violation)\n'
        "4 |     depend_on: [db]\n"
        "  |     ^^^^^^^^^\n"
        "  = fix (unsafe): rename to depends_on\n"
        "\n"
        "compose.yaml:6:20: CMP999 [warning] value of DB_PASSWORD=**** looks weak (demo)\n"
        "6 |       DB_PASSWORD: ****\n"
        "  |                    ^^^^\n"
        "  = related: .env:2:1: API_TOKEN=**** is set here\n"
        "  = note: a dictionary attack guesses API_TOKEN=**** in seconds\n"
        "  = help: use a longer password than DB_PASSWORD=****\n"
        "\n"
        "CMP001 [error] missing.yaml: no such file (file-unreadable)\n"
        "\n"
        "Found 2 errors, 1 warning in 1 file.\n"
        "1 fixable with --fix --unsafe-fixes.\n"
    )


def test_text_report_without_findings() -> None:
    assert render("text", Report([], ["compose.yaml"], sources())) == "All checks passed.\n"


def test_summary_counts() -> None:
    def f(sev: str, path: str | None) -> Finding:
        return Finding("X001", "x", Severity(sev), "m", Span(path, 1, 1, 1, 2) if path else None)

    assert summary([f("error", "a")]) == "Found 1 error in 1 file."
    assert (
        summary([f("warning", "a"), f("warning", "b"), f("info", "b")])
        == "Found 2 warnings, 1 info in 2 files."
    )
    assert summary([f("info", None), f("info", None)]) == "Found 2 info."


def test_text_frames_multiline_spans_and_tabs() -> None:
    text = "services:\n  web:\n\timage: x\n    command: >\n      a\n      b\n      c\n      d\n"
    src = {"c.yaml": SourceFile(__import__("pathlib").Path("/c.yaml"), "c.yaml", "compose", text)}
    tab = Finding("X001", "x", Severity.INFO, "tab", Span("c.yaml", 3, 2, 3, 7))
    multi = Finding("X002", "x", Severity.INFO, "multi", Span("c.yaml", 4, 14, 9, 1))
    out = render("text", Report([tab, multi], ["c.yaml"], src))
    assert "3 | \timage: x\n  | \t^^^^^\n" in out
    assert (
        "4 |     command: >\n  |              ^\n5 |       a\n6 |       b\n  | ... (2 more lines)\n"
    ) in out


def test_colour_highlights_only_when_asked() -> None:
    plain = render("text", Report(findings(), [], sources()))
    assert "\x1b[" not in plain
    coloured = render("text", Report(findings(), [], sources(), color=True))
    assert "\x1b[1;31m[error]\x1b[0m" in coloured
    assert "hunter2" not in coloured and "tok-abc-123" not in coloured


def test_json_report_shape() -> None:
    doc = json.loads(render("json", Report(findings(), ["compose.yaml", ".env"], sources())))
    assert list(doc) == ["version", "files", "findings"]
    assert doc["files"] == ["compose.yaml", ".env"]
    first, second, third = doc["findings"]
    assert first == {
        "code": "CMP005",
        "name": "schema-violation",
        "severity": "error",
        "message": 'services.web: unknown key "depend_on" (did you mean "depends_on"?)',
        "help": None,
        "note": None,
        "file": "compose.yaml",
        "line": 4,
        "column": 5,
        "end_line": 4,
        "end_column": 14,
        "related": [],
        "fix": {
            "description": "rename to depends_on",
            "applicability": "unsafe",
            "edits": [
                {
                    "file": "compose.yaml",
                    "line": 4,
                    "column": 5,
                    "end_line": 4,
                    "end_column": 14,
                    "replacement": "depends_on",
                }
            ],
        },
    }
    assert second["related"] == [
        {"file": ".env", "line": 2, "column": 1, "message": "API_TOKEN=**** is set here"}
    ]
    assert second["message"] == "value of DB_PASSWORD=**** looks weak"
    assert second["help"] == "use a longer password than DB_PASSWORD=****"
    assert second["note"] == "a dictionary attack guesses API_TOKEN=**** in seconds"
    assert list(second) == [
        "code",
        "name",
        "severity",
        "message",
        "help",
        "note",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "related",
        "fix",
    ]
    assert (
        third["file"],
        third["line"],
        third["column"],
        third["end_line"],
        third["end_column"],
    ) == (None,) * 5


SECRETS_COMPOSE = """\
services:
  api:
    image: acme/api
    environment:
      DB_PASSWORD: hunter2
      DATABASE_URL: postgres://app:pg-pass-1@db:5432/app
      - LEGACY_TOKEN=legacy-tok-9
    command: ["serve", "--api-key=key-777"]
    healthcheck:
      test: curl -f http://admin:admin-pw-5@localhost/health
x-tls:
  TLS_PRIVATE_KEY: |
    -----BEGIN PRIVATE KEY-----
    MIIEvQIBADANBgkqhkiG9w0BAQEFAASC
    -----END PRIVATE KEY-----
"""
SECRETS_ENV = 'REDIS_PASSWORD=redis-pw-3\nexport STRIPE_KEY="sk_live_4242"\nJDBC=jdbc:mysql://db/x?user=a&password=jdbc-pw-8\n'
SECRET_VALUES = [
    "hunter2",
    "pg-pass-1",
    "legacy-tok-9",
    "key-777",
    "admin-pw-5",
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
    "redis-pw-3",
    "sk_live_4242",
    "jdbc-pw-8",
]


def test_no_secret_reaches_any_reporter() -> None:
    project = make_project("services: {}\n", extra_sources={".env": ("env", SECRETS_ENV)})
    from composelint.model.project import SourceFile as SF

    project.sources["compose.yaml"] = SF(
        project.directory / "compose.yaml", "compose.yaml", "compose", SECRETS_COMPOSE
    )
    spans = [
        Span("compose.yaml", n, 1, n + 1, 1) for n in range(1, SECRETS_COMPOSE.count("\n") + 1)
    ]
    spans += [Span(".env", n, 1, n, 40) for n in (1, 2, 3)]
    found = [
        Finding(
            "X001",
            "x",
            Severity.WARNING,
            f"DB_PASSWORD=hunter2 and postgres://app:pg-pass-1@db in line {s.line}",
            s,
            (Related(Span(".env", 1, 1, 1, 2), "REDIS_PASSWORD=redis-pw-3 came from here"),),
            Fix("use --api-key=key-777", (Edit(s, "password=jdbc-pw-8"),)),
            help="not LEGACY_TOKEN=legacy-tok-9",
            note="see http://admin:admin-pw-5@localhost/health",
        )
        for s in spans
    ]
    for fmt in ("text", "json"):
        for color in (False, True):
            out = render(fmt, Report(found, list(project.sources), project.sources, color=color))
            leaked = [v for v in SECRET_VALUES if v in out]
            assert leaked == [], (fmt, color, leaked)
