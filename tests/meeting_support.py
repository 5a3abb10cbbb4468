"""Builders for the meeting tests: users, a planned meeting with cases, households, history."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.access.actor import Actor
from frontdoor_app.access.users import ensure_user
from frontdoor_app.context import AppContext
from frontdoor_app.meeting import lifecycle
from frontdoor_app.models import (
    Agency,
    AgendaItem,
    Household,
    HouseholdMember,
    Meeting,
    Notification,
    NotificationPerson,
    Person,
)

DAY = dt.date(2026, 11, 23)  # a Monday
UTC = dt.UTC
_refs = itertools.count(1)


@dataclass(frozen=True)
class People:
    chair: Actor
    police: Actor
    health: Actor
    housing: Actor
    viewer: Actor
    admin: Actor


@dataclass(frozen=True)
class Built:
    meeting_id: int
    item_ids: tuple[int, ...]
    household_ids: tuple[int, ...]


def people(ctx: AppContext) -> People:
    with ctx.session() as s:
        return People(
            chair=ensure_user(s, "jane.chair", "Jane Ahmed", "chair", "CSWS"),
            police=ensure_user(s, "pc.4711", "PC 4711 Smith", "representative", "POL"),
            health=ensure_user(s, "hv.lee", "Hannah Lee", "representative", "HV"),
            housing=ensure_user(s, "hsg.rao", "Ravi Rao", "representative", "HSG"),
            viewer=ensure_user(s, "vic.viewer", "Val Viewer", "viewer"),
            admin=ensure_user(s, "bs.admin", "Bea Support", "admin"),
        )


def agency_id(s: Session, code: str) -> int:
    found = s.scalar(select(Agency.id).where(Agency.code == code))
    assert found is not None
    return found


def meeting(s: Session, day: dt.date = DAY, status: str = "planned") -> Meeting:
    start = dt.datetime.combine(day, dt.time(9), UTC)
    row = Meeting(
        meeting_date=day,
        status=status,
        window_start=start - dt.timedelta(hours=72),
        window_end=start,
    )
    s.add(row)
    s.flush()
    return row


def case(
    s: Session,
    meeting_row: Meeting,
    position: int,
    *,
    surname: str = "Kowalski",
    victim: tuple[str, dt.date] = ("Anna", dt.date(1992, 3, 4)),
    perpetrator: tuple[str, dt.date] = ("Darren", dt.date(1990, 7, 1)),
    children: tuple[tuple[str, dt.date | None], ...] = (
        ("Maja", dt.date(2019, 5, 1)),
        ("Ola", dt.date(2026, 3, 10)),
    ),
    dash_risk: str = "high",
    flags: dict[str, Any] | None = None,
    household: Household | None = None,
    address: str = "12 Acacia Avenue, Harehills, Leeds",
    postcode: str = "LS9 7AB",
    received: dt.datetime | None = None,
) -> AgendaItem:
    """A notification (with its people) on the meeting's agenda, and its household."""
    n = next(_refs)
    if household is None:
        household = Household(reference=f"H{n:05d}", address=address, postcode=postcode)
        s.add(household)
        s.flush()
        for role, (forename, dob) in [
            ("victim", victim),
            ("perpetrator", perpetrator),
            *(("child", c) for c in children),
        ]:
            p = Person(
                forenames=forename,
                surname=surname,
                dob=dob,
                address=address,
                postcode=postcode,
                school="Harehills Primary" if role == "child" else None,
            )
            s.add(p)
            s.flush()
            s.add(HouseholdMember(household_id=household.id, person_id=p.id, role=role))
    received = received or dt.datetime.combine(meeting_row.meeting_date, dt.time(6), UTC)
    notification = Notification(
        police_ref=f"1326{n:07d}",
        received_at=received,
        incident_at=received - dt.timedelta(hours=2),
        incident_type="domestic crime",
        offence="Assault occasioning actual bodily harm",
        dash_risk=dash_risk,
        dash_yes=15 if dash_risk == "high" else 6,
        address=address,
        postcode=postcode,
        children_present=bool(children),
        weapon=True,
        narrative=f"Officers attended {address}. {victim[0]} {surname} (born {victim[1]:%d/%m/%Y}) "
        f"said {perpetrator[0]} {surname.upper()} pushed her.",
        household_id=household.id,
        raw_record={},
        content_hash=f"h{n}",
    )
    s.add(notification)
    s.flush()
    members = s.execute(
        select(HouseholdMember.role, Person)
        .join(Person)
        .where(HouseholdMember.household_id == household.id)
    ).all()
    for role, p in members:
        s.add(
            NotificationPerson(
                notification_id=notification.id,
                person_id=p.id,
                role=role,
                role_as_sent=role,
                surname=p.surname,
                forenames=p.forenames,
                dob=p.dob,
                school=p.school,
                raw_fields={},
            )
        )
    ages = sorted(DAY.year - d.year for _, d in children if d and d <= DAY)
    item = AgendaItem(
        meeting_id=meeting_row.id,
        notification_id=notification.id,
        household_id=household.id,
        position=position,
        status="waiting",
        flags=flags
        if flags is not None
        else {
            "marac": [],
            "repeat": False,
            "repeat_count": 0,
            "no_child": not children,
            "unborn": False,
            "under5": any(a < 5 for a in ages),
            "children": len(children),
            "child_ages": ages,
        },
    )
    s.add(item)
    s.flush()
    return item


def build(ctx: AppContext, cases: int = 3, day: dt.date = DAY) -> Built:
    """A planned meeting with ``cases`` cases; the first meets a MARAC criterion."""
    surnames = ["Kowalski", "Walker", "Nowak", "Ahmed", "O'Brien", "Nguyen"]
    with ctx.session() as s:
        m = meeting(s, day)
        items = []
        for i in range(cases):
            flags = None
            if i == 0:
                flags = {
                    "marac": ["visible_high_risk"],
                    "repeat": True,
                    "repeat_count": 2,
                    "no_child": False,
                    "unborn": False,
                    "under5": True,
                    "children": 2,
                    "child_ages": [0, 7],
                }
            items.append(
                case(
                    s,
                    m,
                    i + 1,
                    surname=surnames[i % len(surnames)],
                    dash_risk="high" if i == 0 else "medium",
                    flags=flags,
                )
            )
        return Built(m.id, tuple(i.id for i in items), tuple(i.household_id or 0 for i in items))


def build_open(ctx: AppContext, cases: int = 1) -> tuple[People, Built, int]:
    """``build``'s meeting, opened by its chair: the people, what was built, and the
    police's agency id."""
    who = people(ctx)
    built = build(ctx, cases)
    with ctx.session() as s:
        held = s.get(Meeting, built.meeting_id)
        assert held is not None
        version = held.version
        police = agency_id(s, "POL")
    lifecycle.open_meeting(ctx.sessions, who.chair, built.meeting_id, version)
    return who, built, police
