"""Encryption at rest for the embedded SQLite file (SQLCipher 4, through ``sqlcipher3``).

The file is encrypted with a random 256-bit key kept in the OS keyring and given to
SQLCipher raw (``PRAGMA key = "x'…'"``), so opening costs no key derivation. The same key,
written for people (base32 with a checksum), is the recovery key shown once when it is
made; ``frontdoor db unlock --recovery-key`` puts it back in the keyring. Without any
keyring on the computer the file is keyed with a passphrase asked at every start (SQLCipher
derives the key; nothing is stored). A plain file of an earlier release is converted on
first open: into a new file, checked table by table, then swapped in; until the swap the
plain file is untouched.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# hashlib, base64, secrets and getpass are imported where used: this module is loaded
# before the desktop's first look, which needs none of them.
log = logging.getLogger(__name__)

KEY_SERVICE = "frontdoor-database-key"
KEY_USER = "embedded"
SQLITE_HEADER = b"SQLite format 3\x00"
CONVERTING_SUFFIX = ".converting"
# SQLCipher 4's defaults except HMAC-SHA256 for SHA512: about half the cost of checking a
# page on these x86-64 machines (SHA extensions), the same AES-256 cipher. 16 KiB pages were
# faster for scans but slower for the intake's scattered index lookups, so 4 KiB stays.
SETTINGS = ("cipher_page_size = 4096", "cipher_hmac_algorithm = HMAC_SHA256")


class DatabaseKeyError(RuntimeError):
    """The encrypted file cannot be opened; the message says why and what to do."""


@dataclass(frozen=True)
class Key:
    """What opens the file: a raw 32-byte key, or a passphrase SQLCipher derives one from."""

    raw: bytes | None = field(default=None, repr=False)
    passphrase: str | None = field(default=None, repr=False)

    def literal(self) -> str:
        if self.raw is not None:
            return f"\"x'{self.raw.hex()}'\""
        assert self.passphrase is not None
        return "'" + self.passphrase.replace("'", "''") + "'"

    def pragma(self) -> str:
        return f"PRAGMA key = {self.literal()}"

    def apply(self, conn: Any, schema: str = "") -> None:
        """Key ``conn`` (or its attached ``schema``) with this product's cipher settings."""
        prefix = f"{schema}." if schema else ""
        if not schema:
            conn.execute(self.pragma())
        for setting in SETTINGS:
            conn.execute(f"PRAGMA {prefix}{setting}")


@dataclass(frozen=True)
class Prepared:
    """What ``prepare`` did: a recovery key to show once (a new key was made), a conversion."""

    key: Key = field(repr=False)
    recovery_key: str | None = field(default=None, repr=False)
    converted_tables: int | None = None


# ----------------------------------------------------------------------------- recovery keys


def recovery_key(raw: bytes) -> str:
    """``raw`` for people: base32 with a 2-byte checksum, in groups of five."""
    import base64
    import hashlib

    check = hashlib.sha256(raw).digest()[:2]
    text = base64.b32encode(raw + check).decode("ascii").rstrip("=")
    return "-".join(text[i : i + 5] for i in range(0, len(text), 5))


def parse_recovery_key(text: str) -> bytes:
    """The raw key from a typed recovery key (spaces, dashes and case do not matter)."""
    import base64
    import hashlib

    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(cleaned) != 55:
        raise DatabaseKeyError(
            f"a recovery key has 55 letters and digits (11 groups of five); this one has "
            f"{len(cleaned)}"
        )
    try:
        data = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except ValueError as exc:
        raise DatabaseKeyError(
            "the recovery key has a character that is not in it (only A-Z and 2-7)"
        ) from exc
    raw, check = data[:32], data[32:]
    if hashlib.sha256(raw).digest()[:2] != check:
        raise DatabaseKeyError(
            "the recovery key has a typing mistake (its checksum does not match)"
        )
    return raw


def recovery_sheet(key: str, where: str) -> str:
    """The recovery key as a sheet to print and lock away (it is shown only once)."""
    line = "=" * 72
    return (
        f"{line}\nFRONT DOOR - DATABASE RECOVERY KEY (OFFICIAL-SENSITIVE)\n{line}\n"
        f"Database: {where}\n\n    {key}\n\n"
        "This key opens the encrypted database if this computer's keyring loses its entry:\n"
        "    frontdoor db unlock --recovery-key KEY\n"
        "It is shown only this once. Print it, sign and date it, and keep it locked away\n"
        f"with the service's other keys. Anyone holding it and the file can read the file.\n{line}"
    )


# ----------------------------------------------------------------------------- the keyring


def _keyring() -> Any:
    import keyring  # imported on first use: backend discovery takes a while

    return keyring


def _throwaway_keyring() -> Any:
    from keyring.backend import KeyringBackend

    class Throwaway(KeyringBackend):
        """Keeps passwords in this process's memory only (``--smoke-test``'s fresh folder)."""

        priority = 1

        def __init__(self) -> None:
            super().__init__()  # type: ignore[no-untyped-call]
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.store.pop((service, username), None)

    return Throwaway()


