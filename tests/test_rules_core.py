"""The core rules: each fires at the exact line:col and stays silent on a correct project."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_project

from composelint.lint.engine import Engine
from composelint.lint.registry import Registry
from composelint.model.findings import Finding, Related, Severity
from composelint.model.project import Problem, Project
from composelint.model.span import Span

PROBLEM_RULES = [
    ("CMP001", "file-unreadable"),
    ("CMP002", "yaml-syntax"),
    ("CMP003", "duplicate-key"),
    ("CMP004", "interpolation-syntax"),
    ("CMP008", "include-failed"),
    ("CMP009", "extends-failed"),
    ("CMP010", "remote-include"),
    ("CMP011", "project-invalid"),
    ("CMP601", "env-file-missing"),
]


def run(registry: Registry, project: Project, *codes: str) -> list[Finding]:
    return Engine(registry, registry.select(list(codes))).check(project)


def where(findings: list[Finding]) -> list[tuple[str, int, int, str]]:
    return [(f.code, f.span.line, f.span.col, f.message) for f in findings if f.span is not None]


@pytest.mark.parametrize(("code", "rule_name"), PROBLEM_RULES)
def test_problem_backed_rules_report_their_problems_where_they_are(
    registry: Registry, code: str, rule_name: str
) -> None:
    span = Span("compose.yaml", 3, 7, 3, 12)
    note = Related(Span(".env", 1, 1, 1, 5), "defined here")
    problems = [
        Problem(rule_name, "the message", span, (note,)),
        Problem("some-other-rule-x", "not mine", span),
    ]
    rule = registry.get(code)
    assert rule is not None and rule.name == rule_name
    findings = [f for f in run(registry, make_project(problems=problems), code) if f.code == code]
    assert findings == [Finding(code, rule_name, rule.severity, "the message", span, (note,))]
    assert run(registry, make_project(), code) == []


def test_problem_severity_overrides_the_rule_default(registry: Registry) -> None:
    p = Problem(
        "env-file-missing",
        "optional env file b.env not found",
        Span("compose.yaml", 4, 30, 4, 35),
        severity=Severity.INFO,
    )
    (f,) = run(registry, make_project(problems=[p]), "CMP601")
    assert f.severity is Severity.INFO


UNDEFINED = """\
services:
  web:
    image: nginx
    depends_on:
      dbb: {condition: service_started, required: true}
      cache: {condition: service_started, required: false}
      ghost: {condition: service_started, required: false}
    links: [db:database, gone]
    networks: {frontend: null, default: null}
    volumes:
      - {type: volume, source: dta, target: /data}
      - {type: volume, target: /anon}
      - {type: bind, source: ./x, target: /x}
    secrets: [{source: db_pw, target: /run/secrets/db_pw}]
    configs: [{source: nginx_conf, target: /etc/nginx.conf}]
  sidecar:
    image: busybox
    network_mode: service:wbe
    ipc: service:web
    pid: "service:cache"
    volumes_from: [web, "service:nope:ro", "container:other"]
  db:
    image: postgres
networks:
  front: {}
volumes:
  data: {}
secrets:
  db_password: {file: ./pw}
configs: {}
"""
DISABLED = """\
cache:
  image: redis
  profiles: [debug, tools]
"""


def test_undefined_references(registry: Registry) -> None:
    project = make_project(UNDEFINED, disabled=DISABLED)
    found = [
        (f.span.line, f.span.col, f.message, f.help, f.note)
        for f in run(registry, project, "CMP006")
        if f.span is not None
    ]
    assert found == [
        (5, 7, 'service "web" depends on undefined service "dbb"', 'did you mean "db"?', None),
        (7, 7, 'service "web" depends on undefined service "ghost"', None, None),
        (8, 26, 'service "web" links to undefined service "gone"', None, None),
        (
            9,
            16,
            'service "web" refers to undefined network frontend',
            'did you mean "front"?',
            None,
        ),
        (11, 32, 'service "web" refers to undefined volume dta', 'did you mean "data"?', None),
        (
            14,
            24,
            'service "web" refers to undefined secret db_pw',
            'did you mean "db_password"?',
            None,
        ),
        (15, 24, 'service "web" refers to undefined config nginx_conf', None, None),
        (
            18,
            19,
            'service "sidecar" uses the network stack of undefined service "wbe"',
            'did you mean "web"?',
            None,
        ),
        (
            20,
            10,
            'service "sidecar" shares the PID namespace of service "cache", which is disabled by '
            "the active profiles",
            "enable one of them with --profile",
            "its profiles: debug, tools",
        ),
        (21, 25, 'service "sidecar" mounts the volumes of undefined service "nope"', None, None),
    ]
    assert {f.code for f in run(registry, project, "CMP006")} == {"CMP006"}


def test_implicit_dependencies_are_reported_once(registry: Registry) -> None:
    # the normaliser turns links/network_mode into depends_on entries located at the reference
    text = "services:\n  web:\n    image: x\n    links: [ghost]\n    depends_on:\n      ghost: {condition: service_started}\n"
    project = make_project(text)
    web = project.services["web"]
    deps = web.get("depends_on")
    link = web.get("links").items[0]  # type: ignore[union-attr]
    deps.key_spans["ghost"] = link.span  # type: ignore[union-attr]
    assert where(run(registry, project, "CMP006")) == [
        ("CMP006", 4, 13, 'service "web" links to undefined service "ghost"')
    ]


def test_undefined_reference_silent_on_a_correct_project(registry: Registry) -> None:
    text = """\
