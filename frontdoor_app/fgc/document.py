"""Loading a referral from the database into the referral document's plain data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.export.referral import (
    ConsentLine,
    InviteLine,
    PersonLine,
    ReferralData,
    SafeguardLine,
    render_referral,
)
from frontdoor_app.flags import Flags
from frontdoor_app.models import (
    AgendaItem,
    Decision,
    FgcReferral,
    FgcTeam,
    Household,
    HouseholdMember,
    Meeting,
    Notification,
    Person,
)
from frontdoor_app.personal import age_text, full_name
from frontdoor_app.profile import Profile

from .errors import FgcError
from .gate import missing_for_conference
from .views import referral_view

ROLE_ORDER = {"victim": 0, "perpetrator": 1, "child": 2, "other_adult": 3}


def referral_data(
    session: Session, profile: Profile, referral_id: int, today: dt.date | None = None
) -> ReferralData:
    """Everything the referral document prints, read from the database."""
    today = today or profile.today()
    referral = session.get(FgcReferral, referral_id)
    if referral is None:
        raise FgcError(f"there is no FGC referral {referral_id}")
    view = referral_view(session, profile, referral_id, today)
    household = session.get(Household, referral.household_id)
    assert household is not None
    team = session.get(FgcTeam, referral.team_id) if referral.team_id else None
    members = session.execute(
        select(Person, HouseholdMember.role)
        .join(HouseholdMember, HouseholdMember.person_id == Person.id)
        .where(
            HouseholdMember.household_id == household.id,
            HouseholdMember.to_date.is_(None) | (HouseholdMember.to_date >= today),
        )
    ).all()
    people = sorted(
        (
            PersonLine(full_name(p.forenames, p.surname), role, p.dob, age_text(p.dob, today))
            for p, role in members
        ),
        key=lambda line: (ROLE_ORDER.get(line.role, 9), line.dob or dt.date.max),
    )
    item = (
        session.get(AgendaItem, referral.origin_agenda_item_id)
        if referral.origin_agenda_item_id
        else None
    )
    notification = session.get(Notification, item.notification_id) if item else None
    meeting = session.get(Meeting, item.meeting_id) if item else None
    decision = (
        session.scalar(select(Decision).where(Decision.agenda_item_id == item.id)) if item else None
    )
    factors: list[str] = []
    if notification is not None:
        for flag, words in (
            ("weapon", "weapon used or threatened"),
            ("alcohol", "alcohol"),
            ("drugs", "drugs"),
            ("pregnancy", "pregnancy"),
        ):
            if getattr(notification, flag):
                factors.append(words)
        if notification.pregnancy:
            people.append(PersonLine("Unborn child", "child", None, "unborn"))
    factors += Flags.read(item.flags if item is not None else None).marac_words()
    return ReferralData(
        authority=profile.name,
        short_name=profile.short_name,
        protective_marking=profile.protective_marking,
        timezone=profile.timezone,
        referral_id=referral.id,
        household_reference=household.reference,
        address=household.address,
        postcode=household.postcode,
        team_name=team.name if team else None,
        team_contact=team.contact if team else None,
        routing=referral.routing_reason or referral.routed_how,
        stage_words=view.stage_words,
        people=tuple(people),
        reason_for_referral=referral.reason_for_referral,
        meeting_date=meeting.meeting_date if meeting else None,
        offered_at=referral.offered_at,
        consents=tuple(
            ConsentLine(c.kind_words, c.person_name, c.how, c.at, c.recorded_by, c.withdrawn_at)
            for c in view.consents
        ),
        invitees=tuple(
            InviteLine(
                i.name,
                i.relationship,
                i.approved_by_victim,
                i.is_person_who_harmed,
                i.victim_requested,
                i.acknowledges_abuse,
                i.willing_to_address,
            )
            for i in view.invitees
        ),
        safeguards=tuple(
            SafeguardLine(g.words, g.recorded_by, g.at, g.note) for g in view.safeguards
        ),
        gate_missing=tuple(missing_for_conference(session, referral)) if referral.is_open else (),
        police_risk=notification.dash_risk if notification else None,
        dash_yes=notification.dash_yes if notification else None,
        agreed_risk=decision.agreed_risk if decision else None,
        risk_factors=tuple(factors),
        referrer=referral.referrer_name,
        coordinator=referral.coordinator,
        coordinator_match_request=referral.coordinator_match_request,
        conference_date=referral.conference_date,
    )


def export_referral(
    session: Session,
    actor: Actor,
    profile: Profile,
    referral_id: int,
    *,
    generated_at: dt.datetime,
    invariant: bool = False,
) -> bytes:
    """The referral PDF, with the export recorded in the audit trail."""
    data = referral_data(session, profile, referral_id, generated_at.date())
    pdf = render_referral(data, generated_at=generated_at, invariant=invariant)
    audit.record(
        session,
        actor,
        "export",
        "fgc_referral",
        referral_id,
        detail=f"FGC referral PDF for household {data.household_reference}",
    )
    return pdf
