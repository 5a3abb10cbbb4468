"""Plain frozen data the meeting domain hands to screens, exports and tests.

Never ORM objects: a widget can keep these as long as it likes, across threads.
Dates of meetings are local dates; every ``datetime`` is UTC-aware.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

# The agenda's values live with the code that builds them (no SQLAlchemy there, so the
# desktop's first paint can use them); re-exported here with the other views.
from .agenda_rows import AgendaRow as AgendaRow
from .agenda_rows import AgendaView as AgendaView
from .agenda_rows import MeetingView as MeetingView
from .timer import case_seconds

RISK_ORDER = {"standard": 0, "medium": 1, "high": 2}
ITEM_STATUSES = ("waiting", "current", "discussed", "deferred")
ATTENDANCE_STATUSES = ("present", "apologies", "information_sent")
ACTION_STATUSES = ("open", "done", "not_possible", "not_done")
ENTRY_KINDS = ("agency", "victim_view", "child_voice")


# ---------------------------------------------------------------- reference lists


@dataclass(frozen=True)
class AgencyOption:
    id: int
    code: str
    name: str
    core: bool


@dataclass(frozen=True)
class OutcomeOption:
    id: int
    code: str
    label: str
    is_nfa: bool
    is_fgc_offer: bool
    is_marac_referral: bool
    # The question the decision asks beside the outcome, if any, and whether it must be
    # answered before the decision is saved.
    detail_prompt: str | None = None
    detail_required: bool = False


# ---------------------------------------------------------------- meeting, attendance


@dataclass(frozen=True)
class AttendanceRow:
    id: int
    meeting_id: int
    agency_id: int
    agency_code: str
    agency_name: str
    person_name: str
    status: str  # present | apologies | information_sent
    version: int
    changed_by_name: str | None = None  # who last changed it (None: as added)
    changed_at: dt.datetime | None = None


@dataclass(frozen=True)
class AttendanceSummary:
    """Per core agency: is anyone there? For the "Attendance 12/15" header."""

    present_agencies: int
    core_agencies: int
    core_missing: tuple[str, ...]  # agency names of core agencies with nobody present


@dataclass(frozen=True)
class UsualAttendee:
    """Someone recorded for an agency at the meetings of the weeks before this one: whom
    the admin expects this morning (``lifecycle.usual_attendees``)."""

    agency_id: int
    agency_code: str
    agency_name: str
    person_name: str
    last_date: dt.date  # the latest of those meetings they were recorded at
    meetings: int  # how many of those meetings


# ---------------------------------------------------------------- agenda


# ---------------------------------------------------------------- case


@dataclass(frozen=True)
class PersonView:
    person_id: int | None
    role: str  # victim | perpetrator | child | other_adult
    surname: str
    forenames: str
    initials: str
    dob: dt.date | None
    age: int | None  # at the meeting date
    age_text: str  # "6 y", "8 mo", "unborn", "" when unknown
    gender: str | None
    school: str | None
    relationship_to_victim: str | None


@dataclass(frozen=True)
class IncidentView:
    notification_id: int
    police_ref: str
    force: str | None
    received_at: dt.datetime
    incident_at: dt.datetime
    incident_type: str | None
    offence: str | None
    summary: str  # one line: type, offence, risk flags in words
    dash_risk: str
    dash_yes: int | None
    address: str
    postcode: str
    children_present: bool | None
    weapon: bool | None
    alcohol: bool | None
    drugs: bool | None
    pregnancy: bool | None
    risk_flags: tuple[str, ...]  # "weapon", "alcohol", "drugs", "pregnancy" when Y
    narrative: str | None
    officer: str | None


@dataclass(frozen=True)
class HouseholdView:
    id: int | None
    reference: str | None
    address: str | None
    postcode: str | None
    locality_code: str | None
    locality_name: str | None
    members: tuple[PersonView, ...]  # victim(s), perpetrator(s), other adults, children


@dataclass(frozen=True)
class HistoryEvent:
    """One line of the household's timeline (newest first)."""

    at: dt.datetime  # UTC instant used to order the timeline
    kind: str  # notification | meeting | action | fgc
    title: str  # who or which: the police reference, the agency, the FGC team (the kind and
    # the day are columns of their own, so neither is repeated here)
    detail: str
    status: str | None
    notification_id: int | None = None
    meeting_id: int | None = None
    agenda_item_id: int | None = None
    action_id: int | None = None
    fgc_referral_id: int | None = None


