"""The attack tests' server (``test_server_attacks*.py``): ``server init``, the small demo
city, one user per role, and the helpers that show an action allowed or refused."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from sqlalchemy import select, text

from frontdoor_app.access import people
from frontdoor_app.context import build_context
from frontdoor_app.demo import build_demo_url
from frontdoor_app.meeting.entries import add_entry
from frontdoor_app.models import FgcTeam
from frontdoor_app.models.database import make_engine, make_session_factory, session_scope
from frontdoor_app.settings import load_settings
from tests import pgserver
from tests.conftest import init_server
from tests.ui_support import TODAY

Denied = (
    psycopg.errors.InsufficientPrivilege,
    psycopg.errors.RaiseException,
    psycopg.errors.CheckViolation,
    psycopg.errors.UndefinedFunction,
)


@dataclass
class Server:
    pg: pgserver.PgServer
    dbname: str
    logins: dict[str, str]  # who → login
    item_id: int
    meeting_id: int
    agencies: dict[str, int]
    police_secret_id: int = 0
    police_entry_id: int = 0
    police_draft_id: int = 0

    @property
    def admin_url(self) -> str:
        return self.pg.url(self.dbname)

    def url_for(self, who: str) -> str:
        return f"postgresql+psycopg://{self.logins[who]}@127.0.0.1:{self.pg.port}/{self.dbname}"

    def connect(self, who: str, autocommit: bool = True) -> psycopg.Connection:
        user = self.logins.get(who, who)
        return psycopg.connect(
            host="127.0.0.1",
            port=self.pg.port,
            user=user,
            dbname=self.dbname,
            autocommit=autocommit,
        )


SECRET = "Covert source says the perpetrator keeps a firearm at 14 Ash Grove"


def serve(
    pg_server: pgserver.PgServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """``server init``, the small demo city, one user per role, entries and a draft: each
    attack module's ``server`` fixture (module scope) yields from this."""
    dbname = pg_server.create_database("attack")
    url = pg_server.url(dbname)
    init_server(url)
    build_demo_url(url, "small", seed=7, today=TODAY, feed_dir=tmp_path_factory.mktemp("feed"))
    tag = uuid.uuid4().hex[:6]
    roles = {
        "chair": ("chair", "CSWS"),
        "police": ("representative", "POL"),
        "housing": ("representative", "HSG"),
        "admin": ("admin", None),
        "viewer": ("viewer", None),
        "gone": ("representative", "HSG"),
    }
    logins = {who: f"{who}.{tag}" for who in roles}
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as s:
            for who, (role, agency) in roles.items():
                people.add_user(s, logins[who], who.title(), role, agency, "correct horse battery")
            team = s.scalar(select(FgcTeam.code).order_by(FgcTeam.id))
            logins["coordinator"] = f"coordinator.{tag}"
            people.add_user(
                s,
                logins["coordinator"],
                "Coordinator",
                "fgc_coordinator",
                None,
                "correct horse battery",
                fgc_team_code=team,
            )
            people.disable_user(s, logins["gone"])
        with engine.begin() as conn:
            meeting_id, item_id = conn.execute(
                text(
                    "SELECT m.id, a.id FROM meeting m JOIN agenda_item a ON a.meeting_id = m.id "
                    "WHERE m.meeting_date = :d ORDER BY a.position LIMIT 1"
                ),
                {"d": TODAY},
            ).one()
            conn.execute(
                text("UPDATE meeting SET status = 'in_progress' WHERE id = :m"), {"m": meeting_id}
            )
            conn.execute(
                text("UPDATE agenda_item SET status = 'discussed' WHERE id = :i"), {"i": item_id}
            )
            agencies = dict(conn.execute(text("SELECT code, id FROM agency")).all())  # type: ignore[arg-type]
    finally:
        engine.dispose()
    srv = Server(pg_server, dbname, logins, item_id, meeting_id, agencies)
    # The police representative writes through the application, signed in as themselves.
    police = build_context(load_settings(database_url=srv.url_for("police")))
    try:
        secret = add_entry(
            police.sessions,
            police.actor,
            item_id,
            agencies["POL"],
            SECRET,
            restricted_to_agency_id=agencies["POL"],
        )
        open_entry = add_entry(
            police.sessions,
            police.actor,
            item_id,
            agencies["POL"],
            "Two call-outs this year; no arrests.",
        )
        from frontdoor_app.meeting.drafts import save_draft

        draft = save_draft(
            police.sessions,
            police.actor,
            item_id,
            "intelligence",
            {"text": "half-typed police note"},
        )
    finally:
        police.close()
    srv.police_secret_id, srv.police_entry_id = secret.id, open_entry.id
    srv.police_draft_id = draft.id
    yield srv
    pg_server.drop_database(dbname)


def rows(conn: psycopg.Connection, sql: str, *params: object) -> list[tuple]:
    return conn.execute(sql, params).fetchall()


def refused(conn: psycopg.Connection, sql: str, *params: object) -> None:
    """The statement fails with a permission/policy error, or changes no row."""
    try:
        with conn.transaction():
            cur = conn.execute(sql, params)
            if cur.rowcount == 0:
                return
    except Denied:
        return
    except psycopg.errors.ObjectNotInPrerequisiteState:
        return
    pytest.fail(f"the server allowed: {sql} ({cur.rowcount} rows)")


@contextlib.contextmanager
def rolled_back(conn: psycopg.Connection) -> Iterator[None]:
    """Run an allowed action and undo it, so the next attack sees the same data."""

    class Undo(Exception):
        pass

    with contextlib.suppress(Undo), conn.transaction():
        yield
        raise Undo


INSERT_ENTRY = (
    "INSERT INTO intelligence_entry (agenda_item_id, agency_id, author_name, text, kind,"
    " may_share_beyond_meeting, version, created_at, updated_at) VALUES"
    " (%s, %s, 'x', 'planted', 'agency', false, 1, now(), now())"
)
