"""Migrations build the whole schema on an empty database, and it matches the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import delete, inspect, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from frontdoor_app.models import AuditEvent, Base
from frontdoor_app.models.database import current_revision, head_revision, make_engine, upgrade


def test_upgrade_builds_every_table_and_autogenerate_finds_no_difference(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    try:
        assert current_revision(engine) is None
        assert upgrade(engine) is True
        assert current_revision(engine) == head_revision()
        assert upgrade(engine) is False  # a second start does nothing

        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            diff = compare_metadata(context, Base.metadata)
        assert diff == [], "models and migrations differ; add a migration:\n" + "\n".join(
            map(repr, diff)
        )
    finally:
        engine.dispose()


def test_audit_trail_refuses_update_and_delete(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    try:
        upgrade(engine)
        with Session(engine) as session:
            session.add(AuditEvent(user_login="ayse.kilic", action="view", entity="household",
                                   entity_id=7, detail="opened the case"))  # fmt: skip
            session.commit()
        for statement in (
            update(AuditEvent).values(detail="edited afterwards"),
            delete(AuditEvent),
        ):
            with Session(engine) as session, pytest.raises(DBAPIError, match="append-only"):
                session.execute(statement)
                session.commit()
        with Session(engine) as session:
            event = session.scalars(select(AuditEvent)).one()
            assert event.detail == "opened the case"
    finally:
        engine.dispose()
