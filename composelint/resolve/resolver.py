"""Resolve a project the way ``docker compose config`` does, keeping provenance.

The order follows compose-go's loader (compose-facts §0): build the interpolation
environment, then for each file and each YAML document: interpolate values, bring
each service into canonical (long) form, apply ``extends`` and ``include``, and
merge into the model accumulated so far. Then profiles, ``env_file`` folding,
implicit dependencies, the default network and resource names.

Nothing here raises for bad input: everything Compose would complain about becomes
a ``Problem`` attributed to the rule that reports it, and resolution goes on with
whatever could be understood, so the rules still see as much of the project as
possible.
"""

from __future__ import annotations

import re
from collections.abc import Mapping as AbcMapping
from pathlib import Path

from composelint import limits
from composelint.load.discover import ProjectSpec
from composelint.load.dotenv import parse_env
from composelint.load.sources import (
    UnreadableFile,
    dir_problem,
    display_path,
    exists,
    read_text,
    resolve_path,
)
from composelint.load.yamlload import ParseCache, YamlTimestamp, load_yaml
from composelint.model.findings import Related, Severity
from composelint.model.nodes import Mapping, Node, Scalar, Sequence, Substitution, scalar_items
from composelint.model.project import (
    Document,
    EnvVar,
    Problem,
    Project,
    ShadowedEnv,
    SourceFile,
)
from composelint.model.record import Frozen, Record, set_field
from composelint.model.span import Span
from composelint.resolve.canonical import (
    CanonicalError,
    canonical_resource,
    canonical_service,
    used_networks,
    used_volumes,
)
from composelint.resolve.interpolate import (
    ExpansionBudget,
    InterpolationSyntaxError,
    InterpolationTooLarge,
    interpolate_scalar,
    required_message,
)
from composelint.resolve.merge import merge_mappings, merge_service

RESOURCE_KINDS = ("networks", "volumes", "secrets", "configs", "models")


class ResolveOptions(Frozen):
    profiles: tuple[str, ...]
    # with no profiles given: True lints every service; False behaves like Compose
    # (only services without profiles, plus COMPOSE_PROFILES from the environment)
    all_profiles: bool
    use_shell_env: bool
    shell_env: AbcMapping[str, str]
    project_name: str | None
    # text that replaces a file's content on disk, by absolute path (an editor's
    # unsaved buffers); consulted by every read of a compose or env file
    overrides: AbcMapping[Path, str]
    # parsed compose files kept between runs (the language server); None: parse each
    parse_cache: ParseCache | None

    __slots__ = (
        "all_profiles",
        "overrides",
        "parse_cache",
        "profiles",
        "project_name",
        "shell_env",
        "use_shell_env",
    )

    def __init__(
        self,
        profiles: tuple[str, ...] = (),
        all_profiles: bool = True,
        use_shell_env: bool = False,
        shell_env: AbcMapping[str, str] | None = None,
        project_name: str | None = None,
        overrides: AbcMapping[Path, str] | None = None,
        parse_cache: ParseCache | None = None,
    ) -> None:
        set_field(self, "profiles", profiles)
        set_field(self, "all_profiles", all_profiles)
        set_field(self, "use_shell_env", use_shell_env)
        set_field(self, "shell_env", {} if shell_env is None else shell_env)
        set_field(self, "project_name", project_name)
        set_field(self, "overrides", {} if overrides is None else overrides)
        set_field(self, "parse_cache", parse_cache)


class _Doc(Record):
    """One interpolated YAML document and the directory its relative paths resolve against."""

    display: str
    path: Path
    root: Mapping
    working_dir: Path

    __slots__ = ("display", "path", "root", "working_dir")

    def __init__(self, display: str, path: Path, root: Mapping, working_dir: Path) -> None:
        self.display = display
        self.path = path
        self.root = root
        self.working_dir = working_dir


