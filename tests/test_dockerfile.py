"""Dockerfile COPY/ADD sources and .dockerignore matching (moby/patternmatcher rules)."""

from __future__ import annotations

import pytest

from composelint.load.dockerfile import copies, copy_sources
from composelint.load.dockerignore import excluded


@pytest.mark.parametrize(
    ("ignore", "path", "out"),
    [
        (".env", ".env", True),
        ("/.env", ".env", True),  # a leading / is the context root
        ("./.env", ".env", True),  # cleaned
        ("*.env", ".env", True),  # * may match nothing
        ("*.env", "sub/.env", False),  # anchored at the root, unlike gitignore
        ("**/.env", ".env", True),
        ("**/.env", "a/b/.env", True),
        (".env.*", ".env", False),
        (".env*", ".env.local", True),
        ("config", "config/.env", True),  # a matching directory takes its files
        ("config\n!config/.env", "config/.env", False),  # re-included, unlike gitignore
        ("*\n!.env", ".env", False),
        (".env*\n!.env\n.env", ".env", True),  # the last match wins
        ("# .env", ".env", False),  # a comment
        ("  .env  ", ".env", True),  # blanks trimmed
        ("\ufeff.env", ".env", True),  # a BOM on the first line
        ("!", ".env", False),
        ("[", ".env", False),  # malformed: no match, no exception
        ("\\.env", ".env", True),  # an escaped character
    ],
)
def test_dockerignore_matching(ignore: str, path: str, out: bool) -> None:
    assert excluded(ignore, path) is out


DOCKERFILE = """\
# syntax=docker/dockerfile:1
FROM node:20 AS build
COPY package.json \\
  # a comment inside the instruction
  yarn.lock ./
RUN <<EOF
COPY . /not-an-instruction
EOF
COPY --from=build /app /app
copy --chown=1000:1000 ["src dir", "/x/"]
ADD https://example.com/a.tgz /tmp/
ONBUILD COPY . /later
COPY <<EOF /etc/motd
hello
EOF
ADD --link config/ /app/config/
"""


def test_copy_sources() -> None:
    assert copy_sources(DOCKERFILE) == ["package.json", "yarn.lock", "src dir", "config/"]
    assert copy_sources("# escape=`\nFROM x\nCOPY a `\n  b /c/\n") == ["a", "b"]
    assert copy_sources("FROM x\nRUN cat <<EOF\nCOPY . /y\n") == ["."]  # no terminator


@pytest.mark.parametrize(
    ("sources", "path", "out"),
    [
        (["."], ".env", True),
        (["./"], "sub/.env", True),
        (["/"], ".env", True),
        (["*"], ".env", True),
        ([".env*"], ".env", True),
        (["*.json"], ".env", False),
        (["config/"], "config/.env", True),
        (["src"], ".env", False),
        (["${SRC}"], ".env", True),
        ([], ".env", False),
    ],
)
def test_copies(sources: list[str], path: str, out: bool) -> None:
    assert copies(sources, path) is out