def ThrowawayKeyring() -> Any:  # noqa: N802 - reads as the class it makes
    """A keyring that forgets everything when the process ends (for a throwaway database)."""
    return _throwaway_keyring()


def keyring_available() -> bool:
    keyring = _keyring()
    backend = keyring.get_keyring()
    from keyring.backends import fail

    if isinstance(backend, fail.Keyring):
        return False
    chained = getattr(backend, "backends", None)
    return chained is None or bool(chained)


def stored_key() -> bytes | None:
    """The raw key in the keyring; None when there is none (or no keyring at all)."""
    keyring = _keyring()
    try:
        value = keyring.get_password(KEY_SERVICE, KEY_USER)
    except keyring.errors.KeyringError:
        return None
    if not value:
        return None
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        return None
    return raw if len(raw) == 32 else None


def store_key(raw: bytes) -> None:
    keyring = _keyring()
    try:
        keyring.set_password(KEY_SERVICE, KEY_USER, raw.hex())
    except keyring.errors.KeyringError as exc:
        raise DatabaseKeyError(f"the keyring refused to keep the database key: {exc}") from exc


def forget_key() -> None:
    keyring = _keyring()
    with contextlib.suppress(keyring.errors.KeyringError):
        keyring.delete_password(KEY_SERVICE, KEY_USER)


# ----------------------------------------------------------------------------- passphrases

PassphrasePrompt = Callable[[Path, bool], str | None]  # (file, new) -> passphrase or None


PASSPHRASE_FILE_ENV = "FRONTDOOR_DB_PASSPHRASE_FILE"


def terminal_prompt(path: Path, new: bool) -> str | None:
    """Ask at the terminal; for unattended runs on a computer with no keyring (an IT team's
    build check, say), the passphrase may instead be read from the file that
    ``FRONTDOOR_DB_PASSPHRASE_FILE`` names — a file only its owner may read."""
    named = os.environ.get(PASSPHRASE_FILE_ENV)
    if named:
        source = Path(named)
        try:
            if stat.S_IMODE(source.stat().st_mode) & 0o077:
                raise DatabaseKeyError(
                    f"{source} ({PASSPHRASE_FILE_ENV}) can be read by other accounts: "
                    "make it readable by its owner only (chmod 600)"
                )
            passphrase = source.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise DatabaseKeyError(f"cannot read {source} ({PASSPHRASE_FILE_ENV}): {exc}") from exc
        if new and len(passphrase) < 12:
            raise DatabaseKeyError("the passphrase must have at least 12 characters")
        return passphrase or None
    if not sys.stdin or not sys.stdin.isatty():
        return None
    import getpass

    if not new:
        return getpass.getpass(f"Passphrase for the database {path}: ")
    first = getpass.getpass(f"This computer has no keyring. Choose a passphrase for {path}: ")
    if len(first) < 12:
        raise DatabaseKeyError("the passphrase must have at least 12 characters")
    if getpass.getpass("The same passphrase again: ") != first:
        raise DatabaseKeyError("the two passphrases differ")
    return first


_prompt: list[PassphrasePrompt] = [terminal_prompt]


def set_passphrase_prompt(prompt: PassphrasePrompt) -> None:
    """How to ask for a passphrase when there is no keyring (the desktop sets a dialog)."""
    _prompt[0] = prompt


def _passphrase(path: Path, new: bool) -> Key:
    passphrase = _prompt[0](path, new)
    if not passphrase:
        raise DatabaseKeyError(
            f"this computer has no keyring to keep the key of {path}, and no passphrase was "
            "given (run it from a terminal to be asked for one)"
        )
    return Key(passphrase=passphrase)


# ----------------------------------------------------------------------------- files


def is_plain_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16) == SQLITE_HEADER


def dbapi() -> Any:
    from sqlcipher3 import dbapi2

    return dbapi2


