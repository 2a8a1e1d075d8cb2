"""CMP8xx: security hardening of services (after compose-lint and CIS Docker Benchmark section 5)."""
