r"""Windows (CRLF) line endings in an env file.

## What it catches

An env file with `\r\n` line endings. Reported once per file, at the first one.

## Why it matters

Compose and `docker run --env-file` handle them, but a shell that sources the
file (`set -a; . ./.env` in an entrypoint or deploy script) keeps the `\r` at the
end of every value: `postgres\r` is not a host name, `5432\r` not a port. Use
`\n` line endings (`.gitattributes`: `.env* text eol=lf`).

## Bad

```console
$ file .env
.env: ASCII text, with CRLF line terminators
```

## Good

```console
$ file .env
.env: ASCII text
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.env_inventory import env_files
from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Edit, Fix, Violation

code = "CMP409"
name = "env-crlf"
summary = "Windows (CRLF) line endings in an env file"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    for ef in env_files(project):
        first = ef.text.find("\r\n")
        if first < 0:
            continue
        edits = []
        at = first
        while at >= 0:
            edits.append(Edit(ef.span(at, at + 1), ""))
            at = ef.text.find("\r\n", at + 2)
        count = len(edits)
        yield Violation(
            f"the file has Windows line endings ({count} line{'s' if count > 1 else ''})",
            ef.span(first, first + 1),
            fix=Fix("convert to LF line endings", tuple(edits), applicability=Applicability.SAFE),
            note="shells that source it keep a carriage return at the end of each value",
            help="convert it to LF line endings",
        )