def connect(path: Path | str, key: Key | None = None, **kwargs: Any) -> Any:
    """A DB-API connection (``sqlcipher3``) to the encrypted file, keyed and checked."""
    path = Path(path)
    key = key or key_for(path)
    conn = dbapi().connect(str(path), **kwargs)
    try:
        quiet(conn)
        key.apply(conn)
        check_opens(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def quiet(conn: Any) -> None:
    """SQLCipher would log a wrong key to stderr; the caller reports it in words instead."""
    conn.execute("PRAGMA cipher_log_level = NONE")


def check_opens(conn: Any, path: Path) -> None:
    """Read the schema: a wrong key or a file that is not a database fails here, clearly."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except dbapi().DatabaseError as exc:
        raise DatabaseKeyError(not_opened(path)) from exc


def not_opened(path: Path) -> str:
    if path.exists() and path.stat().st_size and not _looks_encrypted_or_sqlite(path):
        return f"{path} is not a database file (nor an encrypted one)"
    return (
        f"the key does not open {path}: the key in this computer's keyring belongs to another "
        "database (or the file is damaged). If you have the file's recovery key, run "
        "'frontdoor db unlock --recovery-key KEY'"
    )


def _looks_encrypted_or_sqlite(path: Path) -> bool:
    """A SQLite header, or a size that is whole SQLCipher pages (4096 bytes by default)."""
    size = path.stat().st_size
    return is_plain_sqlite(path) or (size % 1024 == 0 and size >= 1024)


def key_for(path: Path, create: bool = False) -> Key:
    """The key that opens ``path``; ``create`` makes (and keeps) one when there is none."""
    if not keyring_available():
        return _passphrase(path, new=create)
    raw = stored_key()
    if raw is not None:
        return Key(raw=raw)
    if create:
        import secrets

        raw = secrets.token_bytes(32)
        store_key(raw)
        return Key(raw=raw)
    raise DatabaseKeyError(
        f"the key of the encrypted database {path} is missing from this computer's keyring. "
        "Run 'frontdoor db unlock --recovery-key KEY' with the recovery key from the sheet "
        "printed when the database was set up"
    )


def secure_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):
        if stat.S_IMODE(folder.stat().st_mode) != 0o700:
            folder.chmod(0o700)


def _secure_file(path: Path) -> None:
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(OSError):
            candidate.chmod(0o600)


def prepare(path: Path, data_dir: Path | None = None) -> Prepared:
    """Make ``path`` ready to open encrypted: the folder 0700 and the file 0600, a key
    (made and kept on first use), a plain file converted. Returns what to show the user."""
    if data_dir is not None and path.parent.resolve() == data_dir.resolve():
        secure_folder(data_dir)
    else:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    Path(f"{path}{CONVERTING_SUFFIX}").unlink(missing_ok=True)  # a conversion interrupted
    exists = path.exists() and path.stat().st_size > 0
    made_key = False
    if not exists or is_plain_sqlite(path):
        had_key = keyring_available() and stored_key() is not None
        key = key_for(path, create=True)
        made_key = key.raw is not None and not had_key
    else:
        # The desktop read the key while Qt loaded (prefetch_key): the same keyring's key,
        # so the keyring need not be loaded again here.
        from frontdoor_app.key_prefetch import prefetched_key

        raw = prefetched_key()
        key = Key(raw=raw) if raw is not None else key_for(path)
    converted = None
    if not exists:
        _create(path, key)
    elif is_plain_sqlite(path):
        converted = convert_plain(path, key)
    else:
        connect(path, key).close()
    _secure_file(path)
    shown = recovery_key(key.raw) if made_key and key.raw else None
    return Prepared(key, shown, converted)


def _create(path: Path, key: Key) -> None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    conn = dbapi().connect(str(path))
    try:
        quiet(conn)
        key.apply(conn)
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()


def _counts(conn: Any) -> dict[str, int]:
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def convert_plain(path: Path, key: Key) -> int:
    """Encrypt the plain file at ``path`` in place (new file, verify, swap); returns the
    number of tables checked. Until the swap the plain file is left as it was."""
    target = Path(f"{path}{CONVERTING_SUFFIX}")
    target.unlink(missing_ok=True)
    log.info("encrypting the plain database %s", path)
    plain = dbapi().connect(str(path))
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        expected = _counts(plain)
        fd = os.open(target, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        quoted = str(target).replace("'", "''")
        plain.execute(f"ATTACH DATABASE '{quoted}' AS encrypted KEY {key.literal()}")
        key.apply(plain, "encrypted")
        plain.execute("SELECT sqlcipher_export('encrypted')")
        version = plain.execute("PRAGMA user_version").fetchone()[0]
        plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        plain.execute("DETACH DATABASE encrypted")
    except BaseException:
        plain.close()
        target.unlink(missing_ok=True)
        raise
    plain.close()
    try:
        verify_conversion(target, key, expected)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    os.replace(target, path)
    for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    log.info("encrypted %s (%d tables, row counts equal)", path, len(expected))
    return len(expected)


def verify_conversion(target: Path, key: Key, expected: dict[str, int]) -> None:
    conn = connect(target, key)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        found = _counts(conn)
    finally:
        conn.close()
    if found != expected:
        differ = sorted(
            t for t in expected.keys() | found.keys() if expected.get(t) != found.get(t)
        )
        raise DatabaseKeyError(
            f"encrypting {target.name} lost rows in {', '.join(differ)}; the plain file is kept"
        )


def unlock(path: Path, recovery: str) -> None:
    """Check that the recovery key opens ``path``, then keep it in the keyring."""
    raw = parse_recovery_key(recovery)
    if not path.exists():
        raise DatabaseKeyError(f"there is no database file at {path}")
    connect(path, Key(raw=raw)).close()
    if not keyring_available():
        raise DatabaseKeyError(
            "the recovery key opens the file, but this computer has no keyring to keep it in"
        )
    store_key(raw)


@contextlib.contextmanager
def opened(path: Path, key: Key | None = None) -> Iterator[Any]:
    conn = connect(path, key)
    try:
        yield conn
    finally:
        conn.close()
