"""CMP703-CMP713 consistency and ordering rules: where they fire, when they stay
silent, and that their fixes produce the file a user would write."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_rules_env import applied, at, lint

from composelint.lint.registry import Registry
from composelint.model.findings import Severity

PORTS = """\
services:
  web:
    image: acme/web:1
    ports: ["8080:80", "8443:443/udp"]
  admin:
    image: acme/admin:1
    ports:
      - "8080:3000"
      - "127.0.0.1:9000:9000"
      - "8443:443"
  tools:
    image: acme/tools:1
    ports: ["127.0.0.1:8080:80", "9000-9001:9000-9001", "8080-8090:80"]
  dev:
    image: acme/dev:1
    profiles: [dev]
    ports: ["7000:7000"]
  prod:
    image: acme/prod:1
    profiles: [prod]
    ports: ["7000:7000"]
  debug:
    image: acme/debug:1
    profiles: [debug]
    ports: ["8443:443"]
  host:
    image: acme/host:1
    network_mode: host
    ports: ["8080:80"]
"""


def test_published_port_conflicts(registry: Registry, tmp_path: Path) -> None:
    findings = lint(registry, tmp_path, {"compose.yaml": PORTS}, "published-port-conflict")
    got = [(f.span.line, f.span.col, f.severity) for f in findings if f.span]
    assert got == [
        (8, 9, Severity.ERROR),  # admin 8080 = web 8080
        (13, 13, Severity.WARNING),  # tools 127.0.0.1:8080 inside web's 0.0.0.0:8080
        (13, 34, Severity.WARNING),  # tools 9000-9001 on all interfaces, admin's 127.0.0.1:9000
        (25, 13, Severity.WARNING),  # debug runs only under its profile
    ]
    first = findings[0]
    assert first.message.startswith("admin publishes host port 8080/tcp as web does")
    assert [(r.span.line, r.span.col, r.message) for r in first.related] == [
        (4, 13, "web publishes it here")
    ]


def test_ports_with_a_profile_on_are_all_active(registry: Registry, tmp_path: Path) -> None:
    text = (
        "services:\n  a:\n    image: x:1\n    profiles: [p]\n    ports: ['80:80']\n"
        "  b:\n    image: x:1\n    profiles: [q]\n    ports: ['80:80']\n"
    )
    assert lint(registry, tmp_path, {"compose.yaml": text}, "published-port-conflict") == []
    from test_rules_security import _cli

    out = _cli(tmp_path, "--select", "CMP703", "--profile", "p", "--profile", "q")
    assert [(f["line"], f["column"], f["severity"]) for f in out] == [(9, 13, "error")]


def test_a_fixed_host_port_on_replicas(registry: Registry, tmp_path: Path) -> None:
    text = (
        "services:\n  a:\n    image: x:1\n    deploy: {replicas: 3}\n"
        "    ports: ['8080:80', '9000-9002:90', '7000']\n"
    )
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "published-port-conflict")
    assert at([f]) == [("CMP703", "compose.yaml", 5, 13)]
    assert f.message.startswith("a runs 3 replicas on host port 8080/tcp")


def test_build_and_image(registry: Registry, tmp_path: Path) -> None:
    text = "services:\n  a:\n    build: .\n    image: node:20\n  b:\n    build: .\n"
    findings = lint(registry, tmp_path, {"compose.yaml": text}, "build-and-image")
    assert at(findings) == [("CMP704", "compose.yaml", 4, 5)]
    assert findings[0].severity is Severity.INFO


def test_volume_quotes(registry: Registry, tmp_path: Path) -> None:
    text = (
        'services:\n  a:\n    image: x:1\n    volumes:\n      - ./data:"/srv/data"\n'
        "      - \"'./logs:/logs'\"\n      - './ok:/ok'\n"
    )
    findings = lint(registry, tmp_path, {"compose.yaml": text}, "volume-quotes")
    assert at(findings) == [("CMP705", "compose.yaml", 5, 9), ("CMP705", "compose.yaml", 6, 9)]
    assert applied(text, findings[0].fix).splitlines()[4] == '      - "./data:/srv/data"'
    assert findings[1].fix is None  # quoted in YAML: the user picks which quotes go


def test_port_no_host_interface(registry: Registry, tmp_path: Path) -> None:
    text = (
        'services:\n  web:\n    image: acme/web:1\n    ports:\n      - "8080:80"\n'
        '      - 127.0.0.1:8443:443\n      - "9000"\n  db:\n    image: postgres:16\n'
        "    ports: ['5432:5432']\n"
    )
    findings = lint(registry, tmp_path, {"compose.yaml": text}, "port-no-host-interface")
    assert at(findings) == [("CMP706", "compose.yaml", 5, 9)]
    assert applied(text, findings[0].fix).splitlines()[4] == '      - "127.0.0.1:8080:80"'


def test_project_name_missing(registry: Registry, tmp_path: Path) -> None:
    text = "services:\n  a:\n    image: x:1\n"
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "project-name-missing")
    assert at([f]) == [("CMP707", "compose.yaml", 1, 1)]
    assert applied(text, f.fix) == f"name: {tmp_path.name.lower()}\n" + text


def test_project_name_set_in_an_override_is_enough(registry: Registry, tmp_path: Path) -> None:
    files = {
        "compose.yaml": "services:\n  a:\n    image: x:1\n",
        "compose.override.yaml": "name: shop\n",
    }
    assert lint(registry, tmp_path, files, "project-name-missing") == []


def test_an_included_files_name_does_not_name_the_project(
    registry: Registry, tmp_path: Path
) -> None:
    files = {
        "compose.yaml": "include: [sub/compose.yaml]\nservices:\n  a:\n    image: x:1\n",
        "sub/compose.yaml": "name: other\nservices:\n  b:\n    image: x:1\n",
    }
    findings = lint(registry, tmp_path, files, "project-name-missing")
    assert at(findings) == [("CMP707", "compose.yaml", 1, 1)]


def test_container_name_pattern(tmp_path: Path) -> None:
    from test_rules_security import _cli

    (tmp_path / ".composelint.toml").write_text('container-name-pattern = "shop-[a-z]+"\n')
    (tmp_path / "compose.yaml").write_text(
        "services:\n  a:\n    image: x:1\n    container_name: shop-a\n"
        "  b:\n    image: x:1\n    container_name: b\n"
    )
    out = _cli(tmp_path, "--select", "container-name-pattern")
    assert [(f["line"], f["column"], f["message"]) for f in out] == [
        (7, 21, "container_name b of b does not match shop-[a-z]+")
    ]


def test_bad_container_name_pattern_is_a_configuration_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from composelint.cli import main

    (tmp_path / ".composelint.toml").write_text('container-name-pattern = "shop-["\n')
    (tmp_path / "compose.yaml").write_text("services:\n  a:\n    image: x:1\n")
    assert main([str(tmp_path / "compose.yaml")]) == 2
    assert ".composelint.toml:1:1: container-name-pattern: not a regular expression" in (
        capsys.readouterr().err
    )


SERVICES = """\
services:
  # the web front
  web:
    image: acme/web:1
    depends_on:
      - redis
      - db
  db:
    image: postgres:16
    ports:
      - "8443:443"
      - "8080:80"
  redis:
    image: redis:7
