"""A meeting on the shared PostgreSQL server: the chair, the police representative and the
housing representative each signed in as themselves, in their own window and connection.

The server (row-level security), not the client, keeps the police's restricted entry from
the housing representative: their window never receives it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdoor_app.access import people
from frontdoor_app.context import AppContext, build_context
from frontdoor_app.demo import build_demo_url
from frontdoor_app.models.database import make_engine, make_session_factory, session_scope
from frontdoor_app.settings import load_settings
from tests import pgserver
from tests.conftest import init_server
from tests.ui_support import (
    TODAY,
    add_entry,
    close_window,
    idle,
    open_window,
    snapshot,
    start_meeting,
)

SECRET = "Intelligence from a covert source: the perpetrator has access to a shotgun"
OPEN = "Two call-outs to the address this year; bail conditions in place"


@pytest.fixture
def server_meeting(pg_server: pgserver.PgServer, tmp_path: Path) -> Iterator[dict[str, AppContext]]:
    dbname = pg_server.create_database("meeting")
    url = pg_server.url(dbname)
    init_server(url)
    build_demo_url(url, "small", seed=11, today=TODAY, feed_dir=tmp_path / "feed")
    tag = uuid.uuid4().hex[:5]
    who = {
        "chair": ("Jo Chair", "chair", "CSWS"),
        "police": ("PC Ann Smith", "representative", "POL"),
        "housing": ("Ravi Rao", "representative", "HSG"),
    }
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as s:
            for key, (name, role, agency) in who.items():
                people.add_user(s, f"{key}.{tag}", name, role, agency, "a proper password 1")
    finally:
        engine.dispose()
    contexts: dict[str, AppContext] = {}
    try:
        for key in who:
            user_url = f"postgresql+psycopg://{key}.{tag}@127.0.0.1:{pg_server.port}/{dbname}"
            contexts[key] = build_context(load_settings(database_url=user_url))
        yield contexts
    finally:
        for ctx in contexts.values():
            ctx.close()
        pg_server.drop_database(dbname)


def test_three_signed_in_people_and_the_server_keeps_the_secret(
    qtbot, server_meeting, artefacts
) -> None:
    ctxs = server_meeting
    assert {c.actor.role for c in ctxs.values()} == {"chair", "representative"}
    assert len({id(c.engine) for c in ctxs.values()}) == 3
    chair = open_window(qtbot, ctxs["chair"])
    police = open_window(qtbot, ctxs["police"])
    housing = open_window(qtbot, ctxs["housing"])
    try:
        first = start_meeting(qtbot, chair)
        for rep in (police, housing):
            qtbot.waitUntil(lambda rep=rep: rep.case_view.case.item.item_id == first, timeout=5000)
        pol = ctxs["police"].actor.agency_id
        add_entry(qtbot, police, pol, SECRET, True)
        add_entry(qtbot, police, pol, OPEN, False)
        qtbot.waitUntil(lambda: len(chair.case_view.case.intelligence) == 2, timeout=5000)
        assert {e.text for e in chair.case_view.case.intelligence} == {SECRET, OPEN}
        qtbot.waitUntil(lambda: len(housing.case_view.case.intelligence) == 1, timeout=5000)
        # The housing representative adds their own; everyone sees it, the secret still not.
        add_entry(
            qtbot,
            housing,
            ctxs["housing"].actor.agency_id,
            "Tenancy at risk: six weeks of rent arrears",
            False,
        )
        qtbot.waitUntil(lambda: len(chair.case_view.case.intelligence) == 3, timeout=5000)
        qtbot.waitUntil(lambda: len(police.case_view.case.intelligence) == 3, timeout=5000)
        idle(qtbot, housing)
        seen = [e.text for e in housing.case_view.case.intelligence]
        assert SECRET not in seen and OPEN in seen and len(seen) == 2
        # Nothing anywhere in the housing window's data holds the secret.
        assert "shotgun" not in repr(housing.case_view.case) and "shotgun" not in repr(housing.room)
        housing.resize(1600, 900)
        snapshot(housing, artefacts / "server_meeting_housing.png")
        snapshot(chair, artefacts / "server_meeting_chair.png")
        # Three people wrote to the audit trail, none of the representatives able to read it:
        # its hash chain still holds, checked by the administrator.
        from sqlalchemy.exc import ProgrammingError

        from frontdoor_app.access.chain import verify
        from frontdoor_app.models import AuditEvent

        with ctxs["police"].read_session() as s, pytest.raises(ProgrammingError):
            s.query(AuditEvent).count()  # the trail is not the police's to read
        admin = make_engine(
            ctxs["police"].engine.url.set(username="postgres").render_as_string(False)
        )
        try:
            with make_session_factory(admin)() as s:
                verdict = verify(s)
                logins = {login for (login,) in s.query(AuditEvent.user_login).distinct()}
        finally:
            admin.dispose()
        assert verdict.ok, verdict
        assert {ctxs[k].actor.login for k in ("police", "housing")} <= logins
    finally:
        for window in (housing, police, chair):
            close_window(window)
