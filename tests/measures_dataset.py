"""A small hand-built data set for the measures, every value worked out by hand in the tests.

Five weeks of January and February 2026 (GMT, so local time is UTC):

- W1 Mon 5 Jan: meetings Tue 6 (M1) and Wed 7 (M2); notifications N1-N4 (N4 on Sunday
  11 Jan at 23:30, the last half hour of the week).
- W2 Mon 12 Jan: meeting Mon 12 (M3); N5 is never discussed.
- W3 Mon 19 Jan: no meeting; N6 arrives on Friday 23.
- W4 Mon 26 Jan: Monday 26 is a bank holiday (the test profile says so); meeting Tue 27
  (M4); N7, and N8 (no household) never discussed.
- W5 Mon 2 Feb: an empty week: nothing at all.

Households H1, H2 in locality C01 (LS9), H3, H4 in C02 (LS14); children 2, 1, 0, 3.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.models import (
    Action,
    Agency,
    AgendaItem,
    Attendance,
    AuditEvent,
    Decision,
    DecisionOutcome,
    FgcConsent,
    FgcReferral,
    FgcSafeguard,
    Household,
    HouseholdMember,
    Locality,
    Meeting,
    Notification,
    OutcomeCode,
    Person,
)

UTC = dt.UTC
W1, W2, W3, W4, W5 = (dt.date(2026, 1, 5) + dt.timedelta(weeks=n) for n in range(5))
BANK_HOLIDAY = dt.date(2026, 1, 26)
AS_OF = dt.date(2026, 4, 20)
CORE = ("POL", "CSWS", "HV", "MID", "HSG", "PROB", "DVS", "EDU", "EH")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Built:
    meetings: dict[str, int]
    households: dict[str, int]


def build(session: Session) -> Built:
    refs = itertools.count(1)
    agency = {a.code: a.id for a in session.scalars(select(Agency))}
    outcome = {o.code: o.id for o in session.scalars(select(OutcomeCode))}
    locality = {loc.code: loc.id for loc in session.scalars(select(Locality))}

    households = {}
    for name, loc, postcode, children in (
        ("H1", "C01", "LS9 7AB", 2),
        ("H2", "C01", "LS9 1AA", 1),
        ("H3", "C02", "LS14 2BB", 0),
        ("H4", "C02", "LS14 3CC", 3),
    ):
        h = Household(
            reference=name, address=f"{name} Street", postcode=postcode, locality_id=locality[loc]
        )
        session.add(h)
        session.flush()
        households[name] = h.id
        for n in range(children):
            child = Person(surname=f"{name}child", forenames=f"C{n}")
            session.add(child)
            session.flush()
            session.add(HouseholdMember(household_id=h.id, person_id=child.id, role="child"))

    meetings = {}
    absent = {"M1": {"EDU": "apologies"}, "M3": {"EDU": "apologies", "HSG": "information_sent"}}
    for name, day in (
        ("M1", dt.date(2026, 1, 6)),
        ("M2", dt.date(2026, 1, 7)),
        ("M3", dt.date(2026, 1, 12)),
        ("M4", dt.date(2026, 1, 27)),
    ):
        start = dt.datetime.combine(day, dt.time(9), UTC)
        m = Meeting(
            meeting_date=day,
            status="closed",
            window_start=start - dt.timedelta(1),
            window_end=start,
        )
        session.add(m)
        session.flush()
        meetings[name] = m.id
        for code in CORE:
            session.add(
                Attendance(
                    meeting_id=m.id,
                    agency_id=agency[code],
                    person_name=f"{code} rep",
                    status=absent.get(name, {}).get(code, "present"),
                )
            )

    def notification(household: str | None, received: dt.datetime) -> int:
        n = Notification(
            police_ref=f"WY-{next(refs)}",
            received_at=received,
            incident_at=received,
            dash_risk="medium",
            address="x",
            postcode="LS9 7AB",
            household_id=households[household] if household else None,
            raw_record={},
            content_hash="h",
        )
        session.add(n)
        session.flush()
        return n.id

    def item(
        meeting: str,
        notification_id: int,
        household: str,
        status: str = "discussed",
        seconds: int = 0,
        flags: dict[str, object] | None = None,
    ) -> int:
        i = AgendaItem(
            meeting_id=meetings[meeting],
            notification_id=notification_id,
            household_id=households[household],
            position=1,
            status=status,
            seconds_spent=seconds,
            flags=flags or {},
        )
        session.add(i)
        session.flush()
        return i.id

    def decide(item_id: int, codes: tuple[str, ...], judgement: bool = False) -> None:
        d = Decision(
            agenda_item_id=item_id, agreed_risk="medium", professional_judgement_marac=judgement
        )
        session.add(d)
        session.flush()
        for code in codes:
            session.add(DecisionOutcome(decision_id=d.id, outcome_code_id=outcome[code]))

    def action(
        item_id: int,
        code: str,
        due: dt.date,
        status: str = "open",
        closed: dt.datetime | None = None,
    ) -> None:
        session.add(
            Action(
                agenda_item_id=item_id,
                owner_agency_id=agency[code],
                description="do",
                due_date=due,
                status=status,
                closed_at=closed,
            )
        )

    n1 = notification("H1", at(2026, 1, 5, 10))
    n2 = notification("H2", at(2026, 1, 6, 8))
    n3 = notification("H3", at(2026, 1, 6, 12))
    n4 = notification("H1", at(2026, 1, 11, 23, 30))
    notification("H4", at(2026, 1, 14, 9, 30))  # N5: never discussed
    n6 = notification("H4", at(2026, 1, 23, 10))
    n7 = notification("H2", at(2026, 1, 27, 7))
    notification(None, at(2026, 1, 28, 10))  # N8: no household, never discussed
    notification("H3", at(2026, 4, 14, 10))  # N9: H3 again, after its 3-month window

    i1 = item("M1", n1, "H1", seconds=600, flags={"marac": ["visible_high_risk"], "repeat": False})
    i2 = item("M2", n2, "H2", seconds=900)
    item("M2", n3, "H3", status="deferred")
    i3 = item("M3", n3, "H3", seconds=480)
    i4 = item("M3", n4, "H1", seconds=720, flags={"marac": ["repeat"]})
    i6 = item("M4", n6, "H4", seconds=0)
    i7 = item("M4", n7, "H2", seconds=780)

    decide(i1, ("IDVA", "MARAC"))
    decide(i2, ("NFA",))
    decide(i3, ("IDVA",), judgement=True)
    decide(i4, ("FGC", "IDVA"))
    decide(i6, ("FGC",))
    decide(i7, ("NFA",))

    action(i1, "DVS", dt.date(2026, 1, 9), "done", at(2026, 1, 8, 12))  # A1 early
    action(i1, "CSWS", dt.date(2026, 1, 9), "done", at(2026, 1, 12, 10))  # A2 late
    action(i2, "HV", dt.date(2026, 1, 14), "done", at(2026, 1, 14, 16))  # A3 on the day
    action(i3, "DVS", dt.date(2026, 1, 16), "not_done", at(2026, 1, 20, 12))  # A4
    action(i4, "POL", dt.date(2026, 1, 16))  # A5 still open
    action(i6, "EH", dt.date(2026, 1, 30), "done", at(2026, 1, 28, 21, 30))  # A6
    action(i7, "HV", dt.date(2026, 5, 1))  # A7 open, not yet due

    f1 = FgcReferral(
        household_id=households["H1"],
        origin_agenda_item_id=i4,
        stage="review",
        offered_at=at(2026, 1, 12, 11),
        referred_at=at(2026, 1, 14, 9),
        conference_date=dt.date(2026, 1, 28),
        conference_held_at=at(2026, 1, 28, 11, 30),
    )
    f2 = FgcReferral(
        household_id=households["H4"],
        origin_agenda_item_id=i6,
        stage="review",
        offered_at=at(2026, 1, 27, 11),
        referred_at=at(2026, 1, 29, 9),
        conference_date=dt.date(2026, 1, 30),
        conference_held_at=at(2026, 1, 30, 10),
    )
    session.add_all([f1, f2])
    session.flush()
    session.add_all(
        [
            FgcConsent(
                referral_id=f1.id,
                person_name="V1",
                kind="victim",
                how="in person",
                recorded_by="c",
                at=at(2026, 1, 13, 10),
            ),
            FgcSafeguard(
                referral_id=f1.id,
                kind="safety_plan",
                recorded_by="c",
                note="Safety plan agreed with the IDVA",
                at=at(2026, 1, 20, 10),
            ),
            FgcConsent(
                referral_id=f2.id,
                person_name="V4",
                kind="victim",
                how="in person",
                recorded_by="c",
                at=at(2026, 1, 28, 10),
            ),
        ]
    )

    def minutes(meeting: str, action_: str, when: dt.datetime, draft: bool) -> None:
        session.add(
            AuditEvent(
                at=when,
                user_login="chair",
                action=action_,
                entity="minutes",
                entity_id=meetings[meeting],
                after={"draft": draft},
            )
        )

    minutes("M1", "export", at(2026, 1, 6, 15), False)
    minutes("M2", "export", at(2026, 1, 7, 15), True)  # a draft: does not count
    minutes("M2", "export", at(2026, 1, 8, 9), False)  # the next day
    minutes("M3", "print", at(2026, 1, 12, 17), False)
    session.flush()
    return Built(meetings, households)
