"""The pre-commit hooks: file patterns, whole-project resolution of the files
pre-commit passes, and the real ``pre-commit try-repo`` on temporary repositories."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from composelint.load.discover import discover

ROOT = Path(__file__).resolve().parents[1]
HOOKS = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}


@pytest.mark.parametrize(
    ("hook", "path", "matches"),
    [
        ("composelint", "compose.yaml", True),
        ("composelint", "deploy/compose.override.yml", True),
        ("composelint", "docker-compose.yml", True),
        ("composelint", "docker-compose.prod.yml", True),
        ("composelint", "compose.staging.yaml", True),
        ("composelint", "docker-compose-dev.yaml", True),
        ("composelint", "Docker-Compose.YML", True),
        ("composelint", "mycompose.yaml", False),
        ("composelint", "compose.json", False),
        ("composelint", "compose/app.yaml", False),
        ("composelint-env", ".env", True),
        ("composelint-env", "app/.env.production", True),
        ("composelint-env", "config/app.env", True),
        ("composelint-env", ".envrc", False),
        ("composelint-env", "docs/index.en.md", False),
        ("composelint-env", "environment.yaml", False),
    ],
)
def test_hook_file_patterns(hook: str, path: str, matches: bool) -> None:
    assert bool(re.search(HOOKS[hook]["files"], path)) is matches


def test_hooks_end_option_parsing_before_file_names() -> None:
    for hook in HOOKS.values():
        assert hook["args"][-1] == "--" and hook["entry"] == "composelint"
        assert hook["language"] == "python" and hook["require_serial"] is True


# -- the files pre-commit passes resolve to whole projects --------------------------


def specs(cwd: Path, *paths: str) -> list[list[str]]:
    found, problems = discover(
        list(paths), files=[], project_directory=None, env_files=[], stdin_filename=None, cwd=cwd
    )
    assert problems == []
    return [[p.name for p in s.compose_files] for s in found]


def test_an_override_file_lints_with_its_main_file(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services: {}\n")
    (tmp_path / "compose.override.yaml").write_text("services: {}\n")
    assert specs(tmp_path, "compose.override.yaml") == [["compose.yaml", "compose.override.yaml"]]
    assert specs(tmp_path, "compose.yaml") == [["compose.yaml", "compose.override.yaml"]]


def test_several_files_of_one_project_lint_it_once(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    (tmp_path / "compose.override.yaml").write_text("services: {}\n")
    (tmp_path / ".env").write_text("A=1\n")
    assert specs(tmp_path, "compose.yaml", ".env", "compose.override.yaml") == [
        ["compose.yaml", "compose.override.yaml"]
    ]


def test_a_variant_file_is_its_own_project_or_an_override(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text("services:\n  web:\n    image: nginx\n")
    (tmp_path / "docker-compose.prod.yml").write_text("services:\n  web:\n    restart: always\n")
    (tmp_path / "docker-compose.ci.yml").write_text("services:\n  tests:\n    image: python\n")
    assert specs(tmp_path, "docker-compose.prod.yml") == [
        ["docker-compose.yml", "docker-compose.prod.yml"]
    ]
    assert specs(tmp_path, "docker-compose.ci.yml") == [["docker-compose.ci.yml"]]
    assert specs(tmp_path, "docker-compose.yml") == [["docker-compose.yml"]]


def test_an_env_file_without_a_project_beside_it_finds_the_enclosing_one(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "compose.yaml").write_text("services: {}\n")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "app.env").write_text("A=1\n")
    assert specs(tmp_path, "config/app.env") == [["compose.yaml"]]


# -- the real pre-commit ------------------------------------------------------------

PRE_COMMIT = shutil.which("pre-commit")
GIT = shutil.which("git")
SOURCE = (
    "pyproject.toml",
    "README.md",
    ".pre-commit-hooks.yaml",
    "composelint",
    "rules",
    "schemas",
)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.email=test@example.com",
            "-c",
            "user.name=test",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A committed copy of the source tree, and an environment with a shared
    PRE_COMMIT_HOME (pre-commit installs composelint once for the module)."""
    if PRE_COMMIT is None or GIT is None:
        pytest.skip("pre-commit or git is not installed")
    base = tmp_path_factory.mktemp("precommit")
    repo = base / "composelint"
    repo.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCE:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, repo / name, ignore=ignore)
        elif src.is_file():
            shutil.copy2(src, repo / name)
    if not (repo / "README.md").exists():
        (repo / "README.md").write_text("composelint\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "hooks")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIT_", "PRE_COMMIT", "VIRTUAL_ENV"))
    }
    env["PRE_COMMIT_HOME"] = str(base / "cache")
    env["GITHUB_ACTIONS"] = ""
    yield repo, env


def try_repo(
    hook_repo: tuple[Path, dict[str, str]], files: dict[str, str], hook: str, *passed: str
) -> subprocess.CompletedProcess[str]:
    repo, env = hook_repo
    work = repo.parent / f"work-{hook}-{len(list(repo.parent.iterdir()))}"
    work.mkdir()
    for name, text in files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text)
    _git(work, "init", "-q")
    _git(work, "add", ".")
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(repo), hook, "--files", *passed],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


CLEAN = "services:\n  web:\n    image: nginx:1.27\n"
BROKEN = "services:\n  web:\n    image: nginx:1.27\n    depends_on: [dbb]\n"


@pytest.mark.precommit
def test_pre_commit_fails_on_a_broken_project(hook_repo: tuple[Path, dict[str, str]]) -> None:
    proc = try_repo(hook_repo, {"compose.yaml": BROKEN}, "composelint", "compose.yaml")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "compose.yaml:4:18: CMP006" in proc.stdout


@pytest.mark.precommit
def test_pre_commit_passes_on_a_clean_project(hook_repo: tuple[Path, dict[str, str]]) -> None:
    proc = try_repo(hook_repo, {"compose.yaml": CLEAN}, "composelint", "compose.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout


@pytest.mark.precommit
def test_pre_commit_on_an_override_alone_lints_the_whole_project(
    hook_repo: tuple[Path, dict[str, str]],
) -> None:
    """Alone the override has no image (Compose would refuse it); with its main file
    it is fine, and an undefined reference it adds is reported in it."""
    files = {
        "compose.yaml": CLEAN,
        "compose.override.yaml": "services:\n  web:\n    restart: always\n",
    }
    proc = try_repo(hook_repo, files, "composelint", "compose.override.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    files["compose.override.yaml"] = "services:\n  web:\n    depends_on: [cache]\n"
    proc = try_repo(hook_repo, files, "composelint", "compose.override.yaml")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "compose.override.yaml:3:18: CMP006" in proc.stdout


@pytest.mark.precommit
def test_pre_commit_env_hook_lints_the_project_of_an_edited_env_file(
    hook_repo: tuple[Path, dict[str, str]],
) -> None:
    files = {"compose.yaml": CLEAN, ".env": "TAG=1.27\n", ".envrc": "not an env file\n"}
    proc = try_repo(hook_repo, files, "composelint-env", ".env", ".envrc")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    files[".env"] = "TAG=1.27\nBAD KEY=1\n"
    proc = try_repo(hook_repo, files, "composelint-env", ".env")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert ".env:2:1: CMP401" in proc.stdout