class _Resolver:
    def __init__(self, spec: ProjectSpec, options: ResolveOptions, cwd: Path) -> None:
        self.spec = spec
        self.options = options
        self.cwd = cwd
        self.problems: list[Problem] = []
        self.sources: dict[str, SourceFile] = {}
        self.documents: list[Document] = []
        self.interpolated: list[Document] = []
        self.env: dict[str, EnvVar] = {}
        self.env_files: list[Path] = []
        self.budget = ExpansionBudget()  # what interpolation may produce, all files together
        self._memo: dict[tuple[int, bool], tuple[Node, Node]] = {}  # see interpolate()
        self._memo_env: tuple[int, int] = (0, 0)
        self._file_cache: dict[Path, list[Node] | None] = {}
        # editor buffers and stdin replace the files on disk
        self.overrides: dict[Path, str] = {**options.overrides, **spec.overrides}
        self.env_file_origins: dict[tuple[str, str], Span] = {}
        self._extends_docs: dict[Path, _Doc] = {}
        # services with their extends applied, by (id of their document root, name);
        # the root is kept so that its id stays unique
        self._extended: dict[tuple[int, str], tuple[Mapping, Mapping]] = {}
        # included models, loaded once per (files, project directory, environment)
        self._included: dict[tuple[object, ...], Mapping | None] = {}
        self.shadowed_env: list[ShadowedEnv] = []
        # services canonicalised once, in finish (see single_services), and the
        # interpolated mapping each was loaded as
        self._single: frozenset[str] = frozenset()
        self._deferred: dict[str, Mapping] = {}

    # -- helpers -----------------------------------------------------------
    def show(self, path: Path) -> str:
        return display_path(path, self.cwd)

    def problem(
        self,
        rule: str,
        message: str,
        span: Span | None,
        *,
        related: tuple[Related, ...] = (),
        fatal: bool = False,
        severity: Severity | None = None,
        help: str | None = None,
        note: str | None = None,
    ) -> None:
        self.problems.append(
            Problem(rule, message, span, related, fatal, severity, help=help, note=note)
        )

    def read(
        self, path: Path, kind: str, *, origin: Span | None = None, rule: str = "file-unreadable"
    ) -> str | None:
        """The text of ``path``, or None after reporting why it cannot be read."""
        shown = self.show(path)
        if self.spec.stdin_text is not None and path == self.spec.compose_files[0]:
            text: str | None = self.spec.stdin_text
        elif path in self.overrides:
            text = self.overrides[path]
        else:
            try:
                text = read_text(path)
            except UnreadableFile as exc:
                if origin is None:  # the finding is located in the file itself
                    self.problem(
                        rule, f"cannot read file: {exc}", Span.whole_file(shown), fatal=True
                    )
                else:
                    self.problem(rule, f"cannot read {shown}: {exc}", origin, fatal=True)
                text = None
        self.sources.setdefault(
            shown, SourceFile(path, shown, "compose" if kind == "compose" else "env", text)
        )
        return text

    def load_documents(
        self, path: Path, *, origin: Span | None = None, rule: str = "file-unreadable"
    ) -> list[Node] | None:
        """Parse a compose file once (cached); yaml problems are recorded on first load."""
        if path in self._file_cache:
            return self._file_cache[path]
        text = self.read(path, "compose", origin=origin, rule=rule)
        if text is None:
            self._file_cache[path] = None
            return None
        shown = self.show(path)
        cache = self.options.parse_cache
        result = cache.load(text, shown) if cache is not None else load_yaml(text, shown)
        for yp in result.problems:
            self.problem(yp.rule, yp.message, yp.span, related=yp.related, fatal=yp.fatal)
        if not result.documents and not any(yp.fatal for yp in result.problems):
            self.problem(
                "yaml-syntax", f"{shown}: empty compose file", Span.whole_file(shown), fatal=True
            )
        docs: list[Node] = []
        for doc in result.documents:
            self.documents.append(Document(shown, doc))
            if isinstance(doc, Mapping):
                docs.append(doc)
            else:
                self.problem(
                    "yaml-syntax",
                    f"top-level value must be a mapping, found {_kind(doc)}",
                    doc.span or Span.whole_file(shown),
                    fatal=True,
                )
        self._file_cache[path] = docs
        return docs

    # -- interpolation environment -------------------------------------------
    def lookup(self, name: str) -> EnvVar | None:
        return self.env.get(name)

    def build_environment(self) -> None:
        opts, spec = self.options, self.spec
        if opts.use_shell_env:
            for k, v in opts.shell_env.items():
                self.env[k] = EnvVar(k, v, "shell")
        shell_keys = set(self.env)
        files: list[Path]
        if spec.env_files is not None:
            files = list(spec.env_files)
            for f in files:
                if f not in self.overrides and not exists(f):
                    shown = self.show(f)
                    self.problem(
                        "file-unreadable", f"couldn't find env file: {shown}", None, fatal=True
                    )
            # what exists but cannot be read (a FIFO, a loop ...) is reported by read()
            files = [f for f in files if f in self.overrides or exists(f)]
        else:
            disabled = opts.use_shell_env and opts.shell_env.get(
                "COMPOSE_DISABLE_ENV_FILE", ""
            ) not in ("", "0", "false")
            default = spec.project_dir / ".env"
            files = [] if disabled or not self.usable_default_env(default) else [default]
            cwd_env = spec.cwd_env_file
            if cwd_env is not None and cwd_env != default and self.usable_default_env(cwd_env):
                files.append(cwd_env)  # read last: the CWD's value wins
        for f in files:
            text = self.read(f, "env")
            if text is None:
                continue
            self.env_files.append(f)
            shown = self.show(f)
            result = parse_env(text, shown, self.lookup, budget=self.budget)
            for err in result.errors:
                self.problem("env-syntax", err.message, err.span, fatal=err.fatal)
            for key, entry in result.values().items():
                if key in shell_keys or entry.value is None:
                    continue
                self.env[key] = EnvVar(key, entry.value, "env", entry.value_span)

    def usable_default_env(self, path: Path) -> bool:
        """Whether a default ``.env`` (one nobody named) is to be read: a missing one
        is not; one that exists but cannot be read (a FIFO, a device, a symlink loop,
        no permission) is, so that reading it reports why. Compose ignores a default
        ``.env`` that is a directory (compose-go ``GetEnvFromFile``; verified with
        ``docker compose config``): a warning, since no variable comes from it."""
        if path in self.overrides:
            return True
        if not exists(path):
            return False
        if dir_problem(path) is None:
            self.problem(
                "file-unreadable",
                f"{self.show(path)} is a directory: docker compose ignores it, "
                "so no variable is read from it",
                None,
                severity=Severity.WARNING,
            )
            return False
        return True

    # -- interpolation -----------------------------------------------------
    def interpolate(self, node: Node, *, in_extension: bool = False) -> Node:
        """A copy of ``node`` with every string value interpolated (keys never are).

        A node that YAML aliases repeat is one object: it is interpolated once per
        environment, and its copy is shared the same way (an anchor aliased 400
        times costs one interpolation, not 400)."""
        env_key = (id(self.env), len(self.env))
        if self._memo_env != env_key:
            self._memo.clear()
            self._memo_env = env_key
        key = (id(node), in_extension)
        memo = self._memo.get(key)
        if memo is not None:
            return memo[1]
        result = self._interpolate(node, in_extension)
        self._memo[key] = (node, result)  # the node is kept so that its id stays unique
        return result

    def _interpolate(self, node: Node, in_extension: bool) -> Node:
        if isinstance(node, Scalar):
            if isinstance(node.value, YamlTimestamp) and not in_extension:
                self.problem(
                    "project-invalid",
                    f"unquoted date {node.value!r} is a YAML timestamp, which Compose rejects",
                    node.span,
                    note="Compose reports: invalid jsonType time.Time",
                    help=f'quote it: "{node.value}"',
                )

                return node
            if not isinstance(node.value, str) or "$" not in node.value:
                return node
            try:
                result = interpolate_scalar(node, self.lookup, self.budget)
            except InterpolationSyntaxError as exc:
                self.problem(
                    "interpolation-syntax",
                    exc.message,
                    node.sub_span(exc.offset, max(exc.length, 1)),
                    fatal=isinstance(exc, InterpolationTooLarge),
                )
                return node
            for sub in result.subs:
                self.report_substitution(sub, node)
            return result
        if isinstance(node, Mapping):
            return Mapping(
                {
                    k: self.interpolate(v, in_extension=in_extension or k.startswith("x-"))
                    for k, v in node.items.items()
                },
                node.span,
                key_spans=node.key_spans,
                tag=node.tag,
            )
        if isinstance(node, Sequence):
            return Sequence(
                [self.interpolate(v, in_extension=in_extension) for v in node.items],
                node.span,
                tag=node.tag,
            )
        return node

    def report_substitution(self, sub: Substitution, node: Scalar) -> None:
        """Unset variables: Compose warns (blank string) or refuses (``${VAR:?}``)."""
        where = sub.expr_span or node.span
        if sub.source == "error":
            self.problem(
                "var-undefined", required_message(sub, self.lookup), where, severity=Severity.ERROR
            )
        elif sub.source == "unset":
            self.problem(
                "var-undefined",
                f'variable "{sub.name}" is not set',
                where,
                severity=Severity.WARNING,
                note="Compose substitutes an empty string",
                help=f"set it in {self.env_hint()} or give a default: ${{{sub.name}:-value}}",
            )

    def env_hint(self) -> str:
        return " or ".join(self.show(f) for f in self.env_files) or "the project .env file"

    # -- the whole project ---------------------------------------------------
    def run(self) -> Project:
        spec = self.spec
        self.build_environment()
        files = list(spec.compose_files)
        compose_file = self.env.get("COMPOSE_FILE")
        if compose_file and not spec.explicit_files:
            sep = (
                self.env["COMPOSE_PATH_SEPARATOR"].value
                if "COMPOSE_PATH_SEPARATOR" in self.env
                else ":"
            )
            files = [resolve_path(f, spec.project_dir) for f in compose_file.value.split(sep) if f]

        raw_docs: list[tuple[Path, list[Node]]] = []
        for f in files:
            docs = self.load_documents(f)
            if docs is not None:
                raw_docs.append((f, docs))

        name = self.project_name(raw_docs)
        self._single = single_services(raw_docs)
        self.env.setdefault(
            "COMPOSE_PROJECT_NAME", EnvVar("COMPOSE_PROJECT_NAME", name, "injected")
        )
        self.env.setdefault("PWD", EnvVar("PWD", str(self.cwd), "injected"))

        model = Mapping()
        for f, docs in raw_docs:
            for raw in docs:
                assert isinstance(raw, Mapping)
                doc = _Doc(self.show(f), f, self.interpolated_doc(raw), spec.project_dir)
                part = self.load_model(doc, include_stack=(resolve_path(f),))
                self.merge_into(model, part)
        return self.finish(model, name)

    def interpolated_doc(self, raw: Mapping) -> Mapping:
        shown = raw.span.path if raw.span else ""
        doc = self.interpolate(raw)
        assert isinstance(doc, Mapping)
        self.interpolated.append(Document(shown, doc))
        return doc

    def project_name(self, raw_docs: list[tuple[Path, list[Node]]]) -> str:
        if self.options.project_name:
            return self.options.project_name
        if "COMPOSE_PROJECT_NAME" in self.env and self.env["COMPOSE_PROJECT_NAME"].value:
            return normalize_project_name(self.env["COMPOSE_PROJECT_NAME"].value)
        name: str | None = None
        for _, docs in raw_docs:
            for doc in docs:
                node = doc.get("name") if isinstance(doc, Mapping) else None
                if isinstance(node, Scalar) and node.value is not None:
                    value = self.interpolate(node)
                    if isinstance(value, Scalar) and value.value:
                        name = str(value.value)
        if name:
            return normalize_project_name(name)
        return normalize_project_name(self.spec.project_dir.name)

    def load_model(self, doc: _Doc, include_stack: tuple[Path, ...]) -> Mapping:
        """One document as a model fragment: canonical services, extends and include applied."""
        part = Mapping(span=doc.root.span)
        services_node = doc.root.get("services")
        services = Mapping(span=services_node.span if services_node else None)
        if isinstance(services_node, Mapping):
            services.key_spans = dict(services_node.key_spans)
            for sname, snode in services_node.items.items():
                if snode.tag == "!reset":
                    services.set(sname, snode)  # removes the service when merged
                    continue
                if not isinstance(snode, Mapping):
                    continue  # the schema rule reports it
                if sname in self._single:  # canonical once, in finish
                    self._deferred[sname] = snode
                    services.set(sname, snode)
                    continue
                services.set(sname, self.service_with_extends(sname, snode, doc, include_stack))
        for key, value in doc.root.items.items():
            if key == "services":
                part.set(key, services, doc.root.key_spans.get(key))
            elif key in RESOURCE_KINDS:
                if isinstance(value, Mapping):
                    part.set(
                        key, _with_working_dir(value, doc.working_dir), doc.root.key_spans.get(key)
                    )
            elif key.startswith("x-") or key == "name":
                part.set(key, value, doc.root.key_spans.get(key))
        include = doc.root.get("include")
        if isinstance(include, Sequence):
            for entry in include.items:
                included = self.load_include(entry, doc, include_stack)
                if included is not None:
                    self.merge_include(part, included)
        return part

    # -- services and extends ------------------------------------------------
    def canonical(self, name: str, svc: Mapping, working_dir: Path) -> Mapping:
        """The service in long syntax with absolute paths, still mergeable (no defaults)."""
        errors: list[CanonicalError] = []
        result = canonical_service(
            name, svc, working_dir=working_dir, env=self._env_value, errors=errors, final=False
        )
        self.report_canonical(errors)
        env_file = svc.get("env_file")
        if env_file is not None:
            result.set(
                "env_file",
                _absolute_env_files(env_file, working_dir),
                svc.key_spans.get("env_file"),
            )
        result.span = svc.span
        return result

    def report_canonical(self, errors: list[CanonicalError]) -> None:
        for err in errors:
            self.problem(
                err.rule, err.message, err.span, severity=err.severity, help=err.help, note=err.note
            )

    def _env_value(self, name: str) -> str | None:
        var = self.env.get(name)
        return var.value if var else None

    def service_with_extends(
        self, name: str, svc: Mapping, doc: _Doc, include_stack: tuple[Path, ...]
    ) -> Mapping:
        """The service with its ``extends`` chain applied.

        Iterative (a chain of any length costs no stack) and memoised per document
        and service, so that N services extending one another cost N merges, not N².
        """
        chain: list[tuple[str, Mapping, _Doc, Mapping]] = []  # (name, raw, doc, local)
        seen: set[tuple[Path, str]] = set()
        cyclic = False
        base: Mapping | None = None  # the resolved service the chain's top extends
        while True:
            memo = self._extended.get((id(doc.root), name))
            if memo is not None and chain:
                base = memo[1]
                break
            local = self.canonical(name, svc, doc.working_dir)
            chain.append((name, svc, doc, local))
            ext = svc.get("extends")
            if ext is None:
                break
            local.pop("extends")
            here = (doc.path, name)
            if here in seen:
                names = " -> ".join(n for n, *_ in chain)
                self.problem("extends-failed", f"circular extends: {names}", ext.span, fatal=True)
                cyclic = True
                break
            seen.add(here)
            target = self.extends_target(name, ext, doc)
            if target is None:
                break
            name, svc, doc = target
        result = base
        for cname, _raw, cdoc, local in reversed(chain):
            if result is None:
                result = local
            else:
                result = _copy_mapping(result)
                merge_service(result, local)
                result.span = local.span
            if not cyclic:  # a cycle's result depends on where it was entered
                self._extended[(id(cdoc.root), cname)] = (cdoc.root, result)
        assert result is not None
        return result

    def extends_target(self, name: str, ext: Node, doc: _Doc) -> tuple[str, Mapping, _Doc] | None:
        """The service ``ext`` names (its name, raw mapping and document), or None
        after reporting why there is none (a malformed ``extends`` is the schema's)."""
        base_name, base_file = _extends_target(ext)
        if base_name is None:
            return None
        if base_file is None:
            base_doc = doc
        else:
            path = resolve_path(base_file, doc.path.parent)
            cached = self._extends_docs.get(path)
            if cached is None:
                docs = self.load_documents(path, origin=ext.span, rule="extends-failed")
                if not docs:
                    return None
                merged = Mapping()
                for raw in docs:
                    assert isinstance(raw, Mapping)
                    merge_mappings(merged, self.interpolated_doc(raw))
                # interpolated once, however many services extend from it
                cached = self._extends_docs[path] = _Doc(self.show(path), path, merged, path.parent)
            base_doc = cached
        services = base_doc.root.get("services")
        base = services.get(base_name) if isinstance(services, Mapping) else None
        if not isinstance(base, Mapping):
            where = f" in {base_doc.display}" if base_file else ""
            self.problem(
                "extends-failed",
                f'cannot extend service "{name}": service "{base_name}" not found{where}',
                ext.span,
                fatal=True,
            )
            return None
        return base_name, base, base_doc

    # -- include -------------------------------------------------------------
    def load_include(
        self, entry: Node, doc: _Doc, include_stack: tuple[Path, ...]
    ) -> Mapping | None:
        paths: list[Scalar] = []
        project_dir: Path | None = None
        env_files: list[Scalar] = []
        if isinstance(entry, Scalar):
            paths = [entry]
        elif isinstance(entry, Mapping):
            p = entry.get("path")
            paths = scalar_items(p)
            pd = entry.get("project_directory")
            if isinstance(pd, Scalar) and pd.value:
                project_dir = resolve_path(str(pd.value), doc.working_dir)
            env_files = scalar_items(entry.get("env_file"))
        if not paths:
            return None
        for p in paths:
            text = str(p.value)
            if re.match(r"^[a-z][a-z0-9+.-]*://|^git@", text, re.IGNORECASE):
                self.problem(
                    "remote-include",
                    f'remote include "{text}" is not fetched',
                    p.span,
                    note="its services were not linted",
                )
                return None
        files = [resolve_path(str(p.value), doc.working_dir) for p in paths]
        for f, p in zip(files, paths, strict=True):
            if len(include_stack) >= limits.MAX_INCLUDE_DEPTH:
                self.problem(
                    "include-failed",
                    f"include nested deeper than {limits.MAX_INCLUDE_DEPTH} levels: "
                    f"{self.show(f)} was not loaded",
                    p.span,
                    fatal=True,
                )
                return None
            if f in include_stack:
                chain = " -> ".join(self.show(x) for x in (*include_stack, f))
                self.problem(
                    "include-failed",
                    f"include cycle detected: {self.show(f)} is included again",
                    p.span,
                    fatal=True,
                    note=f"the include chain is {chain}",
                )
                return None
            if not (f in self.overrides or exists(f)):
                self.problem(
                    "include-failed", f"included file {self.show(f)} not found", p.span, fatal=True
                )
                return None
        pdir = project_dir or files[0].parent
        env_paths = [resolve_path(str(e.value), doc.working_dir) for e in env_files] or [
            pdir / ".env"
        ]
        # an include reached twice (a diamond) is loaded once per environment
        key = (tuple(files), pdir, tuple(env_paths), frozenset(self.env.items()))
        if key in self._included:
            cached = self._included[key]
            return None if cached is None else _copy_mapping(cached)
        self._included[key] = None  # not yet loaded: a cycle is reported, not looped
        model = self.load_included(entry, files, pdir, env_paths, bool(env_files), include_stack)
        self._included[key] = _copy_mapping(model)
        return model

    def load_included(
        self,
        entry: Node,
        files: list[Path],
        pdir: Path,
        env_paths: list[Path],
        named_env: bool,
        include_stack: tuple[Path, ...],
    ) -> Mapping:
        # the included project's environment: its env file, with the parent's on top
        saved, saved_extends, saved_extended = self.env, self._extends_docs, self._extended
        self.env = dict(saved)
        self._extends_docs = {}  # interpolated with another environment in here
        self._extended = {}
        for ef in env_paths:
            if ef not in self.overrides and not exists(ef):
                if named_env:
                    self.problem(
                        "include-failed",
                        f"env file {self.show(ef)} not found",
                        entry.span,
                        fatal=True,
                    )
                continue
            if not named_env and not self.usable_default_env(ef):
                continue
            env_text = self.read(ef, "env")
            if env_text is None:
                continue
            result = parse_env(env_text, self.show(ef), self.lookup, budget=self.budget)
            for err in result.errors:
                if err.fatal:  # a budget: the others are Compose's business for this file
                    self.problem("env-syntax", err.message, err.span, fatal=True)
            for key, e in result.values().items():
                if key not in saved and e.value is not None:
                    self.env[key] = EnvVar(key, e.value, "env", e.value_span)
        try:
            model = Mapping()
            for f in files:
                docs = self.load_documents(f, origin=entry.span, rule="include-failed")
                for raw in docs or []:
                    assert isinstance(raw, Mapping)
                    sub = _Doc(self.show(f), f, self.interpolated_doc(raw), pdir)
                    self.merge_into(model, self.load_model(sub, (*include_stack, f)))
        finally:
            self.env, self._extends_docs, self._extended = saved, saved_extends, saved_extended
        model.pop("name")
        services = model.get("services")
        for svc in services.items.values() if isinstance(services, Mapping) else ():
            build = svc.get("build") if isinstance(svc, Mapping) else None
            if isinstance(build, Mapping) and "context" not in build.items:
                # an included project is complete before it is merged: its default
                # build context "." is its own project directory
                build.set("context", Scalar(str(pdir), build.span))
        return model

    def merge_include(self, part: Mapping, included: Mapping) -> None:
        for kind, section in included.items.items():
            if not isinstance(section, Mapping):
                continue
            target = part.get(kind)
            if not isinstance(target, Mapping):
                # a copy: later includes add to it, never to the included model
                copy = Mapping(dict(section.items), section.span, key_spans=dict(section.key_spans))
                part.set(kind, copy, included.key_spans.get(kind))
                continue
            for name, value in section.items.items():
                if name in target.items:
                    if target.items[name].to_plain() != value.to_plain():
                        self.problem(
                            "include-failed",
                            f"{kind}.{name} conflicts with imported resource",
                            target.key_span(name),
                            related=(Related(value.span, "imported definition"),)
                            if value.span
                            else (),
                        )
                    continue
                target.set(name, value, section.key_spans.get(name))

    # -- merging files ---------------------------------------------------------
    def merge_into(self, model: Mapping, part: Mapping) -> None:
        for key, value in part.items.items():
            if key == "services" and isinstance(value, Mapping):
                services = model.get("services")
                if not isinstance(services, Mapping):
                    services = Mapping(span=value.span, key_spans={})
                    model.set("services", services, part.key_spans.get(key))
                for sname, snode in value.items.items():
                    existing = services.get(sname)
                    if snode.tag == "!reset":  # `worker: !reset` removes the service
                        services.pop(sname)
                    elif isinstance(existing, Mapping) and isinstance(snode, Mapping):
                        merged = _copy_mapping(existing)
                        errs = merge_service(merged, snode, sname)
                        for message, span in errs:
                            self.problem("project-invalid", message, span)
                        services.set(sname, merged)
                    else:
                        services.set(sname, snode, value.key_spans.get(sname))
            elif isinstance(value, Mapping) and isinstance(model.get(key), Mapping):
                target = model.get(key)
                assert isinstance(target, Mapping)
                merge_mappings(target, value)
            else:
                model.set(key, value, part.key_spans.get(key))

    # -- after merging -----------------------------------------------------------
    def finish(self, model: Mapping, name: str) -> Project:
        services = model.get("services")
        if not isinstance(services, Mapping):
            services = Mapping()
        active, disabled = self.apply_profiles(services)
        for sname, loaded in list(disabled.items()):  # as loaded: syntax canonical, no defaults
            if self._deferred.get(sname) is loaded:
                disabled[sname] = self.canonical(sname, loaded, self.spec.project_dir)
        for sname in list(active.items):
            svc = active.items[sname]
            assert isinstance(svc, Mapping)
            self.fold_env_files(sname, svc)
            errors: list[CanonicalError] = []
            final = canonical_service(
                sname, svc, working_dir=self.spec.project_dir, env=self._env_value, errors=errors
            )
            self.report_canonical(errors)
            final.span = svc.span
            self.check_service(sname, final)
            active.set(sname, final)
        self.check_dependency_cycles(active)
        self.check_container_names(active)
        out = Mapping(span=model.span)
        out.set("name", Scalar(name, _span_of(model, "name")))
        resources = {kind: model.get(kind) for kind in RESOURCE_KINDS}
        networks = (
            resources["networks"] if isinstance(resources["networks"], Mapping) else Mapping()
        )
        service_nodes = [s for s in active.items.values() if isinstance(s, Mapping)]
        used_nets = used_networks(service_nodes)
        if "default" in used_nets and "default" not in networks.items:
            networks.set("default", Mapping())
        resources["networks"] = networks
        used = {
            "networks": used_nets,
            "volumes": used_volumes(service_nodes),
            "secrets": _used_sources(service_nodes, "secrets"),
            "configs": _used_sources(service_nodes, "configs"),
        }
        for kind in RESOURCE_KINDS:
            section = resources[kind]
            if not isinstance(section, Mapping):
                continue
            canon = Mapping(span=section.span, key_spans=dict(section.key_spans))
            for rname, rnode in section.items.items():
                if kind in used and rname not in used[kind]:
                    continue  # `config` leaves out what no service uses
                res_errors: list[CanonicalError] = []
                canon.set(
                    rname,
                    canonical_resource(
                        kind,  # type: ignore[arg-type]
                        rname,
                        rnode,
                        project_name=name,
                        working_dir=self.spec.project_dir,
                        errors=res_errors,
                    ),
                )
                self.report_canonical(res_errors)
            if canon.items:
                out.set(kind, canon, model.key_spans.get(kind))
        out.set("services", active, model.key_spans.get("services"))
        for key, value in model.items.items():
            if key.startswith("x-"):
                out.set(key, value, model.key_spans.get(key))
        return Project(
            name=name,
            directory=self.spec.project_dir,
            compose_files=list(self.spec.compose_files),
            model=out,
            env=self.env,
            sources=self.sources,
            documents=self.documents,
            interpolated=self.interpolated,
            disabled_services={k: v for k, v in disabled.items() if isinstance(v, Mapping)},
            active_profiles=self.options.profiles,
            problems=self.problems,
            env_files=self.env_files,
            env_file_origins=self.env_file_origins,
            shadowed_env=self.shadowed_env,
        )

    def apply_profiles(self, services: Mapping) -> tuple[Mapping, dict[str, Mapping]]:
        wanted = set(self.options.profiles)
        if not wanted and not self.options.all_profiles:
            from_env = self.env.get("COMPOSE_PROFILES")
            wanted = (
                {p.strip() for p in from_env.value.split(",") if p.strip()} if from_env else set()
            )
            wanted.add("")  # a marker: narrow even when no profile is active
        active = Mapping(span=services.span, key_spans=dict(services.key_spans))
        disabled: dict[str, Mapping] = {}
        for sname, svc in services.items.items():
            if not isinstance(svc, Mapping):
                continue
            profiles = svc.get("profiles")
            names = (
                {str(p.value) for p in profiles.items if isinstance(p, Scalar)}
                if isinstance(profiles, Sequence)
                else set()
            )
            if not wanted or "*" in wanted or not names or names & wanted:
                active.set(sname, svc)
            else:
                disabled[sname] = svc
        return active, disabled

    def fold_env_files(self, sname: str, svc: Mapping) -> None:
        """Read each ``env_file`` and add its values under ``environment`` (which wins)."""
        env_file = svc.pop("env_file")
        if not isinstance(env_file, Sequence):
            return
        environment = svc.get("environment")
        if not isinstance(environment, Mapping):
            environment = Mapping(span=env_file.span)
        from_files: dict[str, Node] = {}
        for item in env_file.items:
            if not isinstance(item, Mapping):
                continue
            path_node = item.get("path")
            if not isinstance(path_node, Scalar):
                continue
            path = Path(str(path_node.value))
            required = item.get("required")
            is_required = not (isinstance(required, Scalar) and required.value in (False, "false"))
            fmt = item.get("format")
            raw = isinstance(fmt, Scalar) and fmt.value == "raw"
            if isinstance(fmt, Scalar) and fmt.value not in (None, "", ".env", "raw"):
                self.problem(
                    "project-invalid", f'unsupported env_file format "{fmt.value}"', fmt.span
                )
            # what exists but cannot be read (a FIFO, a loop ...) is reported by read()
            if path not in self.overrides and not exists(path):
                if is_required and (gate := self.profile_gate(svc)):
                    # Compose only reads it when the profile is active: a warning, not a refusal
                    self.problem(
                        "env-file-missing",
                        f'env file {self.show(path)} of service "{sname}" not found',
                        path_node.span,
                        severity=Severity.WARNING,
                        note=f'service "{sname}" only runs with profile {gate}, when Compose '
                        "will refuse the project",
                    )

                elif is_required:
                    self.problem(
                        "env-file-missing",
                        f'env file {self.show(path)} not found (service "{sname}")',
                        path_node.span,
                        fatal=True,
                    )
                else:
                    self.problem(
                        "env-file-missing",
                        f"optional env file {self.show(path)} not found (required: false)",
                        path_node.span,
                        severity=Severity.INFO,
                    )
                continue
            text = self.read(path, "env", origin=path_node.span, rule="env-file-missing")
            if text is None:
                continue

            def lookup(name: str, _env: Mapping = environment) -> EnvVar | None:
                var = self.env.get(name)
                if var is not None:
                    return var
                node = _env.get(name)
                if isinstance(node, Scalar) and node.value is not None:
                    return EnvVar(name, str(node.value), "env", node.span)
                return None

            result = parse_env(text, self.show(path), lookup, raw_format=raw, budget=self.budget)
            for err in result.errors:
                self.problem("env-syntax", err.message, err.span, fatal=err.fatal)
            for key, entry in result.values().items():
                if entry.value is None:
                    continue
                from_files[key] = Scalar(
                    entry.value, entry.value_span, raw=entry.raw_value, subs=entry.subs
                )
                if path_node.span is not None:
                    self.env_file_origins[(sname, key)] = path_node.span
        if not from_files:
            return
        for key, value in from_files.items():
            if key not in environment.items:
                environment.set(key, value)
            else:
                self.env_file_origins.pop((sname, key), None)
                self.shadowed_env.append(
                    ShadowedEnv(sname, key, value.span, environment.key_span(key))
                )
        if "environment" not in svc.items:
            svc.set("environment", environment)

    def profile_gate(self, svc: Mapping) -> str | None:
        """The service's profiles (``"a" or "b"``) when it only runs under a profile
        that was not asked for: composelint lints it, Compose would not load it."""
        if self.options.profiles:
            return None
        profiles = svc.get("profiles")
        names = (
            [str(p.value) for p in profiles.items if isinstance(p, Scalar)]
            if isinstance(profiles, Sequence)
            else []
        )
        return " or ".join(f'"{n}"' for n in names) or None

    def check_service(self, sname: str, svc: Mapping) -> None:
        if "image" not in svc.items and "build" not in svc.items and "provider" not in svc.items:
            message = f'service "{sname}" has neither an image nor a build context specified'
            gate = self.profile_gate(svc)
            # Compose only loads it under the profile: a warning, not a refusal
            self.problem(
                "project-invalid",
                message,
                svc.span,
                severity=Severity.WARNING if gate else None,
                note=f"it only runs with profile {gate}, when Compose will refuse the project"
                if gate
                else None,
            )

    def check_container_names(self, services: Mapping) -> None:
        """Two services cannot share a ``container_name`` (Compose refuses the project)."""
        seen: dict[str, tuple[str, Span | None]] = {}
        for sname, svc in services.items.items():
            node = svc.get("container_name") if isinstance(svc, Mapping) else None
            if not isinstance(node, Scalar) or not node.value:
                continue
            cname = str(node.value)
            if cname in seen:
                first, first_span = seen[cname]
                message = f'container name "{cname}" of service "{sname}" is already used by service "{first}"'
                gates = [g for s in (first, sname) if (g := self.profile_gate(services.items[s]))]  # type: ignore[arg-type]
                # the two never run together unless both profiles are asked for
                self.problem(
                    "project-invalid",
                    message,
                    node.span,
                    related=(Related(first_span, f'"{first}" uses it here'),) if first_span else (),
                    severity=Severity.WARNING if gates else None,
                    note=f"when run with profile {' and '.join(gates)}" if gates else None,
                )

            else:
                seen[cname] = (sname, node.span)

    def check_dependency_cycles(self, services: Mapping) -> None:
        graph: dict[str, list[str]] = {}
        for sname, svc in services.items.items():
            deps = svc.get("depends_on") if isinstance(svc, Mapping) else None
            graph[sname] = list(deps.items) if isinstance(deps, Mapping) else []
        state: dict[str, int] = {}
        reported: set[frozenset[str]] = set()

        def visit(start: str) -> None:
            stack: list[tuple[str, int]] = [(start, 0)]
            path: list[str] = []
            while stack:
                node, idx = stack.pop()
                if idx == 0:
                    if state.get(node) == 2:
                        continue
                    state[node] = 1
                    path.append(node)
                children = graph.get(node, [])
                if idx < len(children):
                    stack.append((node, idx + 1))
                    child = children[idx]
                    if state.get(child) == 1 and child in path:
                        cycle = [*path[path.index(child) :], child]
                        key = frozenset(cycle)
                        if key not in reported:
                            reported.add(key)
                            svc = services.get(cycle[0])
                            span = _span_of(svc, "depends_on") if isinstance(svc, Mapping) else None
                            self.problem(
                                "project-invalid",
                                f"dependency cycle detected: {' -> '.join(cycle)}",
                                span,
                            )
                    elif state.get(child) is None and child in graph:
                        stack.append((child, 0))
                else:
                    state[node] = 2
                    path.pop()

        for sname in graph:
            if sname not in state:
                visit(sname)


