"""The audit trail as a hash chain: each row carries a hash of its content and, chained, of
every row before it, so a changed, removed, inserted or reordered row shows.

``content_hash`` = SHA-256 over the row's canonical content (when, who, what, which record,
before, after, detail); ``chain_hash`` = SHA-256 over the previous row's ``chain_hash`` and
this row's ``content_hash``. The chain runs in ``id`` order. Rows are sealed as they are
written (a ``before_flush`` hook for ORM rows, ``seal_rows`` for bulk inserts), under the
database's write lock: SQLite's BEGIN IMMEDIATE, PostgreSQL's transaction advisory lock, so
two writers never chain onto the same head. Redaction (retention) blanks a row's personal
content but keeps both hashes, so the chain still verifies.

On PostgreSQL that lock is the one place where every audited write in the room queues, and it
is held until the transaction ends. So a unit of work's audit rows (``add_at_commit``) are
held back and written last, as it commits: on a server set up by ``server init`` in one
call, ``fd_audit_append`` (lock, head, links and insert in the server), elsewhere as the
commit's flush (the lock, one statement for the head and the ids, the insert). Either
way the lock covers that and the commit, not the work before; and on such a server the
COMMIT goes in the append's own message when nothing else is left to write, so the lock
is let go on the server without waiting for the laptop's next word.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

GENESIS = "0" * 64
CHAIN_LOCK = 74_201_406  # pg_advisory_xact_lock key of the audit chain
CONTENT_FIELDS = (
    "at",
    "user_id",
    "user_login",
    "action",
    "entity",
    "entity_id",
    "before",
    "after",
    "detail",
)


def _instant(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return str(value.isoformat(timespec="microseconds"))


def content_hash(row: Mapping[str, Any]) -> str:
    """SHA-256 of the row's content in a canonical form (the same read back as written)."""
    content = [_instant(row.get("at"))] + [row.get(name) for name in CONTENT_FIELDS[1:]]
    canonical = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def link(previous_chain: str, content: str) -> str:
    return hashlib.sha256(f"{previous_chain}:{content}".encode("ascii")).hexdigest()


_DEFERRED = "audit_chain_at_commit"  # session.info: the audit rows held back
_NOTES = "change_log_at_commit"  # session.info: change-log rows held back (PostgreSQL)


def add_at_commit(session: Session, row: Any) -> None:
    """Add an audit row to be written as the unit of work commits (see the module's note).

    Inside a savepoint the row is added at once, so that rolling the savepoint back takes
    it away with the rest of that savepoint's work.
    """
    if session.in_nested_transaction():
        session.add(row)
        return
    session.info.setdefault(_DEFERRED, []).append(row)


def note_at_commit(session: Session, row: dict[str, Any], channel: str, payload: str) -> None:
    """Hold a change-log row (PostgreSQL: ``sync.changes.note``) and its doorbell until the
    unit of work commits, when they go to the server in the statement that appends its
    audit rows: a Save's change and its trail are one round trip, not two. Inside a
    savepoint they are written at once, so that rolling it back takes them away."""
    if session.in_nested_transaction():
        _notes_on_server(session.connection(), [(row, channel, payload)])
        return
    session.info.setdefault(_NOTES, []).append((row, channel, payload))


def add_held_rows(session: Session, committing: bool = False) -> None:
    """Put the rows ``add_at_commit`` held back into the session (the next flush seals and
    writes them): as the unit of work commits (``committing``), or earlier where a caller
    needs them written now; with them the change-log rows ``note_at_commit`` held. (A
    transaction that ends without committing drops both.)"""
    if session.in_nested_transaction():
        return
    held = session.info.pop(_DEFERRED, None)
    notes = session.info.pop(_NOTES, None)
    if not held and not notes:
        return
    conn = session.connection()
    if held and conn.dialect.name == "postgresql" and server_has(conn, "fd_audit_append(json)"):
        _append_on_server(conn, held, notes or [], commit=committing and _commits_alone(session))
        return
    if notes:
        _notes_on_server(conn, notes)
    if held:
        session.add_all(held)


