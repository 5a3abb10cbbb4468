"""The agenda's rows: their values and how one is built from plain fields.

No SQLAlchemy here. ``agenda.load_agenda`` (through the ORM session) and
``first_look.read_first_look`` (the desktop's first paint, through the standard library's
sqlite3) both build their rows with ``build_row``, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from frontdoor_app.flags import Flags
from frontdoor_app.personal import age_on

from .timer import case_seconds

ADULT_ORDER = {"victim": 0, "other_adult": 1, "perpetrator": 2, "child": 3}


@dataclass(frozen=True)
class MeetingView:
    id: int
    meeting_date: dt.date
    status: str  # planned | in_progress | closed
    chair_id: int | None
    chair_name: str | None
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    confidentiality_read_at: dt.datetime | None
    current_item_id: int | None
    curtain_down: bool
    window_start: dt.datetime
    window_end: dt.datetime
    version: int
    total_items: int
    waiting: int
    discussed: int
    deferred: int

    @property
    def is_open(self) -> bool:
        return self.status == "in_progress"

    @property
    def is_closed(self) -> bool:
        return self.status == "closed"


@dataclass(frozen=True)
class AgendaRow:
    item_id: int
    meeting_id: int
    position: int
    police_ref: str
    household_id: int | None
    household_name: str  # surname of the household's victim (or first adult); "" when unknown
    initials: str  # e.g. "K.W."; safe for the projector
    postcode_district: str  # "LS9": the area, never the address
    dash_risk: str  # standard | medium | high (police grading)
    dash_yes: int | None
    agreed_risk: str | None  # from the decision, once there is one
    marac: tuple[str, ...]  # MARAC criteria met, in words' keys (e.g. "visible_high_risk")
    repeat: bool
    repeat_count: int
    no_child: bool
    unborn: bool
    under5: bool
    children: int
    child_ages: tuple[int, ...]  # whole years, youngest first; unknown ages left out
    flag_codes: tuple[str, ...]  # short legend words: M, R, U5, UB, NC
    flag_texts: tuple[str, ...]  # the same in words, for tooltips and the projector
    status: str  # waiting | current | discussed | deferred
    has_decision: bool
    started_at: dt.datetime | None  # when it became current this time; None unless current
    seconds_spent: int  # time spent on it before (it may be discussed more than once)
    version: int

    def timer_seconds(self, now: dt.datetime) -> int:
        """The case timer: earlier time on the case plus the time since it became current."""
        return case_seconds(self.started_at, self.seconds_spent, now)


@dataclass(frozen=True)
class AgendaView:
    meeting: MeetingView
    rows: tuple[AgendaRow, ...]

    def row(self, item_id: int) -> AgendaRow | None:
        return next((r for r in self.rows if r.item_id == item_id), None)


class ItemFields(Protocol):
    """What ``build_row`` reads of an agenda item: an ``AgendaItem`` or a plain row."""

    @property
    def id(self) -> int: ...
    @property
    def meeting_id(self) -> int: ...
    @property
    def notification_id(self) -> int: ...
    @property
    def household_id(self) -> int | None: ...
    @property
    def position(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def flags(self) -> Any: ...
    @property
    def started_at(self) -> dt.datetime | None: ...
    @property
    def seconds_spent(self) -> int: ...
    @property
    def version(self) -> int: ...


class PersonFields(Protocol):
    """What ``build_row`` reads of a person as sent by the police."""

    @property
    def role(self) -> str: ...
    @property
    def surname(self) -> str: ...
    @property
    def dob(self) -> dt.date | None: ...
    @property
    def age(self) -> int | None: ...


def build_row(
    item: ItemFields,
    police_ref: str,
    postcode: str | None,
    dash_risk: str,
    dash_yes: int | None,
    on: dt.date,
    agreed_risk: str | None,
    people: Sequence[PersonFields],
) -> AgendaRow:
    adults = sorted((p for p in people if p.role != "child"), key=lambda p: ADULT_ORDER[p.role])
    surname = adults[0].surname if adults else (people[0].surname if people else "")
    children = [p for p in people if p.role == "child"]
    flags = Flags.read(item.flags, children=len(children), ages=_child_ages(children, on))
    carried = flags.carried_words()
    return AgendaRow(
        item_id=item.id,
        meeting_id=item.meeting_id,
        position=item.position,
        police_ref=police_ref,
        household_id=item.household_id,
        household_name=surname,
        initials=f"{surname.strip()[0].upper()}." if surname.strip() else "",
        postcode_district=district(postcode),
        dash_risk=dash_risk,
        dash_yes=dash_yes,
        agreed_risk=agreed_risk,
        marac=flags.marac,
        repeat=flags.repeat,
        repeat_count=flags.repeat_count,
        no_child=flags.no_child,
        unborn=flags.unborn,
        under5=flags.under5,
        children=flags.children,
        child_ages=flags.child_ages,
        flag_codes=flags.codes(),
        flag_texts=(*flags.words(), *((carried,) if carried else ())),
        status=item.status,
        has_decision=agreed_risk is not None,
        started_at=item.started_at,
        seconds_spent=item.seconds_spent,
        version=item.version,
    )


def _child_ages(children: list[PersonFields], on: dt.date) -> tuple[int, ...]:
    """The listed children's ages, for flags stored before they carried them."""
    ages = []
    for child in children:
        if child.dob is not None and child.dob <= on:
            ages.append(age_on(child.dob, on))
        elif child.age is not None:
            ages.append(child.age)
    return tuple(ages)


def district(postcode: str | None) -> str:
    """The outward code of a postcode ("LS9 8AB" → "LS9"): an area, not an address."""
    code = (postcode or "").strip().upper()
    if " " in code:
        return code.split(" ")[0]
    return code[:-3] if len(code) >= 5 else code


def fallback_note(day: dt.date, shown: dt.date) -> str:
    """What the window says when there is no meeting for ``day`` and it shows another."""
    return f"No meeting for {day:%A %d %B %Y} yet; showing the meeting of {shown:%A %d %B %Y}."
