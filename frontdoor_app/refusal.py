"""The one base of every refusal the domain gives a person: a rule said no, in words meant
for them (shown as a warning, never as a fault). Kept apart so the screens can recognise a
refusal without importing every domain package."""

from __future__ import annotations


class Refusal(ValueError):
    """A rule refused what was asked; the message says which and what to do."""


# PostgreSQL's SQLSTATE for a grant or a row-level security policy that said no.
INSUFFICIENT_PRIVILEGE = "42501"


def server_refused(exc: BaseException) -> bool:
    """``exc`` is the shared server's own refusal (a grant or a policy), however wrapped."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) == INSUFFICIENT_PRIVILEGE
