"""Alembic environment: runs with the engine the application already built."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from frontdoor_app.models import Base

config = context.config
engine = config.attributes.get("engine")


def run_migrations_online() -> None:
    if not isinstance(engine, Engine):
        raise RuntimeError("frontdoor migrations run through frontdoor_app.models.database.upgrade")
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch rebuild drops and re-creates a table others refer to; SQLite's own
            # procedure (ALTER TABLE, "other kinds of table schema changes") turns foreign
            # keys off for it, outside the transaction, and checks them all afterwards.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
        connection.commit()
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


run_migrations_online()
