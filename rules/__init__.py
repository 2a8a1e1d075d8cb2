"""Built-in composelint rules: one module per rule, registered as entry points."""
