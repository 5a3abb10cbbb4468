"""Builders for the FGC tests: a household with a victim, the person who harmed, children,
a notification on a meeting's agenda and (optionally) a decision with outcome codes."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.access.actor import Actor
from frontdoor_app.access.users import ensure_user
from frontdoor_app.fgc.gate import VictimSays
from frontdoor_app.models import (
    AgendaItem,
    Decision,
    DecisionOutcome,
    Household,
    HouseholdMember,
    Meeting,
    Notification,
    NotificationPerson,
    OutcomeCode,
    Person,
)

_refs = itertools.count(1)
UTC = dt.UTC


@dataclass(frozen=True)
class Case:
    household_id: int
    agenda_item_id: int
    meeting_id: int
    victim_id: int
    perpetrator_id: int
    child_ids: tuple[int, ...]


def meeting(session: Session, day: dt.date = dt.date(2026, 11, 23)) -> Meeting:
    found = session.scalar(select(Meeting).where(Meeting.meeting_date == day))
    if found:
        return found
    start = dt.datetime.combine(day, dt.time(9), UTC)
    row = Meeting(
        meeting_date=day,
        status="in_progress",
        window_start=start - dt.timedelta(1),
        window_end=start,
    )
    session.add(row)
    session.flush()
    return row


def person(session: Session, forenames: str, surname: str, dob: dt.date | None = None) -> Person:
    row = Person(forenames=forenames, surname=surname, dob=dob)
    session.add(row)
    session.flush()
    return row


def build_case(
    session: Session,
    *,
    postcode: str | None = "LS9 7AB",
    children: int = 2,
    pregnancy: bool = False,
    outcomes: tuple[str, ...] = ("FGC",),
    surname: str = "Kowalski",
    day: dt.date = dt.date(2026, 11, 23),
    rationale: str = "Family want support from the wider family.",
) -> Case:
    n = next(_refs)
    household = Household(
        reference=f"H{n:05d}", address=f"{n} Harehills Lane, Leeds", postcode=postcode
    )
    session.add(household)
    session.flush()
    victim = person(session, "Anna", surname, dt.date(1992, 3, 4))
    perpetrator = person(session, "Darren", surname, dt.date(1990, 7, 1))
    kids = [
        person(session, name, surname, dt.date(2018 + i, 5, 1))
        for i, name in enumerate(("Maja", "Tomasz", "Ola")[:children])
    ]
    for p, role in [(victim, "victim"), (perpetrator, "perpetrator")] + [
        (k, "child") for k in kids
    ]:
        session.add(HouseholdMember(household_id=household.id, person_id=p.id, role=role))
    received = dt.datetime.combine(day, dt.time(6), UTC) - dt.timedelta(hours=3)
    notification = Notification(
        police_ref=f"1326{n:07d}",
        received_at=received,
        incident_at=received,
        dash_risk="high",
        dash_yes=15,
        address=household.address or "",
        postcode=postcode or "",
        pregnancy=pregnancy,
        children_present=children > 0,
        weapon=True,
        household_id=household.id,
        raw_record={},
        content_hash=f"{n:064d}",
        narrative="Verbal argument escalated; neighbours called police.",
    )
    session.add(notification)
    session.flush()
    for p, role in [(victim, "victim"), (perpetrator, "perpetrator")]:
        session.add(
            NotificationPerson(
                notification_id=notification.id,
                person_id=p.id,
                role=role,
                role_as_sent=role,
                surname=p.surname,
                forenames=p.forenames,
                raw_fields={},
            )
        )
    m = meeting(session, day)
    item = AgendaItem(
        meeting_id=m.id,
        notification_id=notification.id,
        household_id=household.id,
        position=n,
        flags={},
    )
    session.add(item)
    session.flush()
    if outcomes:
        decide(session, item.id, outcomes, rationale)
    return Case(household.id, item.id, m.id, victim.id, perpetrator.id, tuple(k.id for k in kids))


def decide(
    session: Session, agenda_item_id: int, outcomes: tuple[str, ...], rationale: str = ""
) -> Decision:
    """A decision row with these outcome codes (what the meeting's decision recording writes)."""
    decision = Decision(agenda_item_id=agenda_item_id, agreed_risk="high", rationale=rationale)
    session.add(decision)
    session.flush()
    for code in outcomes:
        oc = session.scalar(select(OutcomeCode).where(OutcomeCode.code == code))
        assert oc is not None, code
        session.add(DecisionOutcome(decision_id=decision.id, outcome_code_id=oc.id))
    session.flush()
    return decision


# --- who acts, and the victim's decisions --------------------------------------------------


def coordinator(session: Session, referral_id: int, login: str = "coord") -> Actor:
    """An FGC coordinator of the referral's team (created once per login)."""
    from frontdoor_app.models import FgcReferral, FgcTeam

    team_id = session.get(FgcReferral, referral_id).team_id
    assert team_id is not None, "the referral is not routed to a team"
    code = session.get(FgcTeam, team_id).code
    return ensure_user(
        session,
        f"{login}.{code.lower()}",
        f"Coordinator {code}",
        "fgc_coordinator",
        fgc_team_code=code,
    )


def other_coordinator(session: Session, referral_id: int) -> Actor:
    """An FGC coordinator of another team than the referral's."""
    from frontdoor_app.models import FgcReferral, FgcTeam

    team_id = session.get(FgcReferral, referral_id).team_id
    other = session.scalar(select(FgcTeam).where(FgcTeam.id != team_id).order_by(FgcTeam.id))
    return ensure_user(
        session,
        f"other.{other.code.lower()}",
        f"Coordinator {other.code}",
        "fgc_coordinator",
        fgc_team_code=other.code,
    )


def actors(session: Session, referral_id: int) -> dict[str, Actor]:
    """One actor per role the rules name, for the role tests."""
    return {
        "chair": ensure_user(session, "r.chair", "Chair Person", "chair"),
        "coordinator": coordinator(session, referral_id),
        "other_coordinator": other_coordinator(session, referral_id),
        "admin": ensure_user(session, "r.admin", "Admin Person", "admin"),
        "representative": ensure_user(session, "r.rep", "Housing Rep", "representative"),
        "viewer": ensure_user(session, "r.viewer", "A Viewer", "viewer"),
    }


def says(case: Case, how: str = "in_person", **kwargs: object) -> VictimSays:
    """The victim's decision, as the victim gave it."""
    return VictimSays(case.victim_id, how, **kwargs)  # type: ignore[arg-type]


def victim_of(session: Session, referral_id: int) -> int:
    """The victim person of the referral's household."""
    from frontdoor_app.fgc.people import victims
    from frontdoor_app.models import FgcReferral

    return victims(session, session.get(FgcReferral, referral_id).household_id)[0].person_id


def consent_both(session: Session, actor: Actor, referral_id: int, how: str = "in_person") -> None:
    """The victim's consent and the parental consent, both given by the victim."""
    from frontdoor_app.fgc import gate

    victim = victim_of(session, referral_id)
    gate.record_consent(session, actor, referral_id, "victim", victim, how)
    gate.record_consent(session, actor, referral_id, "parental_responsibility", victim, how)


def invite(
    session: Session,
    actor: Actor,
    referral_id: int,
    forenames: str,
    surname: str,
    relationship: str | None = None,
    approved: bool = True,
) -> int:
    """A new person on the invite list, approved by the victim in person."""
    from frontdoor_app.fgc import gate
    from frontdoor_app.fgc.people import NewPerson

    approval = VictimSays(victim_of(session, referral_id), "in_person") if approved else None
    return gate.add_invitee(
        session,
        actor,
        referral_id,
        new_person=NewPerson(forenames, surname),
        relationship=relationship,
        approval=approval,
    )
