"""A `#` that is a comment for one reader and part of the value for another.

## What it catches

Unquoted env file values where Compose and other readers disagree about `#`:

- `KEY=   # note` (or `KEY=# note`): a value that is only a comment. Compose
  skips the blanks after `=` and starts a comment only at ` #` *after* a value,
  so the value is `# note` (python-dotenv agrees), while a shell sourcing the
  file and Node's dotenv read an empty value: almost always meant as an empty
  value with a note (warning);
- `KEY=value<TAB># note`: only a *space* before `#` starts a comment for
  Compose, so the tab, the `#` and the note are part of the value (warning);
- `KEY=value # note` in an `env_file` with `format: raw`: the comment is part
  of the value (warning);
- `KEY=value # note` in an ordinary env file: a comment for Compose, but
  `docker run --env-file` keeps it in the value (info);
- `KEY=pa#ss`: Compose keeps `pa#ss`, Node's dotenv and several other loaders cut
  the value at `#` (info).

## Why it matters

A password or URL that gains (or loses) a `# note` fails at runtime with an
authentication or parse error that nobody connects to the comment. Comments on
their own line, and quotes around values containing `#`, read the same
everywhere.

## Bad

```dotenv
REDIS_URL=redis://redis:6379/0	# the cache
API_TOKEN=abc#123
SMTP_PASSWORD=    # set in prod
```

## Good

```dotenv
# the cache
REDIS_URL=redis://redis:6379/0
API_TOKEN="abc#123"
# set in prod
SMTP_PASSWORD=
```

## Fix safety

Moving a comment that follows a value to its own line is safe: Compose already
strips it. For a value that is only a comment the fix leaves the value empty,
which changes what the container gets (`# note` becomes the empty string): it is
unsafe, applied with `--unsafe-fixes`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from composelint.analysis.env_inventory import (
    EnvFile,
    comment_as_value,
    env_files,
    line_end,
    quote_char,
    wrap_edits,
)
from composelint.load.dotenv import EnvEntry
from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Edit, Fix, Severity, Violation
from composelint.model.span import Span
from composelint.output.redact import is_secret_key

code = "CMP407"
name = "env-inline-comment"
summary = "A # that is a comment for some readers and part of the value for others"
severity = "warning"

_COMMENT = re.compile(r"[ \t]+#")
# for search: starting only where a run of blanks starts keeps a long run linear
_COMMENT_IN_VALUE = re.compile(r"(?<![ \t])[ \t]+#")


def check(project: RuleContext) -> Iterator[Violation]:
    for ef in env_files(project):
        for entry in ef.assignments():
            if entry.quote or entry.value_span.line != entry.value_span.end_line:
                continue
            yield from _entry(ef, entry)


def _move_comment(
    ef: EnvFile,
    entry: EnvEntry,
    start: int,
    end: int,
    applicability: Applicability = Applicability.SAFE,
) -> Fix:
    """Put the comment text[start:end] (whitespace included) on its own line above.

    For a secret variable the comment is part of the secret for some readers: the
    inserted text is marked sensitive, so that reports mask it."""
    line_start = ef.line_starts[entry.line - 1]
    comment = ef.text[start:end].strip()
    newline = "\r\n" if ef.text[end : end + 2] == "\r\n" else "\n"
    return Fix(
        "move the comment to its own line",
        (
            Edit(
                ef.span(line_start, line_start),
                comment + newline,
                sensitive=is_secret_key(entry.key),
            ),
            Edit(ef.span(start, end), ""),
        ),
        applicability=applicability,
    )


def _entry(ef: EnvFile, entry: EnvEntry) -> Iterator[Violation]:
    value_start = ef.offset(entry.value_span.line, entry.value_span.col)
    value_end = ef.offset(entry.value_span.end_line, entry.value_span.end_col)
    if ef.raw_format:
        m = _COMMENT_IN_VALUE.search(entry.raw_value)
        if m:
            start = value_start + m.start()
            yield Violation(
                f'the comment after the value of "{entry.key}" is part of the value',
                ef.span(start, value_end),
                fix=_move_comment(ef, entry, start, value_end),
                note="this env_file has format: raw, which has no inline comments",
                help="put it on its own line",
            )
        return
    if comment_as_value(ef, entry):
        start = value_start
        while ef.text[start - 1] in " \t":
            start -= 1  # the blanks after "=" go with the comment
        yield Violation(
            f'the value of "{entry.key}" is the comment written after "="',
            entry.value_span,
            fix=_move_comment(ef, entry, start, line_end(ef, entry.line), Applicability.UNSAFE),
            note='Compose skips the blanks after "=" and starts a comment only at " #" after a '
            "value, so the comment becomes the value (a shell sourcing the file reads none)",
            help="put the comment on its own line and leave the value empty (or quote it, if "
            "the # is meant)",
        )
        return
    tab = entry.raw_value.find("\t#")
    if tab >= 0:
        at = value_start + tab
        span = ef.span(at, at + 1)
        yield Violation(
            f'the tab before "#" makes the note part of the value of "{entry.key}"',
            span,
            fix=Fix(
                "turn the tab into a space", (Edit(span, " "),), applicability=Applicability.UNSAFE
            ),
            note="Compose only starts a comment at a space followed by #",
            help="use a space or a separate line",
        )
        return
    end = line_end(ef, entry.line)
    m = _COMMENT.match(ef.text, value_end, end)
    if m:
        yield Violation(
            f'the comment after the value of "{entry.key}" is part of the value for other readers',
            ef.span(value_end, end),
            fix=_move_comment(ef, entry, value_end, end),
            severity=Severity.INFO,
            note="Compose strips it, but docker run --env-file and format: raw keep it in the value",
            help="put it on its own line",
        )
    hash_at = entry.raw_value.find("#")
    if hash_at > 0 and not entry.raw_value[hash_at - 1].isspace():
        quote = quote_char(entry.raw_value)
        at = value_start + hash_at
        yield Violation(
            f'"#" inside the unquoted value of "{entry.key}"',
            Span(ef.display, *ef.position(at), *ef.position(at + 1)),
            fix=Fix(
                "quote the value",
                wrap_edits(entry.value_span, quote),
                applicability=Applicability.SAFE,
            )
            if quote
            else None,
            severity=Severity.INFO,
            note="Compose keeps it, but Node's dotenv and other loaders cut the value there",
            help="quote the value",
        )
