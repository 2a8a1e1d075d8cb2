"""The budgets that bound what any input can cost (README, "Security").

The promise: every input under 1 MB lints in under 2 seconds and 300 MB of memory,
and what composelint prints is bounded by a multiple of what it read. Each limit
below keeps one class of input inside that promise; exceeding one is a located
finding of the rule named next to it, and the run exits 2 ("could not lint").
``tests/test_budgets.py`` feeds every class, and its scaled-up variant, through the
command line and measures time, memory and output.
"""

from __future__ import annotations

# -- reading (composelint.load.sources) -- file-unreadable
MAX_FILE_BYTES = 8 * 1024 * 1024
"""Largest file (or stdin) read; at most this + 1 byte is ever read from anything."""

# -- state snapshots (composelint.load.state) -- state-file-invalid
MAX_STATE_BYTES = 32 * 1024 * 1024
"""Largest ``--state`` file: ``docker inspect`` of some 3000 containers (``composelint
snapshot`` keeps less per container). Not under the 1 MB promise: a parsed JSON tree
costs about ten times its size, so this bounds memory to a few hundred MB."""

# -- YAML (composelint.load.yamlload) -- yaml-syntax
MAX_YAML_DEPTH = 200
"""Nesting of collections."""
MAX_YAML_NODES = 1_000_000
"""Nodes of one file, aliases counted with the size of what they repeat."""
MAX_ALIAS_BYTES = 4 * 1024 * 1024
"""Source bytes that aliases repeat in one file (an alias counts the text of its
anchored value, nested aliases expanded): bounds the tree that interpolation, the
rules and ``config`` walk, whatever the node count."""

# -- interpolation (composelint.resolve.interpolate, composelint.load.dotenv)
MAX_INTERPOLATION_DEPTH = 100
"""Defaults nested in defaults (interpolation-syntax)."""
MAX_EXPANDED_BYTES = 1024 * 1024
"""Length of one interpolated value: a ``.env`` whose lines each repeat the previous
variable twice doubles at every line (env-syntax / interpolation-syntax)."""
MAX_TOTAL_EXPANDED_BYTES = 16 * 1024 * 1024
"""Bytes substituted into all the values of a project together (many values that
repeat one large variable)."""

# -- project structure (composelint.resolve.resolver)
MAX_INCLUDE_DEPTH = 64
"""``include`` nested in ``include`` (include-failed); compose-go has no limit but
recurses, so a deeper chain is a mistake, not a layout."""

# -- output
MAX_FRAME_WIDTH = 120
"""Characters of a source line shown in a code frame; longer lines are clipped
around the finding's span."""
OUTPUT_FACTOR = 16
"""``config`` prints at most this many times the bytes it read (plus ``OUTPUT_SLACK``)."""
REPORT_FACTOR = 128
"""A lint report is at most this many times the bytes read (plus ``OUTPUT_SLACK``):
each finding prints a bounded message and frame, and the densest input (``${A}``
repeated, one finding per 4 bytes) reaches about 100."""
OUTPUT_SLACK = 1024 * 1024
