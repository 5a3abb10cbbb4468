"""Every figure on the hand-built data set (tests/measures_dataset.py), values worked by hand.

Weeks W1..W5 = Mondays 5, 12, 19, 26 Jan and 2 Feb 2026; "as of" 20 April 2026.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json

import pytest
from sqlalchemy.orm import Session

from frontdoor_app.access.reference import sync_reference
from frontdoor_app.measures import GROUPS, Measures, MeasuresError, compute, figures
from frontdoor_app.measures.calendar import add_months, days_of, next_working_day
from frontdoor_app.measures.output import as_csv, as_json, safe_cell, shown, suppressed
from frontdoor_app.models.database import make_engine, make_session_factory, session_scope, upgrade
from frontdoor_app.profile import (
    SAMPLE_PROFILE,
    MeasureRules,
    Profile,
    ProfileError,
    parse_profile,
)
from tests.measures_dataset import AS_OF, BANK_HOLIDAY, W1, W2, W3, W4, W5, build

APPROX = pytest.approx


def _profile(profile: Profile, holidays: frozenset[dt.date] = frozenset({BANK_HOLIDAY})) -> Profile:
    return dataclasses.replace(profile, measures=MeasureRules(5, holidays))


def _measures(session: Session, profile: Profile, **kw: object) -> Measures:
    return compute(
        session, profile, W1, W5 + dt.timedelta(days=6), as_of=kw.pop("as_of", AS_OF), **kw
    )  # type: ignore[arg-type]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def built(request: pytest.FixtureRequest, db_url: str, profile: Profile):  # type: ignore[no-untyped-def]
    """The data set on a fresh SQLite file and on a fresh PostgreSQL database."""
    url = db_url if request.param == "sqlite" else str(request.getfixturevalue("pg_url"))
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as s:
        sync_reference(s, profile)
        build(s)
    with session_scope(sessions) as s:
        yield s, _profile(profile)
    engine.dispose()


def values(m: Measures, key: str) -> list[float | None]:
    return [None if p.value is None else round(p.value, 4) for p in m.figure(key).points]


def fractions(m: Measures, key: str) -> list[tuple[int | None, int | None]]:
    return [(p.numerator, p.denominator) for p in m.figure(key).points]


def test_the_calendar() -> None:
    holidays = frozenset({BANK_HOLIDAY})
    assert next_working_day(dt.date(2026, 1, 23), holidays) == dt.date(2026, 1, 27)  # Fri → Tue
    assert next_working_day(dt.date(2026, 1, 23), frozenset()) == dt.date(2026, 1, 26)
    assert next_working_day(dt.date(2026, 1, 10), holidays) == dt.date(2026, 1, 12)  # Sat → Mon
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    # Across the clock change a local day is 23 hours long, and its UTC bounds say so.
    (sunday,) = [
        d
        for d in days_of((dt.date(2026, 3, 23),), AS_OF, "Europe/London", holidays)
        if d.day == dt.date(2026, 3, 29)
    ]
    assert sunday.end - sunday.start == dt.timedelta(hours=23)
    assert sunday.end == dt.datetime(2026, 3, 29, 23, 0, tzinfo=dt.UTC)


def test_how_much(built) -> None:  # type: ignore[no-untyped-def]
    session, profile = built
    m = _measures(session, profile)
    assert m.weeks == (W1, W2, W3, W4, W5)
    # N1-N4 (N4 on Sunday 23:30 stays in W1), N5, N6, N7 + N8; the empty week is 0.
    assert values(m, "notifications") == [4, 1, 1, 2, 0]
    assert m.figure("notifications").total.numerator == 8
    # Discussed items: M1 N1, M2 N2 (N3 deferred) | M3 N3, N4 | none (no meeting) | M4 N6, N7.
    assert values(m, "discussed") == [2, 2, 0, 2, 0]
    # Children of the discussed households: W1 H1+H2 = 3, W2 H3+H1 = 2, W4 H4+H2 = 4;
    # over the range each child once: 2 + 1 + 0 + 3 = 6 (not 9).
    assert values(m, "children") == [3, 2, 0, 4, 0]
    assert m.figure("children").total.numerator == 6
    decisions = m.figure("decisions")
    assert values(m, "decisions") == [2, 2, 0, 2, 0]
    label = {o.code: o.label for o in profile.outcomes}
    assert {p.label: p.numerator for p in decisions.parts} == {
        label["IDVA"]: 3,
        label["NFA"]: 2,
        label["FGC"]: 2,
        label["MARAC"]: 1,
    }
    # MARAC: N1 by outcome (W1), N3 by professional judgement (W2).
    marac = m.figure("marac")
    assert values(m, "marac") == [1, 1, 0, 0, 0]
    parts = {p.label: p.numerator for p in marac.parts}
    assert parts["Referrals made"] == 2
    assert parts["Flagged: visible high risk"] == 1
    assert parts["Flagged: repeat within 12 months of the last MARAC"] == 1
    assert values(m, "fgc_offers") == [0, 1, 0, 1, 0]
    assert values(m, "fgc_referrals") == [0, 1, 0, 1, 0]
    # Actions by the meeting's week: A1-A3 | A4, A5 | - | A6, A7.
    assert values(m, "actions") == [3, 2, 0, 2, 0]
    assert {p.label: p.numerator for p in m.figure("actions").parts} == {
        "Domestic Violence Service / IDVA": 2,
        "Health Visiting (0-19 Public Health Nursing)": 2,
        "Children's Social Work Service": 1,
        "West Yorkshire Police": 1,
        "Early Help / Family Hubs": 1,
    }


def test_how_well(built) -> None:  # type: ignore[no-untyped-def]
    session, profile = built
    m = _measures(session, profile)
    # W1: N1, N2, N4 in time, N3 a day late; W2: N5 never; W3: N6 (Friday) discussed on
    # Tuesday, in time because Monday was a bank holiday; W4: N7 yes, N8 never; W5 empty.
    assert fractions(m, "discussed_in_time") == [(3, 4), (0, 1), (1, 1), (1, 2), (0, 0)]
    assert values(m, "discussed_in_time") == [75.0, 0.0, 100.0, 50.0, None]
    assert m.figure("discussed_in_time").total.value == APPROX(62.5)
    no_holiday = _measures(session, _profile(profile, frozenset()))
    assert fractions(no_holiday, "discussed_in_time")[2] == (0, 1)
    # Actions by due week (due before 20 April): W1 A1 early yes, A2 late no; W2 A3 on the day
    # yes, A4 not done, A5 open; W4 A6 yes; A7 (due in May) not counted.
    assert fractions(m, "actions_on_time") == [(1, 2), (1, 3), (0, 0), (1, 1), (0, 0)]
    by_agency = {p.label: (p.numerator, p.denominator) for p in m.figure("actions_on_time").parts}
    assert by_agency["Domestic Violence Service / IDVA"] == (1, 2)
    assert by_agency["Children's Social Work Service"] == (0, 1)
    assert by_agency["West Yorkshire Police"] == (0, 1)
    # Nine core agencies: M1 8 (EDU apologies), M2 9, M3 7 (EDU apologies, HSG information
    # sent), no meeting in W3, M4 9.
    assert fractions(m, "core_present") == [(17, 18), (7, 9), (0, 0), (9, 9), (0, 0)]
    assert values(m, "core_present")[2] is None
    core = {p.label: (p.numerator, p.denominator) for p in m.figure("core_present").parts}
    assert core["Education Safeguarding"] == (2, 4)
    assert core["Housing Leeds"] == (3, 4)
    assert core["West Yorkshire Police"] == (4, 4)
    assert m.figure("core_present").total.value == APPROX(100 * 33 / 36)
    # Baseline: the median of the weeks with a value before the latest (W5): 94.4, 77.8, 100.
    assert m.figure("core_present").baseline == APPROX(100 * 17 / 18)
    # FGC conferences in W4: F1 with consent and plan before; F2 consent but no plan.
    assert fractions(m, "fgc_safe") == [(0, 0), (0, 0), (0, 0), (1, 2), (0, 0)]
    # Minutes: M1 same day; M2 only a draft that day (final the next); M3 printed that day;
    # M4 none.
    assert fractions(m, "minutes_same_day") == [(1, 2), (1, 1), (0, 0), (0, 1), (0, 0)]
    # Median minutes per case: W1 (10, 15), W2 (8, 12), W4 (13; N6 not timed).
    assert values(m, "case_minutes") == [12.5, 10.0, None, 13.0, None]
    assert m.figure("case_minutes").total.value == APPROX(12.0)
    assert m.figure("case_minutes").figure.target == profile.meeting.case_target_minutes


def test_better_off(built) -> None:  # type: ignore[no-untyped-def]
    session, profile = built
    m = _measures(session, profile)
    # 3 months: W1 families H1 (N4 on 11 Jan) and H2 (N7 on 27 Jan) came back: 0 of 2.
    # W2 H3 (N9 on 14 April: after 12 April, outside) and H1 (nothing after 12 Jan): 2 of 2.
    # W4 (27 Jan + 3 months = 27 April, after 20 April): window not passed, no value.
    assert fractions(m, "no_repeat_3") == [(0, 2), (2, 2), (0, 0), (0, 0), (0, 0)]
    assert values(m, "no_repeat_3") == [0.0, 100.0, None, None, None]
    # 6 and 12 months: no family's window has passed by 20 April.
    assert values(m, "no_repeat_6") == [None] * 5
    assert values(m, "no_repeat_12") == [None] * 5
    # No day of the table (52 weeks back from W5) has a 12-month window passed by 1 Feb 2026:
    # the column is NULL in every row (PostgreSQL would type it as text without a cast).
    early = _measures(session, profile, as_of=dt.date(2026, 2, 1))
    assert values(early, "no_repeat_12") == [None] * 5
    later = _measures(session, profile, as_of=dt.date(2027, 3, 1))
    # A year on: W2 H3 came back on 14 April (inside 12 months): 1 of 2; W4 H4, H2: 2 of 2.
    assert fractions(later, "no_repeat_12") == [(0, 2), (1, 2), (0, 0), (2, 2), (0, 0)]
    # Notification to conference: F1 11 Jan 23:30 → 28 Jan 11:30 = 16.5 days; F2 23 Jan
    # 10:00 → 30 Jan 10:00 = 7 days; both held in W4: median 11.75.
    assert values(m, "to_conference") == [None, None, None, 11.75, None]
    # Weeks in the system: H3 (other) first notified 6 Jan 12:00, last action closed 20 Jan
    # 12:00 (W3): 2 weeks. H4 (FGC) first notified 14 Jan 09:30, closed 28 Jan 21:30 (W4):
    # 14.5 days. H1 and H2 still have open actions.
    assert values(m, "weeks_other") == [None, None, 2.0, None, None]
    assert values(m, "weeks_fgc") == [None, None, None, round(14.5 / 7, 4), None]


def test_filters(built) -> None:  # type: ignore[no-untyped-def]
    session, profile = built
    m = _measures(session, profile, locality="C01", agency="DVS")
    # Locality C01 = H1, H2: N1, N2, N4 | - | - | N7.
    assert values(m, "notifications") == [3, 0, 0, 1, 0]
    assert values(m, "discussed") == [2, 1, 0, 1, 0]
    assert m.figure("notifications").filtered
    # DVS owns A1 (W1 meeting, due W1, early) and A4 (W2, not done).
    assert values(m, "actions") == [1, 1, 0, 0, 0]
    assert fractions(m, "actions_on_time") == [(1, 1), (0, 1), (0, 0), (0, 0), (0, 0)]
    assert fractions(m, "core_present") == [(2, 2), (1, 1), (0, 0), (1, 1), (0, 0)]
    # The minutes cannot be narrowed: computed for everyone, and said so.
    assert not m.figure("minutes_same_day").filtered
    assert fractions(m, "minutes_same_day") == [(1, 2), (1, 1), (0, 0), (0, 1), (0, 0)]
    with pytest.raises(MeasuresError, match="no agency with code 'NOPE'"):
        _measures(session, profile, agency="NOPE")
    with pytest.raises(MeasuresError, match="before it starts"):
        compute(session, profile, W2, W1, as_of=AS_OF)


def test_one_call_hands_over_each_group_as_it_is_done(built) -> None:  # type: ignore[no-untyped-def]
    session, profile = built
    parts: list[Measures] = []
    whole = _measures(session, profile, each_group=parts.append)
    # Three groups, in report-card order, each with only its own figures, and together
    # exactly the figures of the whole (the same values: one computation, shared sets).
    assert [p.figures[0].figure.group for p in parts] == list(GROUPS)
    assert all(len({r.figure.group for r in p.figures}) == 1 for p in parts)
    assert tuple(r for p in parts for r in p.figures) == whole.figures
    assert whole == _measures(session, profile)
    # Filters narrow the shared sets too: the same as computing the figure alone.
    narrowed = _measures(session, profile, locality="C01")
    for key in ("discussed", "children", "marac", "case_minutes", "no_repeat_3"):
        alone = _measures(session, profile, locality="C01", keys=[key])
        assert alone.figure(key) == narrowed.figure(key), key


def test_every_figure_has_its_definition() -> None:
    keys = [f.key for f in figures()]
    assert len(keys) == len(set(keys)) == 20
    for f in figures():
        assert len(f.definition) > 60 and "  " not in f.definition, f.key


def test_outputs_suppress_small_counts_and_neutralise_formulas(built) -> None:  # type: ignore[no-untyped-def]
    session, profile = built
    m = _measures(session, profile)
    assert suppressed(3, 5) == "<5" and suppressed(0, 5) == "0" and suppressed(5, 5) == "5"
    fig = m.figure("actions").figure
    assert shown(fig, m.figure("actions").parts[0], threshold=5) == "<5"
    assert (
        shown(m.figure("core_present").figure, m.figure("core_present").total) == "92% (33 of 36)"
    )
    text = as_csv(m, 5)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["figure", "title", "group", "kind", "week"]
    weekly = [r for r in rows if r[0] == "notifications" and r[5] == ""]
    assert [r[6] for r in weekly] == ["4", "1", "1", "2", "0"]
    breakdown = [r for r in rows if r[0] == "actions" and r[4] == "range"]
    assert breakdown and all(r[7] == "<5" for r in breakdown)  # 2, 2, 1, 1, 1: all hidden
    assert safe_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert safe_cell("+44 113") == "'+44 113" and safe_cell("-1") == "-1"
    data = json.loads(as_json(m, 5))
    assert data["figures"][0]["weeks"][0] == {
        "week": "2026-01-05",
        "value": 4.0,
        "numerator": 4,
        "denominator": None,
    }


def test_profile_measures_table() -> None:
    sample = SAMPLE_PROFILE.read_text(encoding="utf-8")
    loaded = parse_profile(sample)
    assert loaded.measures.small_count_threshold == 5
    assert dt.date(2026, 12, 25) in loaded.measures.bank_holidays
    line = sample.splitlines().index("small_count_threshold = 5") + 1
    with pytest.raises(ProfileError, match="small_count_threshold") as bad:
        parse_profile(sample.replace("small_count_threshold = 5", "small_count_threshold = 0"))
    assert bad.value.line == line
    with pytest.raises(ProfileError, match="bank_holidays"):
        parse_profile(sample.replace("bank_holidays = [", 'bank_holidays = ["Christmas", '))
    start = sample.index("[measures]")
    without = sample[:start] + sample[sample.index("[fgc]") :]
    assert parse_profile(without).measures == MeasureRules()
