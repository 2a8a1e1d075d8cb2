"""Resolving a project as Compose does: interpolation, merge, extends/include, schema."""
