"""The change log records the writing transaction's id on PostgreSQL; an intelligence entry
records the laptop's reference for the Save that made it.

Ids come from a sequence, so a reader can see id 438 committed while 437 is still being
written by a slower transaction. With each row's transaction id and the snapshot's xmin, a
reader knows when every transaction that could still add an earlier row has ended.

A Save kept on the laptop while the server was away is sent again when it is back; its
reference (unique) makes sure it is stored once even if the first attempt did reach the
server.

Revision ID: 0010_change_txid
Revises: 0009_measures_indexes
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_change_txid"
down_revision: str | None = "0009_measures_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("change_log") as batch:
        batch.add_column(sa.Column("txid", sa.BigInteger(), nullable=True))
        batch.create_index("ix_change_log_txid", ["txid"], unique=False)
    with op.batch_alter_table("intelligence_entry") as batch:
        batch.add_column(sa.Column("client_ref", sa.String(length=36), nullable=True))
        batch.create_unique_constraint("uq_intelligence_entry_client_ref", ["client_ref"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE change_log ALTER COLUMN txid SET DEFAULT (pg_current_xact_id()::text::bigint)"
        )


def downgrade() -> None:
    with op.batch_alter_table("intelligence_entry") as batch:
        batch.drop_constraint("uq_intelligence_entry_client_ref", type_="unique")
        batch.drop_column("client_ref")
    with op.batch_alter_table("change_log") as batch:
        batch.drop_index("ix_change_log_txid")
        batch.drop_column("txid")
