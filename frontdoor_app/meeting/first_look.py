"""Today's agenda read straight from the embedded SQLite file, for the desktop's first paint.

The window shows the agenda as soon as the process has started, before SQLAlchemy, the
models and the rest of the window are loaded (most of a second). This reads what
``ui.meeting.room_reads.load_start`` reads for the agenda, with the standard library's ``sqlite3``
and plain SQL, and builds the rows with the same ``build_row``; a test holds the two
equal. It is only a first look: it never writes (the connection is query-only, and it
does not create a missing file), and it gives up (None) whenever it cannot be sure — not
SQLite, no file, a schema other than this code's newest, no meeting yet, or any error —
and the full start-up then does everything as before.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from frontdoor_app import cipher, key_prefetch
from frontdoor_app.schema_head import head_revision

from .agenda_rows import AgendaView, MeetingView, build_row, fallback_note

if TYPE_CHECKING:
    from frontdoor_app.access.actor import Actor

    from .views import AgencyOption, AttendanceSummary, OutcomeOption


@dataclass(frozen=True)
class FirstLook:
    agenda: AgendaView
    note: str | None  # e.g. "No meeting for ... yet; showing the meeting of ..."
    day: dt.date  # the day it was read for: the computer's "today"


_MEETING = """
SELECT m.id, m.meeting_date, m.status, m.chair_id, u.display_name, m.opened_at, m.closed_at,
       m.confidentiality_read_at, m.current_item_id, m.curtain_down, m.window_start,
       m.window_end, m.version,
       (SELECT count(*) FROM agenda_item a WHERE a.meeting_id = m.id),
       (SELECT count(*) FROM agenda_item a WHERE a.meeting_id = m.id
                                             AND a.status IN ('waiting', 'current')),
       (SELECT count(*) FROM agenda_item a WHERE a.meeting_id = m.id AND a.status = 'discussed'),
       (SELECT count(*) FROM agenda_item a WHERE a.meeting_id = m.id AND a.status = 'deferred')
FROM meeting m LEFT JOIN app_user u ON u.id = m.chair_id
WHERE m.id = ?
"""
_ROWS = """
SELECT a.id, a.meeting_id, a.notification_id, a.household_id, a.position, a.status, a.flags,
       a.started_at, a.seconds_spent, a.version,
       n.police_ref, n.postcode, n.dash_risk, n.dash_yes, d.agreed_risk
FROM agenda_item a
JOIN notification n ON n.id = a.notification_id
LEFT JOIN decision d ON d.agenda_item_id = a.id
WHERE a.meeting_id = ?
ORDER BY a.position, a.id
"""
_PEOPLE = """
SELECT p.notification_id, p.role, p.surname, p.dob, p.age
FROM notification_person p
WHERE p.notification_id IN (SELECT notification_id FROM agenda_item WHERE meeting_id = ?)
ORDER BY p.id
"""


@dataclass(frozen=True)
class FirstRest:
    """The rest of what the main window starts with, read the same way after the first
    paint (``read_first_rest``): who is signed in, the header's counts and the pick lists.
    ``ui.meeting.room_reads.load_start`` reads the same through the database layer; a test
    holds the two equal."""

    actor: Actor
    attendance: AttendanceSummary
    open_actions: int
    agencies: tuple[AgencyOption, ...]
    outcomes: tuple[OutcomeOption, ...]


_ACTOR = """
SELECT u.id, u.login, u.display_name, u.role, u.agency_id, a.code, u.fgc_team_id
FROM app_user u LEFT JOIN agency a ON a.id = u.agency_id
WHERE u.login = ? AND u.active
"""
# A first run's demo interrupted (``demo.marks``): the full start sets the file aside.
_DEMO_UNFINISHED = """
SELECT EXISTS (SELECT 1 FROM audit_event WHERE action = 'demo_started')
   AND NOT EXISTS (SELECT 1 FROM audit_event WHERE action = 'demo_built')
"""
_PRESENT = "SELECT DISTINCT agency_id FROM attendance WHERE meeting_id = ? AND status = 'present'"
_CORE = "SELECT id, name FROM agency WHERE core AND active ORDER BY name"
_OPEN_ACTIONS = """
SELECT count(x.id)
FROM action x
JOIN agenda_item a ON a.id = x.agenda_item_id
JOIN meeting m ON m.id = a.meeting_id
WHERE x.status = 'open' AND m.meeting_date < (SELECT meeting_date FROM meeting WHERE id = ?)
"""
_AGENCIES = "SELECT id, code, name, core FROM agency WHERE active ORDER BY name"
_OUTCOMES = """
SELECT id, code, label, is_nfa, is_fgc_offer, is_marac_referral, detail_prompt, detail_required
FROM outcome_code ORDER BY sort_order, id
"""


def sqlite_path(url: str) -> Path | None:
    """The file behind a plain ``sqlite:///`` URL; None for anything else (or in memory)."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.split("+")[0] != "sqlite" or not rest.startswith("/") or "?" in rest:
        return None
    path = rest[1:]
    return Path(path) if path and path != ":memory:" else None


def read_first_look(url: str, today: dt.date) -> FirstLook | None:
    """Today's meeting (else the latest, with a note) and its agenda; None when unsure."""
    with _query_only(url) as conn:
        if conn is None:
            return None
        try:
            return _read(conn, today)
        except (sqlite3.Error, cipher.dbapi().Error, ValueError, TypeError, KeyError):
            return None  # the full start-up will read it properly, and report what is wrong


