"""The first-paint agenda read (stdlib sqlite3) gives exactly what the ORM read gives."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from frontdoor_app import cipher
from frontdoor_app.access.users import find_actor
from frontdoor_app.context import AppContext, build_context
from frontdoor_app.meeting import agenda, decisions, lifecycle
from frontdoor_app.meeting.first_look import read_first_look, read_first_rest, sqlite_path
from frontdoor_app.profile import Profile
from frontdoor_app.schema_head import head_revision
from frontdoor_app.settings import Settings
from frontdoor_app.ui.meeting import room_reads
from tests.ui_support import TODAY


def _orm_view(ctx: AppContext, day: dt.date) -> room_reads.RoomData:
    with ctx.read_session() as s:
        return room_reads.load_start(s, ctx.profile, day).room


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_first_look_is_the_agenda_the_window_loads(chair_ctx: AppContext) -> None:
    url = chair_ctx.settings.database_url
    room = _orm_view(chair_ctx, TODAY)
    look = read_first_look(url, TODAY)
    assert look is not None and room.agenda is not None
    assert len(look.agenda.rows) > 5
    assert look.agenda == room.agenda
    assert look.note is None and room.note is None


def test_it_follows_the_meeting_as_the_chair_runs_it(chair_ctx: AppContext) -> None:
    ctx, url = chair_ctx, chair_ctx.settings.database_url
    room = _orm_view(ctx, TODAY)
    assert room.meeting is not None and room.agenda is not None
    meeting = lifecycle.open_meeting(ctx.sessions, ctx.actor, room.meeting.id, room.meeting.version)
    first, second, third = (r.item_id for r in room.agenda.rows[:3])
    agenda.set_current(ctx.sessions, ctx.actor, meeting.id, first)
    decisions.save_decision(ctx.sessions, ctx.actor, ctx.profile, first, ["IDVA"], "high", None)
    agenda.set_current(ctx.sessions, ctx.actor, meeting.id, second)
    deferred = next(r for r in _orm_view(ctx, TODAY).agenda.rows if r.item_id == third)  # type: ignore[union-attr]
    agenda.defer_item(ctx.sessions, ctx.actor, third, deferred.version)
    after = _orm_view(ctx, TODAY)
    look = read_first_look(url, TODAY)
    assert look is not None and after.agenda is not None
    rows = {r.item_id: r for r in look.agenda.rows}
    assert rows[first].agreed_risk == "high" and rows[first].has_decision
    assert rows[second].status == "current" and rows[second].started_at is not None
    assert rows[third].status == "deferred"
    assert look.agenda.meeting.chair_name and look.agenda.meeting.opened_at is not None
    assert look.agenda == after.agenda


def test_without_a_meeting_today_it_shows_the_latest_and_says_so(chair_ctx: AppContext) -> None:
    later = TODAY + dt.timedelta(days=1)
    room = _orm_view(chair_ctx, later)
    look = read_first_look(chair_ctx.settings.database_url, later)
    assert look is not None and room.note is not None
    assert look.note == room.note
    assert "No meeting for Tuesday 24 November 2026" in look.note
    assert look.agenda == room.agenda


def test_it_never_writes_and_never_creates_a_file(demo_db: str, tmp_path: Path) -> None:
    path = sqlite_path(demo_db)
    assert path is not None
    before = _digest(path)
    assert read_first_look(demo_db, TODAY) is not None
    assert _digest(path) == before
    missing = tmp_path / "nowhere" / "none.sqlite"
    assert read_first_look(f"sqlite:///{missing}", TODAY) is None
    assert not missing.exists() and not missing.parent.exists()


def test_it_gives_way_to_the_full_start_when_unsure(
    demo_db: str, tmp_path: Path, fresh_settings: Settings, profile: Profile
) -> None:
    # Not the embedded kind of database: PostgreSQL, SQLite in memory or with options.
    assert read_first_look("postgresql://u@localhost/frontdoor", TODAY) is None
    assert read_first_look("sqlite://", TODAY) is None
    assert read_first_look(f"{demo_db}?timeout=5", TODAY) is None
    # A file that is not a database.
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database", encoding="utf-8")
    assert read_first_look(f"sqlite:///{junk}", TODAY) is None
    # A database at the newest schema with no meeting in it yet.
    empty = tmp_path / "empty.sqlite"
    build_context(fresh_settings.with_database(f"sqlite:///{empty}"), profile).close()
    assert read_first_look(f"sqlite:///{empty}", TODAY) is None
    # A schema older than this code: the full start-up migrates it first.
    path = sqlite_path(demo_db)
    assert path is not None
    with cipher.opened(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
        conn.commit()
    assert read_first_look(demo_db, TODAY) is None
    # The file's key missing from the keyring: the full start-up explains (never a prompt).
    with cipher.opened(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (head_revision(),))
        conn.commit()
    assert read_first_look(demo_db, TODAY) is not None
    cipher.forget_key()
    assert read_first_look(demo_db, TODAY) is None


def test_the_rest_of_the_start_is_what_the_window_loads(chair_ctx: AppContext) -> None:
    # The main window is built from the first look and this, before the database layer
    # loads (ui.shell.app): each part equals what load_start and the sign-in read.
    ctx, url = chair_ctx, chair_ctx.settings.database_url
    with ctx.read_session() as s:
        start = room_reads.load_start(s, ctx.profile, TODAY)
        agencies = {a.code: a for a in lifecycle.agencies(s)}
    meeting = start.room.meeting
    assert meeting is not None
    # Someone present, so the header's count is not just zero.
    lifecycle.add_attendance(
        ctx.sessions, ctx.actor, meeting.id, agencies["HV"].id, "Ravi Rao", "present"
    )
    with ctx.read_session() as s:
        start = room_reads.load_start(s, ctx.profile, TODAY)
        signed_in = find_actor(s, "test.chair")
        rep = find_actor(s, "demo.hv")
    rest = read_first_rest(url, meeting.id, "test.chair")
    assert rest is not None and signed_in is not None and rep is not None
    assert start.room.attendance is not None and start.room.attendance.present_agencies == 1
    assert rest.attendance == start.room.attendance
    assert start.room.open_actions > 0 and rest.open_actions == start.room.open_actions
    assert len(start.agencies) > 5 and rest.agencies == start.agencies
    assert len(start.outcomes) > 5 and rest.outcomes == start.outcomes
    assert rest.actor == signed_in == ctx.actor
    # A representative: their agency is part of who they are.
    by_rep = read_first_rest(url, meeting.id, "demo.hv")
    assert by_rep is not None and by_rep.actor == rep and rep.agency_code == "HV"


def test_the_rest_gives_way_for_an_unknown_user_or_an_unfinished_demo(
    chair_ctx: AppContext,
) -> None:
    from frontdoor_app.access.people import disable_user
    from frontdoor_app.demo.marks import BUILT, STARTED

    ctx, url = chair_ctx, chair_ctx.settings.database_url
    look = read_first_look(url, TODAY)
    assert look is not None
    meeting_id = look.agenda.meeting.id
    assert read_first_rest(url, meeting_id, "test.chair") is not None
    assert read_first_rest(url, meeting_id, "nobody.here") is None
    assert read_first_rest(url, meeting_id, "demo.hv") is not None
    with ctx.session() as s:
        disable_user(s, "demo.hv", ctx.actor)
    assert read_first_rest(url, meeting_id, "demo.hv") is None
    assert read_first_rest("postgresql://u@localhost/frontdoor", meeting_id, "test.chair") is None
    # A first run's demo that was interrupted (its mark of being built never written; the
    # trail is append-only, so this copy's guard is taken off to make one): the full start
    # sets the file aside and builds the demo again, so the window waits for it.
    path = sqlite_path(url)
    assert path is not None
    ctx.close()
    with cipher.opened(path) as conn:
        assert conn.execute("SELECT count(*) FROM audit_event WHERE action = ?", (STARTED,))
        conn.execute("DROP TRIGGER audit_event_no_delete")
        conn.execute("DELETE FROM audit_event WHERE action = ?", (BUILT,))
        conn.commit()
    assert read_first_look(url, TODAY) is not None
    assert read_first_rest(url, meeting_id, "test.chair") is None


def test_sqlite_paths_from_urls() -> None:
    assert sqlite_path("sqlite:////var/lib/fd.sqlite") == Path("/var/lib/fd.sqlite")
    assert sqlite_path("sqlite:///relative.sqlite") == Path("relative.sqlite")
    assert sqlite_path("sqlite+pysqlite:////tmp/x.sqlite") == Path("/tmp/x.sqlite")
    assert sqlite_path("sqlite:///:memory:") is None
    assert sqlite_path("postgresql+psycopg://h/db") is None
