"""CMP1xx: host names in connection settings that do not reach the intended service."""
