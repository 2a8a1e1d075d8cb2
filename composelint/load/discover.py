"""Turn command-line arguments into projects: which compose files belong together.

Mirrors how ``docker compose`` picks its files (compose-facts §4.1): the default
names in the working directory or its parents plus the matching override file,
or an explicit ``-f`` list. Directory arguments are searched recursively and every
compose file found becomes a project; ``docker-compose.<env>.yml`` variants are
projects of their own unless they are plainly overrides of the main file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from composelint.load.sources import dir_problem, display_path, exists, file_problem, resolve_path
from composelint.model.nodes import Mapping, Node
from composelint.model.project import Problem
from composelint.model.record import Record

MAIN_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
OVERRIDE_NAMES = (
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
)
# compose.yaml, docker-compose.beta.yml, compose.prod.yaml, docker-compose-dev.yml ...
COMPOSE_FILE_RE = re.compile(r"^(?:docker-)?compose(?:[.-][^/]+)?\.ya?ml$", re.IGNORECASE)
ENV_FILE_RE = re.compile(r"^(?:\.env(?:\..+)?|.+\.env)$")
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "env",
        ".tox",
        ".nox",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "site-packages",
    }
)


class NoComposeFile(Problem):
    """A directory (or the working directory and its parents) without a compose file:
    nothing to lint there. Not a rule's finding: the run says so and exits 2."""

    __slots__ = ()


class ProjectSpec(Record):
    compose_files: list[Path]  # absolute, merged in order
    project_dir: Path
    env_files: list[Path] | None  # None: the default <project_dir>/.env
    stdin_text: str | None  # content of compose_files[0] when read from stdin
    explicit_files: bool
    # with no -f, compose also reads the working directory's .env when the project
    # was found in a parent directory (compose-facts §2.1)
    cwd_env_file: Path | None
    # file contents that replace the files on disk (a .env read from stdin)
    overrides: dict[Path, str]

    __slots__ = (
        "compose_files",
        "cwd_env_file",
        "env_files",
        "explicit_files",
        "overrides",
        "project_dir",
        "stdin_text",
    )

    def __init__(
        self,
        compose_files: list[Path],
        project_dir: Path,
        env_files: list[Path] | None = None,
        stdin_text: str | None = None,
        explicit_files: bool = False,
        cwd_env_file: Path | None = None,
        overrides: dict[Path, str] | None = None,
    ) -> None:
        self.compose_files = compose_files
        self.project_dir = project_dir
        self.env_files = env_files
        self.stdin_text = stdin_text
        self.explicit_files = explicit_files
        self.cwd_env_file = cwd_env_file
        self.overrides = {} if overrides is None else overrides

    def key(self) -> tuple[tuple[str, ...], str]:
        return tuple(str(p) for p in self.compose_files), str(self.project_dir)


def _is_venv(path: Path) -> bool:
    return (path / "pyvenv.cfg").is_file()


def find_default_files(directory: Path) -> tuple[Path | None, Path | None]:
    """The main compose file and override file Compose would pick in ``directory``."""
    try:
        names = set(os.listdir(directory))
    except OSError:
        return None, None
    main = next((directory / n for n in MAIN_NAMES if n in names), None)
    override = next((directory / n for n in OVERRIDE_NAMES if n in names), None)
    return main, override


def file_services(path: Path, *, max_bytes: int | None = None) -> dict[str, Node] | None:
    """The services a compose file defines (every YAML document), by name, as loaded;
    None when the file cannot be read. For cheap looks at files outside a project."""
    from composelint.load.sources import UnreadableFile, read_text
    from composelint.load.yamlload import load_yaml

    try:
        docs = load_yaml(read_text(path, max_bytes=max_bytes), str(path)).documents
    except UnreadableFile:
        return None
    out: dict[str, Node] = {}
    for doc in docs:
        services = doc.get("services") if isinstance(doc, Mapping) else None
        if isinstance(services, Mapping):
            out.update(services.items)
    return out


def _looks_like_override(variant: Path, ms: dict[str, Node] | None) -> bool:
    """A variant file that only adds to services of the main file (``ms``) is an
    override of it.

    It is judged cheaply on the text: some service of the variant has no ``image``,
    ``build`` or ``extends`` and its name is a service of the main file.
    """
    vs = file_services(variant)
    if vs is None or ms is None:
        return False
    return any(
        name in ms
        and isinstance(svc, Mapping)
        and isinstance(ms[name], Mapping)
        and not ({"image", "build", "extends"} & set(svc.items))
        for name, svc in vs.items()
    )


