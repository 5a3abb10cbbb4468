"""Signing in to a shared server: the address, TLS, the password and plain error messages.

The password is kept only in the OS keyring (``credentials``), never in a file or a URL on
disk; with no keyring backend it is asked for every time. Where the server is (host, port,
database, login, TLS) is not a secret and is remembered in the data folder.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url

from . import credentials

SSLMODES = ("verify-full", "verify-ca", "require", "prefer", "disable")
CONNECT_TIMEOUT_S = 8
REMEMBERED = "server.json"


@dataclass(frozen=True)
class ServerAddress:
    host: str
    port: int = 5432
    database: str = "frontdoor"
    login: str = ""
    sslmode: str = ""  # empty: the default for the host (``default_sslmode``)
    ca_file: str = ""

    @property
    def effective_sslmode(self) -> str:
        return self.sslmode or default_sslmode(self.host)

    def url(self, password: str | None = None) -> str:
        """The SQLAlchemy URL (with the password only in memory, when given)."""
        query: dict[str, str] = {
            "sslmode": self.effective_sslmode,
            "connect_timeout": str(CONNECT_TIMEOUT_S),
        }
        if self.ca_file:
            query["sslrootcert"] = self.ca_file
        return URL.create(
            "postgresql+psycopg",
            username=self.login,
            password=password,
            host=self.host,
            port=self.port,
            database=self.database,
            query=query,
        ).render_as_string(hide_password=False)

    def keyring_url(self) -> str:
        return self.url()


def is_loopback(host: str) -> bool:
    if not host or host.startswith("/") or host == "localhost":
        return True  # a unix socket or this computer
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def default_sslmode(host: str) -> str:
    """``verify-full`` (certificate and host name checked) for any host but this computer."""
    return "prefer" if is_loopback(host) else "verify-full"


def address_from_url(url: str) -> ServerAddress:
    u = make_url(url)
    return ServerAddress(
        host=u.host or "localhost",
        port=u.port or 5432,
        database=u.database or "frontdoor",
        login=u.username or "",
        sslmode=str(u.query.get("sslmode", "")),
        ca_file=str(u.query.get("sslrootcert", "")),
    )


def remembered(data_dir: Path) -> ServerAddress | None:
    path = data_dir / REMEMBERED
    try:
        values: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return ServerAddress(
            **{k: values[k] for k in ServerAddress.__dataclass_fields__ if k in values}
        )
    except (OSError, ValueError, TypeError):
        return None


def remember(data_dir: Path, address: ServerAddress) -> None:
    """Where the server is (never the password)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / REMEMBERED).write_text(json.dumps(asdict(address), indent=2), encoding="utf-8")


def saved_password(address: ServerAddress) -> str | None:
    found = make_url(credentials.with_password(address.keyring_url())).password
    return str(found) if found else None


def keep_password(address: ServerAddress, password: str) -> str | None:
    """Into the OS keyring; returns why not when there is no usable keyring (then it is
    simply asked for next time: never written to a file)."""
    try:
        credentials.store_password(address.keyring_url(), password)
    except Exception as exc:  # noqa: BLE001 - keyring backends raise their own kinds
        return f"the password could not be kept on this computer ({exc}); it will be asked for each time"
    return None


def forget_password(address: ServerAddress) -> None:
    import keyring

    with contextlib.suppress(Exception):  # nothing kept, or no keyring: nothing to forget
        keyring.delete_password(credentials.SERVICE, credentials.key(address.keyring_url()))


def explain(exc: BaseException, address: ServerAddress) -> str:
    """A plain message for a failed connection: wrong password, disabled or expired login,
    server down, certificate failure, or the server's own words."""
    text = str(exc)
    low = text.lower()
    where = f"{address.host}:{address.port}"
    if "password authentication failed" in low or "no password supplied" in low:
        return (
            f"The password for {address.login} was not accepted (or it has expired). "
            "Check it and try again; an admin can set a new one."
        )
    if "not permitted to log in" in low:
        return (
            f"{address.login} may no longer sign in to this server: the login has been "
            "disabled. Ask an admin."
        )
    if "certificate" in low or "ssl" in low and "verify" in low:
        return (
            f"The server at {where} could not prove who it is: its certificate did not "
            f"verify ({_first_line(text)}). Check the CA file in the settings, or ask "
            "the administrator; do not turn the check off."
        )
    if "does not support ssl" in low or "ssl is not enabled" in low:
        return (
            f"The server at {where} does not offer an encrypted connection, which this "
            f"setting ({address.effective_sslmode}) requires. Ask the administrator."
        )
    if (
        "connection refused" in low
        or "could not connect" in low
        or "timeout" in low
        or "could not translate host name" in low
        or "no route to host" in low
    ):
        return (
            f"The server at {where} is not answering: it may be down, or this computer "
            "is not on the authority's network. Try again in a minute, or tell your admin."
        )
    if "does not exist" in low and "database" in low:
        return f"The server at {where} has no database {address.database!r}."
    if 'role "' in low and "does not exist" in low:
        return f"The server does not know the login {address.login!r}. Ask an admin to add you."
    return _first_line(text)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), text)


def try_sign_in(address: ServerAddress, password: str | None) -> str | None:
    """Connect once with psycopg; None when the server accepted, else the plain message."""
    import psycopg

    u = make_url(address.url(password))
    options: dict[str, Any] = {k: str(v) for k, v in u.query.items()}
    try:
        conn = psycopg.connect(
            host=address.host,
            port=address.port,
            dbname=address.database,
            user=address.login,
            password=password or None,
            **options,
        )
    except psycopg.Error as exc:
        return explain(exc, address)
    conn.close()
    return None