def read_first_rest(url: str, meeting_id: int, login: str) -> FirstRest | None:
    """The rest of the window's start for ``login`` (see ``FirstRest``), read as the first
    look is; None when unsure: also when ``login`` is no active user here, or a first run's
    demo was interrupted (the full start-up says why, or builds it again)."""
    with _query_only(url) as conn:
        if conn is None:
            return None
        try:
            return _read_rest(conn, meeting_id, login)
        except (sqlite3.Error, cipher.dbapi().Error, ValueError, TypeError):
            return None


def _read_rest(conn: Any, meeting_id: int, login: str) -> FirstRest | None:
    """What ``ui.meeting.room_reads.load_start`` reads besides the agenda, and the user."""
    from frontdoor_app.access.actor import Actor

    from .views import AgencyOption, AttendanceSummary, OutcomeOption

    conn.execute("BEGIN")  # one snapshot for every read below
    user = conn.execute(_ACTOR, (login,)).fetchone()
    if user is None or conn.execute(_DEMO_UNFINISHED).fetchone()[0]:
        return None
    present = {r[0] for r in conn.execute(_PRESENT, (meeting_id,))}
    core = conn.execute(_CORE).fetchall()
    (open_actions,) = conn.execute(_OPEN_ACTIONS, (meeting_id,)).fetchone()
    return FirstRest(
        Actor(*user),
        AttendanceSummary(
            len(present),
            len(core),
            tuple(name for agency_id, name in core if agency_id not in present),
        ),
        int(open_actions or 0),
        tuple(
            AgencyOption(i, code, name, bool(core_))
            for i, code, name, core_ in conn.execute(_AGENCIES)
        ),
        tuple(
            OutcomeOption(i, code, label, bool(nfa), bool(fgc), bool(marac), prompt, bool(needed))
            for i, code, label, nfa, fgc, marac, prompt, needed in conn.execute(_OUTCOMES)
        ),
    )


@contextlib.contextmanager
def _query_only(url: str) -> Iterator[Any]:
    """The file behind a plain ``sqlite:///`` URL, open to be read only (never written, never
    created); None when that cannot be (not such a URL, no file, no key, not a database)."""
    path = sqlite_path(url)
    conn = None
    if path is not None and path.is_file():
        with contextlib.suppress(sqlite3.Error, cipher.DatabaseKeyError, OSError):
            conn = _open(path)
    if conn is None:
        yield None
        return
    try:
        try:
            conn.execute("PRAGMA query_only = ON")
        except (sqlite3.Error, cipher.dbapi().Error):
            conn.close()
            conn = None
        yield conn
    finally:
        if conn is not None:
            conn.close()


def _open(path: Path) -> Any:
    """The file read-only: with the keyring's key when encrypted (``models.cipher``), with
    ``sqlite3`` when still plain (the full start-up encrypts it). None without a key."""
    # mode=rw: never creates the file; query_only: never writes to it.
    uri = f"file:{quote(str(path.resolve()))}?mode=rw"
    if cipher.is_plain_sqlite(path):
        return sqlite3.connect(uri, uri=True, timeout=2.0)
    raw = key_prefetch.first_look_key()  # never a passphrase prompt: the full start-up asks
    if raw is None:
        return None
    conn = cipher.dbapi().connect(uri, uri=True, timeout=2.0)
    try:
        cipher.quiet(conn)
        cipher.Key(raw=raw).apply(conn)
        cipher.check_opens(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def _read(conn: sqlite3.Connection, today: dt.date) -> FirstLook | None:
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    if revision is None or revision[0] != head_revision():
        return None  # the full start-up migrates first
    found = conn.execute(
        "SELECT id FROM meeting WHERE meeting_date = ?", (today.isoformat(),)
    ).fetchone()
    note = None
    if found is None:
        found = conn.execute("SELECT id FROM meeting ORDER BY meeting_date DESC LIMIT 1").fetchone()
        if found is None:
            return None
    meeting = _meeting(conn.execute(_MEETING, (found[0],)).fetchone())
    if meeting.meeting_date != today:
        note = fallback_note(today, meeting.meeting_date)
    people: dict[int, list[SimpleNamespace]] = {}
    for notification_id, role, surname, dob, age in conn.execute(_PEOPLE, (meeting.id,)):
        people.setdefault(notification_id, []).append(
            SimpleNamespace(role=role, surname=surname, dob=_date(dob), age=age)
        )
    rows = []
    for r in conn.execute(_ROWS, (meeting.id,)):
        item = SimpleNamespace(
            id=r[0],
            meeting_id=r[1],
            notification_id=r[2],
            household_id=r[3],
            position=r[4],
            status=r[5],
            flags=_json(r[6]),
            started_at=_instant(r[7]),
            seconds_spent=r[8],
            version=r[9],
        )
        rows.append(
            build_row(
                item, r[10], r[11], r[12], r[13], meeting.meeting_date, r[14], people.get(r[2], [])
            )
        )
    return FirstLook(AgendaView(meeting, tuple(rows)), note, today)


def _meeting(r: Any) -> MeetingView:
    return MeetingView(
        id=r[0],
        meeting_date=_date(r[1]),
        status=r[2],
        chair_id=r[3],
        chair_name=r[4],
        opened_at=_instant(r[5]),
        closed_at=_instant(r[6]),
        confidentiality_read_at=_instant(r[7]),
        current_item_id=r[8],
        curtain_down=bool(r[9]),
        window_start=_instant(r[10]),
        window_end=_instant(r[11]),
        version=r[12],
        total_items=int(r[13] or 0),
        waiting=int(r[14] or 0),
        discussed=int(r[15] or 0),
        deferred=int(r[16] or 0),
    )


def _date(value: Any) -> Any:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _instant(value: Any) -> Any:
    """SQLite keeps UTC instants naive (see ``models.base.UTCDateTime``)."""
    if value is None:
        return None
    moment = dt.datetime.fromisoformat(value)
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