def projects_in_directory(root: Path, *, recursive: bool = True) -> list[ProjectSpec]:
    """Every project in (and below) ``root``: one per main file, one per variant file,
    except fragments that another of these projects pulls in (see :func:`without_fragments`)."""
    return without_fragments(_scan(root, recursive=recursive))


def members(spec: ProjectSpec) -> set[Path]:
    """Every compose file the project loads: its files, what they include or extend,
    and (with no ``-f``) the ``COMPOSE_FILE`` list of its ``.env``."""
    from composelint.load.fragments import closure, compose_file_list

    listed = [] if spec.explicit_files else compose_file_list(spec.project_dir)
    return closure([*spec.compose_files, *listed])


def without_fragments(specs: list[ProjectSpec]) -> list[ProjectSpec]:
    """The projects that are not a fragment of another project of the list: one whose
    files that project loads, through include, extends or COMPOSE_FILE, though they are
    not its own files (two files that pull in each other both stay)."""
    loaded = [members(s) for s in specs]
    own = [set(s.compose_files) for s in specs]

    def pulls_in(j: int, i: int) -> bool:
        return own[i] <= loaded[j] and bool(own[i] - own[j])

    return [
        s
        for i, s in enumerate(specs)
        if not any(j != i and pulls_in(j, i) and not pulls_in(i, j) for j in range(len(specs)))
    ]


def _scan(root: Path, *, recursive: bool) -> list[ProjectSpec]:
    specs: list[ProjectSpec] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = (
            sorted(d for d in dirnames if d not in SKIP_DIRS and not _is_venv(here / d))
            if recursive
            else []
        )
        main, override = find_default_files(here)
        if main is not None:
            specs.append(ProjectSpec([main, *([override] if override else [])], here))
        main_services: dict[str, Node] | None = None  # read once per directory, if needed
        for name in sorted(filenames):
            path = here / name
            if not COMPOSE_FILE_RE.match(name) or name in MAIN_NAMES or name in OVERRIDE_NAMES:
                continue
            if main is not None and main_services is None:
                main_services = file_services(main)
            if main is not None and _looks_like_override(path, main_services):
                specs.append(ProjectSpec([main, path], here, explicit_files=True))
            else:
                specs.append(ProjectSpec([path], here, explicit_files=True))
    return specs


