from __future__ import annotations

import types
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from conftest import make_project

from composelint.lint.engine import Engine, exit_code, finalize, registry_findings
from composelint.lint.registry import Registry, UnknownSelector, load_registry, rule_from_module
from composelint.model.findings import Finding, Severity, Violation
from composelint.model.project import Problem, Project
from composelint.model.span import Span

DOC = """Test rule.

## What it catches

Things.

## Why it matters

Reasons.

## Bad

```yaml
services: {}
```

## Good

```yaml
services: {}
```
"""


def fake_module(
    code: str, name: str, check, severity: str = "warning", doc: str = DOC
) -> types.ModuleType:  # type: ignore[no-untyped-def]
    mod = types.ModuleType(f"fake_{name.replace('-', '_')}", doc)
    mod.code, mod.name, mod.summary, mod.severity, mod.check = (
        code,
        name,
        "A test rule",
        severity,
        check,
    )  # type: ignore[attr-defined]
    return mod


def make_registry(*modules: types.ModuleType) -> Registry:
    rules = []
    for m in modules:
        rule, errors = rule_from_module(m, m.__name__)
        assert rule is not None, errors
        rules.append(rule)
    return Registry(sorted(rules, key=lambda r: r.code), [])


def at(line: int, col: int) -> Span:
    return Span("compose.yaml", line, col, line, col + 1)


def two_findings(project: Project) -> Iterator[Violation]:
    yield Violation("second", at(3, 1))
    yield Violation("first", at(1, 5))
    yield Violation("first", at(1, 5))  # a duplicate
    yield Violation("downgraded", at(2, 1), severity=Severity.INFO)


def boom(project: Project) -> Iterator[Violation]:
    yield Violation("partial", at(1, 1))
    raise KeyError("services")


def test_findings_are_stamped_deduplicated_and_sorted() -> None:
    reg = make_registry(fake_module("TST001", "two", two_findings))
    findings = Engine(reg, reg.rules).check(make_project())
    assert [(f.code, f.name, f.severity, f.message, f.span.line) for f in findings if f.span] == [
        ("TST001", "two", Severity.WARNING, "first", 1),
        ("TST001", "two", Severity.INFO, "downgraded", 2),
        ("TST001", "two", Severity.WARNING, "second", 3),
    ]


def test_a_crashing_rule_becomes_one_internal_error_and_others_still_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    reg = make_registry(
        fake_module("TST001", "two", two_findings), fake_module("TST002", "boom", boom)
    )
    findings = Engine(reg, reg.rules).check(make_project())
    internal = [f for f in findings if f.code == "CMP900"]
    assert len(internal) == 1
    assert internal[0].name == "internal-error"
    assert internal[0].severity is Severity.ERROR
    assert (
        internal[0].message
        == "rule TST002 (boom) failed on the project in /proj: KeyError: 'services'"
    )
    assert not any(f.message == "partial" for f in findings)
    assert sum(f.code == "TST001" for f in findings) == 3
    assert capsys.readouterr().err == ""  # no traceback without --debug
    assert exit_code(findings, fatal=False) == 2


def test_debug_prints_the_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    reg = make_registry(fake_module("TST002", "boom", boom))
    Engine(reg, reg.rules, debug=True).check(make_project())
    err = capsys.readouterr().err
    assert "Traceback" in err and "KeyError: 'services'" in err


def test_yielding_something_else_than_a_violation_is_an_internal_error() -> None:
    reg = make_registry(fake_module("TST003", "bad-yield", lambda p: ["oops"]))
    (f,) = Engine(reg, reg.rules).check(make_project())
    assert f.code == "CMP900" and "check() yielded str, expected Violation" in f.message


def test_problems_of_unknown_rules_are_reported_not_dropped() -> None:
    reg = make_registry(fake_module("TST001", "two", lambda p: []))
    project = make_project(problems=[Problem("no-such-rule", "something odd", at(2, 3))])
    (f,) = Engine(reg, reg.rules).check(project)
    assert (f.code, f.span, f.message) == (
        "CMP900",
        at(2, 3),
        "problem attributed to unknown rule 'no-such-rule': something odd",
    )


def test_fatal_problems_are_reported_even_when_their_rule_is_not_selected() -> None:
    reg = make_registry(fake_module("TST001", "file-unreadable", lambda p: [], "error"))
    project = make_project(
        problems=[
            Problem("file-unreadable", "x.yaml: binary file", None, fatal=True),
            Problem("file-unreadable", "not fatal, deselected", None),
        ]
    )
    (f,) = Engine(reg, []).check(project)
    assert (f.code, f.message, f.severity) == ("TST001", "x.yaml: binary file", Severity.ERROR)


def test_orphan_problems_are_reported_by_their_selected_rule() -> None:
    reg = make_registry(fake_module("TST001", "file-unreadable", lambda p: [], "error"))
    engine = Engine(reg, reg.rules)
    problems = [Problem("file-unreadable", "missing.yaml: no such file", None, fatal=True)]
    assert [f.message for f in engine.problem_findings(problems, orphans=True)] == [
        "missing.yaml: no such file"
    ]
    assert engine.problem_findings(problems) == []  # the selected rule reports it itself


