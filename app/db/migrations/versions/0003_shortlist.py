"""Matching: candidates' matching profiles, stored shortlists per offer and advisers' overrides.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "candidate_matching_profile",
        sa.Column("candidate_id", sa.String(36), nullable=False),
        sa.Column("commune", sa.String(100), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("max_travel_km", sa.Float(), nullable=False),
        sa.Column("available_from", sa.Date(), nullable=False),
        sa.Column("schedule", sa.String(32), nullable=False),
        sa.Column("diploma_level", sa.Integer(), nullable=False),
        sa.Column("driving_licence", sa.Boolean(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("assessments", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("candidate_id", name=op.f("pk_candidate_matching_profile")),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidate.id"],
            name=op.f("fk_candidate_matching_profile_candidate_id_candidate"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("lat BETWEEN -90 AND 90", name=op.f("ck_candidate_matching_profile_lat_range")),
        sa.CheckConstraint("lon BETWEEN -180 AND 180", name=op.f("ck_candidate_matching_profile_lon_range")),
        sa.CheckConstraint("max_travel_km > 0", name=op.f("ck_candidate_matching_profile_travel_positive")),
        sa.CheckConstraint(
            "diploma_level BETWEEN 0 AND 8", name=op.f("ck_candidate_matching_profile_diploma_level_range")
        ),
        sa.CheckConstraint(
            "schedule IN ('any', 'full_time', 'part_time')", name=op.f("ck_candidate_matching_profile_schedule")
        ),
    )

    op.create_table(
        "shortlist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("weights_version", sa.String(16), nullable=False),
        sa.Column("weights_sha256", sa.String(64), nullable=False),
        sa.Column("inputs_sha256", sa.String(64), nullable=False),
        sa.Column("eligible_count", sa.Integer(), nullable=False),
        sa.Column("excluded_count", sa.Integer(), nullable=False),
        sa.Column("ranking", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shortlist")),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["training_offer.id"], name=op.f("fk_shortlist_offer_id_training_offer"), ondelete="CASCADE"
        ),
    )
    op.create_index(op.f("ix_shortlist_offer_id"), "shortlist", ["offer_id"])
    op.create_index(op.f("ix_shortlist_created_at"), "shortlist", ["created_at"])

    op.create_table(
        "shortlist_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shortlist_id", sa.Integer(), nullable=False),
        sa.Column("candidate", sa.String(64), nullable=False),
        sa.Column("decision", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shortlist_override")),
        sa.ForeignKeyConstraint(
            ["shortlist_id"],
            ["shortlist.id"],
            name=op.f("fk_shortlist_override_shortlist_id_shortlist"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("shortlist_id", "candidate", name=op.f("uq_shortlist_override_shortlist_id_candidate")),
        sa.CheckConstraint("decision IN ('include', 'exclude')", name=op.f("ck_shortlist_override_decision")),
    )
    op.create_index(op.f("ix_shortlist_override_shortlist_id"), "shortlist_override", ["shortlist_id"])


def downgrade() -> None:
    for table in ("shortlist_override", "shortlist", "candidate_matching_profile"):
        op.drop_table(table)
