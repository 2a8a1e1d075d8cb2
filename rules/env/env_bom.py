"""An env file that starts with a UTF-8 byte order mark.

## What it catches

A `.env`-style file whose first bytes are the UTF-8 BOM (`EF BB BF`), which some
Windows editors add.

## Why it matters

Compose strips the BOM, but `docker run --env-file`, shells and many dotenv
libraries do not: the first key becomes `\ufeffKEY`, so that variable is
silently missing (python-dotenv, for one, reports the key with the BOM in it).
Save the file as UTF-8 without BOM.

## Bad

```dotenv
﻿POSTGRES_USER=app
```

## Good

```dotenv
POSTGRES_USER=app
```

## Fix safety

Safe: the fix deletes the three bytes of the mark and nothing else. Compose strips
the mark when it reads the file, so the resolved project does not change.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.env_inventory import env_files
from composelint.lint.fixes import remove_bom
from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Fix, Violation
from composelint.model.span import Span

code = "CMP408"
name = "env-bom"
summary = "An env file that starts with a UTF-8 byte order mark"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    for ef in env_files(project):
        if ef.bom:
            yield Violation(
                "the file starts with a UTF-8 byte order mark",
                Span(ef.display, 1, 1, 1, 1),
                note="Compose ignores it, but other readers make it part of the first key",
                help="save the file as UTF-8 without BOM",
                fix=Fix(
                    "remove the byte order mark",
                    (remove_bom(ef.display),),
                    applicability=Applicability.SAFE,
                ),
            )
