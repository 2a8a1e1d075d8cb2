"""The shipped Compose schema and the span-mapping validator in composelint.resolve.schema.

Besides exact messages and spans, two differential checks: our validator against
``jsonschema.Draft7Validator`` on the same schema (every interpolated corpus document),
and our schema against the reference ``docker compose`` (the corpus INDEX verdicts,
and synthetic documents run through the binary when it is installed).
"""

from __future__ import annotations

import csv
import functools
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import compose_ref
import jsonschema
import pytest

from composelint.load.discover import ProjectSpec
from composelint.load.yamlload import load_yaml
from composelint.model.nodes import Mapping, Node, Scalar, Sequence
from composelint.model.span import Span
from composelint.resolve.resolver import resolve
from composelint.resolve.schema import (
    SchemaError,
    SchemaLoadError,
    _Compiler,
    _Validator,
    load_schema,
    validate,
)

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "compose.schema.json"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
COMPOSE = compose_ref.find_compose()
F = "compose.yaml"


def load(text: str) -> Node:
    result = load_yaml(text, F)
    assert not result.problems, result.problems
    return result.documents[0]


def errors_of(text: str) -> list[SchemaError]:
    return validate(load(text))


def messages(text: str) -> list[str]:
    return [e.message for e in errors_of(text)]


def plain(node: Node) -> Any:
    """JSON-like data as Compose validates it: ``!reset`` entries are gone."""
    if isinstance(node, Mapping):
        return {k: plain(v) for k, v in node.items.items() if v.tag != "!reset"}
    if isinstance(node, Sequence):
        return [plain(v) for v in node.items if v.tag != "!reset"]
    assert isinstance(node, Scalar)
    return node.value


# -- the schema file ------------------------------------------------------------------


def test_shipped_schema_is_valid_draft7() -> None:
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"] == "https://composelint.dev/schemas/compose.schema.json"
    assert all("description" in d for d in schema["definitions"].values())
    assert load_schema() == schema


def test_top_level_sections_and_extensions() -> None:
    schema = load_schema()
    assert set(schema["properties"]) == {
        "version", "name", "include", "services", "networks", "volumes", "secrets", "configs", "models",
    }  # fmt: skip
    assert schema["additionalProperties"] is False
    assert messages("x-common: {a: 1}\nservices:\n  a:\n    image: x\n    x-meta: [1]\n") == []


# -- exact messages and spans -----------------------------------------------------------


def test_misspelt_key_is_reported_at_the_key_with_a_suggestion() -> None:
    text = "services:\n  app:\n    image: nginx\n    depens_on:\n      - db\n  db:\n    image: postgres\n"
    (error,) = errors_of(text)
    assert error == SchemaError(
        'services.app: unknown key "depens_on" (did you mean "depends_on"?)',
        Span(F, 4, 5, 4, 14),
        ("services", "app", "depens_on"),
        "depends_on",
    )


def test_mapping_where_a_list_is_expected_is_reported_at_the_value() -> None:
    (error,) = errors_of('services:\n  app:\n    image: nginx\n    ports: {http: "80:80"}\n')
    assert error.message == "services.app.ports: expected list, got mapping"
    assert error.span == Span(F, 4, 12, 4, 27)
    assert error.path == ("services", "app", "ports")
    assert error.suggestion is None


def test_unknown_top_level_key() -> None:
    (error,) = errors_of("servics:\n  app:\n    image: nginx\n")
    assert error.message == 'unknown top-level key "servics" (did you mean "services"?)'
    assert error.span == Span(F, 1, 1, 1, 8)
    assert error.suggestion == "services"


def test_wrong_depends_on_condition() -> None:
    text = (
        "services:\n  app:\n    image: x\n    depends_on:\n      db:\n"
        "        condition: service_healty\n  db:\n    image: y\n"
    )
    (error,) = errors_of(text)
    assert error.message == (
        'services.app.depends_on.db.condition: invalid value "service_healty", expected one of '
        '"service_started", "service_healthy", "service_completed_successfully" '
        '(did you mean "service_healthy"?)'
    )
    assert error.span == Span(F, 6, 20, 6, 34)
    assert error.suggestion == "service_healthy"