# -- module helpers ------------------------------------------------------------


def normalize_project_name(name: str) -> str:
    """Compose's normalisation: lower case, only ``[a-z0-9_-]``, starting alphanumeric."""
    cleaned = re.sub(r"[^a-z0-9_-]", "", name.lower())
    return cleaned.lstrip("_-")


def _kind(node: Node) -> str:
    return (
        "a mapping"
        if isinstance(node, Mapping)
        else "a list"
        if isinstance(node, Sequence)
        else "a scalar"
    )


def _span_of(node: Node | None, key: str) -> Span | None:
    if isinstance(node, Mapping):
        return node.key_spans.get(key) or (node.items[key].span if key in node.items else None)
    return None


def single_services(raw_docs: list[tuple[Path, list[Node]]]) -> frozenset[str]:
    """The services whose canonical form only ``finish`` needs: defined once in the
    project's files (merged with nothing), without ``extends``, ``env_file`` or a
    tag, extended by no other service, in a project with no ``include``.

    Every other service is canonicalised twice: its syntax when it is loaded (what
    merging and ``extends`` work on), then the final form once merged. For these,
    the final form of the service as written is the same (values, spans and
    problems alike; ``tests/test_resolve.py`` compares both on every fixture), so the
    first pass is skipped."""
    counts: dict[str, int] = {}
    excluded: set[str] = set()
    for _path, docs in raw_docs:
        for doc in docs:
            if not isinstance(doc, Mapping):
                continue
            if "include" in doc:
                return frozenset()
            services = doc.get("services")
            for sname, svc in services.items.items() if isinstance(services, Mapping) else ():
                counts[sname] = counts.get(sname, 0) + 1
                if not isinstance(svc, Mapping) or svc.tag is not None:
                    excluded.add(sname)
                    continue
                profiles = svc.get("profiles")
                if {"extends", "env_file"} & set(svc.items) or not (
                    profiles is None or isinstance(profiles, Sequence)
                ):
                    excluded.add(sname)
                ext = svc.get("extends")
                if ext is not None:
                    target, _file = _extends_target(ext)
                    if target is not None:
                        excluded.add(target)
    return frozenset(n for n, c in counts.items() if c == 1 and n not in excluded)


