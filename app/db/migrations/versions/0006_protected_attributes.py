"""Audit-only protected attributes of candidates (for the indicators' equal-treatment breakdown).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "candidate_protected_attributes",
        sa.Column("candidate_id", sa.String(36), nullable=False),
        sa.Column("sex", sa.String(1), nullable=True),
        sa.Column("age_band", sa.String(8), nullable=True),
        sa.Column("qpv", sa.Boolean(), nullable=True),
        sa.Column("disability", sa.Boolean(), nullable=True),
        sa.Column("nationality_group", sa.String(8), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("candidate_id", name=op.f("pk_candidate_protected_attributes")),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidate.id"],
            name=op.f("fk_candidate_protected_attributes_candidate_id_candidate"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("sex IN ('F', 'M')", name=op.f("ck_candidate_protected_attributes_sex")),
        sa.CheckConstraint(
            "age_band IN ('16-25', '26-44', '45+')", name=op.f("ck_candidate_protected_attributes_age_band")
        ),
        sa.CheckConstraint(
            "nationality_group IN ('french', 'eu', 'non_eu')",
            name=op.f("ck_candidate_protected_attributes_nationality_group"),
        ),
    )


def downgrade() -> None:
    op.drop_table("candidate_protected_attributes")
