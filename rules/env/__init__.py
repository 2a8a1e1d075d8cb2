"""CMP4xx: the syntax and style of .env files."""
