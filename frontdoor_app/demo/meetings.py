"""Earlier meetings: attendance, agenda, intelligence, decisions, actions, FGC referrals."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import defaultdict
from typing import Any

from frontdoor_app.flags import Flags
from frontdoor_app.intake import flags as flag_rules
from frontdoor_app.intake.agenda import sort_key
from frontdoor_app.profile import Profile

from . import fgc_history, texts
from .history import GenNotification, History
from .incidents import LONDON
from .records import RefIds, Rows

_LEVELS = ("standard", "medium", "high")
_YEAR = dt.timedelta(days=365)


def weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    """Weekdays from ``start`` up to but not including ``end``."""
    out, day = [], start
    while day < end:
        if day.weekday() < 5:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def cutoff(profile: Profile, day: dt.date) -> dt.datetime:
    local = dt.datetime.combine(day, profile.meeting.cutoff_time, tzinfo=LONDON)
    return local.astimezone(dt.UTC)


def previous_weekday(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def at_local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON).astimezone(dt.UTC)


class MeetingHistory:
    """Turns the notification history into closed meetings with everything they decided."""

    def __init__(
        self,
        profile: Profile,
        refs: RefIds,
        rng: random.Random,
        today: dt.date,
        intelligence_days: int | None,
    ) -> None:
        self.profile = profile
        self.refs = refs
        self.rng = rng
        self.today = today
        self.intel_from = (
            today - dt.timedelta(days=intelligence_days) if intelligence_days else None
        )
        self.rows: Rows = defaultdict(list)
        self.outcome_codes = fgc_history.OutcomePicker(profile)
        self.outcomes = {o.code: o for o in profile.outcomes}
        self.fgc = fgc_history.FgcHistory(profile, refs, rng, today, self.rows)

    def build(self, history: History, dates: list[dt.date]) -> Rows:
        cutoffs = [cutoff(self.profile, d) for d in dates]
        by_meeting: dict[int, list[GenNotification]] = defaultdict(list)
        for note in history.notifications:
            index = min(bisect.bisect_left(cutoffs, note.received_at), len(dates) - 1)
            note.meeting_index = index
            by_meeting[index].append(note)
        seen: dict[int, list[dt.datetime]] = defaultdict(list)  # household → arrivals
        discussed: dict[int, list[dt.date]] = defaultdict(list)  # household → meeting dates
        for index, day in enumerate(dates):
            meeting_id = index + 1
            notes = by_meeting.get(index, [])
            for note in notes:
                note.flags = self.flags_for(note, day, seen, discussed)
            order = self.profile.meeting.agenda_order
            notes.sort(key=lambda n: sort_key(order, n.flags, n.received_at, n.police_ref))
            self.meeting(
                meeting_id, day, cutoffs[index - 1] if index else None, cutoffs[index], notes
            )
            for note in notes:
                discussed[note.household.id].append(day)
        return self.rows

    def flags_for(
        self,
        note: GenNotification,
        day: dt.date,
        seen: dict[int, list[dt.datetime]],
        discussed: dict[int, list[dt.date]],
    ) -> dict[str, Any]:
        """The flags the importer would work out (``intake.flags``) from the history so far."""
        household = note.household
        received = note.received_at
        arrivals = seen[household.id]
        earlier = sum(1 for r in arrivals if received - r <= _YEAR)
        arrivals.append(received)
        on = received.date()
        recent = [d for d in discussed[household.id] if d <= on and on - d <= _YEAR]
        children = [
            (p.dob, None if p.dob else p.age_on(day))
            for p, role, _r, _o in note.persons
            if role == "child"
        ]
        return flag_rules.assemble(
            dash_risk=note.grade,
            dash_yes=note.dash_yes,
            pregnancy=note.pregnancy,
            on=note.incident_at.date(),
            earlier=earlier,
            has_household=True,
            last_marac=household.last_marac,
            discussed=recent,
            children=children,
        )

    def meeting(
        self,
        meeting_id: int,
        day: dt.date,
        window_start: dt.datetime | None,
        window_end: dt.datetime,
        notes: list[GenNotification],
    ) -> None:
        rng, refs = self.rng, self.refs
        hours = (
            self.profile.meeting.window_hours_monday
            if day.weekday() == 0
            else self.profile.meeting.window_hours_weekday
        )
        start = window_start or window_end - dt.timedelta(hours=hours)
        opened = at_local(
            day, self.profile.meeting.start_time.hour, self.profile.meeting.start_time.minute
        )
        chair_id, _chair_name = refs.chairs[meeting_id % len(refs.chairs)]
        moment = opened + dt.timedelta(minutes=3)
        for position, note in enumerate(notes, start=1):
            minutes = rng.randrange(4, 16)
            self.item(meeting_id, day, position, note, moment, minutes)
            moment += dt.timedelta(minutes=minutes)
        self.rows["meeting"].append(
            {
                "id": meeting_id,
                "meeting_date": day,
                "chair_id": chair_id,
                "status": "closed",
                "opened_at": opened,
                "closed_at": moment + dt.timedelta(minutes=2),
                "confidentiality_read_at": opened + dt.timedelta(minutes=1),
                "current_item_id": None,
                "window_start": start,
                "window_end": window_end,
                "curtain_down": False,
                "version": 1,
                "created_at": start,
                "updated_at": moment,
            }
        )
        for code, agency_id in refs.agencies.items():
            r = rng.random()
            status = "present" if r < 0.82 else ("apologies" if r < 0.92 else "information_sent")
            self.rows["attendance"].append(
                {
                    "id": len(self.rows["attendance"]) + 1,
                    "meeting_id": meeting_id,
                    "agency_id": agency_id,
                    "person_name": refs.reps[code][1],
                    "status": status,
                    "version": 1,
                }
            )

    def item(
        self,
        meeting_id: int,
        day: dt.date,
        position: int,
        note: GenNotification,
        started: dt.datetime,
        minutes: int,
    ) -> None:
        rng, rows = self.rng, self.rows
        item_id = len(rows["agenda_item"]) + 1
        ended = started + dt.timedelta(minutes=minutes)
        rows["agenda_item"].append(
            {
                "id": item_id,
                "meeting_id": meeting_id,
                "notification_id": note.id,
                "household_id": note.household.id,
                "position": position,
                "status": "discussed",
                "deferred_to_meeting_id": None,
                "flags": note.flags,
                "started_at": started,
                "ended_at": ended,
                "seconds_spent": minutes * 60 + rng.randrange(60),
                "version": 1,
            }
        )
        if self.intel_from is None or day >= self.intel_from:
            self.intelligence(item_id, note, started)
        codes = self.outcome_codes.pick(rng, note)
        agreed = note.grade
        rationale = texts.rationale(rng, note, codes)
        level = _LEVELS.index(note.grade)
        r = rng.random()
        if r < 0.07 and level < 2:
            agreed = _LEVELS[level + 1]
            rationale = f"Risk raised: {texts.raise_reason(rng)} {rationale}"
        elif r < 0.09 and level > 0 and not Flags.read(note.flags).marac:
            agreed = _LEVELS[level - 1]
            rationale = f"Risk lowered: {texts.lower_reason(rng)} {rationale}"
        decision_id = len(rows["decision"]) + 1
        chair_id = self.refs.chairs[meeting_id % len(self.refs.chairs)][0]
        rows["decision"].append(
            {
                "id": decision_id,
                "agenda_item_id": item_id,
                "agreed_risk": agreed,
                "rationale": rationale,
                "professional_judgement_marac": False,
                "decided_by_id": chair_id,
                "decided_at": ended,
                "version": 1,
                "created_at": ended,
                "updated_at": ended,
            }
        )
        # Its own generator: what is written beside the outcomes leaves the rest of the
        # demo (drawn from self.rng) as it was.
        details = random.Random(decision_id)
        for n, code in enumerate(codes):
            rows["decision_outcome"].append(
                {
                    "id": len(rows["decision_outcome"]) + 1,
                    "decision_id": decision_id,
                    "outcome_code_id": self.refs.outcomes[code],
                    "detail": texts.outcome_detail(details, self.profile, self.outcomes[code]),
                }
            )
            if code == self.outcome_codes.marac:
                note.household.last_marac = day
            if code == self.outcome_codes.fgc:
                self.fgc.offer(note, item_id, day, ended)
            if n < 2:  # the room agrees one or two specific actions, not one per outcome
                self.actions(item_id, day, code, note, ended)

    def intelligence(self, item_id: int, note: GenNotification, at: dt.datetime) -> None:
        rng, refs = self.rng, self.refs
        agencies = texts.agencies_with_something(rng, note, refs.agencies)
        for n, code in enumerate(agencies):
            kind = "agency"
            if code == "DVS" and rng.random() < 0.35:
                kind = "victim_view"
            elif code in ("CSWS", "EDU") and rng.random() < 0.2:
                kind = "child_voice"
            restricted = code != "POL" and rng.random() < 0.1
            author_id, author = refs.reps[code]
            created = at + dt.timedelta(minutes=n + 1)
            self.rows["intelligence_entry"].append(
                {
                    "id": len(self.rows["intelligence_entry"]) + 1,
                    "agenda_item_id": item_id,
                    "agency_id": refs.agencies[code],
                    "author_id": author_id,
                    "author_name": author,
                    "text": texts.intelligence(rng, code, kind, note),
                    "kind": kind,
                    "may_share_beyond_meeting": (not restricted) and rng.random() < 0.6,
                    "restricted_to_agency_id": refs.agencies[code] if restricted else None,
                    "version": 1,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            if restricted:
                self.rows["sharing_decision"].append(
                    {
                        "id": len(self.rows["sharing_decision"]) + 1,
                        "agenda_item_id": item_id,
                        "agency_id": refs.agencies[code],
                        "shared": False,
                        "with_whom": None,
                        "reason": texts.not_shared_reason(rng),
                        "recorded_by_id": author_id,
                        "version": 1,
                        "created_at": created,
                        "updated_at": created,
                    }
                )

    def actions(
        self, item_id: int, day: dt.date, code: str, note: GenNotification, at: dt.datetime
    ) -> None:
        found = texts.action_for(self.rng, code, note, self.refs.agencies)
        if found is None:
            return
        agency_code, description = found
        rng, rows = self.rng, self.rows
        due = day + dt.timedelta(days=7)
        age = (self.today - due).days
        status = _action_status(rng.random(), age)
        owner_id, owner = self.refs.reps[agency_code]
        closed_at = None
        note_text = None
        if status != "open":
            closed_day = min(
                self.today - dt.timedelta(days=1), due - dt.timedelta(days=rng.randrange(-5, 6))
            )
            closed_at = max(at + dt.timedelta(hours=2), at_local(closed_day, 14, rng.randrange(60)))
            note_text = texts.status_note(rng, status)
        action_id = len(rows["action"]) + 1
        rows["action"].append(
            {
                "id": action_id,
                "agenda_item_id": item_id,
                "owner_agency_id": self.refs.agencies[agency_code],
                "owner_name": owner,
                "description": description,
                "due_date": due,
                "status": status,
                "status_note": note_text,
                "closed_at": closed_at,
                "created_by_id": owner_id,
                "version": 1 if status == "open" else 2,
                "created_at": at,
                "updated_at": closed_at or at,
            }
        )
        if closed_at is not None and (self.intel_from is None or day >= self.intel_from):
            rows["action_update"].append(
                {
                    "id": len(rows["action_update"]) + 1,
                    "action_id": action_id,
                    "by_id": owner_id,
                    "by_name": owner,
                    "at": closed_at,
                    "note": note_text,
                    "status_from": "open",
                    "status_to": status,
                    "meeting_id": None,
                }
            )


# (share done, not possible, not done; the rest still open) by days past the due date:
# long-past actions are nearly all closed; the last fortnight's are often still open.
_CLOSING = (
    (60, (0.92, 0.045, 0.033)),
    (14, (0.88, 0.04, 0.03)),
    (0, (0.5, 0.05, 0.0)),
    (-(10**6), (0.2, 0.0, 0.0)),
)


def _action_status(r: float, days_overdue: int) -> str:
    shares = next(shares for after, shares in _CLOSING if days_overdue > after)
    done, impossible, not_done = shares
    if r < done:
        return "done"
    if r < done + impossible:
        return "not_possible"
    if r < done + impossible + not_done:
        return "not_done"
    return "open"
