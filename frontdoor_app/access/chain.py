"""Checking the audit trail's hash chain (models/audit_chain.py) and naming what broke it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.models import AuditEvent
from frontdoor_app.models.audit_chain import CONTENT_FIELDS, GENESIS, content_hash, link

_COLUMNS = [getattr(AuditEvent, name) for name in ("id", *CONTENT_FIELDS)] + [
    AuditEvent.content_hash,
    AuditEvent.chain_hash,
    AuditEvent.redacted_at,
]


@dataclass(frozen=True)
class Verdict:
    ok: bool
    rows: int  # rows checked (up to the first problem)
    redacted: int
    head: str  # the newest chain hash (of the last good row when broken)
    problem: str | None = None
    row_id: int | None = None  # the row the problem is found at


def head(session: Session) -> str:
    """The chain's newest hash (what the minutes print); the genesis value when empty."""
    value = session.scalar(select(AuditEvent.chain_hash).order_by(AuditEvent.id.desc()).limit(1))
    return value or GENESIS


def short(chain_hash: str) -> str:
    """The head as printed: 16 hex digits in groups of four (enough to compare by eye)."""
    return " ".join(chain_hash[i : i + 4] for i in range(0, 16, 4))


def verify(session: Session, batch: int = 5000) -> Verdict:
    """Walk the whole trail in id order; the first row that breaks the chain is named."""
    previous, previous_id, count, redacted = GENESIS, None, 0, 0
    window: list[Any] = []  # rows seen, for naming a reordering or an insertion
    for row in _rows(session, batch):
        data = row._mapping
        if data["content_hash"] is None or data["chain_hash"] is None:
            return Verdict(
                False,
                count,
                redacted,
                previous,
                f"audit row {data['id']} was inserted: it carries no hash, so it was "
                "not written by the application",
                data["id"],
            )
        if data["redacted_at"] is not None:
            redacted += 1
        elif data["content_hash"] != content_hash(data):
            return Verdict(
                False,
                count,
                redacted,
                previous,
                f"audit row {data['id']} was changed: its content no longer matches "
                "the hash written with it",
                data["id"],
            )
        if data["chain_hash"] != link(previous, data["content_hash"] or ""):
            return _broken(session, data, previous_id, previous, count, redacted, window)
        previous, previous_id = data["chain_hash"], data["id"]
        count += 1
        window.append((data["id"], data["chain_hash"]))
        if len(window) > 2:
            window.pop(0)
    return Verdict(True, count, redacted, previous)


def _rows(session: Session, batch: int) -> Iterator[Any]:
    """Every row in id order, a batch at a time (keyset paging: no server-side cursor)."""
    last: int | None = None
    while True:
        query = select(*_COLUMNS).order_by(AuditEvent.id).limit(batch)
        if last is not None:
            query = query.where(AuditEvent.id > last)
        rows = session.execute(query).all()
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1].id


def _broken(
    session: Session,
    data: Any,
    previous_id: int | None,
    previous: str,
    count: int,
    redacted: int,
    window: list[Any],
) -> Verdict:
    """Say how the chain broke at ``data``: inserted before it, reordered, or removed."""
    rid, content = data["id"], data["content_hash"] or ""
    # The row follows the one before the previous: the previous row was slipped in.
    if len(window) == 2 and data["chain_hash"] == link(window[0][1], content):
        inserted = window[1][0]
        return Verdict(
            False,
            count - 1,
            redacted,
            window[0][1],
            f"audit row {inserted} was inserted: row {rid} follows the row before it",
            inserted,
        )
    # The row follows a later row: rows were swapped or moved.
    later = session.execute(
        select(AuditEvent.id, AuditEvent.chain_hash)
        .where(AuditEvent.id > rid)
        .order_by(AuditEvent.id)
    )
    for other_id, other_hash in later:
        if data["chain_hash"] == link(other_hash or "", content):
            return Verdict(
                False,
                count,
                redacted,
                previous,
                f"audit rows {rid} and {other_id} are out of order (reordered): row "
                f"{rid} was written after row {other_id}",
                rid,
            )
    # The next row follows the previous one: this row was slipped in between.
    following = session.execute(
        select(AuditEvent.content_hash, AuditEvent.chain_hash)
        .where(AuditEvent.id > rid)
        .order_by(AuditEvent.id)
        .limit(1)
    ).first()
    if following is not None and following[1] == link(previous, following[0] or ""):
        return Verdict(
            False,
            count,
            redacted,
            previous,
            f"audit row {rid} was inserted: the row after it follows the row before it",
            rid,
        )
    # The row does not follow the row before it: if its own content is intact (checked
    # above) and the previous row's is too, a row between them was removed.
    after = f"after audit row {previous_id}" if previous_id is not None else "at the start"
    return Verdict(
        False,
        count,
        redacted,
        previous,
        f"a row was removed {after}: row {rid} does not follow from the row before it",
        rid,
    )