@dataclass(frozen=True)
class IntelligenceView:
    id: int
    agenda_item_id: int
    kind: str  # agency | victim_view | child_voice
    agency_id: int
    agency_code: str
    agency_name: str
    author_id: int | None
    author_name: str
    text: str
    may_share_beyond_meeting: bool
    restricted_to_agency_id: int | None
    restricted_to_agency_code: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    changed_by_name: str | None = None  # who last edited it (None: as the author wrote it)

    @property
    def saved_by(self) -> str:
        """Who saved the entry as it stands: the last editor, else the author."""
        return self.changed_by_name or self.author_name

    @property
    def restricted(self) -> bool:
        return self.restricted_to_agency_id is not None


@dataclass(frozen=True)
class SharingView:
    id: int
    agenda_item_id: int
    agency_id: int
    agency_code: str
    agency_name: str
    shared: bool
    with_whom: str | None
    reason: str
    recorded_by_id: int | None
    created_at: dt.datetime
    version: int


@dataclass(frozen=True)
class OutcomeView:
    code: str
    label: str
    detail: str | None = None
    is_nfa: bool = False
    is_fgc_offer: bool = False


@dataclass(frozen=True)
class DecisionView:
    id: int
    agenda_item_id: int
    outcomes: tuple[OutcomeView, ...]
    agreed_risk: str
    rationale: str | None
    professional_judgement_marac: bool
    decided_by_id: int | None
    decided_by_name: str | None
    decided_at: dt.datetime
    version: int


@dataclass(frozen=True)
class ActionUpdateView:
    id: int
    at: dt.datetime
    by_name: str
    note: str | None
    status_from: str | None
    status_to: str | None
    meeting_id: int | None


@dataclass(frozen=True)
class ActionView:
    id: int
    agenda_item_id: int
    meeting_id: int
    meeting_date: dt.date
    police_ref: str
    household_name: str
    owner_agency_id: int
    agency_code: str
    agency_name: str
    owner_name: str | None
    description: str
    due_date: dt.date
    status: str  # open | done | not_possible | not_done
    status_note: str | None
    closed_at: dt.datetime | None
    overdue: bool  # open and due before the reference day (today / the meeting date)
    due_today: bool  # open and due on the reference day itself
    version: int
    updates: tuple[ActionUpdateView, ...] = ()


@dataclass(frozen=True)
class FgcSummary:
    id: int
    stage: str
    is_open: bool
    team_name: str | None
    offered_at: dt.datetime | None
    origin_agenda_item_id: int | None


@dataclass(frozen=True)
class CaseView:
    """Everything the case screen shows, filtered for the viewer (restricted entries)."""

    item: AgendaRow
    meeting_id: int
    meeting_date: dt.date
    meeting_status: str
    case_number: int  # position in the agenda
    case_total: int
    incident: IncidentView
    household: HouseholdView
    history: tuple[HistoryEvent, ...]  # newest first
    intelligence: tuple[IntelligenceView, ...]  # kind == "agency", oldest first
    victim_views: tuple[IntelligenceView, ...]
    child_voices: tuple[IntelligenceView, ...]
    hidden_restricted: int  # entries restricted to another agency, not shown to this viewer
    decision: DecisionView | None
    actions: tuple[ActionView, ...]
    sharing: tuple[SharingView, ...]
    fgc: tuple[FgcSummary, ...]

    def with_entries(self, said: CaseEntries) -> CaseView:
        """This case with its entries and sharing decisions as read again (its sharing
        decisions as they were when ``said`` did not read them); when ``said`` holds only
        entries just added (``added``), this case's with them among its own, in the order
        a full read gives (by time saved), each once."""
        if said.added:
            return dataclasses.replace(
                self,
                intelligence=_with_added(self.intelligence, said.intelligence),
                victim_views=_with_added(self.victim_views, said.victim_views),
                child_voices=_with_added(self.child_voices, said.child_voices),
            )
        fields = {f.name: getattr(said, f.name) for f in dataclasses.fields(said)}
        del fields["added"]
        if said.sharing is None:
            del fields["sharing"]
        return dataclasses.replace(self, **fields)


def _with_added(
    shown: tuple[IntelligenceView, ...], added: tuple[IntelligenceView, ...]
) -> tuple[IntelligenceView, ...]:
    known = {e.id for e in shown}
    fresh = [e for e in added if e.id not in known]
    if not fresh:
        return shown
    return tuple(sorted((*shown, *fresh), key=lambda e: (e.created_at, e.id)))