"""


def test_services_order_with_fix(registry: Registry, tmp_path: Path) -> None:
    (f,) = lint(registry, tmp_path, {"compose.yaml": SERVICES}, "services-order")
    assert at([f]) == [("CMP709", "compose.yaml", 8, 3)]
    assert (f.message, f.help) == ("service db is out of alphabetical order", "move it before web")
    assert applied(SERVICES, f.fix) == (
        "services:\n"
        '  db:\n    image: postgres:16\n    ports:\n      - "8443:443"\n      - "8080:80"\n'
        "  redis:\n    image: redis:7\n"
        "  # the web front\n  web:\n    image: acme/web:1\n    depends_on:\n      - redis\n"
        "      - db\n"
    )


def test_depends_on_and_ports_order_with_fix(registry: Registry, tmp_path: Path) -> None:
    findings = lint(
        registry, tmp_path, {"compose.yaml": SERVICES}, "depends-on-order", "ports-order"
    )
    assert at(findings) == [("CMP713", "compose.yaml", 7, 9), ("CMP712", "compose.yaml", 12, 9)]
    deps, ports = findings
    assert "      - db\n      - redis\n" in applied(SERVICES, deps.fix)
    assert '      - "8080:80"\n      - "8443:443"\n' in applied(SERVICES, ports.fix)


def test_service_keys_and_top_level_order(registry: Registry, tmp_path: Path) -> None:
    text = (
        "volumes:\n  data: {}\nservices:\n  a:\n    environment:\n      A: 1\n"
        "    x-note: kept\n    image: x:1\n    volumes: [data:/d]\n"
    )
    findings = lint(
        registry, tmp_path, {"compose.yaml": text}, "service-keys-order", "top-level-keys-order"
    )
    assert at(findings) == [("CMP711", "compose.yaml", 3, 1), ("CMP710", "compose.yaml", 8, 5)]
    top, keys = findings
    assert applied(text, top.fix).startswith("services:\n  a:\n")
    assert applied(text, keys.fix) == (
        "volumes:\n  data: {}\nservices:\n  a:\n    image: x:1\n    volumes: [data:/d]\n"
        "    environment:\n      A: 1\n    x-note: kept\n"
    )


def test_a_comment_of_the_next_block_stays_in_place(registry: Registry, tmp_path: Path) -> None:
    text = (
        "services:\n  b:\n    image: x:1\n    # b's own note\n  a:\n    image: x:1\n"
        "    # a's own note\n\n# the volumes\nvolumes: {}\n"
    )
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "services-order")
    assert applied(text, f.fix) == (
        "services:\n  a:\n    image: x:1\n    # a's own note\n  b:\n    image: x:1\n"
        "    # b's own note\n\n# the volumes\nvolumes: {}\n"
    )


def test_no_reorder_fix_across_anchors(registry: Registry, tmp_path: Path) -> None:
    text = "services:\n  b:\n    image: &img x:1\n  a:\n    image: *img\n"
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "services-order")
    assert f.fix is None


def test_ordered_files_are_silent(registry: Registry, tmp_path: Path) -> None:
    text = (
        "name: shop\nservices:\n  a:\n    image: x:1\n    depends_on: [b, c]\n"
        "    ports: ['127.0.0.1:80:80', '127.0.0.1:443:443']\n  b:\n    image: x:1\n"
        "  c:\n    image: x:1\nvolumes: {}\n"
    )
    assert lint(registry, tmp_path, {"compose.yaml": text}, "CMP7") == []


@pytest.mark.parametrize(
    ("ip_a", "ip_b", "expected"),
    [
        ("", "", Severity.ERROR),
        ("", "0.0.0.0", Severity.ERROR),
        ("", "::", Severity.ERROR),
        ("127.0.0.1", "127.0.0.1", Severity.ERROR),
        ("", "127.0.0.1", Severity.WARNING),
        ("::", "::1", Severity.WARNING),
        ("0.0.0.0", "::", None),
        ("0.0.0.0", "::1", None),
        ("127.0.0.1", "192.168.1.5", None),
    ],
)
def test_which_addresses_clash(ip_a: str, ip_b: str, expected: Severity | None) -> None:
    from composelint.rules.style.published_port_conflict import Binding, clash

    a = Binding("a", ip_a, 80, 80, "tcp", frozenset(), None)
    b = Binding("b", ip_b, 80, 80, "tcp", frozenset(), None)
    assert clash(a, b) is expected
    assert clash(a, Binding("b", ip_b, 80, 80, "udp", frozenset(), None)) is None


def test_a_reorder_fix_that_moves_a_secret_is_marked_sensitive(
    registry: Registry, tmp_path: Path
) -> None:
    text = (
        "services:\n  web:\n    image: x:1\n  db:\n    image: postgres:16\n"
        "    environment:\n      POSTGRES_PASSWORD: Literal-Pw-1\n"
    )
    (f,) = lint(registry, tmp_path, {"compose.yaml": text}, "services-order")
    assert f.fix is not None and [e.sensitive for e in f.fix.edits] == [True]
    assert applied(text, f.fix).startswith("services:\n  db:\n")
    (g,) = lint(registry, tmp_path, {"compose.yaml": SERVICES}, "services-order")
    assert g.fix is not None and [e.sensitive for e in g.fix.edits] == [False]


BOOLEANS = """\
services:
  app:
    image: acme/app:1
    environment:
      DEBUG: True
      FEATURE_X: off
      VERBOSE: yes
      ENABLED: true
      QUOTED: "off"
      LETTER: y
      WORD: truely
    x-env: &env {A: on}
  other:
    image: acme/other:1
    environment: [FLAG=true, "B=off"]
