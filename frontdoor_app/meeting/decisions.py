"""The meeting's decision on a case: coded outcomes, the agreed risk and the rationale.

The rules (DOMAIN.md): a meeting may raise the police grading but must write down why
whenever it lowers it; no further action on a case meeting a MARAC criterion needs a
written rationale too, and so does a MARAC referral on professional judgement.
``decision_problems`` gives the reasons without saving, so a screen can say why Save is
disabled; ``save_decision`` refuses with the same words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from frontdoor_app.access import audit
from frontdoor_app.access.actor import DECIDES, Actor
from frontdoor_app.fgc.errors import FgcError
from frontdoor_app.flags import Flags
from frontdoor_app.models import (
    AgendaItem,
    Decision,
    DecisionOutcome,
    Notification,
    OutcomeCode,
    User,
)
from frontdoor_app.profile import DETAIL_MAX, RISK_LEVELS, Profile
from frontdoor_app.wording import says_something, tidy

from .common import Writer, check_version, get, item_and_meeting, now, require_role, unit
from .drafts import drop_draft
from .errors import ConflictError, DecisionConflict, DecisionRefused, MeetingError
from .views import RISK_ORDER, DecisionView, OutcomeView


def decision_problems(
    session: Session,
    item_id: int,
    outcome_codes: Sequence[str],
    agreed_risk: str | None,
    rationale: str | None,
    professional_judgement_marac: bool = False,
    details: Mapping[str, str] | None = None,
) -> list[str]:
    """Every reason the decision cannot be saved as it stands, in words; empty when it can.

    ``details`` are the answers to the outcomes' questions, by outcome code."""
    item = get(session, AgendaItem, item_id, "Case")
    police_risk = session.scalar(
        select(Notification.dash_risk).where(Notification.id == item.notification_id)
    )
    known = {
        o.code: o
        for o in session.scalars(
            select(OutcomeCode).where(OutcomeCode.code.in_(list(outcome_codes)))
        )
    }
    problems = []
    if item.status == "deferred":
        problems.append(
            f"Case {item.position} is deferred to the next meeting; bring it back to "
            "this meeting before recording a decision."
        )
    if not outcome_codes:
        problems.append("Choose at least one outcome.")
    unknown = [c for c in outcome_codes if c not in known]
    if unknown:
        problems.append(f"Unknown outcome code {', '.join(unknown)}: it is not in the profile.")
    if agreed_risk not in RISK_LEVELS:
        problems.append("Choose the agreed risk level (standard, medium or high).")
    problems += detail_problems([known[c] for c in outcome_codes if c in known], details or {})
    has_text = says_something(rationale)
    nfa = [o for o in known.values() if o.is_nfa]
    if nfa and len(known) > 1:
        problems.append(f"'{nfa[0].label}' cannot be combined with other outcomes.")
    if (
        not has_text
        and agreed_risk in RISK_LEVELS
        and police_risk in RISK_LEVELS
        and RISK_ORDER[agreed_risk] < RISK_ORDER[police_risk]
    ):
        problems.append(
            f"A rationale is required: the agreed risk ({agreed_risk}) is lower than the "
            f"police DASH grading ({police_risk}); write down why it is being lowered."
        )
    marac = _marac_criteria(item)
    if not has_text and nfa and (marac or professional_judgement_marac):
        met = ", ".join(m.replace("_", " ") for m in marac) or "professional judgement"
        problems.append(
            f"A rationale is required: '{nfa[0].label}' was chosen for a case that meets a "
            f"MARAC criterion ({met}); write down why no further action is right."
        )
    if not has_text and professional_judgement_marac and not nfa:
        problems.append(
            "A rationale is required: a MARAC referral on professional judgement needs the "
            "meeting's reason in writing."
        )
    return problems


def detail_problems(chosen: Sequence[OutcomeCode], details: Mapping[str, str]) -> list[str]:
    """The chosen outcomes' questions left unanswered (where the profile requires an answer),
    and answers too long to keep, in words."""
    problems = []
    for o in chosen:
        answer = tidy(details.get(o.code) or "")
        if o.detail_required and not says_something(answer):
            problems.append(f"'{o.label}' needs an answer to '{o.detail_prompt}'.")
        elif len(answer) > DETAIL_MAX:
            problems.append(
                f"The answer beside '{o.label}' is {len(answer)} characters; "
                f"keep it to {DETAIL_MAX} and put the rest in the rationale."
            )
    return problems


