"""The referral lifecycle: offered by the meeting, then step by step to review and close.

offered → consent → referred → coordinator allocated → preparation → conference held →
review → closed; or declined / withdrawn / stopped with a reason at any point, and
suspended (then resumed) by the coordinator. Every step has its date on the referral and
an FgcStageEvent row, for the measures.
"""

from __future__ import annotations

import calendar
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.models import (
    AgendaItem,
    Decision,
    DecisionOutcome,
    FgcConsent,
    FgcReferral,
    FgcStageEvent,
    Meeting,
    OutcomeCode,
    utcnow,
)
from frontdoor_app.profile import Profile
from frontdoor_app.wording import meaningful, optional

from . import roles
from .common import load_referral, move_stage, require_open, stage_words
from .eligibility import evaluate
from .errors import FgcError, SafeguardError, TransitionError
from .facts import case_facts
from .gate import (
    CONSENT_KINDS,
    consents_in_force,
    harm_problems,
    missing_consents,
    missing_for_conference,
    require_victim_consent,
)
from .routing import route_referral
from .rules import rules_from_profile

NEXT_STAGE = {
    "offered": "consent",
    "consent": "referred",
    "referred": "coordinator_allocated",
    "coordinator_allocated": "preparation",
    "preparation": "conference_held",
    "conference_held": "review",
    "review": "closed",
}
END_STAGES = ("declined", "withdrawn", "stopped", "suspended")
END_STEPS = {
    "declined": "decline the referral",
    "withdrawn": "withdraw the referral",
    "stopped": "stop the referral",
    "suspended": "suspend the referral",
}


def offer_for_decision(
    session: Session, actor: Actor, profile: Profile, agenda_item_id: int
) -> int | None:
    """Start the FGC offer a decision calls for, in the caller's transaction.

    Returns the id of the household's open referral (the new one, or the one already
    open: at most one per household), or None when the decision calls for no offer, the
    case has no household, or the family is not eligible (``eligibility.for_agenda_item``
    says why in words).
    """
    rules = rules_from_profile(profile)
    case = case_facts(session, agenda_item_id, profile.today())
    if case.household_id is None or not any(case.facts.get(f) for f in rules.offer_when):
        return None
    if case.open_elsewhere_id is not None:
        return case.open_elsewhere_id
    existing = session.scalar(
        select(FgcReferral.id).where(
            FgcReferral.origin_agenda_item_id == agenda_item_id, FgcReferral.is_open.is_(True)
        )
    )
    if existing is not None:
        return existing
    ended = session.scalar(
        select(FgcReferral.stage)
        .where(FgcReferral.origin_agenda_item_id == agenda_item_id, FgcReferral.is_open.is_(False))
        .order_by(FgcReferral.id.desc())
        .limit(1)
    )
    if ended is not None:
        # Declined, withdrawn, stopped or closed: re-saving the decision does not reopen it;
        # a new offer is an explicit action with a reason (offer_again).
        return None
    if evaluate(rules, case.facts)[0] == "not_eligible":
        return None
    return _new_offer(
        session,
        actor,
        case.household_id,
        agenda_item_id,
        "the meeting's decision",
        "FGC offered by the meeting's decision",
    )


def offer_again(
    session: Session, actor: Actor, profile: Profile, agenda_item_id: int, reason: str
) -> int:
    """A new offer after a referral was declined, withdrawn, stopped or closed: explicit,
    with the reason (a refusal is not non-cooperation; the family may ask again)."""
    reason = meaningful(reason, "The reason for offering again", None, FgcError)
    roles.require(session, actor, "offer again", None)
    case = case_facts(session, agenda_item_id, profile.today())
    if case.household_id is None:
        raise FgcError("this case has no household, so there is no family to offer an FGC to")
    open_id = session.scalar(
        select(FgcReferral.id).where(
            FgcReferral.household_id == case.household_id, FgcReferral.is_open.is_(True)
        )
    )
    if open_id is not None:
        raise FgcError(f"the household already has an open FGC referral ({open_id})")
    return _new_offer(
        session,
        actor,
        case.household_id,
        agenda_item_id,
        f"offered again: {reason}",
        f"FGC offered again: {reason}",
    )


