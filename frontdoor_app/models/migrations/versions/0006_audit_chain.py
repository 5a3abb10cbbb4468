"""The audit trail becomes a hash chain (models/audit_chain.py); redaction is the one update.

Every existing row gets its content hash and chain hash, in id order. The append-only rule
stays, except for retention's redaction: blanking ``before``/``after``/``detail`` once, with
every other column (and both hashes) unchanged.

Revision ID: 0006_audit_chain
Revises: 0005_fgc_safeguards
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from frontdoor_app.models.audit_chain import GENESIS, content_hash, link
from frontdoor_app.models.base import UTCDateTime

revision: str = "0006_audit_chain"
down_revision: str | None = "0005_fgc_safeguards"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "audit_event is append-only"
KEPT = ("id", "at", "user_id", "user_login", "action", "entity", "entity_id", "content_hash",
        "chain_hash")


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("content_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("chain_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("redacted_at", UTCDateTime(), nullable=True))
    op.create_index("ix_audit_event_entity", "audit_event", ["entity", "entity_id"])
    op.create_index("ix_audit_event_user_login", "audit_event", ["user_login"])
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    else:
        op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
    _seal_existing()
    same = " AND ".join(f"new.{c} IS old.{c}" if sqlite else f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}"
                        for c in KEPT)
    if sqlite:
        op.execute(
            "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
            f"WHEN NOT (old.redacted_at IS NULL AND new.redacted_at IS NOT NULL AND {same}) "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
    else:
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_event_refuse() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN "
            f"IF TG_OP = 'UPDATE' AND OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL "
            f"AND {same} THEN RETURN NEW; END IF; "
            f"RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse()"
        )


def _seal_existing() -> None:
    bind = op.get_bind()
    table = sa.table(
        "audit_event", sa.column("id", sa.Integer), sa.column("at", UTCDateTime()),
        sa.column("user_id", sa.Integer), sa.column("user_login", sa.String),
        sa.column("action", sa.String), sa.column("entity", sa.String),
        sa.column("entity_id", sa.Integer), sa.column("before", sa.JSON),
        sa.column("after", sa.JSON), sa.column("detail", sa.Text),
        sa.column("content_hash", sa.String), sa.column("chain_hash", sa.String),
    )
    previous = GENESIS
    updates = []
    for row in bind.execute(sa.select(table).order_by(table.c.id)).mappings():
        content = content_hash(row)
        previous = link(previous, content)
        updates.append({"rid": row["id"], "c": content, "h": previous})
        if len(updates) >= 5000:
            _write(bind, table, updates)
            updates = []
    _write(bind, table, updates)


def _write(bind: sa.Connection, table: sa.TableClause, updates: list[dict[str, object]]) -> None:
    if updates:
        statement = (sa.update(table).where(table.c.id == sa.bindparam("rid"))
                     .values(content_hash=sa.bindparam("c"), chain_hash=sa.bindparam("h")))
        bind.execute(statement, updates)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER audit_event_no_update")
        op.execute(
            "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
    else:
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_event_refuse() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
    op.drop_index("ix_audit_event_user_login", "audit_event")
    op.drop_index("ix_audit_event_entity", "audit_event")
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("redacted_at")
        batch.drop_column("chain_hash")
        batch.drop_column("content_hash")
