"""Importing the new notifications of a file together: plan in memory, write once per table.

The rules are those of ``store`` (one notification at a time, used for amendments and
corrections): the same matching decisions, households, flags and audit trail. Here the
look-ups are set-based (``batch_match``) and each table is written with one multi-row
INSERT, inside the caller's transaction, so an interruption leaves nothing half written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from frontdoor_app.access.actor import Actor
from frontdoor_app.models import (
    AgendaItem,
    AuditEvent,
    ChangeLog,
    Household,
    HouseholdMember,
    Meeting,
    Notification,
    NotificationPerson,
    Person,
    PersonLink,
    PostcodeDistrict,
    utcnow,
)
from frontdoor_app.models.audit_chain import seal_rows
from frontdoor_app.profile import IntakeRules

from . import flags as flag_rules
from .batch_match import InFileIndex, KnownPerson, load_people, resolve
from .blocking import block_keys, db_candidates, lookup_keys
from .fields import postcode_district
from .keys import name_keys
from .matching import Match, decide, load_model
from .people import MOVED, ROLE_WEIGHT, facts_from, lives_at_incident, moved
from .similarity import PersonFacts
from .store import Stored
from .validate import NotificationData, PersonData

YEAR = dt.timedelta(days=365)


_DATES = (dt.datetime, dt.date, dt.time)


def plain(value: Any) -> Any:
    """As ``audit.plain`` for the values an import writes, without its slower checks."""
    return value.isoformat() if type(value) in _DATES else value


def _t(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


@dataclass
class PlannedPerson:
    data: PersonData
    ref: int  # a known person's id, or a negative reference to a person created here
    match: Match


@dataclass
class Planned:
    data: NotificationData
    raw: Any
    persons: list[PlannedPerson] = field(default_factory=list)
    household: int = 0  # a known household's id, or negative: created here
    flags: dict[str, Any] = field(default_factory=dict)


class _Plan:
    """Everything one file will write, decided before anything is written."""

    def __init__(self, session: Session, rules: IntakeRules) -> None:
        self.s, self.rules = session, rules
        self.model = load_model(session)
        self.new_people: dict[int, dict[str, Any]] = {}  # ref → Person columns
        self.new_facts = InFileIndex()
        self.updates: dict[int, dict[str, Any]] = {}  # known person id → changed columns
        self.new_households: dict[int, dict[str, Any]] = {}
        self.members: dict[int, set[int]] = defaultdict(set)  # household ref → person refs
        self.new_members: list[tuple[int, int, str, dt.date]] = []
        self.person_households: dict[int, set[int]] = defaultdict(set)
        self.household_postcode: dict[int, str | None] = {}
        self.household_address: dict[int, str | None] = {}
        self.newest: dict[int, dt.datetime] = {}  # household → latest notification received
        self.moves: dict[int, dict[str, Any]] = {}  # known household → its new address
        self.nhs_taken: set[str] = set()
        self.pnc_taken: set[str] = set()
        self.known: dict[int, KnownPerson] = {}

    # --- people

    def prepare(self, items: Sequence[Planned]) -> list[list[tuple[PersonData, PersonFacts]]]:
        facts = [
            [
                (p, facts_from(p, n.data.address, n.data.postcode, n.data.incident_at.date()))
                for p in n.data.persons
            ]
            for n in items
        ]
        flat = [f for people in facts for _, f in people]
        self.lookups = [lookup_keys(block_keys(f)) for f in flat]
        found = db_candidates(self.s, self.lookups)
        self.known = load_people(self.s, {i for ids in found for i in ids})
        self.candidates = [{resolve(self.known, i) for i in ids} for ids in found]
        self.nhs_taken = {p.facts.nhs_number for p in self.known.values() if p.facts.nhs_number}
        self.pnc_taken = {p.facts.pnc_id for p in self.known.values() if p.facts.pnc_id}
        return facts

    def load_memberships(self, person_ids: set[int]) -> None:
        """The households of the known people linked to, and who else is in them."""
        households: set[int] = set()
        for chunk in _chunks(sorted(person_ids)):
            for hid, pid in self.s.execute(
                select(HouseholdMember.household_id, HouseholdMember.person_id).where(
                    HouseholdMember.person_id.in_(chunk), HouseholdMember.to_date.is_(None)
                )
            ):
                self.person_households[pid].add(hid)
                households.add(hid)
        for chunk in _chunks(sorted(households)):
            for hid, pid in self.s.execute(
                select(HouseholdMember.household_id, HouseholdMember.person_id).where(
                    HouseholdMember.household_id.in_(chunk), HouseholdMember.to_date.is_(None)
                )
            ):
                self.members[hid].add(pid)
            for hid, postcode, address in self.s.execute(
                select(Household.id, Household.postcode, Household.address).where(
                    Household.id.in_(chunk)
                )
            ):
                self.household_postcode[hid] = postcode
                self.household_address[hid] = address
            for owner, newest in self.s.execute(
                select(Notification.household_id, func.max(Notification.received_at))
                .where(Notification.household_id.in_(chunk))
                .group_by(Notification.household_id)
            ):
                if owner is not None:
                    self.newest[owner] = newest

    def person(
        self,
        position: int,
        data: PersonData,
        facts: PersonFacts,
        used: set[int],
        notification_index: int,
    ) -> PlannedPerson:
        ids = (self.candidates[position] | self.new_facts.find(self.lookups[position])) - used
        pairs = [(i, self.new_facts.facts[i] if i < 0 else self.known[i].facts) for i in ids]
        match = decide(facts, pairs, self.rules, self.model)
        if match.decision == "auto" and match.person_id is not None:
            self._refresh(match.person_id, data, facts)
            return PlannedPerson(data, match.person_id, match)
        return PlannedPerson(data, self._new_person(data, facts, notification_index), match)

    def _new_person(self, data: PersonData, facts: PersonFacts, notification_index: int) -> int:
        ref = -(len(self.new_people) + 1)
        keys = name_keys(data.surname, data.forenames)
        nhs = data.nhs_number if data.nhs_number and data.nhs_number not in self.nhs_taken else None
        pnc = data.pnc_id if data.pnc_id and data.pnc_id not in self.pnc_taken else None
        self.nhs_taken.update({nhs} - {None})  # type: ignore[arg-type]
        self.pnc_taken.update({pnc} - {None})  # type: ignore[arg-type]
        self.new_people[ref] = {
            "surname": data.surname,
            "forenames": data.forenames,
            "dob": data.dob,
            "birth_year": facts.birth_year,
            "birth_year_estimated": data.dob is None and facts.birth_year is not None,
            "gender": data.gender,
            "nhs_number": nhs,
            "pnc_id": pnc,
            "surname_key": keys.surname_key,
            "surname_phonetic": keys.surname_phonetic,
            "forename_key": keys.forename_key,
            "forename_initial": keys.forename_initial,
            "address": facts.address,
            "postcode": facts.postcode,
            "school": data.school,
            "created_from_notification_id": notification_index,
            "merged_into_id": None,
        }
        self.new_facts.add(
            ref,
            PersonFacts(
                data.surname,
                data.forenames,
                data.dob,
                facts.birth_year,
                data.gender,
                nhs,
                pnc,
                facts.address,
                facts.postcode,
            ),
        )
        return ref

    def _refresh(self, ref: int, data: PersonData, facts: PersonFacts) -> None:
        """As ``people.refresh_known``: fill what the person lacked, keep the latest address."""
        if ref < 0:
            row = self.new_people[ref]
            current = {
                k: row[k]
                for k in (
                    "nhs_number",
                    "pnc_id",
                    "dob",
                    "school",
                    "address",
                    "postcode",
                    "birth_year",
                    "birth_year_estimated",
                )
            }
        else:
            known = self.known[ref]
            current = {
                "nhs_number": known.facts.nhs_number,
                "pnc_id": known.facts.pnc_id,
                "dob": known.facts.dob,
                "school": known.school,
                "address": known.facts.address,
                "postcode": known.facts.postcode,
                "birth_year": known.facts.birth_year,
                "birth_year_estimated": None,
            }
            current.update(self.updates.get(ref, {}))
        changed: dict[str, Any] = {}
        if data.nhs_number and not current["nhs_number"] and data.nhs_number not in self.nhs_taken:
            changed["nhs_number"] = data.nhs_number
            self.nhs_taken.add(data.nhs_number)
        if data.pnc_id and not current["pnc_id"] and data.pnc_id not in self.pnc_taken:
            changed["pnc_id"] = data.pnc_id
            self.pnc_taken.add(data.pnc_id)
        if data.dob and not current["dob"]:
            changed.update(dob=data.dob, birth_year=data.dob.year, birth_year_estimated=False)
        if data.school and data.school != current["school"]:
            changed["school"] = data.school
        if facts.postcode and (facts.address, facts.postcode) != (
            current["address"],
            current["postcode"],
        ):
            changed.update(address=facts.address, postcode=facts.postcode)
        if not changed:
            return
        if ref < 0:
            self.new_people[ref].update(changed)
        else:
            before = self.updates.setdefault(ref, {})
            before.update(changed)

    # --- households

    def household(self, planned: Planned) -> int:
        weights: dict[int, int] = defaultdict(int)
        for p in planned.persons:
            if p.match.decision == "auto":
                for hid in self.person_households.get(p.ref, ()):
                    weights[hid] += ROLE_WEIGHT[p.data.role]
        n = planned.data
        if weights:
            chosen = max(
                weights, key=lambda h: (weights[h], self.household_postcode.get(h) == n.postcode, h)
            )
        else:
            chosen = -(len(self.new_households) + 1)
            self.new_households[chosen] = {"address": n.address, "postcode": n.postcode}
            self.household_postcode[chosen] = n.postcode
            self.household_address[chosen] = n.address
        victim_home = any(
            p.data.role == "victim"
            and p.match.decision == "auto"
            and p.ref in self.members[chosen]
            and lives_at_incident(p.data)
            for p in planned.persons
        )
        newest = self.newest.get(chosen)
        if (
            victim_home
            and (newest is None or newest <= n.received_at)
            and moved(self.household_address.get(chosen), self.household_postcode.get(chosen), n)
        ):
            home = {"address": n.address, "postcode": n.postcode}
            (self.new_households if chosen < 0 else self.moves)[chosen] = home
            self.household_address[chosen], self.household_postcode[chosen] = n.address, n.postcode
        if newest is None or newest < n.received_at:
            self.newest[chosen] = n.received_at
        for p in planned.persons:
            if p.ref not in self.members[chosen]:
                self.members[chosen].add(p.ref)
                self.person_households[p.ref].add(chosen)
                self.new_members.append((chosen, p.ref, p.data.role, n.incident_at.date()))
        return chosen


def _chunks(rows: Sequence[Any], size: int = 500) -> list[Sequence[Any]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def plan(
    session: Session,
    rules: IntakeRules,
    items: list[Planned],
    step: Callable[[int], None] | None = None,
) -> _Plan:
    """Match every person and choose every household, in file order."""
    p = _Plan(session, rules)
    facts = p.prepare(items)
    position = 0
    for index, (planned, people) in enumerate(zip(items, facts, strict=True)):
        used: set[int] = set()
        seen: dict[tuple[str, ...], PlannedPerson] = {}
        for data, person_facts in people:
            twin = seen.get(data.identity())
            if twin is not None:  # the same person sent twice in one notification
                chosen = PlannedPerson(data, twin.ref, twin.match)
            else:
                chosen = p.person(position, data, person_facts, used, index)
                seen[data.identity()] = chosen
            used.add(chosen.ref)
            planned.persons.append(chosen)
            position += 1
        if step:
            step(index + 1)
    # Households second, in file order: only the known people actually linked matter.
    p.load_memberships(
        {x.ref for n in items for x in n.persons if x.ref > 0 and x.match.decision == "auto"}
    )
    for planned in items:
        planned.household = p.household(planned)
    _flags(session, p, items)
    return p


def _flags(session: Session, p: _Plan, items: list[Planned]) -> None:
    known = sorted({n.household for n in items if n.household > 0})
    earliest = min((n.data.received_at for n in items), default=utcnow()) - YEAR
    history: dict[int, list[dt.datetime]] = defaultdict(list)
    marac: dict[int, dt.date | None] = {}
    discussed: dict[int, list[dt.date]] = defaultdict(list)
    for chunk in _chunks(known):
        for hid, received in session.execute(
            select(Notification.household_id, Notification.received_at).where(
                Notification.household_id.in_(chunk), Notification.received_at >= earliest
            )
        ):
            if hid is not None:
                history[hid].append(received)
        for hid, last in session.execute(
            select(Household.id, Household.last_marac_referral_at).where(Household.id.in_(chunk))
        ):
            marac[hid] = last
        for hid, day in session.execute(
            select(AgendaItem.household_id, Meeting.meeting_date)
            .distinct()
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(
                AgendaItem.household_id.in_(chunk),
                AgendaItem.status == "discussed",
                Meeting.meeting_date >= earliest.date(),
            )
        ):
            if hid is not None:
                discussed[hid].append(day)
    for n in items:
        history[n.household].append(n.data.received_at)
    for n in items:
        received = n.data.received_at
        since = received - YEAR
        earlier = sum(1 for r in history[n.household] if since <= r <= received) - 1
        days = [d for d in discussed.get(n.household, []) if since.date() <= d <= received.date()]
        children = [(c.dob, c.age) for c in n.data.persons if c.role == "child"]
        n.flags = flag_rules.assemble(
            dash_risk=n.data.dash_risk,
            dash_yes=n.data.dash_yes,
            pregnancy=n.data.pregnancy,
            on=n.data.incident_at.date(),
            earlier=max(0, earlier),
            has_household=True,
            last_marac=marac.get(n.household),
            discussed=days,
            children=children,
        )


# --- writing ------------------------------------------------------------------------------


class _Writer:
    def __init__(self, session: Session, actor: Actor) -> None:
        self.s, self.actor = session, actor
        self.audit: list[dict[str, Any]] = []
        self.changes: list[dict[str, Any]] = []

    def insert(
        self, table: Table, rows: list[dict[str, Any]], detail: str | None = None
    ) -> list[int]:
        if not rows:
            return []
        ids = list(
            self.s.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
            ).scalars()
        )
        for row_id, row in zip(ids, rows, strict=True):
            # The record as sent stays on the notification itself; the trail names it.
            after = {k: plain(v) for k, v in row.items() if k != "raw_record"}
            after["id"] = row_id
            self.note("create", table.name, row_id, None, after, detail)
        return ids

    def note(
        self,
        action: str,
        table: str,
        row_id: int,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        detail: str | None,
    ) -> None:
        self.audit.append(
            {
                "at": utcnow(),
                "user_id": self.actor.user_id,
                "user_login": self.actor.login,
                "action": action,
                "entity": table,
                "entity_id": row_id,
                "before": before,
                "after": after,
                "detail": detail,
            }
        )
        self.changes.append(
            {
                "table_name": table,
                "row_id": row_id,
                "operation": action,
                "meeting_id": None,
                "at": utcnow(),
            }
        )

    def finish(self) -> None:
        if self.audit:
            seal_rows(self.s, self.audit)
            self.s.execute(insert(_t(AuditEvent)), self.audit)
            self.s.execute(insert(_t(ChangeLog)), self.changes)
            if self.s.get_bind().dialect.name == "postgresql":
                for table in sorted({c["table_name"] for c in self.changes}):
                    self.s.execute(text("SELECT pg_notify('frontdoor_changes', :t)"), {"t": table})


def _references(session: Session, count: int) -> list[str]:
    number = (session.scalar(select(func.max(Household.id))) or 0) + 1
    out: list[str] = []
    while len(out) < count:
        batch = [f"H{n:07d}" for n in range(number, number + count - len(out) + 10)]
        number += len(batch)
        taken = set(
            session.scalars(select(Household.reference).where(Household.reference.in_(batch)))
        )
        out.extend(r for r in batch if r not in taken)
    return out[:count]


def write(
    session: Session, actor: Actor, p: _Plan, items: list[Planned], batch_id: int | None
) -> list[Stored]:
    """Write the plan: households, notifications, people, links, members, audit trail."""
    w = _Writer(session, actor)
    localities = dict(
        session.execute(select(PostcodeDistrict.district, PostcodeDistrict.locality_id)).all()
    )
    new_households = sorted(p.new_households, reverse=True)  # -1, -2, ...
    references = _references(session, len(new_households))
    household_rows = [
        {
            "reference": ref,
            "address": p.new_households[h]["address"],
            "postcode": p.new_households[h]["postcode"],
            "locality_id": localities.get(postcode_district(p.new_households[h]["postcode"])),
            "last_marac_referral_at": None,
        }
        for h, ref in zip(new_households, references, strict=True)
    ]
    household_id = dict(
        zip(
            new_households,
            w.insert(_t(Household), household_rows, "from a police notification"),
            strict=True,
        )
    )

    def hid(ref: int) -> int:
        return household_id[ref] if ref < 0 else ref

    notification_rows = [
        {
            **n.data.columns(),
            "household_id": hid(n.household),
            "import_batch_id": batch_id,
            "raw_record": n.raw,
            "content_hash": n.data.content_hash(),
            "flags": n.flags,
        }
        for n in items
    ]
    notification_ids = w.insert(
        _t(Notification), notification_rows, "imported from the police feed"
    )
    new_people = sorted(p.new_people, reverse=True)
    people_rows = [
        {
            **p.new_people[r],
            "created_from_notification_id": notification_ids[
                p.new_people[r]["created_from_notification_id"]
            ],
        }
        for r in new_people
    ]
    person_id = dict(
        zip(
            new_people, w.insert(_t(Person), people_rows, "from a police notification"), strict=True
        )
    )

    def pid(ref: int) -> int:
        return person_id[ref] if ref < 0 else ref

    np_rows = []
    for n, nid in zip(items, notification_ids, strict=True):
        for planned in n.persons:
            d = planned.data
            np_rows.append(
                {
                    "notification_id": nid,
                    "person_id": pid(planned.ref),
                    "role": d.role,
                    "role_as_sent": d.role_as_sent,
                    "relationship_to_victim": d.relationship_to_victim,
                    "school": d.school,
                    "surname": d.surname,
                    "forenames": d.forenames,
                    "dob": d.dob,
                    "age": d.age,
                    "gender": d.gender,
                    "raw_fields": d.raw,
                }
            )
    np_ids = (
        session.execute(
            insert(_t(NotificationPerson)).returning(
                _t(NotificationPerson).c.id, sort_by_parameter_order=True
            ),
            np_rows,
        )
        .scalars()
        .all()
        if np_rows
        else []
    )
    link_rows = []
    flat = [planned for n in items for planned in n.persons]
    asked: set[int] = set()  # a person sent twice in one notification is asked about once
    now = utcnow()
    for planned, np_id in zip(flat, np_ids, strict=True):
        m = planned.match
        if m.decision == "auto" and m.person_id is not None:
            link_rows.append(
                {
                    "notification_person_id": np_id,
                    "person_id": None,
                    "matched_person_id": pid(m.person_id),
                    "score": m.score,
                    "reasons": m.reasons_text,
                    "status": "linked",
                    "decided_by": "auto",
                    "decided_at": now,
                }
            )
        elif m.decision == "possible" and m.person_id is not None and id(m) not in asked:
            asked.add(id(m))
            link_rows.append(
                {
                    "notification_person_id": np_id,
                    "person_id": pid(planned.ref),
                    "matched_person_id": pid(m.person_id),
                    "score": m.score,
                    "reasons": m.reasons_text,
                    "status": "possible",
                    "decided_by": "pending",
                    "decided_at": None,
                }
            )
    w.insert(_t(PersonLink), link_rows)
    member_rows = [
        {
            "household_id": hid(h),
            "person_id": pid(r),
            "role": role,
            "from_date": day,
            "to_date": None,
        }
        for h, r, role, day in p.new_members
    ]
    w.insert(_t(HouseholdMember), member_rows)
    _update_people(session, w, p)
    _move_households(session, w, p, localities)
    w.finish()
    return [
        Stored(
            "imported",
            nid,
            sum(1 for x in n.persons if x.match.decision == "possible"),
            not any(x.data.role == "child" for x in n.persons),
        )
        for n, nid in zip(items, notification_ids, strict=True)
    ]


def _move_households(session: Session, w: _Writer, p: _Plan, localities: dict[str, int]) -> None:
    """Known families whose newer notification gives another home (the victim lives there)."""
    if not p.moves:
        return
    table = _t(Household)
    current = {
        r.id: r
        for chunk in _chunks(sorted(p.moves))
        for r in session.execute(
            select(table.c.id, table.c.address, table.c.postcode, table.c.locality_id).where(
                table.c.id.in_(chunk)
            )
        )
    }
    rows = []
    for hid, home in p.moves.items():
        locality = localities.get(postcode_district(home["postcode"]))
        row = current[hid]
        w.note(
            "update",
            "household",
            hid,
            {"address": row.address, "postcode": row.postcode, "locality_id": row.locality_id},
            {**home, "locality_id": locality},
            MOVED,
        )
        rows.append(
            {
                "hid": hid,
                "v_address": home["address"],
                "v_postcode": home["postcode"],
                "v_locality": locality,
            }
        )
    statement = (
        update(table)
        .where(table.c.id == bindparam("hid"))
        .values(
            address=bindparam("v_address"),
            postcode=bindparam("v_postcode"),
            locality_id=bindparam("v_locality"),
            version=table.c.version + 1,
            updated_at=utcnow(),
        )
    )
    session.connection().execute(statement, rows)


def _update_people(session: Session, w: _Writer, p: _Plan) -> None:
    if not p.updates:
        return
    table = _t(Person)
    columns = (
        "nhs_number",
        "pnc_id",
        "dob",
        "birth_year",
        "birth_year_estimated",
        "school",
        "address",
        "postcode",
    )
    current = {
        r.id: r
        for chunk in _chunks(sorted(p.updates))
        for r in session.execute(select(table).where(table.c.id.in_(chunk)))
    }
    rows = []
    for person_id, changed in p.updates.items():
        row = current[person_id]
        values = {c: changed.get(c, getattr(row, c)) for c in columns}
        before = {c: plain(getattr(row, c)) for c in columns if c in changed}
        after = {c: plain(values[c]) for c in columns if c in changed}
        rows.append({"pid": person_id, **{f"v_{c}": values[c] for c in columns}})
        w.note("update", "person", person_id, before, after, "newer police notification")
    statement = (
        update(table)
        .where(table.c.id == bindparam("pid"))
        .values(
            **{c: bindparam(f"v_{c}") for c in columns},
            version=table.c.version + 1,
            updated_at=utcnow(),
        )
    )
    session.connection().execute(statement, rows)
