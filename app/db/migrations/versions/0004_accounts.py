"""Accounts: lockout columns, server-side login sessions, failed logins per client; invitation browser binding.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN (SQLite >= 3.35 has both): a batch copy of these tables would drop and recreate them,
    # and with foreign keys on, dropping assessment_session would cascade into its transcripts.
    op.add_column("app_user", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("app_user", sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    op.add_column("app_user", sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("assessment_session", sa.Column("browser_binding", sa.String(64), nullable=True))
    op.add_column("assessment_session", sa.Column("invitation_expires_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_session")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_login_session_token_sha256")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_login_session_user_id_app_user"), ondelete="CASCADE"
        ),
    )
    op.create_index(op.f("ix_login_session_user_id"), "login_session", ["user_id"])

    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    op.create_index(op.f("ix_login_failure_client_hash"), "login_failure", ["client_hash"])
    op.create_index(op.f("ix_login_failure_created_at"), "login_failure", ["created_at"])


_ADDED_COLUMNS = {
    "assessment_session": ("invitation_expires_at", "browser_binding"),
    "app_user": ("last_login_at", "locked_until", "failed_logins"),
}


def downgrade() -> None:
    op.drop_table("login_failure")
    op.drop_table("login_session")
    for table, columns in _ADDED_COLUMNS.items():
        for column in columns:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
