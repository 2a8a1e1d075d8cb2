"""Which files make a project: Compose's default names, -f lists, directory scans."""

from __future__ import annotations

from pathlib import Path

from composelint.load.discover import NoComposeFile, discover


def touch(root: Path, *names: str, text: str = "services:\n  a: {image: x}\n") -> None:
    for name in names:
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def run(cwd: Path, paths: list[str] | None = None, files: list[str] | None = None, **kw: object):  # type: ignore[no-untyped-def]
    return discover(
        paths or [],
        files=files or [],
        project_directory=kw.get("project_directory"),  # type: ignore[arg-type]
        env_files=kw.get("env_files", []),  # type: ignore[arg-type]
        stdin_filename=kw.get("stdin_filename"),  # type: ignore[arg-type]
        cwd=cwd,
    )


def names(spec) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.name for p in spec.compose_files]


def test_default_file_order_and_override(tmp_path: Path) -> None:
    touch(tmp_path, "docker-compose.yaml", "docker-compose.yml", "compose.override.yaml")
    (spec,), problems = run(tmp_path)
    assert problems == []
    # .yml before .yaml for the legacy name; the override family need not match
    assert names(spec) == ["docker-compose.yml", "compose.override.yaml"]
    assert spec.project_dir == tmp_path.resolve()


def test_walks_up_to_parent_and_reads_cwd_env(tmp_path: Path) -> None:
    touch(tmp_path, "compose.yaml")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / ".env").write_text("TAG=x\n")
    (spec,), _ = run(sub)
    assert spec.project_dir == tmp_path.resolve()
    assert spec.cwd_env_file == (sub / ".env").resolve()


def test_explicit_files_disable_override_and_set_project_dir(tmp_path: Path) -> None:
    touch(tmp_path, "compose.yaml", "compose.override.yaml", "other/extra.yaml")
    (spec,), _ = run(tmp_path, files=["other/extra.yaml", "compose.yaml"])
    assert names(spec) == ["extra.yaml", "compose.yaml"]
    assert spec.project_dir == (tmp_path / "other").resolve()
    assert spec.explicit_files


def test_missing_f_file_is_a_fatal_problem(tmp_path: Path) -> None:
    specs, (problem,) = run(tmp_path, files=["nope.yaml"])
    assert specs == []
    assert (problem.rule, problem.fatal, problem.message) == (
        "file-unreadable",
        True,
        "nope.yaml: no such file",
    )


def test_directory_scan_finds_variants_and_skips_vendor_dirs(tmp_path: Path) -> None:
    touch(tmp_path, "app/docker-compose.yml", "app/docker-compose.test.yml")
    touch(tmp_path, "node_modules/x/compose.yaml", ".git/compose.yaml", "venv/compose.yaml")
    (tmp_path / "venv" / "pyvenv.cfg").write_text("")
    specs, problems = run(tmp_path, ["."])
    assert problems == []
    assert sorted(tuple(names(s)) for s in specs) == [
        ("docker-compose.test.yml",),
        ("docker-compose.yml",),
    ]


def test_variant_that_only_overrides_is_merged_with_main(tmp_path: Path) -> None:
    touch(tmp_path, "docker-compose.yml", text="services:\n  app: {image: x}\n")
    touch(tmp_path, "docker-compose.prod.yml", text="services:\n  app:\n    restart: always\n")
    specs, _ = run(tmp_path, ["."])
    assert sorted(tuple(names(s)) for s in specs) == [
        ("docker-compose.yml",),
        ("docker-compose.yml", "docker-compose.prod.yml"),
    ]


def test_env_file_argument_lints_its_project(tmp_path: Path) -> None:
    touch(tmp_path, "compose.yaml")
    (tmp_path / ".env").write_text("A=1\n")
    (spec,), _ = run(tmp_path, [".env"])
    assert names(spec) == ["compose.yaml"]


def test_no_compose_file_anywhere(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    specs, (problem,) = run(empty, ["."])
    assert specs == [] and problem.fatal and isinstance(problem, NoComposeFile)
    assert problem.message == "no Compose file found in . or below"
    assert problem.help == "name the files with -f"
    specs, (problem,) = run(empty, [])
    assert problem.message == f"no Compose file found in {empty.resolve()} or its parents"
    assert problem.note == (
        "looked for compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml"
    )
    assert problem.help == "run composelint in the project's directory, or name the files with -f"


def test_stdin_filename_places_the_buffer(tmp_path: Path) -> None:
    (spec,), _ = run(tmp_path, ["-"], stdin_filename="deploy/compose.yaml")
    assert spec.compose_files == [(tmp_path / "deploy" / "compose.yaml").resolve()]
    assert spec.project_dir == (tmp_path / "deploy").resolve()


def test_duplicate_arguments_give_one_project(tmp_path: Path) -> None:
    touch(tmp_path, "compose.yaml")
    specs, _ = run(tmp_path, [".", "compose.yaml", "."])
    assert len(specs) == 1


def test_stdin_env_buffer_lints_its_directory_projects(tmp_path: Path) -> None:
    touch(tmp_path, "compose.yaml", text="services:\n  a:\n    image: x\n    env_file: .env\n")
    (tmp_path / ".env").write_text("A=on-disk\n")
    specs, problems = discover(
        ["-"],
        files=[],
        project_directory=None,
        env_files=[],
        stdin_filename=".env",
        cwd=tmp_path,
        stdin_text="A=from-buffer\n",
    )
    assert problems == [] and [names(s) for s in specs] == [["compose.yaml"]]
    assert specs[0].overrides == {(tmp_path / ".env").resolve(): "A=from-buffer\n"}
    from composelint.resolve.resolver import ResolveOptions, resolve

    project = resolve(specs[0], ResolveOptions(), cwd=tmp_path)
    assert project.model.to_plain()["services"]["a"]["environment"] == {"A": "from-buffer"}


def test_files_pulled_in_by_include_extends_or_compose_file_are_no_projects(
    tmp_path: Path,
) -> None:
    touch(tmp_path, "nginx/compose.yml", "docker-compose.base.yml", "compose.db.yaml")
    touch(
        tmp_path,
        "compose.yaml",
        text="include: [nginx/compose.yml]\n"
        "services:\n  a:\n    extends: {file: docker-compose.base.yml, service: a}\n",
    )
    (tmp_path / ".env").write_text("COMPOSE_FILE=compose.yaml:compose.db.yaml\n")
    specs, _ = run(tmp_path, ["."])
    assert [names(s) for s in specs] == [["compose.yaml"]]
    # a fragment named alone (pre-commit) lints the project that pulls it in
    for fragment in ("nginx/compose.yml", "docker-compose.base.yml", "compose.db.yaml"):
        specs, _ = run(tmp_path, [fragment])
        assert [names(s) for s in specs] == [["compose.yaml"]], fragment


def test_a_fragment_is_found_without_parsing_files_that_cannot_refer(tmp_path: Path) -> None:
    """References are read only from files that may hold an include or extends key, so
    that a directory scan does not parse every compose file twice; a key spelled with
    YAML escapes still counts."""
    from composelint.load import fragments

    touch(tmp_path, "other.yaml", text="services:\n  db:\n    image: postgres\n")
    touch(tmp_path, "compose.yaml", text='"inc\\x6cude": [other.yaml]\nservices: {}\n')
    specs, _ = run(tmp_path, ["."])
    assert [names(s) for s in specs] == [["compose.yaml"]]
    assert fragments.references(tmp_path / "other.yaml") == set()
    assert fragments.references(tmp_path / "compose.yaml") == {tmp_path / "other.yaml"}