def _extends_target(ext: Node) -> tuple[str | None, str | None]:
    if isinstance(ext, Scalar) and isinstance(ext.value, str):
        return ext.value, None
    if isinstance(ext, Mapping):
        svc, f = ext.get("service"), ext.get("file")
        name = str(svc.value) if isinstance(svc, Scalar) and svc.value is not None else None
        file = str(f.value) if isinstance(f, Scalar) and f.value else None
        return name, file
    return None, None


def _absolute_env_files(node: Node, working_dir: Path) -> Sequence:
    """``env_file`` in long form with absolute paths (string, list or long syntax)."""
    items = node.items if isinstance(node, Sequence) else [node]
    out = Sequence(span=node.span)
    for item in items:
        if isinstance(item, Scalar) and item.value is not None:
            entry = Mapping(span=item.span)
            entry.set("path", item.derive(str(resolve_path(str(item.value), working_dir))))
            out.items.append(entry)
        elif isinstance(item, Mapping) and isinstance(item.get("path"), Scalar):
            entry = Mapping(dict(item.items), item.span, key_spans=dict(item.key_spans))
            p = item.get("path")
            assert isinstance(p, Scalar)
            entry.set("path", p.derive(str(resolve_path(str(p.value), working_dir))))
            out.items.append(entry)
    return out


