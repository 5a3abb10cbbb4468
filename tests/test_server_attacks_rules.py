"""The server's rules for what the application lets the room do, attacked with plain psycopg
as each role (found by signing in as each person and doing their jobs): an admin's import
orders today's agenda; a closed meeting's record changes only by the chair's or an admin's
amendment; a wrongly entered attendance row is taken off; an FGC coordinator changes only
their own team's referrals; a disabled person's login reads nothing.

As in ``test_server_attacks``, each attack first shows the action allowed to whoever may
do it, then refused to the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from frontdoor_app.access import people
from frontdoor_app.context import build_context
from frontdoor_app.models.database import make_engine, make_session_factory, session_scope
from frontdoor_app.settings import load_settings
from tests import pgserver
from tests.attack_server import INSERT_ENTRY, Server, refused, rolled_back, rows, serve

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def server(
    pg_server: pgserver.PgServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    yield from serve(pg_server, tmp_path_factory)


@dataclass(frozen=True)
class Closed:
    """A case of a closed meeting, with a police entry, attendance row and sharing decision."""

    meeting_id: int
    item_id: int
    entry_id: int
    attendance_id: int
    sharing_id: int


@pytest.fixture(scope="module")
def closed(server: Server) -> Closed:
    with psycopg.connect(server.admin_url.replace("+psycopg", ""), autocommit=True) as c:
        found = c.execute(
            "SELECT m.id, a.id FROM meeting m JOIN agenda_item a ON a.meeting_id = m.id "
            "WHERE m.status = 'closed' ORDER BY m.meeting_date DESC, a.position LIMIT 1"
        ).fetchone()
        assert found is not None, "the demo city has a closed meeting"
        meeting_id, item_id = found
        police = server.agencies["POL"]
        entry = c.execute(INSERT_ENTRY + " RETURNING id", (item_id, police)).fetchone()
        attendance = c.execute(
            "INSERT INTO attendance (meeting_id, agency_id, person_name, status, version) "
            "VALUES (%s, %s, 'PC Rowe', 'present', 1) RETURNING id",
            (meeting_id, police),
        ).fetchone()
        sharing = c.execute(INSERT_SHARING + " RETURNING id", (item_id, police)).fetchone()
    assert entry and attendance and sharing
    return Closed(meeting_id, item_id, entry[0], attendance[0], sharing[0])


INSERT_SHARING = (
    "INSERT INTO sharing_decision (agenda_item_id, agency_id, shared, reason, version,"
    " created_at, updated_at) VALUES (%s, %s, true, 'safeguarding', 1, now(), now())"
)
INSERT_ACTION = (
    "INSERT INTO action (agenda_item_id, owner_agency_id, description, due_date, status,"
    " version, created_at, updated_at) VALUES (%s, %s, 'planted', current_date, 'open', 1,"
    " now(), now())"
)
INSERT_ATTENDANCE = (
    "INSERT INTO attendance (meeting_id, agency_id, person_name, status, version)"
    " VALUES (%s, %s, 'Someone', 'present', 1)"
)


def test_an_admins_import_orders_todays_agenda_and_carries_cases_forward(
    server: Server,
) -> None:
    """The import builds today's agenda ordered by risk (``intake.agenda``): an admin's
    import updates agenda items as the chair's does (it was refused: "permission denied for
    table agenda_item", and the whole import rolled back)."""
    sql = "UPDATE agenda_item SET position = position + 100 WHERE id = %s"
    for who in ("admin", "chair"):
        with server.connect(who) as c, rolled_back(c):
            assert c.execute(sql, (server.item_id,)).rowcount == 1, who
    for who in ("police", "housing", "viewer", "coordinator"):
        with server.connect(who) as c:
            refused(c, sql, server.item_id)


