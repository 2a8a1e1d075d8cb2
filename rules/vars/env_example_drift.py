"""`.env.example` and `.env` disagree on the set of keys.

## What it catches

An example env file (`.env.example`, `.env.sample`, `.env.dist`,
`.env.template`, also `.env.prod.example` for `.env.prod` ...) and the env file
it is the template of, when both exist and a key is in one but not in the other.
Each missing key is reported at its line in the file that has it.

## Why it matters

A key only in `.env` was never documented: the next person who copies the
example gets an empty `${VAR}`. A key only in the example was forgotten (or
renamed) in the real file: the service starts without it.

## Bad

```dotenv
# .env.example
POSTGRES_USER=
POSTGRES_PASSWORD=
# .env
POSTGRES_USER=app
```

## Good

```dotenv
# .env.example
POSTGRES_USER=
POSTGRES_PASSWORD=
# .env
POSTGRES_USER=app
POSTGRES_PASSWORD=change-me
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.env_inventory import EnvFile, env_files, example_target
from composelint.model.context import RuleContext
from composelint.model.findings import Related, Violation
from composelint.model.span import Span

code = "CMP506"
name = "env-example-drift"
summary = "A key in .env.example but not in .env, or the other way round"
severity = "warning"


def check(project: RuleContext) -> Iterator[Violation]:
    files = env_files(project)
    by_path = {ef.path: ef for ef in files}
    for example in files:
        if not example.is_example:
            continue
        target_name = example_target(example.path.name)
        real = by_path.get(example.path.parent / target_name) if target_name else None
        if real is None:
            continue
        yield from _missing(example, real)
        yield from _missing(real, example)


def _missing(have: EnvFile, lack: EnvFile) -> Iterator[Violation]:
    keys = {e.key for e in lack.parsed.entries}
    seen: set[str] = set()
    for entry in have.parsed.entries:
        if entry.key in keys or entry.key in seen:
            continue
        seen.add(entry.key)
        yield Violation(
            f'"{entry.key}" is in {have.display} but not in {lack.display}',
            entry.key_span,
            (Related(Span.whole_file(lack.display), f"{lack.display} has no {entry.key}"),),
            note=None
            if lack.is_example
            else "the real file lacks it, so the service gets no value",
            help="document it in the example file" if lack.is_example else "add it",
        )
