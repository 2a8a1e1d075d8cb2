"""Every relative link in the README and docs/ points at a file and heading that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*$", re.MULTILINE)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to -."""
    text = re.sub(r"[^\w\- ]", "", heading.lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return {slug(h) for h in HEADING.findall(text)}


def links(page: Path) -> list[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return [t for t in LINK.findall(text) if not re.match(r"^[a-z]+:", t)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_resolve(page: Path) -> None:
    broken = []
    for target in links(page):
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"{target}: no heading #{anchor}")
    assert broken == []


def test_the_readme_is_one_screen_of_summary_and_links() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 120
    assert "Python 3.10" in text and "venv" in text
    first = FENCE.search(text)
    assert first is not None
    commands = first.group().splitlines()[1:-1]
    assert commands[0].startswith("python3 -m venv .venv")
    assert commands[1:] == [
        "pip install . && composelint examples/ventanas-test",
        'pip install -e ".[test]" && python -m pytest',
    ]


def test_the_link_checker_finds_a_broken_link(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Title\n\n[x](b.md#nope) [y](#title) [z](missing.md)\n")
    (tmp_path / "b.md").write_text("# Other\n")
    assert links(tmp_path / "a.md") == ["b.md#nope", "#title", "missing.md"]
    assert anchors(tmp_path / "b.md") == {"other"}
    assert slug("CI: annotating a pull request") == "ci-annotating-a-pull-request"
    assert slug("`composelint config`") == "composelint-config"
