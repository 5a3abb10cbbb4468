"""What the meeting room shows and follows, as plain data: no Qt, no database.

``RoomState`` holds the room as last read (meeting, agenda, header counts), the case this
screen shows, whether it follows the chair, the case the chair is moving to, the curtain
(the chair's press until it is saved, or a representative's own) and the next case read
ahead. Its methods are the room's decisions (which case to show after a read, where
PgDn goes, what a change in the feed calls for); the window carries them out.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from frontdoor_app.meeting.views import (
    ActionView,
    AgencyOption,
    AgendaRow,
    AgendaView,
    AttendanceSummary,
    CaseEntries,
    CaseView,
    DecisionView,
    MeetingView,
    OutcomeOption,
)

# Tables whose rows show in a case (a change reloads the case shown, and the projector).
CONTENT_TABLES = frozenset(
    {
        "intelligence_entry",
        "decision",
        "decision_outcome",
        "action",
        "action_update",
        "sharing_decision",
        "fgc_referral",
        "fgc_consent",
        "fgc_invitee",
        "fgc_safeguard",
        "notification",
        "household",
        "household_member",
        "person",
    }
)
# Tables whose rows show in the agenda or the header: the room is read again.
AGENDA_TABLES = frozenset({"meeting", "agenda_item", "decision"})
# Actions and their updates: the case(s) they belong to, and the header's count of open ones.
ACTION_TABLES = frozenset({"action", "action_update"})
ROOM_TABLES = AGENDA_TABLES | ACTION_TABLES | {"attendance"}
# Rows no other screen shows.
IGNORED_TABLES = frozenset({"draft", "audit_event"})
# The room's own rows (the chair moves case, reorders the agenda, takes attendance): the case
# on screen is read again with them only when its own agenda row changed (``case_unmoved``).
ROOM_ONLY_TABLES = frozenset({"meeting", "agenda_item", "attendance"})
# Rows that always belong to one case: a change to them reloads only screens showing it.
CASE_SCOPED_TABLES = frozenset({"intelligence_entry", "sharing_decision"})
# Someone's entries and actions: what the cases they touch show is asked for them alone,
# together in one read when a batch has both (never the room, nor the whole case).
NEWS_TABLES = CASE_SCOPED_TABLES | ACTION_TABLES
# A decision (and its outcomes): the room is read again (the agenda shows each case's), and
# of the case shown only its decision, with the room (``room_reads.load_room_and_decision``).
DECISION_TABLES = frozenset({"decision", "decision_outcome"})


def decisions_only(tables: set[str]) -> bool:
    """Whether changes to ``tables`` (none ignored) are decisions, and perhaps the room's own
    rows: the case shown needs only its decision, unless its agenda row changed otherwise."""
    return bool(tables & DECISION_TABLES) and tables <= DECISION_TABLES | ROOM_ONLY_TABLES


def case_unmoved(
    before: RoomData | None, after: RoomData, item_id: int, *, decided: bool = False
) -> bool:
    """Whether the room read again says the same of case ``item_id`` as before: its agenda
    row (status, timer, position, version), the agenda's length, the meeting's status. The
    case shown is then still as it was read (when the room's own rows changed, and nothing
    of any case). ``decided``: the same but for what a decision shows in the row (the agreed
    risk, whether decided): the case shown then needs its decision alone."""
    if before is None or before.agenda is None or after.agenda is None:
        return False
    if before.meeting is None or after.meeting is None:
        return False
    row, was = after.agenda.row(item_id), before.agenda.row(item_id)
    if decided and row is not None and was is not None:
        row = dataclasses.replace(row, agreed_risk=was.agreed_risk, has_decision=was.has_decision)
    return (
        row is not None
        and row == was
        and len(after.agenda.rows) == len(before.agenda.rows)
        and after.meeting.status == before.meeting.status
    )


@dataclass(frozen=True)
class RoomData:
    """What the window shows besides the case: the meeting, agenda and the header counts."""

    meeting: MeetingView | None
    agenda: AgendaView | None
    attendance: AttendanceSummary | None
    open_actions: int
    note: str | None = None  # e.g. "No meeting for today; showing the meeting of ..."


@dataclass(frozen=True)
class DecisionRead:
    """The decision of case ``item_id`` (None: none yet), read with the room."""

    item_id: int
    view: DecisionView | None


@dataclass(frozen=True)
class StartData:
    room: RoomData
    agencies: tuple[AgencyOption, ...]
    outcomes: tuple[OutcomeOption, ...]


@dataclass(frozen=True)
class CaseBundle:
    case: CaseView
    drafts: dict[str, Any]


@dataclass(frozen=True)
class CasesTouched:
    """The cases a batch of entries and sharing decisions touched, and the entries of the
    case on this screen read again when it is one of them (nothing else of it changed)."""

    item_ids: frozenset[int]
    shown_id: int | None  # the case on screen when the read was queued
    shown: CaseEntries | None


@dataclass(frozen=True)
class ActionsTouched:
    """The cases whose actions a batch changed, the meeting's count of open actions, and
    the actions of the case on this screen read again when it is one of them."""

    item_ids: frozenset[int]
    open_actions: int
    shown_id: int | None
    shown: tuple[ActionView, ...] | None
    # ``shown`` holds only the actions the batch added or changed (those of any case), to
    # go into the case's list as it stands (``actions_now``), not the case's whole list
    only_changed: bool = False

    def actions_now(self, before: tuple[ActionView, ...]) -> tuple[ActionView, ...]:
        """The shown case's actions, ``before`` them the batch's: read whole, or merged
        (an action changed to another case leaves the list); in id order, as read."""
        if self.shown is None or not self.only_changed:
            return self.shown if self.shown is not None else before
        by_id = {a.id: a for a in before}
        for action in self.shown:
            if action.agenda_item_id == self.shown_id:
                by_id[action.id] = action
            else:
                by_id.pop(action.id, None)
        return tuple(sorted(by_id.values(), key=lambda a: a.id))


@dataclass(frozen=True)
class NewsTouched:
    """What a batch of someone's entries and actions touched, read in one unit of work:
    each part as it is read alone, None when the batch had none of it."""

    cases: CasesTouched | None
    actions: ActionsTouched | None
    changes: tuple[int, ...]  # the change-log ids this answers for


class Step(enum.Enum):
    """Where PgDn/PgUp takes this screen."""

    MAKE_CURRENT = "make_current"  # the chair moves the meeting on
    BROWSE = "browse"  # anyone else looks ahead on their own screen


class Refresh(enum.Enum):
    """What a batch of changes from the feed calls for."""

    NOTHING = "nothing"
    ROOM = "room"  # read the room again (it refreshes the case shown and the projector)
    ASK_CASES = "ask_cases"  # ask which cases the entries belong to, refresh only those
    CASE = "case"  # read the case shown again, and the projector
    # actions, with or without entries: the open count, and the actions (and entries) of
    # the case shown if they changed
    ACTIONS = "actions"


@dataclass(frozen=True)
class Target:
    """The case to show after the room was read; ``held_back`` when this screen stays
    where it is because its user is typing, and ``chair_row`` the chair's case then."""

    item_id: int | None
    held_back: bool = False
    chair_row: AgendaRow | None = None


