"""Importing the new notifications of a file together: plan in memory, write once per table.

The rules are those of ``store`` (one notification at a time, used for amendments and
corrections): the same matching decisions, households, flags and audit trail. Here the
look-ups are set-based (``batch_match``) and each table is written with one multi-row
INSERT, inside the caller's transaction, so an interruption leaves nothing half written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.models import (
    Household,
    HouseholdMember,
    Notification,
    NotificationPerson,
    Person,
    PersonLink,
    PostcodeDistrict,
    bulk,
    utcnow,
)

from .batch_plan import FilePlan, Planned, chunks
from .fields import postcode_district
from .people import MOVED
from .store import Stored

YEAR = dt.timedelta(days=365)


_DATES = (dt.datetime, dt.date, dt.time)


def plain(value: Any) -> Any:
    """As ``audit.plain`` for the values an import writes, without its slower checks."""
    return value.isoformat() if type(value) in _DATES else value


def _t(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


# --- writing ------------------------------------------------------------------------------


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` into ``table``; their ids, in order.

    On SQLite the ids are given: the transaction holds the write lock from its start
    (BEGIN IMMEDIATE, models/database.py), so the next ids are the largest one's
    successors, exactly as SQLite would choose them (these tables have no AUTOINCREMENT):
    RETURNING in parameter order has no deterministic form there and was run one row per
    statement (some 2,300 statements a Monday feed). On PostgreSQL the ids are taken from
    the table's sequence first (one statement). The rows then go in together
    (``models.bulk``: one executemany on SQLite, one statement on PostgreSQL).
    """
    if not rows:
        return []
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        start = (session.scalar(select(func.max(table.c.id))) or 0) + 1
        ids = list(range(start, start + len(rows)))
    else:
        ids = bulk.next_ids(connection, table, len(rows))
    bulk.insert_rows(connection, table, rows, ids)
    return ids


class _Writer:
    """The rows one import writes in bulk, with their audit and change-log rows."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.s, self.actor = session, actor
        self.written: list[audit.Recorded] = []

    def insert(
        self, table: Table, rows: list[dict[str, Any]], detail: str | None = None
    ) -> list[int]:
        if not rows:
            return []
        ids = insert_rows(self.s, table, rows)
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
        self.written.append(audit.Recorded(action, table, row_id, before, after, detail))

    def finish(self) -> None:
        audit.written_many(self.s, self.actor, self.written)


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
    session: Session, actor: Actor, p: FilePlan, items: list[Planned], batch_id: int | None
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
    np_ids = insert_rows(session, _t(NotificationPerson), np_rows)
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


def _move_households(session: Session, w: _Writer, p: FilePlan, localities: dict[str, int]) -> None:
    """Known families whose newer notification gives another home (the victim lives there)."""
    if not p.moves:
        return
    table = _t(Household)
    current = {
        r.id: r
        for chunk in chunks(sorted(p.moves))
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


def _update_people(session: Session, w: _Writer, p: FilePlan) -> None:
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
        for chunk in chunks(sorted(p.updates))
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
