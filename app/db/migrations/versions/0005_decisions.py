"""Human decisions on reports and shortlist entries (accept, override, ask for a new assessment).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REASON_CODES = (
    "evidence_supports",
    "evidence_misread",
    "known_outside_assessment",
    "assessment_conditions",
    "automatic_scoring_unreliable",
    "eligibility_exception",
    "places_or_priorities",
    "other",
)


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def upgrade() -> None:
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(32), nullable=False),
        sa.Column("session_id", sa.String(36), nullable=True),
        sa.Column("shortlist_id", sa.Integer(), nullable=True),
        sa.Column("target", sa.String(160), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("original_value", sa.String(64), nullable=True),
        sa.Column("new_value", sa.String(64), nullable=True),
        sa.Column("reason_code", sa.String(32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("basis_sha256", sa.String(64), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["assessment_session.id"],
            name=op.f("fk_decision_session_id_assessment_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shortlist_id"], ["shortlist.id"], name=op.f("fk_decision_shortlist_id_shortlist"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["decided_by"], ["app_user.id"], name=op.f("fk_decision_decided_by_app_user")),
        sa.CheckConstraint(_in("subject", ("report", "shortlist_entry")), name=op.f("ck_decision_subject")),
        sa.CheckConstraint(_in("action", ("accept", "override", "new_assessment")), name=op.f("ck_decision_action")),
        sa.CheckConstraint(_in("reason_code", _REASON_CODES), name=op.f("ck_decision_reason_code")),
        sa.CheckConstraint(
            "(subject = 'report' AND session_id IS NOT NULL AND shortlist_id IS NULL) OR "
            "(subject = 'shortlist_entry' AND shortlist_id IS NOT NULL AND session_id IS NULL)",
            name=op.f("ck_decision_one_subject"),
        ),
        sa.CheckConstraint(
            "action <> 'override' OR new_value IS NOT NULL", name=op.f("ck_decision_override_has_value")
        ),
    )
    op.create_index(op.f("ix_decision_session_id"), "decision", ["session_id"])
    op.create_index(op.f("ix_decision_shortlist_id"), "decision", ["shortlist_id"])
    op.create_index(op.f("ix_decision_decided_by"), "decision", ["decided_by"])


def downgrade() -> None:
    op.drop_table("decision")