def neighbour(view: AgendaView, from_item: int | None, step: int) -> int | None:
    """The next (or previous) case that is not deferred, from the rows already on screen."""
    ids = [r.item_id for r in view.rows if r.status != "deferred" or r.item_id == from_item]
    if not ids:
        return None
    if from_item not in ids:
        return ids[0] if step > 0 else ids[-1]
    index = ids.index(from_item) + step
    return ids[index] if 0 <= index < len(ids) else None


class RoomState:
    """The room as this screen sees it (see the module)."""

    def __init__(self, is_chair: bool) -> None:
        self.is_chair = is_chair
        self.room: RoomData | None = None
        self.agencies: tuple[AgencyOption, ...] = ()
        self.viewing: int | None = None  # the case this screen shows
        self.follow_chair = True
        self.moving_to: int | None = None  # the case the chair just made current (unsaved)
        self.local_curtain = False  # a representative's own curtain
        self.curtain_pending: bool | None = None  # the chair's press, until it is saved
        self.prefetched: dict[int, CaseBundle] = {}
        self.generation = 0  # moves on every change seen: older prefetches are stale

    # ------------------------------------------------------------------ reading
    @property
    def meeting(self) -> MeetingView | None:
        return self.room.meeting if self.room else None

    @property
    def agenda(self) -> AgendaView | None:
        return self.room.agenda if self.room else None

    @property
    def following(self) -> bool:
        """Representatives follow the chair's current case; the chair leads it."""
        return self.follow_chair and not self.is_chair

    @property
    def chair_leads(self) -> bool:
        """The chair of an open meeting: PgDn and Ctrl+Return move the room."""
        meeting = self.meeting
        return self.is_chair and meeting is not None and meeting.is_open

    @property
    def behind_chair(self) -> bool:
        """Following, but on another case than the chair's (held back while typing)."""
        meeting = self.meeting
        return bool(self.following and meeting and meeting.current_item_id != self.viewing)

    def row(self, item_id: int | None) -> AgendaRow | None:
        agenda = self.agenda
        return agenda.row(item_id) if agenda is not None and item_id is not None else None

    def curtain_is_down(self) -> bool:
        """The curtain as the room should see it now."""
        if self.curtain_pending is not None:
            return self.curtain_pending
        meeting = self.meeting
        return bool(meeting and meeting.curtain_down) or self.local_curtain

    def projector_curtain(self, saved_down: bool) -> bool:
        """The curtain for a projector view read with ``saved_down``: a press not yet saved
        wins over what was read before it."""
        if self.curtain_pending is not None:
            return self.curtain_pending
        return saved_down or self.local_curtain

    def chair_curtain(self) -> bool:
        """B pressed here changes the room's curtain (the chair's, saved), not a local one."""
        meeting = self.meeting
        return self.is_chair and meeting is not None and not meeting.is_closed

    # ------------------------------------------------------------------ deciding
    def target_after(self, room: RoomData, typing: bool) -> Target:
        """The case to show once ``room`` has been read; ``typing``: this screen's user
        has an unsaved entry (they are never pulled away mid-sentence)."""
        meeting, agenda = room.meeting, room.agenda
        if meeting is None or agenda is None:
            return Target(None)
        target = self.viewing
        held_back, chair_row = False, None
        if self.following and meeting.current_item_id is not None:
            target = meeting.current_item_id
            if typing and self.viewing is not None and target != self.viewing:
                held_back, chair_row = True, agenda.row(target)
                target = self.viewing
        if target is None or agenda.row(target) is None:
            target = meeting.current_item_id or (agenda.rows[0].item_id if agenda.rows else None)
        return Target(target, held_back, chair_row)

    def step(self, step: int) -> tuple[Step, int] | None:
        """PgDn (+1) or PgUp (-1): what to do, and to which case."""
        agenda = self.agenda
        if agenda is None:
            return None
        meeting = self.meeting
        if self.chair_leads and meeting is not None:
            anchor = self.moving_to or meeting.current_item_id or self.viewing
            target = neighbour(agenda, anchor, step)
            return (Step.MAKE_CURRENT, target) if target is not None else None
        target = neighbour(agenda, self.viewing, step)
        return (Step.BROWSE, target) if target is not None else None

    def refresh_for(self, tables: Iterable[str]) -> Refresh:
        """What changes to ``tables`` call for; a change also drops what was read ahead."""
        touched = set(tables) - IGNORED_TABLES
        if not touched:
            return Refresh.NOTHING
        if touched <= CASE_SCOPED_TABLES and not self.behind_chair:
            return Refresh.ASK_CASES  # what was read ahead goes once the cases are known
        self.generation += 1
        self.prefetched.clear()
        if touched <= NEWS_TABLES and not self.behind_chair:
            return Refresh.ACTIONS
        if touched & ROOM_TABLES:
            return Refresh.ROOM
        if self.behind_chair:
            return Refresh.ROOM  # held back while typing: follow the chair now if free
        if touched <= CASE_SCOPED_TABLES:
            return Refresh.ASK_CASES
        if touched & CONTENT_TABLES:
            return Refresh.CASE
        return Refresh.NOTHING

    # ------------------------------------------------------------------ changing
    def agenda_written(self, view: AgendaView) -> bool:
        """The agenda as a write left it replaces the one read; False when there is no room."""
        if view.meeting.current_item_id == self.moving_to:
            self.moving_to = None
        if self.room is None:
            return False
        self.room = dataclasses.replace(self.room, meeting=view.meeting, agenda=view)
        return True

    def cases_changed(self, item_ids: Iterable[int]) -> None:
        """Entries of ``item_ids`` changed: those cases read ahead are stale (and a read
        ahead under way may be); the other cases read ahead stay."""
        self.generation += 1
        for item_id in item_ids:
            self.prefetched.pop(item_id, None)

    def take_prefetched(self, item_id: int) -> CaseBundle | None:
        return self.prefetched.pop(item_id, None)

    def to_prefetch(self) -> int | None:
        """The case after the one shown, to read ahead (what was read ahead before goes);
        None when there is none or it is read ahead already."""
        agenda = self.agenda
        if agenda is None:
            return None
        following = neighbour(agenda, self.viewing, +1)
        if following is None or following in self.prefetched:
            return None
        self.prefetched.clear()
        return following

    def keep_prefetched(self, item_id: int, bundle: CaseBundle, generation: int) -> bool:
        """Keep a case read ahead, unless something changed since the read began."""
        if generation != self.generation:
            return False
        self.prefetched[item_id] = bundle
        return True
