"""The ecosystem check: how composelint's findings move on a fixed set of real projects.

Lints every entry compose file of the shared corpus (``../shared/corpus/``, each run
as ``composelint -f <file> --select ALL`` in its own folder, the way the corpus index
was made with ``docker compose config``) and writes one sorted line per finding::

    <project>\t<ok|rejected>\t<code>\t<rule name>\t<file>:<line>:<col>\t<severity>\t<key>

``ok`` when ``docker compose config`` accepts the project (the corpus index); ``key`` is
the name the finding's line assigns (``DATABASE_URL``, ``volumes``), or ``-``. No
messages and no values: a finding is identified by where it is and what it is, so the
file can be committed and reviewed, and it never holds a secret.

    python bench/ecosystem.py                 # print the findings
    python bench/ecosystem.py -o FILE         # write them to FILE
    python bench/ecosystem.py --check FILE    # compare with FILE, print the diff, exit 1 if they differ

``tests/ecosystem/snapshot.tsv`` is the reviewed snapshot (see
``tests/ecosystem/README.md`` for how to refresh it and how verdicts are kept).
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


@dataclass(frozen=True)
class Case:
    name: str  # the entry file, relative to the corpus
    cwd: Path
    argv: tuple[str, ...]
    accepted: bool  # docker compose config accepts it (INDEX.tsv)


def _tsv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        for line in fh:
            yield dict(zip(header, line.rstrip("\n").split("\t"), strict=False))


def cases(corpus: Path = CORPUS) -> list[Case]:
    """Every entry file of the corpus, with whether Compose accepts it."""
    if not (corpus / "INDEX_extra.tsv").is_file():
        return []
    accepted = {
        row["path"]: row.get("compose_config_ok") == "yes" for row in _tsv(corpus / "INDEX.tsv")
    }
    out = []
    for row in _tsv(corpus / "INDEX_extra.tsv"):
        if row.get("role") != "entry":
            continue
        path = corpus / row["path"]
        if path.is_file():
            out.append(
                Case(row["path"], path.parent, ("-f", path.name), accepted.get(row["path"], False))
            )
    return sorted(out, key=lambda c: c.name)


@contextlib.contextmanager
def _in(cwd: Path) -> Iterator[None]:
    old_cwd, old_env = Path.cwd(), dict(os.environ)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update({"PATH": old_env.get("PATH", ""), "HOME": old_env.get("HOME", "/root")})
    try:
        yield
    finally:
        os.chdir(old_cwd)
        os.environ.clear()
        os.environ.update(old_env)


def lint(case: Case) -> tuple[int, list[dict[str, object]]]:
    """composelint's exit code and JSON findings for one case, in-process."""
    from composelint.cli import main

    out = io.StringIO()
    argv = [*case.argv, "--select", "ALL", "--isolated", "--format", "json"]
    with _in(case.cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(argv)
    findings: list[dict[str, object]] = json.loads(out.getvalue())["findings"]
    return code, findings


def _relative(file: object, cwd: Path) -> str:
    """A finding's file as the project sees it: absolute paths (a file outside the
    project folder) relative to it, so that the snapshot names no machine's paths."""
    if not file:
        return "-"
    text = str(file)
    return (
        os.path.relpath(os.path.realpath(text), os.path.realpath(cwd))
        if os.path.isabs(text)
        else text
    )


# the key a finding's line assigns: "KEY: value", "- KEY=value", "KEY=value", "key:"
_KEY = re.compile(r"\s*(?:-\s+)?(?:export\s+)?[\"']?([A-Za-z_][\w.\-]*)[\"']?\s*(?:=|:(?:\s|$))")


def _key(cwd: Path, file: str, line: int, cache: dict[str, list[str]]) -> str:
    """The name (never the value) assigned on the finding's line, or '-'."""
    if file not in cache:
        try:
            cache[file] = (cwd / file).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            cache[file] = []
    lines = cache[file]
    m = _KEY.match(lines[line - 1]) if 0 < line <= len(lines) else None
    return m.group(1) if m else "-"


def rows(case: Case) -> list[str]:
    """One line per finding of a case (see the module docstring)."""
    _, findings = lint(case)
    out = []
    texts: dict[str, list[str]] = {}
    ok = "ok" if case.accepted else "rejected"
    for f in findings:
        file, line = _relative(f.get("file"), case.cwd), int(f.get("line") or 0)
        where = f"{file}:{line}:{f.get('column') or 0}"
        key = _key(case.cwd, file, line, texts)
        out.append(f"{case.name}\t{ok}\t{f['code']}\t{f['name']}\t{where}\t{f['severity']}\t{key}")
    return out


def snapshot(corpus: Path = CORPUS, *, accepted_only: bool = False) -> list[str]:
    lines: list[str] = []
    for case in cases(corpus):
        if accepted_only and not case.accepted:
            continue
        lines.extend(rows(case))
    return sorted(set(lines))


def header(corpus: Path = CORPUS) -> list[str]:
    """The first lines of the file: the column names and which projects Compose accepts
    (so a reader can tell an error on a working project from one on a broken one)."""
    rejected = sorted(c.name for c in cases(corpus) if not c.accepted)
    return [
        "# composelint ecosystem snapshot: python bench/ecosystem.py -o tests/ecosystem/snapshot.tsv",
        f"# projects: {len(cases(corpus))}; rejected by docker compose config: {len(rejected)}",
        "# project\tcompose\tcode\tname\tfile:line:col\tseverity\tkey",
    ]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-o", "--output", metavar="FILE")
    p.add_argument("--check", metavar="FILE", help="compare with FILE; exit 1 when they differ")
    p.add_argument("--corpus", metavar="DIR", default=str(CORPUS))
    args = p.parse_args(argv)
    corpus = Path(args.corpus)
    if not cases(corpus):
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    import gc

    gc.disable()
    text = "\n".join([*header(corpus), *snapshot(corpus)]) + "\n"
    if args.check:
        old = Path(args.check).read_text(encoding="utf-8")
        if old == text:
            return 0
        sys.stdout.writelines(
            difflib.unified_diff(
                old.splitlines(keepends=True), text.splitlines(keepends=True), args.check, "now"
            )
        )
        return 1
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
