"""PyYAML, imported without compiling its module-level regexes.

PyYAML compiles a dozen patterns when it is imported: the pure-Python reader's
class of non-printable characters alone (``yaml.reader.Reader.NON_PRINTABLE``)
costs more than 50 million instructions, more than all of composelint's own
imports of a small lint. The loader here drives libyaml's parser, which uses none
of them, so they are compiled on first use instead (the pure-Python fallback and
any other caller of PyYAML get them compiled then, and work as before). Import
``yaml`` from here, before anything else imports it.
"""

from __future__ import annotations

import sys

from composelint.regex import compile_lazily_within

if "yaml" not in sys.modules:
    _restore = compile_lazily_within("yaml")
    try:
        import yaml
    finally:
        _restore()
import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

__all__ = [
    "AliasEvent",
    "DocumentEndEvent",
    "DocumentStartEvent",
    "MappingEndEvent",
    "MappingStartEvent",
    "ScalarEvent",
    "SequenceEndEvent",
    "SequenceStartEvent",
    "StreamEndEvent",
    "yaml",
]
