"""Retention: what the authority profile says may no longer be kept, found and removed.

The rule (profile ``[retention]``): a household with no notification, no meeting and no
open action for ``household_years`` years goes, with everything recorded about it and the
people known only through it. Each household goes in its own transaction: its rows are
deleted children first, its audit rows have their personal content redacted (their hashes
kept, so the chain still verifies) and a tombstone without personal data is recorded. A
household with an open action or an open FGC referral is held, never removed. Drafts older
than ``drafts_days`` days are removed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from frontdoor_app.models import (
    Action,
    AgendaItem,
    AuditEvent,
    Base,
    Draft,
    FgcReferral,
    Household,
    HouseholdMember,
    Meeting,
    Notification,
    NotificationPerson,
)
from frontdoor_app.models.database import session_scope
from frontdoor_app.profile import Profile, ProfileError
from frontdoor_app.wording import counted

from . import audit
from .actor import Actor

# Rows that belong to a removed household (or person) and go with it, whatever the column.
OWNED = frozenset(
    {
        "household_member",
        "notification",
        "notification_person",
        "quarantined_record",
        "agenda_item",
        "action",
        "action_update",
        "decision",
        "decision_outcome",
        "draft",
        "intelligence_entry",
        "sharing_decision",
        "person_link",
        "fgc_referral",
        "fgc_consent",
        "fgc_invitee",
        "fgc_safeguard",
        "fgc_stage_event",
    }
)


@dataclass(frozen=True)
class RetentionRules:
    household_years: int = 7
    drafts_days: int = 30

    def describe(self) -> str:
        return (
            f"no notification, meeting or open action for {self.household_years} years "
            "(profile [retention] household_years)"
        )


@dataclass(frozen=True)
class Candidate:
    household_id: int
    last_activity: dt.date | None
    held: str | None  # why it may not go yet (an open action / FGC referral), else None


@dataclass(frozen=True)
class RetentionPlan:
    rule: str
    cutoff: dt.date
    households: tuple[Candidate, ...]
    drafts: int

    @property
    def removable(self) -> tuple[Candidate, ...]:
        return tuple(c for c in self.households if c.held is None)


@dataclass(frozen=True)
class RetentionResult:
    removed: tuple[int, ...]
    held: tuple[Candidate, ...]
    rows_removed: dict[str, int]
    audit_rows_redacted: int
    drafts_removed: int


def rules_from_profile(profile: Profile) -> RetentionRules:
    raw: dict[str, Any] = getattr(profile, "retention", None) or {}
    values = {}
    for key, default in (("household_years", 7), ("drafts_days", 30)):
        value = raw.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ProfileError(
                profile.path,
                None,
                f"[retention] {key} must be a whole number of at least 1, not {value!r}",
            )
        values[key] = value
    unknown = sorted(set(raw) - set(values))
    if unknown:
        raise ProfileError(
            profile.path, None, f"[retention] has unknown settings: {', '.join(unknown)}"
        )
    return RetentionRules(**values)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def plan(session: Session, rules: RetentionRules, today: dt.date) -> RetentionPlan:
    """The households the rule selects (held ones with the reason), and old drafts."""
    cutoff = _years_before(today, rules.household_years)
    instant = dt.datetime.combine(cutoff, dt.time(), tzinfo=dt.UTC)
    last_notified = (
        select(
            Notification.household_id.label("hid"), func.max(Notification.received_at).label("last")
        )
        .group_by(Notification.household_id)
        .subquery()
    )
    last_met = (
        select(AgendaItem.household_id.label("hid"), func.max(Meeting.meeting_date).label("last"))
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .group_by(AgendaItem.household_id)
        .subquery()
    )
    rows = session.execute(
        select(Household.id, last_notified.c.last, last_met.c.last, Household.created_at)
        .outerjoin(last_notified, last_notified.c.hid == Household.id)
        .outerjoin(last_met, last_met.c.hid == Household.id)
        .where((last_notified.c.last.is_(None)) | (last_notified.c.last < instant))
        .where((last_met.c.last.is_(None)) | (last_met.c.last < cutoff))
        .where(Household.created_at < instant)
        .order_by(Household.id)
    ).all()
    ids = [r[0] for r in rows]
    with_open_action = (
        set(
            session.scalars(
                select(AgendaItem.household_id)
                .join(Action, Action.agenda_item_id == AgendaItem.id)
                .where(Action.status == "open", AgendaItem.household_id.in_(ids))
            )
        )
        if ids
        else set()
    )
    with_open_fgc = (
        set(
            session.scalars(
                select(FgcReferral.household_id).where(
                    FgcReferral.is_open, FgcReferral.household_id.in_(ids)
                )
            )
        )
        if ids
        else set()
    )
    candidates = []
    for hid, notified, met, _created in rows:
        dates = [d for d in (_day(notified), met) if d is not None]
        held = (
            "an open action"
            if hid in with_open_action
            else "an open FGC referral"
            if hid in with_open_fgc
            else None
        )
        candidates.append(Candidate(hid, max(dates) if dates else None, held))
    drafts = (
        session.scalar(
            select(func.count(Draft.id)).where(Draft.saved_at < _draft_cutoff(rules, today))
        )
        or 0
    )
    return RetentionPlan(rules.describe(), cutoff, tuple(candidates), drafts)


def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, dt.datetime) else value


def _draft_cutoff(rules: RetentionRules, today: dt.date) -> dt.datetime:
    return dt.datetime.combine(
        today - dt.timedelta(days=rules.drafts_days), dt.time(), tzinfo=dt.UTC
    )


class RetentionRefused(RuntimeError):
    """A household may not be removed yet (an open action or FGC referral)."""


def apply(
    sessions: sessionmaker[Session], actor: Actor, rules: RetentionRules, today: dt.date
) -> RetentionResult:
    """Remove what ``plan`` selects: one transaction per household; held ones stay."""
    with session_scope(sessions) as s:
        found = plan(s, rules, today)
    removed: list[int] = []
    totals: dict[str, int] = defaultdict(int)
    redacted = 0
    for candidate in found.removable:
        with session_scope(sessions) as s:
            counts, n = remove_household(s, actor, candidate.household_id, found.rule)
        removed.append(candidate.household_id)
        redacted += n
        for table, count in counts.items():
            totals[table] += count
    with session_scope(sessions) as s:
        drafts = s.execute(delete(Draft).where(Draft.saved_at < _draft_cutoff(rules, today)))
        dropped = int(getattr(drafts, "rowcount", 0) or 0)
        if dropped:
            audit.record(
                s,
                actor,
                "delete",
                "draft",
                None,
                None,
                {"drafts_removed": dropped},
                f"retention: drafts older than {rules.drafts_days} days removed",
            )
    held = tuple(c for c in found.households if c.held is not None)
    return RetentionResult(tuple(removed), held, dict(totals), redacted, dropped)


def _tables() -> dict[str, Table]:
    return {t.name: t for t in Base.metadata.sorted_tables}


def remove_household(
    session: Session, actor: Actor, household_id: int, rule: str
) -> tuple[dict[str, int], int]:
    """Delete the household, what belongs to it and the people known only through it;
    redact its audit rows; record a tombstone. Refused while anything of it is open."""
    open_action = session.scalar(
        select(func.count(Action.id))
        .join(AgendaItem, AgendaItem.id == Action.agenda_item_id)
        .where(AgendaItem.household_id == household_id, Action.status == "open")
    )
    if open_action:
        raise RetentionRefused(
            f"household {household_id} has {counted(open_action, 'open action')}"
        )
    if session.scalar(
        select(func.count(FgcReferral.id)).where(
            FgcReferral.household_id == household_id, FgcReferral.is_open
        )
    ):
        raise RetentionRefused(f"household {household_id} has an open FGC referral")
    members = set(
        session.scalars(
            select(HouseholdMember.person_id).where(HouseholdMember.household_id == household_id)
        )
    )
    elsewhere = set(
        session.scalars(
            select(HouseholdMember.person_id).where(
                HouseholdMember.person_id.in_(members), HouseholdMember.household_id != household_id
            )
        )
    ) | set(
        session.scalars(
            select(NotificationPerson.person_id)
            .join(Notification, Notification.id == NotificationPerson.notification_id)
            .where(
                NotificationPerson.person_id.in_(members),
                (Notification.household_id != household_id) | Notification.household_id.is_(None),
            )
        )
    )
    doomed: dict[str, set[int]] = {"household": {household_id}, "person": members - elsewhere}
    tables = _tables()
    nullify: list[tuple[Table, Any, set[int]]] = []
    queue = ["household", "person"]
    while queue:
        parent = queue.pop()
        ids = doomed.get(parent) or set()
        if not ids:
            continue
        for child in tables.values():
            for fk in child.foreign_keys:
                if fk.column.table.name != parent:
                    continue
                found = set(session.scalars(select(child.c.id).where(fk.parent.in_(ids))))
                if found and fk.parent.nullable:
                    # Cleared first, so rows deleted below never point at each other (the
                    # person <-> notification references run both ways).
                    nullify.append((child, fk.parent, found))
                if child.name in OWNED:
                    new = found - doomed.get(child.name, set())
                    if new:
                        doomed.setdefault(child.name, set()).update(new)
                        queue.append(child.name)
                elif found and not fk.parent.nullable:
                    raise RetentionRefused(
                        f"{child.name} rows still need household {household_id}'s {parent} rows"
                    )
    for child, column, ids in nullify:
        session.execute(update(child).where(child.c.id.in_(ids)).values({column.name: None}))
    counts: dict[str, int] = {}
    for table in reversed(Base.metadata.sorted_tables):
        gone = doomed.get(table.name)
        if gone:
            session.execute(delete(table).where(table.c.id.in_(gone)))
            counts[table.name] = len(gone)
    redacted = 0
    now = dt.datetime.now(dt.UTC)
    redacted_ids: list[int] = []
    for name, ids in doomed.items():
        rows = list(
            session.scalars(
                select(AuditEvent.id).where(
                    AuditEvent.entity == name,
                    AuditEvent.entity_id.in_(ids),
                    AuditEvent.redacted_at.is_(None),
                )
            )
        )
        if rows:
            session.execute(
                update(AuditEvent)
                .where(AuditEvent.id.in_(rows))
                .values(before=None, after=None, detail=None, redacted_at=now)
            )
            redacted_ids.extend(rows)
            redacted += len(rows)
    audit.record(
        session,
        actor,
        "delete",
        "household",
        household_id,
        None,
        {"rows_removed": counts, "audit_rows_redacted": len(redacted_ids)},
        f"removed by retention: {rule}",
    )
    return counts, redacted