def save_decision(
    sessions: sessionmaker[Session],
    actor: Actor,
    profile: Profile,
    item_id: int,
    outcome_codes: Sequence[str],
    agreed_risk: str,
    rationale: str | None,
    *,
    professional_judgement_marac: bool = False,
    details: Mapping[str, str] | None = None,
    version: int | None = None,
    reason: str | None = None,
    draft: str | None = None,
) -> DecisionView:
    """Record (or change) the chair's decision for a case.

    ``version`` is None for a first decision and the ``DecisionView.version`` the chair saw
    when changing one. ``details`` adds a note per outcome code (e.g. INFO → "school").
    An FGC-offer outcome starts the FGC offer in the same transaction. ``reason`` is needed
    only after the meeting is closed (the change is then an amendment). ``draft`` names the
    kind of the chair's draft this decision replaces: it is cleared in the same transaction.
    """
    require_role(actor, DECIDES, "record the decision")
    codes = list(dict.fromkeys(c.strip() for c in outcome_codes if c.strip()))
    try:
        return _save_decision(
            sessions,
            actor,
            profile,
            item_id,
            codes,
            agreed_risk,
            rationale,
            professional_judgement_marac,
            details,
            version,
            reason,
            draft,
        )
    except IntegrityError:
        # Two first decisions at the same moment: the other one's insert won the case's
        # unique key. That is a conflict to show, not a fault.
        with sessions() as s:
            theirs = load_decision(s, item_id)
        if theirs is None:
            raise
        raise DecisionConflict(_SOMEONE_ELSE, theirs) from None


_SOMEONE_ELSE = (
    "Someone else recorded a decision for this case while you were writing "
    "yours; both are shown so you can choose."
)
_CHANGED = (
    "The decision was changed by someone else after you started; both versions are "
    "shown so you can choose."
)


def _save_decision(
    sessions: sessionmaker[Session],
    actor: Actor,
    profile: Profile,
    item_id: int,
    codes: list[str],
    agreed_risk: str,
    rationale: str | None,
    professional_judgement_marac: bool,
    details: Mapping[str, str] | None,
    version: int | None,
    reason: str | None,
    draft: str | None,
) -> DecisionView:
    with unit(sessions) as s:
        item, meeting = item_and_meeting(s, item_id)
        problems = decision_problems(
            s, item_id, codes, agreed_risk, rationale, professional_judgement_marac, details
        )
        if problems:
            raise DecisionRefused(problems)
        writer = Writer(s, actor, meeting, reason, "change the decision")
        decision = s.scalar(select(Decision).where(Decision.agenda_item_id == item.id))
        text = tidy(rationale) if says_something(rationale) else None
        if decision is None:
            if version is not None:
                raise ConflictError("The decision you were changing has gone; reload the case.")
            decision = Decision(
                agenda_item_id=item.id,
                agreed_risk=agreed_risk,
                rationale=text,
                professional_judgement_marac=professional_judgement_marac,
                decided_by_id=actor.user_id,
            )
            s.add(decision)
            before = None
        else:
            if version is None:
                raise DecisionConflict(_SOMEONE_ELSE, decision_view(s, decision))
            if decision.version != version:
                raise DecisionConflict(_CHANGED, decision_view(s, decision))
            check_version(decision, version, "The decision")
            before = audit.snapshot(decision)
            before["outcomes"] = _codes_text(s, decision)
            decision.agreed_risk, decision.rationale = agreed_risk, text
            decision.professional_judgement_marac = professional_judgement_marac
            decision.decided_by_id = actor.user_id
            # Outcomes live in other rows: touching the decision bumps its version, so a
            # concurrent change of the outcomes alone still conflicts.
            decision.decided_at = now()
        _set_outcomes(s, decision, codes, details or {})
        s.flush()
        after_codes = _codes_text(s, decision)
        writer.written(
            decision, "create" if before is None else "update", before, f"outcomes: {after_codes}"
        )
        if before is not None and writer.amending and before["outcomes"] != after_codes:
            writer.field_amended(
                "decision", decision.id, "outcomes", before["outcomes"], after_codes
            )
        # The profile's [fgc] offer_when rules decide which outcomes start an offer (an FGC
        # offer, and also strategy discussion / ICPC: those families are always offered one).
        # Imported here: reading a case (decision_view) needs none of the FGC machinery.
        from frontdoor_app.fgc.referrals import offer_for_decision

        try:
            offer_for_decision(s, actor, profile, item.id)
        except FgcError as exc:
            # The decision and the offer stand or fall together: nothing is saved.
            raise MeetingError(
                f"The decision calls for an FGC offer that could not be "
                f"started, so nothing was saved: {exc}"
            ) from exc
        if draft is not None:
            drop_draft(s, actor, item_id, draft)
        return decision_view(s, decision)