def test_all_violations_are_reported_sorted_by_position() -> None:
    text = """\
services:
  web:
    image: nginx
    environment: 3
    deploy:
      replicas: [2]
  "my app":
    image: x
  db:
    imagee: postgres
    depends_on:
      web: {restart: true}
volumes:
  data:
    driver: local
    externall: true
"""
    assert [(e.span.line, e.span.col, e.message) for e in errors_of(text) if e.span] == [
        (4, 18, "services.web.environment: expected mapping or list of strings, got integer 3"),
        (6, 17, "services.web.deploy.replicas: expected integer or string, got list"),
        (7, 3, 'services: invalid key "my app" (names must match ^[a-zA-Z0-9._-]+$)'),
        (10, 5, 'services.db: unknown key "imagee" (did you mean "image"?)'),
        (12, 12, 'services.db.depends_on.web: missing required key "condition"'),
        (16, 5, 'volumes.data: unknown key "externall" (did you mean "external"?)'),
    ]


def test_alternatives_give_one_message_from_the_branch_of_the_right_kind() -> None:
    # build is a string or a mapping: a mapping is checked as the long form
    assert messages("services:\n  a:\n    build: {contxt: .}\n") == [
        'services.a.build: unknown key "contxt" (did you mean "context"?)'
    ]
    # no branch of the right kind: one message listing what is accepted
    assert messages("services:\n  a:\n    image: x\n    command: {sh: x}\n") == [
        "services.a.command: expected null, string or list of strings, got mapping"
    ]
    assert messages("services:\n  a:\n    image: x\n    ports:\n      - true\n") == [
        "services.a.ports[0]: expected number, string or mapping, got boolean true"
    ]


def test_booleans_are_not_numbers() -> None:
    assert messages("services:\n  a:\n    image: x\n    cpu_shares: true\n") == [
        "services.a.cpu_shares: expected number or string, got boolean true"
    ]
    assert messages("models:\n  m:\n    model: ai/x\n    context_size: false\n") == [
        "models.m.context_size: expected integer, got boolean false"
    ]


def test_values_as_they_are_after_interpolation() -> None:
    # interpolation yields strings where Compose casts them later; numbers stay numbers
    text = """\
services:
  a:
    image: x
    cpus: "0.5"
    mem_limit: 536870912
    privileged: "true"
    ports: [8080, "443:443", {target: 80, published: "8000-8010"}]
    deploy: {replicas: "3", resources: {limits: {cpus: 1.5, memory: 1g}}}
    healthcheck: {test: curl -f localhost, interval: 10s, retries: "3"}
    environment: {A: 1, B: true, C: null, D: "x"}
"""
    assert messages(text) == []


def test_reset_values_are_not_validated() -> None:
    assert messages("services:\n  a:\n    image: x\n    ports: !reset null\n") == []


def test_duplicates_only_where_compose_rejects_them() -> None:
    # Compose merges duplicate environment entries but rejects duplicate network names
    text = (
        "services:\n  a:\n    image: x\n    environment: [A=1, A=1]\n"
        "    networks: [front, front]\nnetworks:\n  front: {}\n"
    )
    (error,) = errors_of(text)
    assert error.message == 'services.a.networks[1]: duplicate item "front"'
    assert error.span == Span(F, 5, 23, 5, 28)


def test_validate_never_raises_on_odd_trees() -> None:
    assert messages("- a\n- b\n") == ["top level: expected mapping, got list"]
    assert validate(Scalar(None, None)) == [
        SchemaError("top level: expected mapping, got null", None, ())
    ]


# -- differential: our validator against jsonschema, on the corpus -----------------------


def _corpus_rows() -> list[dict[str, str]]:
    index = CORPUS / "INDEX.tsv"
    if not index.is_file():
        pytest.skip("the shared corpus is not available")
    with index.open(newline="") as fh:
        return [r for r in csv.DictReader(fh, delimiter="\t")]


@functools.cache
def _interpolated_documents(rel: str) -> list[Node] | None:
    """The file's documents as resolve() interpolates them; None for Jinja templates."""
    path = (CORPUS / rel).resolve()
    text = path.read_text(errors="replace")
    if "{{" in text or "{%" in text:
        return None
    project = resolve(ProjectSpec([path], path.parent, explicit_files=True), cwd=path.parent)
    return [doc for _, doc in project.interpolated]


