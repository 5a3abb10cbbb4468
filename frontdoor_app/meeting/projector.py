"""What the projector shows: the meeting's current case, only what the room may see.

Restricted entries never appear. In initials mode (the default) no full name, address,
full postcode or date of birth appears anywhere, not even inside free text an agency
typed: those words are replaced by initials or "[address]" before they leave here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor_app.models import (
    Agency,
    AgendaItem,
    Decision,
    IntelligenceEntry,
    Meeting,
    Notification,
    NotificationPerson,
)

from . import actions as action_queries
from .agenda_rows import build_row
from .case import SAME_NOTIFICATION, household_view
from .common import meeting_of
from .decisions import decision_view
from .views import PersonView, ProjectorAction, ProjectorEntry, ProjectorPerson, ProjectorView

ROLE_WORDS = {
    "victim": "Victim",
    "perpetrator": "Person who harmed",
    "child": "Child",
    "other_adult": "Adult",
}


def load_projector_view(
    session: Session, meeting_id: int, initials_mode: bool = True
) -> ProjectorView:
    """The current case as the room may see it (or just the meeting when none is current)."""
    meeting = meeting_of(session, meeting_id)
    total = (
        session.scalar(select(func.count(AgendaItem.id)).where(AgendaItem.meeting_id == meeting_id))
        or 0
    )
    item = session.get(AgendaItem, meeting.current_item_id) if meeting.current_item_id else None
    if item is None:
        return _empty(meeting, int(total), initials_mode)
    on = meeting.meeting_date
    notification = session.get(Notification, item.notification_id)
    assert notification is not None  # foreign key
    sent = list(
        session.scalars(
            select(NotificationPerson).where(NotificationPerson.notification_id == notification.id)
        )
    )
    decision = session.scalar(select(Decision).where(Decision.agenda_item_id == item.id))
    row = build_row(
        item,
        notification.police_ref,
        notification.postcode,
        notification.dash_risk,
        notification.dash_yes,
        on,
        decision.agreed_risk if decision else None,
        sent,
    )
    household = household_view(session, item.household_id, sent, on)
    members = household.members
    redact = (
        Redactor(
            members,
            sent,
            [notification.address, household.address],
            [notification.postcode, household.postcode],
        )
        if initials_mode
        else None
    )
    agency_names = dict(session.execute(select(Agency.id, Agency.name)).all())
    shown = (
        select(IntelligenceEntry)
        .where(
            IntelligenceEntry.agenda_item_id.in_(SAME_NOTIFICATION),
            IntelligenceEntry.restricted_to_agency_id.is_(None),
        )
        .order_by(IntelligenceEntry.created_at, IntelligenceEntry.id)
    )
    entries = tuple(
        ProjectorEntry(agency_names.get(e.agency_id, ""), e.kind, _clean(redact, e.text))
        for e in session.scalars(shown, {"notification_id": item.notification_id})
    )
    actions = tuple(
        ProjectorAction(a.agency_name, a.owner_name, _clean(redact, a.description), a.due_date)
        for a in action_queries.actions_for_item(session, item.id, on)
    )
    outcomes = decision_view(session, decision).outcomes if decision else ()
    surname = row.household_name
    heading_name = row.initials if initials_mode else surname
    size = f" ({len(members)})" if members else ""
    ages = [m.age_text for m in members if m.role == "child" and m.age_text]
    children = (
        (
            f"{row.children} {'child' if row.children == 1 else 'children'}"
            + (f": {', '.join(ages)}" if ages else "")
        )
        if row.children
        else "No child listed"
    )
    return ProjectorView(
        meeting_id=meeting.id,
        meeting_date=on,
        curtain_down=meeting.curtain_down,
        initials_mode=initials_mode,
        item_id=item.id,
        case_number=item.position,
        case_total=int(total),
        heading=f"{heading_name or 'Unnamed'} household{size}",
        dash_risk=row.dash_risk,
        dash_yes=row.dash_yes,
        agreed_risk=row.agreed_risk,
        district=row.postcode_district,
        children_text=children,
        flag_texts=row.flag_texts,
        people=tuple(_person(m, initials_mode) for m in members),
        entries=entries,
        outcomes=tuple(
            _clean(redact, f"{o.label} ({o.detail})" if o.detail else o.label) for o in outcomes
        ),
        actions=actions,
        started_at=item.started_at,
        seconds_spent=item.seconds_spent,
    )


def _empty(meeting: Meeting, total: int, initials_mode: bool) -> ProjectorView:
    return ProjectorView(
        meeting.id,
        meeting.meeting_date,
        meeting.curtain_down,
        initials_mode,
        None,
        None,
        total,
        f"Meeting of {meeting.meeting_date:%d %B %Y}",
        None,
        None,
        None,
        "",
        "",
        (),
        (),
        (),
        (),
        (),
        None,
        0,
    )


def _person(m: PersonView, initials_mode: bool) -> ProjectorPerson:
    label = m.initials if initials_mode else f"{m.forenames} {m.surname}".strip()
    return ProjectorPerson(ROLE_WORDS.get(m.role, m.role), label or "?", m.age_text)


def _clean(redact: Redactor | None, text: str) -> str:
    return redact(text) if redact is not None else text


class Redactor:
    """Replaces the household's names, addresses, postcodes and dates of birth in free text."""

    def __init__(
        self,
        members: Iterable[PersonView],
        sent: Iterable[NotificationPerson],
        addresses: Iterable[str | None],
        postcodes: Iterable[str | None],
    ) -> None:
        names: dict[str, str] = {}
        dobs: set[dt.date] = set()
        people = [(m.forenames, m.surname, m.dob) for m in members]
        people += [(p.forenames or "", p.surname, p.dob) for p in sent]
        for forenames, surname, dob in people:
            for word in re.split(r"[\s\-]+", f"{forenames} {surname}"):
                word = word.strip(".,")
                if len(word) >= 2:
                    # O'Brien is also typed O’Brien (a word processor's apostrophe).
                    for variant in {word, word.replace("'", "’"), word.replace("’", "'")}:
                        names[variant.casefold()] = f"{word[0].upper()}."
            if dob is not None:
                dobs.add(dob)
        self.names = names
        phrases = set()
        for address in addresses:
            if address:
                phrases.add(address.strip())
                phrases.update(p.strip() for p in address.split(",") if len(p.strip()) >= 4)
        for postcode in postcodes:
            if postcode:
                phrases.add(postcode.strip())
                phrases.add(postcode.replace(" ", ""))
        for dob in dobs:
            phrases.update(
                {
                    dob.isoformat(),
                    f"{dob:%d/%m/%Y}",
                    f"{dob.day}/{dob.month}/{dob.year}",
                    f"{dob.day} {dob:%B %Y}",
                    f"{dob.day} {dob:%b %Y}",
                    f"{dob:%d.%m.%Y}",
                    f"{dob:%d/%m/%y}",
                }
            )
        ordered = sorted((p for p in phrases if p), key=len, reverse=True)
        self.phrases = (
            re.compile("|".join(rf"(?<!\w){re.escape(p)}(?!\w)" for p in ordered), re.IGNORECASE)
            if ordered
            else None
        )
        words = sorted(names, key=len, reverse=True)
        self.words = (
            re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words), re.IGNORECASE)
            if words
            else None
        )

    def __call__(self, text: str) -> str:
        if self.phrases is not None:
            text = self.phrases.sub("[withheld]", text)
        if self.words is not None:
            text = self.words.sub(self._initial, text)
        return text

    def _initial(self, match: re.Match[str]) -> str:
        word = match.group(0)
        # A name written all in lower case is far more often the ordinary word ("will",
        # "hope", "brown"); names are written capitalised or in capitals by the police.
        if word.islower():
            return word
        return self.names.get(word.casefold(), f"{word[0].upper()}.")
