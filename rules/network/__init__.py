"""CMP2xx: networks, ports and start-up order between services."""