@dataclass(frozen=True)
class CaseEntries:
    """The part of a case that the agencies' entries and sharing decisions make: all that
    changes when someone saves an entry (a refresh after one reads only this)."""

    intelligence: tuple[IntelligenceView, ...]
    victim_views: tuple[IntelligenceView, ...]
    child_voices: tuple[IntelligenceView, ...]
    hidden_restricted: int
    # None: not read (``case.case_entries(sharing=False)``), unchanged.
    sharing: tuple[SharingView, ...] | None
    # Only the entries just added, all seen by this viewer (``case.added_entries``): they go
    # among the case's own (``CaseView.with_entries``); the rest of the case is unchanged.
    added: bool = False


# ---------------------------------------------------------------- projector


@dataclass(frozen=True)
class ProjectorPerson:
    role: str
    label: str  # initials in initials mode, full name otherwise
    age_text: str


@dataclass(frozen=True)
class ProjectorEntry:
    agency_name: str
    kind: str  # agency | victim_view | child_voice
    text: str


@dataclass(frozen=True)
class ProjectorAction:
    agency_name: str
    owner_name: str | None
    description: str
    due_date: dt.date


@dataclass(frozen=True)
class ProjectorView:
    """What the room may see: the current case only, never a restricted entry."""

    meeting_id: int
    meeting_date: dt.date
    curtain_down: bool
    initials_mode: bool
    item_id: int | None  # None: no current case (show the meeting heading only)
    case_number: int | None
    case_total: int
    heading: str  # "K. household (4)" in initials mode; "Kowalski household (4)" otherwise
    dash_risk: str | None
    dash_yes: int | None
    agreed_risk: str | None
    district: str  # postcode district only, e.g. "LS9"
    children_text: str  # "2 children: 6 y, 8 mo"
    flag_texts: tuple[str, ...]
    people: tuple[ProjectorPerson, ...]
    entries: tuple[ProjectorEntry, ...]
    outcomes: tuple[str, ...]  # outcome labels once decided
    actions: tuple[ProjectorAction, ...]
    started_at: dt.datetime | None
    seconds_spent: int

    def timer_seconds(self, now: dt.datetime) -> int:
        """The case timer, as on the agenda row."""
        return case_seconds(self.started_at, self.seconds_spent, now)


# ---------------------------------------------------------------- actions, amendments, drafts


@dataclass(frozen=True)
class AgencyActions:
    agency_id: int
    agency_code: str
    agency_name: str
    actions: tuple[ActionView, ...]  # overdue first, then by due date (maybe only the first N)
    overdue: int  # every overdue open action of the agency, shown or not
    total: int = 0  # every open action of the agency, shown or not
    due_today: int = 0  # every open action of the agency due on the meeting's day


@dataclass(frozen=True)
class OpenActionsCount:
    """Open actions from earlier meetings, for the "Open actions 7" button."""

    open: int
    overdue: int


@dataclass(frozen=True)
class ActionPage:
    rows: tuple[ActionView, ...]
    total: int  # every row matching the filter, for "1–50 of 4,210"
    overdue_total: int
    due_today_total: int  # open rows matching the filter due on ``today``
    offset: int
    limit: int


@dataclass(frozen=True)
class AmendmentView:
    id: int
    meeting_id: int
    entity: str
    entity_id: int
    field: str
    before: str | None
    after: str | None
    by_id: int | None
    by_name: str
    at: dt.datetime
    reason: str


@dataclass(frozen=True)
class DraftView:
    id: int
    user_login: str
    agenda_item_id: int
    kind: str
    content: object  # JSON as saved: usually {"text": ...} or a form's fields
    saved_at: dt.datetime
    version: int


@dataclass(frozen=True)
class Affected:
    """What a batch of change-log rows touched, so a screen reloads only that."""

    last_id: int
    meeting_ids: frozenset[int]
    meeting_changed: bool  # the meeting row: status, current case, curtain
    agenda_changed: bool  # agenda items: order, status, current
    item_ids: frozenset[int]  # cases whose content changed (entries, decision, actions, ...)
    attendance_changed: bool
    actions_changed: bool  # any action or action update (tracker, open actions)
    amendments_changed: bool
    other_tables: frozenset[str]

    @property
    def nothing(self) -> bool:
        return not (
            self.meeting_changed
            or self.agenda_changed
            or self.item_ids
            or self.attendance_changed
            or self.actions_changed
            or self.amendments_changed
        )
