"""The action tracker's index: open actions in due-date order without sorting them all.

Revision ID: 0003_meeting
Revises: 0002
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003_meeting"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_action_status_due_date", "action", ["status", "due_date"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_action_status_due_date", table_name="action")
