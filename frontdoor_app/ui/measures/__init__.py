"""The measures screen."""
