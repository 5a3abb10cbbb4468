"""Reading the audit trail (admins only): filtered, newest first, a page at a time in SQL,
each change shown as before -> after; and the same rows as CSV safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import IO, Any

from sqlalchemy import ColumnElement, Text, and_, false, func, or_, select, type_coerce
from sqlalchemy.orm import Session, sessionmaker

from frontdoor_app.models import AuditEvent, Base
from frontdoor_app.models.database import session_scope

from . import audit
from .actor import Actor

PAGE_SIZE = 100
COUNT_CAP = 10_000  # beyond this the viewer says "more than 10,000" (counting is a full scan)
CSV_COLUMNS = (
    "id",
    "at",
    "user",
    "action",
    "record",
    "record_id",
    "changes",
    "detail",
    "content_hash",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class AuditAccessDenied(PermissionError):
    """Only an admin reads the audit trail."""


@dataclass(frozen=True)
class AuditFilter:
    user_login: str | None = None
    household_id: int | None = None
    person_id: int | None = None
    case_id: int | None = None  # an agenda item
    action: str | None = None  # view | create | update | delete | export | print | ...
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    user_login: str
    action: str
    entity: str
    entity_id: int | None
    detail: str
    redacted: bool
    content_hash: str
    before: Any = field(default=None, repr=False)  # as stored (JSON text, or decoded)
    after: Any = field(default=None, repr=False)

    @cached_property
    def changes(self) -> tuple[Change, ...]:
        """Worked out when first shown: a page lists rows, the screen shows a few of them."""
        return diff(_decoded(self.before), _decoded(self.after))


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    total: int  # counted up to COUNT_CAP
    offset: int
    limit: int

    @property
    def total_text(self) -> str:
        return f"more than {COUNT_CAP:,}" if self.total > COUNT_CAP else f"{self.total:,}"


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise AuditAccessDenied(
            f"{actor.login} is a {actor.role}: only an admin may read the audit trail"
        )


def _tables_with(column: str) -> list[Any]:
    return [t for t in Base.metadata.sorted_tables if column in t.c and "id" in t.c]


def _about(column: str, value: int) -> list[ColumnElement[bool]]:
    """Rows about any record that carries ``column = value`` (e.g. a household's)."""
    return [
        and_(
            AuditEvent.entity == t.name,
            AuditEvent.entity_id.in_(select(t.c.id).where(t.c[column] == value)),
        )
        for t in _tables_with(column)
    ]


def conditions(f: AuditFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.user_login:
        where.append(AuditEvent.user_login == f.user_login.strip().lower())  # logins are lower case
    if f.action:
        where.append(AuditEvent.action == f.action)
    if f.date_from:
        where.append(AuditEvent.at >= _midnight(f.date_from))
    if f.date_to:
        where.append(AuditEvent.at < _midnight(f.date_to + dt.timedelta(days=1)))
    if f.household_id is not None:
        where.append(or_(false(), *_household(f.household_id)))
    if f.person_id is not None:
        where.append(or_(false(), *_person(f.person_id)))
    if f.case_id is not None:
        where.append(
            or_(
                and_(AuditEvent.entity == "agenda_item", AuditEvent.entity_id == f.case_id),
                *_about("agenda_item_id", f.case_id),
            )
        )
    return where


def _household(household_id: int) -> list[ColumnElement[bool]]:
    return [
        and_(AuditEvent.entity == "household", AuditEvent.entity_id == household_id),
        *_about("household_id", household_id),
    ]


def _person(person_id: int) -> list[ColumnElement[bool]]:
    from frontdoor_app.models import HouseholdMember

    households = select(HouseholdMember.household_id).where(HouseholdMember.person_id == person_id)
    own = [
        and_(AuditEvent.entity == "person", AuditEvent.entity_id == person_id),
        *_about("person_id", person_id),
    ]
    family = [
        and_(
            AuditEvent.entity == t.name,
            AuditEvent.entity_id.in_(select(t.c.id).where(t.c.household_id.in_(households))),
        )
        for t in _tables_with("household_id")
    ] + [and_(AuditEvent.entity == "household", AuditEvent.entity_id.in_(households))]
    return own + family


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def audit_page(
    session: Session,
    actor: Actor,
    f: AuditFilter,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    before_id: int | None = None,
) -> AuditPage:
    """One page of the filtered trail, newest first, in SQL: rows older than ``before_id``
    (the last row of the page before: an index seek however deep), else from ``offset``."""
    require_admin(actor)
    where = conditions(f)
    capped = select(AuditEvent.id).where(*where).limit(COUNT_CAP + 1).subquery()
    total = session.scalar(select(func.count()).select_from(capped)) or 0
    query = select(*_COLUMNS).where(*where).order_by(AuditEvent.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    else:
        query = query.offset(offset)
    rows = session.execute(query)
    return AuditPage(tuple(_row(r) for r in rows), total, offset, limit)


def iter_rows(
    session: Session, actor: Actor, f: AuditFilter, batch: int = 2000
) -> Iterator[AuditRow]:
    """Every filtered row, newest first, a batch at a time (keyset on id)."""
    require_admin(actor)
    where = conditions(f)
    last: int | None = None
    while True:
        query = select(*_COLUMNS).where(*where).order_by(AuditEvent.id.desc()).limit(batch)
        if last is not None:
            query = query.where(AuditEvent.id < last)
        rows = session.execute(query).all()
        for r in rows:
            yield _row(r)
        if len(rows) < batch:
            return
        last = rows[-1].id


# The JSON columns come back as stored (not decoded): only the rows shown are decoded.
_COLUMNS = (
    AuditEvent.id,
    AuditEvent.at,
    AuditEvent.user_login,
    AuditEvent.action,
    AuditEvent.entity,
    AuditEvent.entity_id,
    AuditEvent.detail,
    AuditEvent.redacted_at,
    AuditEvent.content_hash,
    type_coerce(AuditEvent.before, Text).label("before"),
    type_coerce(AuditEvent.after, Text).label("after"),
)


def _row(r: Any) -> AuditRow:
    return AuditRow(
        id=r.id,
        at=r.at,
        user_login=r.user_login,
        action=r.action,
        entity=r.entity,
        entity_id=r.entity_id,
        detail=r.detail or "",
        redacted=r.redacted_at is not None,
        content_hash=r.content_hash or "",
        before=r.before,
        after=r.after,
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def diff(before: Any, after: Any) -> tuple[Change, ...]:
    """What changed, field by field, as readable text (a created record: its fields)."""
    if not isinstance(before, dict) and not isinstance(after, dict):
        if before is None and after is None:
            return ()
        return (Change("value", _text(before), _text(after)),)
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    return tuple(
        Change(key, _text(old.get(key)), _text(new.get(key)))
        for key in sorted(old.keys() | new.keys())
        if old.get(key) != new.get(key)
    )


def changes_text(changes: tuple[Change, ...]) -> str:
    return "; ".join(
        f"{c.field}: {c.before or '(none)'} \u2192 {c.after or '(none)'}" for c in changes
    )


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula is made plain text (a leading quote)."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def write_csv(rows: Iterator[AuditRow], out: IO[str]) -> int:
    """The rows as CSV (every cell neutralised); returns how many were written."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for r in rows:
        cells = [
            str(r.id),
            r.at.isoformat(timespec="seconds"),
            r.user_login,
            r.action,
            r.entity,
            "" if r.entity_id is None else str(r.entity_id),
            "(redacted by retention)" if r.redacted else changes_text(r.changes),
            r.detail,
            r.content_hash,
        ]
        writer.writerow([neutralise(c) for c in cells])
        count += 1
    return count


# ---------------------------------------------------------------------- the viewer
# What the audit viewer calls: each in one unit of work, the viewing itself audited.


def view_page(
    sessions: sessionmaker[Session],
    actor: Actor,
    f: AuditFilter,
    offset: int = 0,
    before_id: int | None = None,
) -> AuditPage:
    """``audit_page`` for the viewer, its viewing recorded in the trail."""
    with session_scope(sessions) as s:
        page = audit_page(s, actor, f, offset, before_id=before_id)
        audit.record(
            s,
            actor,
            "view",
            "audit_event",
            None,
            detail=f"audit viewer: {page.total} rows, from {offset}",
        )
    return page


def export_csv(sessions: sessionmaker[Session], actor: Actor, f: AuditFilter, out: IO[str]) -> int:
    """Every filtered row (not one page) as CSV to ``out``, the export recorded in the
    trail; returns how many rows were written."""
    with session_scope(sessions) as s:
        count = write_csv(iter_rows(s, actor, f), out)
        audit.record(
            s,
            actor,
            "export",
            "audit_event",
            None,
            detail=f"audit rows exported as CSV: {count} rows",
        )
    return count
