"""An FGC consent, safeguard and invitee record the laptop's reference for the step.

Recorded while the server cannot be reached, such a step waits on the laptop and is sent
when it is back; its reference (unique) makes sure it is stored once even if the first
attempt did reach the server before the connection dropped (as an entry's, 0010, and an
action's, 0012).

Revision ID: 0014_fgc_client_ref
Revises: 0013_person_block_covering
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_fgc_client_ref"
down_revision: str | None = "0013_person_block_covering"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("fgc_consent", "fgc_safeguard", "fgc_invitee")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("client_ref", sa.String(length=36), nullable=True))
            batch.create_unique_constraint(f"uq_{table}_client_ref", ["client_ref"])


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"uq_{table}_client_ref", type_="unique")
            batch.drop_column("client_ref")
