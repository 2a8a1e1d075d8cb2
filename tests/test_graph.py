"""`composelint graph`: golden Mermaid and DOT output for a small project."""

from __future__ import annotations

from pathlib import Path

import pytest

from composelint.cli import main
from composelint.lint.engine import Engine
from composelint.lint.registry import Registry
from composelint.load.discover import discover
from composelint.model.project import Project
from composelint.output.graph import build, render
from composelint.resolve.resolver import ResolveOptions, resolve

COMPOSE = """\
name: shop
services:
  app:
    image: acme/app
    networks: [front, back]
    environment:
      DATABASE_URL: postgresql://shop:s3cr3t-pw@postgres:5432/shop
      REDIS_URL: redis://localhost:6379/0
      PAYMENTS_URL: https://api.example.com/v1
    healthcheck:
      test: [CMD, curl, -f, http://localhost:8000/health]
  worker:
    image: acme/worker
    networks: [back]
    environment:
      BROKER_URL: amqp://guest:guest@rabbit:5672//
  web:
    image: nginx:1.27
    networks: [front]
    ports: ["8080:80"]
    environment:
      UPSTREAM_URL: http://app:8000
  postgres:
    image: postgres:16
    networks: [back]
  redis:
    image: redis:7
    networks: [back]
networks:
  front: {}
  back: {}
"""

MERMAID = """\
flowchart LR
  subgraph g0["network: back"]
    s0["postgres"]
    s1["redis"]
    s2["worker"]
  end
  subgraph g1["network: front"]
    s3["web"]
  end
  subgraph g2["networks: back, front"]
    s4["app"]
  end
  x0(["api.example.com"])
  x1(["localhost"])
  x2(["rabbit"])
  s4 -->|"PAYMENTS_URL:443"| x0
  s4 -.->|"REDIS_URL:6379 [host-loopback]"| x1
  s4 -->|"DATABASE_URL:5432"| s0
  s3 -->|"UPSTREAM_URL:8000"| s4
  s2 -.->|"BROKER_URL:5672 [host-unknown]"| x2
  linkStyle 1,4 stroke:red,color:red
  classDef external stroke-dasharray: 4 4
  class x0,x1,x2 external
"""

DOT = """\
digraph "shop" {
  rankdir=LR;
  node [shape=box];
  subgraph cluster_0 {
    label="network: back";
    s0 [label="postgres"];
    s1 [label="redis"];
    s2 [label="worker"];
  }
  subgraph cluster_1 {
    label="network: front";
    s3 [label="web"];
  }
  subgraph cluster_2 {
    label="networks: back, front";
    s4 [label="app"];
  }
  x0 [label="api.example.com", shape=ellipse, style=dashed];
  x1 [label="localhost", shape=ellipse, style=dashed];
  x2 [label="rabbit", shape=ellipse, style=dashed];
  s4 -> x0 [label="PAYMENTS_URL:443"];
  s4 -> x1 [label="REDIS_URL:6379 [host-loopback]", style=dashed, color=red, fontcolor=red];
  s4 -> s0 [label="DATABASE_URL:5432"];
  s3 -> s4 [label="UPSTREAM_URL:8000"];
  s2 -> x2 [label="BROKER_URL:5672 [host-unknown]", style=dashed, color=red, fontcolor=red];
}
"""


def project(directory: Path, text: str = COMPOSE) -> Project:
    (directory / "compose.yaml").write_text(text)
    specs, problems = discover(
        [], files=[], project_directory=None, env_files=[], stdin_filename=None, cwd=directory
    )
    assert problems == []
    return resolve(specs[0], ResolveOptions())


def host_graph(registry: Registry, p: Project, fmt: str) -> str:
    """The graph with the host rules' findings only, so that the golden output does
    not change when rules of other families are added."""
    findings = Engine(registry, registry.select(["CMP1"])).check(p)
    return render(build(p, findings), fmt)


def test_mermaid_golden(registry: Registry, tmp_path: Path) -> None:
    assert host_graph(registry, project(tmp_path), "mermaid") == MERMAID


def test_dot_golden(registry: Registry, tmp_path: Path) -> None:
    assert host_graph(registry, project(tmp_path), "dot") == DOT


def test_no_secret_in_the_output(registry: Registry, tmp_path: Path) -> None:
    p = project(tmp_path)
    for fmt in ("mermaid", "dot"):
        out = host_graph(registry, p, fmt)
        assert "s3cr3t" not in out and "guest" not in out


def test_warning_edges_are_orange_and_connections_through_aliases_reach_the_service(
    registry: Registry, tmp_path: Path
) -> None:
    text = (
        "services:\n  app:\n    image: acme/app\n    environment:\n"
        "      DB_HOST: pg-main\n      CACHE_HOST: cache\n"
        "  postgres:\n    image: postgres:16\n    container_name: pg-main\n"
        "  redis:\n    image: redis:7\n    networks:\n      default:\n        aliases: [cache]\n"
    )
    out = host_graph(registry, project(tmp_path, text), "mermaid")
    assert '  s0 -.->|"DB_HOST [host-container-name]"| s1\n' in out
    assert '  s0 -->|"CACHE_HOST"| s2\n' in out
    assert "  linkStyle 0 stroke:orange,color:orange\n" in out


@pytest.mark.parametrize(
    ("fmt", "first"), [("mermaid", "flowchart LR"), ("dot", 'digraph "shop" {')]
)
def test_graph_subcommand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, first: str
) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    assert main(["graph", "-f", str(tmp_path / "compose.yaml"), "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == first
    assert "[host-unknown]" in out and "s3cr3t" not in out


def test_graph_subcommand_needs_one_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "compose.yaml").write_text("services:\n  x:\n    image: y\n")
    assert main(["graph", str(tmp_path)]) == 2
    assert "exactly one project" in capsys.readouterr().err


def test_graph_and_lint_agree_on_allowed_hosts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A host the configuration allows is neither reported by lint nor drawn as broken."""
    import json

    (tmp_path / "compose.yaml").write_text(COMPOSE)
    args = ["--select", "host-unknown", "--format", "json", str(tmp_path / "compose.yaml")]
    assert main(args) == 1
    (before,) = json.loads(capsys.readouterr().out)["findings"]
    assert (before["code"], before["line"], before["column"]) == ("CMP107", 16, 38)
    assert main(["graph", "-f", str(tmp_path / "compose.yaml")]) == 0
    assert "BROKER_URL:5672 [host-unknown]" in capsys.readouterr().out

    (tmp_path / ".composelint.toml").write_text('allowed-hosts = ["rabbit"]\n')
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []
    assert main(["graph", "-f", str(tmp_path / "compose.yaml")]) == 0
    out = capsys.readouterr().out
    assert "host-unknown" not in out and "rabbit" not in out
