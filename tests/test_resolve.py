"""Resolution with provenance: values, and where each value came from."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from composelint.load.discover import ProjectSpec, discover
from composelint.model.findings import Severity
from composelint.model.nodes import Mapping, Node, Scalar
from composelint.model.project import Project
from composelint.resolve.resolver import ResolveOptions, normalize_project_name, resolve


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def project_of(root: Path, *files: str, **opts: object) -> Project:
    paths = [root / f for f in files] or [root / "compose.yaml"]
    spec = ProjectSpec([p.resolve() for p in paths], root.resolve(), explicit_files=bool(files))
    return resolve(spec, ResolveOptions(**opts), cwd=root)  # type: ignore[arg-type]


def rules_of(project: Project) -> list[tuple[str, str]]:
    return [(p.rule, p.message) for p in project.problems]


def test_env_value_remembers_env_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".env": "# db\nDB_HOST=ventanas-test-db\n",
            "compose.yaml": "services:\n  app:\n    image: app\n    environment:\n      DATABASE_URL: postgresql://u@${DB_HOST}:5432/app\n",
        },
    )
    project = project_of(tmp_path)
    value = project.scalar("services", "app", "environment", "DATABASE_URL")
    assert value is not None
    assert value.value == "postgresql://u@ventanas-test-db:5432/app"
    assert value.span is not None and (value.span.path, value.span.line, value.span.col) == (
        "compose.yaml",
        5,
        21,
    )
    (sub,) = value.subs
    assert (sub.name, sub.source, sub.value) == ("DB_HOST", "env", "ventanas-test-db")
    assert sub.span is not None and (sub.span.path, sub.span.line) == (".env", 2)
    assert project.problems == []


def test_unset_and_default_substitutions(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  a:\n    image: 'x:${TAG:-1.0}'\n    command: echo $UNSET_ONE\n"
        },
    )
    project = project_of(tmp_path)
    image = project.scalar("services", "a", "image")
    assert image is not None and image.value == "x:1.0"
    assert [s.source for s in image.subs] == ["default"]
    cmd = project.node("services", "a", "command")
    assert cmd is not None and cmd.to_plain() == ["echo"]


def test_shell_env_is_ignored_by_default(tmp_path: Path) -> None:
    write(
        tmp_path,
        {".env": "TAG=fromfile\n", "compose.yaml": "services:\n  a:\n    image: x:${TAG}\n"},
    )
    quiet = project_of(tmp_path, shell_env={"TAG": "fromshell"})
    assert quiet.model.to_plain()["services"]["a"]["image"] == "x:fromfile"
    loud = project_of(tmp_path, use_shell_env=True, shell_env={"TAG": "fromshell"})
    assert loud.model.to_plain()["services"]["a"]["image"] == "x:fromshell"
    (sub,) = loud.scalar("services", "a", "image").subs  # type: ignore[union-attr]
    assert sub.source == "shell"


def test_override_file_merges_and_keeps_spans(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  a:\n    image: x\n    environment: {A: base, B: base}\n    ports: ['8080:80']\n",
            "compose.override.yaml": "services:\n  a:\n    environment: [B=over, C=new]\n    ports: ['8080:80', '8443:443']\n",
        },
    )
    (spec,), problems = discover(
        [], files=[], project_directory=None, env_files=[], stdin_filename=None, cwd=tmp_path
    )
    assert problems == [] and [p.name for p in spec.compose_files] == [
        "compose.yaml",
        "compose.override.yaml",
    ]
    project = resolve(spec, ResolveOptions(), cwd=tmp_path)
    svc = project.model.to_plain()["services"]["a"]
    assert svc["environment"] == {"A": "base", "B": "over", "C": "new"}
    assert [(p["published"], p["target"]) for p in svc["ports"]] == [("8080", 80), ("8443", 443)]
    b = project.scalar("services", "a", "environment", "B")
    assert (
        b is not None
        and b.span is not None
        and (b.span.path, b.span.line, b.span.col) == ("compose.override.yaml", 3, 19)
    )


def test_reset_and_override_tags(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a.yaml": "services:\n  s:\n    image: x\n    ports: ['80:80']\n    environment: {A: '1', B: '2'}\n",
            "b.yaml": "services:\n  s:\n    ports: !reset []\n    environment: !override {ONLY: this}\n",
        },
    )
    svc = project_of(tmp_path, "a.yaml", "b.yaml").model.to_plain()["services"]["s"]
    assert "ports" not in svc
    assert svc["environment"] == {"ONLY": "this"}


def test_extends_from_other_file_resolves_paths_against_base(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "common/base.yaml": "services:\n  webbase:\n    build: ./ctx\n    environment: {A: base}\n",
            "compose.yaml": "services:\n  web:\n    extends: {file: common/base.yaml, service: webbase}\n    environment: {B: local}\n",
        },
    )
    project = project_of(tmp_path)
    web = project.model.to_plain()["services"]["web"]
    assert web["build"]["context"] == str((tmp_path / "common" / "ctx").resolve())
    assert web["environment"] == {"A": "base", "B": "local"}
    a = project.scalar("services", "web", "environment", "A")
    assert a is not None and a.span is not None and a.span.path == "common/base.yaml"


def test_extends_cycle_is_fatal(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  a:\n    image: x\n    extends: b\n  b:\n    image: x\n    extends: a\n"
        },
    )
    project = project_of(tmp_path)
    fatal = [p for p in project.problems if p.fatal]
    assert [p.rule for p in fatal] == ["extends-failed"] * len(fatal) and fatal
    assert "circular extends" in fatal[0].message


def test_include_with_own_env_file_and_parent_precedence(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".env": "PG_TAG=16\n",
            "lib/.env": "PG_TAG=13\nREDIS_TAG=7\n",
            "lib/compose.yaml": "services:\n  db:\n    image: postgres:${PG_TAG}\n  cache:\n    image: redis:${REDIS_TAG}\n",
            "compose.yaml": "include:\n  - lib/compose.yaml\nservices:\n  app:\n    image: app\n    depends_on: [db]\n",
        },
    )
    project = project_of(tmp_path)
    services = project.model.to_plain()["services"]
    assert services["db"]["image"] == "postgres:16"
    assert services["cache"]["image"] == "redis:7"
    assert project.problems == []


def test_include_cycle_and_missing_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "include: [a.yaml, missing.yaml]\nservices:\n  app: {image: x}\n",
            "a.yaml": "include: [compose.yaml]\nservices:\n  b: {image: x}\n",
        },
    )
    project = project_of(tmp_path)
    messages = [p.message for p in project.problems if p.rule == "include-failed"]
    assert any("include cycle detected" in m for m in messages)
    assert any("missing.yaml not found" in m for m in messages)
    assert "app" in project.services


def test_remote_include_is_info_not_fetched(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "include:\n  - oci://docker.io/x/y:latest\nservices:\n  app: {image: x}\n"
        },
    )
    project = project_of(tmp_path)
    (problem,) = project.problems
    assert problem.rule == "remote-include" and not problem.fatal
    assert problem.span is not None and (problem.span.line, problem.span.col) == (2, 5)


def test_env_file_folds_into_environment_which_wins(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "svc.env": "X=from-file\nY=from-file\n",
            "compose.yaml": "services:\n  a:\n    image: x\n    env_file: svc.env\n    environment: {X: from-environment}\n",
        },
    )
    project = project_of(tmp_path)
    env = project.model.to_plain()["services"]["a"]["environment"]
    assert env == {"X": "from-environment", "Y": "from-file"}
    y = project.scalar("services", "a", "environment", "Y")
    assert y is not None and y.span is not None and (y.span.path, y.span.line) == ("svc.env", 2)
    assert "env_file" not in project.services["a"]


def test_missing_env_file_required_and_optional(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  a:\n    image: x\n    env_file:\n      - path: gone.env\n      - path: opt.env\n        required: false\n",
        },
    )
    project = project_of(tmp_path)
    found = [(p.rule, p.fatal, p.span.line if p.span else 0) for p in project.problems]
    assert found == [("env-file-missing", True, 5), ("env-file-missing", False, 6)]


def test_profiles_default_all_and_narrowing(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"compose.yaml": "services:\n  web: {image: x}\n  debug: {image: x, profiles: [dev]}\n"},
    )
    assert set(project_of(tmp_path).services) == {"web", "debug"}
    narrowed = project_of(tmp_path, profiles=("prod",))
    assert set(narrowed.services) == {"web"} and set(narrowed.disabled_services) == {"debug"}


def test_implicit_dependencies_and_default_network(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  a:\n    image: x\n    links: ['b:database']\n    volumes_from: [c]\n  b: {image: x}\n  c: {image: x}\n"
        },
    )
    plain = project_of(tmp_path).model.to_plain()
    assert plain["services"]["a"]["depends_on"] == {
        "b": {"condition": "service_started", "restart": True, "required": True},
        "c": {"condition": "service_started", "required": True},
    }
    assert plain["networks"] == {
        "default": {"name": f"{normalize_project_name(tmp_path.name)}_default", "ipam": {}}
    }


def test_yaml_error_in_one_file_keeps_the_others(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"a.yaml": "services:\n  a:\n\timage: x\n", "b.yaml": "services:\n  b: {image: y}\n"},
    )
    project = project_of(tmp_path, "a.yaml", "b.yaml")
    (problem,) = [p for p in project.problems if p.rule == "yaml-syntax"]
    assert problem.fatal and problem.span is not None and problem.span.path == "a.yaml"
    assert "b" in project.services


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("My.Project_X", "myproject_x"), ("__app", "app"), ("ok-name", "ok-name")],
)
def test_project_name_normalisation(raw: str, expected: str) -> None:
    assert normalize_project_name(raw) == expected


def test_project_name_precedence(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": "name: from-yaml-${SUFFIX:-x}\nservices:\n  a: {image: x}\n"})
    assert project_of(tmp_path).name == "from-yaml-x"
    write(tmp_path, {".env": "COMPOSE_PROJECT_NAME=fromenv\n"})
    assert project_of(tmp_path).name == "fromenv"
    assert project_of(tmp_path, project_name="cli").name == "cli"


def test_unreadable_compose_file(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_bytes(b"\x00\x01binary")
    project = project_of(tmp_path)
    (problem,) = project.problems
    assert (problem.rule, problem.fatal) == ("file-unreadable", True)
    assert "binary file" in problem.message


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "compose.yaml"
    os.mkfifo(fifo)
    project = project_of(tmp_path)
    (problem,) = project.problems
    assert "FIFO" in problem.message and problem.fatal


def test_services_node_is_a_mapping_of_mappings(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": "services:\n  a: {image: x}\n"})
    project = project_of(tmp_path)
    assert isinstance(project.model.get("services"), Mapping)
    assert isinstance(project.scalar("services", "a", "image"), Scalar)


def test_problems_of_profile_only_services_are_warnings(tmp_path: Path) -> None:
    write(
        tmp_path, {"compose.yaml": "services:\n  a:\n    profiles: [combined]\n  b: {image: x}\n"}
    )
    (problem,) = project_of(tmp_path).problems
    assert (problem.rule, problem.severity, problem.fatal) == (
        "project-invalid",
        Severity.WARNING,
        False,
    )
    assert problem.message == 'service "a" has neither an image nor a build context specified'
    assert problem.note == (
        'it only runs with profile "combined", when Compose will refuse the project'
    )
    # asked for explicitly, the profile makes it what Compose says: an error
    (problem,) = project_of(tmp_path, profiles=("combined",)).problems
    assert (
        problem.severity is None
        and problem.message == 'service "a" has neither an image nor a build context specified'
    )


def test_shared_container_name_across_alternative_profiles_is_a_warning(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n"
            "  aio: {image: x, container_name: app, profiles: [default]}\n"
            "  aio-no-db: {image: x, container_name: app, profiles: [no-db]}\n"
            "  plain: {image: x, container_name: other}\n"
            "  twin: {image: x, container_name: other}\n"
        },
    )
    found = [
        (p.span.line if p.span else 0, p.severity, p.message, p.note)
        for p in project_of(tmp_path).problems
    ]
    assert found == [
        (
            3,
            Severity.WARNING,
            'container name "app" of service "aio-no-db" is already used by service "aio"',
            'when run with profile "default" and "no-db"',
        ),
        (
            5,
            None,
            'container name "other" of service "twin" is already used by service "plain"',
            None,
        ),
    ]


def _shape(node: object) -> object:
    """Everything a rule can read of a node: values, spans, raw text, styles, tags."""
    from composelint.model.nodes import Sequence

    if isinstance(node, Mapping):
        items = tuple((k, node.key_spans.get(k), _shape(v)) for k, v in node.items.items())
        return ("map", node.span, node.tag, items)
    if isinstance(node, Sequence):
        return ("seq", node.span, node.tag, tuple(_shape(v) for v in node.items))
    assert isinstance(node, Scalar)
    return ("scalar", node.value, type(node.value), node.span, node.raw, node.style, node.subs)


def test_services_canonicalised_once_resolve_as_when_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A service defined once, without extends or env_file, is canonicalised in one
    pass (resolver.single_services): the project must be the same as with two."""
    from composelint.resolve import resolver

    root = Path(__file__).parent / "fixtures" / "projects"
    kw = {"files": [], "project_directory": None, "env_files": [], "stdin_filename": None}
    specs, _ = discover([str(root)], cwd=root, **kw)  # type: ignore[arg-type]
    real = resolver.single_services
    deferred: list[str] = []

    def spy(raw_docs: list[tuple[Path, list[Node]]]) -> frozenset[str]:
        found = real(raw_docs)
        deferred.extend(found)
        return found

    def project(spec: ProjectSpec) -> object:
        p = resolve(spec, ResolveOptions(), cwd=root)
        problems = sorted(p.problems, key=lambda x: (x.rule, x.message, str(x.span)))
        disabled = {k: _shape(v) for k, v in p.disabled_services.items()}
        return _shape(p.model), disabled, problems

    monkeypatch.setattr(resolver, "single_services", spy)
    once = [project(s) for s in specs]
    assert len(deferred) > 50
    monkeypatch.setattr(resolver, "single_services", lambda raw_docs: frozenset())
    assert [project(s) for s in specs] == once
