"""Shared analyses rules ask for: connections and reachability, env files, images."""