def _prefix_related(a: list[tuple[Any, ...]], b: list[tuple[Any, ...]]) -> bool:
    """Every path of ``a`` has a path of ``b`` below or above it (jsonschema reports a
    failed oneOf or an unknown key at the parent; we report the branch's detail)."""
    return all(any(x[: len(y)] == y or y[: len(x)] == x for y in b) for x in a)


def test_corpus_agrees_with_jsonschema() -> None:
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA_PATH.read_text()))
    checked = 0
    disagreements: list[str] = []
    for row in _corpus_rows():
        for doc in _interpolated_documents(row["path"]) or []:
            checked += 1
            ours = [e.path for e in validate(doc)]
            theirs = [tuple(e.absolute_path) for e in validator.iter_errors(plain(doc))]
            if bool(ours) != bool(theirs) or not (
                _prefix_related(ours, theirs) and _prefix_related(theirs, ours)
            ):
                disagreements.append(f"{row['path']}: ours {ours[:3]} jsonschema {theirs[:3]}")
    assert checked >= 400
    assert disagreements == [], f"{len(disagreements)} of {checked} documents disagree"


# -- our schema against docker compose ----------------------------------------------------

_SCHEMA_KINDS = ("additional properties", "must be a", "invalid type")


def test_corpus_agrees_with_compose_verdicts() -> None:
    accepted = rejected = 0
    wrong: list[str] = []
    for row in _corpus_rows():
        compose_ok = row["compose_config_ok"] == "yes"
        schema_error = any(k in row["compose_error"] for k in _SCHEMA_KINDS)
        if not (compose_ok or schema_error):
            continue
        docs = _interpolated_documents(row["path"])
        if docs is None:
            continue
        ours = [e.message for d in docs for e in validate(d)]
        if compose_ok:
            accepted += 1
            if ours:
                wrong.append(f"accepted by compose: {row['path']}: {ours[:2]}")
        else:
            rejected += 1
            if not ours:
                wrong.append(f"rejected by compose: {row['path']}: {row['compose_error']}")
    assert accepted >= 250 and rejected >= 3
    assert wrong == []


