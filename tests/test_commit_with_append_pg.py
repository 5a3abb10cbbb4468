"""On the real server a Save's trail, its change and its COMMIT go in one message, so the
chain's lock (the one queue of every audited write in the room) is let go as soon as the
server has appended: stored as before, the chain unbroken; a unit of work with more to
write at its commit keeps the COMMIT apart; and one the server refuses stores nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from frontdoor_app.access.chain import verify
from frontdoor_app.context import AppContext
from frontdoor_app.meeting import entries
from frontdoor_app.models import AuditEvent, IntelligenceEntry
from frontdoor_app.models.audit_chain import add_at_commit
from tests.server_clients import counted, server

pytestmark = pytest.mark.postgres


def _entry(item_id: int, agency_id: int, text: str) -> IntelligenceEntry:
    return IntelligenceEntry(
        agenda_item_id=item_id, agency_id=agency_id, author_name="HV", text=text, kind="agency"
    )


def _stored(setup: AppContext, text: str) -> int:
    with setup.read_session() as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(IntelligenceEntry)
                .where(IntelligenceEntry.text == text)
            )
            or 0
        )


def test_a_saves_commit_goes_with_its_trail_and_what_is_stored_is_as_before(
    pg_app_url, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    with server(fresh_settings, pg_app_url, profile) as room:
        hv = room.client(fresh_settings, profile, "hv.one")
        agency = hv.actor.agency_id
        assert agency is not None
        with counted(hv) as said:
            entries.add_entry(hv.sessions, hv.actor, room.item_ids[0], agency, "Seen at home")
        last = said[-1]
        assert "fd_audit_append" in last and last.rstrip().endswith("; COMMIT")
        assert "'Seen at home'" not in last  # the trail's JSON, as the driver quotes it
        assert _stored(room.setup, "Seen at home") == 1
        with room.setup.read_session() as s:
            trail = s.scalars(
                select(AuditEvent).where(AuditEvent.entity == "intelligence_entry")
            ).all()
            verdict = verify(s)
        assert [e.action for e in trail] == ["create"] and verdict.ok, verdict.problem
        # Quotes, a backslash, braces and a colon in what goes into the message's text.
        awkward = "O'Brien's {note}: C:\\temp \\n 50% «done»"
        entries.add_entry(hv.sessions, hv.actor, room.item_ids[0], agency, awkward)
        assert _stored(room.setup, awkward) == 1
        with room.setup.read_session() as s:
            assert verify(s).ok


def test_a_unit_of_work_with_more_to_write_at_its_commit_sends_the_commit_apart(
    pg_app_url, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    with server(fresh_settings, pg_app_url, profile) as room:
        chair = room.client(fresh_settings, profile, "chair.one")
        agency = chair.actor.agency_id or 1
        with counted(chair) as said, chair.sessions() as s:
            add_at_commit(
                s,
                AuditEvent(user_login=chair.actor.login, action="view", entity="case"),
            )
            # Not flushed before the commit: the commit's own flush writes it, after the trail.
            s.add(_entry(room.item_ids[0], agency, "Flushed by the commit"))
            s.commit()
        appended = [x for x in said if "fd_audit_append" in x]
        assert appended and not appended[0].rstrip().endswith("COMMIT")
        assert _stored(room.setup, "Flushed by the commit") == 1


def test_a_save_the_server_refuses_in_its_last_message_stores_nothing(
    pg_app_url, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    """The trail row names someone else: the server refuses it (only one's own name goes on
    the trail), and the entry written before it in the same unit of work is not stored."""
    with server(fresh_settings, pg_app_url, profile) as room:
        hv = room.client(fresh_settings, profile, "hv.one")
        agency = hv.actor.agency_id
        assert agency is not None
        with pytest.raises(DBAPIError, match="row-level security"), hv.sessions() as s:
            s.add(_entry(room.item_ids[0], agency, "Never stored"))
            s.flush()
            add_at_commit(s, AuditEvent(user_login="someone.else", action="create", entity="x"))
            s.commit()
        assert _stored(room.setup, "Never stored") == 0
        # The client's connection is usable again: the next Save is stored.
        entries.add_entry(hv.sessions, hv.actor, room.item_ids[0], agency, "Stored after")
        assert _stored(room.setup, "Stored after") == 1
