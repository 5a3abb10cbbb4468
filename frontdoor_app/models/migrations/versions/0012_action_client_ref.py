"""An action and an action's status update record the laptop's reference for the Save.

A Save made while the server cannot be reached waits on the laptop and is sent when it is
back; its reference (unique) makes sure it is stored once even if the first attempt did
reach the server before the connection dropped (as an intelligence entry's, 0010).

Revision ID: 0012_action_client_ref
Revises: 0011_who_changed
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_action_client_ref"
down_revision: str | None = "0011_who_changed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("action") as batch:
        batch.add_column(sa.Column("client_ref", sa.String(length=36), nullable=True))
        batch.create_unique_constraint("uq_action_client_ref", ["client_ref"])
    with op.batch_alter_table("action_update") as batch:
        batch.add_column(sa.Column("client_ref", sa.String(length=36), nullable=True))
        batch.create_unique_constraint("uq_action_update_client_ref", ["client_ref"])


def downgrade() -> None:
    with op.batch_alter_table("action_update") as batch:
        batch.drop_constraint("uq_action_update_client_ref", type_="unique")
        batch.drop_column("client_ref")
    with op.batch_alter_table("action") as batch:
        batch.drop_constraint("uq_action_client_ref", type_="unique")
        batch.drop_column("client_ref")
