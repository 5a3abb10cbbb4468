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


def test_0013_blocks_read_their_indexes_alone_and_find_the_same_people(any_db_url: str) -> None:
    """A 0012 database with people upgrades to 0013: the date-of-birth and sound-alike
    blocks then read only their (covering) indexes on SQLite, the candidates are the same as
    before the upgrade, and the downgrade puts the former indexes back."""
    import datetime as dt

    from alembic import command
    from sqlalchemy import text

    from frontdoor_app.intake.blocking import block_keys, db_candidates, lookup_keys
    from frontdoor_app.intake.keys import name_keys
    from frontdoor_app.intake.similarity import PersonFacts
    from frontdoor_app.models.database import alembic_config

    people = [
        ("Mercorella", "Jack", dt.date(1990, 4, 7)),  # typos in both names, same date
        ("Mercorella", "Jane", dt.date(1990, 7, 4)),  # day and month swapped
        ("Liebenberg", "Bianca", dt.date(1991, 4, 7)),  # a year out, initials swapped
        ("Smith", "Robert", dt.date(1990, 4, 7)),  # other initials: in no block
    ]
    sent = [
        PersonFacts("Mercorglla", "Jac", dt.date(1990, 4, 7), 1990, None, None, None, None, None),
        PersonFacts(
            "Bianca", "Liebenbrrg", dt.date(1990, 4, 7), 1990, None, None, None, None, None
        ),
    ]
    engine = make_engine(any_db_url)
    try:
        command.upgrade(alembic_config(engine), "0012_action_client_ref")
        with engine.begin() as conn:
            for n, (surname, forenames, dob) in enumerate(people, start=1):
                keys = name_keys(surname, forenames)
                conn.execute(
                    text(
                        "INSERT INTO person (id, surname, forenames, dob, birth_year, "
                        "birth_year_estimated, surname_key, surname_phonetic, forename_key, "
                        "forename_initial, version, created_at, updated_at) VALUES (:id, :s, "
                        ":f, :d, :y, false, :sk, :sp, :fk, :fi, 1, :t, :t)"
                    ),
                    {
                        "id": n,
                        "s": surname,
                        "f": forenames,
                        "d": dob,
                        "y": dob.year,
                        "sk": keys.surname_key,
                        "sp": keys.surname_phonetic,
                        "fk": keys.forename_key,
                        "fi": keys.forename_initial,
                        "t": "2026-11-23 10:00:00",
                    },
                )
        wanted = [lookup_keys(block_keys(f)) for f in sent]
        with Session(engine) as session:
            before = db_candidates(session, wanted)
        assert before[0] >= {1, 2} and 4 not in before[0] and 3 in before[1]
        assert upgrade(engine) is True
        with Session(engine) as session:
            assert db_candidates(session, wanted) == before
        indexes = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("person")}
        assert indexes["ix_person_block_dob"][:2] == ["dob", "forename_initial"]
        assert "ix_person_dob" not in indexes and "ix_person_block_phonetic_year" not in indexes
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                for block, sql in (
                    ("d", "person.dob = ? AND person.forename_initial IN (?, ?)"),
                    (
                        "pyf",
                        "person.surname_phonetic = ? AND person.birth_year = ? AND "
                        "person.forename_initial = ?",
                    ),
                ):
                    plan = " ".join(
                        row[-1]
                        for row in conn.exec_driver_sql(
                            "EXPLAIN QUERY PLAN SELECT person.id FROM person WHERE "
                            f"{sql} AND +person.merged_into_id IS NULL",
                            ("x",) * sql.count("?"),
                        )
                    )
                    assert "USING COVERING INDEX" in plan, (block, plan)
        command.downgrade(alembic_config(engine), "0012_action_client_ref")
        indexes = {i["name"] for i in inspect(engine).get_indexes("person")}
        assert {"ix_person_dob", "ix_person_block_phonetic_year"} <= indexes
        assert "ix_person_block_dob" not in indexes
    finally:
        engine.dispose()
