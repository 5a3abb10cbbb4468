"""The measures on the shared server are the same for everyone who sees them (issue 16's
report card; issue 11's server): the chair, a representative, a viewer, an FGC coordinator
and an admin, each signed in as themselves (row-level security on), count the same figures
as the server's owner. "Minutes issued the same day" reads when the final minutes were
issued from the audit trail, which only admins may read: everyone else gets that meeting
id and time, nothing else of the trail, from ``fd_minutes_issued``."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy.engine import make_url

from frontdoor_app.access.people import add_user
from frontdoor_app.measures import compute
from frontdoor_app.measures.figures import MINUTES_ENTITY
from frontdoor_app.meeting.minutes_export import AUDIT_ENTITY
from frontdoor_app.models.database import make_engine, make_session_factory, session_scope
from frontdoor_app.models.journal import MINUTES_ENTITY as SERVER_MINUTES
from frontdoor_app.profile import MeasureRules
from tests.measures_dataset import AS_OF, BANK_HOLIDAY, W1, W5, build
from tests.ui_support import context_for

pytestmark = pytest.mark.postgres

# who: (role, agency, FGC team)
PEOPLE = {
    "chair": ("chair", "CSWS", None),
    "rep": ("representative", "HSG", None),
    "viewer": ("viewer", None, None),
    "coordinator": ("fgc_coordinator", None, "FGC-EN"),
    "admin": ("admin", None, None),
}


def _figures(session, profile) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
    m = compute(session, profile, W1, W5 + dt.timedelta(days=6), as_of=AS_OF)
    return {
        r.figure.key: [(p.numerator, p.denominator, p.value) for p in r.points] for r in m.figures
    }


def test_everyone_who_sees_the_measures_counts_the_same_figures(
    pg_app_url: str, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    assert SERVER_MINUTES == MINUTES_ENTITY == AUDIT_ENTITY  # one name for minutes
    profile = dataclasses.replace(profile, measures=MeasureRules(5, frozenset({BANK_HOLIDAY})))
    engine = make_engine(pg_app_url)  # the server's owner: every row
    try:
        sessions = make_session_factory(engine)
        with session_scope(sessions) as s:
            build(s)
        with session_scope(sessions) as s:
            for who, (role, agency, team) in PEOPLE.items():
                add_user(s, f"m.{who}", who, role, agency, "a proper password", fgc_team_code=team)
        with session_scope(sessions) as s:
            owner = _figures(s, profile)
    finally:
        engine.dispose()
    # Minutes: M1 same day; M2 only a draft that day; M3 printed that day; M4 none.
    minutes = [(n, d) for n, d, _v in owner["minutes_same_day"]]
    assert minutes == [(1, 2), (1, 1), (0, 0), (0, 1), (0, 0)]
    for who in PEOPLE:
        login = f"m.{who}"
        url = make_url(pg_app_url).set(username=login, password=None).render_as_string(False)
        ctx = context_for(fresh_settings, url, profile, login)
        try:
            with ctx.read_session() as s:
                assert _figures(s, profile) == owner, who
        finally:
            ctx.close()
