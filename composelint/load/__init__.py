"""Reading files: discovery of projects, bounded file reads, YAML with positions, .env."""
