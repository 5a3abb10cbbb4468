"""Telling "the server cannot be reached" from every other failure.

A Save that fails because the connection is gone is kept on the laptop and sent again; a
Save the server refused (a rule, a conflict, a constraint) is shown, never retried.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

# SQLSTATEs with which a server says the connection is over: class 08 (connection
# exceptions) and the shutdowns of class 57 (an administrator's, a crash, still starting).
_GONE = ("57P01", "57P02", "57P03")


def connection_lost(exc: BaseException) -> bool:
    """True when ``exc`` says the database server could not be reached or went away.

    Not when the server answered with an error of its own, even one psycopg files under
    ``OperationalError`` (a serialization failure, a lock not available, a statement
    cancelled): the server was there, and the Save is not kept to be sent again."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OperationalError | InterfaceError):
        # SQLite's OperationalError is a busy or broken file, not a lost server.
        if "sqlite" in type(exc.orig).__module__:
            return False
        driver: BaseException | None = exc.orig
    else:
        driver = exc
    import psycopg

    if not isinstance(driver, psycopg.OperationalError | psycopg.InterfaceError):
        return False
    state = getattr(driver, "sqlstate", None)  # None: the client's side (refused, timed out)
    return state is None or state.startswith("08") or state in _GONE
