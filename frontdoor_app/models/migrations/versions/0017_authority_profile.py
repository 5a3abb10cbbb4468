"""The authority profile in force on a shared server (``access.server_profile``).

Each laptop read its own profile file, so on one server two laptops could print the
minutes with different confidentiality statements, or build the agenda by different
rules. ``server init`` and ``server upgrade`` now keep the file they were given here, and
every client on the server runs by the newest row.

Revision ID: 0017_authority_profile
Revises: 0016_notification_spare_indexes
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_authority_profile"
down_revision: str | None = "0016_notification_spare_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "authority_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authority_profile")),
    )


def downgrade() -> None:
    op.drop_table("authority_profile")
