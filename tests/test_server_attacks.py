"""The server enforces who sees and does what: attacks with plain psycopg, as each role.

Someone with a stolen password and ``psql`` connects straight to the server, bypassing the
application. Every attack first shows the same action succeeding for the role that may do
it (so no test passes because everything fails), then shows the server refusing the others
(an error, or no rows).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import psycopg
import pytest

from frontdoor_app.access.server_rules import OWNER
from frontdoor_app.cli import main
from frontdoor_app.context import build_context
from frontdoor_app.meeting.entries import add_entry
from frontdoor_app.settings import load_settings
from tests import pgserver
from tests.attack_server import (
    INSERT_ENTRY,
    SECRET,
    Denied,
    Server,
    refused,
    rolled_back,
    rows,
    serve,
)

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def server(
    pg_server: pgserver.PgServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    yield from serve(pg_server, tmp_path_factory)


# --- reading ------------------------------------------------------------------------------


def test_restricted_entry_is_read_only_by_its_agency_and_the_chair(server: Server) -> None:
    sql = "SELECT text FROM intelligence_entry WHERE id = %s"
    for who in ("police", "chair", "admin"):
        with server.connect(who) as c:
            assert rows(c, sql, server.police_secret_id) == [(SECRET,)], who
    for who in ("housing", "viewer"):
        with server.connect(who) as c:
            assert rows(c, sql, server.police_secret_id) == [], who
            assert rows(
                c, "SELECT count(*) FROM intelligence_entry WHERE text LIKE '%%firearm%%'"
            ) == [(0,)]
            # The unrestricted entry of the same agency is there for everyone in the room.
            assert rows(c, sql, server.police_entry_id) != []


def test_drafts_are_their_owners_only(server: Server) -> None:
    sql = "SELECT content FROM draft WHERE id = %s"
    with server.connect("police") as c:
        assert rows(c, sql, server.police_draft_id)
    for who in ("housing", "chair", "admin", "viewer"):
        with server.connect(who) as c:
            assert rows(c, sql, server.police_draft_id) == [], who
            refused(c, "UPDATE draft SET content = '{}' WHERE id = %s", server.police_draft_id)
            refused(c, "DELETE FROM draft WHERE id = %s", server.police_draft_id)


def test_the_audit_trail_is_read_by_admins_only(server: Server) -> None:
    with server.connect("admin") as c:
        assert rows(c, "SELECT count(*) FROM audit_event")[0][0] > 0
    for who in ("police", "chair", "viewer"):
        with server.connect(who) as c:
            refused(c, "SELECT 1 FROM audit_event LIMIT 1")


# --- writing for others ---------------------------------------------------------------------


def test_an_entry_is_written_only_for_the_writers_agency(server: Server) -> None:
    with server.connect("police") as c, rolled_back(c):
        c.execute(INSERT_ENTRY, (server.item_id, server.agencies["POL"]))
    # The chair and admins record what an absent agency sent in, for that agency.
    for who in ("chair", "admin"):
        with server.connect(who) as c, rolled_back(c):
            c.execute(INSERT_ENTRY, (server.item_id, server.agencies["POL"]))
    with server.connect("housing") as c:
        refused(c, INSERT_ENTRY, server.item_id, server.agencies["POL"])
    with server.connect("viewer") as c:
        refused(c, INSERT_ENTRY, server.item_id, server.agencies["HSG"])


def test_a_restricted_entry_cannot_be_restricted_to_another_agency(server: Server) -> None:
    sql = INSERT_ENTRY.replace(
        "may_share_beyond_meeting,", "may_share_beyond_meeting, restricted_to_agency_id,"
    ).replace("false,", "false, %s,")
    with server.connect("police") as c, rolled_back(c):
        c.execute(sql, (server.item_id, server.agencies["POL"], server.agencies["POL"]))
    with server.connect("police") as c:
        refused(c, sql, server.item_id, server.agencies["POL"], server.agencies["HSG"])


def test_an_agencys_entry_is_changed_by_that_agency_and_the_chair_and_deleted_by_nobody(
    server: Server,
) -> None:
    """The entry's own agency corrects it, and so may the chair and admins (what an absent
    agency sent in, and amendments after the close: ``entries._may_edit``, ``Writer``);
    another agency, a viewer and an FGC coordinator may not; nobody deletes an entry."""
    sql = "UPDATE intelligence_entry SET text = 'edited' WHERE id = %s"
    for who in ("police", "chair", "admin"):
        with server.connect(who) as c, rolled_back(c):
            assert c.execute(sql, (server.police_entry_id,)).rowcount == 1, who
    for who in ("housing", "viewer", "coordinator"):
        with server.connect(who) as c:
            refused(c, sql, server.police_entry_id)
    for who in ("police", "housing", "chair", "admin", "viewer", "coordinator"):
        with server.connect(who) as c:
            refused(c, "DELETE FROM intelligence_entry WHERE id = %s", server.police_entry_id)


# --- the chair's business ------------------------------------------------------------------


def test_decision_current_case_agenda_and_meeting_are_the_chairs(server: Server) -> None:
    statements = [
        (
            "UPDATE meeting SET current_item_id = %s WHERE id = %s",
            (server.item_id, server.meeting_id),
        ),
        (
            "UPDATE meeting SET status = 'closed', closed_at = now() WHERE id = %s",
            (server.meeting_id,),
        ),
        ("UPDATE agenda_item SET position = position + 100 WHERE id = %s", (server.item_id,)),
        (
            "INSERT INTO decision (agenda_item_id, agreed_risk, professional_judgement_marac, "
            "decided_at, version, created_at, updated_at) VALUES (%s, 'high', false, now(), 1, "
            "now(), now())",
            (server.item_id,),
        ),
    ]
    for sql, params in statements:
        with server.connect("chair") as c, rolled_back(c):
            assert c.execute(sql, params).rowcount == 1, sql
        for who in ("police", "housing", "viewer"):
            with server.connect(who) as c:
                refused(c, sql, *params)


# --- the trail and the change log ------------------------------------------------------------

INSERT_AUDIT = (
    "INSERT INTO audit_event (at, user_login, action, entity) VALUES (now(), %s, 'view', 'case')"
)


@pytest.mark.parametrize("who", ["police", "chair", "admin"])
def test_audit_trail_is_insert_only_for_every_role(server: Server, who: str) -> None:
    with server.connect(who) as c:
        with rolled_back(c):
            c.execute(INSERT_AUDIT, (server.logins[who],))
        refused(c, INSERT_AUDIT, "somebody.else")  # nobody writes under another's name
        refused(c, "UPDATE audit_event SET detail = 'rewritten'")
        refused(c, "DELETE FROM audit_event")
        refused(c, "TRUNCATE audit_event")


def test_a_viewer_adds_nothing_to_the_change_log_nor_reads_a_sequence(server: Server) -> None:
    sql = "INSERT INTO change_log (table_name, operation, at) VALUES ('x', 'update', now())"
    with server.connect("police") as c, rolled_back(c):
        c.execute(sql)
    with server.connect("viewer") as c:
        assert rows(c, "SELECT count(*) FROM change_log")[0][0] > 0  # reads the doorbell log
        refused(c, sql)
        refused(c, "SELECT last_value FROM intelligence_entry_id_seq")


@pytest.mark.parametrize("who", ["police", "chair", "admin"])
def test_change_log_is_insert_and_select_only(server: Server, who: str) -> None:
    with server.connect(who) as c:
        assert rows(c, "SELECT count(*) FROM change_log")[0][0] > 0
        with rolled_back(c):
            c.execute(
                "INSERT INTO change_log (table_name, operation, at) VALUES ('x', 'update', now())"
            )
        refused(c, "UPDATE change_log SET table_name = 'x'")
        refused(c, "DELETE FROM change_log")
        refused(c, "TRUNCATE change_log")


# --- the schema, roles and grants -----------------------------------------------------------


def test_triggers_tables_roles_and_grants_are_the_administrators(server: Server) -> None:
    ddl = [
        "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only",
        "ALTER TABLE intelligence_entry ADD COLUMN leaked text",
        "ALTER TABLE intelligence_entry DISABLE ROW LEVEL SECURITY",
        "DROP TABLE draft",
        "CREATE TABLE loot AS SELECT * FROM person",
        "DROP POLICY fd_select ON intelligence_entry",
        "CREATE ROLE intruder LOGIN",
    ]
    with server.connect("postgres") as c:  # the administrator, as the owner
        for sql in ddl:
            with rolled_back(c):
                c.execute(f"SET LOCAL ROLE {OWNER}" if "ROLE intruder" not in sql else "SELECT 1")
                c.execute(sql)
    for who in ("admin", "chair", "police", "viewer"):
        with server.connect(who) as c:
            for sql in ddl:
                refused(c, sql)


def test_nobody_grants_or_takes_a_role(server: Server) -> None:
    police = server.logins["police"]
    with server.connect("postgres") as c, rolled_back(c):
        c.execute(f'GRANT frontdoor_chair TO "{police}"')
    for who in ("admin", "chair", "police"):
        with server.connect(who) as c:
            refused(c, f'GRANT frontdoor_chair TO "{police}"')
            refused(c, f'GRANT {OWNER} TO "{server.logins[who]}"')
            # Granting what one holds without GRANT OPTION is only a warning: nothing changes.
            with contextlib.suppress(*Denied):
                c.execute(f'GRANT SELECT ON audit_event TO "{police}"')
                c.execute(f'GRANT INSERT ON decision TO "{police}"')
    with server.connect("police") as c:
        assert rows(
            c,
            "SELECT has_table_privilege('audit_event', 'SELECT'), "
            "has_table_privilege('decision', 'INSERT'), "
            "pg_has_role('frontdoor_chair', 'MEMBER')",
        ) == [(False, False, False)]


def test_set_role_and_session_authorization_give_nothing(server: Server) -> None:
    with server.connect("housing") as c:
        c.execute("SET ROLE frontdoor_representative")  # its own group: allowed, and no wider
        assert rows(
            c, "SELECT count(*) FROM intelligence_entry WHERE id = %s", server.police_secret_id
        ) == [(0,)]
        for target in (
            "frontdoor_chair",
            "frontdoor_admin",
            OWNER,
            server.logins["police"],
            server.logins["chair"],
            "postgres",
        ):
            refused(c, f'SET ROLE "{target}"')
            refused(c, f'SET SESSION AUTHORIZATION "{target}"')


def test_set_config_is_no_identity(server: Server) -> None:
    police = server.logins["police"]
    with server.connect("housing") as c:
        for name in ("frontdoor.user", "app.user", "request.jwt.claim.sub", "application_name"):
            c.execute("SELECT set_config(%s, %s, false)", (name, police))
        assert rows(
            c, "SELECT count(*) FROM intelligence_entry WHERE id = %s", server.police_secret_id
        ) == [(0,)]
        assert rows(c, "SELECT fd_role(), fd_agency()") == [
            ("representative", server.agencies["HSG"])
        ]
        refused(c, "SELECT set_config('session_authorization', %s, false)", police)
        refused(c, "SELECT set_config('role', 'frontdoor_chair', false)")


def test_no_function_answers_for_another_user(server: Server) -> None:
    police = server.logins["police"]
    with server.connect("housing") as c:
        for fn in ("fd_uid", "fd_role", "fd_agency"):
            refused(c, f"SELECT {fn}(%s)", police)
        # Three SECURITY DEFINER functions only, none giving a row of the trail: the audit
        # chain's newest hash (a representative needs it to link an audit row of their
        # own), the hash as a meeting closed (printed on its final minutes), and when each
        # meeting's final minutes were first issued (a measure everyone sees); the trail
        # itself stays unreadable to them.
        assert rows(
            c,
            "SELECT proname, pronargs FROM pg_proc p JOIN pg_namespace n ON"
            " n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.prosecdef"
            " ORDER BY proname",
        ) == [("fd_audit_head", 0), ("fd_meeting_closed_hash", 1), ("fd_minutes_issued", 0)]
        closed = rows(c, "SELECT fd_meeting_closed_hash(%s)", server.meeting_id)[0][0]
        assert closed is None or (isinstance(closed, str) and len(closed) == 64)
        refused(c, "SELECT * FROM fd_minutes_issued(%s)", police)
        issued = c.execute("SELECT * FROM fd_minutes_issued()")
        assert [d.name for d in issued.description] == ["meeting_id", "issued_at"]
        refused(c, "SELECT fd_audit_head(%s)", police)
        head = rows(c, "SELECT fd_audit_head()")[0][0]
        assert isinstance(head, str) and len(head) == 64 and police not in head
        refused(c, "SELECT count(*) FROM audit_event")  # still not the trail


def _audit_row(login: str) -> str:
    import json

    return json.dumps(
        [
            {
                "at": "2026-12-04T09:00:00+00:00",
                "user_id": None,
                "user_login": login,
                "action": "view",
                "entity": "meeting",
                "entity_id": None,
                "before": None,
                "after": None,
                "detail": "attack test",
                "content_hash": "0" * 64,
            }
        ]
    )


@pytest.mark.parametrize("who", ["police", "housing", "chair", "viewer", "admin"])
def test_fd_audit_append_writes_in_the_callers_own_name_only(server: Server, who: str) -> None:
    """The chain's append function runs as the caller: the trail's row rules apply to it."""
    other = server.logins["chair" if who == "admin" else "admin"]
    with server.connect(who) as c:
        with rolled_back(c):  # allowed: a row in their own name
            c.execute("SELECT fd_audit_append(%s::json)", (_audit_row(server.logins[who]),))
        refused(c, "SELECT fd_audit_append(%s::json)", _audit_row(other))
        refused(c, "SELECT fd_audit_append(%s::json)", _audit_row("someone.else"))


# --- reference lists, users, intake ------------------------------------------------------------


def test_reference_lists_and_users_are_changed_by_admins_only(server: Server) -> None:
    housing = server.logins["housing"]
    changes = [
        ("UPDATE agency SET active = false WHERE code = 'POL'", ()),
        (
            "UPDATE outcome_code SET label = 'renamed' WHERE id = (SELECT min(id) FROM outcome_code)",
            (),
        ),
        ("UPDATE app_user SET role = 'chair' WHERE login = %s", (housing,)),
    ]
    for sql, params in changes:
        with server.connect("admin") as c, rolled_back(c):
            assert c.execute(sql, params).rowcount == 1, sql
        for who in ("chair", "housing", "viewer"):
            with server.connect(who) as c:
                refused(c, sql, *params)


def test_imports_quarantine_and_person_links_are_admins_and_the_chairs(server: Server) -> None:
    sql = "UPDATE notification SET narrative = 'tampered' WHERE id = (SELECT min(id) FROM notification)"
    with server.connect("admin") as c, rolled_back(c):
        assert c.execute(sql).rowcount == 1
    for who in ("police", "viewer"):
        with server.connect(who) as c:
            refused(c, sql)
            refused(c, "DELETE FROM person_link")
            refused(c, "UPDATE quarantined_record SET status = 'resolved'")


def _new_person(extra: str = "", value: str = "") -> str:
    """INSERT of a person with what every person row needs (``extra``: one more column,
    ``value``: the SQL giving it)."""
    columns = (
        "surname, forenames, surname_key, surname_phonetic, forename_key, forename_initial, "
        "birth_year_estimated, version, created_at, updated_at"
    )
    values = "'Nowak', 'Ewa', 'nowak', 'N200', 'ewa', 'e', false, 1, now(), now()"
    if extra:
        return f"INSERT INTO person ({columns}, {extra}) SELECT {values}, {value}"
    return f"INSERT INTO person ({columns}) VALUES ({values})"


def test_an_fgc_coordinator_adds_a_new_person_to_invite_and_nothing_else(server: Server) -> None:
    """Inviting someone not known yet makes a person (``person_for_invitee``): the team's
    coordinator may add one, never one from the police feed nor a merge, and may not change
    or remove anyone; representatives and viewers add no one."""
    for who in ("coordinator", "chair", "admin"):
        with server.connect(who) as c, rolled_back(c):
            assert c.execute(_new_person()).rowcount == 1, who
    for who in ("housing", "police", "viewer"):
        with server.connect(who) as c:
            refused(c, _new_person())
    with server.connect("coordinator") as c:
        refused(
            c,
            _new_person("created_from_notification_id", "(SELECT min(id) FROM notification)"),
        )
        refused(c, _new_person("merged_into_id", "(SELECT min(id) FROM person)"))
        refused(c, "UPDATE person SET surname = 'tampered' WHERE id = (SELECT min(id) FROM person)")
        refused(c, "DELETE FROM person WHERE id = (SELECT max(id) FROM person)")


def test_a_viewer_writes_nothing(server: Server) -> None:
    sql = (
        "INSERT INTO draft (user_login, agenda_item_id, kind, content, saved_at, version) "
        "VALUES (session_user, %s, 'intelligence', '{}', now(), 1)"
    )
    with server.connect("housing") as c, rolled_back(c):
        c.execute(sql, (server.item_id,))
    with server.connect("viewer") as c:
        refused(c, sql, server.item_id)


def test_a_disabled_user_cannot_connect_and_an_unknown_login_is_refused(server: Server) -> None:
    with server.connect("housing"):
        pass
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        server.connect("gone")
    settings = load_settings(database_url=server.admin_url)  # postgres: no app_user row
    from frontdoor_app.access.actor import SignInError

    with pytest.raises(SignInError, match="is not a user of the front door"):
        build_context(settings)


def test_notify_carries_no_name_and_no_case_text(server: Server) -> None:
    """LISTEN ignores RLS: the housing rep hears every doorbell, which must say nothing."""
    with server.connect("housing") as listener:
        listener.execute("LISTEN frontdoor_changes")
        police = build_context(load_settings(database_url=server.url_for("police")))
        try:
            add_entry(
                police.sessions,
                police.actor,
                server.item_id,
                server.agencies["POL"],
                "Victim's new address is 9 Birch Road, LS9 7AB",
                restricted_to_agency_id=server.agencies["POL"],
            )
        finally:
            police.close()
        payloads = []
        for note in listener.notifies(timeout=2, stop_after=10):
            payloads.append(note.payload)
        assert payloads, "the doorbell rang"
        for payload in payloads:
            # A table name and an opaque row id, nothing else.
            assert re.fullmatch(r"[a-z_]+:[0-9]*", payload), payload
            assert "Birch" not in payload and "LS9" not in payload


# --- the check ---------------------------------------------------------------------------------


def test_server_check_passes_and_names_a_grant_too_many(server: Server, capsys) -> None:
    assert main(["--database", server.admin_url, "server", "check"]) == 0
    out = capsys.readouterr().out
    assert "intelligence_entry" in out and "RLS forced" in out and "server check passed" in out
    with server.connect("postgres") as c:
        c.execute("GRANT UPDATE ON audit_event TO frontdoor_representative")
        try:
            assert main(["--database", server.admin_url, "server", "check"]) == 1
            out = capsys.readouterr().out
            assert "PROBLEM: frontdoor_representative can UPDATE audit_event" in out
        finally:
            c.execute("REVOKE UPDATE ON audit_event FROM frontdoor_representative")
        c.execute("ALTER TABLE intelligence_entry NO FORCE ROW LEVEL SECURITY")
        try:
            assert main(["--database", server.admin_url, "server", "check"]) == 1
            assert "intelligence_entry does not force row-level security" in capsys.readouterr().out
        finally:
            c.execute("ALTER TABLE intelligence_entry FORCE ROW LEVEL SECURITY")
        c.execute(
            "UPDATE app_user SET role = 'chair' WHERE login = %s", (server.logins["housing"],)
        )
        try:
            assert main(["--database", server.admin_url, "server", "check"]) == 1
            assert (
                f"user {server.logins['housing']} is a chair in app_user but not a member of "
                "frontdoor_chair" in capsys.readouterr().out
            )
        finally:
            c.execute(
                "UPDATE app_user SET role = 'representative' WHERE login = %s",
                (server.logins["housing"],),
            )
        c.execute(f'ALTER ROLE "{server.logins["admin"]}" BYPASSRLS')
        try:
            assert main(["--database", server.admin_url, "server", "check"]) == 1
            assert "bypasses row-level security" in capsys.readouterr().out
        finally:
            c.execute(f'ALTER ROLE "{server.logins["admin"]}" NOBYPASSRLS')


def test_a_client_on_an_older_server_is_told_to_ask_for_an_upgrade(server: Server) -> None:
    from frontdoor_app.access.actor import SignInError

    with server.connect("postgres") as c:
        (revision,) = rows(c, "SELECT version_num FROM alembic_version")[0]
        c.execute("UPDATE alembic_version SET version_num = '0003_old'")
        try:
            with pytest.raises(
                SignInError,
                match=r"server is at revision 0003_old, this "
                r"application expects .*frontdoor server upgrade",
            ):
                build_context(load_settings(database_url=server.url_for("housing")))
        finally:
            c.execute("UPDATE alembic_version SET version_num = %s", (revision,))


def test_passwords_are_stored_as_scram_verifiers(server: Server) -> None:
    with server.connect("postgres") as c:
        (stored,) = rows(
            c, "SELECT rolpassword FROM pg_authid WHERE rolname = %s", server.logins["police"]
        )[0]
    assert stored.startswith("SCRAM-SHA-256$4096:")
    assert "horse" not in stored


def test_a_representatives_minutes_are_what_the_server_lets_them_read(
    server: Server, tmp_path
) -> None:
    """The chair produces the full record; the housing rep gets only the housing copy (built
    from the rows the server lets them read), never the full record; a viewer none."""
    from pypdf import PdfReader

    from frontdoor_app.meeting.errors import PermissionDenied
    from frontdoor_app.meeting.minutes_export import produce_minutes

    def words(who: str, agency: str | None) -> str:
        ctx = build_context(load_settings(database_url=server.url_for(who)))
        try:
            produced = produce_minutes(
                ctx.sessions,
                ctx.profile,
                server.meeting_id,
                agency=agency,
                draft=True,
                actor=ctx.actor,
            )
        finally:
            ctx.close()
        path = tmp_path / f"{who}.pdf"
        path.write_bytes(produced.pdf)
        return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages)

    full = words("chair", None)
    assert "Full record" in full and "restricted to West Yorkshire Police" in full
    housing = words("housing", None)  # defaults to the housing copy
    assert "Full record" not in housing and "Copy for" in housing
    assert "restricted to West Yorkshire Police" not in housing
    with pytest.raises(PermissionDenied, match="only their own agency's copy"):
        words("housing", "POL")
    with pytest.raises(PermissionDenied, match="cannot produce the minutes"):
        words("viewer", None)


def test_a_server_is_migrated_only_by_server_upgrade(server: Server, capsys, db_url) -> None:
    assert main(["--database", server.admin_url, "db", "upgrade"]) == 2
    assert "frontdoor server upgrade" in capsys.readouterr().err
    assert main(["--database", server.admin_url, "server", "upgrade"]) == 0  # idempotent
    assert "server check passed" in capsys.readouterr().out
    assert main(["--database", db_url, "server", "init"]) == 2  # SQLite needs no server
    assert "needs --database postgresql" in capsys.readouterr().err


def test_server_init_refuses_an_application_user(server: Server, capsys) -> None:
    assert main(["--database", server.url_for("admin"), "server", "init"]) == 1
    assert "allowed to create roles" in capsys.readouterr().err
