"""An outcome may ask a question beside it in the decision ("Shared with which agency").

"Information shared with a named agency" was a checkbox with nowhere to name the agency:
``decision_outcome.detail`` existed and the minutes printed it, but no screen asked for it.
The profile's ``[[outcomes]]`` now say what to ask (``detail_prompt``) and whether the
decision needs the answer before it is saved (``detail_required``); ``sync_reference``
copies both here, so every laptop on a server asks the same question.

Revision ID: 0018_outcome_detail_prompt
Revises: 0017_authority_profile
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_outcome_detail_prompt"
down_revision: str | None = "0017_authority_profile"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outcome_code") as batch:
        batch.add_column(sa.Column("detail_prompt", sa.String(length=200), nullable=True))
        batch.add_column(
            sa.Column(
                "detail_required", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("outcome_code") as batch:
        batch.drop_column("detail_required")
        batch.drop_column("detail_prompt")
