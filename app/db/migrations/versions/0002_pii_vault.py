"""The pseudonym vault (encrypted values of each session's placeholders).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pii_vault_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(36), nullable=False),
        sa.Column("placeholder", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("value_digest", sa.String(64), nullable=False),
        sa.Column("value_encrypted", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pii_vault_entry")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["assessment_session.id"],
            name=op.f("fk_pii_vault_entry_session_id_assessment_session"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("session_id", "placeholder", name=op.f("uq_pii_vault_entry_session_id_placeholder")),
        sa.UniqueConstraint("session_id", "value_digest", name=op.f("uq_pii_vault_entry_session_id_value_digest")),
    )
    op.create_index(op.f("ix_pii_vault_entry_session_id"), "pii_vault_entry", ["session_id"])


def downgrade() -> None:
    op.drop_table("pii_vault_entry")
