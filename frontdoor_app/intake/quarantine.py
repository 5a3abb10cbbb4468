"""The quarantine: notifications kept whole with their problems, corrected or discarded.

A correction is checked exactly as an import is; the original as sent stays with the
imported notification (``raw_record["original"]``) and in the quarantined record.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from frontdoor_app.access import audit
from frontdoor_app.access.actor import INTAKE_ROLES, Actor, require
from frontdoor_app.models import QuarantinedRecord, utcnow
from frontdoor_app.models.database import session_scope
from frontdoor_app.profile import NOTIFICATION_FIELDS, PERSON_FIELDS, Profile
from frontdoor_app.refusal import Refusal

from .readers import RawRecord, map_key
from .store import store
from .validate import Problem, validate


class QuarantineError(Refusal):
    """A quarantine action that cannot be done; the message says why."""


@dataclass(frozen=True)
class QuarantineRow:
    id: int
    police_ref: str | None
    file_name: str
    lines: tuple[int, ...]
    status: str
    problems: tuple[Problem, ...]
    received: dt.datetime
    version: int
    resolution_reason: str | None


@dataclass(frozen=True)
class Draft:
    """A quarantined record as editable fields: the notification's and each person's."""

    record_id: int
    version: int
    police_ref: str | None
    file_name: str
    lines: tuple[int, ...]
    notification: Mapping[str, str]
    persons: tuple[Mapping[str, str], ...]
    problems: tuple[Problem, ...]
    raw_text: str


@dataclass(frozen=True)
class Correction:
    """The outcome of a correction: imported (with the notification's id) or its problems."""

    imported: bool
    problems: tuple[Problem, ...]
    notification_id: int | None = None
    outcome: str | None = None


def _row(record: QuarantinedRecord) -> QuarantineRow:
    return QuarantineRow(
        record.id,
        record.police_ref,
        record.file_name,
        tuple(record.line_numbers or ()),
        record.status,
        tuple(Problem.from_stored(p) for p in record.problems or ()),
        record.created_at,
        record.version,
        record.resolution_reason,
    )


def list_quarantine(
    sessions: sessionmaker[Session], status: str | None = "waiting", batch_id: int | None = None
) -> list[QuarantineRow]:
    with session_scope(sessions) as s:
        query = select(QuarantinedRecord).order_by(QuarantinedRecord.id)
        if status is not None:
            query = query.where(QuarantinedRecord.status == status)
        if batch_id is not None:
            query = query.where(QuarantinedRecord.import_batch_id == batch_id)
        return [_row(r) for r in s.scalars(query)]


def _fields_of(
    values: Mapping[str, Any], columns: Mapping[str, str], wanted: Sequence[str]
) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in values.items():
        target = map_key(str(key), columns)
        if (
            target is not None
            and target in wanted
            and target not in out
            and value not in (None, "")
        ):
            out[target] = value if isinstance(value, str) else json.dumps(value)
    return out


def draft_from_raw(
    raw: Any, columns: Mapping[str, str]
) -> tuple[dict[str, str], list[dict[str, str]], str]:
    """Editable fields from the record as sent (CSV rows, a JSON object, or a line of text)."""
    kind = raw.get("format") if isinstance(raw, dict) else None
    if kind == "csv":
        rows = [r.get("values", {}) for r in raw.get("rows", [])]
        notification: dict[str, str] = {}
        for values in rows:  # the first non-blank value of each field; the form shows disagreements
            for key, value in _fields_of(values, columns, NOTIFICATION_FIELDS).items():
                notification.setdefault(key, value)
        persons = [_fields_of(values, columns, PERSON_FIELDS) for values in rows]
        text = "\n".join(",".join(str(v) for v in values.values()) for values in rows)
        return notification, persons, text
    if kind == "json" and isinstance(raw.get("object"), dict):
        obj = raw["object"]
        notification = _fields_of(obj, columns, NOTIFICATION_FIELDS)
        people = obj.get("persons") if isinstance(obj.get("persons"), list) else []
        persons = [_fields_of(p, columns, PERSON_FIELDS) for p in people if isinstance(p, dict)]
        return notification, persons, json.dumps(obj, ensure_ascii=False, indent=1)
    if kind == "corrected":
        return dict(raw.get("notification", {})), [dict(p) for p in raw.get("persons", [])], ""
    text = raw.get("text", "") if isinstance(raw, dict) else json.dumps(raw)
    return {}, [], str(text)


def load_draft(sessions: sessionmaker[Session], profile: Profile, record_id: int) -> Draft:
    with session_scope(sessions) as s:
        record = s.get(QuarantinedRecord, record_id)
        if record is None:
            raise QuarantineError("This quarantined record no longer exists.")
        notification, persons, text = draft_from_raw(record.raw, profile.intake.columns)
        return Draft(
            record.id,
            record.version,
            record.police_ref,
            record.file_name,
            tuple(record.line_numbers or ()),
            notification,
            tuple(persons),
            tuple(Problem.from_stored(p) for p in record.problems or ()),
            text,
        )


def corrected_record(
    notification: Mapping[str, str],
    persons: Sequence[Mapping[str, str]],
    lines: tuple[int, ...] = (),
) -> RawRecord:
    line = lines[0] if lines else 0
    clean_note = {k: str(v) for k, v in notification.items() if k in NOTIFICATION_FIELDS}
    clean_persons = tuple(
        (line, {k: str(v) for k, v in p.items() if k in PERSON_FIELDS})
        for p in persons
        if any(str(v).strip() for v in p.values())
    )
    raw = {
        "format": "corrected",
        "notification": clean_note,
        "persons": [dict(p) for _, p in clean_persons],
    }
    ref = clean_note.get("police_ref", "").strip() or None
    return RawRecord(ref, lines, "json", ((line, clean_note),), clean_persons, raw)


def check_correction(
    notification: Mapping[str, str],
    persons: Sequence[Mapping[str, str]],
    now: dt.datetime | None = None,
) -> list[Problem]:
    """The problems the corrected values still have (none means it can be imported)."""
    checked = validate(corrected_record(notification, persons), now or utcnow())
    return checked if isinstance(checked, list) else []


def correct_and_import(
    sessions: sessionmaker[Session],
    profile: Profile,
    actor: Actor,
    record_id: int,
    version: int,
    notification: Mapping[str, str],
    persons: Sequence[Mapping[str, str]],
    now: dt.datetime | None = None,
) -> Correction:
    """Import the corrected values; the problems are returned when some remain."""
    require(actor, INTAKE_ROLES, "correct the quarantine")
    try:
        with session_scope(sessions) as s:
            record = _waiting(s, record_id, version)
            raw = corrected_record(notification, persons, tuple(record.line_numbers or ()))
            checked = validate(raw, now or utcnow())
            if isinstance(checked, list):
                return Correction(False, tuple(checked))
            before = audit.snapshot(record)
            kept = {**raw.raw, "original": record.raw, "file_name": record.file_name}
            stored = store(s, actor, profile.intake, checked, kept, record.import_batch_id)
            record.status, record.notification_id = "corrected", stored.notification_id
            record.resolved_by_id, record.resolved_at = actor.user_id, utcnow()
            record.resolution_reason = "corrected in the application and imported"
            audit.written(s, actor, record, "update", before, detail="corrected and imported")
            audit.record(
                s,
                actor,
                "update",
                "quarantined_record",
                record.id,
                None,
                {"corrected": raw.raw},
                "values as corrected",
            )
            return Correction(True, (), stored.notification_id, stored.outcome)
    except StaleDataError:
        raise QuarantineError(
            "Someone else changed this record meanwhile; open it again."
        ) from None


def discard(
    sessions: sessionmaker[Session], actor: Actor, record_id: int, version: int, reason: str
) -> QuarantineRow:
    """Set the record aside for good, with the reason (kept, audited, never deleted)."""
    require(actor, INTAKE_ROLES, "discard quarantined records")
    if not reason.strip():
        raise QuarantineError("Say why the record is discarded: the reason is kept with it.")
    try:
        with session_scope(sessions) as s:
            record = _waiting(s, record_id, version)
            before = audit.snapshot(record)
            record.status, record.resolution_reason = "discarded", reason.strip()
            record.resolved_by_id, record.resolved_at = actor.user_id, utcnow()
            audit.written(s, actor, record, "update", before, detail="discarded")
            return _row(record)
    except StaleDataError:
        raise QuarantineError(
            "Someone else changed this record meanwhile; open it again."
        ) from None


def _waiting(s: Session, record_id: int, version: int) -> QuarantinedRecord:
    record = s.get(QuarantinedRecord, record_id)
    if record is None:
        raise QuarantineError("This quarantined record no longer exists.")
    if record.version != version:
        raise QuarantineError("Someone else changed this record meanwhile; open it again.")
    if record.status != "waiting":
        raise QuarantineError(f"This record has already been {record.status}.")
    return record