def discover(
    paths: list[str],
    *,
    files: list[str],
    project_directory: str | None,
    env_files: list[str],
    stdin_filename: str | None,
    cwd: Path,
    stdin_text: str | None = None,
) -> tuple[list[ProjectSpec], list[Problem]]:
    """Projects named by the arguments, and problems with the arguments themselves."""
    problems: list[Problem] = []
    envs = [resolve_path(e, cwd) for e in env_files] or None  # relative to the CWD, like compose
    pdir = resolve_path(project_directory, cwd) if project_directory else None
    specs: list[ProjectSpec] = []

    def unreadable(path: Path, reason: str) -> None:
        shown = display_path(path, cwd)
        problems.append(Problem("file-unreadable", f"{shown}: {reason}", None, fatal=True))

    if pdir is not None and exists(pdir):  # a missing one is created by nobody: Compose allows it
        reason = dir_problem(pdir)
        if reason is not None:
            unreadable(pdir, f"--project-directory: {reason}")
            return specs, problems

    if files:
        resolved = [
            resolve_path(f, cwd) if f != "-" else _stdin_path(stdin_filename, cwd) for f in files
        ]
        for f, p in zip(files, resolved, strict=True):
            if f != "-" and not exists(p):
                unreadable(p, "no such file")
        if any(f != "-" and not exists(p) for f, p in zip(files, resolved, strict=True)):
            return specs, problems
        specs.append(
            ProjectSpec(
                resolved,
                pdir or resolved[0].parent,
                envs,
                stdin_text if "-" in files else None,
                explicit_files=True,
            )
        )
    for arg in paths:
        if arg == "-":
            p = _stdin_path(stdin_filename, cwd)
            if ENV_FILE_RE.match(p.name) and not COMPOSE_FILE_RE.match(p.name):
                # an env file from an editor buffer: lint its directory's projects with it
                here = projects_in_directory(p.parent, recursive=False)
                if not here:
                    unreadable(p, "no Compose project in this env file's directory")
                for spec in here:
                    spec.env_files = envs
                    spec.overrides[p] = stdin_text or ""
                specs.extend(here)
                continue
            specs.append(ProjectSpec([p], pdir or p.parent, envs, stdin_text, explicit_files=True))
            continue
        path = resolve_path(arg, cwd)
        if path.is_dir():
            found = projects_in_directory(path)
            if not found:
                where = display_path(path, cwd) or "."
                problems.append(
                    NoComposeFile(
                        "file-unreadable",
                        f"no Compose file found in {where} or below",
                        None,
                        fatal=True,
                        note="no file in it or below it (outside .git, node_modules and "
                        "virtualenvs) is named compose*.y(a)ml or docker-compose*.y(a)ml",
                        help="name the files with -f",
                    )
                )
            for spec in found:
                spec.env_files = envs
                if pdir:
                    spec.project_dir = pdir
            specs.extend(found)
        elif not exists(path):
            unreadable(path, "no such file or directory")
        elif ENV_FILE_RE.match(path.name) and not COMPOSE_FILE_RE.match(path.name):
            # an env file: lint the project(s) of its directory, else of the nearest
            # parent directory with one (an env_file such as config/app.env)
            reason = file_problem(path)
            if reason is not None:  # named, so its reason is said even if no project reads it
                unreadable(path, f"cannot read file: {reason}")
                continue
            here = projects_in_directory(path.parent, recursive=False) or _enclosing(path.parent)
            if not here:
                unreadable(path, "no Compose project in this env file's directory or above")
            for spec in here:
                spec.env_files = envs
                if pdir:
                    spec.project_dir = pdir
            specs.extend(here)
        else:
            for spec in _projects_of_file(path):
                spec.env_files = envs
                if pdir:
                    spec.project_dir = pdir
                specs.append(spec)
    if not files and not paths:
        default = _default_project(cwd, pdir, envs)
        if default is None:
            problems.append(
                NoComposeFile(
                    "file-unreadable",
                    f"no Compose file found in {cwd.resolve()} or its parents",
                    None,
                    fatal=True,
                    note=f"looked for {', '.join(MAIN_NAMES)}",
                    help="run composelint in the project's directory, or name the files with -f",
                )
            )
        else:
            specs.append(default)
    unique: dict[tuple[tuple[str, ...], str], ProjectSpec] = {}
    for s in specs:
        unique.setdefault(s.key(), s)
    return list(unique.values()), problems


def _projects_of_file(path: Path) -> list[ProjectSpec]:
    """The project a compose file named as an argument belongs to, as a directory scan
    sees it (so that pre-commit, passing only the edited files, lints whole projects):
    the main or override file is its directory's default project (main + override), a
    variant that only overrides the main file is merged with it, and any other file
    is a project of its own."""
    including = projects_including(path)
    if including:
        return including
    if COMPOSE_FILE_RE.match(path.name):
        found = [
            s
            for s in projects_in_directory(path.parent, recursive=False)
            if path in s.compose_files and (path.name not in MAIN_NAMES or not s.explicit_files)
        ]
        if found:
            return found
    return [ProjectSpec([path], path.parent, explicit_files=True)]


def projects_including(path: Path) -> list[ProjectSpec]:
    """The projects of ``path``'s directory or the nearest parent directory (without
    leaving the repository) that pull ``path`` in: a staged fragment lints them."""
    current = path.parent
    while True:
        found = [
            s
            for s in projects_in_directory(current, recursive=False)
            if path not in s.compose_files and path in members(s)
        ]
        if found or (current / ".git").exists() or current.parent == current:
            return found
        current = current.parent


def _enclosing(directory: Path) -> list[ProjectSpec]:
    """The projects of the nearest parent directory that has any, without leaving
    the repository (a directory holding ``.git``) the search started in."""
    current = directory
    while not (current / ".git").exists() and current.parent != current:
        current = current.parent
        found = projects_in_directory(current, recursive=False)
        if found:
            return found
    return []


def _stdin_path(stdin_filename: str | None, cwd: Path) -> Path:
    return resolve_path(stdin_filename or "compose.yaml", cwd)


def _default_project(cwd: Path, pdir: Path | None, envs: list[Path] | None) -> ProjectSpec | None:
    """The project ``docker compose`` finds from ``cwd``: walk up to the first main file."""
    directory = resolve_path(cwd)
    while True:
        main, override = find_default_files(directory)
        if main is not None:
            spec = ProjectSpec([main, *([override] if override else [])], pdir or directory, envs)
            if directory != resolve_path(cwd) and envs is None and exists(cwd / ".env"):
                spec.cwd_env_file = resolve_path(".env", cwd)
            return spec
        if directory.parent == directory:
            return None
        directory = directory.parent