def _with_working_dir(section: Mapping, working_dir: Path) -> Mapping:
    """Resources keep the directory their relative ``file:`` paths resolve against."""
    out = Mapping(span=section.span, key_spans=dict(section.key_spans), tag=section.tag)
    for name, node in section.items.items():
        if isinstance(node, Mapping) and "file" in node.items:
            copy = Mapping(
                dict(node.items), node.span, key_spans=dict(node.key_spans), tag=node.tag
            )
            f = node.get("file")
            if isinstance(f, Scalar) and f.value is not None:
                copy.set(
                    "file",
                    f.derive(str(resolve_path(str(f.value), working_dir))),
                    node.key_spans.get("file"),
                )
            out.set(name, copy)
        else:
            out.set(name, node)
    return out


def _deep_copy(node: Node) -> Node:
    if isinstance(node, Mapping):
        return Mapping(
            {k: _deep_copy(v) for k, v in node.items.items()},
            node.span,
            key_spans=dict(node.key_spans),
            tag=node.tag,
        )
    if isinstance(node, Sequence):
        return Sequence([_deep_copy(v) for v in node.items], node.span, tag=node.tag)
    if isinstance(node, Scalar):
        return Scalar(
            node.value, node.span, raw=node.raw, style=node.style, subs=node.subs, tag=node.tag
        )
    return node


def _copy_mapping(node: Mapping) -> Mapping:
    copy = _deep_copy(node)
    assert isinstance(copy, Mapping)
    return copy


def _used_sources(services: list[Mapping], kind: str) -> set[str]:
    """Top-level secrets or configs that a service (or its build) refers to."""
    used: set[str] = set()
    for svc in services:
        build = svc.get("build")
        for holder in (svc, build if isinstance(build, Mapping) else None):
            refs = holder.get(kind) if holder is not None else None
            for ref in refs.items if isinstance(refs, Sequence) else ():
                source = ref.get("source") if isinstance(ref, Mapping) else ref
                if isinstance(source, Scalar) and source.value is not None:
                    used.add(str(source.value))
    return used


def resolve(
    spec: ProjectSpec, options: ResolveOptions | None = None, *, cwd: Path | None = None
) -> Project:
    """Resolve ``spec`` into a Project; never raises for bad input."""
    return _Resolver(spec, options or ResolveOptions(), cwd or Path.cwd()).run()


__all__ = ["ResolveOptions", "normalize_project_name", "resolve"]
