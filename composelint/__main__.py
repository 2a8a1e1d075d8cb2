"""``python -m composelint``."""

from composelint.cli import main

raise SystemExit(main())
