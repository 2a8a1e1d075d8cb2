"""CMP95x: the project compared with what the engine runs (a ``--state`` snapshot)."""