@pytest.mark.parametrize(
    ("severities", "fatal", "fail_on", "exit_zero", "expected"),
    [
        ((), False, Severity.WARNING, False, 0),
        (("info",), False, Severity.WARNING, False, 0),
        (("info",), False, Severity.INFO, False, 1),
        (("warning",), False, Severity.WARNING, False, 1),
        (("warning",), False, Severity.ERROR, False, 0),
        (("error",), False, Severity.ERROR, False, 1),
        (("error",), False, Severity.WARNING, True, 0),
        ((), True, Severity.WARNING, False, 2),
        (("error",), True, Severity.WARNING, True, 2),
    ],
)
def test_exit_code(
    severities: tuple[str, ...], fatal: bool, fail_on: Severity, exit_zero: bool, expected: int
) -> None:
    findings = [Finding("TST001", "t", Severity(s), "m", None) for s in severities]
    assert exit_code(findings, fatal=fatal, fail_on=fail_on, exit_zero=exit_zero) == expected


def test_finalize_sorts_by_path_line_column_code() -> None:
    a = Finding("B001", "b", Severity.ERROR, "m", Span("b.yaml", 1, 1, 1, 2))
    b = Finding("A001", "a", Severity.ERROR, "m", Span("a.yaml", 9, 1, 9, 2))
    c = Finding("A001", "a", Severity.ERROR, "m", Span("a.yaml", 2, 7, 2, 8))
    d = Finding("A000", "a", Severity.ERROR, "m", Span("a.yaml", 2, 7, 2, 8))
    assert finalize([a, b, c, d, c]) == [d, c, b, a]


# -- registry ------------------------------------------------------------------------------


def test_builtin_registry_lookup_and_selection(registry: Registry) -> None:
    assert registry.get("CMP002") is registry.get("yaml-syntax") is registry.get("cmp002")
    assert registry.get("nope") is None
    cmp0 = [r.code for r in registry.select(["CMP00"])]
    assert cmp0 == [
        "CMP001",
        "CMP002",
        "CMP003",
        "CMP004",
        "CMP005",
        "CMP006",
        "CMP007",
        "CMP008",
        "CMP009",
    ]
    cmp6 = [r.code for r in registry.select(["CMP6"])]
    assert cmp6[0] == "CMP601" and all(c.startswith("CMP6") for c in cmp6)
    selected = [
        r.code for r in registry.select(["CMP0", "env-file-missing"], ["yaml-syntax", "CMP01"])
    ]
    assert selected == [
        "CMP001",
        "CMP003",
        "CMP004",
        "CMP005",
        "CMP006",
        "CMP007",
        "CMP008",
        "CMP009",
        "CMP601",
    ]
    assert registry.select() == [r for r in registry.rules if r.default_enabled]
    assert registry.select(["ALL"], ["CMP"]) == []


@pytest.mark.parametrize("selector", ["CMP88", "yaml-sintax", "C", "CMP0001"])
def test_unknown_selectors_are_refused(registry: Registry, selector: str) -> None:
    with pytest.raises(UnknownSelector, match="unknown rule, code or prefix"):
        registry.select([selector])


def _ep(name: str, value: str) -> EntryPoint:
    return EntryPoint(name, value, "composelint.rules")


def test_clashing_and_broken_plugins_are_reported_not_silently_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    good = fake_module("TST001", "good", lambda p: [])
    same_code = fake_module("TST001", "other-name", lambda p: [])
    same_name = fake_module("TST002", "good", lambda p: [])
    bad_meta = fake_module("tst3", "Bad_Name", lambda p: [], severity="fatal", doc="No sections.")
    for mod_name, mod in [
        ("zz_good", good),
        ("zz_same_code", same_code),
        ("zz_same_name", same_name),
        ("zz_bad", bad_meta),
    ]:
        monkeypatch.setitem(sys.modules, mod_name, mod)
    reg = load_registry(
        [
            _ep("good", "zz_good"),
            _ep("other-name", "zz_same_code"),
            _ep("good", "zz_same_name"),
            _ep("Bad_Name", "zz_bad"),
            _ep("missing", "zz_does_not_exist"),
        ]
    )
    assert [r.origin for r in reg.rules] == ["zz_good"]
    messages = [p.message for p in reg.problems]
    assert (
        "rule plugin zz_same_code clashes with zz_good (code TST001); it is not loaded" in messages
    )
    assert "rule plugin zz_same_name clashes with zz_good (name good); it is not loaded" in messages
    assert any(m.startswith("rule plugin zz_bad: code 'tst3' does not match") for m in messages)
    assert any(
        m.startswith("rule plugin zz_bad: name 'Bad_Name' is not kebab-case") for m in messages
    )
    assert any("severity 'fatal' is not one of error, warning, info" in m for m in messages)
    assert any("docs must have exactly the sections ## What it catches" in m for m in messages)
    assert any(
        m.startswith("cannot import rule plugin zz_does_not_exist: ModuleNotFoundError")
        for m in messages
    )
    findings = registry_findings(reg.problems)
    assert {f.code for f in findings} == {"CMP900"}
    assert exit_code(findings, fatal=False) == 2