def _new_offer(
    session: Session,
    actor: Actor,
    household_id: int,
    agenda_item_id: int,
    event_reason: str,
    detail: str,
) -> int:
    roles.require(session, actor, "offer", None)
    now = utcnow()
    referral = FgcReferral(
        household_id=household_id,
        origin_agenda_item_id=agenda_item_id,
        stage="offered",
        is_open=True,
        offered_at=now,
        routed_how="unrouted",
        reason_for_referral=_reason_from_decision(session, agenda_item_id),
        referrer_name=actor.display_name,
    )
    session.add(referral)
    item = session.get(AgendaItem, agenda_item_id)
    audit.written(
        session,
        actor,
        referral,
        "create",
        meeting_id=item.meeting_id if item else None,
        detail=detail,
    )
    session.add(
        FgcStageEvent(
            referral_id=referral.id,
            from_stage=None,
            to_stage="offered",
            at=now,
            by_name=actor.display_name,
            reason=event_reason,
        )
    )
    route_referral(session, actor, referral)
    return referral.id


def _reason_from_decision(session: Session, agenda_item_id: int) -> str:
    labels = session.scalars(
        select(OutcomeCode.label)
        .join(DecisionOutcome, DecisionOutcome.outcome_code_id == OutcomeCode.id)
        .join(Decision, Decision.id == DecisionOutcome.decision_id)
        .where(Decision.agenda_item_id == agenda_item_id)
        .order_by(OutcomeCode.sort_order)
    ).all()
    decision = session.scalar(select(Decision).where(Decision.agenda_item_id == agenda_item_id))
    item = session.get(AgendaItem, agenda_item_id)
    meeting = session.get(Meeting, item.meeting_id) if item else None
    when = (
        f"The front door meeting of {meeting.meeting_date:%d %b %Y}" if meeting else "The meeting"
    )
    text = f"{when} decided: {', '.join(labels)}."
    if decision is not None and decision.rationale:
        text += f" Rationale: {decision.rationale}"
    return text


def advance(
    session: Session,
    actor: Actor,
    profile: Profile,
    referral_id: int,
    to_stage: str,
    *,
    version: int | None = None,
    coordinator: str | None = None,
    match_request: str | None = None,
    plan_agreed: bool | None = None,
    today: dt.date | None = None,
    review_date: dt.date | None = None,
    close_reason: str | None = None,
) -> None:
    """Move a referral one step on; refused, in words, when the step is wrong or unsafe.

    Preparation and the conference held check the whole invite list again. A plan not
    agreed needs what happens next: a ``review_date``, or ``close_reason`` to close.
    """
    referral = load_referral(session, referral_id, version)
    doing = f"move the referral to {stage_words(to_stage)}"
    roles.require(session, actor, doing, referral)
    require_open(referral, doing)
    expected = NEXT_STAGE.get(referral.stage)
    if to_stage != expected:
        raise TransitionError(
            f"cannot {doing}: it is at {stage_words(referral.stage)}, and the next step is "
            f"{stage_words(expected) if expected else 'none'}"
        )
    if to_stage == "consent":
        missing = missing_consents(session, referral)
        if missing:
            raise SafeguardError(f"cannot {doing}: {'; '.join(missing)}")
    else:
        require_victim_consent(session, referral, doing)
    if to_stage == "referred" and referral.team_id is None:
        raise FgcError(
            f"cannot {doing}: no FGC team yet ({referral.routing_reason or 'not routed'}); "
            "choose the team by hand"
        )
    if to_stage == "coordinator_allocated":
        coordinator = meaningful(coordinator, f"To {doing}, the coordinator's name", 200, FgcError)
        match = optional(match_request, "The match request", 400, FgcError)
        before = audit.snapshot(referral)
        referral.coordinator = coordinator
        referral.coordinator_match_request = match
        audit.written(session, actor, referral, "update", before, detail="coordinator allocated")
    if to_stage == "preparation":
        harm = harm_problems(session, referral, profile.intake)
        if harm:
            raise SafeguardError(f"cannot {doing}: {'; '.join(harm)}")
    closing = None
    if to_stage == "conference_held":
        closing = _hold_conference(
            session,
            actor,
            profile,
            referral,
            plan_agreed,
            today or profile.today(),
            review_date,
            close_reason,
        )
    move_stage(session, actor, referral, to_stage)
    if closing is not None:
        move_stage(session, actor, referral, "closed", closing)


