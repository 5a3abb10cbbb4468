"""Reads never hold up writers on SQLite (WAL), and a read-only unit of work cannot write."""

import time

import pytest
from sqlalchemy import func, select

from frontdoor_app.models import Agency
from frontdoor_app.models.database import (
    ReadOnlySessionError,
    make_engine,
    make_session_factory,
    session_scope,
)


def test_an_open_read_does_not_hold_up_a_writer(ctx, db_url):
    other = make_engine(db_url)
    writer = make_session_factory(other)
    try:
        with ctx.read_session() as reader:
            before = reader.scalar(select(func.count()).select_from(Agency))
            started = time.monotonic()
            with session_scope(writer) as w:  # another client, while the read is still open
                w.add(Agency(code="NEW", name="A new agency", kind="other"))
            waited = time.monotonic() - started
            # The read keeps its snapshot; the writer did not wait for the busy timeout.
            assert reader.scalar(select(func.count()).select_from(Agency)) == before
        assert waited < 5, f"the writer waited {waited:.1f} s behind a read"
        with ctx.read_session() as reader:
            assert reader.scalar(select(func.count()).select_from(Agency)) == before + 1
    finally:
        other.dispose()


def test_a_write_transaction_still_holds_up_a_second_writer_until_it_commits(ctx, db_url):
    """The control: write units of work begin IMMEDIATE, so two never interleave."""
    with ctx.session() as first:
        first.add(Agency(code="ONE", name="First", kind="other"))
        first.flush()
        raw = make_engine(db_url, connect_args={"timeout": 0.2})
        try:
            conn = raw.raw_connection()
            conn.driver_connection.execute("PRAGMA busy_timeout=200")
            with pytest.raises(Exception, match="locked"):
                conn.driver_connection.execute("BEGIN IMMEDIATE")
            conn.close()
        finally:
            raw.dispose()


def test_a_read_only_unit_of_work_refuses_to_write(ctx):
    with pytest.raises(ReadOnlySessionError), ctx.read_session() as s:
        s.add(Agency(code="NOPE", name="Never written", kind="other"))
        s.flush()
    with ctx.read_session() as s:
        assert s.scalar(select(Agency.id).where(Agency.code == "NOPE")) is None
