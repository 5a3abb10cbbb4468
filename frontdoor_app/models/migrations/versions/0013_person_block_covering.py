"""Blocking without reading the person rows: the date-of-birth and sound-alike blocks read
everything they test from the index.

The import's "born that day, either initial" blocks (``d``, ``d2``) and "surname sounding
alike, born that year, same initial" block (``pyf``, intake/blocking.py) found their rows
through an index and then read each person's row to test the initial and whether the person
was merged away: for a Monday feed some 35,000 scattered rows of ``person``, each page
decrypted, most of them only to be rejected. The indexes now carry those columns. They
replace the indexes they extend (a leading column serves every query the shorter one did),
so an import still updates as many indexes per new person.

Revision ID: 0013_person_block_covering
Revises: 0012_action_client_ref
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013_person_block_covering"
down_revision: str | None = "0012_action_client_ref"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DOB = ["dob", "forename_initial", "surname_key", "merged_into_id"]
PHONETIC = ["surname_phonetic", "birth_year", "forename_initial", "merged_into_id"]


def upgrade() -> None:
    op.drop_index("ix_person_dob", table_name="person")
    op.create_index("ix_person_block_dob", "person", DOB)
    op.drop_index("ix_person_block_phonetic_year", table_name="person")
    op.create_index("ix_person_block_phonetic_year_initial", "person", PHONETIC)


def downgrade() -> None:
    op.drop_index("ix_person_block_phonetic_year_initial", table_name="person")
    op.create_index("ix_person_block_phonetic_year", "person", ["surname_phonetic", "birth_year"])
    op.drop_index("ix_person_block_dob", table_name="person")
    op.create_index("ix_person_dob", "person", ["dob"])
