"""docs/coming-from.md is the completeness check against the peers: every rule of
compose-lint and dclint has a row, and every rule a row names exists (with the
code it is written with)."""

from __future__ import annotations

import re
from pathlib import Path

from composelint.lint.registry import Registry

PAGE = Path(__file__).resolve().parents[1] / "docs" / "coming-from.md"

# as shipped: compose-lint 0.36.2 (CL-0012, 0015, 0023 are retired), dclint 3.1.0
COMPOSE_LINT = [f"CL-{n:04d}" for n in range(1, 31) if n not in (12, 15, 23)]
DCLINT = [
    *("no-build-and-image", "no-duplicate-container-names", "no-duplicate-exported-ports"),
    *("no-quotes-in-volumes", "no-unbound-port-interfaces", "no-version-field"),
    *("require-project-name-field", "require-quotes-in-ports", "service-container-name-regex"),
    *("service-dependencies-alphabetical-order", "service-image-require-explicit-tag"),
    *("service-keys-order", "service-ports-alphabetical-order", "services-alphabetical-order"),
    "top-level-properties-order",
]


def _rows(section: str) -> dict[str, str]:
    text = PAGE.read_text(encoding="utf-8")
    body = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in body.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells and not set(cells[0]) <= {"-"}:
            rows[cells[0]] = line
    return rows


def test_every_peer_rule_has_a_row() -> None:
    assert set(COMPOSE_LINT) <= set(_rows("compose-lint"))
    assert set(DCLINT) <= set(_rows("dclint"))


def test_every_named_rule_exists_with_its_code(registry: Registry) -> None:
    named = re.findall(r"`([a-z][a-z0-9-]+)` \((CMP\d{3})\)", PAGE.read_text(encoding="utf-8"))
    assert len(named) > 50
    for rule_name, rule_code in named:
        rule = registry.get(rule_name)
        assert rule is not None, rule_name
        assert rule.code == rule_code, (rule_name, rule_code)


def test_each_compose_lint_and_dclint_row_names_a_rule() -> None:
    for section in ("compose-lint", "dclint"):
        for peer, row in _rows(section).items():
            if peer in COMPOSE_LINT or peer in DCLINT:
                assert re.search(r"`[a-z-]+` \(CMP\d{3}\)", row), (section, peer)
