"""Planning a file's new notifications before anything is written: every person matched
and every household chosen in file order, against the register and the file itself
(``batch_match``), and the flags worked out; ``batch.write`` then writes the plan."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor_app.models import (
    AgendaItem,
    Household,
    HouseholdMember,
    Meeting,
    Notification,
    utcnow,
)
from frontdoor_app.profile import IntakeRules

from . import flags as flag_rules
from .batch_match import InFileIndex, KnownPerson, load_people, resolve
from .blocking import block_keys, db_candidates, lookup_keys
from .keys import name_keys
from .matching import Match, decide, load_model
from .people import ROLE_WEIGHT, facts_from, lives_at_incident, moved
from .similarity import PersonFacts
from .validate import NotificationData, PersonData

YEAR = dt.timedelta(days=365)


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


class FilePlan:
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
        for chunk in chunks(sorted(person_ids)):
            for hid, pid in self.s.execute(
                select(HouseholdMember.household_id, HouseholdMember.person_id).where(
                    HouseholdMember.person_id.in_(chunk), HouseholdMember.to_date.is_(None)
                )
            ):
                self.person_households[pid].add(hid)
                households.add(hid)
        for chunk in chunks(sorted(households)):
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


def chunks(rows: Sequence[Any], size: int = 500) -> list[Sequence[Any]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def plan(
    session: Session,
    rules: IntakeRules,
    items: list[Planned],
    step: Callable[[int], None] | None = None,
) -> FilePlan:
    """Match every person and choose every household, in file order."""
    p = FilePlan(session, rules)
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


def _flags(session: Session, p: FilePlan, items: list[Planned]) -> None:
    known = sorted({n.household for n in items if n.household > 0})
    earliest = min((n.data.received_at for n in items), default=utcnow()) - YEAR
    history: dict[int, list[dt.datetime]] = defaultdict(list)
    marac: dict[int, dt.date | None] = {}
    discussed: dict[int, list[dt.date]] = defaultdict(list)
    for chunk in chunks(known):
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
