"""composelint: a static linter for Docker Compose projects and .env files."""

__version__ = "0.1.0"
