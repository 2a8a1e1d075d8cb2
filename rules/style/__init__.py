"""CMP7xx: style and portability of compose files."""
