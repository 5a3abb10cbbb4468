"""Engines, sessions and migrations for the embedded SQLite file and for PostgreSQL."""

from __future__ import annotations

import contextlib
import logging
import select
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from frontdoor_app import cipher
from frontdoor_app.models import checkpoint
from frontdoor_app.schema_head import MIGRATIONS, head_revision

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Each connection's page cache, in KiB (the SQLCipher build's default is about 8 MiB).
# SQLCipher decrypts and checks every page it reads from the file; a page found in this
# cache costs nothing. A year of measures on the city database took about a fifth less CPU
# with 64 MiB than with 8 (bench/run.py measures_52). The cache grows only as pages are read.
SQLITE_CACHE_KIB = 64 * 1024
READ_ONLY = "frontdoor_read_only"
# libpq on every server connection (the engine's and the change feed's listener). In the
# room the server goes silent rather than away (Wi-Fi dropped, a lid closed): without these
# a statement waiting for its answer holds the one worker for TCP's quarter of an hour, and
# every Save queues behind it. With them a dead connection fails within seconds (keepalive
# probes while waiting for an answer; a bound on what the server never acknowledged), so
# the Save waits on the laptop instead, and the feed says the server is away.
LIBPQ_LIVENESS: dict[str, int] = {
    "connect_timeout": 3,  # seconds; an unreachable server, not a refused one
    "keepalives": 1,
    "keepalives_idle": 5,  # seconds of silence before the first probe
    "keepalives_interval": 2,
    "keepalives_count": 2,
    "tcp_user_timeout": 10_000,  # milliseconds a sent statement may go unacknowledged
}

log = logging.getLogger(__name__)


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, busy timeout, and BEGIN IMMEDIATE for every transaction.

    pysqlite's own transaction handling begins lazily and DEFERRED, so a transaction
    that reads and then writes fails at once with "database is locked" when another
    connection writes; SQLAlchemy's documented recipe takes the transaction over.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    checkpoint.install(engine)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A read-only unit of work begins DEFERRED: in WAL mode it then never waits for a
        # writer nor holds one up (the change-feed polls of every open client are reads).
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _key_connections(engine: Engine, path: Path, key: cipher.Key) -> None:
    """Every connection gives SQLCipher the key before anything else (a wrong one is named)."""

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        conn = cipher.dbapi().connect(*cargs, **cparams)
        try:
            cipher.quiet(conn)
            key.apply(conn)
            cipher.check_opens(conn, path)
        except BaseException:
            conn.close()
            raise
        return conn


def make_engine(url: str, key: cipher.Key | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the pragmas and transaction rules this product needs.

    A SQLite file is encrypted (SQLCipher, ``models.cipher``): ``key`` opens it, else the
    keyring's (made on first use, a plain file converted first)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            path = Path(parsed.database)
            key = key or cipher.prepare(path).key
            engine = create_engine(url, module=cipher.dbapi(), **kwargs)
            _key_connections(engine, path, key)
        else:
            engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs["connect_args"] = {**LIBPQ_LIVENESS, **kwargs.get("connect_args", {})}
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_when_in_doubt(engine)
    return engine


# A pooled server connection used this recently, with nothing from the server waiting on
# it, is taken as it is. Before the keepalives' first probe is due, a connection that went
# silently dead would hold a ping as long as it holds the first statement.
QUIET_S = LIBPQ_LIVENESS["keepalives_idle"]
_RETURNED = "frontdoor_returned_at"


def _ping_when_in_doubt(engine: Engine) -> None:
    """Ask the server whether a pooled connection is alive only when in doubt, where
    SQLAlchemy's ``pool_pre_ping`` asks every time: one round trip more for every unit of
    work (a Save's sixth), and in a busy room each costs the laptop a wait for the CPU too.

    In doubt: the server sent something while the connection sat in the pool (a restart or
    ``pg_terminate_backend`` sends its last word, then closes), or it sat there longer than
    ``QUIET_S`` by the wall clock (a laptop's sleep counts). Then it is pinged as before, and
    a dead one is replaced before any statement is sent on it."""

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED] = time.time()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(_RETURNED)
        if returned is None:  # just opened
            return
        if time.time() - returned < QUIET_S and not _server_spoke(dbapi_connection):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"the server connection is gone: {exc}") from exc


def _server_spoke(dbapi_connection: Any) -> bool:
    """Whether a connection idle in the pool has input from the server waiting (no round
    trip: its socket is polled); True when that cannot be told."""
    try:
        socket = dbapi_connection.pgconn.socket
        poller = select.poll()
        poller.register(socket, select.POLLIN | select.POLLERR | select.POLLHUP)
        return bool(poller.poll(0))
    except Exception:  # noqa: BLE001 - not a psycopg connection, or a closed one: ask
        return True


class ReadOnlySessionError(RuntimeError):
    """A write was attempted in a unit of work opened for reading only."""


def make_session_factory(engine: Engine, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions for units of work; ``read_only`` ones refuse to flush any change."""
    if not read_only:
        return sessionmaker(bind=engine, expire_on_commit=False)
    factory = sessionmaker(
        bind=engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
    )
    event.listen(factory, "before_flush", _refuse_flush)
    return factory


def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlySessionError("a read-only unit of work tried to write")


@contextlib.contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(engine: Engine) -> Any:
    """Alembic's configuration for ``engine`` (alembic is imported only when migrating)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> bool:
    """Bring the database to the newest schema. Returns True when anything was applied."""
    if current_revision(engine) == head_revision():
        return False
    from alembic import command

    log.info("upgrading database schema to %s", head_revision())
    command.upgrade(alembic_config(engine), "head")
    return True