def load_decision(session: Session, item_id: int) -> DecisionView | None:
    """The case's decision, if one is recorded."""
    decision = session.scalar(select(Decision).where(Decision.agenda_item_id == item_id))
    return decision_view(session, decision) if decision is not None else None


def decision_view(s: Session, decision: Decision) -> DecisionView:
    rows = s.execute(
        select(OutcomeCode, DecisionOutcome.detail)
        .join(DecisionOutcome, DecisionOutcome.outcome_code_id == OutcomeCode.id)
        .where(DecisionOutcome.decision_id == decision.id)
        .order_by(OutcomeCode.sort_order)
    ).all()
    by = (
        s.scalar(select(User.display_name).where(User.id == decision.decided_by_id))
        if decision.decided_by_id is not None
        else None
    )
    return build_decision_view(decision, [(o, detail) for o, detail in rows], by)


def build_decision_view(
    decision: Decision,
    outcomes: Sequence[tuple[OutcomeCode, str | None]],
    decided_by_name: str | None,
) -> DecisionView:
    """The view from rows already read (outcomes in the profile's order)."""
    return DecisionView(
        id=decision.id,
        agenda_item_id=decision.agenda_item_id,
        outcomes=tuple(
            OutcomeView(o.code, o.label, detail, o.is_nfa, o.is_fgc_offer) for o, detail in outcomes
        ),
        agreed_risk=decision.agreed_risk,
        rationale=decision.rationale,
        professional_judgement_marac=decision.professional_judgement_marac,
        decided_by_id=decision.decided_by_id,
        decided_by_name=decided_by_name,
        decided_at=decision.decided_at,
        version=decision.version,
    )


def _marac_criteria(item: AgendaItem) -> list[str]:
    return list(Flags.read(item.flags).marac)


def _outcome_rows(s: Session, codes: Sequence[str]) -> list[OutcomeCode]:
    return list(s.scalars(select(OutcomeCode).where(OutcomeCode.code.in_(list(codes)))))


def _set_outcomes(
    s: Session, decision: Decision, codes: list[str], details: Mapping[str, str]
) -> None:
    wanted = {o.id: o for o in _outcome_rows(s, codes)}
    for existing in list(decision.outcomes):
        if existing.outcome_code_id not in wanted:
            decision.outcomes.remove(existing)
    have = {o.outcome_code_id: o for o in decision.outcomes}
    for code_id, code in wanted.items():
        detail = tidy(details.get(code.code) or "") or None
        if code_id in have:
            have[code_id].detail = detail
        else:
            decision.outcomes.append(DecisionOutcome(outcome_code_id=code_id, detail=detail))


def _codes_text(s: Session, decision: Decision) -> str:
    if decision.id is None:
        return ""
    rows = s.execute(
        select(OutcomeCode.code, DecisionOutcome.detail)
        .join(DecisionOutcome, DecisionOutcome.outcome_code_id == OutcomeCode.id)
        .where(DecisionOutcome.decision_id == decision.id)
        .order_by(OutcomeCode.sort_order)
    )
    # The answers count: after the close, a changed answer is an amendment like a changed code.
    return ", ".join(f"{code} ({detail})" if detail else code for code, detail in rows)
