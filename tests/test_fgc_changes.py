"""What the FGC screens call (``fgc.changes``): one unit of work per change, the case's FGC
back, and a change that met someone else's at the same moment is the package's own
``ConflictError`` (SQLAlchemy's ``StaleDataError`` never reaches a screen)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from frontdoor_app.fgc.changes import change_referral, read_case, referral_pdf, start_offer
from frontdoor_app.fgc.errors import ConflictError
from frontdoor_app.models import AuditEvent, FgcReferral
from tests.fgc_support import build_case


@pytest.fixture
def offered(ctx):  # type: ignore[no-untyped-def]
    """A case whose decision offers an FGC, and the offer started through ``start_offer``."""
    with ctx.session() as s:
        case = build_case(s, outcomes=("FGC",))
    state = start_offer(ctx.sessions, ctx.actor, ctx.profile, case.agenda_item_id)
    assert state.referral is not None, state.eligibility.text
    return case.agenda_item_id, state.referral


def test_start_offer_and_a_change_each_one_unit_returning_the_case(ctx, offered) -> None:
    item_id, referral = offered
    assert read_case(ctx.sessions, ctx.profile, item_id).referral == referral

    def ask_for_a_match(s: Session, referral_id: int) -> None:
        s.get(FgcReferral, referral_id).coordinator_match_request = "speaks Polish"

    state = change_referral(ctx.sessions, ctx.profile, item_id, referral.id, ask_for_a_match)
    assert state.referral is not None and state.referral.version == referral.version + 1
    with ctx.session() as s:
        assert s.get(FgcReferral, referral.id).coordinator_match_request == "speaks Polish"


def test_a_change_that_met_another_is_a_conflict_and_nothing_is_saved(ctx, offered) -> None:
    item_id, referral = offered

    def meets_another(s: Session, referral_id: int) -> None:
        mine = s.get(FgcReferral, referral_id)  # read at version N ...
        # ... someone else's save lands first (what a second laptop's commit does) ...
        s.execute(
            text("UPDATE fgc_referral SET version = version + 1 WHERE id = :id"),
            {"id": referral_id},
        )
        mine.coordinator_match_request = "mine"  # ... and this save is against version N

    with pytest.raises(ConflictError, match="someone else changed this referral"):
        change_referral(ctx.sessions, ctx.profile, item_id, referral.id, meets_another)
    with ctx.session() as s:
        row = s.get(FgcReferral, referral.id)
        assert (row.version, row.coordinator_match_request) == (referral.version, None)


def test_the_referral_pdf_is_recorded_in_the_audit_trail(ctx, offered) -> None:
    _item_id, referral = offered
    pdf = referral_pdf(
        ctx.sessions,
        ctx.actor,
        ctx.profile,
        referral.id,
        dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC),
    )
    assert pdf.startswith(b"%PDF")
    with ctx.session() as s:
        exports = s.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "export", AuditEvent.entity_id == referral.id
            )
        ).all()
    assert exports
