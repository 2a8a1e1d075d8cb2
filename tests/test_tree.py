"""The tree pass (rules across the projects of a directory run) and its rules:
network-external-name-mismatch (CMP211), network-name-ambiguous (CMP212),
container-name-collision (CMP715) and network-external-unverified (CMP208) in a tree."""

from __future__ import annotations

import types
from collections.abc import Iterator, Sequence
from pathlib import Path

from composelint.lint.engine import Engine
from composelint.lint.registry import Registry, rule_from_module
from composelint.lint.settings import Settings
from composelint.model.context import RuleContext
from composelint.model.findings import Finding, Severity, Violation
from composelint.run import Targets, lint

APP = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@db:5432/app
    networks: [default, proxy]
  db:
    image: postgres:16
    networks: [default, proxy]
networks:
  proxy:
    external: true
"""

INFRA = """\
services:
  traefik:
    image: traefik:v3
    networks: [proxy]
networks:
  proxy: {}
"""

BLOG = """\
services:
  db:
    image: postgres:16
    networks: [proxy]
networks:
  proxy:
    external: true
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def run(root: Path, *paths: str, select: Sequence[str] = ()) -> list[Finding]:
    report = lint(Targets(paths=paths or (".",), cwd=root), Settings(select=tuple(select)))
    return report.findings


def where(findings: list[Finding], code: str) -> list[tuple[str, int, int]]:
    return [(f.span.path, f.span.line, f.span.col) for f in findings if f.code == code and f.span]


# -- the contract -------------------------------------------------------------------


def test_tree_rules_run_only_on_a_directory_with_two_projects(tmp_path: Path) -> None:
    write(tmp_path, {"app/compose.yaml": APP, "infra/compose.yaml": INFRA})
    assert where(run(tmp_path, select=["CMP211"]), "CMP211") == [("app/compose.yaml", 12, 5)]
    # the same projects named as files, or one directory alone: no tree pass
    files = ("app/compose.yaml", "infra/compose.yaml")
    assert where(run(tmp_path, *files, select=["CMP211"]), "CMP211") == []
    assert where(run(tmp_path, "app", select=["CMP211"]), "CMP211") == []


def test_a_tree_finding_is_suppressed_in_its_file_and_the_comment_is_not_unused_alone(
    tmp_path: Path,
) -> None:
    app = APP.replace("    external: true\n", "    external: true  # composelint: disable=CMP211\n")
    write(tmp_path, {"app/compose.yaml": app, "infra/compose.yaml": INFRA})
    found = run(tmp_path, select=["CMP211", "CMP901"])
    assert [f.code for f in found] == []  # suppressed, and the comment was used
    assert [f.code for f in run(tmp_path, "app", select=["CMP211", "CMP901"])] == []


def test_a_tree_finding_follows_the_configuration_of_its_project(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/compose.yaml": APP,
            "app/.composelint.toml": 'ignore = ["CMP211"]\n',
            "blog/compose.yaml": BLOG,
            "infra/compose.yaml": INFRA,
        },
    )
    assert where(run(tmp_path), "CMP211") == [("blog/compose.yaml", 7, 5)]


def _doc(text: str) -> str:
    return (
        text
        + "\n\n## What it catches\n\nx\n\n## Why it matters\n\ny\n\n## Bad\n\n```yaml\n"
        + ("services: {}\n```\n\n## Good\n\n```yaml\nservices: {}\n```\n")
    )


def _tree_module(check_tree: object) -> types.ModuleType:
    mod = types.ModuleType("fake_tree", _doc("A tree rule."))
    mod.code, mod.name, mod.summary, mod.severity = "TST100", "tree-rule", "A tree rule", "info"  # type: ignore[attr-defined]
    mod.check_tree = check_tree  # type: ignore[attr-defined]
    return mod


