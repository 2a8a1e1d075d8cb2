"""Running rules: registry and plugins, engine, settings, suppressions, baseline, diff."""
