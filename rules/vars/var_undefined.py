"""A `${VAR}` that nothing defines.

## What it catches

A variable used in a compose file that is set neither in the project `.env` (or
the `--env-file` files) nor given a default in the expression. Without a default
Compose substitutes an empty string (warning); with `${VAR:?message}` or
`${VAR?message}` it refuses the project (error). Variables Compose injects
itself (`COMPOSE_PROJECT_NAME`, `PWD`) count as defined. The shell environment
is only read with `--use-shell-env`, so the answer is the same on every machine.
When the project `.env` is deliberately not committed (absent and git-ignored:
the deploy environment supplies it) and `.env.example`, `.env.sample` or
`.env.dist` lists the variable, the finding is an info that names the template.

## Why it matters

An empty substitution rarely fails loudly: `postgresql://${DB_USER}:${DB_PASS}@db/app`
becomes `postgresql://:@db/app` and the application fails at runtime with an
authentication error, far from the cause. Variables that only exist in one
developer's shell make deployments behave differently from laptops.

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:${DB_PASSWORD}@db:5432/app   # DB_PASSWORD is in no .env
```

## Good

```yaml
# .env
DB_PASSWORD=change-me
```

```yaml
services:
  app:
    image: acme/app
    environment:
      DATABASE_URL: postgresql://app:${DB_PASSWORD:?set DB_PASSWORD in .env}@db:5432/app
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from composelint.analysis.env_inventory import env_files, example_target
from composelint.analysis.scalars import substituted
from composelint.load.gitignore import is_ignored
from composelint.model.context import RuleContext
from composelint.model.findings import Severity, Violation
from composelint.model.span import Span
from composelint.output.redact import is_secret_key, mask_value

code = "CMP501"
name = "var-undefined"
summary = "A ${VAR} with no value in the project's .env and no default"
severity = "warning"


_MAX_SHOWN = 80


def check(project: RuleContext) -> Iterator[Violation]:
    outcomes: dict[Span, tuple[str, str | None]] | None = None
    templates = _deploy_templates(project)
    for p in project.problems_for(name):
        message, note, fix = p.message, p.note, p.help
        var = _name_at(project, p.span) if templates else None
        template = templates.get(var) if var else None
        if template is not None and p.severity is not Severity.ERROR:
            yield Violation(
                f'variable "{var}" is set in {template}',
                p.span,
                p.related,
                severity=Severity.INFO,
                note="supplied at deploy: the project .env is git-ignored and not committed",
            )
            continue
        if p.span is not None and p.severity is not Severity.ERROR:
            if outcomes is None:
                outcomes = _outcomes(project)
            outcome, secret_key = outcomes.get(p.span, (None, None))
            if secret_key is not None:
                # "$word" inside a password: the "variable name" is part of the secret
                message = f'a "$" in the value of {secret_key} starts a variable that is not set'
                note = "Compose substitutes an empty string"
                fix = 'write $$ for a literal "$"'
            elif outcome is not None and outcome != "an empty string":
                note = (
                    f"{note or 'Compose substitutes an empty string'}: the value becomes {outcome}"
                )
        yield Violation(message, p.span, p.related, severity=p.severity, help=fix, note=note)


_REFERENCE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def _name_at(project: RuleContext, span: Span | None) -> str | None:
    """The variable of the ``$VAR`` / ``${VAR...}`` expression at ``span``."""
    text = project.source_text(span.path) if span is not None else None
    if text is None or span is None or span.line != span.end_line:
        return None
    lines = text.splitlines()
    if span.line > len(lines):
        return None
    m = _REFERENCE.match(lines[span.line - 1], span.col - 1)
    return m.group(1) if m else None


def _deploy_templates(project: RuleContext) -> dict[str, str]:
    """Variable -> the template that lists it (``.env.example``, ``.env.sample``,
    ``.env.dist`` ...), when the project ``.env`` is deliberately not committed: it is
    absent and git ignores it, so the deploy environment supplies the values."""
    dotenv = project.directory / ".env"
    if dotenv.exists() or not is_ignored(dotenv):
        return {}
    out: dict[str, str] = {}
    for ef in env_files(project):
        if ef.is_example and example_target(ef.path.name) == ".env":
            if ef.path.parent != project.directory:
                continue
            for entry in ef.parsed.entries:
                out.setdefault(entry.key, ef.display)
    return out


def _outcomes(project: RuleContext) -> dict[Span, tuple[str, str | None]]:
    """What each interpolated value with an unset variable becomes (secrets masked),
    by the span of each of its expressions; with the secret key whose literal value
    holds an unbraced ``$name`` (whose name must not be shown)."""
    out: dict[Span, tuple[str, str | None]] = {}
    for path, node in substituted(project):
        if not any(s.source == "unset" for s in node.subs):
            continue
        value = "" if node.value is None else str(node.value)
        key = path[-1] if path and isinstance(path[-1], str) else ""
        if not key and "=" in value:  # list form KEY=VALUE
            key, _, value = value.partition("=")
        shown = mask_value(key, value) if key else mask_value("", value)
        if len(shown) > _MAX_SHOWN:
            shown = shown[: _MAX_SHOWN - 1] + "…"
        text = f'"{shown}"' if value else "an empty string"
        secret = key if key and is_secret_key(key) else None
        for sub in node.subs:
            if sub.source == "unset" and (sub.expr_span or node.span) is not None:
                hidden = secret if not sub.expression.startswith("${") else None
                out.setdefault(sub.expr_span or node.span, (text, hidden))  # type: ignore[arg-type]
    return out
