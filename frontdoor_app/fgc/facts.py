"""The facts about a case that the eligibility rules (profile data) are written in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from frontdoor_app.flags import Flags
from frontdoor_app.models import (
    AgendaItem,
    Decision,
    DecisionOutcome,
    FgcConsent,
    FgcReferral,
    HouseholdMember,
    Notification,
    NotificationPerson,
    OutcomeCode,
    Person,
)

from .errors import FgcError


@dataclass(frozen=True)
class CaseFacts:
    agenda_item_id: int
    household_id: int | None
    facts: dict[str, bool]
    referral_id: int | None  # the referral the case's consents are read from
    open_elsewhere_id: int | None  # an open referral of the household from another item


def case_facts(session: Session, agenda_item_id: int, today: dt.date) -> CaseFacts:
    """Work out every fact the rules may name, for one agenda item, on the authority's
    ``today`` (``profile.today()``)."""
    item = session.get(AgendaItem, agenda_item_id)
    if item is None:
        raise FgcError(f"there is no agenda item {agenda_item_id}")
    notification = session.get(Notification, item.notification_id)
    household_id = item.household_id or (notification.household_id if notification else None)
    facts: dict[str, bool] = {}
    on = notification.incident_at.date() if notification is not None else today
    facts["child_in_household"] = _has_child(session, household_id, item.notification_id, today, on)
    facts["unborn_child"] = bool(
        (notification is not None and notification.pregnancy) or Flags.read(item.flags).unborn
    )
    outcomes = session.execute(
        select(OutcomeCode.code, OutcomeCode.is_fgc_offer, OutcomeCode.is_strategy_discussion)
        .join(DecisionOutcome, DecisionOutcome.outcome_code_id == OutcomeCode.id)
        .join(Decision, Decision.id == DecisionOutcome.decision_id)
        .where(Decision.agenda_item_id == agenda_item_id)
    ).all()
    facts["outcome_fgc_offer"] = any(o.is_fgc_offer for o in outcomes)
    facts["outcome_strategy_discussion"] = any(o.is_strategy_discussion for o in outcomes)
    for o in outcomes:
        facts[f"outcome:{o.code}"] = True
    own = None
    open_elsewhere = None
    if household_id is not None:
        open_elsewhere = session.scalar(
            select(FgcReferral.id).where(
                FgcReferral.household_id == household_id,
                FgcReferral.is_open.is_(True),
                (FgcReferral.origin_agenda_item_id != agenda_item_id)
                | FgcReferral.origin_agenda_item_id.is_(None),
            )
        )
        own = session.scalar(
            select(FgcReferral.id)
            .where(FgcReferral.origin_agenda_item_id == agenda_item_id)
            .order_by(FgcReferral.is_open.desc(), FgcReferral.id.desc())
            .limit(1)
        )
    facts["not_in_open_fgc"] = open_elsewhere is None
    consent_from = own or open_elsewhere
    facts["parental_consent"] = consent_in_force(session, consent_from, "parental_responsibility")
    facts["victim_consent"] = consent_in_force(session, consent_from, "victim")
    return CaseFacts(agenda_item_id, household_id, facts, consent_from, open_elsewhere)


def consent_in_force(session: Session, referral_id: int | None, kind: str) -> bool:
    if referral_id is None:
        return False
    return bool(
        session.scalar(
            select(
                exists().where(
                    FgcConsent.referral_id == referral_id,
                    FgcConsent.kind == kind,
                    FgcConsent.withdrawn_at.is_(None),
                )
            )
        )
    )


def adult_cutoff(on: dt.date) -> dt.date:
    """Born on or before this day: 18 or over on ``on`` (29 Feb births count from 28 Feb)."""
    try:
        return on.replace(year=on.year - 18)
    except ValueError:
        return on.replace(year=on.year - 18, day=28)


def _has_child(
    session: Session, household_id: int | None, notification_id: int, today: dt.date, on: dt.date
) -> bool:
    """A child is under 18 on the incident date (or unborn), from the date of birth where
    known; the recorded role alone does not make a 36-year-old a child."""
    cutoff = adult_cutoff(on)
    if household_id is not None and session.scalar(
        select(
            exists().where(
                HouseholdMember.household_id == household_id,
                HouseholdMember.role == "child",
                HouseholdMember.to_date.is_(None) | (HouseholdMember.to_date >= today),
                Person.id == HouseholdMember.person_id,
                Person.dob.is_(None) | (Person.dob > cutoff),
            )
        )
    ):
        return True
    return bool(
        session.scalar(
            select(
                exists().where(
                    NotificationPerson.notification_id == notification_id,
                    NotificationPerson.role == "child",
                    NotificationPerson.dob.is_(None) | (NotificationPerson.dob > cutoff),
                    NotificationPerson.age.is_(None) | (NotificationPerson.age < 18),
                )
            )
        )
    )