def server_has(conn: Any, function: str) -> bool:
    """Whether the server has ``public.<function>`` (made by ``server init``); asked once per
    connection, never while holding the chain's lock."""
    info = conn.connection.info
    key = f"fd:{function}"
    if key not in info:
        info[key] = bool(
            conn.execute(
                text("SELECT to_regprocedure(:f) IS NOT NULL"), {"f": f"public.{function}"}
            ).scalar()
        )
    return bool(info[key])


# The held change-log rows and their doorbells, as a statement's common table expression
# and a column (``note_at_commit``): the rows inserted (``txid`` their column's default), one
# notification each.
_LOGGED = (
    "WITH logged AS (INSERT INTO public.change_log (table_name, row_id, operation, "
    "meeting_id, at) SELECT c.table_name, c.row_id, c.operation, c.meeting_id, c.at "
    "FROM json_to_recordset(CAST(:changes AS json)) AS c(table_name text, row_id integer, "
    "operation text, meeting_id integer, at timestamptz) RETURNING id) "
)
_RUNG = (
    "(SELECT count(*) FROM json_array_elements(CAST(:bells AS json)) AS b(v) "
    "WHERE pg_notify(b.v->>0, b.v->>1) IS NOT NULL) AS rung, "
    "(SELECT count(*) FROM logged) AS logged"
)


def _notes(notes: list[tuple[dict[str, Any], str, str]]) -> dict[str, str]:
    changes = [{**row, "at": f"{_instant(row['at'])}+00:00"} for row, _c, _p in notes]
    bells = [[channel, payload] for _row, channel, payload in notes]
    return {"changes": json.dumps(changes), "bells": json.dumps(bells)}


def _notes_on_server(conn: Any, notes: list[tuple[dict[str, Any], str, str]]) -> None:
    """Held change-log rows and their doorbells, in one statement."""
    conn.execute(text(f"{_LOGGED}SELECT {_RUNG}"), _notes(notes))


def _append_on_server(
    conn: Any, rows: list[Any], notes: list[tuple[dict[str, Any], str, str]], commit: bool
) -> None:
    """The rows onto the chain in one call (``fd_audit_append``): the server takes the lock,
    reads the head, links each row's content hash and inserts them, ids in chain order.
    The held change-log rows and their doorbells go in the same statement.

    ``commit``: the COMMIT goes in the same message (``_with_commit``), so the server lets
    go of the chain's lock as soon as it has appended, without waiting for this laptop to
    read the answer and send a COMMIT of its own: every audited write in the room queues on
    that lock, and a laptop short of CPU (or a slow network) held everyone else up."""
    values = []
    for obj in rows:
        content, hashed = _stamp(obj)
        values.append({**content, "at": f"{_instant(obj.at)}+00:00", "content_hash": hashed})
    params = {"rows": json.dumps(values, ensure_ascii=False)}
    statement = "SELECT public.fd_audit_append(CAST(:rows AS json))"
    if notes:
        statement = f"{_LOGGED}SELECT public.fd_audit_append(CAST(:rows AS json)), {_RUNG}"
        params.update(_notes(notes))
    if commit:
        _with_commit(conn, statement, params)
    else:
        conn.execute(text(statement), params)


def _commits_alone(session: Session) -> bool:
    """Whether the commit will have nothing to do but commit: the unit of work's connection
    is its own, from the engine (a connection given to it may be in someone else's
    transaction), and nothing is left to flush."""
    return isinstance(session.get_bind(), Engine) and not (
        session.new or session.dirty or session.deleted
    )


