"""The database itself refuses a second open FGC referral for one household."""

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError

from frontdoor_app.models import FgcReferral, Household
from frontdoor_app.models.database import make_engine, make_session_factory, session_scope, upgrade


def test_a_second_open_referral_for_a_household_is_refused(any_db_url):
    engine = make_engine(any_db_url)
    try:
        upgrade(engine)
        sessions = make_session_factory(engine)
        with session_scope(sessions) as s:
            household = Household(reference="HH-1", address="1 Test Street", postcode="LS9 8AB")
            s.add(household)
            s.flush()
            household_id = household.id
            s.add(FgcReferral(household_id=household_id, stage="offered", is_open=True))
            # Closed ones are history: any number of them.
            s.add(
                FgcReferral(
                    household_id=household_id,
                    stage="closed",
                    is_open=False,
                    conference_date=dt.date(2026, 1, 5),
                )
            )
            s.add(FgcReferral(household_id=household_id, stage="declined", is_open=False))
        with pytest.raises(IntegrityError), session_scope(sessions) as s:
            s.add(FgcReferral(household_id=household_id, stage="offered", is_open=True))
    finally:
        engine.dispose()
