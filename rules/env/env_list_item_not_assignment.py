"""A list-form `environment` item that is neither `KEY=VALUE` nor a variable name.

## What it catches

An item of a list-form `environment:` (or `build.args:`) without `=` whose text
cannot be the name of a variable: map syntax inside the list (`- LOG_LEVEL:debug`,
`- OPTS:'-v'`, `- "TZ: UTC"`), or words separated by a space (`- LOG_LEVEL debug`).
Items with `${...}` are left alone, since the name comes from interpolation.

## Why it matters

An item without `=` passes a variable through from the shell or `.env`, and
Compose takes the *whole text* as its name: `LOG_LEVEL:debug` is a variable named
`LOG_LEVEL:debug`, which no shell or `.env` file can define, so the container gets
neither `LOG_LEVEL` nor its value, and nothing reports it (verified with docker
compose 2.40.3: `config` prints `LOG_LEVEL:debug: null`). The `KEY: value` form is
right in a `.env` file and in map-form `environment:`, which is how it ends up in a
list.

(`- LOG_LEVEL: debug`, with a space after the colon and no quotes, is a YAML
mapping inside the list: Compose refuses the file and `schema-violation` reports
it.)

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      - LOG_LEVEL:debug
```

## Good

```yaml
services:
  app:
    image: acme/app
    environment:
      - LOG_LEVEL=debug
```

## Fix safety

For `NAME:value` the fix writes `NAME=value` (and drops quotes around the value,
which a list entry would keep). It is unsafe: the container gets a variable it did
not get before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from composelint.analysis.env_inventory import env_list_items
from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Edit, Fix, Violation
from composelint.model.nodes import Scalar
from composelint.model.span import Span

code = "CMP413"
name = "env-list-item-not-assignment"
summary = "A list-form environment item that is neither KEY=VALUE nor a variable name"
severity = "warning"

# the characters of a name a .env file can define (compose-go's dotenv parser) or a
# shell can export; anything else can never be found when Compose looks it up
_NAME = re.compile(r"[\w.\-\[\]]+")
_COLON_FORM = re.compile(r"(?P<name>[\w.\-\[\]]+)(?P<sep>[ \t]*:[ \t]*)(?P<value>.*)", re.S)


def check(project: RuleContext) -> Iterator[Violation]:
    for item in env_list_items(project):
        text = str(item.value)
        if "=" in text or "$" in text or not text.strip() or text != text.strip():
            continue  # assignments, interpolated names, and blanks (Compose's own errors)
        if _NAME.fullmatch(text):
            continue  # a pass-through variable
        m = _COLON_FORM.fullmatch(text)
        if m is None:
            yield Violation(
                f'"{text}" is not KEY=VALUE and cannot be a variable name',
                item.span,
                note="Compose passes through a variable of that name, which is never set",
                help="write KEY=VALUE",
            )
            continue
        key = m.group("name")
        yield Violation(
            f'"{key}:…" in a list entry is a variable name, not an assignment',
            item.span,
            fix=_fix(item, m),
            note=f"Compose looks up a variable named after the whole text, so {key} is not "
            "set in the container",
            help=f"write {key}=…, or use map form without the dash",
        )


def _fix(item: Scalar, m: re.Match[str]) -> Fix | None:
    """``NAME:value`` -> ``NAME=value``, without the quotes a list entry would keep.
    The edits touch the separator and the quotes only, never the value itself."""
    col = item.text_column()
    span = item.span
    if col is None or span is None:
        return None

    def at(a: int, b: int) -> Span:
        return Span(span.path, span.line, col + a, span.line, col + b)

    value = m.group("value")
    sep_start, sep_end = m.span("sep")
    edits = [Edit(at(sep_start, sep_end), "=")]
    if (
        len(value) >= 2
        and value[0] in "'\""
        and value[-1] == value[0]
        and value[0] not in value[1:-1]
    ):
        end = m.end("value")
        edits = [Edit(at(sep_start, sep_end + 1), "="), Edit(at(end - 1, end), "")]
    return Fix("write NAME=value", tuple(edits), applicability=Applicability.UNSAFE)
