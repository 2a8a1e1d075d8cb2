"""An env file value with spaces and no quotes.

## What it catches

`KEY=two words` in a `.env`-format file: an unquoted value containing a space or
a tab (spaces inside a `${VAR:-default}` expression do not count).

## Why it matters

Compose reads `two words`, but a shell that sources the file (`set -a; . ./.env`
in an entrypoint or a deploy script, a Makefile `include`) sets `KEY=two` and
tries to run `words` as a command. Quoting the value gives every reader the same
string.

## Bad

```dotenv
APP_TITLE=Ventanas beta
```

## Good

```dotenv
APP_TITLE="Ventanas beta"
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from composelint.analysis.env_inventory import comment_as_value, env_files, quote_char, wrap_edits
from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Fix, Violation

code = "CMP405"
name = "env-unquoted-space"
summary = "An unquoted env file value that contains spaces"
severity = "warning"


def _without_expressions(value: str) -> str:
    """``value`` without its ``${...}`` expressions (each up to the first ``}``).

    A scan, not a regex substitution: that rescans to the end from every ``${``
    when no ``}`` follows. Once one ``${`` has no ``}`` after it, no later one has.
    """
    out: list[str] = []
    i = 0
    while (start := value.find("${", i)) != -1:
        end = value.find("}", start + 2)
        if end == -1:
            break
        out.append(value[i:start])
        i = end + 1
    out.append(value[i:])
    return "".join(out)


def check(project: RuleContext) -> Iterator[Violation]:
    for ef in env_files(project):
        if ef.raw_format:
            continue  # docker run --env-file semantics: spaces are part of the value
        for entry in ef.assignments():
            if entry.quote or not re.search(r"[ \t]", _without_expressions(entry.raw_value)):
                continue
            if comment_as_value(ef, entry):
                continue  # quoting would keep the comment: env-inline-comment reports it
            quote = quote_char(entry.raw_value)
            fix = (
                Fix(
                    "quote the value",
                    wrap_edits(entry.value_span, quote),
                    applicability=Applicability.SAFE,
                )
                if quote
                else None
            )
            yield Violation(
                f'the value of "{entry.key}" contains spaces but is not quoted',
                entry.value_span,
                fix=fix,
                note="Compose keeps them, a shell sourcing the file splits the value",
                help="quote it",
            )
