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
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
