"""Rows for households, people, membership and notifications, ready for bulk insert."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from frontdoor_app.intake.keys import NameKeys, name_keys

from . import incidents
from .history import GenNotification, History
from .population import GenPerson

Rows = dict[str, list[dict[str, Any]]]

_KEY_CACHE: dict[tuple[str, str], NameKeys] = {}


def keys_for(surname: str, forenames: str | None) -> NameKeys:
    """``name_keys`` with a cache: a city has far fewer distinct names than people."""
    k = (surname, forenames or "")
    found = _KEY_CACHE.get(k)
    if found is None:
        found = _KEY_CACHE[k] = name_keys(surname, forenames)
    return found


@dataclass(frozen=True)
class RefIds:
    """Ids of reference rows and demo users the generated rows point at."""

    agencies: dict[str, int]
    outcomes: dict[str, int]
    localities: dict[str, int]
    chairs: tuple[tuple[int, str], ...]
    reps: dict[str, tuple[int, str]]
    # locality code → FGC team id
    teams_by_locality: dict[str, int]


def person_row(
    person: GenPerson,
    created_from: int | None,
    address: str | None,
    postcode: str | None,
    at: dt.datetime,
) -> dict[str, Any]:
    keys = keys_for(person.surname, person.forenames)
    return {
        "id": person.id,
        "surname": person.surname,
        "forenames": person.forenames,
        "dob": person.dob,
        "birth_year": person.birth_year,
        "birth_year_estimated": person.dob is None,
        "gender": person.gender,
        "nhs_number": person.nhs_number,
        "pnc_id": person.pnc_id,
        "surname_key": keys.surname_key,
        "surname_phonetic": keys.surname_phonetic,
        "forename_key": keys.forename_key,
        "forename_initial": keys.forename_initial,
        "address": address,
        "postcode": postcode,
        "school": person.school,
        "created_from_notification_id": created_from,
        "merged_into_id": None,
        "version": 1,
        "created_at": at,
        "updated_at": at,
    }


def notification_row(note: GenNotification, household_id: int) -> dict[str, Any]:
    raw = note.raw
    return {
        "id": note.id,
        "police_ref": note.police_ref,
        "force": raw["force"],
        "received_at": note.received_at,
        "incident_at": note.incident_at,
        "incident_type": raw["incident_type"],
        "offence": raw["offence"] or None,
        "dash_risk": note.grade,
        "dash_yes": note.dash_yes,
        "address": raw["address"],
        "postcode": raw["postcode"],
        "children_present": _flag(raw["children_present"]),
        "weapon": _flag(raw["weapon"]),
        "alcohol": _flag(raw["alcohol"]),
        "drugs": _flag(raw["drugs"]),
        "pregnancy": _flag(raw["pregnancy"]),
        "narrative": raw["narrative"],
        "officer": raw["officer"],
        "household_id": household_id,
        "import_batch_id": None,
        "raw_record": raw,
        "content_hash": incidents.content_hash(raw),
        "flags": note.flags,
        "version": 1,
        "created_at": note.received_at,
        "updated_at": note.received_at,
    }


def _flag(value: str) -> bool | None:
    return None if value == "" else value == "Y"


def people_rows(history: History, localities: dict[str, int]) -> Rows:
    """household, person, household_member, notification, notification_person rows."""
    households: list[dict[str, Any]] = []
    persons: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    note_people: list[dict[str, Any]] = []
    first_seen: dict[int, tuple[int, dt.date, dt.datetime]] = {}
    first_of_household: dict[int, GenNotification] = {}
    np_id = 0
    for note in history.notifications:
        first_of_household.setdefault(note.household.id, note)
        notifications.append(notification_row(note, note.household.id))
        day = note.incident_at.date()
        for person, role, _relationship, obj in note.persons:
            first_seen.setdefault(person.id, (note.id, day, note.received_at))
            np_id += 1
            note_people.append(
                {
                    "id": np_id,
                    "notification_id": note.id,
                    "person_id": person.id,
                    "role": role,
                    "role_as_sent": obj["person_role"],
                    "relationship_to_victim": obj.get("relationship_to_victim"),
                    "school": obj.get("school"),
                    "surname": person.surname,
                    "forenames": person.forenames,
                    "dob": person.dob,
                    "age": int(obj["age"]) if "age" in obj else None,
                    "gender": obj.get("gender"),
                    "raw_fields": obj,
                }
            )
    for household in history.households:
        first = first_of_household[household.id]
        address = household.address
        households.append(
            {
                "id": household.id,
                "reference": household.reference,
                "address": address.line,
                "postcode": address.postcode,
                "locality_id": localities.get(address.locality_code)
                if address.locality_code
                else None,
                "last_marac_referral_at": household.last_marac,
                "version": 1,
                "created_at": first.received_at,
                "updated_at": first.received_at,
            }
        )
        roles = [(household.victim, "victim"), (household.perpetrator, "perpetrator")]
        roles += [(c, "child") for c in household.children]
        roles += [(o, "other_adult") for o in household.other_adults]
        if household.new_perpetrator is not None:
            roles.append((household.new_perpetrator, "perpetrator"))
        for person, role in roles:
            seen = first_seen.get(person.id)
            if seen is None:
                continue  # never in a notification: the services do not know them yet
            note_id, day, at = seen
            persons.append(person_row(person, note_id, address.line, address.postcode, at))
            to_date = None
            if person is household.perpetrator and household.new_perpetrator_from:
                to_date = household.new_perpetrator_from
            members.append(
                {
                    "id": len(members) + 1,
                    "household_id": household.id,
                    "person_id": person.id,
                    "role": role,
                    "from_date": day,
                    "to_date": to_date,
                    "version": 1,
                }
            )
    persons.sort(key=lambda r: r["id"])
    return {
        "household": households,
        "notification": notifications,
        "person": persons,
        "household_member": members,
        "notification_person": note_people,
    }
