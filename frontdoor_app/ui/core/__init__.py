"""The plumbing every screen uses: the worker and operations, messages, theme, the live feed."""
