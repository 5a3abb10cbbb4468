"""Importing the police feed: the import screen, corrections, the matching model."""
