"""A service without `security_opt: [no-new-privileges:true]` (opt-in).

## What it catches

A service whose `security_opt` does not set `no-new-privileges` (or sets it to
`false`). Off by default: select it (or the `hardened` preset).

## Why it matters

Without the flag, a process in the container can gain privileges by running a
setuid-root or file-capability program from the image (`su`, `sudo`, `ping` on
older images): a foothold as an unprivileged user becomes root in the container.
With it, the kernel refuses those transitions (`no_new_privs`).

## Bad

```yaml
services:
  web:
    image: acme/web:1.8
```

## Good

```yaml
services:
  web:
    image: acme/web:1.8
    security_opt:
      - no-new-privileges:true
```

## Fix safety

The fix adds the entry to an existing block `security_opt:` list, or adds a
`security_opt:` list under the service key. A program that relies on setuid to
switch users (`su-exec`, `gosu` are fine: they start as root) stops working.

## References

- CIS Docker Benchmark v1.6.0, 5.26: ensure that the container is restricted from
  acquiring additional privileges.
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.model.context import RuleContext
from composelint.model.findings import Edit, Fix, Violation
from composelint.model.nodes import Mapping, Sequence
from composelint.model.span import Span

from .helpers import security_options, violation

code = "CMP806"
name = "no-new-privileges-missing"
summary = "A service without no-new-privileges:true can gain privileges through setuid programs"
severity = "info"
default_enabled = False

ENTRY = "no-new-privileges:true"
HELP = f"add {ENTRY} to the service's security_opt"


def check(project: RuleContext) -> Iterator[Violation]:
    for sname, svc in project.services.items():
        opts = {k: v for k, v, _ in security_options(svc)}
        if opts.get("no-new-privileges", "").lower() == "true":
            continue
        span = svc.key_span("security_opt") or project.span("services", sname, key=True)
        yield violation(
            f"{sname} does not set no-new-privileges",
            span,
            help=HELP,
            fix=_fix(project, sname, svc),
        )


def _fix(project: RuleContext, sname: str, svc: Mapping) -> Fix | None:
    """Insert the entry as a new line, in a block list or under the service key."""
    lines_of = project.source_text
    opts = svc.get("security_opt")
    if isinstance(opts, Sequence) and opts.items:
        if any(o.span is None for o in opts.items) or "no-new-privileges" in str(opts.to_plain()):
            return None  # e.g. no-new-privileges:false: changing it is the user's call
        last = opts.items[-1].span
        assert last is not None
        text = lines_of(last.path)
        if text is None or last.line != last.end_line:
            return None
        line = text.splitlines()[last.line - 1]
        dash = line.rfind("- ", 0, last.col)
        if dash < 0 or line[:dash].strip():
            return None  # a flow list: leave it to the user
        at = Span(last.path, last.line + 1, 1, last.line + 1, 1)
        return Fix(f"add {ENTRY}", (Edit(at, f"{line[:dash]}- {ENTRY}\n"),))
    if opts is not None:
        return None
    key = project.span("services", sname, key=True)
    if key is None:
        return None
    below = [s for s in svc.key_spans.values() if s.path == key.path and s.line > key.line]
    first = min(below, default=None)
    if first is None or first.col <= key.col:
        return None  # a flow mapping, or keys only in another file
    indent = " " * (first.col - 1)
    at = Span(key.path, key.line + 1, 1, key.line + 1, 1)
    return Fix(f"add {ENTRY}", (Edit(at, f"{indent}security_opt:\n{indent}  - {ENTRY}\n"),))
