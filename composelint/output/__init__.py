"""What the user sees: reporters, code frames, secret masking, config and graph output."""
