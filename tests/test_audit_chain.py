"""The audit trail's hash chain: tampering done as an attacker holding the file (or the
PostgreSQL owner) would, with the triggers dropped, is caught and the row named."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from frontdoor_app import cipher
from frontdoor_app.access import audit
from frontdoor_app.access.chain import verify
from frontdoor_app.cli import main
from frontdoor_app.context import AppContext, build_context
from frontdoor_app.models import AuditEvent
from frontdoor_app.models.audit_chain import content_hash, link
from frontdoor_app.profile import Profile
from frontdoor_app.settings import Settings


@pytest.fixture
def trail(any_app_url: str, fresh_settings: Settings, profile: Profile) -> Iterator[AppContext]:
    """A context whose trail has a dozen views and updates after start-up's own rows."""
    ctx = build_context(fresh_settings.with_database(any_app_url), profile)
    for n in range(12):
        with ctx.session() as s:
            audit.record(
                s,
                ctx.actor,
                "view" if n % 2 else "update",
                "household",
                100 + n,
                {"surname": f"Before{n}"} if n % 2 == 0 else None,
                {"surname": f"After{n}"} if n % 2 == 0 else None,
                f"event {n}",
            )
    yield ctx
    ctx.close()


@contextmanager
def raw(ctx: AppContext) -> Iterator[tuple[Any, Callable[[str], str]]]:
    """The attacker's connection: sqlcipher3 with the key (SQLite), psycopg as owner (PG).
    Yields the connection and a function turning ``?`` placeholders into the driver's."""
    url = ctx.engine.url
    if url.get_backend_name() == "sqlite":
        conn = cipher.connect(Path(url.database or ""))
        conn.execute("DROP TRIGGER audit_event_no_update")
        conn.execute("DROP TRIGGER audit_event_no_delete")
        try:
            yield conn, lambda sql: sql
            conn.commit()
        finally:
            conn.close()
    else:
        import psycopg

        u = make_url(str(url))
        with psycopg.connect(
            host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database
        ) as conn:
            conn.execute("DROP TRIGGER audit_event_append_only ON audit_event")
            yield conn, lambda sql: sql.replace("?", "%s")


