"""A case's history: the household's earlier notifications, meetings, actions and FGC
referrals as one timeline, read with a fixed handful of queries (``case.load_case``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from frontdoor_app.clock import Clock
from frontdoor_app.models import (
    AgendaItem,
    Decision,
    DecisionOutcome,
    FgcReferral,
    FgcTeam,
    Meeting,
    Notification,
    OutcomeCode,
)

from .views import (
    ActionView,
    FgcSummary,
    HistoryEvent,
)

# The household's other agenda items: id, meeting id, status, meeting date, decision id,
# agreed risk (the last two None when undecided).
EarlierRow = Row[int, int, str, dt.date, int, str]


_EARLIER = (
    select(
        AgendaItem.id,
        AgendaItem.meeting_id,
        AgendaItem.status,
        Meeting.meeting_date,
        Decision.id.label("decision_id"),
        Decision.agreed_risk,
    )
    .join(Meeting, Meeting.id == AgendaItem.meeting_id)
    .outerjoin(Decision, Decision.agenda_item_id == AgendaItem.id)
    .where(
        AgendaItem.household_id == bindparam("household_id"), AgendaItem.id != bindparam("item_id")
    )
)


_OUTCOMES = (
    select(DecisionOutcome.decision_id, OutcomeCode, DecisionOutcome.detail)
    .join(OutcomeCode, OutcomeCode.id == DecisionOutcome.outcome_code_id)
    .where(DecisionOutcome.decision_id.in_(bindparam("decision_ids", expanding=True)))
    .order_by(OutcomeCode.sort_order)
)


_NOTIFICATIONS = select(
    Notification.id,
    Notification.police_ref,
    Notification.received_at,
    Notification.dash_risk,
    Notification.offence,
    Notification.incident_type,
).where(
    Notification.household_id == bindparam("household_id"),
    Notification.id != bindparam("notification_id"),
)


_FGC = (
    select(
        FgcReferral.id,
        FgcReferral.stage,
        FgcReferral.is_open,
        FgcTeam.name,
        FgcReferral.offered_at,
        FgcReferral.created_at,
        FgcReferral.origin_agenda_item_id,
    )
    .outerjoin(FgcTeam, FgcTeam.id == FgcReferral.team_id)
    .where(FgcReferral.household_id == bindparam("household_id"))
    .order_by(FgcReferral.id.desc())
)


def earlier_items(s: Session, item: AgendaItem) -> list[EarlierRow]:
    """The household's other agenda items with their meeting and decision."""
    if item.household_id is None:
        return []
    params = {"household_id": item.household_id, "item_id": item.id}
    return list(s.connection().execute(_EARLIER, params).all())


def outcomes_of(
    s: Session, decision_ids: list[int]
) -> dict[int, list[tuple[OutcomeCode, str | None]]]:
    found: dict[int, list[tuple[OutcomeCode, str | None]]] = defaultdict(list)
    if decision_ids:
        for decision_id, code, detail in s.execute(_OUTCOMES, {"decision_ids": decision_ids}):
            found[decision_id].append((code, detail))
    return found


def history(
    s: Session,
    item: AgendaItem,
    notification: Notification,
    earlier: list[EarlierRow],
    outcomes: dict[int, list[tuple[OutcomeCode, str | None]]],
    earlier_actions: list[ActionView],
    fgc: tuple[FgcSummary, ...],
    today: dt.date,
    clock: Clock,
) -> tuple[HistoryEvent, ...]:
    """The household's timeline, newest first: notifications, meetings, actions, FGCs."""
    if item.household_id is None:
        return ()
    events: list[HistoryEvent] = []
    params = {"household_id": item.household_id, "notification_id": notification.id}
    for n in s.connection().execute(_NOTIFICATIONS, params):
        what = n.offence or (n.incident_type or "domestic incident")
        events.append(
            HistoryEvent(
                n.received_at,
                "notification",
                f"ref {n.police_ref} · DASH {n.dash_risk}",
                what,
                None,
                notification_id=n.id,
            )
        )
    for r in earlier:
        decided = (
            [f"{o.label} ({d})" if d else o.label for o, d in outcomes.get(r.decision_id, [])]
            if r.decision_id
            else []
        )
        detail = (
            "; ".join(decided)
            if decided
            else ("deferred" if r.status == "deferred" else "no decision recorded")
        )
        if r.agreed_risk:
            detail += f" · agreed risk {r.agreed_risk}"
        events.append(
            HistoryEvent(
                meeting_instant(clock, r.meeting_date),
                "meeting",
                "",  # the day and the kind are the line's own columns: nothing more to say
                detail,
                r.status,
                meeting_id=r.meeting_id,
                agenda_item_id=r.id,
            )
        )
    for a in earlier_actions:
        # The owner under the agency: the column is as wide as its longest line, and one
        # line of both ("Domestic Violence Service / IDVA (Delroy Campbell)") left the
        # Detail beside it a third of the table on a laptop, wrapped onto three lines.
        who = a.agency_name + (f"\n{a.owner_name}" if a.owner_name else "")
        status = a.status + (" · overdue" if a.overdue else " · due today" if a.due_today else "")
        events.append(
            HistoryEvent(
                meeting_instant(clock, a.meeting_date),
                "action",
                who,
                f"{a.description} · due {a.due_date:%d %b %Y}",
                status,
                meeting_id=a.meeting_id,
                agenda_item_id=a.agenda_item_id,
                action_id=a.id,
            )
        )
    for f in fgc:
        events.append(
            HistoryEvent(
                f.offered_at or meeting_instant(clock, today),
                "fgc",
                f.team_name or "team not yet chosen",
                "Family Group Conference referral",
                f.stage,
                agenda_item_id=f.origin_agenda_item_id,
                fgc_referral_id=f.id,
            )
        )
    order = {"fgc": 0, "action": 1, "meeting": 2, "notification": 3}
    events.sort(key=lambda e: (e.at, -order[e.kind]), reverse=True)
    return tuple(events)


def meeting_instant(clock: Clock, day: dt.date) -> dt.datetime:
    """A meeting day on the timeline: half past nine, the authority's time."""
    return clock.at(day, dt.time(9, 30))


def fgc_summaries(s: Session, household_id: int | None) -> tuple[FgcSummary, ...]:
    if household_id is None:
        return ()
    rows = s.connection().execute(_FGC, {"household_id": household_id})
    return tuple(
        FgcSummary(
            r.id, r.stage, r.is_open, r.name, r.offered_at or r.created_at, r.origin_agenda_item_id
        )
        for r in rows
    )
