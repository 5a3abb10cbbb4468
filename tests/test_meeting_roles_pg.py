"""The chair's meeting on the shared server, signed in as the chair (row-level security on):
opening, attendance, what an absent agency sent in, the case, the decision, closing, and an
amendment after the close, each let through by the server; and a representative kept to
their own agency's entries and, once the meeting is closed, to nothing (issue 11's rules,
the application's and the server's agreeing)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from frontdoor_app.meeting import agenda, decisions, entries, lifecycle
from frontdoor_app.meeting.errors import PermissionDenied
from frontdoor_app.models import Agency, Amendment, IntelligenceEntry
from tests.server_clients import server

pytestmark = pytest.mark.postgres


def test_the_chairs_meeting_on_the_server_from_opening_to_an_amendment(
    pg_app_url: str, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    with server(fresh_settings, pg_app_url, profile) as srv:
        chair = srv.client(fresh_settings, profile, "chair.one")
        hv = srv.client(fresh_settings, profile, "hv.one")
        with chair.read_session() as s:
            pol = s.scalar(select(Agency.id).where(Agency.code == "POL"))
            hv_agency = s.scalar(select(Agency.id).where(Agency.code == "HV"))
        meeting, item = srv.meeting_id, srv.item_ids[0]
        lifecycle.mark_confidentiality_read(chair.sessions, chair.actor, meeting)
        lifecycle.add_attendance(
            chair.sessions, chair.actor, meeting, pol, "PC Smith", "information_sent"
        )
        lifecycle.add_attendance(hv.sessions, hv.actor, meeting, hv_agency, "Hannah", "present")
        agenda.set_current(chair.sessions, chair.actor, meeting, item)
        # The police are absent: the chair records what they sent in, as the police's.
        sent = entries.add_entry(
            chair.sessions, chair.actor, item, pol, "Police: two call-outs this year, sent in"
        )
        assert sent.agency_id == pol
        entries.add_entry(hv.sessions, hv.actor, item, hv_agency, "Known to health visiting")
        with pytest.raises(PermissionDenied):  # a representative, for another agency
            entries.add_entry(hv.sessions, hv.actor, item, pol, "Not mine to say")
        decisions.save_decision(
            chair.sessions, chair.actor, profile, item, ["IDVA"], "high", "Escalating"
        )
        agenda.defer_remaining(chair.sessions, chair.actor, meeting)
        with chair.read_session() as s:
            version = lifecycle.load_meeting(s, meeting).version
        lifecycle.close_meeting(chair.sessions, chair.actor, meeting, version)
        # After the close: the representative adds nothing; the chair amends, with a reason.
        with pytest.raises(PermissionDenied):
            entries.add_entry(hv.sessions, hv.actor, item, hv_agency, "Late news")
        entries.add_entry(
            chair.sessions,
            chair.actor,
            item,
            hv_agency,
            "HV phoned after the meeting: the baby's check is overdue",
            reason="HV phoned after the meeting",
        )
        # ... and amends what the agencies said, theirs and the one they recorded for the
        # police (the server let only an entry's own agency change it: nobody could amend).
        hv_entry = next(
            e for e in case_entries(srv, item) if e.agency_id == hv_agency and "Known" in e.text
        )
        entries.edit_entry(
            chair.sessions,
            chair.actor,
            hv_entry.id,
            hv_entry.version,
            text="Known to health visiting since 2024",
            reason="HV corrected the year",
        )
        entries.edit_entry(
            chair.sessions,
            chair.actor,
            sent.id,
            sent.version,
            text="Police: three call-outs this year, sent in",
            reason="the police's figure was wrong",
        )
        with pytest.raises(PermissionDenied):  # the representative: not after the close
            entries.edit_entry(
                hv.sessions, hv.actor, hv_entry.id, hv_entry.version + 1, text="Mine again"
            )
        texts = {e.text for e in case_entries(srv, item)}
        assert {
            "Known to health visiting since 2024",
            "Police: three call-outs this year, sent in",
        } <= texts
        with srv.setup.read_session() as s:
            assert (
                s.scalar(
                    select(func.count())
                    .select_from(IntelligenceEntry)
                    .where(IntelligenceEntry.agenda_item_id == item)
                )
                == 3
            )
            assert s.scalar(select(func.count()).select_from(Amendment)) >= 1


def case_entries(srv, item: int) -> list[IntelligenceEntry]:  # type: ignore[no-untyped-def]
    with srv.setup.read_session() as s:
        return list(
            s.scalars(select(IntelligenceEntry).where(IntelligenceEntry.agenda_item_id == item))
        )
