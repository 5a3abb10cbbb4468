"""One police notification as the force sends it: the JSON-format object of notifications.md."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from typing import Any
from zoneinfo import ZoneInfo

from .population import GenHousehold, GenPerson

LONDON = ZoneInfo("Europe/London")
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
FORCE = "West Yorkshire Police"

_OFFENCES = {
    "standard": (
        "",
        "Harassment",
        "Criminal damage",
        "Breach of the peace",
        "Malicious communications",
        "Common assault",
    ),
    "medium": (
        "Common assault",
        "Criminal damage",
        "Threats to kill",
        "Harassment",
        "Controlling or coercive behaviour",
        "Breach of non-molestation order",
    ),
    "high": (
        "Assault occasioning actual bodily harm",
        "Strangulation or suffocation",
        "Controlling or coercive behaviour",
        "Wounding with intent",
        "Threats to kill",
        "Rape",
        "Stalking involving fear of violence",
    ),
}

_OPENINGS = (
    "Officers attended after a 999 call from a neighbour.",
    "Victim called police from a neighbour's house.",
    "Call from the victim's mother, who was worried after a text message.",
    "Officers attended following a call from a child in the house.",
    "Victim attended the front counter to report the incident.",
    "Third-party call from a passer-by who heard shouting.",
)
_EVENTS = {
    "standard": (
        "Verbal argument over money; no injuries and no offences disclosed.",
        "Argument about child contact at handover; raised voices, no violence.",
        "Ex-partner sending repeated messages; victim wants advice only.",
        "Argument after drinking; {perp} left before police arrived.",
        "Dispute over the {child}'s bedtime turned into shouting; no injuries.",
    ),
    "medium": (
        "{perp} pushed the victim against a wall during an argument; redness to the arm.",
        'Victim reports {perp} smashed her phone, "so I couldn\'t call anyone".',
        "{perp} turned up at the address in breach of bail conditions.",
        "Ongoing jealousy and checking of the victim's phone; threats made, no injuries.",
        "Argument over {perp}'s drinking; a door was kicked in.",
    ),
    "high": (
        "Victim had a cut lip and bruising to the neck; {perp} arrested at scene.",
        "{perp} held a knife and threatened to kill the victim in front of the {child}.",
        "Victim disclosed being strangled until she could not breathe; visible marks.",
        "{perp} has escalated over the last month; victim is frightened for her life.",
        "Victim was assaulted while pregnant; taken to hospital by ambulance.",
    ),
}
_CLOSINGS = (
    "Suspect arrested, later bailed with conditions not to contact the victim.",
    "Suspect left before police arrival; enquiries ongoing.",
    "DASH completed with the victim; safeguarding advice given.",
    "Victim declined to support a prosecution at this time.",
    "Children were asleep upstairs and were seen by officers.",
    "Victim given details of the local domestic violence service.",
)


def local_iso(moment: dt.datetime) -> str:
    """UK local wall-clock time without offset, as forces export it."""
    return moment.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M:%S")


def yn(value: bool | None) -> str:
    return "" if value is None else ("Y" if value else "N")


def dash_grade(rng: random.Random, escalation: float) -> tuple[str, int | None]:
    """A grading and a yes count that agree with it (≥14 only for some high ones)."""
    r = rng.random() - escalation
    if r < 0.11:
        grade, count = "high", rng.choice((10, 11, 12, 13, 14, 14, 15, 15, 16, 17, 18, 19, 21, 23))
    elif r < 0.50:
        grade, count = "medium", rng.randrange(5, 14)
    else:
        grade, count = "standard", rng.randrange(0, 6)
    return grade, (None if rng.random() < 0.04 else count)


def narrative(rng: random.Random, grade: str, perp_word: str, child_word: str) -> str:
    event = rng.choice(_EVENTS[grade]).format(perp=perp_word, child=child_word)
    event = event[:1].upper() + event[1:]
    parts = [rng.choice(_OPENINGS), event]
    if rng.random() < 0.7:
        parts.append(rng.choice(_CLOSINGS))
    # Officers write in paragraphs: the CSV has to carry line breaks inside quotes.
    return ("\n" if rng.random() < 0.3 else " ").join(parts)


def person_object(
    person: GenPerson,
    role: str,
    day: dt.date,
    household: GenHousehold,
    relationship: str | None,
    rng: random.Random,
    role_word: str | None = None,
) -> dict[str, Any]:
    """One entry of the ``persons`` array as the police would send it."""
    obj: dict[str, Any] = {"person_role": role_word or role, "surname": person.surname}
    if person.forenames:
        obj["forenames"] = person.forenames
    if person.dob is not None:
        obj["dob"] = person.dob.isoformat()
    else:
        age = person.age_on(day)
        if age is not None:
            obj["age"] = str(age)
    if role != "child" or rng.random() < 0.3:
        obj["gender"] = person.gender
    if relationship:
        obj["relationship_to_victim"] = relationship
    if role == "child" and person.school:
        obj["school"] = person.school
    if person.nhs_number and rng.random() < 0.6:
        obj["nhs_number"] = person.nhs_number
    if person.pnc_id and role == "perpetrator":
        obj["pnc_id"] = person.pnc_id
    if role == "perpetrator" and rng.random() < 0.15 and household.address.line:
        obj["person_address"] = "No fixed abode" if rng.random() < 0.3 else "c/o parents' address"
    return obj


def content_hash(obj: dict[str, Any]) -> str:
    """Stable hash of a notification object (key order and whitespace do not matter)."""
    text = _CANONICAL.encode(obj)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def police_ref(year: int, seq: int) -> str:
    return f"13{year % 100:02d}{seq:07d}"
