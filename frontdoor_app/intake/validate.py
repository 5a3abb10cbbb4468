"""Checking a raw record against the feed format: clean data, or one message per problem."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any

from frontdoor_app.profile import NOTIFICATION_FIELDS

from . import fields as f
from .readers import REQUIRED_NOTIFICATION, REQUIRED_PERSON, RawRecord

FLAG_FIELDS = ("children_present", "weapon", "alcohol", "drugs", "pregnancy")
EARLIEST_DOB = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class Problem:
    """One problem with one field: the value as sent and what was expected."""

    field: str
    value: str
    message: str
    line: int | None = None
    person: int | None = None  # index in the record's persons, for person-level fields

    def to_json(self) -> dict[str, str]:
        return {"field": self.field, "value": self.value, "message": self.message}

    def stored(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> Problem:
        return cls(
            str(data.get("field", "")),
            str(data.get("value", "")),
            str(data.get("message", "")),
            data.get("line"),
            data.get("person"),
        )


@dataclass(frozen=True)
class PersonData:
    role: str
    role_as_sent: str
    surname: str
    forenames: str | None
    dob: dt.date | None
    age: int | None
    gender: str | None
    relationship_to_victim: str | None
    address: str | None
    postcode: str | None
    school: str | None
    nhs_number: str | None
    pnc_id: str | None
    line: int
    raw: dict[str, str]

    def identity(self) -> tuple[str, ...]:
        return (
            self.role,
            self.surname.casefold(),
            (self.forenames or "").casefold(),
            self.dob.isoformat() if self.dob else "",
        )

    def content(self) -> dict[str, Any]:
        data = {k: getattr(self, k) for k in self.__dataclass_fields__ if k not in ("line", "raw")}
        data["dob"] = self.dob.isoformat() if self.dob else None
        return data


@dataclass(frozen=True)
class NotificationData:
    police_ref: str
    force: str | None
    received_at: dt.datetime
    incident_at: dt.datetime
    incident_type: str | None
    offence: str | None
    dash_risk: str
    dash_yes: int | None
    address: str
    postcode: str
    children_present: bool | None
    weapon: bool | None
    alcohol: bool | None
    drugs: bool | None
    pregnancy: bool | None
    narrative: str | None
    officer: str | None
    persons: tuple[PersonData, ...]

    def columns(self) -> dict[str, Any]:
        """Values for the ``Notification`` row's columns."""
        data = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "persons"}
        return data

    def content(self) -> dict[str, Any]:
        data = self.columns()
        data["received_at"] = self.received_at.isoformat()
        data["incident_at"] = self.incident_at.isoformat()
        # The order of rows is not content: a re-send may list the people differently.
        data["persons"] = sorted(
            (p.content() for p in self.persons), key=lambda p: json.dumps(p, sort_keys=True)
        )
        return data

    @cached_property
    def _hash(self) -> str:
        blob = json.dumps(self.content(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def content_hash(self) -> str:
        return self._hash


def validate(record: RawRecord, now: dt.datetime) -> NotificationData | list[Problem]:
    """The record's clean data, or every problem found in it (never only the first)."""
    problems = [Problem(p.field, p.value, p.message, p.line) for p in record.problems]
    if record.kind == "text":
        return problems
    values: dict[str, Any] = {}
    for name in NOTIFICATION_FIELDS:
        values[name] = _agreed(record, name, _NOTIFICATION_PARSERS[name], problems)
    received, incident = values["received_at"], values["incident_at"]
    if isinstance(incident, dt.datetime):
        line, text = _first(record, "incident_at")
        if isinstance(received, dt.datetime) and incident > received:
            problems.append(
                Problem(
                    "incident_at", text, "expected the incident not to be after received_at", line
                )
            )
        elif incident > now:
            problems.append(Problem("incident_at", text, "expected a time not in the future", line))
    persons = []
    when = incident.date() if isinstance(incident, dt.datetime) else now.date()
    for index, (line, person) in enumerate(record.persons):
        parsed = _person(index, line, person, when, problems)
        if parsed is not None:
            persons.append(parsed)
    role_problem = any(p.field == "person_role" for p in problems)
    # A victim whose row has another bad field is still a victim: one bad field, one message.
    victim_sent = any(_sent_as_victim(row) for _line_no, row in record.persons)
    if not role_problem and not victim_sent and not any(p.role == "victim" for p in persons):
        sent = ", ".join(sorted({p.role_as_sent for p in persons})) or "(no persons)"
        problems.append(
            Problem(
                "person_role",
                sent,
                "no victim: expected at least one person with role victim (or aggrieved)",
                record.lines[0] if record.lines else None,
            )
        )
    if problems:
        return problems
    return NotificationData(**values, persons=tuple(persons))


def _sent_as_victim(row: dict[str, str]) -> bool:
    try:
        return f.role(f.clean(row.get("person_role"))) == "victim"
    except f.FieldError:
        return False


def _first(record: RawRecord, name: str) -> tuple[int | None, str]:
    for line, row in record.notification_rows:
        return line, f.clean(row.get(name))
    return None, ""


def _agreed(
    record: RawRecord, name: str, parse: Callable[[str], Any], problems: list[Problem]
) -> Any:
    """The field's value, which every row of the notification must agree on."""
    seen: dict[Any, tuple[int, str]] = {}
    failed = False
    for line, row in record.notification_rows:
        text = f.clean(row.get(name))
        if not text:
            value: Any = None
        else:
            try:
                value = parse(text)
            except f.FieldError as exc:
                if not any(p.field == name and p.value == text for p in problems):
                    problems.append(Problem(name, text, str(exc), line))
                failed = True
                continue
        seen.setdefault(value, (line, text))
    if len(seen) > 1:
        shown = "; ".join(f"{text or '(blank)'!r} on line {line}" for line, text in seen.values())
        problems.append(
            Problem(
                name,
                shown,
                "rows of this notification disagree; every row must carry the same value",
                min(ln for ln, _ in seen.values()),
            )
        )
        return None
    value = next(iter(seen)) if seen else None
    if value is None and not failed and name in REQUIRED_NOTIFICATION:
        first = record.lines[0] if record.lines else None
        problems.append(Problem(name, "", "missing; this field is required", first))
    return value


def _person(
    index: int, line: int, row: dict[str, str], when: dt.date, problems: list[Problem]
) -> PersonData | None:
    before = len(problems)
    values: dict[str, Any] = {}

    def check(name: str, parse: Callable[[str], Any]) -> Any:
        text = f.clean(row.get(name))
        if not text:
            if name in REQUIRED_PERSON:
                problems.append(Problem(name, "", "missing; this field is required", line, index))
            return None
        try:
            return parse(text)
        except f.FieldError as exc:
            problems.append(Problem(name, text, str(exc), line, index))
            return None

    role_text = f.clean(row.get("person_role"))
    values["role"] = check("person_role", f.role)
    values["surname"] = check("surname", lambda t: f.text_field("surname", t))
    values["forenames"] = check("forenames", lambda t: f.text_field("forenames", t))
    dob = check("dob", f.date)
    if dob is not None:
        text = f.clean(row.get("dob"))
        if dob > when:
            problems.append(
                Problem("dob", text, "expected a date of birth not after the incident", line, index)
            )
        elif dob < EARLIEST_DOB:
            problems.append(
                Problem("dob", text, "expected a date of birth after 1900", line, index)
            )
    values["dob"] = dob
    values["age"] = check("age", lambda t: f.integer(t, 0, 120, "an age in years"))
    values["gender"] = check("gender", lambda t: f.text_field("gender", t))
    values["relationship_to_victim"] = check("relationship_to_victim", f.relationship)
    values["address"] = check("person_address", lambda t: f.text_field("person_address", _line(t)))
    values["postcode"] = check("person_postcode", f.postcode)
    values["school"] = check("school", lambda t: f.text_field("school", t))
    values["nhs_number"] = check("nhs_number", f.nhs_number)
    values["pnc_id"] = check("pnc_id", lambda t: f.text_field("pnc_id", t).upper())
    if len(problems) > before:
        return None
    raw = {k: v for k, v in row.items() if f.clean(v)}
    return PersonData(role_as_sent=role_text, line=line, raw=raw, **values)


def _line(text: str) -> str:
    # An address is one line; a line break from a spreadsheet cell becomes a comma.
    return ", ".join(part.strip() for part in text.splitlines() if part.strip())


def _text(name: str) -> Callable[[str], str]:
    return lambda t: f.text_field(name, t)


_NOTIFICATION_PARSERS: dict[str, Callable[[str], Any]] = {
    "police_ref": f.police_ref,
    "force": _text("force"),
    "received_at": f.timestamp,
    "incident_at": f.timestamp,
    "incident_type": f.incident_type,
    "offence": _text("offence"),
    "dash_risk": f.dash_risk,
    "dash_yes": lambda t: f.integer(t, 0, 27, "the number of DASH 'yes' answers"),
    "address": lambda t: f.text_field("address", _line(t)),
    "postcode": f.postcode,
    **{name: f.yes_no for name in FLAG_FIELDS},
    "narrative": lambda t: f.text_field("narrative", t.replace("\r\n", "\n").replace("\r", "\n")),
    "officer": _text("officer"),
}