# (document, our messages). With the binary installed, Compose must reject exactly the
# documents we reject, with a schema ("validating ...") error.
PROBES: list[tuple[str, list[str]]] = [
    ("services:\n  a:\n    image: x\n    pull_policy: sometimes\n",
     ['services.a.pull_policy: invalid value "sometimes", must match '
      "^(always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+)$"]),
    ("services:\n  a:\n    image: x\n    pull_policy: every_12h\n", []),
    ("services:\n  a:\n    image: x\n    cgroup: shared\n",
     ['services.a.cgroup: invalid value "shared", expected one of "host", "private"']),
    ("services:\n  a:\n    image: x\n    ulimits:\n      nofile: {soft: 1}\n",
     ['services.a.ulimits.nofile: missing required key "hard"']),
    ("services:\n  a:\n    image: x\n    post_start:\n      - user: root\n",
     ['services.a.post_start[0]: missing required key "command"']),
    ("services:\n  a:\n    image: x\n    develop:\n      watch:\n        - {path: ., action: copy}\n",
     ['services.a.develop.watch[0].action: invalid value "copy", expected one of "rebuild", '
      '"sync", "restart", "sync+restart", "sync+exec"']),
    ("services:\n  a:\n    image: x\n    volumes:\n      - {type: volum, source: v, target: /x}\n",
     ['services.a.volumes[0].type: invalid value "volum", expected one of "bind", "volume", '
      '"tmpfs", "cluster", "npipe", "image" (did you mean "volume"?)']),
    ("services:\n  a:\n    image: x\n    cpu_percent: 150\n",
     ["services.a.cpu_percent: 150 is greater than the maximum 100"]),
    ("services:\n  a:\n    image: x\n    blkio_config: {x-a: 1}\n",
     ['services.a.blkio_config: unknown key "x-a"']),
    ("services:\n  a:\n    image: x\n    pre_start: []\n", ['services.a: unknown key "pre_start" (did you mean "restart"?)']),
    ("services:\n  a:\n    image: x\n    gpus: ALL\n", ['services.a.gpus: invalid value "ALL", expected one of "all"']),
    ("services:\n  a:\n    image: x\n    gpus: [{driver: nvidia, count: all}]\n", []),
    ("services:\n  a:\n    image: x\n    use_api_socket: 'yes'\n",
     ["services.a.use_api_socket: expected boolean, got string"]),
    ("services:\n  a:\n    image: x\n    environment: {A: [1]}\n",
     ["services.a.environment.A: expected null, boolean, number or string, got list"]),
    ("services:\n  a:\n    image: x\n    labels: [a=1, a=1]\n    dns: [1.1.1.1, 1.1.1.1]\n", []),
    ("services:\n  a:\n    image: x\n    security_opt: [a, a]\n", ['services.a.security_opt[1]: duplicate item "a"']),
    ("services:\n  a:\n    image: x\n    deploy: null\n    develop: null\n    build: .\n", []),
    ("services:\n  MyApp.v2_x-y:\n    image: x\n", []),
    ("services:\n  a:\n    image: x\nnetworks:\n  n:\nvolumes:\n  v:\n", []),
    ("services:\n  a:\n    image: x\nsecrets:\n  s:\n", ["secrets.s: expected mapping, got null"]),
    ("services:\n  a:\n    image: x\nvolumes:\n  v: {external: {name: q}}\n", []),
    ("version: 3.8\nservices:\n  a:\n    image: x\n", ["version: expected string, got number 3.8"]),
    ("name: MyProject\nservices:\n  a:\n    image: x\n", []),
    ("services:\n  a:\n    image: x\n    networks:\n      n: {gw_priority: '1'}\nnetworks:\n  n: {}\n",
     ["services.a.networks.n.gw_priority: expected number, got string"]),
    ("services:\n  a:\n    image: x\nmodels:\n  m: {context_size: 8}\n", ['models.m: missing required key "model"']),
    ("services:\n  a:\n    image: x\n    depends_on:\n      b: {condition: service_started, required: 'no'}\n  b:\n    image: y\n",
     ["services.a.depends_on.b.required: expected boolean, got string"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), PROBES)
def test_probe_documents(text: str, expected: list[str]) -> None:
    assert messages(text) == expected
    if COMPOSE is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "compose.yaml").write_text(text)
        run = subprocess.run(
            [COMPOSE, "config", "--format", "json"],
            cwd=tmp,
            env=compose_ref.clean_env(Path(tmp)),
            capture_output=True,
            text=True,
            timeout=30,
        )
    compose_rejects = run.returncode != 0 and "validating " in run.stderr
    assert compose_rejects == bool(expected), run.stderr


# -- the validator on keywords the Compose schema does not use (yet) ----------------------


def test_generic_keywords_agree_with_jsonschema() -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "k": {"const": "v"},
            "l": {"type": "array", "minItems": 2},
            "a": {"anyOf": [{"type": "integer", "minimum": 5}, {"type": "string"}]},
            "b": {"allOf": [{"type": "string"}, {"pattern": "^x"}]},
        },
        "additionalProperties": {"type": "integer"},
    }
    root = load("k: w\nl: [1]\na: 3\nb: y\nother: s\nfine: 1\n")
    out: list[SchemaError] = []
    _Validator().check(_Compiler(schema).compile(schema, "schema"), root, (), out)
    assert [e.message for e in out] == [
        'k: invalid value "w", expected "v"',
        "l: expected at least 2 item(s)",
        "a: 3 is less than the minimum 5",
        'b: invalid value "y", must match ^x',
        "other: expected integer, got string",
    ]
    theirs = jsonschema.Draft7Validator(schema).iter_errors(plain(root))
    assert sorted(e.path for e in out) == sorted(tuple(e.absolute_path) for e in theirs)


def test_unsupported_keywords_are_refused() -> None:
    with pytest.raises(
        SchemaLoadError, match=r"schema.properties.a: unsupported keyword\(s\) \['not'\]"
    ):
        _Compiler({}).compile({"properties": {"a": {"not": {}}}}, "schema")
