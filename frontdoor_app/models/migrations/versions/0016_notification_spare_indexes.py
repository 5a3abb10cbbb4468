"""Two indexes on ``notification`` that no query reads, and that every import writes.

- ``ix_notification_postcode``: no query looks a notification up by its postcode (the
  household's postcode is what matching and the localities use; a notification's is only
  shown).
- ``ix_notification_household_id``: ``ix_notification_household_received`` (household,
  received) leads with the same column, and serves every query it did, on SQLite and on
  PostgreSQL (the foreign key's checks included).

A Monday feed of 180 notifications into the city wrote 384 and 208 pages of them (of
5,388 the import wrote): each page also encrypted on the way to the disk.

Revision ID: 0016_notification_spare_indexes
Revises: 0015_fgc_decision_client_ref
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016_notification_spare_indexes"
down_revision: str | None = "0015_fgc_decision_client_ref"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_notification_postcode", table_name="notification")
    op.drop_index("ix_notification_household_id", table_name="notification")


def downgrade() -> None:
    op.create_index("ix_notification_household_id", "notification", ["household_id"])
    op.create_index("ix_notification_postcode", "notification", ["postcode"])
