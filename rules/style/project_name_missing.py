"""No top-level `name:`, so the project is named after its directory (opt-in).

## What it catches

A project none of whose compose files sets the top-level `name`. Off by default.

## Why it matters

Without `name`, Compose names the project after the directory (or `-p` /
`COMPOSE_PROJECT_NAME`): a checkout in another folder gets other container,
network and volume names, and its volumes look empty; two checkouts called `app`
share volumes by accident.

## Bad

```yaml
services:
  app:
    image: acme/app:1.0
```

## Good

```yaml
name: shop
services:
  app:
    image: acme/app:1.0
```

## Fix safety

The fix writes the name the project has now (`name: <directory name>`), so
nothing is renamed.

## References

- Compose specification: `name` top-level element.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Edit, Fix, Violation
from composelint.model.nodes import Mapping
from composelint.model.span import Span

from ..security.helpers import violation

code = "CMP707"
name = "project-name-missing"
summary = "No compose file sets the top-level name, so it depends on the directory"
severity = "info"
default_enabled = False


def check(project: RuleContext) -> Iterator[Violation]:
    own = {p.resolve() for p in project.compose_files}
    docs = [
        (display, root)
        for display, root in project.documents
        if display in project.sources and project.sources[display].path.resolve() in own
    ]  # an included file's name: does not name this project
    if not docs or any(isinstance(root, Mapping) and "name" in root for _, root in docs):
        return
    display = docs[0][0]
    text = project.source_text(display)
    fix = None
    if text is not None:
        lines = text.splitlines()
        at = 1
        while at <= len(lines) and lines[at - 1].startswith(("%", "---")):
            at += 1
        fix = Fix(
            f"add name: {project.name}",
            (Edit(Span(display, at, 1, at, 1), f"name: {project.name}\n"),),
        )
    yield violation(
        "the project has no top-level name",
        Span.point(display, 1),
        note=f"it is named {project.name} after its directory",
        help=f"set name: {project.name}",
        fix=fix,
    )
