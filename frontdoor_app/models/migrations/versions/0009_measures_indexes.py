"""Indexes for the weekly report card (measures): each lets one figure read an index
instead of scanning a table or building a temporary index on every run.

Revision ID: 0009_measures_indexes
Revises: 0008_matching_model
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_measures_indexes"
down_revision: str | None = "0008_matching_model"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    # weeks in the system: the actions closed in the range (the column had no index), and
    # each family's actions' status and closing time without reading the action rows
    ("ix_action_closed_at", "action", ["closed_at", "agenda_item_id"]),
    ("ix_action_item_status_closed", "action", ["agenda_item_id", "status", "closed_at"]),
    # no further notification / weeks in the system: a family's notifications in time order
    ("ix_notification_household_received", "notification", ["household_id", "received_at"]),
    # every figure over discussed cases: a meeting's discussed items and their households
    ("ix_agenda_item_meeting_status_household", "agenda_item",
     ["meeting_id", "status", "household_id"]),
    # children covered: a household's children without reading the member rows
    ("ix_household_member_household_role", "household_member",
     ["household_id", "role", "person_id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