def test_a_plugin_may_define_only_check_tree_and_findings_go_to_the_file_of_their_span(
    tmp_path: Path,
) -> None:
    def names(projects: Sequence[RuleContext]) -> Iterator[Violation]:
        for ctx in reversed(projects):
            yield Violation(f"{ctx.name} is in a tree", ctx.span("services"))

    rule, errors = rule_from_module(_tree_module(names), "fake_tree")
    assert rule is not None, errors
    assert rule.tree and not rule.per_project
    write(tmp_path, {"app/compose.yaml": APP, "infra/compose.yaml": INFRA})
    report = lint(Targets(paths=(".",), cwd=tmp_path), Settings(), Registry([rule], []))
    assert [(f.span.path if f.span else None, f.message) for f in report.findings] == [
        ("app/compose.yaml", "app is in a tree"),
        ("infra/compose.yaml", "infra is in a tree"),
    ]
    assert [len(p.findings) for p in report.projects] == [1, 1]
    assert report.exit_code == 0


def test_a_crashing_tree_rule_is_one_internal_error(tmp_path: Path) -> None:
    def boom(projects: Sequence[RuleContext]) -> Iterator[Violation]:
        raise KeyError("networks")
        yield  # pragma: no cover

    rule, _ = rule_from_module(_tree_module(boom), "fake_tree")
    assert rule is not None
    write(tmp_path, {"app/compose.yaml": APP, "infra/compose.yaml": INFRA})
    report = lint(Targets(paths=(".",), cwd=tmp_path), Settings(), Registry([rule], []))
    assert [f.message for f in report.findings] == [
        "rule TST100 (tree-rule) failed across the projects of the directory: KeyError: 'networks'"
    ]
    assert report.exit_code == 2


def test_the_per_project_engine_skips_tree_only_rules() -> None:
    rule, _ = rule_from_module(_tree_module(lambda projects: iter(())), "fake_tree")
    assert rule is not None
    from conftest import make_project

    assert Engine(Registry([rule], []), [rule]).check(make_project()) == []


def test_a_module_without_check_or_check_tree_is_refused() -> None:
    mod = _tree_module(None)
    del mod.check_tree
    rule, errors = rule_from_module(mod, "fake_tree")
    assert rule is None
    assert errors == ["no check(project) or check_tree(projects) function"]


# -- network-external-name-mismatch (CMP211) ---------------------------------------


def test_external_name_created_under_the_prefixed_name(tmp_path: Path) -> None:
    write(tmp_path, {"app/compose.yaml": APP, "infra/compose.yaml": INFRA})
    (f,) = [f for f in run(tmp_path, select=["CMP211"])]
    assert f.severity is Severity.WARNING
    assert f.message == (
        "external network 'proxy' is created by no project here; "
        "project \"infra\" creates 'infra_proxy'"
    )
    assert [(r.span.path, r.span.line, r.span.col) for r in f.related] == [
        ("infra/compose.yaml", 6, 3)
    ]
    assert f.help is not None and f.help.startswith("use `name: infra_proxy` here")
    assert f.note is not None and "declared as external, but could not be found" in f.note


def test_external_name_with_a_dash_for_the_underscore(tmp_path: Path) -> None:
    app = APP.replace("    external: true\n", "    external: true\n    name: infra-proxy\n")
    write(tmp_path, {"app/compose.yaml": app, "infra/compose.yaml": INFRA})
    assert where(run(tmp_path, select=["CMP211"]), "CMP211") == [("app/compose.yaml", 12, 5)]


def test_external_name_that_a_project_creates_is_silent(tmp_path: Path) -> None:
    named = INFRA.replace("  proxy: {}\n", "  proxy:\n    name: proxy\n")
    write(tmp_path, {"app/compose.yaml": APP, "infra/compose.yaml": named})
    assert run(tmp_path, select=["CMP211"]) == []
    real = APP.replace("    external: true\n", "    external: true\n    name: infra_proxy\n")
    write(tmp_path, {"app/compose.yaml": real, "infra/compose.yaml": INFRA})
    assert run(tmp_path, select=["CMP211"]) == []


def test_external_name_no_project_knows_is_silent(tmp_path: Path) -> None:
    other = INFRA.replace("proxy", "edge")  # created by hand, or by something outside the tree
    write(tmp_path, {"app/compose.yaml": APP, "infra/compose.yaml": other})
    assert run(tmp_path, select=["CMP211"]) == []


# -- network-name-ambiguous (CMP212) ----------------------------------------------


