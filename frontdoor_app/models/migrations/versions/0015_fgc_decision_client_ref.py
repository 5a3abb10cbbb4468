"""The victim's decisions on the invite list record the laptop's reference for the step.

Approving an invitee, the three answers and withdrawing the request each record a victim's
decision. Made while the server cannot be reached, such a step waits on the laptop and is
sent when it is back; its reference (unique) makes sure the decision is recorded once even
if the first attempt did reach the server before the connection dropped (as 0014 does for
consents, invitees and safeguards).

Revision ID: 0015_fgc_decision_client_ref
Revises: 0014_fgc_client_ref
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_fgc_decision_client_ref"
down_revision: str | None = "0014_fgc_client_ref"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("fgc_victim_decision") as batch:
        batch.add_column(sa.Column("client_ref", sa.String(length=36), nullable=True))
        batch.create_unique_constraint("uq_fgc_victim_decision_client_ref", ["client_ref"])


def downgrade() -> None:
    with op.batch_alter_table("fgc_victim_decision") as batch:
        batch.drop_constraint("uq_fgc_victim_decision_client_ref", type_="unique")
        batch.drop_column("client_ref")
