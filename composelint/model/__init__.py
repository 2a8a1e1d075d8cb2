"""What the pipeline passes along: spans, YAML nodes with positions, findings, the project."""
