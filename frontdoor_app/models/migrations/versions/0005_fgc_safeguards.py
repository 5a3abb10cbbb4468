"""FGC safeguards the database holds too; the FGC coordinator role; the victim's decisions.

CHECKs on fgc_referral (stage in the list, is_open agreeing with the stage, a date once the
conference is held), fgc_consent (who, how and the recorder non-empty) and fgc_safeguard
(the safety plan's note non-empty); app_user gains the fgc_coordinator role and its team;
fgc_invitee its contact and the reason it was removed; fgc_victim_decision is new. SQLite
rebuilds each changed table (batch_alter_table); PostgreSQL alters it in place.

Revision ID: 0005_fgc_safeguards
Revises: 0004_fgc_open
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from frontdoor_app.models.base import UTCDateTime

revision: str = "0005_fgc_safeguards"
down_revision: str | None = "0004_fgc_open"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAGES = ("offered", "consent", "referred", "coordinator_allocated", "preparation",
          "conference_held", "review", "closed", "declined", "withdrawn", "stopped", "suspended")
OPEN = STAGES[:7] + ("suspended",)
ENDED = ("closed", "declined", "withdrawn", "stopped")
HOW = ("in_person", "phone", "video", "idva", "interpreter", "in_writing", "relayed")
OLD_ROLES = ("chair", "representative", "admin", "viewer")
NEW_ROLES = (*OLD_ROLES, "fgc_coordinator")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _filled(column: str) -> str:
    return f"length(trim({column})) > 0"


REFERRAL_CHECKS = {
    "stage": f"stage IN ({_in(STAGES)})",
    "open_agrees_with_stage": f"(is_open = true AND stage IN ({_in(OPEN)})) OR "
    f"(is_open = false AND stage IN ({_in(ENDED)}))",
    "held_has_date": "stage NOT IN ('conference_held', 'review', 'closed') "
    "OR conference_date IS NOT NULL",
}


# Rows written before the database required these (the old demo wrote safety plans without
# a note): marked as such, never invented.
NOT_RECORDED = "(not recorded: written before the database required it)"


def upgrade() -> None:
    op.execute(
        sa.text(
            "UPDATE fgc_safeguard SET note = :marker "
            "WHERE kind = 'safety_plan' AND (note IS NULL OR length(trim(note)) = 0)"
        ).bindparams(marker=NOT_RECORDED)
    )
    for column in ("person_name", "how", "recorded_by"):
        op.execute(
            sa.text(
                f"UPDATE fgc_consent SET {column} = :marker WHERE length(trim({column})) = 0"
            ).bindparams(marker=NOT_RECORDED)
        )
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("fgc_team_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_app_user_fgc_team_id_fgc_team", "fgc_team", ["fgc_team_id"],
                                 ["id"])
        batch.create_index("ix_app_user_fgc_team_id", ["fgc_team_id"])
        batch.drop_constraint(op.f("ck_app_user_role"), type_="check")
        batch.create_check_constraint("role", f"role IN ({_in(NEW_ROLES)})")
    with op.batch_alter_table("fgc_referral") as batch:
        for name, condition in REFERRAL_CHECKS.items():
            batch.create_check_constraint(name, condition)
    with op.batch_alter_table("fgc_consent") as batch:
        batch.add_column(sa.Column("relayed_by", sa.String(200), nullable=True))
        batch.create_check_constraint(
            "filled", f"{_filled('person_name')} AND {_filled('how')} AND {_filled('recorded_by')}"
        )
    with op.batch_alter_table("fgc_safeguard") as batch:
        batch.create_check_constraint(
            "safety_plan_note", f"kind <> 'safety_plan' OR (note IS NOT NULL AND {_filled('note')})"
        )
    with op.batch_alter_table("fgc_invitee") as batch:
        batch.add_column(sa.Column("contact", sa.String(200), nullable=True))
        batch.add_column(sa.Column("removed_reason", sa.Text(), nullable=True))
    op.create_table(
        "fgc_victim_decision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("referral_id", sa.Integer(), sa.ForeignKey("fgc_referral.id"), nullable=False),
        sa.Column("invitee_id", sa.Integer(), sa.ForeignKey("fgc_invitee.id"), nullable=False),
        sa.Column("victim_person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("how", sa.String(16), nullable=False),
        sa.Column("given_at", UTCDateTime(), nullable=False),
        sa.Column("relayed_by", sa.String(200), nullable=True),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('approve_invitee', 'request_attendance', 'withdraw_request')", name="kind"
        ),
        sa.CheckConstraint(f"how IN ({_in(HOW)})", name="how"),
        sa.CheckConstraint(_filled("recorded_by"), name="filled"),
    )
    op.create_index("ix_fgc_victim_decision_referral_id", "fgc_victim_decision", ["referral_id"])
    op.create_index("ix_fgc_victim_decision_invitee_id", "fgc_victim_decision", ["invitee_id"])


def downgrade() -> None:
    op.drop_index("ix_fgc_victim_decision_invitee_id", table_name="fgc_victim_decision")
    op.drop_index("ix_fgc_victim_decision_referral_id", table_name="fgc_victim_decision")
    op.drop_table("fgc_victim_decision")
    with op.batch_alter_table("fgc_invitee") as batch:
        batch.drop_column("removed_reason")
        batch.drop_column("contact")
    with op.batch_alter_table("fgc_safeguard") as batch:
        batch.drop_constraint(op.f("ck_fgc_safeguard_safety_plan_note"), type_="check")
    with op.batch_alter_table("fgc_consent") as batch:
        batch.drop_constraint(op.f("ck_fgc_consent_filled"), type_="check")
        batch.drop_column("relayed_by")
    with op.batch_alter_table("fgc_referral") as batch:
        for name in REFERRAL_CHECKS:
            batch.drop_constraint(op.f(f"ck_fgc_referral_{name}"), type_="check")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_constraint(op.f("ck_app_user_role"), type_="check")
        batch.create_check_constraint("role", f"role IN ({_in(OLD_ROLES)})")
        batch.drop_index("ix_app_user_fgc_team_id")
        batch.drop_constraint(op.f("fk_app_user_fgc_team_id_fgc_team"), type_="foreignkey")
        batch.drop_column("fgc_team_id")