def test_name_registered_by_another_project_on_a_shared_network(tmp_path: Path) -> None:
    write(tmp_path, {"shop/compose.yaml": APP, "blog/compose.yaml": BLOG})
    (f,) = [f for f in run(tmp_path, select=["CMP212"])]
    assert (f.span.path, f.span.line, f.span.col) == ("shop/compose.yaml", 5, 45)
    assert f.message == (
        "DATABASE_URL points at 'db', which db of project \"blog\" also answers to on 'proxy'"
    )
    assert [(r.span.path, r.span.line, r.span.col) for r in f.related] == [
        ("shop/compose.yaml", 7, 3),
        ("blog/compose.yaml", 2, 3),
    ]
    assert f.severity is Severity.WARNING


def test_a_name_that_two_other_projects_register_is_ambiguous(tmp_path: Path) -> None:
    client = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@db:5432/app
    networks: [proxy]
networks:
  proxy:
    external: true
"""
    write(
        tmp_path, {"app/compose.yaml": client, "blog/compose.yaml": BLOG, "wiki/compose.yaml": BLOG}
    )
    (f,) = run(tmp_path, select=["CMP212"])
    assert (f.span.path, f.span.line, f.span.col) == ("app/compose.yaml", 5, 45)
    assert [r.span.path for r in f.related] == ["blog/compose.yaml", "wiki/compose.yaml"]


def test_name_on_a_network_the_client_is_not_on_is_silent(tmp_path: Path) -> None:
    shop = APP.replace("    networks: [default, proxy]\n  db:", "  db:", 1)  # app: default only
    write(tmp_path, {"shop/compose.yaml": shop, "blog/compose.yaml": BLOG})
    assert run(tmp_path, select=["CMP212"]) == []


def test_a_service_of_one_other_project_is_the_intended_target(tmp_path: Path) -> None:
    client = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@db:5432/app
    networks: [proxy]
networks:
  proxy:
    external: true
"""
    write(tmp_path, {"shop/compose.yaml": client, "blog/compose.yaml": BLOG})
    assert run(tmp_path, select=["CMP212"]) == []


def test_a_link_wins_over_dns_and_is_silent(tmp_path: Path) -> None:
    shop = APP.replace(
        "    networks: [default, proxy]\n", "    links: [db]\n    networks: [default, proxy]\n", 1
    )
    write(tmp_path, {"shop/compose.yaml": shop, "blog/compose.yaml": BLOG})
    assert run(tmp_path, select=["CMP212"]) == []


# -- container-name-collision (CMP715) ---------------------------------------------

NAMED = """\
services:
  db:
    image: postgres:16
    container_name: postgres
"""


def test_generic_container_name_is_info(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": NAMED})
    (f,) = run(tmp_path, select=["CMP715"])
    assert (f.span.line, f.span.col, f.severity) == (4, 21, Severity.INFO)
    assert (
        f.message == "container_name postgres of db is a generic name that other projects use too"
    )


def test_specific_or_variable_container_name_is_silent(tmp_path: Path) -> None:
    write(tmp_path, {"a/compose.yaml": NAMED.replace(": postgres", ": shop-db")})
    write(tmp_path, {"b/compose.yaml": NAMED.replace(": postgres", ": ${DB_CONTAINER:-postgres}")})
    assert run(tmp_path, "a", select=["CMP715"]) == []
    assert run(tmp_path, "b", select=["CMP715"]) == []


def test_the_same_generic_name_in_two_projects_of_a_repository_is_a_warning(
    tmp_path: Path,
) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, {"shop/compose.yaml": NAMED, "blog/compose.yaml": NAMED})
    found = run(tmp_path, select=["CMP715"])
    assert [(f.span.path, f.span.line, f.span.col, f.severity) for f in found if f.span] == [
        ("blog/compose.yaml", 4, 21, Severity.WARNING),
        ("shop/compose.yaml", 4, 21, Severity.WARNING),
    ]
    assert found[0].message == (
        'container_name postgres of db is also the container_name of db in project "shop"'
    )
    assert [(r.span.path, r.span.line) for r in found[0].related] == [("shop/compose.yaml", 4)]


