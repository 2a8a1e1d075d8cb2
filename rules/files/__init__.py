"""CMP6xx: files a project names, and secrets written into them."""
