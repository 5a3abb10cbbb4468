"""The one base of every refusal the domain gives a person: a rule said no, in words meant
for them (shown as a warning, never as a fault). Kept apart so the screens can recognise a
refusal without importing every domain package."""

from __future__ import annotations


class Refusal(ValueError):
    """A rule refused what was asked; the message says which and what to do."""
