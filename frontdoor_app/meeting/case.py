"""Reading a case for the case screen: incident, household, history, entries, decision.

``load_case`` runs a fixed handful of indexed queries whatever the household's history
(no query per row), filters restricted entries for the viewer, and records the view in
the audit trail. The projector's view is in ``projector``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, literal_column, or_, select, true
from sqlalchemy import case as sa_case
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.clock import Clock
from frontdoor_app.models import (
    Agency,
    AgendaItem,
    Decision,
    Household,
    HouseholdMember,
    IntelligenceEntry,
    Locality,
    Meeting,
    Notification,
    NotificationPerson,
    Person,
    SharingDecision,
    User,
)
from frontdoor_app.models.driver import select_rows
from frontdoor_app.personal import age_on, age_text, initials

from . import actions as action_queries
from .agenda_rows import build_row
from .case_history import earlier_items, fgc_summaries, history, outcomes_of
from .decisions import build_decision_view
from .entries import can_see, view_of
from .errors import NotFoundError
from .views import (
    CaseEntries,
    CaseView,
    HouseholdView,
    IncidentView,
    IntelligenceView,
    PersonView,
    SharingView,
)

ROLE_ORDER = {"victim": 0, "perpetrator": 1, "other_adult": 2, "child": 3}
# Statements built once: building a select costs more than SQLite takes to run it, and a
# case is opened at every press of "next case". Column queries run on the connection (Core),
# skipping the ORM's per-statement work; entity queries keep the ORM.
_ITEM = (
    select(AgendaItem, Meeting, Notification, Decision, User.display_name)
    .join(Meeting, Meeting.id == AgendaItem.meeting_id)
    .join(Notification, Notification.id == AgendaItem.notification_id)
    .outerjoin(Decision, Decision.agenda_item_id == AgendaItem.id)
    .outerjoin(User, User.id == Decision.decided_by_id)
    .where(AgendaItem.id == bindparam("item_id"))
)
_SENT = select(NotificationPerson).where(
    NotificationPerson.notification_id == bindparam("notification_id")
)
_TOTAL = select(func.count(AgendaItem.id)).where(AgendaItem.meeting_id == bindparam("meeting_id"))
_AGENCIES = select(Agency.id, Agency.code, Agency.name)
# A case deferred to a later meeting is a new agenda item for the same notification: what
# the agencies said at the earlier meeting belongs to the case, so it is shown with it.
SAME_NOTIFICATION = select(AgendaItem.id).where(
    AgendaItem.notification_id == bindparam("notification_id")
)

_HOUSEHOLD = (
    select(
        Household.id,
        Household.reference,
        Household.address,
        Household.postcode,
        Locality.code,
        Locality.name,
    )
    .outerjoin(Locality, Locality.id == Household.locality_id)
    .where(Household.id == bindparam("household_id"))
)
_MEMBERS = (
    select(HouseholdMember.role, Person)
    .join(Person, Person.id == HouseholdMember.person_id)
    .where(
        HouseholdMember.household_id == bindparam("household_id"),
        or_(HouseholdMember.to_date.is_(None), HouseholdMember.to_date >= bindparam("on")),
    )
)

_SHARING = (
    select(
        SharingDecision.id,
        SharingDecision.agenda_item_id,
        SharingDecision.agency_id,
        SharingDecision.shared,
        SharingDecision.with_whom,
        SharingDecision.reason,
        SharingDecision.recorded_by_id,
        SharingDecision.created_at,
        SharingDecision.version,
    )
    .where(SharingDecision.agenda_item_id == bindparam("item_id"))
    .order_by(SharingDecision.created_at, SharingDecision.id)
)


def load_case(
    session: Session, item_id: int, viewer: Actor, *, clock: Clock, audit_view: bool = True
) -> CaseView:
    """Everything about one case as ``viewer`` may see it; the view is audited.

    ``clock`` is the authority's (``profile.clock``): what is overdue, and when a meeting
    was, are read in its time zone. Pass ``audit_view=False`` when merely refreshing a case
    already open on the screen.
    About fifteen indexed queries, however long the household's history.
    """
    found = session.execute(_ITEM, {"item_id": item_id}).first()
    if found is None:
        raise NotFoundError(f"Case {item_id} does not exist (it may have been removed).")
    item, meeting, notification, decision, decided_by = found
    on = meeting.meeting_date
    today = clock.today()
    sent = list(session.scalars(_SENT, {"notification_id": notification.id}))
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
    connection = session.connection()
    total = connection.execute(_TOTAL, {"meeting_id": meeting.id}).scalar() or 0
    agencies = {a.id: (a.code, a.name) for a in connection.execute(_AGENCIES)}
    sharing = _sharing(session, item.id, agencies)
    said = _said(_entries(session, item.id, viewer), sharing)
    earlier = earlier_items(session, item)
    outcomes = outcomes_of(
        session,
        [r.decision_id for r in earlier if r.decision_id is not None]
        + ([decision.id] if decision is not None else []),
    )
    all_actions = action_queries.views_for_items(
        session, [*(r.id for r in earlier), item.id], today, updates_for_items=(item.id,)
    )
    fgc = fgc_summaries(session, item.household_id)
    if audit_view:
        audit.record(session, viewer, "view", "agenda_item", item.id, detail="case opened")
    return CaseView(
        item=row,
        meeting_id=meeting.id,
        meeting_date=on,
        meeting_status=meeting.status,
        case_number=item.position,
        case_total=int(total),
        incident=incident_view(notification),
        household=household_view(session, item.household_id, sent, on),
        history=history(
            session,
            item,
            notification,
            earlier,
            outcomes,
            [a for a in all_actions if a.agenda_item_id != item.id],
            fgc,
            today,
            clock,
        ),
        intelligence=said.intelligence,
        victim_views=said.victim_views,
        child_voices=said.child_voices,
        hidden_restricted=said.hidden_restricted,
        decision=build_decision_view(decision, outcomes.get(decision.id, []), decided_by)
        if decision is not None
        else None,
        actions=tuple(a for a in all_actions if a.agenda_item_id == item.id),
        sharing=sharing,
        fgc=fgc,
    )


# The agencies' names for the case's sharing decisions, in one statement that also says
# whether the case exists (a row an agency; none when it does not).
_CASE_AND_AGENCIES = (
    select(AgendaItem.id.label("item_id"), Agency.id, Agency.code, Agency.name)
    .select_from(AgendaItem)
    .outerjoin(Agency, true())
    .where(AgendaItem.id == bindparam("item_id"))
)


# The entries of the case's notification (a case deferred to a later meeting keeps what
# was said at the earlier one) with their agencies' names, in one statement keyed by the
# case. Plain rows, not ORM objects: every laptop reads them again for each entry anyone
# saves.
_AUTHOR_AGENCY, _RESTRICTED_AGENCY = aliased(Agency), aliased(Agency)
_SAME_NOTIFICATION_AS_ITEM = select(AgendaItem.id).where(
    AgendaItem.notification_id
    == select(AgendaItem.notification_id)
    .where(AgendaItem.id == bindparam("item_id"))
    .scalar_subquery()
)
# Entries with their agencies' names (any entry: each read below says which).
_ENTRY_ROWS = (
    select(
        *cast(Table, IntelligenceEntry.__table__).c,
        _AUTHOR_AGENCY.code.label("agency_code"),
        _AUTHOR_AGENCY.name.label("agency_name"),
        _RESTRICTED_AGENCY.code.label("restricted_code"),
    )
    .join(_AUTHOR_AGENCY, _AUTHOR_AGENCY.id == IntelligenceEntry.agency_id)
    .outerjoin(
        _RESTRICTED_AGENCY, _RESTRICTED_AGENCY.id == IntelligenceEntry.restricted_to_agency_id
    )
)
_ENTRIES = _ENTRY_ROWS.where(
    IntelligenceEntry.agenda_item_id.in_(_SAME_NOTIFICATION_AS_ITEM)
).order_by(IntelligenceEntry.created_at, IntelligenceEntry.id)
# One of them, by its id (``added_entries``).
_ENTRY = _ENTRIES.where(IntelligenceEntry.id == bindparam("entry_id"))
_INSTANTS = ("created_at", "updated_at")


def new_entry_of_change(log: Table) -> ColumnElement[Any]:
    """For ``sync.changes.read``'s ``row`` (PostgreSQL): each new entry with its change, as
    ``_ENTRIES`` has it (one JSON object), in the log's own statement, so a laptop showing
    the case needs no statement more for someone's Save; nothing for other changes, or for
    an entry the reader may not see (row-level security)."""
    pairs: list[Any] = []
    for column in _ENTRY_ROWS.selected_columns:  # the entry's columns, its agencies' names
        pairs += [literal_column(f"'{column.key}'"), column]
    found = (
        _ENTRY_ROWS.with_only_columns(func.json_build_object(*pairs), maintain_column_froms=True)
        .where(IntelligenceEntry.id == log.c.row_id)
        .scalar_subquery()
    )
    new = and_(log.c.table_name == "intelligence_entry", log.c.operation == "create")
    return sa_case((new, found))


def case_entries(
    session: Session, item_id: int, viewer: Actor, *, sharing: bool = True
) -> CaseEntries:
    """What the agencies said about one case, as ``viewer`` may see it: the part of
    ``load_case`` that a saved entry or sharing decision changes. Not audited (a refresh of
    a case already open).

    ``sharing=False`` (someone saved an entry, and no sharing decision changed): the entries
    only, in one statement, and ``sharing`` None in the answer (unchanged). Otherwise the
    sharing decisions too, in two more statements; so too when the case has no entry,
    which also names a case that no longer exists."""
    entries = _entries(session, item_id, viewer)
    if not sharing and (entries[0] or entries[1]):
        return _said(entries, None)
    rows = session.connection().execute(_CASE_AND_AGENCIES, {"item_id": item_id}).all()
    if not rows:
        raise NotFoundError(f"Case {item_id} does not exist (it may have been removed).")
    agencies = {r.id: (r.code, r.name) for r in rows if r.id is not None}
    return _said(entries, _sharing(session, item_id, agencies))


def added_entries(
    session: Session,
    item_id: int,
    entry_ids: Sequence[int],
    viewer: Actor,
    brought: Mapping[int, Any] | None = None,
) -> CaseEntries | None:
    """Entries just added to case ``item_id`` (someone's Save), as ``viewer`` sees them, to
    go among those already on their screen (``CaseEntries.added``): every laptop showing
    the case reads this at each entry saved in the room, where the case's whole list grows
    through the meeting. Each is taken from ``brought`` (by id: what the log's read brought
    of it, ``new_entry_of_change``) when it is there and of this case, else read (one
    statement). None when one of them is not simply a new entry this viewer sees
    (restricted from them, hidden by the server, removed, of another case): then the
    case's entries are to be read whole (``case_entries``), which also counts those
    restricted from the viewer."""
    seen = []
    for entry_id in entry_ids:
        e = _brought_entry((brought or {}).get(entry_id), item_id)
        if e is None:
            rows = select_rows(
                session.connection(), _ENTRY, {"item_id": item_id, "entry_id": entry_id}
            )
            e = rows[0] if rows else None
        if e is None or not can_see(viewer, e.restricted_to_agency_id):
            return None
        seen.append(view_of(e, e.agency_code, e.agency_name, e.restricted_code))
    return dataclasses.replace(_said((seen, 0), None), added=True)


def _brought_entry(row: Any, item_id: int) -> Any:
    """An entry as ``new_entry_of_change`` brought it (JSON), with the attributes of a row of
    ``_ENTRIES``; None when nothing came, or it is of another case."""
    if not isinstance(row, Mapping) or row.get("agenda_item_id") != item_id:
        return None
    at = {k: dt.datetime.fromisoformat(row[k]).astimezone(dt.UTC) for k in _INSTANTS}
    return SimpleNamespace(**{**row, **at})


def _said(
    entries: tuple[list[IntelligenceView], int], sharing: tuple[SharingView, ...] | None
) -> CaseEntries:
    shown, hidden = entries
    return CaseEntries(
        intelligence=tuple(e for e in shown if e.kind == "agency"),
        victim_views=tuple(e for e in shown if e.kind == "victim_view"),
        child_voices=tuple(e for e in shown if e.kind == "child_voice"),
        hidden_restricted=hidden,
        sharing=sharing,
    )


def incident_view(n: Notification) -> IncidentView:
    risk_flags = tuple(
        name for name in ("weapon", "alcohol", "drugs", "pregnancy") if getattr(n, name)
    )
    parts = [p for p in ((n.incident_type or "").capitalize(), n.offence or "") if p]
    summary = " · ".join(parts) or "Domestic incident"
    if n.children_present:
        summary += " · children present"
    if risk_flags:
        summary += " · " + ", ".join(risk_flags)
    return IncidentView(
        notification_id=n.id,
        police_ref=n.police_ref,
        force=n.force,
        received_at=n.received_at,
        incident_at=n.incident_at,
        incident_type=n.incident_type,
        offence=n.offence,
        summary=summary,
        dash_risk=n.dash_risk,
        dash_yes=n.dash_yes,
        address=n.address,
        postcode=n.postcode,
        children_present=n.children_present,
        weapon=n.weapon,
        alcohol=n.alcohol,
        drugs=n.drugs,
        pregnancy=n.pregnancy,
        risk_flags=risk_flags,
        narrative=n.narrative,
        officer=n.officer,
    )


def household_view(
    s: Session, household_id: int | None, sent: list[NotificationPerson], on: dt.date
) -> HouseholdView:
    """The household's current members (or the people as sent, when not yet matched)."""
    by_person = {p.person_id: p for p in sent if p.person_id is not None}
    if household_id is None:
        members = [_person_from_sent(p, on) for p in sent]
        return HouseholdView(None, None, None, None, None, None, _ordered(members))
    found = s.connection().execute(_HOUSEHOLD, {"household_id": household_id}).first()
    if found is None:
        raise NotFoundError(f"Household {household_id} does not exist.")
    rows = s.execute(_MEMBERS, {"household_id": household_id, "on": on}).all()
    members, seen = [], set()
    for role, person in rows:
        if person.id in seen:
            continue
        seen.add(person.id)
        members.append(_person(person, role, by_person.get(person.id), on))
    members.extend(
        _person_from_sent(p, on) for p in sent if p.person_id is None or p.person_id not in seen
    )
    return HouseholdView(
        found[0], found[1], found[2], found[3], found[4], found[5], _ordered(members)
    )


def _person(p: Person, role: str, sent: NotificationPerson | None, on: dt.date) -> PersonView:
    years = (
        age_on(p.dob, on)
        if p.dob and p.dob <= on
        else (on.year - p.birth_year if p.birth_year else None)
    )
    return PersonView(
        person_id=p.id,
        role=role,
        surname=p.surname,
        forenames=p.forenames or "",
        initials=initials(p.forenames, p.surname),
        dob=p.dob,
        age=years,
        age_text=age_text(p.dob, on, years),
        gender=p.gender,
        school=p.school or (sent.school if sent else None),
        relationship_to_victim=sent.relationship_to_victim if sent else None,
    )


def _person_from_sent(p: NotificationPerson, on: dt.date) -> PersonView:
    years = age_on(p.dob, on) if p.dob and p.dob <= on else p.age
    return PersonView(
        p.person_id,
        p.role,
        p.surname,
        p.forenames or "",
        initials(p.forenames, p.surname),
        p.dob,
        years,
        age_text(p.dob, on, years),
        p.gender,
        p.school,
        p.relationship_to_victim,
    )


def _ordered(members: list[PersonView]) -> tuple[PersonView, ...]:
    return tuple(sorted(members, key=lambda m: (ROLE_ORDER.get(m.role, 9), -(m.age or 0))))


def _entries(s: Session, item_id: int, viewer: Actor) -> tuple[list[IntelligenceView], int]:
    """The entries ``viewer`` may see, and how many others are restricted from them."""
    shown, hidden = [], 0
    # on the driver (PostgreSQL): every laptop showing the case reads this at each entry saved
    for e in select_rows(s.connection(), _ENTRIES, {"item_id": item_id}):
        if can_see(viewer, e.restricted_to_agency_id):
            shown.append(view_of(e, e.agency_code, e.agency_name, e.restricted_code))
        else:
            hidden += 1
    return shown, hidden


def _sharing(
    s: Session, item_id: int, agencies: dict[int, tuple[str, str]]
) -> tuple[SharingView, ...]:
    rows = s.connection().execute(_SHARING, {"item_id": item_id})
    return tuple(
        SharingView(
            r.id,
            r.agenda_item_id,
            r.agency_id,
            *agencies[r.agency_id],
            r.shared,
            r.with_whom,
            r.reason,
            r.recorded_by_id,
            r.created_at,
            r.version,
        )
        for r in rows
    )
