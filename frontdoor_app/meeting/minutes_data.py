"""Reads a meeting from the database into ``MinutesData``, the plain data the minutes print.

A handful of set-based queries (no query per case), so a 180-case Monday loads quickly.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from frontdoor_app.export.minutes_model import (
    ActionRow,
    AmendmentRow,
    AttendanceRow,
    CaseMinutes,
    EntryRow,
    FgcRow,
    MinutesData,
    PersonRow,
    SharingRow,
)
from frontdoor_app.flags import Flags
from frontdoor_app.meeting.minutes_reviewed import reviewed_actions
from frontdoor_app.models import (
    Action,
    Agency,
    AgendaItem,
    Amendment,
    Attendance,
    AuditEvent,
    Decision,
    DecisionOutcome,
    FgcReferral,
    FgcTeam,
    Household,
    IntelligenceEntry,
    Locality,
    Meeting,
    Notification,
    OutcomeCode,
    SharingDecision,
    User,
)
from frontdoor_app.models.audit_chain import server_has
from frontdoor_app.models.journal import MEETING_CLOSED
from frontdoor_app.personal import age_text, full_name, initials
from frontdoor_app.profile import Profile

YEAR = dt.timedelta(days=365)


class MinutesError(LookupError):
    """No meeting to print: the message says which date or id was asked for."""


def find_meeting_id(session: Session, meeting_date: dt.date) -> int | None:
    return session.scalar(select(Meeting.id).where(Meeting.meeting_date == meeting_date))


def load_minutes(session: Session, profile: Profile, meeting: dt.date | int) -> MinutesData:
    """The minutes of the meeting on ``meeting`` (a local date) or with that id."""
    if isinstance(meeting, dt.date):
        meeting_id = find_meeting_id(session, meeting)
        if meeting_id is None:
            raise MinutesError(f"there is no meeting on {meeting:%A %d %B %Y}")
    else:
        meeting_id = meeting
    row = session.get(Meeting, meeting_id)
    if row is None:
        raise MinutesError(f"there is no meeting with id {meeting_id}")
    return _Loader(session, profile, row).load()


class _Loader:
    def __init__(self, session: Session, profile: Profile, meeting: Meeting) -> None:
        self.s, self.profile, self.meeting = session, profile, meeting
        self.agencies = {a.id: a for a in session.scalars(select(Agency))}
        self.users: dict[int, str] = {}

    def user(self, user_id: int | None) -> str:
        if user_id is None:
            return ""
        if user_id not in self.users:
            self.users[user_id] = (
                self.s.scalar(select(User.display_name).where(User.id == user_id)) or ""
            )
        return self.users[user_id]

    def agency(self, agency_id: int | None) -> tuple[str, str]:
        a = self.agencies.get(agency_id) if agency_id is not None else None
        return (a.code, a.name) if a else ("", "")

    def load(self) -> MinutesData:
        m = self.meeting
        items = list(
            self.s.scalars(
                select(AgendaItem)
                .where(AgendaItem.meeting_id == m.id)
                .order_by(AgendaItem.position)
            )
        )
        cases, deferred, meeting_amendments = self.cases(items)
        attendance = tuple(
            AttendanceRow(*self.agency(a.agency_id), a.person_name, a.status)
            for a in self.s.scalars(
                select(Attendance).where(Attendance.meeting_id == m.id).order_by(Attendance.id)
            )
        )
        return MinutesData(
            authority=self.profile.name,
            short_name=self.profile.short_name,
            meeting_date=m.meeting_date,
            chair=self.user(m.chair_id),
            status=m.status,
            protective_marking=self.profile.protective_marking,
            confidentiality_statement=" ".join(self.profile.confidentiality_statement.split()),
            timezone=self.profile.timezone,
            opened_at=m.opened_at,
            closed_at=m.closed_at,
            confidentiality_read_at=m.confidentiality_read_at,
            window_start=m.window_start,
            window_end=m.window_end,
            attendance=attendance,
            cases=cases,
            deferred=deferred,
            agencies={a.code: a.name for a in self.agencies.values()},
            amendments=meeting_amendments,
            reviewed=reviewed_actions(self.s, m.id, self.action),
            audit_head=self.audit_head(m),
        )

    def audit_head(self, m: Meeting) -> str:
        """The audit chain's newest hash as the meeting closed (its closing row's). On a
        server set up by ``server init`` only admins read the trail: whoever prints the
        minutes gets that one hash from ``fd_meeting_closed_hash`` (access/server.py)."""
        if m.status != "closed":
            return ""
        conn = self.s.connection()
        if conn.dialect.name == "postgresql" and server_has(
            conn, "fd_meeting_closed_hash(integer)"
        ):
            found = self.s.scalar(select(func.fd_meeting_closed_hash(m.id)))
            return str(found or "")
        value = self.s.scalar(
            select(AuditEvent.chain_hash)
            .where(
                AuditEvent.entity == "meeting",
                AuditEvent.entity_id == m.id,
                AuditEvent.detail == MEETING_CLOSED,
            )
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
        return value or ""

    def cases(
        self, items: list[AgendaItem]
    ) -> tuple[tuple[CaseMinutes, ...], tuple[CaseMinutes, ...], tuple[AmendmentRow, ...]]:
        s = self.s
        ids = [i.id for i in items]
        notifications = {
            n.id: n
            for n in s.scalars(
                select(Notification)
                .where(Notification.id.in_([i.notification_id for i in items]))
                .options(selectinload(Notification.persons))
            )
        }
        hh_ids = {i.household_id for i in items if i.household_id is not None}
        households = {h.id: h for h in s.scalars(select(Household).where(Household.id.in_(hh_ids)))}
        localities = {loc.id: loc.name for loc in s.scalars(select(Locality))}
        entries = _group(
            s.scalars(
                select(IntelligenceEntry)
                .where(IntelligenceEntry.agenda_item_id.in_(ids))
                .order_by(IntelligenceEntry.created_at, IntelligenceEntry.id)
            )
        )
        sharing = _group(
            s.scalars(
                select(SharingDecision)
                .where(SharingDecision.agenda_item_id.in_(ids))
                .order_by(SharingDecision.id)
            )
        )
        decisions = {
            d.agenda_item_id: d
            for d in s.scalars(
                select(Decision)
                .where(Decision.agenda_item_id.in_(ids))
                .options(selectinload(Decision.outcomes))
            )
        }
        codes = {o.id: o for o in s.scalars(select(OutcomeCode))}
        actions = _group(
            s.scalars(select(Action).where(Action.agenda_item_id.in_(ids)).order_by(Action.id))
        )
        referrals = {
            r.origin_agenda_item_id: r
            for r in s.scalars(
                select(FgcReferral)
                .where(FgcReferral.origin_agenda_item_id.in_(ids))
                .order_by(FgcReferral.id)
            )
        }
        teams = {t.id: t.name for t in s.scalars(select(FgcTeam))}
        deferred_to = self.deferred_dates(items)
        history = self.history(items, notifications, codes)
        case_amendments, meeting_amendments = self.amendments(entries, decisions, actions, ids)
        cases: list[CaseMinutes] = []
        deferred: list[CaseMinutes] = []
        for item in items:
            n = notifications[item.notification_id]
            hh = households.get(item.household_id) if item.household_id else None
            flags = Flags.read(item.flags)
            decision = decisions.get(item.id)
            case = CaseMinutes(
                position=item.position,
                reference=n.police_ref,
                household=self.household_label(n, hh),
                household_reference=hh.reference if hh else "",
                locality=localities.get(hh.locality_id, "") if hh and hh.locality_id else "",
                postcode=n.postcode,
                police_risk=n.dash_risk,
                dash_yes=n.dash_yes,
                agreed_risk=decision.agreed_risk if decision else None,
                flags=flag_words(flags, bool(decision and decision.professional_judgement_marac)),
                incident_at=n.incident_at,
                incident_summary=" \u00b7 ".join(
                    p
                    for p in (
                        (n.incident_type or "").replace("_", " ").capitalize(),
                        n.offence or "",
                    )
                    if p
                ),
                narrative=n.narrative or "",
                officer=n.officer or "",
                people=self.people(n),
                history=history.get(item.id, ()),
                entries=tuple(self.entry(e) for e in entries.get(item.id, ())),
                sharing=tuple(
                    SharingRow(self.agency(x.agency_id)[1], x.shared, x.with_whom or "", x.reason)
                    for x in sharing.get(item.id, ())
                ),
                outcomes=self.outcomes(decision, codes),
                rationale=(decision.rationale or "") if decision else "",
                decided_by=self.user(decision.decided_by_id) if decision else "",
                marac_by_judgement=bool(decision and decision.professional_judgement_marac),
                actions=tuple(self.action(a, item, n, hh) for a in actions.get(item.id, ())),
                fgc=self.fgc(referrals.get(item.id), teams),
                amendments=tuple(case_amendments.get(item.id, ())),
                deferred_to=deferred_to.get(item.id),
                deferred_reason=flags.carried_words(),
                minutes_spent=(item.seconds_spent // 60) if item.seconds_spent else None,
            )
            (deferred if item.status == "deferred" else cases).append(case)
        return tuple(cases), tuple(deferred), tuple(meeting_amendments)

    def household_label(self, n: Notification, hh: Household | None) -> str:
        display = self.profile.household_display
        if display == "reference" and hh is not None:
            return hh.reference
        people = sorted(n.persons, key=lambda p: (p.role != "victim", p.id))
        if not people:
            return hh.reference if hh else n.police_ref
        first = people[0]
        if display == "initials":
            return initials(first.forenames, first.surname)
        surnames: list[str] = []
        for p in people:
            if p.role in ("victim", "perpetrator") and p.surname not in surnames:
                surnames.append(p.surname)
        return " / ".join(surnames[:2]) or first.surname

    def people(self, n: Notification) -> tuple[PersonRow, ...]:
        order = {"victim": 0, "perpetrator": 1, "other_adult": 2, "child": 3}
        on = n.incident_at.date()
        rows = []
        for p in sorted(n.persons, key=lambda p: (order.get(p.role, 9), p.id)):
            detail = ", ".join(x for x in (p.relationship_to_victim or "", p.school or "") if x)
            rows.append(
                PersonRow(
                    p.role, full_name(p.forenames, p.surname), age_text(p.dob, on, p.age), detail
                )
            )
        return tuple(rows)

    def entry(self, e: IntelligenceEntry) -> EntryRow:
        code, name = self.agency(e.agency_id)
        restricted_code, restricted_name = self.agency(e.restricted_to_agency_id)
        return EntryRow(
            code,
            name,
            e.author_name,
            e.text,
            e.kind,
            e.may_share_beyond_meeting,
            restricted_code or None,
            e.created_at,
            restricted_name,
        )

    def outcomes(self, decision: Decision | None, codes: dict[int, OutcomeCode]) -> tuple[str, ...]:
        if decision is None:
            return ()
        chosen: list[DecisionOutcome] = sorted(
            decision.outcomes, key=lambda o: codes[o.outcome_code_id].sort_order
        )
        return tuple(
            codes[o.outcome_code_id].label + (f" ({o.detail})" if o.detail else "") for o in chosen
        )

    def action(
        self, a: Action, item: AgendaItem, n: Notification, hh: Household | None
    ) -> ActionRow:
        code, name = self.agency(a.owner_agency_id)
        return ActionRow(
            item.position,
            n.police_ref,
            self.household_label(n, hh),
            code,
            name,
            a.owner_name or "",
            a.description,
            a.due_date,
            a.status,
            a.status_note or "",
        )

    def fgc(self, r: FgcReferral | None, teams: dict[int, str]) -> FgcRow | None:
        if r is None:
            return None
        note = r.end_reason or ""
        return FgcRow(
            r.stage,
            teams.get(r.team_id, "") if r.team_id else "",
            r.routed_how,
            r.routing_reason or "",
            r.coordinator or "",
            note,
        )

    def deferred_dates(self, items: list[AgendaItem]) -> dict[int, dt.date]:
        targets = {i.deferred_to_meeting_id for i in items if i.deferred_to_meeting_id}
        if not targets:
            return {}
        dates = dict(
            self.s.execute(
                select(Meeting.id, Meeting.meeting_date).where(Meeting.id.in_(targets))
            ).all()
        )
        return {
            i.id: dates[i.deferred_to_meeting_id]
            for i in items
            if i.deferred_to_meeting_id in dates
        }

    def history(
        self,
        items: list[AgendaItem],
        notifications: dict[int, Notification],
        codes: dict[int, OutcomeCode],
    ) -> dict[int, tuple[str, ...]]:
        """Earlier notifications and meeting outcomes for each household, last 12 months."""
        hh_ids = {i.household_id for i in items if i.household_id}
        if not hh_ids:
            return {}
        earliest = min(n.received_at for n in notifications.values()) - YEAR
        earlier = _group_by(
            self.s.execute(
                select(
                    Notification.household_id,
                    Notification.id,
                    Notification.police_ref,
                    Notification.received_at,
                    Notification.dash_risk,
                ).where(Notification.household_id.in_(hh_ids), Notification.received_at >= earliest)
            ),
            key=lambda r: r[0],
        )
        outcomes: dict[int, list[str]] = defaultdict(list)
        rows = self.s.execute(
            select(
                AgendaItem.notification_id, Meeting.meeting_date, DecisionOutcome.outcome_code_id
            )
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .join(Decision, Decision.agenda_item_id == AgendaItem.id)
            .join(DecisionOutcome, DecisionOutcome.decision_id == Decision.id)
            .where(AgendaItem.household_id.in_(hh_ids), Meeting.id != self.meeting.id)
        )
        met: dict[int, dt.date] = {}
        for notification_id, day, code_id in rows:
            met[notification_id] = day
            outcomes[notification_id].append(codes[code_id].label if code_id in codes else "?")
        out: dict[int, tuple[str, ...]] = {}
        for item in items:
            n = notifications[item.notification_id]
            lines = []
            for _, nid, ref, received, risk in sorted(
                earlier.get(item.household_id, ()), key=lambda r: r[3], reverse=True
            ):
                if nid == n.id or not (n.received_at - YEAR <= received < n.received_at):
                    continue
                line = f"Notification {ref} of {received:%d %b %Y} (police risk {risk})"
                if nid in met:
                    line += f"; discussed {met[nid]:%d %b %Y}: {', '.join(outcomes[nid])}"
                lines.append(line)
            out[item.id] = tuple(lines[:8])
        return out

    def amendments(
        self,
        entries: dict[int, list[IntelligenceEntry]],
        decisions: dict[int, Decision],
        actions: dict[int, list[Action]],
        item_ids: list[int],
    ) -> tuple[dict[int, list[AmendmentRow]], list[AmendmentRow]]:
        owner: dict[tuple[str, int], int] = {("agenda_item", i): i for i in item_ids}
        restricted: dict[int, tuple[str | None, str | None]] = {}
        for item_id, rows in entries.items():
            for e in rows:
                owner[("intelligence_entry", e.id)] = item_id
                code = self.agency(e.restricted_to_agency_id)[0] or None
                restricted[e.id] = (code, self.agency(e.agency_id)[0])
        for item_id, d in decisions.items():
            owner[("decision", d.id)] = item_id
            for o in d.outcomes:
                owner[("decision_outcome", o.id)] = item_id
        for item_id, acts in actions.items():
            for a in acts:
                owner[("action", a.id)] = item_id
        by_case: dict[int, list[AmendmentRow]] = defaultdict(list)
        meeting_level: list[AmendmentRow] = []
        listed = self.s.scalars(
            select(Amendment)
            .where(Amendment.meeting_id == self.meeting.id)
            .order_by(Amendment.at, Amendment.id)
        )
        for am in listed:
            what = f"{am.entity.replace('_', ' ').capitalize()}: {am.field.replace('_', ' ')}"
            limit, author = (
                restricted.get(am.entity_id, (None, None))
                if am.entity == "intelligence_entry"
                else (None, None)
            )
            row = AmendmentRow(
                am.at, am.by_name, what, am.before or "", am.after or "", am.reason, limit, author
            )
            case_id = owner.get((am.entity, am.entity_id))
            # Amendments of a case's rows go with the case; the rest (attendance, the
            # meeting's times, rows since removed) are listed for the meeting as a whole.
            (by_case[case_id] if case_id is not None else meeting_level).append(row)
        return by_case, meeting_level


def flag_words(flags: Flags, professional_judgement: bool = False) -> tuple[str, ...]:
    """The flags in the agenda's words, then the children listed with their ages."""
    children = flags.children_words()
    return (*flags.words(professional_judgement), *((children,) if children else ()))


def _group(rows: Any) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        out[row.agenda_item_id].append(row)
    return out


def _group_by(rows: Any, key: Any) -> dict[Any, list[Any]]:
    out: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        out[key(row)].append(row)
    return out
