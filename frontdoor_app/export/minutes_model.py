"""The minutes as plain data: what ``render_minutes`` prints, built by the meeting loader."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ATTENDANCE_STATUSES = ("present", "apologies", "information_sent")
ENTRY_KINDS = ("agency", "victim_view", "child_voice")


@dataclass(frozen=True)
class AttendanceRow:
    agency_code: str
    agency_name: str
    person_name: str
    status: str  # present | apologies | information_sent


@dataclass(frozen=True)
class PersonRow:
    role: str  # victim | perpetrator | child | other_adult
    name: str
    age_text: str = ""  # "6 y", "8 mo", "unborn", "34" …
    detail: str = ""  # relationship to the victim, school


@dataclass(frozen=True)
class EntryRow:
    """One intelligence entry (or the victim's view, or the child's voice)."""

    agency_code: str
    agency_name: str
    author: str
    text: str
    kind: str = "agency"
    may_minute: bool = True  # may be shared beyond the meeting
    restricted_to: str | None = None  # an agency code: only that agency (and the author's) may see
    at: dt.datetime | None = None
    restricted_to_name: str = ""

    def visible_to(self, agency: str | None) -> bool:
        """Whether the copy for ``agency`` (None: the full record) may show this entry."""
        if agency is None or self.restricted_to is None:
            return True
        return agency in (self.restricted_to, self.agency_code)


@dataclass(frozen=True)
class SharingRow:
    agency_name: str
    shared: bool
    with_whom: str
    reason: str


@dataclass(frozen=True)
class ActionRow:
    case_position: int
    case_reference: str
    household: str
    owner_agency_code: str
    owner_agency_name: str
    owner_name: str
    description: str
    due_date: dt.date
    status: str = "open"  # open | done | not_possible | not_done
    status_note: str = ""


@dataclass(frozen=True)
class ReviewedRow:
    """An action from an earlier meeting whose status was updated at this one (the opening
    review): what was agreed then, and what this meeting recorded of it."""

    agreed_on: dt.date  # the earlier meeting's date
    action: ActionRow  # as agreed then (its case's place on that agenda), its status now
    status_from: str
    status_to: str
    note: str
    by: str
    at: dt.datetime


@dataclass(frozen=True)
class FgcRow:
    stage: str
    team: str = ""
    routed_how: str = ""  # locality | by_hand | unrouted
    routing_reason: str = ""
    coordinator: str = ""
    note: str = ""


@dataclass(frozen=True)
class AmendmentRow:
    at: dt.datetime
    by: str
    what: str  # "Decision: rationale"
    before: str
    after: str
    reason: str
    restricted_to: str | None = None
    author_agency: str | None = None

    def visible_to(self, agency: str | None) -> bool:
        if agency is None or self.restricted_to is None:
            return True
        return agency in (self.restricted_to, self.author_agency)


@dataclass(frozen=True)
class CaseMinutes:
    position: int
    reference: str  # the police reference
    household: str  # as the profile's household_display sets it
    household_reference: str = ""
    locality: str = ""
    postcode: str = ""
    police_risk: str = "standard"  # DASH grade as sent
    dash_yes: int | None = None
    agreed_risk: str | None = None
    flags: tuple[str, ...] = ()  # in words
    incident_at: dt.datetime | None = None
    incident_summary: str = ""  # type and offence
    narrative: str = ""
    officer: str = ""
    people: tuple[PersonRow, ...] = ()
    history: tuple[str, ...] = ()  # one line per earlier notification or meeting
    entries: tuple[EntryRow, ...] = ()
    sharing: tuple[SharingRow, ...] = ()
    outcomes: tuple[str, ...] = ()  # outcome labels, in the profile's order
    rationale: str = ""
    decided_by: str = ""
    marac_by_judgement: bool = False
    actions: tuple[ActionRow, ...] = ()
    fgc: FgcRow | None = None
    amendments: tuple[AmendmentRow, ...] = ()
    deferred_to: dt.date | None = None
    deferred_reason: str = ""
    minutes_spent: int | None = None


@dataclass(frozen=True)
class MinutesData:
    authority: str
    meeting_date: dt.date
    chair: str
    status: str  # planned | in_progress | closed
    protective_marking: str = "OFFICIAL-SENSITIVE"
    confidentiality_statement: str = ""
    timezone: str = "Europe/London"
    short_name: str = ""
    opened_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    confidentiality_read_at: dt.datetime | None = None
    window_start: dt.datetime | None = None
    window_end: dt.datetime | None = None
    attendance: tuple[AttendanceRow, ...] = ()
    cases: tuple[CaseMinutes, ...] = ()  # discussed, in agenda order
    deferred: tuple[CaseMinutes, ...] = ()
    agencies: dict[str, str] = field(default_factory=dict)  # code → name
    amendments: tuple[AmendmentRow, ...] = ()  # to the meeting itself (attendance, times)
    reviewed: tuple[ReviewedRow, ...] = ()  # earlier meetings' actions updated at this one
    audit_head: str = ""  # the audit trail's chain hash when the meeting closed

    @property
    def actions(self) -> tuple[ActionRow, ...]:
        return tuple(a for case in self.cases for a in case.actions)

    def agency_name(self, code: str) -> str:
        return self.agencies.get(code, code)