def ids(ctx: AppContext) -> list[int]:
    with ctx.read_session() as s:
        return list(s.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def test_an_untouched_trail_verifies_and_the_command_says_so(
    trail: AppContext, capsys: pytest.CaptureFixture[str]
) -> None:
    with trail.read_session() as s:
        verdict = verify(s)
        newest = s.scalar(select(AuditEvent.chain_hash).order_by(AuditEvent.id.desc()).limit(1))
    assert verdict.ok and verdict.rows == len(ids(trail)) >= 12
    assert verdict.head == newest
    url = str(trail.engine.url.render_as_string(hide_password=False))
    assert main(["--database", url, "audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out


def test_an_edited_row_is_named(trail: AppContext, capsys: pytest.CaptureFixture[str]) -> None:
    target = ids(trail)[5]
    with raw(trail) as (conn, q):
        conn.execute(q("UPDATE audit_event SET detail = ? WHERE id = ?"), ("nothing", target))
    with trail.read_session() as s:
        verdict = verify(s)
    assert not verdict.ok and verdict.row_id == target
    assert f"audit row {target} was changed" in (verdict.problem or "")
    url = str(trail.engine.url.render_as_string(hide_password=False))
    assert main(["--database", url, "audit", "verify"]) == 3
    assert f"audit row {target} was changed" in capsys.readouterr().out


def test_an_edit_with_its_content_hash_recomputed_still_breaks_the_chain(
    trail: AppContext,
) -> None:
    target = ids(trail)[5]
    with trail.read_session() as s:
        row = s.get(AuditEvent, target)
        assert row is not None
        forged = {
            name: getattr(row, name)
            for name in (
                "at",
                "user_id",
                "user_login",
                "action",
                "entity",
                "entity_id",
                "before",
                "after",
            )
        }
    forged["detail"] = "nothing to see"
    with raw(trail) as (conn, q):
        conn.execute(
            q("UPDATE audit_event SET detail = ?, content_hash = ? WHERE id = ?"),
            ("nothing to see", content_hash(forged), target),
        )
    with trail.read_session() as s:
        verdict = verify(s)
    assert not verdict.ok and verdict.row_id == target


def test_a_deleted_row_is_named(trail: AppContext) -> None:
    all_ids = ids(trail)
    gone = all_ids[6]
    with raw(trail) as (conn, q):
        conn.execute(q("DELETE FROM audit_event WHERE id = ?"), (gone,))
    with trail.read_session() as s:
        verdict = verify(s)
    assert not verdict.ok and verdict.row_id == all_ids[7]
    assert f"a row was removed after audit row {all_ids[5]}" in (verdict.problem or "")


@pytest.mark.parametrize("forge", [False, True])
def test_an_inserted_row_is_named(trail: AppContext, forge: bool) -> None:
    """Inserted mid-trail (an id left free), naively or with hashes forged onto the row before."""
    all_ids = ids(trail)
    with trail.read_session() as s:
        before = s.get(AuditEvent, all_ids[3])
        assert before is not None
        at, previous = before.at, before.chain_hash or ""
    # Make room: move the later rows up by one id (an attacker with the file can).
    with raw(trail) as (conn, q):
        for rid in reversed(all_ids[4:]):
            conn.execute(q("UPDATE audit_event SET id = ? WHERE id = ?"), (rid + 1000, rid))
        new_id = all_ids[3] + 1
        row = {
            "at": at,
            "user_id": None,
            "user_login": "someone.else",
            "action": "view",
            "entity": "household",
            "entity_id": 7,
            "before": None,
            "after": None,
            "detail": "an alibi",
        }
        content = content_hash(row) if forge else None
        chained = link(previous, content) if forge and content else None
        conn.execute(
            q(
                "INSERT INTO audit_event (id, at, user_login, action, entity, entity_id, "
                "detail, content_hash, chain_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            (
                new_id,
                at.replace(tzinfo=None) if trail.engine.dialect.name == "sqlite" else at,
                "someone.else",
                "view",
                "household",
                7,
                "an alibi",
                content,
                chained,
            ),
        )
    with trail.read_session() as s:
        verdict = verify(s)
    assert not verdict.ok and verdict.row_id == new_id, verdict
    assert f"audit row {new_id} was inserted" in (verdict.problem or "")


def test_a_swapped_pair_is_named(trail: AppContext) -> None:
    all_ids = ids(trail)
    first, second = all_ids[4], all_ids[5]
    with raw(trail) as (conn, q):
        conn.execute(q("UPDATE audit_event SET id = ? WHERE id = ?"), (-1, first))
        conn.execute(q("UPDATE audit_event SET id = ? WHERE id = ?"), (first, second))
        conn.execute(q("UPDATE audit_event SET id = ? WHERE id = ?"), (second, -1))
    with trail.read_session() as s:
        verdict = verify(s)
    assert not verdict.ok and verdict.row_id == first
    assert f"audit rows {first} and {second} are out of order" in (verdict.problem or "")


def test_writers_keep_one_chain_and_the_triggers_still_refuse_a_plain_update(
    trail: AppContext,
) -> None:
    from sqlalchemy import update
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError, match="append-only"), trail.session() as s:
        s.execute(update(AuditEvent).values(detail="rewritten"))
    with trail.read_session() as s:
        assert verify(s).ok


def test_the_minutes_print_the_trails_hash_at_close_on_the_cover_and_every_footer(
    ctx: AppContext, db_url: str, tmp_path: Path
) -> None:
    import io

    from pypdf import PdfReader

    from tests.minutes_builder import build_closed_meeting

    built = build_closed_meeting(ctx)
    with ctx.session() as s:  # what lifecycle.close_meeting writes last
        audit.record(s, ctx.actor, "update", "meeting", built.meeting_id, detail="meeting closed")
    with ctx.session() as s:  # later events move the head on; the minutes keep the close's
        audit.record(s, ctx.actor, "view", "household", 1, detail="viewed afterwards")
        closing = s.scalar(
            select(AuditEvent.chain_hash).where(AuditEvent.detail == "meeting closed")
        )
        assert closing and verify(s).head != closing
    out = tmp_path / "minutes.pdf"
    assert main(["--database", db_url, "minutes", "--date", "2026-11-23", "--out", str(out)]) == 0
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages]
    assert closing[:32] in pages[0].replace("\n", " ")
    short = " ".join(closing[i : i + 4] for i in range(0, 16, 4))
    assert all(f"Audit trail at close: {short}" in page for page in pages), pages[-1][-300:]


def test_rows_written_many_at_once_chain_on_in_the_order_they_were_made(
    trail: AppContext,
) -> None:
    """An import writes its audit and change-log rows in bulk (``audit.written_many``):
    between rows recorded one at a time, the chain still verifies, in the order written."""
    from frontdoor_app.models import ChangeLog

    with trail.session() as s:
        audit.record(s, trail.actor, "update", "household", 1, detail="before the import")
        audit.written_many(
            s,
            trail.actor,
            [
                audit.Recorded("create", "person", 7, None, {"id": 7}, "imported a"),
                audit.Recorded("update", "person", 8, {"pnc_id": None}, {"pnc_id": "X"}),
            ],
        )
        audit.record(s, trail.actor, "view", "household", 2, detail="after the import")
    with trail.read_session() as s:
        assert verify(s).ok
        newest = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(4)).all()
        assert [(e.entity_id, e.detail) for e in reversed(newest)] == [
            (1, "before the import"),
            (7, "imported a"),
            (8, None),
            (2, "after the import"),
        ]
        assert newest[1].before == {"pnc_id": None} and newest[1].after == {"pnc_id": "X"}
        logged = s.execute(
            select(ChangeLog.table_name, ChangeLog.row_id, ChangeLog.operation)
            .order_by(ChangeLog.id.desc())
            .limit(2)
        ).all()
        assert sorted(logged) == [("person", 7, "create"), ("person", 8, "update")]