services:
  web:
    image: nginx
    depends_on: {db: {condition: service_healthy}}
    links: ["db:database"]
    networks: {front: null}
    volumes: [{type: volume, source: data, target: /data}]
    secrets: [{source: pw}]
  side:
    image: x
    network_mode: service:web
    volumes_from: ["container:foreign", "web:ro"]
  db:
    image: postgres
networks: {front: {}}
volumes: {data: {}}
secrets: {pw: {file: ./pw}}
"""
    assert run(registry, make_project(text), "CMP006") == []


def test_network_mode_with_networks(registry: Registry) -> None:
    text = "services:\n  web:\n    image: x\n    network_mode: host\n    networks: [front]\n  ok:\n    image: x\n    network_mode: host\n    networks: []\n"
    (f,) = run(registry, make_project(text), "CMP007")
    assert (f.span.line, f.span.col) == (5, 5)  # type: ignore[union-attr]
    assert f.message == "service web declares mutually exclusive `network_mode` and `networks`"
    assert f.related == (Related(Span("compose.yaml", 4, 5, 4, 17), "network_mode is set here"),)


def test_schema_violation_points_at_the_key_and_suggests(registry: Registry) -> None:
    text = "services:\n  web:\n    image: nginx\n    depend_on: [db]\n  db:\n    image: postgres\n"
    findings = run(registry, make_project(text), "CMP005")
    assert [(f.span.line, f.span.col) for f in findings if f.span] == [(4, 5)]
    assert 'did you mean "depends_on"?' in findings[0].message
    assert run(registry, make_project(text.replace("depend_on", "depends_on")), "CMP005") == []


def test_schema_violation_says_how_to_write_a_mapping_in_a_list_environment(
    registry: Registry,
) -> None:
    text = "services:\n  web:\n    image: nginx\n    environment:\n      - LOG_LEVEL: debug\n"
    (f,) = run(registry, make_project(text), "CMP005")
    assert (f.span.line, f.span.col) == (5, 9)  # type: ignore[union-attr]
    assert f.help == 'write the item as "- KEY=value", or drop the dashes to use map form'
    text = "services:\n  web:\n    image: nginx\n    ports: [{a: b}]\n"
    assert all(f.help is None for f in run(registry, make_project(text), "CMP005"))


# -- end to end, through the real loader and resolver ---------------------------------------


def lint(
    registry: Registry, directory: Path, files: dict[str, str], **options: object
) -> list[Finding]:
    resolve_mod = pytest.importorskip("composelint.resolve.resolver")
    from composelint.load.discover import discover

    for name, text in files.items():
        (directory / name).write_text(text)
    specs, problems = discover(
        [], files=[], project_directory=None, env_files=[], stdin_filename=None, cwd=directory
    )
    assert problems == []
    (spec,) = specs
    project = resolve_mod.resolve(spec, resolve_mod.ResolveOptions(**options))
    # every rule, except the opt-in hardening (CMP8) and ordering/style (CMP7) checks,
    # which judge a production posture or taste rather than correctness
    rules = [
        r for r in registry.rules if r.default_enabled or not r.code.startswith(("CMP7", "CMP8"))
    ]
    return Engine(registry, rules).check(project)


E2E = [
    ("services:\n  web:\n    image: [x\n", ("CMP002", 3, 12)),  # the unclosed bracket
    ("services:\n  web:\n    image: x\n    image: y\n", ("CMP003", 4, 5)),
    ("services:\n  web:\n    image: ${ X}\n", ("CMP004", 3, 12)),
    ("services:\n  web:\n    image: x\n    ports: 80\n", ("CMP005", 4, 12)),
    (
        "services:\n  web:\n    image: x\n    depends_on: [dbb]\n  db:\n    image: y\n",
        ("CMP006", 4, 18),
    ),
    (
        "services:\n  web:\n    image: x\n    network_mode: host\n    networks: [n]\nnetworks: {n: {}}\n",
        ("CMP007", 5, 5),
    ),
    ("include:\n  - nope/compose.yaml\nservices:\n  web:\n    image: x\n", ("CMP008", 2, 5)),
    ("services:\n  web:\n    image: x\n    extends: {service: base}\n", ("CMP009", 4, 14)),
    ('services:\n  web:\n    image: x\n    ports: ["abc:80"]\n', ("CMP011", 4, 13)),
    ("services:\n  web:\n    image: x\n    env_file: [a.env]\n", ("CMP601", 4, 16)),
]


@pytest.mark.parametrize(("text", "expected"), E2E, ids=[e[1][0] for e in E2E])
def test_end_to_end_rule_fires_at_line_col(
    registry: Registry, tmp_path: Path, text: str, expected: tuple[str, int, int]
) -> None:
    findings = lint(registry, tmp_path, {"compose.yaml": text})
    assert expected in [(f.code, f.span.line, f.span.col) for f in findings if f.span]


def test_end_to_end_correct_project_is_clean(registry: Registry, tmp_path: Path) -> None:
    compose = """\
services:
  web:
    image: nginx:${TAG:-1.27}
    depends_on:
      db: {condition: service_healthy}
    networks: [front]
    env_file: [web.env]
  db:
    image: postgres
    healthcheck: {test: ["CMD-SHELL", "pg_isready -U postgres"]}
    networks: [front]
    volumes: [data:/var/lib/postgresql/data]
networks:
  front: {}
volumes:
  data: {}
"""
    assert (
        lint(
            registry, tmp_path, {"compose.yaml": compose, "web.env": "A=1\n", ".env": "TAG=1.28\n"}
        )
        == []
    )
