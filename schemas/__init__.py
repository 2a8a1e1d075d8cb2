"""JSON schemas shipped with composelint (read with importlib.resources)."""
