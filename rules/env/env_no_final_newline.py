"""An env file whose last line has no newline.

## What it catches

A non-empty env file that does not end with a newline character.

## Why it matters

Compose reads it, but `while read line` loops in shell scripts skip the last
line, and appending to the file (`echo KEY=v >> .env`, `cat a.env b.env`) glues
two assignments together into one broken line.

## Bad

```console
$ tail -c 20 .env | od -c | tail -2
0000020   d   b
```

## Good

```console
$ tail -c 20 .env | od -c | tail -2
0000020   d   b  \n
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.env_inventory import env_files
from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Edit, Fix, Violation

code = "CMP410"
name = "env-no-final-newline"
summary = "An env file that does not end with a newline"
severity = "info"


def check(project: RuleContext) -> Iterator[Violation]:
    for ef in env_files(project):
        if not ef.text or ef.text.endswith("\n"):
            continue
        end = ef.span(len(ef.text), len(ef.text))
        yield Violation(
            "no newline at the end of the file",
            end,
            fix=Fix("add a final newline", (Edit(end, "\n"),), applicability=Applicability.SAFE),
            note="shell read loops skip the last line and appending to the file joins two lines",
            help="add a final newline",
        )
