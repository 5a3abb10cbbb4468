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
            session.add(
                AuditEvent(
                    user_login="ayse.kilic",
                    action="view",
                    entity="household",
                    entity_id=7,
                    detail="opened the case",
                )
            )
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


def test_0005_upgrades_a_database_holding_data(any_db_url: str) -> None:
    """A 0004 database with users (referred to by other tables) and a safety plan written
    without a note (as the old demo did) upgrades; the note is marked, not invented."""
    from alembic import command
    from sqlalchemy import text

    from frontdoor_app.models.database import alembic_config

    engine = make_engine(any_db_url)
    try:
        command.upgrade(alembic_config(engine), "0004_fgc_open")
        t = "2026-11-23 10:00:00"
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO app_user (id, login, display_name, role, active, "
                    "version, created_at, updated_at) VALUES (1, 'c', 'Chair', 'chair', "
                    "true, 1, :t, :t)"
                ),
                {"t": t},
            )
            conn.execute(
                text(
                    "INSERT INTO household (id, reference, version, created_at, "
                    "updated_at) VALUES (1, 'H1', 1, :t, :t)"
                ),
                {"t": t},
            )
            conn.execute(
                text(
                    "INSERT INTO import_batch (id, file_name, file_hash, "
                    "imported_by_id, started_at, imported, updated, unchanged, "
                    "quarantined, rows_read) VALUES (1, 'f.csv', 'h', 1, :t, 0, 0, 0, "
                    "0, 0)"
                ),
                {"t": t},
            )
            conn.execute(
                text(
                    "INSERT INTO fgc_referral (id, household_id, routed_how, stage, "
                    "is_open, version, created_at, updated_at) VALUES (1, 1, "
                    "'unrouted', 'preparation', true, 1, :t, :t)"
                ),
                {"t": t},
            )
            conn.execute(
                text(
                    "INSERT INTO fgc_safeguard (referral_id, kind, recorded_by, at) "
                    "VALUES (1, 'safety_plan', 'Sam', :t)"
                ),
                {"t": t},
            )
        assert upgrade(engine) is True
        with engine.connect() as conn:
            note = conn.scalar(text("SELECT note FROM fgc_safeguard"))
            assert note.startswith("(not recorded")
            assert conn.scalar(text("SELECT imported_by_id FROM import_batch")) == 1
            assert conn.scalar(text("SELECT fgc_team_id FROM app_user")) is None
    finally:
        engine.dispose()
