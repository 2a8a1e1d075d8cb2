"""CMP0xx: the project could not be loaded or Compose would refuse it."""
