"""``models.bulk.insert_rows`` (the import's rows, its audit and change-log rows) stores what
an INSERT of the same rows through SQLAlchemy stores, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import Table, insert, select, text

from frontdoor_app.context import build_context
from frontdoor_app.models import Notification, bulk, utcnow
from frontdoor_app.settings import Settings

AT = dt.datetime(2026, 11, 30, 9, 15, 0, 123456, tzinfo=dt.UTC)
# Compared as the database holds them; the reference differs by construction, and the
# columns filled in when the row is made (created_at, updated_at) by a few microseconds.
COMPARED = [
    c.name
    for c in Notification.__table__.columns
    if c.name not in ("id", "police_ref", "created_at", "updated_at")
]


def _rows(batch: int) -> list[dict[str, Any]]:
    return [
        {
            "police_ref": f"BULK-{batch}-{i}",
            "force": "West Yorkshire",
            "received_at": AT,
            "incident_at": AT - dt.timedelta(hours=i),
            "incident_type": "domestic",
            "dash_risk": "high",
            "offence": "assault" if i else None,
            "dash_yes": i,
            "children_present": bool(i),
            "address": "1 Road, Leeds",
            "postcode": "LS9 8AB",
            "raw_record": {"note": 'quoted "text", é', "n": i},
            "flags": None if i == 2 else {"dash_yes": i},  # None: JSON null, as an INSERT
            "content_hash": "h" * 64,
        }
        for i in range(3)
    ]


def _stored(s: Any, batch: int) -> list[tuple[Any, ...]]:
    listed = ", ".join(f"CAST({c} AS TEXT)" for c in COMPARED)
    sql = f"SELECT {listed} FROM notification WHERE police_ref LIKE :p ORDER BY police_ref"
    return [tuple(r) for r in s.execute(text(sql), {"p": f"BULK-{batch}-%"})]


def test_bulk_rows_are_stored_as_an_insert_stores_them(
    any_app_url: str, fresh_settings: Settings
) -> None:
    ctx = build_context(fresh_settings.with_database(any_app_url))
    try:
        table = cast(Table, Notification.__table__)
        ids = [900_001, 900_002, 900_003]
        before = utcnow()
        with ctx.session() as s:
            s.execute(insert(table), _rows(1))
            bulk.insert_rows(s.connection(), table, _rows(2))
            bulk.insert_rows(s.connection(), table, _rows(3), ids)
        with ctx.read_session() as s:
            by_insert = _stored(s, 1)
            assert len(by_insert) == 3 and by_insert[2][COMPARED.index("flags")] == "null"
            assert _stored(s, 2) == by_insert
            assert _stored(s, 3) == by_insert
            made = list(
                s.scalars(
                    select(Notification)
                    .where(Notification.police_ref.like("BULK-%"))
                    .order_by(Notification.id)
                )
            )
        assert [n.police_ref for n in made] == [
            f"BULK-{b}-{i}" for b in (1, 2, 3) for i in range(3)
        ]
        assert [n.id for n in made][-3:] == ids
        for n in made:  # the table's defaults filled in as an INSERT fills them
            assert n.version == 1 and before <= n.created_at <= utcnow()
            assert n.received_at == AT
    finally:
        ctx.close()
