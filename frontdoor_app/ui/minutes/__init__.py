"""The minutes screen."""
