"""At most one open FGC referral per household, enforced by the database.

Revision ID: 0004_fgc_open
Revises: 0003_meeting
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_fgc_open"
down_revision: str | None = "0003_meeting"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "uq_fgc_referral_open_household",
        "fgc_referral",
        ["household_id"],
        unique=True,
        sqlite_where=sa.text("is_open"),
        postgresql_where=sa.text("is_open"),
    )


def downgrade() -> None:
    op.drop_index("uq_fgc_referral_open_household", table_name="fgc_referral")