def test_a_closed_meetings_record_changes_only_by_the_chairs_or_an_admins_amendment(
    server: Server, closed: Closed
) -> None:
    """DOMAIN.md: "After close, changes are amendments". A representative could rewrite
    their agency's entry, attendance and sharing decision, or add to them, with plain SQL
    after the close (the application refuses, the server let it through)."""
    police = server.agencies["POL"]
    changes = [
        (INSERT_ENTRY, (closed.item_id, police)),
        ("UPDATE intelligence_entry SET text = 'rewritten' WHERE id = %s", (closed.entry_id,)),
        (INSERT_ATTENDANCE, (closed.meeting_id, police)),
        ("UPDATE attendance SET status = 'apologies' WHERE id = %s", (closed.attendance_id,)),
        (INSERT_SHARING, (closed.item_id, police)),
        ("UPDATE sharing_decision SET shared = false WHERE id = %s", (closed.sharing_id,)),
        (INSERT_ACTION, (closed.item_id, police)),
    ]
    # The same changes to an open meeting's case: the police representative may make them.
    with server.connect("police") as c, rolled_back(c):
        c.execute(INSERT_ENTRY, (server.item_id, police))
        c.execute(INSERT_ATTENDANCE, (server.meeting_id, police))
        c.execute(INSERT_SHARING, (server.item_id, police))
        c.execute(INSERT_ACTION, (server.item_id, police))
    for sql, params in changes:
        for who in ("chair", "admin"):  # an amendment (the application records why)
            with server.connect(who) as c, rolled_back(c):
                assert c.execute(sql, params).rowcount == 1, (who, sql)
        for who in ("police", "housing", "viewer", "coordinator"):
            with server.connect(who) as c:
                refused(c, sql, *params)


def test_a_closed_meetings_action_is_followed_up_but_what_it_says_is_amended_by_the_chair(
    server: Server, closed: Closed
) -> None:
    """After the close an action's agency records its follow-up (status, notes), but what
    it says (what, by when, whose, on which case) changes only by the chair's or an
    admin's amendment; a row rule cannot tell the columns apart, so a trigger does."""
    police = server.agencies["POL"]
    with psycopg.connect(server.admin_url.replace("+psycopg", ""), autocommit=True) as c:
        ids = [
            c.execute(INSERT_ACTION + " RETURNING id", (item, police)).fetchone()[0]
            for item in (server.item_id, closed.item_id)
        ]
    on_open, on_closed = ids
    follow_up = "UPDATE action SET status = 'done', status_note = 'seen' WHERE id = %s"
    says = [
        "UPDATE action SET description = 'rewritten' WHERE id = %s",
        "UPDATE action SET due_date = due_date + 30 WHERE id = %s",
        f"UPDATE action SET owner_agency_id = {server.agencies['HSG']} WHERE id = %s",
        f"UPDATE action SET agenda_item_id = {server.item_id} WHERE id = %s",
    ]
    with server.connect("police") as c:
        for sql in (follow_up, *says[:2]):  # the open meeting's: theirs to change
            with rolled_back(c):
                assert c.execute(sql, (on_open,)).rowcount == 1, sql
        with rolled_back(c):  # the closed meeting's: followed up
            assert c.execute(follow_up, (on_closed,)).rowcount == 1
        for sql in says:
            refused(c, sql, on_closed)
    for who in ("chair", "admin"):  # an amendment
        with server.connect(who) as c:
            for sql in says:
                with rolled_back(c):
                    assert c.execute(sql, (on_closed,)).rowcount == 1, (who, sql)
    for who in ("housing", "viewer", "coordinator"):
        with server.connect(who) as c:
            refused(c, follow_up, on_closed)
            refused(c, says[0], on_closed)