"""


def test_env_boolean_unquoted(registry: Registry, tmp_path: Path) -> None:
    findings = lint(registry, tmp_path, {"compose.yaml": BOOLEANS}, "env-boolean-unquoted")
    assert at(findings) == [
        ("CMP714", "compose.yaml", 5, 14),
        ("CMP714", "compose.yaml", 6, 18),
        ("CMP714", "compose.yaml", 7, 16),
        ("CMP714", "compose.yaml", 8, 16),
    ]
    assert {f.severity for f in findings} == {Severity.INFO}
    debug, feature, _, enabled = findings
    assert debug.message == 'unquoted boolean True as the value of "DEBUG"'
    assert debug.note == 'Compose passes the string "true", not "True"; docker-compose v1 ' + (
        "refuses a boolean here"
    )
    # the fix quotes what Compose passes today, so the model does not change
    assert '      DEBUG: "true"\n' in applied(BOOLEANS, debug.fix)
    assert '      FEATURE_X: "off"\n' in applied(BOOLEANS, feature.fix)
    assert feature.message == 'unquoted off as the value of "FEATURE_X", a boolean in YAML 1.1'
    assert (
        enabled.note == 'Compose passes the string "true"; docker-compose v1 refuses a boolean here'
    )


def test_env_boolean_unquoted_silent_on_quoted_values(registry: Registry, tmp_path: Path) -> None:
    compose = (
        "services:\n  app:\n    image: a\n    environment:\n"
        '      DEBUG: "true"\n      FEATURE_X: \'off\'\n      N: 1\n      LIST: "on"\n'
        "    labels: {traefik.enable: true}\n"
    )
    assert lint(registry, tmp_path, {"compose.yaml": compose}, "CMP714") == []
