"""The victim's invite list: adding, approving, asking the three questions, withdrawing
and removing invitees, each checked against the person who harmed (``gate``'s rules)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.models import (
    FgcInvitee,
    FgcReferral,
    FgcVictimDecision,
    utcnow,
)
from frontdoor_app.profile import IntakeRules
from frontdoor_app.wording import meaningful, optional

from . import roles
from .common import load_referral, require_open
from .errors import FgcError, SafeguardError
from .gate_checks import (
    INVITE_STEP,
    THREE_ANSWERS,
    VictimSays,
    already,
    check_invitee,
    intake_rules,
    invited,
    require_victim_consent,
    victim_decision,
)
from .people import (
    NewPerson,
    PersonCheck,
    check_person,
    household_people,
    known_harmers,
    person_for_invitee,
)


def _require_three(name: str, answers: dict[str, bool], check: PersonCheck | None) -> None:
    """Refuse, naming each missing answer and why this invitee is the person who harmed."""
    missing = [words for key, words in THREE_ANSWERS if not answers.get(key)]
    if not missing:
        return
    who = f"{name} {check.why}" if check and check.why else f"{name} is the person who harmed"
    raise SafeguardError(
        f"{who}, and can be invited only when all three are recorded; missing: {'; '.join(missing)}"
    )


def add_invitee(
    session: Session,
    actor: Actor,
    referral_id: int,
    *,
    person_id: int | None = None,
    new_person: NewPerson | None = None,
    relationship: str | None = None,
    approval: VictimSays | None = None,
    request: VictimSays | None = None,
    acknowledges_abuse: bool = False,
    willing_to_address: bool = False,
    rules: IntakeRules | None = None,
    client_ref: str | None = None,
) -> int:
    """Put a person on the invite list; the person who harmed only with all three answers.

    The person is chosen from the household's people (``person_id``) or added as a new
    person, matched as the intake matches. Whether they are, or may be, the person who
    harmed is decided here, whatever the caller says. Two people putting the same person
    on the list at the same moment: the second waits for the first (the referral's row is
    locked while the list is checked) and is told they are already on it. ``client_ref`` is
    the laptop's reference for the step: sent again (after a dropped connection), the
    invitee it already added is returned, not refused as already on the list.
    """
    referral = load_referral(session, referral_id, lock=True)
    roles.require(session, actor, INVITE_STEP, referral)
    earlier = already(session, FgcInvitee, client_ref)
    if earlier is not None:
        return earlier
    require_open(referral, "change the invite list")
    require_victim_consent(session, referral, "change the invite list")
    relationship = optional(relationship, "The relationship to the child", 100, FgcError)
    if person_id is not None:
        people = {p.person_id: p for p in household_people(session, referral.household_id)}
        if person_id not in people:
            raise FgcError(
                "choose the invitee from the household's people, or add them as a new "
                "person (forenames, surname, relationship, contact)"
            )
        name, dob, contact = people[person_id].name, people[person_id].dob, None
    elif new_person is not None:
        person_id, name = person_for_invitee(session, actor, intake_rules(rules), new_person)
        dob = new_person.dob
        contact = optional(new_person.contact, "The invitee's contact", 200, FgcError)
    else:
        raise FgcError(
            "an invitee is a person: choose someone from the household or add a new "
            "person with their forenames and surname"
        )
    if any(i.person_id == person_id for i in invited(session, referral.id)):
        raise FgcError(f"{name} is already on the invite list")
    check = check_person(
        session,
        known_harmers(session, referral.household_id),
        intake_rules(rules).review_threshold,
        person_id=person_id,
        name=name,
        dob=dob,
    )
    invitee = FgcInvitee(
        referral_id=referral.id,
        person_id=person_id,
        name=name,
        relationship_to_family=relationship,
        contact=contact,
        client_ref=client_ref,
    )
    if check.is_person_who_harmed:
        answers = {
            "victim_requested": request is not None,
            "acknowledges_abuse": acknowledges_abuse,
            "willing_to_address": willing_to_address,
        }
        _require_three(name, answers, check)
    session.add(invitee)
    session.flush()
    if check.is_person_who_harmed:
        assert request is not None
        _set_three(session, actor, referral, invitee, request)
    elif approval is not None:
        invitee.approved_by_victim_at = victim_decision(
            session,
            actor,
            referral,
            invitee,
            "approve_invitee",
            approval,
            f"the victim's approval of {name}",
        )
    audit.written(
        session,
        actor,
        invitee,
        "create",
        detail=f"the person who harmed ({check.why}), with all three answers"
        if check.is_person_who_harmed
        else None,
    )
    return invitee.id


def _set_three(
    session: Session,
    actor: Actor,
    referral: FgcReferral,
    invitee: FgcInvitee,
    request: VictimSays,
    client_ref: str | None = None,
) -> None:
    at = victim_decision(
        session,
        actor,
        referral,
        invitee,
        "request_attendance",
        request,
        f"the victim's request for {invitee.name} to attend",
        client_ref=client_ref,
    )
    now = utcnow()
    invitee.is_person_who_harmed = True
    invitee.victim_requested_at = at
    invitee.acknowledges_abuse_at = invitee.willing_to_address_at = now
    invitee.approved_by_victim_at = invitee.approved_by_victim_at or at  # the victim asked


def _invitee(session: Session, invitee_id: int) -> tuple[FgcInvitee, FgcReferral]:
    invitee = session.get(FgcInvitee, invitee_id)
    if invitee is None or invitee.removed_at is not None:
        raise FgcError(f"there is no invitee {invitee_id} on the list")
    return invitee, load_referral(session, invitee.referral_id)


def _on_or_off_the_list(session: Session, actor: Actor, invitee_id: int) -> FgcInvitee:
    """The invitee, on the list or taken off it, once ``actor`` may change the list."""
    invitee = session.get(FgcInvitee, invitee_id)
    if invitee is None:
        raise FgcError(f"there is no invitee {invitee_id}")
    roles.require(session, actor, INVITE_STEP, load_referral(session, invitee.referral_id))
    return invitee


def _invite_step(session: Session, actor: Actor, invitee_id: int) -> tuple[FgcInvitee, FgcReferral]:
    invitee, referral = _invitee(session, invitee_id)
    roles.require(session, actor, INVITE_STEP, referral)
    require_open(referral, "change the invite list")
    return invitee, referral


def approve_invitee(
    session: Session,
    actor: Actor,
    invitee_id: int,
    approval: VictimSays,
    client_ref: str | None = None,
) -> None:
    """The victim approves this person on the invite list (as the victim gave it).
    ``client_ref``: the laptop's reference for the step; sent again (after a dropped
    connection), a decision already recorded under it is not recorded twice."""
    invitee, referral = _invite_step(session, actor, invitee_id)
    if already(session, FgcVictimDecision, client_ref) is not None:
        return
    require_victim_consent(session, referral, f"approve {invitee.name}")
    before = audit.snapshot(invitee)
    invitee.approved_by_victim_at = victim_decision(
        session,
        actor,
        referral,
        invitee,
        "approve_invitee",
        approval,
        f"the victim's approval of {invitee.name}",
        client_ref=client_ref,
    )
    audit.written(session, actor, invitee, "update", before, detail="approved by the victim")


def record_three_answers(
    session: Session,
    actor: Actor,
    invitee_id: int,
    *,
    request: VictimSays | None,
    acknowledges_abuse: bool = False,
    willing_to_address: bool = False,
    client_ref: str | None = None,
) -> None:
    """The person who harmed stays on the list only with all three answers (``client_ref``
    as ``approve_invitee``'s)."""
    invitee, referral = _invite_step(session, actor, invitee_id)
    if already(session, FgcVictimDecision, client_ref) is not None:
        return
    require_victim_consent(session, referral, f"change {invitee.name}")
    check = check_invitee(session, referral, invitee)
    _require_three(
        invitee.name,
        {
            "victim_requested": request is not None,
            "acknowledges_abuse": acknowledges_abuse,
            "willing_to_address": willing_to_address,
        },
        check,
    )
    assert request is not None
    before = audit.snapshot(invitee)
    _set_three(session, actor, referral, invitee, request, client_ref)
    audit.written(
        session,
        actor,
        invitee,
        "update",
        before,
        detail="the person who harmed, with all three answers",
    )


mark_person_who_harmed = record_three_answers


def withdraw_request(
    session: Session,
    actor: Actor,
    invitee_id: int,
    says: VictimSays,
    reason: str,
    client_ref: str | None = None,
) -> None:
    """The victim no longer asks for the person who harmed to attend: he leaves the list at
    once (kept, as removed, with the reason and time); a date set while he was invited is
    cleared, so the gate is passed again, and he returns only with a new request and all
    three answers. ``client_ref`` as ``approve_invitee``'s: a withdrawal sent again whose
    first attempt did reach the server is done (he is off the list already)."""
    if client_ref is not None:
        _on_or_off_the_list(session, actor, invitee_id)  # who may: checked first
        if already(session, FgcVictimDecision, client_ref) is not None:
            return
    invitee, referral = _invite_step(session, actor, invitee_id)
    reason = meaningful(reason, "The reason the request is withdrawn", None, FgcError)
    if not (invitee.is_person_who_harmed or check_invitee(session, referral, invitee).known):
        raise FgcError(
            f"{invitee.name} is not the person who harmed; take them off the list "
            "with a reason instead"
        )
    before = audit.snapshot(invitee)
    victim_decision(
        session,
        actor,
        referral,
        invitee,
        "withdraw_request",
        says,
        f"the victim's withdrawal of the request for {invitee.name} to attend",
        reason,
        client_ref=client_ref,
    )
    invitee.removed_at = utcnow()
    invitee.removed_reason = f"the victim withdrew the request: {reason}"
    audit.written(
        session, actor, invitee, "update", before, detail=f"removed: {invitee.removed_reason}"
    )
    if referral.conference_date is not None and referral.stage in (
        "coordinator_allocated",
        "preparation",
    ):
        before = audit.snapshot(referral)
        referral.conference_date = None
        audit.written(
            session,
            actor,
            referral,
            "update",
            before,
            detail="conference date cleared: the invite list changed",
        )


def remove_invitee(
    session: Session, actor: Actor, invitee_id: int, reason: str, again: bool = False
) -> None:
    """Take someone off the list (kept, with the reason and time). ``again``: the step is
    sent again after a dropped connection, and someone already taken off for this very
    reason (by its first attempt) is done, not refused."""
    reason = meaningful(reason, "The reason for taking someone off the invite list", None, FgcError)
    if again:
        off = _on_or_off_the_list(session, actor, invitee_id)
        if off.removed_at is not None and off.removed_reason == reason:
            return
    invitee, _ = _invite_step(session, actor, invitee_id)
    before = audit.snapshot(invitee)
    invitee.removed_at = utcnow()
    invitee.removed_reason = reason
    audit.written(session, actor, invitee, "update", before, detail=f"removed: {reason}")