def test_a_wrongly_entered_attendance_row_is_taken_off_by_its_agency_or_the_chair(
    server: Server, closed: Closed
) -> None:
    """``lifecycle.remove_attendance`` (the server granted no DELETE on attendance)."""
    with psycopg.connect(server.admin_url.replace("+psycopg", ""), autocommit=True) as c:
        row = c.execute(
            INSERT_ATTENDANCE + " RETURNING id", (server.meeting_id, server.agencies["POL"])
        ).fetchone()
    assert row is not None
    sql = "DELETE FROM attendance WHERE id = %s"
    for who in ("police", "chair", "admin"):
        with server.connect(who) as c, rolled_back(c):
            assert c.execute(sql, (row[0],)).rowcount == 1, who
    for who in ("housing", "viewer", "coordinator"):
        with server.connect(who) as c:
            refused(c, sql, row[0])
    with server.connect("police") as c:  # after the close, an amendment
        refused(c, sql, closed.attendance_id)
    with server.connect("chair") as c, rolled_back(c):
        assert c.execute(sql, (closed.attendance_id,)).rowcount == 1


def test_the_police_are_marked_here_by_themselves_or_the_chair_or_an_admin(
    server: Server,
) -> None:
    """Recording who is here (``lifecycle.add_attendance``, and the attendance dialog's
    "usually here" list, which adds a row each): on the open meeting, a representative for
    their own agency, the chair and an admin; anyone else is refused by the server."""
    sql = (
        "INSERT INTO attendance (meeting_id, agency_id, person_name, status, version)"
        " VALUES (%s, %s, %s, 'present', 1)"
    )
    police = server.agencies["POL"]
    for who in ("police", "chair", "admin"):
        with server.connect(who) as c, rolled_back(c):
            added = c.execute(sql, (server.meeting_id, police, f"Usual, marked by {who}"))
            assert added.rowcount == 1, who
    for who in ("housing", "viewer", "coordinator"):
        with server.connect(who) as c:
            refused(c, sql, server.meeting_id, police, f"Usual, marked by {who}")


def _referrals(server: Server) -> tuple[int, int]:
    """A referral with the coordinator's team, and one with another team (set up so)."""
    with psycopg.connect(server.admin_url.replace("+psycopg", ""), autocommit=True) as c:
        team = c.execute(
            "SELECT fgc_team_id FROM app_user WHERE login = %s", (server.logins["coordinator"],)
        ).fetchone()
        other = c.execute(
            "SELECT id FROM fgc_team WHERE id <> %s ORDER BY id LIMIT 1", (team[0],)
        ).fetchone()
        found = [r[0] for r in c.execute("SELECT id FROM fgc_referral ORDER BY id LIMIT 2")]
        assert len(found) == 2 and other is not None, "the demo city has two referrals, two teams"
        c.execute("UPDATE fgc_referral SET team_id = %s WHERE id = %s", (team[0], found[0]))
        c.execute("UPDATE fgc_referral SET team_id = %s WHERE id = %s", (other[0], found[1]))
    return found[0], found[1]


def test_an_fgc_coordinator_changes_only_their_own_teams_referrals(server: Server) -> None:
    """``fgc.roles.may``: "the FGC coordinator of the referral's team"; the server let a
    coordinator of another team change a referral and its steps."""
    ours, theirs = _referrals(server)
    referral = "UPDATE fgc_referral SET updated_at = now() WHERE id = %s"
    step = (
        "INSERT INTO fgc_stage_event (referral_id, from_stage, to_stage, at, by_name, reason)"
        " SELECT id, stage, stage, now(), 'x', 'attack' FROM fgc_referral WHERE id = %s"
    )
    with server.connect("coordinator") as c, rolled_back(c):
        assert c.execute(referral, (ours,)).rowcount == 1
        assert c.execute(step, (ours,)).rowcount == 1
        assert (
            c.execute("UPDATE fgc_referral SET team_id = team_id WHERE id = %s", (ours,)).rowcount
            == 1
        )
    for who in ("chair", "admin"):
        with server.connect(who) as c, rolled_back(c):
            assert c.execute(referral, (theirs,)).rowcount == 1, who
            assert c.execute(step, (theirs,)).rowcount == 1, who
    with server.connect("coordinator") as c:
        refused(c, referral, theirs)
        refused(c, step, theirs)
        # nor hand their own team's referral to another team
        refused(
            c,
            "UPDATE fgc_referral SET team_id = (SELECT team_id FROM fgc_referral WHERE id = %s)"
            " WHERE id = %s",
            theirs,
            ours,
        )
    for who in ("police", "viewer"):
        with server.connect(who) as c:
            refused(c, referral, ours)
            refused(c, step, ours)


