"""The one base of every refusal the domain gives a person: a rule said no, in words meant
for them (shown as a warning, never as a fault). Kept apart so the screens can recognise a
refusal without importing every domain package."""

from __future__ import annotations


class Refusal(ValueError):
    """A rule refused what was asked; the message says which and what to do."""


# PostgreSQL's SQLSTATE for a grant or a row-level security policy that said no.
INSUFFICIENT_PRIVILEGE = "42501"


def first_line(exc: BaseException) -> str:
    """What a fault says, for a person: a database error's own first line, without the
    statement, its parameters or the server's detail, which can carry what someone typed
    about a family (the log keeps all of it)."""
    orig = getattr(exc, "orig", None)  # SQLAlchemy's wrapper around the driver's error
    said = str(orig if isinstance(orig, BaseException) else exc).strip()
    return said.splitlines()[0] if said else type(exc).__name__


def server_refused(exc: BaseException) -> bool:
    """``exc`` is the shared server's own refusal (a grant or a policy), however wrapped."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) == INSUFFICIENT_PRIVILEGE
