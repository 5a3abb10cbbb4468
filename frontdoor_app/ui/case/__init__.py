"""The case view and its tabs."""
