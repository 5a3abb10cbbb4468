"""Telling "the server cannot be reached" from every other failure.

A Save that fails because the connection is gone is kept on the laptop and sent again; a
Save the server refused (a rule, a conflict, a constraint) is shown, never retried.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError


def connection_lost(exc: BaseException) -> bool:
    """True when ``exc`` says the database server could not be reached or went away."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OperationalError | InterfaceError):
        # SQLite's OperationalError is a busy or broken file, not a lost server.
        return "sqlite" not in type(exc.orig).__module__
    import psycopg

    return isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)
