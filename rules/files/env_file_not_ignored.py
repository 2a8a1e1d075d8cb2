"""A `.env` file holding secrets that git does not ignore.

## What it catches

An env file of the project (the project `.env`, `--env-file` files, `env_file`
targets, other `.env*` files in the project directory; not example files)
that holds a literal secret (a `*_PASSWORD` / `*_SECRET` / `*_TOKEN` / `*_KEY`
value or a URL password that is not a placeholder such as `change-me`), inside a
git repository whose `.gitignore` files (read statically from the repository
root down, plus `.git/info/exclude`) do not ignore it.

If the file is already committed (it is in the git index), ignoring it would
change nothing: the finding is then informational, since a demo file with fake
values is committed on purpose, and a real one needs its secrets rotated.
Outside a git repository the rule is silent.

## Why it matters

The next `git add .` commits the passwords, and from then on they are in the
history of every clone. Ignore the real file and commit a `.env.example` with
empty values instead.

## Bad

```console
$ cat .gitignore
node_modules/
```

## Good

```console
$ cat .gitignore
node_modules/
.env
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.env_inventory import env_files, secret_spans
from composelint.load.gitignore import find_repository_root, is_ignored, is_tracked
from composelint.model.context import RuleContext
from composelint.model.findings import Severity, Violation

code = "CMP605"
name = "env-file-not-ignored"
summary = "An env file with secrets that .gitignore does not ignore"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    for ef in env_files(project):
        if ef.is_example:
            continue
        secrets = [
            e
            for e in ef.assignments()
            if e.value is not None and secret_spans(e.key, e.raw_value.strip("\"'"))
        ]
        if not secrets:
            continue
        root = find_repository_root(ef.path.parent)
        if root is None or is_ignored(ef.path, root):
            continue
        keys = ", ".join(dict.fromkeys(e.key for e in secrets))
        if is_tracked(ef.path, root):
            yield Violation(
                f"{ef.display} is committed to git and holds secrets ({keys})",
                secrets[0].key_span,
                severity=Severity.INFO,
                help="if they are real, rotate them, untrack the file (git rm --cached) and ignore it",
            )
        else:
            yield Violation(
                f"{ef.display} holds secrets ({keys}) and no .gitignore ignores it",
                secrets[0].key_span,
                note="the next git add commits them",
                help=f"add {ef.path.name} to .gitignore",
            )
