"""An intelligence entry, an attendance row and an agenda item's place record who last
changed them (and when).

When a save finds the row changed since the form was started, the conflict view shows the
other version with who saved it and when. An entry has its author and ``updated_at``; an
edit by someone else needs its own name. Attendance had neither; nor had the agenda order.

Revision ID: 0011_who_changed
Revises: 0010_change_txid
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from frontdoor_app.models.base import UTCDateTime

revision: str = "0011_who_changed"
down_revision: str | None = "0010_change_txid"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("intelligence_entry") as batch:
        batch.add_column(sa.Column("changed_by_name", sa.String(length=200), nullable=True))
    with op.batch_alter_table("attendance") as batch:
        batch.add_column(sa.Column("changed_by_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("changed_at", UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("agenda_item") as batch:
        batch.add_column(sa.Column("moved_by_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("moved_at", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agenda_item") as batch:
        batch.drop_column("moved_at")
        batch.drop_column("moved_by_name")
    with op.batch_alter_table("attendance") as batch:
        batch.drop_column("changed_at")
        batch.drop_column("changed_by_name")
    with op.batch_alter_table("intelligence_entry") as batch:
        batch.drop_column("changed_by_name")
