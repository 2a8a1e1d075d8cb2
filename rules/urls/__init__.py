"""CMP3xx: connection URLs that their clients parse differently or reject."""
