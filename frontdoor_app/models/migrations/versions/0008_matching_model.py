"""The matching model trained on the register (``frontdoor matching train``).

Revision ID: 0008_matching_model
Revises: 0006_audit_chain
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_matching_model"
down_revision: str | None = "0006_audit_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "matching_model",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trained_by_user_id", sa.Integer(), nullable=True),
        sa.Column("register_size", sa.Integer(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["trained_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_matching_model_trained_by_user_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matching_model")),
    )


def downgrade() -> None:
    op.drop_table("matching_model")
