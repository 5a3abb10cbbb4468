"""Subject access: everything held about one person, for the data protection officer.

Other people's details are withheld (named only by their role), and so are agencies'
restricted entries; each withholding is stated, never silent. Who viewed the person's
record and when comes from the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.models import (
    Action,
    Agency,
    AgendaItem,
    AuditEvent,
    Decision,
    FgcReferral,
    Household,
    HouseholdMember,
    IntelligenceEntry,
    Meeting,
    Notification,
    NotificationPerson,
    Person,
)

from .actor import Actor
from .audit_view import AuditFilter, conditions, require_admin


class SubjectNotFound(LookupError):
    pass


@dataclass(frozen=True)
class SarPerson:
    id: int
    name: str
    dob: dt.date | None
    nhs_number: str | None
    address: str


@dataclass(frozen=True)
class SarData:
    authority: str
    marking: str
    person: SarPerson
    households: tuple[tuple[str, str, str, str], ...]  # reference, role, from, others withheld
    notifications: tuple[tuple[str, dt.datetime, str, str], ...]  # ref, received, role, risk
    meetings: tuple[tuple[dt.date, str, str, str], ...]  # date, household, status, decision
    entries: tuple[tuple[dt.date, str, str], ...]  # meeting date, agency, text
    actions: tuple[tuple[dt.date, str, str, str, str], ...]  # meeting, action, agency, due, status
    fgc: tuple[tuple[str, str, str], ...]  # household, stage, dates
    views: tuple[tuple[dt.datetime, str, str, str], ...]  # when, who, what, record
    withheld: tuple[str, ...]  # each withholding, stated


def gather(session: Session, actor: Actor, person_id: int, authority: str, marking: str) -> SarData:
    require_admin(actor)
    p = session.get(Person, person_id)
    if p is None:
        raise SubjectNotFound(f"there is no person with id {person_id}")
    person = SarPerson(
        p.id,
        " ".join(x for x in (p.forenames, p.surname) if x),
        p.dob,
        p.nhs_number,
        ", ".join(x for x in (p.address, p.postcode) if x),
    )
    agencies = {a.id: a.name for a in session.scalars(select(Agency))}
    withheld: list[str] = []
    memberships = list(
        session.scalars(select(HouseholdMember).where(HouseholdMember.person_id == person_id))
    )
    household_ids = {m.household_id for m in memberships}
    households = []
    for m in memberships:
        h = session.get(Household, m.household_id)
        others = (
            session.scalar(
                select(HouseholdMember.id)
                .where(
                    HouseholdMember.household_id == m.household_id,
                    HouseholdMember.person_id != person_id,
                )
                .limit(1)
            )
            is not None
        )
        if others:
            withheld.append(
                f"The other members of household {h.reference if h else m.household_id} "
                "(their names, dates of birth and roles) are other people's data."
            )
        households.append(
            (
                h.reference if h else str(m.household_id),
                m.role,
                m.from_date.isoformat() if m.from_date else "",
                "other members withheld" if others else "",
            )
        )
    notifications = tuple(
        (n.police_ref, n.received_at, np.role, n.dash_risk or "")
        for np, n in session.execute(
            select(NotificationPerson, Notification)
            .join(Notification, Notification.id == NotificationPerson.notification_id)
            .where(NotificationPerson.person_id == person_id)
            .order_by(Notification.received_at)
        )
    )
    if notifications:
        withheld.append(
            "The police narrative and the other people named in each notification "
            "are withheld: they describe other people as well as this person."
        )
    items = list(
        session.execute(
            select(AgendaItem, Meeting.meeting_date)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(AgendaItem.household_id.in_(household_ids))
            .order_by(Meeting.meeting_date)
        )
    )
    references = {
        h.id: h.reference
        for h in session.scalars(select(Household).where(Household.id.in_(household_ids)))
    }
    meetings, entries, actions = [], [], []
    restricted = 0
    for item, day in items:
        decision = session.scalar(select(Decision).where(Decision.agenda_item_id == item.id))
        words = f"agreed risk {decision.agreed_risk}" if decision and decision.agreed_risk else ""
        meetings.append((day, references.get(item.household_id or 0, ""), item.status, words))
        for e in session.scalars(
            select(IntelligenceEntry).where(IntelligenceEntry.agenda_item_id == item.id)
        ):
            if e.restricted_to_agency_id is not None:
                restricted += 1
                continue
            entries.append((day, agencies.get(e.agency_id, ""), e.text))
        for a in session.scalars(select(Action).where(Action.agenda_item_id == item.id)):
            actions.append(
                (
                    day,
                    a.description,
                    agencies.get(a.owner_agency_id, ""),
                    a.due_date.isoformat() if a.due_date else "",
                    a.status,
                )
            )
    if restricted:
        withheld.append(
            f"{restricted} entries restricted by an agency to named agencies are "
            "withheld; ask each agency about its own restricted information."
        )
    if entries:
        withheld.append(
            "Entries shared at the meeting are shown as recorded; they may name "
            "other people and must be reviewed before release."
        )
    fgc = tuple(
        (
            references.get(r.household_id, ""),
            r.stage,
            ", ".join(
                f"{k} {v:%d %b %Y}"
                for k, v in (
                    ("offered", r.offered_at),
                    ("referred", r.referred_at),
                    ("closed", r.closed_at),
                )
                if v
            ),
        )
        for r in session.scalars(
            select(FgcReferral).where(FgcReferral.household_id.in_(household_ids))
        )
    )
    views = tuple(
        (e.at, e.user_login, e.action, f"{e.entity.replace('_', ' ')} {e.entity_id or ''}")
        for e in session.scalars(
            select(AuditEvent)
            .where(
                *conditions(AuditFilter(person_id=person_id)),
                AuditEvent.action.in_(("view", "export", "print")),
            )
            .order_by(AuditEvent.id)
        )
    )
    return SarData(
        authority,
        marking,
        person,
        tuple(households),
        notifications,
        tuple(meetings),
        tuple(entries),
        tuple(actions),
        fgc,
        views,
        tuple(withheld),
    )