def _housing_rep(server: Server, suffix: str, name: str) -> str:
    """A housing representative with a login of their own, added by the server's
    administrator: their login."""
    login = server.logins["housing"] + suffix
    engine = make_engine(server.admin_url)
    try:
        with session_scope(make_session_factory(engine)) as s:
            people.add_user(s, login, name, "representative", "HSG", "correct horse battery")
    finally:
        engine.dispose()
    return login


def test_a_person_disabled_by_an_admin_reads_nothing_while_their_login_stays(
    server: Server,
) -> None:
    """An admin signed in as themselves cannot take a server login away (only the server's
    administrator can): disabling from the People screen was refused outright ("permission
    denied to alter role") and nothing was disabled. Now the person is disabled, and every
    row rule asks for an active user, so the login that stays reads and writes nothing."""
    login = _housing_rep(server, ".x", "Leaving")
    admin = build_context(load_settings(database_url=server.url_for("admin")))
    try:
        with server.connect(login) as c:  # before: they read the room
            assert rows(c, "SELECT count(*) FROM meeting")[0][0] > 0
        done = people.disable_person(admin.sessions, admin.actor, login)
        assert done == people.Disabled(0, login_taken=False)
        # One of the demo's people, made without a login: disabled, with none to take.
        with psycopg.connect(server.admin_url.replace("+psycopg", ""), autocommit=True) as c:
            found = c.execute(
                "SELECT u.login FROM app_user u WHERE u.active AND NOT EXISTS "
                "(SELECT 1 FROM pg_roles r WHERE r.rolname = u.login) ORDER BY u.login LIMIT 1"
            ).fetchone()
        assert found is not None
        assert people.disable_person(admin.sessions, admin.actor, found[0]) == people.Disabled()
    finally:
        admin.close()
    with server.connect(login) as c:
        for table in ("meeting", "agenda_item", "intelligence_entry", "household", "person"):
            assert rows(c, f"SELECT count(*) FROM {table}") == [(0,)], table
        refused(c, INSERT_ENTRY, server.item_id, server.agencies["HSG"])
    with server.connect("housing") as c:  # an active colleague still reads the room
        assert rows(c, "SELECT count(*) FROM meeting")[0][0] > 0


def test_an_admin_gives_access_back_and_nobody_else_can(server: Server) -> None:
    """The People screen's "Give access back": an admin signed in as themselves makes a
    person they disabled active again, and the person reads the room again. The server
    refuses every other role the same change, and a login its administrator took stays
    closed (only they can open it: ``frontdoor users enable``)."""
    login = _housing_rep(server, ".back", "On leave")
    admin = build_context(load_settings(database_url=server.url_for("admin")))
    try:
        people.disable_person(admin.sessions, admin.actor, login)
        with server.connect(login) as c:
            assert rows(c, "SELECT count(*) FROM meeting") == [(0,)]
        give_back = "UPDATE app_user SET active = true WHERE login = %s"
        for who in ("chair", "housing", "police", "viewer", "coordinator"):
            with server.connect(who) as c:
                refused(c, give_back, login)
        assert people.enable_person(admin.sessions, admin.actor, login) == people.Enabled()
        with server.connect(login) as c:
            assert rows(c, "SELECT count(*) FROM meeting")[0][0] > 0
        # "gone" had their login taken by the server's administrator: active again, but the
        # admin cannot open the login, and is told so.
        assert people.enable_person(admin.sessions, admin.actor, server.logins["gone"]) == (
            people.Enabled(login_given=False)
        )
        with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
            server.connect("gone")
        people.disable_person(admin.sessions, admin.actor, server.logins["gone"])  # as it was
    finally:
        admin.close()
