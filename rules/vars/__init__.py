"""CMP5xx: interpolation variables and service environments."""
