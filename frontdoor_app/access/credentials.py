"""Database passwords live in the OS keyring, never in settings files or URLs on disk."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import make_url

SERVICE = "frontdoor-database"


def key(url: str) -> str:
    u = make_url(url)
    return f"{u.username}@{u.host}:{u.port or 5432}/{u.database}"


def _keyring() -> Any:
    # Imported on first use: the embedded SQLite default never needs a password, and
    # keyring's backend discovery would otherwise slow every start of the application.
    import keyring

    return keyring


def store_password(url: str, password: str) -> None:
    _keyring().set_password(SERVICE, key(url), password)


def with_password(url: str) -> str:
    """``url`` with the keyring's password filled in, when it has none of its own."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite" or u.password or not u.username:
        return url
    keyring = _keyring()
    try:
        password = keyring.get_password(SERVICE, key(url))
    except keyring.errors.KeyringError:
        password = None
    return u.set(password=password).render_as_string(hide_password=False) if password else url