def _with_commit(conn: Any, statement: str, params: dict[str, str]) -> None:
    """``statement`` (its ``:name`` parameters valued by ``params``) and COMMIT in one
    message: the values are written into the text by the driver's own client-side binding
    (``mogrify``: a message of more than one statement takes no parameters). The driver's
    transaction has then ended; the commit that follows finds nothing to commit."""
    from psycopg import ClientCursor

    from .driver import run_script

    compiled = str(text(statement).compile(dialect=conn.dialect))  # :name -> %(name)s
    with ClientCursor(conn.connection.driver_connection) as cursor:
        filled = cursor.mogrify(compiled, params)
    run_script(conn, f"{filled}; COMMIT")


def _drop_held_rows(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_DEFERRED, None)
        session.info.pop(_NOTES, None)


def _head(session: Session, ids: int = 0) -> tuple[str, list[int]]:
    """The newest chain hash, after taking the chain's write lock; on PostgreSQL also
    ``ids`` new row ids from the table's sequence, taken under the lock (so the ids' order
    is the chain's) and in the same statement as the head."""
    conn = session.connection()
    newest = "SELECT chain_hash FROM audit_event ORDER BY id DESC LIMIT 1"
    if conn.dialect.name == "postgresql":
        # On a server set up by `server init` only admins may read the trail: the newest
        # hash (and nothing else) comes from fd_audit_head(), run as the owner. Whether the
        # server has it is asked once per connection, before the lock (not while holding
        # it: every audited write in the room waits on this lock).
        has_head = server_has(conn, "fd_audit_head()")
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK})
        head_sql = "public.fd_audit_head()" if has_head else f"({newest})"
        row = conn.execute(
            text(
                f"SELECT {head_sql}, ARRAY(SELECT nextval('audit_event_id_seq') "
                "FROM generate_series(1, :n) ORDER BY 1)"
            ),
            {"n": ids},
        ).one()
        return row[0] or GENESIS, list(row[1])
    head = conn.execute(text(newest)).scalar()
    return head or GENESIS, []


def seal_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Give bulk-inserted audit rows (dicts, in insert order) their hashes."""
    if not rows:
        return
    previous, _ids = _head(session)
    for row in rows:
        row["content_hash"] = content_hash(row)
        row["chain_hash"] = previous = link(previous, row["content_hash"])


def _seal_new_events(session: Session, _context: Any, _instances: Any) -> None:
    from .journal import AuditEvent

    new = [obj for obj in session.new if isinstance(obj, AuditEvent) and not obj.chain_hash]
    if not new:
        return
    new.sort(key=lambda obj: inspect(obj).insert_order or 0)
    without_id = [obj for obj in new if obj.id is None]
    previous, ids = _head(session, len(without_id))
    for obj, new_id in zip(without_id, ids, strict=False):
        obj.id = new_id
    for obj in new:
        _content, hashed = _stamp(obj)
        obj.chain_hash = previous = link(previous, hashed)


def _stamp(obj: Any) -> tuple[dict[str, Any], str]:
    """An ORM audit row's time (now, if unset) and content hash: its content and the hash."""
    if obj.at is None:
        obj.at = dt.datetime.now(dt.UTC)
    content = {name: getattr(obj, name) for name in CONTENT_FIELDS}
    obj.content_hash = hashed = content_hash(content)
    return content, hashed


def _held_rows_before_reading_the_trail(state: Any) -> None:
    """A unit of work reading the trail (or the change log) sees its own rows, held back
    or not."""
    session = state.session
    held = {"audit_event"} if _DEFERRED in session.info else set()
    if _NOTES in session.info:
        held.add("change_log")
    if held and any(
        getattr(mapper, "local_table", None) is not None and mapper.local_table.name in held
        for mapper in state.all_mappers
    ):
        add_held_rows(session)
        session.flush()


event.listen(Session, "before_flush", _seal_new_events)
event.listen(Session, "do_orm_execute", _held_rows_before_reading_the_trail)
# The commit's own flush comes after ``before_commit``: it writes the rows held back.
event.listen(Session, "before_commit", functools.partial(add_held_rows, committing=True))
event.listen(Session, "after_transaction_end", _drop_held_rows)