def test_entry_point_name_must_be_the_rule_name(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "zz_named", fake_module("TST001", "real-name", lambda p: []))
    reg = load_registry([_ep("alias", "zz_named")])
    assert reg.rules == []
    assert (
        reg.problems[0].message
        == "rule plugin zz_named: entry point name 'alias' differs from the rule name 'real-name'"
    )


def test_docs_sections_need_fenced_examples() -> None:
    doc = DOC.replace("```yaml\nservices: {}\n```\n\n## Good", "just words\n\n## Good")
    rule, errors = rule_from_module(fake_module("TST001", "t", lambda p: [], doc=doc), "x")
    assert rule is None
    assert errors == ["docs section '## Bad' has no fenced example (```yaml, ```dotenv ...)"]


@pytest.mark.parametrize(
    "extra",
    [
        "## Options\n\n`allowed-hosts`\n",
        "## Fix safety\n\nSafe.\n",
        "## References\n\n- compose spec\n",
        "## Options\n\nx\n\n## Fix safety\n\ny\n\n## References\n\nz\n",
    ],
)
def test_optional_doc_sections_may_follow_the_required_ones(extra: str) -> None:
    rule, errors = rule_from_module(fake_module("TST001", "t", lambda p: [], doc=DOC + extra), "x")
    assert errors == [] and rule is not None


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ("## References\n\nz\n\n## Options\n\nx\n", "found: What it catches, Why it"),
        ("## Options\n\nx\n\n## Options\n\ny\n", "Good, Options, Options)"),
        ("## Notes\n\nx\n", "Good, Notes)"),
    ],
)
def test_optional_doc_sections_are_checked(extra: str, error: str) -> None:
    rule, errors = rule_from_module(fake_module("TST001", "t", lambda p: [], doc=DOC + extra), "x")
    assert rule is None and len(errors) == 1
    assert errors[0].startswith(
        "docs must have exactly the sections ## What it catches, ## Why it matters, ## Bad, "
        "## Good, then optionally ## Options, ## Fix safety, ## References (found: "
    )
    assert error in errors[0]


def test_an_empty_optional_doc_section_is_refused() -> None:
    doc = DOC + "## Options\n\n"
    rule, errors = rule_from_module(fake_module("TST001", "t", lambda p: [], doc=doc), "x")
    assert rule is None and errors == ["docs section '## Options' is empty"]


def test_a_plugin_written_against_the_old_project_api_still_works(tmp_path: Path) -> None:
    """check(project) reading services, view, documents and shadowed_env as tuples,
    problems_for and option(): the rule context offers the same read API."""
    from composelint.lint.settings import Settings
    from composelint.run import Targets, lint

    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    image: nginx\n    env_file: app.env\n"
        "    environment:\n      MODE: prod\n"
    )
    (tmp_path / "app.env").write_text("MODE=dev\n")
    (tmp_path / ".composelint.toml").write_text('allowed-hosts = ["Legacy.Example"]\n')

    def count_services(project):  # type: ignore[no-untyped-def]
        return len(project.services)

    def old_style(project):  # type: ignore[no-untyped-def]
        assert project.view(count_services) == 1
        ((display, root),) = project.documents
        ((_, interpolated),) = project.interpolated
        assert display == "compose.yaml" and root.get("services") is not None
        assert interpolated.get("services") is not None
        ((service, key, file_span, env_span),) = project.shadowed_env
        assert (service, key, file_span.path, env_span.line) == ("app", "MODE", "app.env", 6)
        assert project.option("allowed-hosts", ()) == ("legacy.example",)
        assert list(project.problems_for("yaml-syntax")) == []
        assert list(project.section("networks")) == ["default"]
        assert project.name == tmp_path.name.lower()
        image = project.scalar("services", "app", "image")
        yield Violation(f"image {image.value}", project.span("services", "app", "image"))

    reg = make_registry(fake_module("TST001", "old-style", old_style))
    report = lint(Targets(cwd=tmp_path), Settings(), reg)
    assert [(f.code, f.message, f.span.line, f.span.col) for f in report.findings] == [
        ("TST001", "image nginx", 3, 12)
    ]
    assert report.exit_code == 0  # a warning, under the default fail-on (error)


def test_problem_violations_keep_the_note_and_help() -> None:
    from composelint.model.context import RuleContext

    problem = Problem("yaml-syntax", "bad", at(1, 1), note="why", help="fix it")
    (v,) = RuleContext(make_project(problems=[problem])).problem_violations("yaml-syntax")
    assert (v.message, v.span, v.note, v.help) == ("bad", at(1, 1), "why", "fix it")


def test_rule_context_offers_the_image_knowledge_base() -> None:
    from composelint.analysis import images
    from composelint.model.context import RuleContext

    ctx = RuleContext(make_project())
    assert ctx.images is images
    assert ctx.images.image_family("docker.io/library/postgres:16") == "postgres"