def _hold_conference(
    session: Session,
    actor: Actor,
    profile: Profile,
    referral: FgcReferral,
    plan_agreed: bool | None,
    today: dt.date,
    review_date: dt.date | None,
    close_reason: str | None,
) -> str | None:
    """Check and record the conference; returns the reason to close, when closing."""
    missing = missing_for_conference(session, referral, profile.intake)
    if missing:
        raise SafeguardError(
            f"the conference cannot be recorded as held; missing: {'; '.join(missing)}"
        )
    if referral.conference_date is None:
        raise FgcError("the conference cannot be recorded as held: no conference date is set")
    if referral.conference_date > today:
        raise FgcError(
            f"the conference is set for {referral.conference_date.isoformat()}, "
            "which has not come yet"
        )
    if plan_agreed is None:
        raise FgcError("say whether the family's plan was agreed (yes or no)")
    closing = None
    due = add_months(referral.conference_date, rules_from_profile(profile).review_months)
    if not plan_agreed:
        closing = optional(close_reason, "The reason for closing", None, FgcError)
        if review_date is None and closing is None:
            raise FgcError(
                "the family's plan was not agreed: say what happens next — a review "
                "date, or close the referral with the reason"
            )
        if review_date is not None and closing is not None:
            raise FgcError("give a review date or close the referral, not both")
        if review_date is not None:
            if review_date < referral.conference_date:
                raise FgcError("the review date is before the conference")
            due = review_date
    before = audit.snapshot(referral)
    referral.plan_agreed = plan_agreed
    referral.review_due = None if closing else due
    audit.written(session, actor, referral, "update", before, detail="conference held")
    return f"the family's plan was not agreed: {closing}" if closing else None


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_referral(
    session: Session,
    actor: Actor,
    referral_id: int,
    stage: str,
    reason: str,
    version: int | None = None,
) -> None:
    """Decline, withdraw, stop or suspend a referral, always with a reason."""
    if stage not in END_STAGES:
        raise TransitionError(f"a referral can be ended as {', '.join(END_STAGES)}, not {stage!r}")
    referral = load_referral(session, referral_id, version)
    roles.require(session, actor, END_STEPS[stage], referral)
    reason = meaningful(reason, f"The reason the referral is {stage_words(stage)}", None, FgcError)
    if not referral.is_open:
        raise TransitionError(f"the referral is already {stage_words(referral.stage)}")
    if stage == "suspended" and referral.stage == "suspended":
        raise TransitionError("the referral is already suspended")
    move_stage(session, actor, referral, stage, reason)


def resume(
    session: Session, actor: Actor, referral_id: int, reason: str, version: int | None = None
) -> str:
    """Resume a suspended referral at the stage it was suspended from; returns that stage."""
    referral = load_referral(session, referral_id, version)
    roles.require(session, actor, "resume the referral", referral)
    reason = meaningful(reason, "The reason for resuming", None, FgcError)
    if referral.stage != "suspended":
        raise TransitionError(
            f"only a suspended referral can be resumed; it is {stage_words(referral.stage)}"
        )
    previous = (
        session.scalar(
            select(FgcStageEvent.from_stage)
            .where(FgcStageEvent.referral_id == referral.id, FgcStageEvent.to_stage == "suspended")
            .order_by(FgcStageEvent.id.desc())
            .limit(1)
        )
        or "offered"
    )
    move_stage(session, actor, referral, previous, reason)
    return previous


def withdraw_consent(
    session: Session, actor: Actor, consent_id: int, reason: str, again: bool = False
) -> None:
    """Consent withdrawn: an FGC is voluntary, so the referral is withdrawn with it.
    ``again``: the step is sent again after a dropped connection, and a consent already
    withdrawn (by its first attempt) is done, not refused."""
    consent = session.get(FgcConsent, consent_id)
    if consent is None:
        raise FgcError(f"there is no consent {consent_id} in force")
    roles.require(session, actor, "withdraw consent", load_referral(session, consent.referral_id))
    if consent.withdrawn_at is not None:
        if again:
            return  # withdrawn by this step's first attempt
        raise FgcError(f"there is no consent {consent_id} in force")
    reason = meaningful(
        reason,
        "The reason consent is withdrawn (the family's words where possible)",
        None,
        FgcError,
    )
    before = audit.snapshot(consent)
    consent.withdrawn_at = utcnow()
    audit.written(session, actor, consent, "update", before, detail=reason)
    referral = load_referral(session, consent.referral_id)
    if referral.is_open and (
        consent.kind == "victim" or not consents_in_force(session, referral.id, consent.kind)
    ):
        end_referral(
            session,
            actor,
            referral.id,
            "withdrawn",
            f"{CONSENT_KINDS[consent.kind]} withdrawn by {consent.person_name}: {reason}",
        )
