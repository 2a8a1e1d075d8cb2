"""An unquoted YAML boolean as an `environment` value.

## What it catches

A map-form `environment:` value written as a plain (unquoted) YAML boolean:
`true`/`false` in any of the cases YAML 1.2 accepts (`True`, `TRUE`, ...), and the
YAML 1.1 words `yes`/`no`/`on`/`off` in their three spellings (`Yes`, `YES`).
List-form entries (`- DEBUG=true`) are strings already and are not reported; nor
are `y`/`n`, which PyYAML and docker-compose v1 read as strings.

## Why it matters

Environment variables are strings, and tools disagree about what to make of a
boolean:

- Compose v2 turns it into a string, but not always the one written: `True` and
  `TRUE` become `"true"`, `False` becomes `"false"`; `yes`, `off` and the other
  YAML 1.1 words stay as written (verified with docker compose 2.40.3);
- docker-compose v1 refuses the file ("services.app.environment.DEBUG contains
  true, which is an invalid type, it should be a string, number, or a null"), for
  `off` and `yes` too, which its YAML 1.1 parser reads as booleans;
- other YAML 1.1 readers (PyYAML-based tools, yaml.v2-based converters) read
  `on`/`off`/`yes`/`no` as booleans too.

Quoting the value gives every reader the same string. It is advice (info): with
Compose v2 the file works, and the real projects checked by the test corpus
(supabase, Rocket.Chat, Confluent's cp-all-in-one ...) rely on that.

## Bad

```yaml
services:
  app:
    image: acme/app
    environment:
      DEBUG: True
      FEATURE_X: off
```

## Good

```yaml
services:
  app:
    image: acme/app
    environment:
      DEBUG: "true"
      FEATURE_X: "off"
```

## Fix safety

The fix quotes the string Compose v2 passes today, so `docker compose config`
prints the same model before and after: `off` becomes `"off"`, `True` becomes
`"true"` (not `"True"`, which would change the value the container gets). Safe.

## References

- docker/compose v1 schema: environment values are "string, number, or a null"
  (reported in novuhq/novu#687, bigsk1/supa-crawl-chat#25 and many more).
- YAML 1.1 boolean type: https://yaml.org/type/bool.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Applicability, Edit, Fix, Violation
from composelint.model.nodes import Mapping, Scalar
from composelint.model.span import Span

from .helpers import compose_documents

code = "CMP714"
name = "env-boolean-unquoted"
summary = "An unquoted YAML boolean as an environment value"
severity = "info"

# YAML 1.2 core schema booleans (go-yaml v3 resolves these to bool; Compose prints
# them lower case) and the YAML 1.1 words it leaves as strings. y/Y/n/N are YAML 1.1
# booleans on paper, but PyYAML and docker-compose v1 keep them as strings.
_YAML12 = re.compile(r"true|True|TRUE|false|False|FALSE")
_YAML11 = re.compile(r"yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF")


def check(project: RuleContext) -> Iterator[Violation]:
    seen: set[Span] = set()  # an anchored environment shared by several services
    for _display, root in compose_documents(project):
        services = root.mapping("services")
        if services is None:
            continue
        for sname, svc in services.items.items():
            env = svc.get("environment") if isinstance(svc, Mapping) else None
            if not isinstance(env, Mapping):
                continue
            if not project.in_model(("services", sname, "environment")):
                continue
            for key, value in env.items.items():
                violation = _value(key, value)
                if violation is not None and violation.span not in seen:
                    seen.add(violation.span)  # type: ignore[arg-type]
                    yield violation


def _value(key: str, node: object) -> Violation | None:
    if not isinstance(node, Scalar) or node.style != "" or node.span is None:
        return None
    text = node.raw if isinstance(node.raw, str) else None
    if text is None or node.span.line != node.span.end_line:
        return None
    if _YAML12.fullmatch(text) and isinstance(node.value, bool):
        compose = text.lower()  # what Compose v2 passes
        message = f'unquoted boolean {text} as the value of "{key}"'
        note = (
            f'Compose passes the string "{compose}"'
            + (f', not "{text}"' if compose != text else "")
            + "; docker-compose v1 refuses a boolean here"
        )
    elif _YAML11.fullmatch(text):
        compose = text
        meaning = "true" if text.lower() in ("yes", "on") else "false"
        message = f'unquoted {text} as the value of "{key}", a boolean in YAML 1.1'
        note = (
            f'Compose passes the string "{text}", but docker-compose v1 and other YAML 1.1 '
            f"tools read the boolean {meaning}"
        )
    else:
        return None
    return Violation(
        message,
        node.span,
        fix=Fix(
            f'quote it as "{compose}"',
            (Edit(node.span, f'"{compose}"'),),
            applicability=Applicability.SAFE,
        ),
        note=note,
        help=f'quote it: "{compose}"',
    )