def test_projects_outside_a_repository_or_variants_of_one_project_stay_info(
    tmp_path: Path,
) -> None:
    write(tmp_path, {"shop/compose.yaml": NAMED, "blog/compose.yaml": NAMED})
    assert {f.severity for f in run(tmp_path, select=["CMP715"])} == {Severity.INFO}
    (tmp_path / "shop" / ".git").mkdir()  # one repository each
    (tmp_path / "blog" / ".git").mkdir()
    assert {f.severity for f in run(tmp_path, select=["CMP715"])} == {Severity.INFO}
    variants = tmp_path / "variants"
    write(variants, {"compose.yaml": NAMED, "compose.prod.yaml": NAMED.replace("16", "17")})
    (variants / ".git").mkdir()  # same directory: the same project name, one replaces the other
    assert {f.severity for f in run(variants, select=["CMP715"])} == {Severity.INFO}


def test_a_worktree_belongs_to_its_repository(tmp_path: Path) -> None:
    main = tmp_path / "shop"
    (main / ".git" / "worktrees" / "shop-wt").mkdir(parents=True)
    write(tmp_path, {"shop/compose.yaml": NAMED, "shop-wt/compose.yaml": NAMED})
    (tmp_path / "shop-wt" / ".git").write_text(f"gitdir: {main}/.git/worktrees/shop-wt\n")
    assert {f.severity for f in run(tmp_path, select=["CMP715"])} == {Severity.WARNING}


# -- network-external-unverified (CMP208) in a tree ----------------------------------


def test_a_host_that_another_project_puts_on_the_network_is_verified(tmp_path: Path) -> None:
    client = """\
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:secret@shared-db:5432/app
      CACHE_URL: redis://shared-cache:6379/0
    networks: [shared]
networks:
  shared:
    external: true
"""
    provider = """\
services:
  shared-db:
    image: postgres:16
    networks: [shared]
networks:
  shared:
    name: shared
"""
    write(tmp_path, {"app/compose.yaml": client, "db/compose.yaml": provider})
    (alone,) = run(tmp_path, "app", select=["CMP208"])
    assert "'shared-db', 'shared-cache'" in alone.message
    (tree,) = run(tmp_path, select=["CMP208"])
    assert (tree.span.path, tree.span.line, tree.span.col) == ("app/compose.yaml", 10, 5)
    assert "'shared-cache'" in tree.message and "shared-db" not in tree.message


def test_tree_findings_go_into_the_baseline_and_stay_hidden(tmp_path: Path) -> None:
    write(tmp_path, {"app/compose.yaml": APP, "infra/compose.yaml": INFRA})
    settings = Settings(select=("CMP211",), baseline=Path("baseline.json"))
    first = lint(Targets(paths=(".",), cwd=tmp_path), settings)
    assert first.findings == [] and (tmp_path / "baseline.json").is_file()
    assert where(run(tmp_path, select=["CMP211"]), "CMP211") == [("app/compose.yaml", 12, 5)]
    again = lint(Targets(paths=(".",), cwd=tmp_path), settings)
    assert again.findings == [] and again.exit_code == 0


def test_tree_findings_are_in_a_stable_order(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"shop/compose.yaml": APP, "blog/compose.yaml": BLOG, "infra/compose.yaml": INFRA},
    )
    codes = ["CMP208", "CMP211", "CMP212", "CMP715"]
    first = run(tmp_path, select=codes)
    assert [(f.span.path if f.span else "", f.code) for f in first] == [
        ("blog/compose.yaml", "CMP211"),
        ("shop/compose.yaml", "CMP212"),
        ("shop/compose.yaml", "CMP211"),
    ]
    assert run(tmp_path, select=codes) == first


def test_external_name_fix_writes_the_created_name(tmp_path: Path) -> None:
    from composelint.model.findings import Applicability

    quoted = BLOG.replace("    external: true\n", "    external: true\n    name: 'proxy'\n")
    write(
        tmp_path,
        {"app/compose.yaml": APP, "blog/compose.yaml": quoted, "infra/compose.yaml": INFRA},
    )
    app, blog = run(tmp_path, select=["CMP211"])
    assert blog.fix is not None and app.fix is not None
    assert blog.fix.applicability is Applicability.UNSAFE
    assert [(e.span.line, e.span.col, e.span.end_col, e.replacement) for e in blog.fix.edits] == [
        (8, 11, 18, "infra_proxy")
    ]
    assert [(e.span.line, e.span.col, e.replacement) for e in app.fix.edits] == [
        (12, 19, "\n    name: infra_proxy")
    ]
